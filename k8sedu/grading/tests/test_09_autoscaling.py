"""Graded tests of exercise 09 (autoscaling): the replica count of one HPA sync.

Expected values follow ``pkg/controller/podautoscaler/horizontal.go`` and
``replica_calculator.go`` of Kubernetes v1.34 (REFERENCE §4.3): ``current == 0`` → 0
(ScalingDisabled); ``current > max`` → max and ``current < min`` → min before any metric;
``ceil(utilization / target × current)`` unless ``1 - 0.1 <= ratio <= 1 + 0.1``
(``Tolerances.isWithin``, v1.33+; in float64 ``55 / 50 == 1 + 0.1``, so 55 % of a 50 % target
keeps the count); then at most ``max(2 × current, 4)`` (``scaleUpLimitFactor``,
``scaleUpLimitMinimum``) within ``[min, max]``.

The function is also graded inside the real HPA controller: a cluster runs a load trace with
the learner's function deciding each sync (stabilization window 0 s), and the replica curve must
match, sync by sync, the curve the same rules give.
"""

import math
from functools import cache, partial

import pytest

import k8sedu as k
from k8sedu.controllers.hpa import HorizontalPodAutoscalerController

# -- part 1: one sync ---------------------------------------------------------------------------

# (current, utilization %, target %, minReplicas, maxReplicas) -> replicas
PROPORTIONAL = [
    pytest.param((4, 90, 50, 1, 10), 8, id="90-of-50-doubles"),
    pytest.param((10, 20, 50, 1, 10), 4, id="scale-down"),
    pytest.param((3, 100, 50, 1, 10), 6, id="twice-the-target"),
    pytest.param((5, 64, 50, 1, 20), 7, id="rounds-up-6.4"),
    pytest.param((10, 21, 50, 1, 10), 5, id="rounds-up-4.2-on-the-way-down"),
]

TOLERANCE = [
    pytest.param((10, 55, 50, 1, 20), 10, id="55-of-50-is-inside"),
    pytest.param((10, 56, 50, 1, 20), 12, id="56-of-50-scales"),
    pytest.param((10, 45, 50, 1, 20), 10, id="45-of-50-is-inside"),
    pytest.param((10, 44, 50, 1, 20), 9, id="44-of-50-scales"),
    pytest.param((8, 54, 50, 1, 20), 8, id="54-of-50-is-inside"),
]

BOUNDS = [
    pytest.param((4, 90, 50, 1, 6), 6, id="max"),
    pytest.param((4, 10, 50, 3, 10), 3, id="min"),
    pytest.param((5, 0, 50, 1, 10), 1, id="no-load-min-1"),
]

SCALE_UP_LIMIT = [
    pytest.param((1, 500, 50, 1, 10), 4, id="from-1-at-most-4"),
    pytest.param((3, 500, 50, 1, 20), 6, id="from-3-at-most-6"),
    pytest.param((2, 300, 50, 1, 10), 4, id="from-2-at-most-4"),
    pytest.param((4, 400, 50, 1, 5), 5, id="max-below-the-limit"),
]


def call(submission, case: tuple) -> int:
    return submission.desired_replicas(*case)


def explain(case: tuple) -> str:
    current, utilization, target, low, high = case
    return f"{current} replicas at {utilization} % of a {target} % target, min {low}, max {high}"


@pytest.mark.points(2)
@pytest.mark.parametrize(("case", "expected"), PROPORTIONAL)
def test_proportional_rounded_up(submission, case, expected):
    """The count changes in proportion to utilization / target, rounded up."""
    got = call(submission, case)
    assert got == expected, f"{explain(case)}: expected {expected}, got {got}"


@pytest.mark.points(2)
@pytest.mark.hint(
    "Inside the band 1 - 0.1 <= ratio <= 1 + 0.1, both ends included, nothing changes."
)
@pytest.mark.parametrize(("case", "expected"), TOLERANCE)
def test_tolerance_band(submission, case, expected):
    """A ratio within 10 % of 1 keeps the count; both edges are inside (v1.34, float64)."""
    got = call(submission, case)
    assert got == expected, f"{explain(case)}: expected {expected}, got {got}"


