"""Scenarios through the whole cluster: cordon, taints, affinity, zone spreading, preemption."""

from collections import Counter

import k8sedu as k
from tests.scheduler.conftest import make_pod

CP = "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"


def node_of(cluster, name):
    return cluster.api.get("pods", name)["spec"].get("nodeName")


def cordon(cluster, node, on=True):
    # what `kubectl cordon` does: a strategic merge patch of spec.unschedulable
    cluster.api.patch("nodes", node, {"spec": {"unschedulable": on}})


def test_cordon_and_uncordon():
    cluster = k.Cluster(nodes=3)
    cordon(cluster, "node-1")
    cordon(cluster, "node-2")
    for i in range(3):
        cluster.api.create("pods", make_pod(f"p{i}", "100m"))
    cluster.run(1)
    assert {node_of(cluster, f"p{i}") for i in range(3)} == {"node-3"}
    cordon(cluster, "node-3")
    cluster.api.create("pods", make_pod("late", "100m"))
    cluster.run(1)
    assert node_of(cluster, "late") is None
    message = cluster.api.get("pods", "late")["status"]["conditions"][0]["message"]
    assert message == (
        f"0/4 nodes are available: {CP}, 3 node(s) were unschedulable. preemption: "
        "0/4 nodes are available: 4 Preemption is not helpful for scheduling."
    )
    cordon(cluster, "node-1", on=False)
    cluster.run_until(lambda c: node_of(c, "late"), timeout=15)
    assert node_of(cluster, "late") == "node-1"


def test_taints_and_tolerations():
    cluster = k.Cluster(nodes=3)
    taint = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
    cluster.api.patch("nodes", "node-1", {"spec": {"taints": [taint]}})
    for i in range(6):
        cluster.api.create("pods", make_pod(f"p{i}", "100m"))
    gpu_job = make_pod(
        "trainer",
        "100m",
        tolerations=[
            {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}
        ],
        nodeSelector={"kubernetes.io/hostname": "node-1"},
    )
    cluster.api.create("pods", gpu_job)
    cluster.run(1)
    assert "node-1" not in {node_of(cluster, f"p{i}") for i in range(6)}
    assert node_of(cluster, "trainer") == "node-1"


def test_node_affinity():
    cluster = k.Cluster(nodes=3)
    cluster.api.patch("nodes", "node-2", {"metadata": {"labels": {"disktype": "ssd"}}})
    term = {"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["ssd"]}]}
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}
        }
    }
    for i in range(3):
        cluster.api.create("pods", make_pod(f"db{i}", "100m", affinity=affinity))
    prefer = {
        "nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "preference": term}]
        }
    }
    cluster.api.create("pods", make_pod("cache", "100m", affinity=prefer))
    cluster.run(1)
    assert {node_of(cluster, f"db{i}") for i in range(3)} == {"node-2"}
    assert node_of(cluster, "cache") == "node-2"


def test_spreading_a_deployment_across_zones():
    """Six replicas (created directly: no Deployment controller yet) with a zone constraint."""
    cluster = k.Cluster(nodes=4, zones=["a", "b"])
    constraint = {
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "web"}},
    }
    for i in range(6):
        pod = make_pod(
            f"web-{i}", "100m", labels={"app": "web"}, topologySpreadConstraints=[constraint]
        )
        cluster.api.create("pods", pod)
    cluster.run(1)
    zone_of = {
        n["metadata"]["name"]: n["metadata"]["labels"].get("topology.kubernetes.io/zone")
        for n in cluster.api.list("nodes")
    }
    assert Counter(zone_of[node_of(cluster, f"web-{i}")] for i in range(6)) == {"a": 3, "b": 3}


def test_service_pods_are_spread_by_default():
    """A Service selecting the pods turns on the system default spreading (hostname and zone)."""
    cluster = k.Cluster(nodes=3)
    cluster.api.create(
        "services",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "api"},
            "spec": {"selector": {"app": "api"}, "ports": [{"port": 80}]},
        },
    )
    for i in range(6):
        cluster.api.create("pods", make_pod(f"api-{i}", "100m", labels={"app": "api"}))
    cluster.run(1)
    assert sorted(Counter(node_of(cluster, f"api-{i}") for i in range(6)).values()) == [2, 2, 2]
    row = next(
        r
        for r in cluster.scheduler.explain("api-5").rows
        if r["plugin"] == "PodTopologySpread" and r["score"] is not None
    )
    assert row["weighted"] == 2 * row["normalized"]


def test_high_priority_pod_preempts():
    """The victim is deleted gracefully; with no kubelet to confirm, the test force-deletes
    Terminating victims (as the kubelet would once the containers stop)."""
    cluster = k.Cluster(nodes=1, node_cpu="2")
    for name, value in [("low", 10), ("high", 1000)]:
        cluster.api.create(
            "priorityclasses",
            {
                "apiVersion": "scheduling.k8s.io/v1",
                "kind": "PriorityClass",
                "metadata": {"name": name},
                "value": value,
            },
        )
    for i in range(2):
        cluster.api.create("pods", make_pod(f"batch-{i}", "1", priorityClassName="low"))
    cluster.run(1)
    cluster.api.create("pods", make_pod("vip", "1", priorityClassName="high"))
    cluster.run(0)
    vip = cluster.api.get("pods", "vip")
    assert vip["status"]["nominatedNodeName"] == "node-1"
    victims = [e["involvedObject"]["name"] for e in cluster.events if e["reason"] == "Preempted"]
    assert len(victims) == 1 and victims[0].startswith("batch-")
    for name in victims:  # still Terminating if no kubelet confirmed the kill: stand in for it
        if cluster.api.list("pods", field_selector=f"metadata.name={name}"):
            cluster.api.delete("pods", name, grace_period=0)
    cluster.run_until(lambda c: node_of(c, "vip"), timeout=30)
    assert node_of(cluster, "vip") == "node-1"
    reasons = [e["reason"] for e in cluster.events if e["involvedObject"]["name"] == "vip"]
    assert reasons[:2] == ["FailedScheduling", "Scheduled"]
