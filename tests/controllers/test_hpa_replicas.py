"""The HPA's replica calculation (``replica_calculator.go``, ``metrics/utilization.go``), one
formula per case: ``utilization = Σ usage × 100 // Σ request``, ``ratio = utilization / target``,
tolerance band ``0.9 <= ratio <= 1.1`` (v1.34 ``Tolerances.isWithin``), else
``ceil(ratio × ready pods)``; missing pods count 100 % of their request going down and 0 % going
up, unready pods 0 % going up, and a guess that flips the direction keeps the current count.
"""

import pytest

from k8sedu import objects
from k8sedu.controllers import hpa_replicas
from k8sedu.controllers.hpa_replicas import MetricsError, PodMetric

REQUESTS = {p: 100 for p in "abcd"}  # 100m CPU each


def same(value: int, pods: str = "abcd") -> dict[str, int]:
    return {p: value for p in pods}


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (same(90), (90, 90)),
        ({"a": 97, "b": 89, "c": 73, "d": 101}, (90, 90)),
        ({"a": 61, "b": 91, "c": 146, "d": 61}, (89, 89)),  # 359 of 400: truncated
    ],
    ids=["even", "uneven", "truncated"],
)
def test_utilization(usage, expected):
    assert hpa_replicas.utilization(usage, REQUESTS) == expected


def test_utilization_without_matching_requests():
    with pytest.raises(MetricsError, match="no metrics returned matched known pods"):
        hpa_replicas.utilization({"x": 5}, REQUESTS)


# 45 % and 54 % lie inside the band; 55 / 50 == 1.0 + 0.1 exactly in float64, and v1.34 includes
# both ends, so 55 % does not scale either (the pre-v1.33 ``abs(1 - r) <= 0.1`` scaled at 55 %).
@pytest.mark.parametrize(
    ("percent", "replicas"),
    [(44, 4), (45, 4), (50, 4), (54, 4), (55, 4), (56, 5), (90, 8)],
    ids=["44%", "45%", "50%", "54%", "55%", "56%", "90%"],
)
def test_tolerance_edges_against_50_percent(percent, replicas):
    result = hpa_replicas.desired_replicas(4, same(percent), 50, ready_count=4, requests=REQUESTS)
    assert result == replicas


def test_the_float_edge():
    assert hpa_replicas.within_tolerance(55 / 50) and hpa_replicas.within_tolerance(45 / 50)
    assert abs(1.0 - 55 / 50) > 0.1  # why the older formula scaled at 55 %
    assert not hpa_replicas.within_tolerance(56 / 50)


@pytest.mark.parametrize(
    ("current", "metrics", "unready", "missing", "expected"),
    [
        # up: util 180/300 = 60 % once the unready pod counts 0 → 1.2 → ceil(1.2 × 3) = 4
        (3, {"a": 90, "b": 90}, ("c",), (), 4),
        # down: util 10 %, the missing pod counts 100 m → 130/400 = 32 % → ceil(0.64 × 4) = 3
        (4, same(10, "abc"), (), ("d",), 3),
        # up: util 100 %, the missing pod counts 0 → 300/400 = 75 % → ceil(1.5 × 4) = 6
        (4, same(100, "abc"), (), ("d",), 6),
        # up: 60 %, the missing pod at 0 → 180/400 = 45 %: the direction flips → keep 4
        (4, same(60, "abc"), (), ("d",), 4),
        # down with an unready pod: unready pods only count when going up → ceil(0.4 × 2) = 1
        (3, same(20, "ab"), ("c",), (), 1),
    ],
    ids=["unready-up", "missing-down", "missing-up", "direction-flip", "unready-down"],
)
def test_missing_and_unready_pods(current, metrics, unready, missing, expected):
    ready = len(metrics)
    result = hpa_replicas.desired_replicas(
        current, metrics, 50, ready_count=ready, unready=unready, missing=missing, requests=REQUESTS
    )
    assert result == expected


def test_average_value_target():
    # 200m and 400m against 100m per pod: average 300 → ratio 3.0 → ceil(3 × 2) = 6
    assert hpa_replicas.desired_replicas(2, {"a": 200, "b": 400}, 100, ready_count=2) == 6


def test_missing_pods_of_an_average_value_target_count_the_target():
    # average 20 of 100 → 0.2; the missing pod counts 100 → 140 / 3 = 46 → ceil(0.46 × 3) = 2
    assert (
        hpa_replicas.desired_replicas(3, {"a": 20, "b": 20}, 100, ready_count=2, missing=("c",))
        == 2
    )


def pod(name: str, *, phase="Running", ready="True", started=0.0, changed=0.0, deleting=False):
    meta = {"name": name}
    if deleting:
        meta["deletionTimestamp"] = objects.timestamp(100)
    status = {"phase": phase, "startTime": objects.timestamp(started)}
    status["conditions"] = [
        {"type": "Ready", "status": ready, "lastTransitionTime": objects.timestamp(changed)}
    ]
    return {"metadata": meta, "spec": {}, "status": status}


def test_group_pods():
    pods = [
        pod("ok", started=0, changed=2),
        pod("gone", deleting=True),
        pod("failed", phase="Failed"),
        pod("pending", phase="Pending"),
        pod("no-metric"),
        pod("warming", started=200, changed=210),  # ready at 210; a 15 s window ends at 225
        pod("not-ready", ready="False", started=200, changed=200),
    ]
    metrics = {n: PodMetric(50, 220.0, 15.0) for n in ("ok", "warming", "not-ready", "gone")}
    assert hpa_replicas.group_pods(pods, metrics, "cpu", now=220.0) == (
        1,
        ("not-ready", "pending", "warming"),
        ("no-metric",),
        ("failed", "gone"),
    )
    # memory has no warm-up rule: only Pending pods are unready
    ready, unready, _, _ = hpa_replicas.group_pods(pods, metrics, "memory", now=220.0)
    assert (ready, unready) == (3, ("pending",))


@pytest.mark.parametrize(
    ("container", "expected"),
    [("", 350), ("web", 250), ("sidecar", 100)],
    ids=["pod", "container", "restartable-init"],
)
def test_pod_request(container, expected):
    spec = {
        "containers": [{"name": "web", "resources": {"requests": {"cpu": "250m"}}}],
        "initContainers": [
            {"name": "init", "resources": {}},  # not restartable: not counted
            {
                "name": "sidecar",
                "restartPolicy": "Always",
                "resources": {"requests": {"cpu": "0.1"}},
            },
        ],
    }
    assert (
        hpa_replicas.pod_request({"metadata": {"name": "p"}, "spec": spec}, "cpu", container)
        == expected
    )


def test_missing_request_message():
    bare = {"metadata": {"name": "web-1"}, "spec": {"containers": [{"name": "web"}]}}
    with pytest.raises(MetricsError) as caught:
        hpa_replicas.pod_request(bare, "cpu")
    assert str(caught.value) == "missing request for cpu in container web of Pod web-1"
