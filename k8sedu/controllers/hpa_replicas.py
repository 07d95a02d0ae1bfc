"""How many replicas a metric asks for: the HorizontalPodAutoscaler's replica calculation.

Models ``pkg/controller/podautoscaler/replica_calculator.go`` (``GetResourceReplicas``,
``calcPlainMetricReplicas``, ``groupPods``) and ``metrics/utilization.go`` of Kubernetes v1.34.
Everything here is a pure function of numbers the controller gathered (lesson 09's exercise
asks you to write ``desired_replicas``). Values are milli-units: millicores for CPU, bytes × 1000
for memory, as ``Quantity.MilliValue()`` gives them.

Worked example: 4 ready pods, each using 90m of a 100m CPU request, against a 50 % target::

    >>> utilization({"a": 90, "b": 90, "c": 90, "d": 90}, {p: 100 for p in "abcd"})
    (90, 90)
    >>> desired_replicas(4, {"a": 90, "b": 90, "c": 90, "d": 90}, 50, ready_count=4,
    ...                  requests={p: 100 for p in "abcd"})
    8

``utilization`` 90 gives ratio 90 / 50 = 1.8 and ``ceil(1.8 × 4) = 8``.

The tolerance is a band around 1.0, both ends included (``Tolerances.isWithin``, v1.33+):
``0.9 <= ratio <= 1.1`` keeps the current count. In float64, ``55 / 50 == 1.0 + 0.1`` exactly, so
55 % against 50 % does **not** scale, and 56 % does. (Before v1.33 the test was
``abs(1.0 - ratio) <= 0.1``, where 55 % scaled; 45 % stays inside either way.)
"""

from __future__ import annotations

import math
from typing import NamedTuple

from k8sedu import objects, quantity

TOLERANCE = 0.1  # --horizontal-pod-autoscaler-tolerance
CPU_INITIALIZATION_PERIOD = 300.0  # --horizontal-pod-autoscaler-cpu-initialization-period
INITIAL_READINESS_DELAY = 30.0  # --horizontal-pod-autoscaler-initial-readiness-delay


class MetricsError(Exception):
    """Why no replica count could be computed (the text is the real controller's error)."""


class PodMetric(NamedTuple):
    """One pod's sample: its value, when it was taken and over what window (seconds)."""

    value: int
    timestamp: float
    window: float


def within_tolerance(ratio: float, tolerance: float = TOLERANCE) -> bool:
    """Too small a change to act on: ``1 - tolerance <= ratio <= 1 + tolerance``."""
    return 1.0 - tolerance <= ratio <= 1.0 + tolerance


def utilization(metrics: dict[str, int], requests: dict[str, int]) -> tuple[int, int]:
    """``(utilization %, average usage)`` of pods with metrics (``GetResourceUtilizationRatio``).

    The percentage is an integer, truncated: 359m used of 400m requested is 89 %.
    """
    pods = [pod for pod in metrics if pod in requests]
    used = sum(metrics[pod] for pod in pods)
    requested = sum(requests[pod] for pod in pods)
    if requested == 0:
        raise MetricsError("no metrics returned matched known pods")
    return used * 100 // requested, used // len(pods)


def average(metrics: dict[str, int]) -> int:
    """The average value per pod, truncated (``GetMetricUsageRatio``)."""
    return sum(metrics.values()) // len(metrics)


def usage_ratio(metrics: dict[str, int], target: int, requests: dict[str, int] | None) -> float:
    """Current over target: utilization % over the target % when ``requests`` are given, else the
    average value over the target average value."""
    current = utilization(metrics, requests)[0] if requests is not None else average(metrics)
    return current / target


