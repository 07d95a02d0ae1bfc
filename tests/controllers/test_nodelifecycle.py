"""Node lifecycle + taint eviction: a node stops heartbeating, goes Unknown, is tainted, its pods go.

Expected numbers come from REFERENCE §4.4 as checked in
``pkg/controller/nodelifecycle/node_lifecycle_controller.go``: the probe time is when the
controller *saw* the last Lease renewal (monitor passes every 5 s); Ready turns Unknown on the
first pass strictly after probe + 50 s; the ``unreachable:NoExecute`` taint is added on the next
pass (``processTaintBaseEviction`` looks at the Ready status observed *before* the pass); pods
with the default 300 s toleration are deleted 300 s after the taint.
"""

import pytest

from k8sedu import objects
from k8sedu.cluster import Cluster
from k8sedu.controllers.nodelifecycle import compute_zone_state

UNREACHABLE = "node.kubernetes.io/unreachable"


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(nodes=3)  # as in kind, the control-plane node runs a kubelet too


def pod(name: str, node: str, tolerations: list | None = None) -> dict:
    spec = {"nodeName": node, "containers": [{"name": "c", "image": "nginx:1.27"}]}
    if tolerations is not None:
        spec["tolerations"] = tolerations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def ready_status(cluster: Cluster, node: str) -> str:
    return objects.get_condition(cluster.api.get("nodes", node), "Ready")["status"]


def taints(cluster: Cluster, node: str) -> list[tuple[str, str]]:
    return [
        (t["key"], t["effect"]) for t in cluster.api.get("nodes", node)["spec"].get("taints") or []
    ]


def deleting(cluster: Cluster, name: str) -> bool:
    try:
        return bool(cluster.api.get("pods", name)["metadata"].get("deletionTimestamp"))
    except Exception:
        return True


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param(["True", "True", "Unknown"], (1, "Normal"), id="one of three down: Normal"),
        pytest.param(["Unknown", "False"], (2, "FullDisruption"), id="none ready: Full"),
        pytest.param(["True", "Unknown", "Unknown"], (2, "Normal"), id="two down is never Partial"),
        pytest.param(
            ["True", "Unknown", "Unknown", "Unknown"],
            (3, "PartialDisruption"),
            id="3 of 4: Partial",
        ),
        pytest.param(
            ["True", "True", "True", "Unknown", "Unknown", "Unknown"],
            (3, "Normal"),
            id="3 of 6 < 55%",
        ),
        pytest.param([], (0, "Normal"), id="empty zone"),
    ],
)
def test_compute_zone_state(statuses, expected):
    assert compute_zone_state(statuses, 0.55) == expected


def test_node_failure_timeline(cluster):
    """The kubelet dies at t=30 right after renewing its Lease. The watch event reaches the
    controller's informer after its monitor pass of that instant, so the renewal is seen at 35:
    probe 35 → Unknown at 90 (first pass strictly after 85) → NoExecute taint at 95 (next pass)
    → pods with the default 300 s toleration deleted at 395, i.e. death + 365 s."""
    cluster.api.create("pods", pod("web", "node-2"))
    cluster.run_until(lambda c: objects.is_pod_ready(c.api.get("pods", "web")), 30)
    cluster.run(30 - cluster.now)
    cluster.fail_node("node-2")
    cluster.run_until(lambda c: ready_status(c, "node-2") == "Unknown", 120)
    assert cluster.now == 90
    node = cluster.api.get("nodes", "node-2")
    ready = objects.get_condition(node, "Ready")
    assert (ready["reason"], ready["message"]) == (
        "NodeStatusUnknown",
        "Kubelet stopped posting node status.",
    )
    assert objects.get_condition(node, "MemoryPressure")["status"] == "Unknown"
    assert (UNREACHABLE, "NoSchedule") in taints(cluster, "node-2")
    assert (UNREACHABLE, "NoExecute") not in taints(cluster, "node-2")
    assert not objects.is_pod_ready(cluster.api.get("pods", "web"))
    cluster.run_until(lambda c: (UNREACHABLE, "NoExecute") in taints(c, "node-2"), 30)
    assert cluster.now == 95
    cluster.run_until(lambda c: deleting(c, "web"), 400)
    assert cluster.now == 395
    assert [ready_status(cluster, n) for n in ("control-plane", "node-1", "node-3")] == ["True"] * 3
    reasons = [
        (e["involvedObject"]["name"], e["reason"])
        for e in cluster.events
        if e["source"]["component"] == "node-controller"
    ]
    assert ("node-2", "NodeNotReady") in reasons and ("web", "NodeNotReady") in reasons


def test_recovery_removes_taints(cluster):
    cluster.run(30)
    cluster.fail_node("node-2")
    cluster.run(100)
    assert (UNREACHABLE, "NoExecute") in taints(cluster, "node-2")
    cluster.recover_node("node-2")
    cluster.run_until(lambda c: not taints(c, "node-2"), 60)
    assert ready_status(cluster, "node-2") == "True"


@pytest.mark.parametrize(
    ("failing", "tainted"),
    [
        pytest.param(["node-1"], ["node-1"], id="one of four in the zone: Normal, tainted"),
        pytest.param(
            ["node-1", "node-2", "node-3"],
            [],
            id="3 of 4 (>= 55%, > 2): PartialDisruption, small zone: no taints",
        ),
    ],
)
def test_zone_disruption(failing, tainted):
    cluster = Cluster(nodes=4, zones=["a"])
    cluster.run(30)
    for name in failing:
        cluster.fail_node(name)
    cluster.run(120)
    no_execute = [n for n in failing if (UNREACHABLE, "NoExecute") in taints(cluster, n)]
    assert no_execute == tainted
    assert all((UNREACHABLE, "NoSchedule") in taints(cluster, n) for n in failing)


def test_eviction_rate_limit_one_node_per_10s():
    """Two nodes of a 6-node zone go down at once (Normal zone): 0.1 nodes/s with burst 1."""
    cluster = Cluster(nodes=6)
    cluster.run(30)
    cluster.fail_node("node-1")
    cluster.fail_node("node-2")
    cluster.run_until(lambda c: (UNREACHABLE, "NoExecute") in taints(c, "node-1"), 120)
    first = cluster.now
    assert (UNREACHABLE, "NoExecute") not in taints(cluster, "node-2")
    cluster.run_until(lambda c: (UNREACHABLE, "NoExecute") in taints(c, "node-2"), 30)
    assert cluster.now - first == 10


def test_replacements_run_elsewhere(cluster):
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
            },
        },
    }
    cluster.api.create("replicasets", rs)
    cluster.run(30)
    lost = [
        p["metadata"]["name"]
        for p in cluster.api.list("pods", field_selector="spec.nodeName=node-2")
    ]
    assert len(lost) == 1
    cluster.fail_node("node-2")
    cluster.run(395 - cluster.now)
    assert deleting(cluster, lost[0])  # evicted at 395, as in the timeline above

    def three_ready_elsewhere(c: Cluster) -> bool:
        live = [
            p
            for p in c.api.list("pods", label_selector="app=web")
            if not p["metadata"].get("deletionTimestamp")
        ]
        return len(live) == 3 and all(
            objects.is_pod_ready(p) and p["spec"]["nodeName"] != "node-2" for p in live
        )

    cluster.run_until(three_ready_elsewhere, 120)
