"""The progress deadline (REFERENCE §4.1, default 600 s) and the requeues it costs.

``requeueStuckDeployment`` (pkg/controller/deployment/progress.go) requeues a Deployment only to
notice its deadline: never once ``ProgressDeadlineExceeded`` is set. A completed rollout that
later lacks pods is not requeued either (a simplification: its condition can never time out).
Reconciles are counted from the trace's exact counters; with nothing happening they must stay
bounded by the events, not grow with simulated time (the queue's 10 per second).
"""

import pytest

from k8sedu.cluster import Cluster
from tests.controllers.conftest import manager_only
from tests.controllers.test_deployment_rollout import Nodes, deployment, new_replicaset

DEADLINE = 600  # progressDeadlineSeconds' default (pkg/apis/apps/v1/defaults.go)


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    return manager_only(monkeypatch)


def reconciles(cluster: Cluster) -> int:
    return cluster.trace.counts["kube-controller-manager", "reconcile", "deployment"]


def progressing(cluster: Cluster) -> dict:
    conditions = cluster.api.get("deployments", "web")["status"]["conditions"]
    return next(c for c in conditions if c["type"] == "Progressing")


def timed_out(cluster: Cluster) -> bool:
    return progressing(cluster)["reason"] == "ProgressDeadlineExceeded"


def test_a_stuck_rollout_times_out_at_the_default_deadline_and_stops_requeueing(cluster):
    nodes = Nodes(cluster, broken=("k8sedu/web:nope",))
    cluster.api.create("deployments", deployment(3, image="k8sedu/web:1.0"))
    nodes.run(2)
    cluster.api.patch(
        "deployments",
        "web",
        {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "k8sedu/web:nope"}]}}}},
    )  # fmt: skip
    nodes.step()  # the surge pod is bound and never gets Ready: no progress after 2 s
    taken = cluster.run_until(timed_out, timeout=DEADLINE + 60)
    assert taken == DEADLINE + 1  # requeued one second after the deadline
    condition = progressing(cluster)
    assert (condition["status"], condition["message"]) == (
        "False",
        f'ReplicaSet "{new_replicaset(cluster)["metadata"]["name"]}" has timed out progressing.',
    )
    before = reconciles(cluster)
    nodes.run(DEADLINE)  # nothing changes any more
    assert reconciles(cluster) - before <= 10
    assert timed_out(cluster)


def lose_a_pod(cluster: Cluster) -> None:
    """One pod dies; its replacement is created but never scheduled (no ``nodes.step``)."""
    name = cluster.api.list("pods", namespace="default")[0]["metadata"]["name"]
    cluster.api.delete("pods", name, grace_period=0)


def scale_up(cluster: Cluster) -> None:
    """Two more replicas (what an HPA does); the new pods are never scheduled."""
    cluster.api.patch("deployments", "web", {"spec": {"replicas": 5}})


def no_change(cluster: Cluster) -> None:
    """Steady state: every pod Ready, nothing happens."""


@pytest.mark.parametrize(
    "disturb",
    [
        pytest.param(no_change, id="steady state"),
        pytest.param(lose_a_pod, id="a pod lost after the deadline"),
        pytest.param(scale_up, id="scaled up after the deadline"),
    ],
)
def test_a_completed_deployment_is_not_resynced_every_tenth_of_a_second(cluster, disturb):
    nodes = Nodes(cluster)
    cluster.api.create("deployments", deployment(3))
    nodes.run(5)
    assert progressing(cluster)["reason"] == "NewReplicaSetAvailable"
    cluster.run(DEADLINE + 100)  # the completed rollout's lastUpdateTime is long past
    disturb(cluster)
    before = reconciles(cluster)
    cluster.run(DEADLINE)
    assert reconciles(cluster) - before <= 10  # a few per event (was ~6000: 10 per second)
    assert progressing(cluster)["reason"] == "NewReplicaSetAvailable"  # as in the real one
