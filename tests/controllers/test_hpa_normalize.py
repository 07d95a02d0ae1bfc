"""HPA normalization (``horizontal.go``): the legacy path when ``spec.behavior`` is unset and the
behavior path with the API defaults (REFERENCE §4.3). Conditions carry the real reasons.
"""

import copy

import pytest

from k8sedu.apiserver.defaults import HPA_SCALE_DOWN, HPA_SCALE_UP
from k8sedu.controllers import hpa_normalize
from k8sedu.controllers.hpa_normalize import ScaleEvent

NOW = 1000.0
DEFAULT_BEHAVIOR = {"scaleUp": HPA_SCALE_UP, "scaleDown": HPA_SCALE_DOWN}


def legacy(current, desired, history=(), minimum=1, maximum=10):
    return hpa_normalize.legacy(list(history), NOW, 300.0, current, desired, minimum, maximum)


@pytest.mark.parametrize(
    ("current", "desired", "maximum", "expected", "limited"),
    [
        (1, 10, 10, 4, ("True", "ScaleUpLimit")),  # max(2 × 1, 4) = 4
        (3, 10, 10, 6, ("True", "ScaleUpLimit")),  # max(2 × 3, 4) = 6
        (4, 8, 10, 8, ("False", "DesiredWithinRange")),
        (4, 9, 6, 6, ("True", "TooManyReplicas")),
        (4, 0, 10, 1, ("True", "TooFewReplicas")),
    ],
    ids=["1-to-4", "3-to-6", "4-to-8", "max-replicas", "min-replicas"],
)
def test_legacy_bounds(current, desired, maximum, expected, limited):
    replicas, able, condition = legacy(current, desired, maximum=maximum)
    assert replicas == expected
    assert condition[:2] == limited
    assert able == hpa_normalize.READY


def test_legacy_messages():
    _, _, condition = legacy(1, 10)
    assert condition == (
        "True",
        "ScaleUpLimit",
        "the desired replica count is increasing faster than the maximum scale rate",
    )


@pytest.mark.parametrize(
    ("age", "expected"),
    [(100, 8), (300, 8), (301, 2)],
    ids=["recent", "at-the-window-edge", "stale"],
)
def test_legacy_downscale_stabilization(age, expected):
    history = [(8, NOW - age)]
    replicas, able, _ = legacy(8, 2, history)
    assert replicas == expected
    if expected == 8:
        assert able == (
            "ScaleDownStabilized",
            "recent recommendations were higher than current one, applying the highest recent recommendation",
        )


def test_legacy_reuses_a_stale_slot():
    history = [(8, NOW - 400), (5, NOW - 10)]
    hpa_normalize.legacy(history, NOW, 300.0, 5, 3, 1, 10)
    assert history == [(3, NOW), (5, NOW - 10)]


def behaviors(current, desired, behavior=DEFAULT_BEHAVIOR, history=(), up=(), down=(), minimum=1):
    return hpa_normalize.with_behaviors(
        list(history), list(up), list(down), NOW, behavior, 300.0, current, desired, minimum, 100
    )


@pytest.mark.parametrize(
    ("current", "desired", "expected"),
    [(1, 10, 5), (3, 20, 7), (10, 50, 20), (10, 12, 12)],
    ids=["1-to-5", "pods-policy", "percent-policy", "within"],
)
def test_default_behavior_scale_up(current, desired, expected):
    # Max of Pods 4 / 15 s and Percent 100 / 15 s: max(current + 4, 2 × current)
    replicas, _, condition = behaviors(current, desired)
    assert replicas == expected
    assert condition[1] == ("ScaleUpLimit" if expected < desired else "DesiredWithinRange")


def test_scale_up_counts_the_changes_of_the_period():
    # 4 added 10 s ago: the period started at 4, so Pods gives 8 and Percent gives 8
    replicas, _, _ = behaviors(8, 30, up=[ScaleEvent(4, NOW - 10)])
    assert replicas == 8
    replicas, _, _ = behaviors(8, 30, up=[ScaleEvent(4, NOW - 16)])  # outside the 15 s period
    assert replicas == 16


def test_default_behavior_scale_down_waits_for_the_window():
    history = [(10, NOW - 200)]
    replicas, able, _ = behaviors(10, 2, history=history)
    assert (replicas, able[0]) == (10, "ScaleDownStabilized")
    replicas, able, _ = behaviors(10, 2, history=[(10, NOW - 301)])
    assert (replicas, able) == (2, hpa_normalize.READY)


def test_scale_down_policies():
    behavior = copy.deepcopy(DEFAULT_BEHAVIOR)
    behavior["scaleDown"] = {
        "stabilizationWindowSeconds": 0,
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 10, "periodSeconds": 60}],
    }
    # int(80 × 0.9) = 72
    replicas, _, condition = behaviors(80, 10, behavior)
    assert (replicas, condition[:2]) == (72, ("True", "ScaleDownLimit"))
    # 8 removed 30 s ago: the period started at 80, so 72 is the floor until it ends
    replicas, _, _ = behaviors(72, 10, behavior, down=[ScaleEvent(8, NOW - 30)])
    assert replicas == 72


def test_scale_up_stabilization_takes_the_lowest():
    behavior = copy.deepcopy(DEFAULT_BEHAVIOR)
    behavior["scaleUp"] = dict(behavior["scaleUp"], stabilizationWindowSeconds=60)
    replicas, able, _ = behaviors(2, 8, behavior, history=[(3, NOW - 30)])
    assert (replicas, able[0]) == (3, "ScaleUpStabilized")


@pytest.mark.parametrize(
    ("select", "expected"),
    [("Min", 5), ("Max", 8), ("Disabled", 4)],
    ids=["min", "max", "disabled"],
)
def test_select_policy(select, expected):
    rules = dict(HPA_SCALE_UP, selectPolicy=select)
    # from 4: Pods 4 → 8, Percent 100 → 8; change Pods to 1 so that Min and Max differ
    rules["policies"] = [
        {"type": "Pods", "value": 1, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ]
    assert hpa_normalize.scale_up_limit(4, [], rules, NOW) == expected


def test_store_scale_event_reuses_an_outdated_slot():
    events = [ScaleEvent(2, NOW - 100), ScaleEvent(1, NOW - 5)]
    hpa_normalize.store_scale_event(events, HPA_SCALE_UP, 3, NOW)
    assert [(e.change, e.time) for e in events] == [(3, NOW), (1, NOW - 5)]
