"""The Cluster Autoscaler and the cloud under it: a node group grows for pods that fit nowhere
and shrinks when a node stays under 50 % of its allocatable for 10 min (the real defaults:
``--scan-interval`` 10 s, ``--scale-down-utilization-threshold`` 0.5,
``--scale-down-unneeded-time`` 10 m, ``--scale-down-delay-after-add`` 10 m). Machines join 60 s
after they are ordered (``provision_delay``). Event texts are cluster-autoscaler's.
"""

import pytest

from k8sedu import autoscaler
from k8sedu.cluster import Cluster
from k8sedu.scheduler.nodeinfo import NodeInfo, PodInfo


def deployment(replicas: int, cpu: str, name: str = "web") -> dict:
    container = {"name": "web", "image": "k8sedu/web:1.0", "resources": {"requests": {"cpu": cpu}}}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container]},
            },
        },
    }


def small_cluster(max_size: int = 3) -> Cluster:
    """One fixed 2-CPU worker and an empty autoscaled group of 2-CPU machines."""
    cluster = Cluster(nodes=1, node_cpu="2", node_memory="4Gi")
    cluster.add_node_group("pool", min_size=0, max_size=max_size, cpu="2", memory="4Gi")
    return cluster


def ca_events(cluster: Cluster) -> list[tuple[str, str, str]]:
    return [
        (e["involvedObject"]["name"], e["reason"], e["message"])
        for e in cluster.events
        if e["source"].get("component") == "cluster-autoscaler"
    ]


def pool_nodes(cluster: Cluster) -> list[str]:
    return [n for n in cluster.hosts if n.startswith("pool-")]


def test_defaults():
    assert (autoscaler.SCAN_INTERVAL, autoscaler.UTILIZATION_THRESHOLD) == (10.0, 0.5)
    assert (autoscaler.UNNEEDED_TIME, autoscaler.DELAY_AFTER_ADD) == (600.0, 600.0)


def test_a_pending_pod_gets_a_new_node():
    cluster = small_cluster()
    cluster.apply(deployment(4, "600m"))  # 3 fit on node-1 (1800m of 2000m); the 4th waits
    cluster.run(10)  # the loop at t=10 orders one machine
    [pending] = cluster.api.list("pods", field_selector="status.phase=Pending")
    assert ca_events(cluster) == [
        (pending["metadata"]["name"], "TriggeredScaleUp", "pod triggered scale-up: [{pool 0->1 (max: 3)}]")
    ]  # fmt: skip
    cluster.run(59)
    assert pool_nodes(cluster) == []
    cluster.run(1)  # t=70: the machine joins
    [node] = pool_nodes(cluster)
    cluster.run(10)
    pod = cluster.api.get("pods", pending["metadata"]["name"])
    assert (pod["spec"]["nodeName"], pod["status"]["phase"]) == (node, "Running")
    assert len(ca_events(cluster)) == 1  # no second scale-up while the machine was booting


def test_one_scale_up_packs_several_pods():
    cluster = small_cluster()
    cluster.apply(deployment(7, "600m"))  # 4 pending: 3 per new node → 2 machines
    cluster.run(10)
    events = ca_events(cluster)
    assert {e[2] for e in events} == {"pod triggered scale-up: [{pool 0->2 (max: 3)}]"}
    assert len(events) == 4
    cluster.run(80)
    assert len(pool_nodes(cluster)) == 2
    assert cluster.api.list("pods", field_selector="status.phase=Pending") == []


@pytest.mark.parametrize(
    ("cpu", "max_size", "message"),
    [
        ("3", 3, "pod didn't trigger scale-up: 1 Insufficient cpu"),
        ("600m", 0, "pod didn't trigger scale-up: 1 max node group size reached"),
    ],
    ids=["too-big-for-the-template", "group-at-max"],
)
def test_pods_that_no_new_node_would_help(cpu, max_size, message):
    cluster = small_cluster(max_size)
    cluster.apply(deployment(4 if cpu == "600m" else 1, cpu))
    cluster.run(10)
    assert {e[1:] for e in ca_events(cluster)} == {("NotTriggerScaleUp", message)}
    assert pool_nodes(cluster) == []


def test_an_idle_node_is_removed_after_10_minutes():
    cluster = small_cluster()
    cluster.apply(deployment(4, "600m"))
    cluster.run(100)
    [node] = pool_nodes(cluster)
    cluster.kubectl("scale deployment web --replicas=1")  # the pool node keeps 1 pod: 30 % used
    cluster.run(609)  # unneeded since the loop at t=110: the 10 minutes end at 710
    assert pool_nodes(cluster) == [node]
    cluster.run(1)
    node_obj = cluster.api.get("nodes", node)
    assert node_obj["spec"]["taints"][-1]["key"] == "ToBeDeletedByClusterAutoscaler"
    cluster.run(10)  # the evicted pod is gone: the machine is deleted at the next loop
    assert pool_nodes(cluster) == []
    moved = [e for e in ca_events(cluster) if e[1] == "ScaleDown"]
    assert [e[2] for e in moved] == [
        "marked the node as toBeDeleted/unschedulable",
        "deleting pod for node scale down",
        "node removed by cluster autoscaler",
    ]
    assert cluster.api.list("nodes", field_selector=f"metadata.name={node}") == []
    pods = cluster.api.list("pods", label_selector="app=web")
    assert [p["spec"]["nodeName"] for p in pods] == ["node-1"]


def node_info(cpu_used: str, memory_used: str = "0", ready: str = "True", annotations=None):
    node = {
        "metadata": {"name": "n", "annotations": annotations or {}},
        "spec": {},
        "status": {
            "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": ready}],
        },
    }
    info = NodeInfo(node)
    info.add_pod(PodInfo(pod("web-1", cpu_used, memory_used)))
    return info


