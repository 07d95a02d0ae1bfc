"""The disruption controller: PodDisruptionBudget status from the pods and their controller.

Expected numbers follow ``pkg/controller/disruption/disruption.go`` (``getExpectedPodCount``,
``countHealthyPods``, ``updatePdbStatus``): percentages round up, ``disruptionsAllowed =
currentHealthy − desiredHealthy`` floored at 0. The pods belong to a StatefulSet (stored, not
simulated), so no controller replaces them; they are bound by hand and the kubelet runs them.
"""

import pytest

from k8sedu import objects
from k8sedu.cluster import Cluster
from k8sedu.controllers.disruption import scaled


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(nodes=1)


def statefulset(cluster: Cluster, replicas: int = 3) -> dict:
    return cluster.api.create(
        "statefulsets",
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "db"},
            "spec": {
                "replicas": replicas,
                "serviceName": "db",
                "selector": {"matchLabels": {"app": "db"}},
                "template": {
                    "metadata": {"labels": {"app": "db"}},
                    "spec": {"containers": [{"name": "db", "image": "redis:7.4"}]},
                },
            },
        },
    )


def db_pods(cluster: Cluster, owner: dict | None, count: int = 3) -> None:
    for i in range(count):
        meta = {"name": f"db-{i}", "labels": {"app": "db"}}
        if owner is not None:
            meta["ownerReferences"] = [objects.owner_reference(owner)]
        spec = {"nodeName": "node-1", "containers": [{"name": "db", "image": "redis:7.4"}]}
        cluster.api.create(
            "pods", {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
        )
    cluster.run_until(
        lambda c: all(objects.is_pod_ready(p) for p in c.api.list("pods", "default")), 120
    )


def pdb(**spec) -> dict:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "db"},
        "spec": {"selector": {"matchLabels": {"app": "db"}}, **spec},
    }


def status_of(cluster: Cluster) -> dict:
    return cluster.api.get("poddisruptionbudgets", "db")["status"]


@pytest.mark.parametrize(
    ("value", "total", "expected"),
    [
        pytest.param("50%", 3, 2, id="50% of 3 rounds up"),
        pytest.param("10%", 5, 1, id="10% of 5 rounds up"),
        pytest.param(2, 3, 2, id="an int is itself"),
    ],
)
def test_scaled(value, total, expected):
    assert scaled(value, total) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param({"minAvailable": 2}, (3, 3, 2, 1, "SufficientPods"), id="minAvailable 2"),
        pytest.param(
            {"minAvailable": "50%"}, (3, 3, 2, 1, "SufficientPods"), id="minAvailable 50%"
        ),
        pytest.param({"maxUnavailable": 1}, (3, 3, 2, 1, "SufficientPods"), id="maxUnavailable 1"),
        pytest.param(
            {"maxUnavailable": "50%"}, (3, 3, 1, 2, "SufficientPods"), id="maxUnavailable 50%"
        ),
        pytest.param({"minAvailable": 3}, (3, 3, 3, 0, "InsufficientPods"), id="minAvailable all"),
    ],
)
def test_status(cluster, spec, expected):
    db_pods(cluster, statefulset(cluster))
    cluster.api.create("poddisruptionbudgets", pdb(**spec))
    cluster.run(1)
    status = status_of(cluster)
    condition = objects.get_condition(status, "DisruptionAllowed")
    got = (
        status["expectedPods"],
        status["currentHealthy"],
        status["desiredHealthy"],
        status["disruptionsAllowed"],
        condition["reason"],
    )
    assert got == expected
    assert status["observedGeneration"] == 1


def test_eviction_uses_the_budget(cluster):
    db_pods(cluster, statefulset(cluster))
    cluster.api.create("poddisruptionbudgets", pdb(minAvailable=2))
    cluster.run(1)
    cluster.api.evict("db-0")
    cluster.run(0)
    status = status_of(cluster)
    assert (status["currentHealthy"], status["disruptionsAllowed"]) == (2, 0)
    with pytest.raises(
        Exception, match="Cannot evict pod as it would violate the pod's disruption budget."
    ):
        cluster.api.evict("db-1")


def test_percentage_without_controller_fails_safe(cluster):
    db_pods(cluster, None)
    cluster.api.create("poddisruptionbudgets", pdb(minAvailable="50%"))
    cluster.run(1)
    status = status_of(cluster)
    condition = objects.get_condition(status, "DisruptionAllowed")
    assert status["disruptionsAllowed"] == 0
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "False",
        "SyncFailed",
        'found no controllers for pod "db-0"',
    )
    warnings = [(e["reason"], e["message"]) for e in cluster.events if e["type"] == "Warning"]
    assert ("NoControllers", 'found no controllers for pod "db-0"') in warnings
