"""The garbage collector: background, foreground and orphan deletion of an owner's pods.

The pods here are made by hand, without the ReplicaSet's labels, so the ReplicaSet controller is
stopped: running, it would release them (``ClaimPods``) and the collector would have nothing to do.
"""

import pytest

from k8sedu.cluster import Cluster


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(nodes=1)
    cluster.stop("kube-controller-manager/replicaset")
    return cluster


def replicaset(name: str = "web") -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


def owner_ref(owner: dict, block: bool = True, controller: bool = True) -> dict:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": controller,
        "blockOwnerDeletion": block,
    }


def pod(name: str, *owners: dict, node: str | None = None, sleeps: bool = False) -> dict:
    spec = {"containers": [{"name": "c", "image": "nginx"}]}
    if node:
        spec["nodeName"] = node
    if sleeps:  # ``sleep`` as PID 1 ignores SIGTERM: Terminating for the whole 30 s grace period
        spec["containers"] = [{"name": "c", "image": "busybox", "command": ["sleep", "3600"]}]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "ownerReferences": list(owners)},
        "spec": spec,
    }


def names(cluster: Cluster, resource: str) -> list[str]:
    return names_in(cluster, resource, "default")


def names_in(cluster: Cluster, resource: str, namespace: str) -> list[str]:
    return [o["metadata"]["name"] for o in cluster.api.list(resource, namespace=namespace)]


@pytest.fixture
def owned(cluster):
    rs = cluster.api.create("replicasets", replicaset())
    for i in (1, 2):
        cluster.api.create("pods", pod(f"web-{i}", owner_ref(rs)))
    cluster.run(1)
    return rs


@pytest.mark.parametrize(
    ("policy", "pods_left", "refs_left"),
    [
        pytest.param("Background", [], [], id="background: pods deleted"),
        pytest.param("Foreground", [], [], id="foreground: pods deleted first"),
        pytest.param("Orphan", ["web-1", "web-2"], [None, None], id="orphan: pods kept, unlinked"),
    ],
)
def test_deleting_the_owner(cluster, owned, policy, pods_left, refs_left):
    cluster.api.delete("replicasets", "web", propagation_policy=policy)
    cluster.run(1)
    assert names(cluster, "replicasets") == []
    assert names(cluster, "pods") == pods_left
    assert [
        p["metadata"].get("ownerReferences") for p in cluster.api.list("pods", namespace="default")
    ] == refs_left


def test_foreground_waits_for_a_terminating_pod(cluster):
    rs = cluster.api.create("replicasets", replicaset())
    cluster.api.create(
        "pods", pod("web-1", owner_ref(rs), node="node-1", sleeps=True)
    )  # bound: graceful deletion
    cluster.run(1)
    cluster.api.delete("replicasets", "web", propagation_policy="Foreground")
    cluster.run(29)
    left = cluster.api.get("replicasets", "web")
    assert left["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert cluster.api.get("pods", "web-1")["metadata"]["deletionTimestamp"]  # Terminating
    cluster.run(2)  # the kubelet kills the container at the grace period and confirms
    assert names(cluster, "pods") == []
    assert names(cluster, "replicasets") == []


def test_foreground_does_not_wait_for_non_blocking_dependents(cluster):
    rs = cluster.api.create("replicasets", replicaset())
    cluster.api.create("pods", pod("web-1", owner_ref(rs, block=False), node="node-1", sleeps=True))
    cluster.run(1)
    cluster.api.delete("replicasets", "web", propagation_policy="Foreground")
    cluster.run(1)
    assert names(cluster, "replicasets") == []
    assert cluster.api.get("pods", "web-1")["metadata"]["deletionTimestamp"]


def test_a_dependent_of_an_owner_that_never_existed_is_deleted_after_a_get(cluster):
    ghost = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "ghost", "uid": "00000000-0000-4000-8000-000000000000"},
    }
    cluster.api.create("pods", pod("orphaned", owner_ref(ghost)))
    cluster.run(1)
    assert names(cluster, "pods") == []
    gets = cluster.trace.filter(
        component="kube-controller-manager", verb="get", resource="replicasets"
    )
    assert [(r.key, r.detail["code"]) for r in gets] == [("default/ghost", 404)]


def test_an_owner_recreated_with_a_new_uid_does_not_count(cluster):
    old = cluster.api.create("replicasets", replicaset())
    cluster.api.delete("replicasets", "web")
    cluster.api.create("replicasets", replicaset())  # same name, new uid
    cluster.api.create("pods", pod("stale", owner_ref(old)))
    cluster.run(1)
    assert names(cluster, "pods") == []
    assert names(cluster, "replicasets") == ["web"]


def test_a_dependent_with_another_live_owner_stays_and_loses_the_dead_reference(cluster):
    a = cluster.api.create("replicasets", replicaset("a"))
    b = cluster.api.create("replicasets", replicaset("b"))
    cluster.api.create("pods", pod("shared", owner_ref(a), owner_ref(b, controller=False)))
    cluster.run(1)
    cluster.api.delete("replicasets", "a")
    cluster.run(1)
    refs = cluster.api.get("pods", "shared")["metadata"]["ownerReferences"]
    assert [r["name"] for r in refs] == ["b"]


def test_owners_deleted_while_the_collector_was_stopped_are_collected_on_start(cluster, owned):
    cluster.stop("kube-controller-manager/garbagecollector")
    cluster.api.delete("replicasets", "web")
    cluster.run(30)
    assert names(cluster, "pods") == ["web-1", "web-2"]
    cluster.start("kube-controller-manager/garbagecollector")
    cluster.run(1)
    assert names(cluster, "pods") == []


def test_a_lease_owned_by_a_node_goes_with_the_node(cluster):
    node = cluster.api.get("nodes", "node-1")
    cluster.run(1)
    lease = cluster.api.get("leases", "node-1", namespace="kube-node-lease")  # the kubelet's
    assert lease["metadata"]["ownerReferences"] == [
        {"apiVersion": "v1", "kind": "Node", "name": "node-1", "uid": node["metadata"]["uid"]}
    ]
    cluster.remove_node("node-1")
    cluster.run(1)
    assert names_in(cluster, "leases", "kube-node-lease") == ["control-plane"]


@pytest.mark.parametrize("resource", ["configmaps", "replicasets"])
def test_foreground_deletion_of_an_object_without_dependents_completes(cluster, resource):
    body = (
        replicaset()
        if resource == "replicasets"
        else {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}}
    )
    cluster.api.create(resource, body)
    cluster.api.delete(resource, "web", propagation_policy="Foreground")
    cluster.run(0)
    assert "web" not in names(cluster, resource)