def pod(name: str, cpu: str, memory: str = "0", owner: str | None = "ReplicaSet", **meta) -> dict:
    metadata = {"name": name, "namespace": "default", "uid": name, **meta}
    if owner:
        metadata["ownerReferences"] = [{"kind": owner, "name": "x", "uid": "u", "controller": True}]
    resources = {"requests": {"cpu": cpu, "memory": memory}}
    return {"metadata": metadata, "spec": {"containers": [{"name": "c", "resources": resources}]}}


@pytest.mark.parametrize(
    ("info", "removable"),
    [
        (node_info("900m"), True),  # 45 %
        (node_info("1"), False),  # 50 % is not under the threshold
        (node_info("100m", "2Gi"), False),  # memory counts too: max(5 %, 50 %)
        (node_info("1500m", ready="False"), True),  # a NotReady node's use does not matter
        (node_info("0", annotations={autoscaler.SCALE_DOWN_DISABLED: "true"}), False),
    ],
    ids=["45%", "50%", "memory-50%", "not-ready", "scale-down-disabled"],
)
def test_utilization_threshold(info, removable):
    assert autoscaler.ClusterAutoscaler.removable(info) is removable


@pytest.mark.parametrize(
    ("the_pod", "blocks"),
    [
        (pod("a", "1"), False),
        (pod("b", "1", owner=None), True),  # nothing would recreate it
        (pod("c", "1", owner=None, annotations={autoscaler.SAFE_TO_EVICT: "true"}), False),
        (pod("d", "1", annotations={autoscaler.SAFE_TO_EVICT: "false"}), True),
        (pod("e", "1", namespace="kube-system"), True),
    ],
    ids=["replicated", "bare", "bare-safe-to-evict", "not-safe-to-evict", "kube-system"],
)
def test_pods_that_block_scale_down(the_pod, blocks):
    assert autoscaler.blocks_scale_down(the_pod) is blocks


def test_daemonset_pods_stay_with_their_node():
    assert autoscaler.stays_with_node(pod("ds", "100m", owner="DaemonSet"))
    assert not autoscaler.stays_with_node(pod("rs", "100m"))


def test_rejections_are_the_scheduler_filters():
    info = node_info("1500m")
    assert autoscaler.rejections(PodInfo(pod("big", "1")), info, [info]) == ("Insufficient cpu",)
    assert autoscaler.rejections(PodInfo(pod("small", "500m")), info, [info]) == ()


def test_pods_held_by_a_topology_spread_get_new_nodes():
    """Four replicas, at most one more on any node than on another (DoNotSchedule): the fixed
    worker takes one, then the spread, not the CPU, keeps the others Pending — the real
    autoscaler runs PodTopologySpread in its simulation and orders a machine per pod."""
    cluster = small_cluster(max_size=5)
    spread = deployment(4, "100m")
    spread["spec"]["template"]["spec"]["topologySpreadConstraints"] = [
        {
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": "web"}},
        }
    ]
    cluster.apply(spread)
    cluster.run(200)
    running = cluster.api.list("pods", field_selector="status.phase=Running")
    assert len(running) == 4
    assert len({p["spec"]["nodeName"] for p in running}) == 4
    assert len(pool_nodes(cluster)) == 3


def test_a_pod_without_a_controller_keeps_its_node():
    cluster = small_cluster()
    cluster.apply(deployment(4, "600m"))
    cluster.run(100)
    [node] = pool_nodes(cluster)
    lonely = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "lonely"},
        "spec": {"nodeName": node, "containers": [{"name": "c", "image": "k8sedu/web:1.0"}]},
    }
    cluster.api.create("pods", lonely)
    cluster.kubectl("scale deployment web --replicas=1")
    cluster.run(1300)  # the idle-node story again, but a pod nothing would recreate is there
    assert pool_nodes(cluster) == [node]


def test_min_size_machines_start_at_once_and_stay():
    cluster = Cluster(nodes=1)
    cluster.add_node_group("base", min_size=2, max_size=4)
    assert len([n for n in cluster.hosts if n.startswith("base-")]) == 2
    cluster.run(1300)  # empty, but the group is at its min size
    assert len([n for n in cluster.hosts if n.startswith("base-")]) == 2


def test_node_group_errors():
    cluster = Cluster(nodes=1)
    cluster.add_node_group("pool", min_size=0, max_size=1)
    with pytest.raises(ValueError, match="already exists"):
        cluster.add_node_group("pool", min_size=0, max_size=1)
    with pytest.raises(ValueError, match="min_size <= max_size"):
        cluster.add_node_group("other", min_size=3, max_size=1)


def test_node_hours():
    cluster = Cluster(nodes=2)
    cluster.run(1800)
    assert cluster.node_hours() == pytest.approx(
        1.0
    )  # 2 workers × 0.5 h; the control plane is free


def test_node_hours_count_removed_machines():
    cluster = small_cluster()
    cluster.apply(deployment(4, "600m"))
    cluster.run(100)
    cluster.kubectl("scale deployment web --replicas=1")
    cluster.run(620)  # the pool machine ran from its order at t=10 to its deletion at t=720
    assert pool_nodes(cluster) == []
    assert cluster.node_hours() == pytest.approx((720 + 710) / 3600)


def test_snapshot_keeps_the_cloud():
    cluster = small_cluster()
    cluster.apply(deployment(4, "600m"))
    cluster.run(30)  # a machine is booting
    restored = Cluster.restore(cluster.snapshot())
    for c in (cluster, restored):
        c.run(60)
    assert pool_nodes(restored) == pool_nodes(cluster) != []
