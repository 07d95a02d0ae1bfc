"""Taint-based eviction: no toleration → at once; ``tolerationSeconds`` → that much later;
no ``tolerationSeconds`` → never; the taint removed in time → cancelled.

Rules from ``pkg/controller/tainteviction/taint_eviction.go`` (``processPodOnNode``,
``getMinTolerationTime``) and the taint/toleration docs; nodes are tainted by hand here, so no
kubelet is needed.
"""

import pytest

from k8sedu.cluster import Cluster
from k8sedu.controllers.tainteviction import matching_tolerations, min_toleration_seconds
from k8sedu.objects import tolerates

TAINT = {"key": "dedicated", "value": "db", "effect": "NoExecute"}


@pytest.mark.parametrize(
    ("toleration", "expected"),
    [
        pytest.param({"key": "dedicated", "operator": "Exists"}, True, id="Exists any value"),
        pytest.param({"key": "dedicated", "value": "db"}, True, id="Equal is the default"),
        pytest.param({"key": "dedicated", "value": "web"}, False, id="other value"),
        pytest.param({"operator": "Exists"}, True, id="empty key + Exists tolerates everything"),
        pytest.param(
            {"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"},
            False,
            id="other effect",
        ),
    ],
)
def test_tolerates(toleration, expected):
    assert tolerates(toleration, TAINT) is expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        pytest.param([None], -1, id="no tolerationSeconds: forever"),
        pytest.param([300, 60], 60, id="the smallest wins"),
        pytest.param([300, -5], 0, id="negative: at once"),
        pytest.param([None, 120], 120, id="forever and 120: 120"),
    ],
)
def test_min_toleration_seconds(seconds, expected):
    tolerations = [
        {"operator": "Exists"} if s is None else {"operator": "Exists", "tolerationSeconds": s}
        for s in seconds
    ]
    assert min_toleration_seconds(tolerations) == expected


def test_all_taints_must_be_tolerated():
    other = {"key": "gpu", "effect": "NoExecute"}
    assert matching_tolerations([TAINT, other], [{"key": "dedicated", "operator": "Exists"}]) == (
        False,
        [],
    )


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(nodes=1)


def pod(name: str, tolerations: list) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "nodeName": "node-1",
            "tolerations": tolerations,
            "containers": [{"name": "c", "image": "nginx"}],
        },
    }


def set_taints(cluster: Cluster, taints: list) -> None:
    cluster.api.patch("nodes", "node-1", {"spec": {"taints": taints or None}}, type="merge")


def deleting(cluster: Cluster, name: str) -> bool:
    """Deleted: terminating, or already gone (the kubelet confirmed)."""
    found = cluster.api.list("pods", namespace="default", field_selector=f"metadata.name={name}")
    return not found or bool(found[0]["metadata"].get("deletionTimestamp"))


def test_eviction_times(cluster):
    cluster.api.create("pods", pod("intolerant", []))
    cluster.api.create("pods", pod("sixty", [dict(TAINT, operator="Equal", tolerationSeconds=60)]))
    cluster.api.create("pods", pod("forever", [dict(TAINT, operator="Equal")]))
    cluster.run(10)
    set_taints(cluster, [TAINT])
    cluster.run(0)
    assert deleting(cluster, "intolerant")
    cluster.run(59)
    assert not deleting(cluster, "sixty")
    cluster.run(1)
    assert deleting(cluster, "sixty")  # taint + 60 s
    marked = [e["message"] for e in cluster.events if e["reason"] == "TaintManagerEviction"]
    assert marked == [
        "Marking for deletion Pod default/intolerant",
        "Marking for deletion Pod default/sixty",
    ]
    cluster.run(3600)  # events expire after an hour; the pod stays
    assert not deleting(cluster, "forever")


def test_disruption_target_condition(cluster):
    cluster.api.create("pods", pod("sixty", [dict(TAINT, operator="Equal", tolerationSeconds=60)]))
    cluster.run(1)
    watched = []
    cluster.api.watch("pods", watched.append)
    set_taints(cluster, [TAINT])
    cluster.run(60)
    condition = next(
        c
        for e in watched
        for c in e["object"]["status"].get("conditions") or []
        if c["type"] == "DisruptionTarget"
    )
    assert (condition["reason"], condition["message"]) == (
        "DeletionByTaintManager",
        "Taint manager: deleting due to NoExecute taint",
    )


def test_taint_removed_in_time_cancels(cluster):
    cluster.api.create("pods", pod("sixty", [dict(TAINT, operator="Equal", tolerationSeconds=60)]))
    cluster.run(1)
    set_taints(cluster, [TAINT])
    cluster.run(30)
    set_taints(cluster, [])
    cluster.run(120)
    assert not deleting(cluster, "sixty")
    messages = [e["message"] for e in cluster.events if e["reason"] == "TaintManagerEviction"]
    assert messages == ["Cancelling deletion of Pod default/sixty"]