def desired_replicas(
    current: int,
    metrics: dict[str, int],
    target: int,
    *,
    ready_count: int,
    unready: tuple[str, ...] = (),
    missing: tuple[str, ...] = (),
    requests: dict[str, int] | None = None,
    tolerance: float = TOLERANCE,
) -> int:
    """The replica count a metric proposes (``GetResourceReplicas``, ``calcPlainMetricReplicas``).

    ``metrics`` holds the ready pods' values; ``unready`` pods (not ready yet, or still warming
    up) and ``missing`` pods (no metrics) are named apart. With ``requests`` (pod → request) the
    target is a utilization percentage, without them an average value.
    """
    ratio = usage_ratio(metrics, target, requests)
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        if within_tolerance(ratio, tolerance):
            return current
        return math.ceil(ratio * ready_count)

    # Be conservative about pods we know nothing of: assume they use the target (or 100 % of
    # their request) when scaling down, and nothing when scaling up.
    filled = dict(metrics)
    if ratio < 1.0:
        for pod in missing:
            if requests is None:
                filled[pod] = target
            else:
                filled[pod] = requests[pod] * max(100, target) // 100
    elif ratio > 1.0:
        for pod in missing:
            filled[pod] = 0
    if scale_up_with_unready:
        for pod in unready:
            filled[pod] = 0

    new_ratio = usage_ratio(filled, target, requests)
    if within_tolerance(new_ratio, tolerance) or (
        ratio < 1.0 < new_ratio or ratio > 1.0 > new_ratio
    ):
        return current  # too small a change, or the guess flipped the direction
    replicas = math.ceil(new_ratio * len(filled))
    if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
        return current  # counting the extra pods would flip the direction
    return replicas


def group_pods(
    pods: list[dict],
    metrics: dict[str, PodMetric],
    resource: str,
    now: float,
    epoch=objects.EPOCH,
) -> tuple[int, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``(ready count, unready, missing, ignored)`` pod names (``groupPods``).

    Ignored: being deleted or Failed. Unready: Pending, or — for CPU only — not Ready, or still
    inside the CPU initialization period without a full metric window since it became Ready.
    Missing: no metric. Times are simulated seconds; ``epoch`` reads the API's timestamps.
    """
    ready, unready, missing, ignored = 0, [], [], []
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        name, status = pod["metadata"]["name"], pod.get("status") or {}
        if pod["metadata"].get("deletionTimestamp") or status.get("phase") == "Failed":
            ignored.append(name)
        elif status.get("phase") == "Pending":
            unready.append(name)
        elif name not in metrics:
            missing.append(name)
        elif resource == "cpu" and _cpu_unready(pod, metrics[name], now, epoch):
            unready.append(name)
        else:
            ready += 1
    return ready, tuple(unready), tuple(missing), tuple(ignored)


def _cpu_unready(pod: dict, metric: PodMetric, now: float, epoch) -> bool:
    """A CPU sample taken while the pod was starting says little about its steady use."""
    condition = objects.get_condition(pod, "Ready")
    started = (pod.get("status") or {}).get("startTime")
    if condition is None or not started:
        return True
    start = objects.parse_timestamp(started, epoch)
    changed = objects.parse_timestamp(condition["lastTransitionTime"], epoch)
    if start + CPU_INITIALIZATION_PERIOD > now:
        return condition["status"] == "False" or metric.timestamp < changed + metric.window
    # later on, ignore only a pod that has never been ready
    return condition["status"] == "False" and start + INITIAL_READINESS_DELAY > changed


def pod_request(pod: dict, resource: str, container: str = "") -> int:
    """The pod's request in milli-units, over its containers and sidecars (``calculateRequests``);
    ``container`` picks one container (a ContainerResource metric)."""
    spec, name = pod["spec"], pod["metadata"]["name"]
    containers = list(spec.get("containers") or []) + [
        c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"
    ]
    total = 0
    for c in containers:
        if container and c["name"] != container:
            continue
        wanted = ((c.get("resources") or {}).get("requests") or {}).get(resource)
        if wanted is None:
            raise MetricsError(
                f"missing request for {resource} in container {c['name']} of Pod {name}"
            )
        total += quantity.cpu_millis(wanted)
        if container:
            return total
    if container:
        raise MetricsError(f"container {container} not found in Pod {name}")
    return total
