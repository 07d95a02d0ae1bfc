"""One scheduling cycle through the whole cluster: sample size, messages, events, explain."""

import pytest

import k8sedu as k
from k8sedu.scheduler.algorithm import num_feasible_nodes_to_find
from tests.scheduler.conftest import make_node, make_pod

CP_TAINT = "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"


@pytest.mark.parametrize(
    "nodes,want",
    [
        (50, 50),
        (100, 100),
        (500, 230),
        (1000, 420),
        (3000, 780),
        (5000, 500),
        (6000, 300),
        (10000, 500),
    ],
    ids=lambda v: str(v),
)
def test_num_feasible_nodes_to_find(nodes, want):
    """REFERENCE §3.2 examples."""
    assert num_feasible_nodes_to_find(None, 0, nodes) == want


@pytest.mark.parametrize(
    "profile,global_pct,nodes,want",
    [(50, 0, 1000, 500), (None, 30, 1000, 300), (1, 0, 1000, 100)],
    ids=["profile", "global", "floor-100"],
)
def test_num_feasible_percentage(profile, global_pct, nodes, want):
    assert num_feasible_nodes_to_find(profile, global_pct, nodes) == want


def pod_events(cluster, name):
    return [
        (e["type"], e["reason"], e["message"])
        for e in cluster.events
        if e["involvedObject"].get("name") == name
        and e["source"].get("component") == "default-scheduler"
    ]


def test_scheduled_event_and_binding():
    cluster = k.Cluster(nodes=2)
    cluster.api.create("pods", make_pod("web-1", "100m"))
    cluster.run(1)
    node = cluster.api.get("pods", "web-1")["spec"]["nodeName"]
    assert node in ("node-1", "node-2")
    assert pod_events(cluster, "web-1") == [
        ("Normal", "Scheduled", f"Successfully assigned default/web-1 to {node}")
    ]


def test_failed_scheduling_message_and_condition():
    cluster = k.Cluster(nodes=3)
    cluster.api.create("pods", make_pod("big", "5"))
    cluster.run(1)
    message = (
        f"0/4 nodes are available: 1 {CP_TAINT}, 3 Insufficient cpu. preemption: 0/4 nodes are "
        "available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for "
        "incoming pod."
    )
    assert pod_events(cluster, "big") == [("Warning", "FailedScheduling", message)]
    condition = cluster.api.get("pods", "big")["status"]["conditions"][0]
    assert condition == {
        "type": "PodScheduled",
        "status": "False",
        "lastProbeTime": None,
        "lastTransitionTime": "2025-01-01T00:00:00Z",
        "reason": "Unschedulable",
        "message": message,
    }


def test_no_nodes_message():
    cluster = k.Cluster(nodes=0)
    cluster.api.delete("nodes", "control-plane")
    cluster.api.create("pods", make_pod("p"))
    cluster.run(1)
    assert pod_events(cluster, "p") == [
        ("Warning", "FailedScheduling", "no nodes available to schedule pods")
    ]


def test_burst_is_spread_by_assumed_pods():
    """Six pods at one instant land two per node: each cycle counts the pods placed before it."""
    cluster = k.Cluster(nodes=3)
    for i in range(6):
        cluster.api.create("pods", make_pod(f"p{i}", "1"))
    cluster.run(1)
    nodes = [p["spec"]["nodeName"] for p in cluster.api.list("pods")]
    assert sorted(nodes) == ["node-1", "node-1", "node-2", "node-2", "node-3", "node-3"]


def test_same_seed_same_placements():
    def placements(seed):
        cluster = k.Cluster(nodes=4, seed=seed)
        for i in range(8):
            cluster.api.create("pods", make_pod(f"p{i}", "100m"))
        cluster.run(1)
        return [p["spec"]["nodeName"] for p in cluster.api.list("pods")]

    assert placements(7) == placements(7)


def test_explain_rows():
    cluster = k.Cluster(nodes=2)
    cluster.api.create("pods", make_pod("web-1", "100m"))
    cluster.run(1)
    e = cluster.scheduler.explain("web-1")
    assert e.chosen == cluster.api.get("pods", "web-1")["spec"]["nodeName"]
    assert e.message == ""
    rows = {(r["node"], r["plugin"]): r for r in e.rows}
    assert rows["control-plane", "TaintToleration"]["filter"] == CP_TAINT
    assert rows["control-plane", "NodeResourcesFit"]["filter"] is None  # not run after a rejection
    assert rows["control-plane", "NodeAffinity"]["filter"] is None  # skipped by PreFilter
    fit = rows["node-1", "NodeResourcesFit"]
    # 4 cpu / 8Gi, the pod 100m and (default) 200Mi: (3900*100//4000 + 8*1024-200)*100//8192) // 2
    assert (fit["filter"], fit["score"], fit["normalized"], fit["weighted"]) == (
        "passed",
        97,
        97,
        97,
    )
    taint = rows["node-1", "TaintToleration"]
    assert (taint["score"], taint["normalized"], taint["weighted"]) == (0, 100, 300)
    assert rows["node-1", "PodTopologySpread"]["score"] is None  # Skip
    assert e.totals()[e.chosen] == max(e.totals().values())


def test_explain_failure_and_unknown_pod():
    cluster = k.Cluster(nodes=1)
    cluster.api.create("pods", make_pod("big", "5"))
    cluster.run(1)
    e = cluster.scheduler.explain("big")
    assert e.chosen is None
    assert e.message.startswith("0/2 nodes are available: ")
    assert {r["filter"] for r in e.rows if r["plugin"] == "NodeResourcesFit"} == {
        None,
        "Insufficient cpu",
    }
    with pytest.raises(k.NotFound):
        cluster.scheduler.explain("never-created")


def test_round_robin_sample():
    """201 nodes (control-plane first): 100 feasible are enough, and the next cycle starts at the
    node where this one stopped (``nextStartNodeIndex``), wrapping around."""
    cluster = k.Cluster(nodes=0)
    for i in range(200):
        cluster.api.create("nodes", make_node(f"n{i:03d}"))
    scheduler = cluster.scheduler

    def cycle(name):
        cluster.api.create("pods", make_pod(name, "100m"))
        cluster.run(0)
        rows = scheduler.explain(name).rows
        scored = {
            r["node"] for r in rows if r["plugin"] == "NodeResourcesFit" and r["score"] is not None
        }
        evaluated = {r["node"] for r in rows if r["plugin"] == "NodeUnschedulable" and r["filter"]}
        return scored, evaluated

    scored, evaluated = cycle("p1")
    assert scored == {f"n{i:03d}" for i in range(100)}
    assert evaluated == scored | {"control-plane"}
    assert scheduler.next_start_node_index == 101
    scored, evaluated = cycle("p2")
    assert scored == {f"n{i:03d}" for i in range(100, 200)}
    assert evaluated == scored | {"control-plane"}
