"""The cluster's shape at t = 0, determinism, checkpoints and faults (DESIGN "Contract details")."""

import pytest

import k8sedu as k


def web_pod(name):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "k8sedu/web:1.0"}]},
    }


def test_nodes_counts_workers_plus_the_tainted_control_plane():
    cluster = k.Cluster(nodes=3)
    nodes = {n["metadata"]["name"]: n for n in cluster.api.list("nodes")}
    assert sorted(nodes) == ["control-plane", "node-1", "node-2", "node-3"]
    cp = nodes["control-plane"]
    assert cp["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] == ""
    assert cp["spec"]["taints"] == [
        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
    ]
    worker = nodes["node-2"]
    assert worker["status"]["capacity"]["cpu"] == "4"
    assert worker["status"]["allocatable"]["memory"] == "8Gi"
    assert worker["status"]["capacity"]["pods"] == "110"
    assert worker["status"]["addresses"][0] == {"type": "InternalIP", "address": "172.18.0.4"}
    assert worker["spec"]["podCIDR"] == "10.244.2.0/24"
    ready = [c for c in worker["status"]["conditions"] if c["type"] == "Ready"][0]
    assert ready["status"] == "True"
    assert worker["status"]["nodeInfo"]["kubeletVersion"] == "v1.34.0"


def test_the_control_plane_runs_a_kubelet_and_kube_proxy_but_takes_no_app_pods():
    """As in kind: the control-plane Node heartbeats like any other, and its NoSchedule taint
    keeps app pods that do not fit on the workers Pending rather than placed there."""
    cluster = k.Cluster(nodes=2, node_cpu="1")
    assert list(cluster.node("control-plane").processes) == ["kubelet", "kube-proxy"]
    pod = web_pod("web")
    pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "400m"}}
    for i in range(6):
        pod["metadata"]["name"] = f"web-{i}"
        cluster.api.create("pods", pod)
    cluster.run(120)
    placed = sorted(p["spec"].get("nodeName", "") for p in cluster.api.list("pods"))
    assert placed == ["", "", "node-1", "node-1", "node-2", "node-2"]
    ready = [
        c["status"]
        for c in cluster.api.get("nodes", "control-plane")["status"]["conditions"]
        if c["type"] == "Ready"
    ]
    assert ready == ["True"]
    failed = cluster.api.list("events", field_selector="reason=FailedScheduling")
    assert failed[0]["message"].startswith(
        "0/3 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu."
    )


def test_zones_spread_workers_round_robin():
    cluster = k.Cluster(nodes=3, zones=["a", "b"])
    zones = [
        cluster.api.get("nodes", f"node-{i}")["metadata"]["labels"]["topology.kubernetes.io/zone"]
        for i in (1, 2, 3)
    ]
    assert zones == ["a", "b", "a"]


def test_bare_cluster_has_only_the_system_namespaces_and_no_nodes():
    cluster = k.Cluster.bare()
    assert [n["metadata"]["name"] for n in cluster.api.list("namespaces")] == [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
    ]
    assert cluster.api.list("nodes") == []
    assert set(cluster.components) == {"etcd", "kube-apiserver"}


def test_a_node_made_through_the_api_is_only_an_object():
    cluster = k.Cluster.bare()
    body = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "paper"},
        "status": {"capacity": {"cpu": "2"}},
    }
    cluster.api.create("nodes", body)
    cluster.run(600)
    # as given, plus SetDefaults_NodeStatus: allocatable defaults to capacity
    assert cluster.api.get("nodes", "paper")["status"] == {
        "capacity": {"cpu": "2"},
        "allocatable": {"cpu": "2"},
    }


def test_add_and_remove_node():
    cluster = k.Cluster(nodes=1)
    host = cluster.add_node(cpu="8", memory="16Gi", labels={"disk": "ssd"})
    assert host.name == "node-2"
    node = cluster.api.get("nodes", "node-2")
    assert node["metadata"]["labels"]["disk"] == "ssd" and node["status"]["capacity"]["cpu"] == "8"
    with pytest.raises(ValueError, match="already exists"):
        cluster.add_node("node-2")
    cluster.remove_node("node-2")
    with pytest.raises(k.NotFound):
        cluster.api.get("nodes", "node-2")


def test_unknown_component_names_the_known_ones():
    with pytest.raises(KeyError, match="kube-apiserver"):
        k.Cluster.bare().stop("kube-nothing")


def story(seed):
    cluster = k.Cluster(nodes=2, seed=seed)
    for i in range(3):
        cluster.api.create("pods", web_pod(f"web-{i}"))
        cluster.run(7)
    cluster.api.delete("pods", "web-1")
    cluster.run(400)
    return cluster


def trace_of(cluster):
    return [tuple(map(str, r)) for r in cluster.trace]


def test_same_seed_same_history():
    a, b = story(5), story(5)
    assert trace_of(a) == trace_of(b)
    assert [p["metadata"]["uid"] for p in a.api.list("pods")] == [
        p["metadata"]["uid"] for p in b.api.list("pods")
    ]


def test_different_seed_different_uids():
    a, b = story(1), story(2)
    assert (
        a.api.get("pods", "web-0")["metadata"]["uid"]
        != b.api.get("pods", "web-0")["metadata"]["uid"]
    )


def test_snapshot_restores_an_identical_future():
    cluster = story(3)
    restored = k.Cluster.restore(cluster.snapshot())
    assert restored.now == cluster.now
    for c in (cluster, restored):
        c.api.create("pods", web_pod("later"))
        c.run(600)
    assert trace_of(cluster) == trace_of(restored)
    assert cluster.etcd.revision == restored.etcd.revision


def test_save_and_load(tmp_path):
    cluster = story(4)
    path = tmp_path / "cluster.k8s"
    cluster.save(path)
    loaded = k.Cluster.load(path)
    assert [p["metadata"]["name"] for p in loaded.api.list("pods")] == ["web-0", "web-2"]


def test_stopped_etcd_fails_every_request():
    cluster = k.Cluster.bare()
    cluster.stop("etcd")
    with pytest.raises(k.APIError, match="etcdserver: request timed out"):
        cluster.api.list("pods")
    cluster.start("etcd")
    assert cluster.api.list("pods") == []


def test_events_are_sorted_oldest_first():
    cluster = k.Cluster.bare()
    for i, t in enumerate(["2025-01-01T00:00:09Z", "2025-01-01T00:00:03Z"]):
        cluster.api.create(
            "events",
            {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": f"e{i}"},
                "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
                "reason": "Test",
                "message": "m",
                "type": "Normal",
                "lastTimestamp": t,
                "firstTimestamp": t,
                "count": 1,
            },
        )
    assert [e["metadata"]["name"] for e in cluster.events] == ["e1", "e0"]


def test_events_expire_after_an_hour_through_an_etcd_lease():
    cluster = k.Cluster.bare()
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "e"},
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
        "reason": "Test",
        "message": "m",
        "type": "Normal",
    }
    cluster.api.create("events", event)
    cluster.run(3599)
    assert len(cluster.events) == 1
    cluster.run(62)
    assert cluster.events == []
