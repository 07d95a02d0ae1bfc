"""DefaultPreemption: victims per node, the node choice, PDBs, eligibility (REFERENCE §3.5).

Nodes here are API objects without kubelets, so evicted victims stay Terminating; the tests
force-delete them (grace period 0) where a kubelet would confirm the kill.
"""

import pytest

import k8sedu as k
from k8sedu.scheduler.plugins.defaultpreemption import DefaultPreemption
from tests.scheduler.conftest import make_node, make_pod


@pytest.mark.parametrize("nodes,want", [(10, 10), (100, 100), (500, 100), (2000, 200)])
def test_num_candidates(nodes, want):
    """10 % of the nodes, at least 100, at most all of them."""
    assert DefaultPreemption().calculate_num_candidates(nodes) == want


def two_full_nodes(pdb_allowed=None):
    """n1: low (priority 1) and mid (5); n2: two pods of priority 3. Each pod takes 1 of 2 cpu."""
    cluster = k.Cluster(nodes=0)
    for name in ("n1", "n2"):
        cluster.api.create("nodes", make_node(name, cpu="2"))
    for name, node, prio, app in [
        ("low", "n1", 1, "low"),
        ("mid", "n1", 5, "mid"),
        ("a3", "n2", 3, "three"),
        ("b3", "n2", 3, "three"),
    ]:
        cluster.api.create(
            "pods", make_pod(name, "1", node=node, priority=prio, labels={"app": app})
        )
    if pdb_allowed is not None:
        pdb = {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "keep-low"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "low"}}},
        }
        created = cluster.api.create("poddisruptionbudgets", pdb)
        created["status"] = {
            "disruptionsAllowed": pdb_allowed,
            "currentHealthy": 1,
            "desiredHealthy": 1,
            "expectedPods": 1,
            "observedGeneration": 1,
        }
        cluster.api.update_status("poddisruptionbudgets", created)
    cluster.run(0)
    return cluster


def preempt(cluster, **spec):
    cluster.api.create("pods", make_pod("vip", "1", priority=10, **spec))
    cluster.run(0)
    return [
        p["metadata"]["name"]
        for p in cluster.api.list("pods")
        if p["metadata"].get("deletionTimestamp")
    ]


def test_lowest_priority_victim_chosen():
    cluster = two_full_nodes()
    assert preempt(cluster) == ["low"]  # n1 loses priority 1; n2 would lose a priority-3 pod
    vip = cluster.api.get("pods", "vip")
    assert vip["status"]["nominatedNodeName"] == "n1"
    assert not vip["spec"].get("nodeName")
    low = cluster.api.get("pods", "low")
    condition = next(c for c in low["status"]["conditions"] if c["type"] == "DisruptionTarget")
    assert (condition["reason"], condition["message"]) == (
        "PreemptionByScheduler",
        "default-scheduler: preempting to accommodate a higher priority pod",
    )
    event = next(e for e in cluster.events if e["reason"] == "Preempted")
    assert event["involvedObject"]["name"] == "low"
    assert event["message"] == f"Preempted by pod {vip['metadata']['uid']} on node n1"
    failed = next(e for e in cluster.events if e["reason"] == "FailedScheduling")
    assert (
        failed["message"]
        == "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu."
    )


def test_preemptor_lands_when_victims_are_gone():
    cluster = two_full_nodes()
    preempt(cluster)
    cluster.api.delete("pods", "low", grace_period=0)  # standing in for n1's kubelet
    cluster.run(2)
    assert cluster.api.get("pods", "vip")["spec"]["nodeName"] == "n1"


def test_pdb_protected_pods_are_reprieved_first():
    """low is protected (disruptionsAllowed 0): on n1 it is given back first and mid becomes the
    victim (priority 5), so n2 with a priority-3 victim wins."""
    cluster = two_full_nodes(pdb_allowed=0)
    victims = preempt(cluster)
    assert len(victims) == 1 and victims[0] in ("a3", "b3")
    assert cluster.api.get("pods", "vip")["status"]["nominatedNodeName"] == "n2"


def test_preemption_policy_never():
    cluster = two_full_nodes()
    assert preempt(cluster, preemptionPolicy="Never") == []
    failed = next(e for e in cluster.events if e["reason"] == "FailedScheduling")
    assert failed["message"].endswith(
        "2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
    )


def test_equal_priority_is_never_a_victim():
    cluster = two_full_nodes()
    cluster.api.create("pods", make_pod("peer", "1", priority=1))
    cluster.run(0)
    assert not any(p["metadata"].get("deletionTimestamp") for p in cluster.api.list("pods"))
    failed = [e for e in cluster.events if e["reason"] == "FailedScheduling"][0]
    assert failed["message"].endswith(
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod."
    )
