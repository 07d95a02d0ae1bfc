"""Which pod a ReplicaSet deletes first (REFERENCE §4.2, ``ActivePodsWithRanks.Less``)."""

import pytest

from k8sedu.cluster import Cluster
from k8sedu.controllers.replicaset_utils import pods_to_delete
from k8sedu.objects import timestamp
from tests.controllers.conftest import manager_only

NOW = 1000.0


def pod(
    name: str,
    node: str = "node-1",
    phase: str = "Running",
    ready_at: float | None = 100.0,
    created: float = 0.0,
    cost: int | None = None,
    restarts: int = 0,
) -> dict:
    meta = {"name": name, "namespace": "default", "uid": f"uid-{name}"}
    meta["creationTimestamp"] = timestamp(created)
    if cost is not None:
        meta["annotations"] = {"controller.kubernetes.io/pod-deletion-cost": str(cost)}
    conditions = []
    if ready_at is not None:
        conditions = [
            {"type": "Ready", "status": "True", "lastTransitionTime": timestamp(ready_at)}
        ]
    return {
        "metadata": meta,
        "spec": {"nodeName": node} if node else {},
        "status": {
            "phase": phase,
            "conditions": conditions,
            "containerStatuses": [{"name": "c", "restartCount": restarts}],
        },
    }


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(pod("a", node=""), pod("b"), id="1 unassigned before assigned"),
        pytest.param(
            pod("a", phase="Pending", ready_at=None),
            pod("b", phase="Unknown"),
            id="2 Pending before Unknown",
        ),
        pytest.param(pod("a", phase="Unknown"), pod("b"), id="2 Unknown before Running"),
        pytest.param(pod("a", ready_at=None), pod("b"), id="3 not ready before ready"),
        pytest.param(pod("a", cost=-5), pod("b"), id="4 lower deletion cost first"),
        pytest.param(pod("a", cost=1), pod("b", cost=7), id="4 cost 1 before cost 7"),
        pytest.param(
            pod("a", ready_at=900), pod("b", ready_at=100), id="6 ready for less time first"
        ),
        pytest.param(pod("a", restarts=3), pod("b", restarts=1), id="7 more restarts first"),
        pytest.param(pod("a", created=900), pod("b", created=100), id="8 newer first"),
        pytest.param(
            pod("a", ready_at=None, cost=9), pod("b", cost=-9), id="3 beats 4: readiness first"
        ),
        pytest.param(
            pod("a", node="", cost=9), pod("b", node="node-2", phase="Pending"), id="1 beats 2"
        ),
    ],
)
def test_which_of_two_pods_goes_first(first, second):
    for order in ([first, second], [second, first]):
        assert pods_to_delete(order, [], 1, NOW) == [first]


def test_doubled_up_pods_go_before_lone_ones():
    lone, doubled_a, doubled_b = (
        pod("lone", node="node-2"),
        pod("x", node="node-1"),
        pod("y", node="node-1"),
    )
    chosen = pods_to_delete([lone, doubled_a, doubled_b], [lone, doubled_a, doubled_b], 2, NOW)
    assert {p["metadata"]["name"] for p in chosen} == {"x", "y"}


def test_times_compare_in_log2_buckets_then_by_uid():
    # ready 700 s and 900 s ago: both in the 2^39 ns bucket, so the uid decides, not the time
    older, newer = pod("b", ready_at=NOW - 900), pod("a", ready_at=NOW - 700)
    assert pods_to_delete([older, newer], [], 1, NOW) == [newer]  # uid-a < uid-b
    # 100 s (2^36 bucket) against 900 s: the one ready for less time goes first
    recent = pod("z", ready_at=NOW - 100)
    assert pods_to_delete([older, recent], [], 1, NOW) == [recent]


def test_deleting_all_needs_no_ranking():
    pods = [pod("b"), pod("a")]
    assert pods_to_delete(pods, [], 2, NOW) == pods


# --- the same order through a running cluster ----------------------------------------------------


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    return manager_only(monkeypatch, nodes=2)


def deployment(replicas: int) -> dict:
    labels = {"app": "web"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


def start_on(cluster: Cluster, pod_name: str, node: str) -> None:
    """Stand in for the scheduler and the kubelet: bind, then Running and Ready now."""
    cluster.api.bind(pod_name, node)
    body = cluster.api.get("pods", pod_name)
    body["status"].update(
        phase="Running",
        conditions=[{"type": "Ready", "status": "True", "lastTransitionTime": cluster.timestamp()}],
    )
    cluster.api.update_status("pods", body)


def test_scale_down_order_in_a_cluster(cluster):
    cluster.api.create("deployments", deployment(4))
    cluster.run(1)
    names = sorted(p["metadata"]["name"] for p in cluster.api.list("pods", namespace="default"))
    # three pods share node-1 (doubled up), one is alone on node-2; they become ready at different times
    plan = [
        (names[0], "node-1", 9),
        (names[1], "node-1", 90),
        (names[2], "node-1", 60),
        (names[3], "node-2", 1),
    ]
    for name, node, wait in sorted(plan, key=lambda p: -p[2]):
        start_on(cluster, name, node)
        cluster.run(wait)
    # now (t = 161): on node-1, ready 160 s (2^37 ns bucket), 70 s (2^36) and 10 s (2^33) ago
    cluster.api.patch("deployments", "web", {"spec": {"replicas": 2}})
    cluster.run(1)
    deleted = [e["message"] for e in cluster.events if e["reason"] == "SuccessfulDelete"]
    assert deleted == [f"Deleted pod: {names[0]}", f"Deleted pod: {names[2]}"]