@pytest.mark.points(1)
@pytest.mark.parametrize(("case", "expected"), BOUNDS)
def test_min_and_max(submission, case, expected):
    """The count stays within [minReplicas, maxReplicas]."""
    got = call(submission, case)
    assert got == expected, f"{explain(case)}: expected {expected}, got {got}"


@pytest.mark.points(2)
@pytest.mark.hint("Without spec.behavior one sync goes up to at most max(2 x current, 4).")
@pytest.mark.parametrize(("case", "expected"), SCALE_UP_LIMIT)
def test_scale_up_limit(submission, case, expected):
    """One scale-up step is limited to max(2 × current, 4) replicas."""
    got = call(submission, case)
    assert got == expected, f"{explain(case)}: expected {expected}, got {got}"


@pytest.mark.points(1)
def test_returns_an_int(submission):
    """The count is an int (the scale subresource takes an int32)."""
    got = call(submission, (4, 90, 50, 1, 10))
    assert isinstance(got, int) and not isinstance(got, bool), (
        f"return an int, not {type(got).__name__}: math.ceil gives one"
    )


@pytest.mark.hidden
@pytest.mark.points(1)
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        pytest.param((6, 88, 80, 1, 20), 6, id="88-of-80-is-inside"),
        pytest.param((6, 72, 80, 1, 20), 6, id="72-of-80-is-inside"),
        pytest.param((20, 33, 30, 1, 40), 20, id="33-of-30-is-inside"),
        pytest.param((10, 58, 50, 1, 20), 12, id="relative-not-points"),
    ],
)
def test_tolerance_other_targets(submission, case, expected):
    """The band is relative to the target: 10 % of it, not 10 percentage points."""
    got = call(submission, case)
    assert got == expected, f"{explain(case)}: expected {expected}, got {got}"


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.hint("A count outside [min, max] goes back to the bound before any metric counts.")
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        pytest.param((12, 30, 50, 1, 10), 10, id="above-max-goes-to-max"),
        pytest.param((1, 200, 50, 3, 10), 3, id="below-min-goes-to-min"),
        pytest.param((12, 200, 50, 1, 10), 10, id="above-max-under-load"),
    ],
)
def test_out_of_bounds_first(submission, case, expected):
    """A count above maxReplicas goes to max, one below minReplicas to min, whatever the metric."""
    got = call(submission, case)
    assert got == expected, f"{explain(case)}: expected {expected}, got {got}"


@pytest.mark.hidden
@pytest.mark.points(1)
def test_scaled_to_zero_is_left_alone(submission):
    """A workload scaled to 0 by hand stays at 0 (scaling disabled)."""
    got = call(submission, (0, 90, 50, 1, 10))
    assert got == 0, f"current 0 means autoscaling is off: expected 0, got {got}"


@pytest.mark.hidden
@pytest.mark.points(1)
def test_no_limit_on_the_way_down(submission):
    """The scale-up limit does not slow a scale-down: 10 pods at 5 % of 50 % go to 1 at once."""
    got = call(submission, (10, 5, 50, 1, 20))
    assert got == 1, f"{explain((10, 5, 50, 1, 20))}: expected 1, got {got}"


# -- part 2: inside the controller ----------------------------------------------------------------


def rules(current: int, utilization: int, target: int, low: int, high: int) -> int:
    """The rules of the module docstring: the curve every answer is compared with."""
    if current == 0:
        return 0
    if current > high:
        return high
    if current < low:
        return low
    ratio = utilization / target
    proposal = current if 1 - 0.1 <= ratio <= 1 + 0.1 else math.ceil(ratio * current)
    return max(low, min(proposal, high, max(2 * current, 4)))


