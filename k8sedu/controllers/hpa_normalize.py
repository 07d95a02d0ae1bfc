"""From the metrics' proposal to the replica count the HPA sets: stabilization and rate limits.

Models the normalization half of ``pkg/controller/podautoscaler/horizontal.go`` (v1.34). Each
function returns the replica count with the two conditions it decides: ``AbleToScale`` (was the
proposal stabilized?) and ``ScalingLimited`` (did a bound or a rate policy cut it?).

* ``legacy`` — ``spec.behavior`` unset: the highest recommendation of the last 300 s
  (``--horizontal-pod-autoscaler-downscale-stabilization``), then at most
  ``max(2 × current, 4)`` replicas, within ``[minReplicas, maxReplicas]``. From 1 replica the
  limit is 4 (with the default behavior policies it would be 5: ``max(1 + 4, 2 × 1)``).
* ``with_behaviors`` — the user set ``spec.behavior`` (the API server filled its defaults):
  going up takes the **lowest** recommendation of the up-window, going down the **highest** of
  the down-window; then the Pods / Percent policies bound the change per period, measured from
  the count at the period's start (``current − changes made within the period``).

``history`` is this HPA's list of ``(recommendation, time)``; the functions append to it, reusing
the slot of a sample older than every window, as the real controller does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCALE_UP_LIMIT_FACTOR = 2.0
SCALE_UP_LIMIT_MINIMUM = 4.0

READY = ("ReadyForNewScale", "recommended size matches current size")
UP_STABILIZED = (
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
)
DOWN_STABILIZED = (
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent recommendation",
)
WITHIN_RANGE = ("DesiredWithinRange", "the desired count is within the acceptable range")
TOO_MANY = ("TooManyReplicas", "the desired replica count is more than the maximum replica count")
TOO_FEW = ("TooFewReplicas", "the desired replica count is less than the minimum replica count")
UP_LIMIT = (
    "ScaleUpLimit",
    "the desired replica count is increasing faster than the maximum scale rate",
)
DOWN_LIMIT = (
    "ScaleDownLimit",
    "the desired replica count is decreasing faster than the maximum scale rate",
)


@dataclass
class ScaleEvent:
    """A past rescale, counted by the policies' periods (``timestampedScaleEvent``)."""

    change: int  # replicas added (in the scale-up list) or removed (in the scale-down list)
    time: float
    outdated: bool = False


def _remember(history: list, stale: int | None, sample) -> None:
    if stale is None:
        history.append(sample)
    else:
        history[stale] = sample


def _limited(result: int, stabilized: int, why: tuple[str, str]) -> tuple[str, str, str]:
    """The ScalingLimited condition: True when the bound changed the count."""
    return ("False" if result == stabilized else "True", *why)


def legacy(
    history: list, now: float, window: float, current: int, desired: int, minimum: int, maximum: int
) -> tuple[int, tuple[str, str], tuple[str, str, str]]:
    """``normalizeDesiredReplicas`` → ``(replicas, AbleToScale why, ScalingLimited)``."""
    highest, stale = desired, None
    for i, (replicas, when) in enumerate(history):
        if when < now - window:
            stale = i
        elif replicas > highest:
            highest = replicas
    _remember(history, stale, (desired, now))
    able = READY if highest == desired else DOWN_STABILIZED

    up_limit = int(max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM))
    allowed, why = (up_limit, UP_LIMIT) if maximum > up_limit else (maximum, TOO_MANY)
    if highest < minimum:
        result, why = minimum, TOO_FEW
    elif highest > allowed:
        result = allowed
    else:
        result, why = highest, WITHIN_RANGE
    return result, able, _limited(result, highest, why)


def with_behaviors(
    history: list,
    up_events: list[ScaleEvent],
    down_events: list[ScaleEvent],
    now: float,
    behavior: dict,
    default_down_window: float,
    current: int,
    desired: int,
    minimum: int,
    maximum: int,
) -> tuple[int, tuple[str, str], tuple[str, str, str]]:
    """``normalizeDesiredReplicasWithBehaviors`` → ``(replicas, AbleToScale, ScalingLimited)``."""
    up, down = behavior["scaleUp"], behavior["scaleDown"]
    down_window = down.get("stabilizationWindowSeconds")
    if down_window is None:  # left to the controller's flag
        down_window = default_down_window
    up_cutoff, down_cutoff = now - up.get("stabilizationWindowSeconds", 0), now - down_window
    up_bound = down_bound = desired
    stale = None
    for i, (replicas, when) in enumerate(history):
        if when > up_cutoff:
            up_bound = min(up_bound, replicas)
        if when > down_cutoff:
            down_bound = max(down_bound, replicas)
        if when < up_cutoff and when < down_cutoff:
            stale = i
    stabilized = min(max(current, up_bound), down_bound)
    _remember(history, stale, (desired, now))
    if stabilized == desired:
        able = READY
    else:
        able = UP_STABILIZED if desired >= current else DOWN_STABILIZED

    result, why = stabilized, WITHIN_RANGE
    if stabilized > current:
        limit = max(scale_up_limit(current, up_events, up, now), current)
        allowed, bound_why = (limit, UP_LIMIT) if maximum > limit else (maximum, TOO_MANY)
        if stabilized > allowed:
            result, why = allowed, bound_why
    elif stabilized < current:
        limit = min(scale_down_limit(current, down_events, down, now), current)
        allowed, bound_why = (limit, DOWN_LIMIT) if minimum < limit else (minimum, TOO_FEW)
        if stabilized < allowed:
            result, why = allowed, bound_why
    return result, able, _limited(result, stabilized, why)


def _changes(events: list[ScaleEvent], period: float, now: float) -> int:
    return sum(e.change for e in events if e.time > now - period)


def scale_up_limit(current: int, events: list[ScaleEvent], rules: dict, now: float) -> int:
    """``calculateScaleUpLimitWithScalingRules``: how high the policies let the count go now."""
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    proposals = []
    for policy in rules.get("policies") or []:
        start = current - _changes(events, policy["periodSeconds"], now)
        if policy["type"] == "Pods":
            proposals.append(start + policy["value"])
        else:  # Percent, rounded up so that a small count can still grow
            proposals.append(math.ceil(start * (1 + policy["value"] / 100)))
    return (min if select == "Min" else max)(proposals, default=current)


def scale_down_limit(current: int, events: list[ScaleEvent], rules: dict, now: float) -> int:
    """``calculateScaleDownLimitWithBehaviors``: how low the policies let the count go now."""
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    proposals = []
    for policy in rules.get("policies") or []:
        start = current + _changes(events, policy["periodSeconds"], now)
        if policy["type"] == "Pods":
            proposals.append(start - policy["value"])
        else:  # Percent, truncated toward zero like Go's int32()
            proposals.append(int(start * (1 - policy["value"] / 100)))
    # "Max" selects the largest change, which is the lowest count
    return (max if select == "Min" else min)(proposals, default=current)


def store_scale_event(events: list[ScaleEvent], rules: dict, change: int, now: float) -> None:
    """Remember a rescale; a slot older than the longest policy period is reused."""
    longest = max((p["periodSeconds"] for p in rules.get("policies") or []), default=0)
    stale = None
    for i, event in enumerate(events):
        if event.time < now - longest:
            event.outdated = True
        if event.outdated:
            stale = i
    _remember(events, stale, ScaleEvent(change, now))
