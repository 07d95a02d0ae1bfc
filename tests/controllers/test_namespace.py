"""The namespace controller: a deleted namespace is emptied, then finalized and removed."""

import pytest

from k8sedu.cluster import Cluster
from k8sedu.errors import NotFound


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(nodes=1)
    cluster.api.create(
        "namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}
    )
    cluster.run(1)
    return cluster


def pod(name: str, node: str | None = None) -> dict:
    spec = {"containers": [{"name": "c", "image": "nginx"}]}
    if node:
        spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "team"},
        "spec": spec,
    }


def contents(cluster: Cluster) -> list[str]:
    found = []
    for resource in ("pods", "configmaps", "services", "serviceaccounts"):
        found += [
            f"{resource}/{o['metadata']['name']}"
            for o in cluster.api.list(resource, namespace="team")
        ]
    return found


def exists(cluster: Cluster, name: str) -> bool:
    try:
        cluster.api.get("namespaces", name)
    except NotFound:
        return False
    return True


def test_deleting_a_namespace_removes_its_contents_then_itself(cluster):
    cluster.api.create("pods", pod("web"))
    cluster.api.create(
        "configmaps",
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "conf", "namespace": "team"},
        },
    )
    cluster.api.create(
        "services",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": "team"},
            "spec": {"ports": [{"port": 80}]},
        },
    )
    deleted = cluster.api.delete("namespaces", "team")
    assert (deleted["status"]["phase"], deleted["spec"]["finalizers"]) == (
        "Terminating",
        ["kubernetes"],
    )
    cluster.run(4.9)  # namespaceDeletionGracePeriod: 5 s
    assert contents(cluster) == [
        "pods/web",
        "configmaps/conf",
        "configmaps/kube-root-ca.crt",
        "services/web",
        "serviceaccounts/default",
    ]
    cluster.run(0.2)
    assert contents(cluster) == []  # the running pod went gracefully; its kubelet confirmed at once
    assert exists(cluster, "team")  # but a graceful pod deletion means a wait: 30 s / 2 + 1 = 16 s
    cluster.run(16)
    assert not exists(cluster, "team")
    finalize = cluster.trace.filter(verb="update", resource="namespaces/finalize")
    assert [(r.key, r.detail["user"]) for r in finalize] == [
        ("team", "system:serviceaccount:kube-system:namespace-controller")
    ]


def test_a_namespace_waits_for_its_bound_pods(cluster):
    cluster.fail_node("node-1")  # its kubelet is down: nothing confirms the deletion
    cluster.api.create("pods", pod("bound", node="node-1"))  # graceful: waits for its kubelet
    cluster.api.delete("namespaces", "team")
    cluster.run(120)
    assert exists(cluster, "team")
    assert cluster.api.get("pods", "bound", namespace="team")["metadata"]["deletionTimestamp"]
    passes = [
        r.time for r in cluster.trace.filter(verb="get", resource="namespaces") if r.key == "team"
    ]
    # 5 s grace, then 30 s (the pod's grace period) / 2 + 1 = 16 s while the estimate holds
    assert passes[:3] == [6.0, 22.0, 38.0]
    errors = cluster.trace.filter(verb="reconcile-error", resource="namespace")
    assert (
        errors[-1].detail
        == "RuntimeError: unexpected items still remain in namespace: team for gvr: /v1, Resource=pods"
    )
    cluster.recover_node("node-1")  # the kubelet comes back, stops the pod and confirms
    cluster.run(60)  # retried at least every minute
    assert contents(cluster) == []
    assert not exists(cluster, "team")


def test_immortal_namespaces_cannot_be_deleted(cluster):
    with pytest.raises(Exception, match="this namespace may not be deleted"):
        cluster.api.delete("namespaces", "kube-system")