class PluggedHPA(HorizontalPodAutoscalerController):
    """The HPA controller with ``decide`` choosing each sync's count (window 0 s)."""

    def __init__(self, manager, decide) -> None:
        super().__init__(manager)
        self.decide = decide

    def replicas_for_metric(self, hpa, spec, current, selector):
        _, name, status = super().replicas_for_metric(hpa, spec, current, selector)
        utilization = status["resource"]["current"]["averageUtilization"]
        target = spec["resource"]["target"]["averageUtilization"]
        bounds = hpa["spec"].get("minReplicas", 1), hpa["spec"]["maxReplicas"]
        return self.decide(current, utilization, target, *bounds), name, status

    def normalize(self, hpa, key, current, proposal, minimum):
        return proposal


def workload(replicas: int, low: int, high: int, target: int, per_request: str) -> list[dict]:
    container = {
        "name": "web",
        "image": "k8sedu/web:1.0",
        "env": [{"name": "CPU_PER_REQUEST", "value": per_request}],
        "resources": {"requests": {"cpu": "100m"}},
    }
    labels = {"app": "web"}
    metric = {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": 8080}]},
        },
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": low,
                "maxReplicas": high,
                "metrics": [{"type": "Resource", "resource": metric}],
            },
        },
    ]


# the exercise notebook's trace, and a hidden one
PUBLIC = ((2, 2, 8, 50, "20m"), ((10, 90), (30, 150), (12, 150), (0, 90)))
HIDDEN = ((1, 1, 6, 60, "20m"), ((6, 90), (40, 150), (12, 150), (4, 120)))


def curve(decide, scenario) -> tuple[list[tuple[float, int, int | None]], list[str]]:
    """Play a trace with ``decide`` in the HPA controller: (time, replicas, utilization) after
    every sync, and the controller's errors."""
    shape, trace = scenario
    cluster = k.Cluster(nodes=2)
    cluster.controller_manager.replace(
        "horizontalpodautoscaling", partial(PluggedHPA, decide=decide)
    )
    cluster.apply(workload(*shape))
    cluster.run(22.5)  # syncs every 15 s from t=15: sample half-way between two
    points = []
    for rps, seconds in trace:
        if rps:
            cluster.load("web", rps, seconds + 1 / rps)
        for _ in range(int(seconds // 15)):
            cluster.run(15)
            status = cluster.api.get("horizontalpodautoscalers", "web").get("status", {})
            metric = (status.get("currentMetrics") or [{}])[0]
            percent = metric.get("resource", {}).get("current", {}).get("averageUtilization")
            replicas = cluster.api.get("deployments", "web")["spec"]["replicas"]
            points.append((cluster.now, replicas, percent))
    errors = [
        r.detail
        for r in cluster.trace.filter(verb="reconcile-error", resource="horizontalpodautoscaling")
        if "MetricFailure" not in r.detail  # no metrics yet at the first sync: not the learner's
    ]
    return points, errors


@cache
def reference(scenario) -> tuple:
    return tuple(curve(rules, scenario)[0])


def compare(submission, scenario) -> None:
    expected = reference(scenario)
    got, errors = curve(submission.desired_replicas, scenario)
    assert not errors, f"your function raised inside the controller: {errors[0]}"
    for (t, want, percent), (_, have, _) in zip(expected, got):
        assert have == want, (
            f"at t={t:g}s (utilization {percent} %) the HPA should run {want} replicas, "
            f"yours runs {have}"
        )


@pytest.mark.points(3)
@pytest.mark.hint("Run the trace of the notebook and compare the curve with your own prediction.")
def test_replica_curve_of_the_notebook_trace(submission):
    """Inside the real HPA controller, the notebook's load trace gives the expected curve."""
    compare(submission, PUBLIC)


@pytest.mark.hidden
@pytest.mark.points(3)
def test_replica_curve_of_a_hidden_trace(submission):
    """Another workload (min 1, max 6, target 60 %) under another trace."""
    compare(submission, HIDDEN)
