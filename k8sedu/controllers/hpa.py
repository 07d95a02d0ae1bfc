"""The HorizontalPodAutoscaler controller (autoscaling/v2): resize a workload to meet a target.

Models ``pkg/controller/podautoscaler/horizontal.go`` of Kubernetes v1.34. Every 15 s per HPA
(``--horizontal-pod-autoscaler-sync-period``: each key is re-queued with a fixed 15 s delay) it:

1. reads the target's ``scale`` subresource (current replicas and the pod selector);
2. asks every metric for a replica count (``hpa_replicas.py``) and keeps the largest;
3. normalizes it (``hpa_normalize.py``): stabilization, ``[minReplicas, maxReplicas]``, and the
   legacy ``max(2 × current, 4)`` limit or the ``spec.behavior`` policies;
4. writes ``scale.spec.replicas`` when it changed (event ``SuccessfulRescale``) and the status:
   ``currentMetrics``, ``currentReplicas``, ``desiredReplicas``, ``lastScaleTime`` and the
   conditions ``AbleToScale`` / ``ScalingActive`` / ``ScalingLimited``.

Simplified: the resource metrics API hop is skipped — the controller reads metrics-server's
``PodMetrics`` straight from the kubelets (``k8sedu/kubelet/metrics.py``), not through the API
server's aggregation layer; Pods, Object and External metrics have no metrics adapter, so they
fail as on a cluster without one; per-HPA tolerances (alpha in v1.34) are not read.
"""

from __future__ import annotations

import copy
from fractions import Fraction

from k8sedu import labels, objects, quantity
from k8sedu.apiserver import registry
from k8sedu.client.controller import Controller
from k8sedu.controllers import hpa_normalize, hpa_replicas
from k8sedu.controllers.hpa_replicas import MetricsError, PodMetric
from k8sedu.errors import APIError, ConnectionRefused
from k8sedu.kubelet import metrics as metrics_server

SYNC_PERIOD = 15.0  # --horizontal-pod-autoscaler-sync-period
DOWNSCALE_STABILIZATION = 300.0  # --horizontal-pod-autoscaler-downscale-stabilization

# (status, reason, message) of the conditions set in more than one place
GOT_SCALE = (
    "True",
    "SucceededGetScale",
    "the HPA controller was able to get the target's current scale",
)
DISABLED = (
    "False",
    "ScalingDisabled",
    "scaling is disabled since the replica count of the target is zero",
)
NO_SELECTOR = ("False", "InvalidSelector", "the HPA target's scale is missing a selector")


class FixedIntervalRateLimiter:
    """``NewDefaultHPARateLimiter``: every key waits one sync period, failure or not."""

    def __init__(self, interval: float) -> None:
        self.interval = interval

    def when(self, key: str) -> float:
        return self.interval

    def num_requeues(self, key: str) -> int:
        return 0

    def forget(self, key: str) -> None:
        pass


class MetricFailure(Exception):
    """A step failed: the event / condition reason it reports, and the message."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class HorizontalPodAutoscalerController(Controller):
    service_account = "horizontal-pod-autoscaler"
    event_component = "horizontal-pod-autoscaler"
    sync_period = SYNC_PERIOD
    downscale_stabilization = DOWNSCALE_STABILIZATION
    tolerance = hpa_replicas.TOLERANCE

    def setup(self) -> None:
        self.handle("horizontalpodautoscalers", self.enqueue_later, self.updated, self.deleted)
        self.informer("pods")
        self.recommendations: dict[str, list[tuple[int, float]]] = {}  # key → (replicas, time)
        self.scale_up_events: dict[str, list[hpa_normalize.ScaleEvent]] = {}
        self.scale_down_events: dict[str, list[hpa_normalize.ScaleEvent]] = {}

    def rate_limiter(self) -> FixedIntervalRateLimiter:
        return FixedIntervalRateLimiter(self.sync_period)

    def enqueue_later(self, hpa: dict) -> None:
        self.queue.add_rate_limited(objects.key_of(hpa))

    def updated(self, old: dict, new: dict) -> None:
        self.enqueue_later(new)

    def deleted(self, hpa: dict) -> None:
        self.queue.forget(objects.key_of(hpa))

    def process(self, key: str) -> None:
        """Reconcile, then come back one sync period later as long as the HPA exists."""
        super().process(key)
        if self.queue is not None and self.informer("horizontalpodautoscalers").get(key):
            self.queue.add_rate_limited(key)

    # -- one HPA ----------------------------------------------------------------------------------

    def reconcile(self, key: str) -> None:
        shared = self.informer("horizontalpodautoscalers").get(key)
        if shared is None:
            for memory in (self.recommendations, self.scale_up_events, self.scale_down_events):
                memory.pop(key, None)
            return
        hpa = copy.deepcopy(shared)  # never mutate the informer's object
        original = hpa.get("status") or {}
        hpa["status"] = copy.deepcopy(original)
        spec = hpa["spec"]
        try:
            res, scale = self.get_scale(hpa["metadata"]["namespace"], spec["scaleTargetRef"])
        except (APIError, ConnectionRefused, MetricFailure) as error:
            self.recorder.event(hpa, "Warning", "FailedGetScale", str(error))
            message = f"the HPA controller was unable to get the target's current scale: {error}"
            self.condition(hpa, "AbleToScale", "False", "FailedGetScale", message)
            self.update_status(hpa, original)
            raise
        self.condition(hpa, "AbleToScale", *GOT_SCALE)
        current = scale["spec"].get("replicas", 0)
        self.recommendations.setdefault(key, [(current, self.sim.now)])
        minimum, maximum = spec.get("minReplicas", 1), spec["maxReplicas"]
        statuses, reason, failure = None, "", None
        if current == 0 and minimum != 0:
            desired = 0
            self.condition(hpa, "ScalingActive", *DISABLED)
        elif current > maximum:
            desired, reason = maximum, "Current number of replicas above Spec.MaxReplicas"
        elif current < minimum:
            desired, reason = minimum, "Current number of replicas below Spec.MinReplicas"
        else:
            proposal, metric, statuses, failure = self.replicas_for_metrics(hpa, scale)
            if proposal is None:
                self.set_status(hpa, current, original.get("desiredReplicas", 0), statuses)
                self.update_status(hpa, original)
                self.recorder.event(hpa, "Warning", "FailedComputeMetricsReplicas", failure)
                raise MetricFailure("FailedComputeMetricsReplicas", failure)
            if proposal > current:
                reason = f"{metric} above target"
            elif proposal < current:
                reason = "All metrics below target"
            desired = self.normalize(hpa, key, current, proposal, minimum)
        if desired != current:
            try:
                self.rescale(hpa, key, res, scale, desired, reason)
            except (APIError, ConnectionRefused):
                self.set_status(hpa, current, original.get("desiredReplicas", 0), statuses)
                self.update_status(hpa, original)
                raise
        self.set_status(hpa, current, desired, statuses, rescaled=desired != current)
        self.update_status(hpa, original)
        if failure is not None:  # some metrics failed, yet the others were enough to scale
            raise MetricFailure("FailedComputeMetricsReplicas", failure)

    def get_scale(self, namespace: str, ref: dict) -> tuple[registry.Resource, dict]:
        kind, group = ref.get("kind", ""), ref.get("apiVersion", "").rpartition("/")[0]
        res = registry.for_kind(kind)
        if res is None or res.group != group or "scale" not in res.subresources:
            raise MetricFailure(
                "FailedGetScale", f'no matches for kind "{kind}" in group "{group}"'
            )
        return res, self.client.get(f"{res.plural}/scale", ref["name"], namespace)

    def normalize(self, hpa: dict, key: str, current: int, proposal: int, minimum: int) -> int:
        """Stabilize and bound the proposal; set AbleToScale and ScalingLimited accordingly."""
        history, now, maximum = self.recommendations[key], self.sim.now, hpa["spec"]["maxReplicas"]
        behavior = hpa["spec"].get("behavior")
        if behavior is None:
            desired, able, limited = hpa_normalize.legacy(
                history, now, self.downscale_stabilization, current, proposal, minimum, maximum
            )
        else:
            desired, able, limited = hpa_normalize.with_behaviors(
                history,
                self.scale_up_events.get(key, []),
                self.scale_down_events.get(key, []),
                now,
                behavior,
                self.downscale_stabilization,
                current,
                proposal,
                minimum,
                maximum,
            )
        self.condition(hpa, "AbleToScale", "True", *able)
        self.condition(hpa, "ScalingLimited", *limited)
        return desired

    def rescale(self, hpa: dict, key: str, res, scale: dict, desired: int, reason: str) -> None:
        """Write ``<target>/scale``; remember the change for the behavior policies."""
        current = scale["spec"].get("replicas", 0)
        try:
            self.client.update(f"{res.plural}/scale", dict(scale, spec={"replicas": desired}))
        except (APIError, ConnectionRefused) as error:
            message = f"New size: {desired}; reason: {reason}; error: {error}"
            self.recorder.event(hpa, "Warning", "FailedRescale", message)
            message = f"the HPA controller was unable to update the target scale: {error}"
            self.condition(hpa, "AbleToScale", "False", "FailedUpdateScale", message)
            raise
        message = f"the HPA controller was able to update the target scale to {desired}"
        self.condition(hpa, "AbleToScale", "True", "SucceededRescale", message)
        self.recorder.event(
            hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}"
        )
        behavior = hpa["spec"].get("behavior")
        if behavior is None:
            return  # the legacy path never reads past scale events
        if desired > current:
            events = self.scale_up_events.setdefault(key, [])
            hpa_normalize.store_scale_event(
                events, behavior["scaleUp"], desired - current, self.sim.now
            )
        else:
            events = self.scale_down_events.setdefault(key, [])
            hpa_normalize.store_scale_event(
                events, behavior["scaleDown"], current - desired, self.sim.now
            )

    # -- metrics ----------------------------------------------------------------------------------

    def replicas_for_metrics(self, hpa: dict, scale: dict) -> tuple:
        """``computeReplicasForMetrics`` → ``(replicas or None, metric name, statuses, error)``.

        The largest proposal wins; if every metric failed — or some failed and the rest would
        scale down — nothing is proposed (None) and ScalingActive says why."""
        selector = scale["status"].get("selector", "")
        if not selector:
            self.recorder.event(hpa, "Warning", "SelectorRequired", "selector is required")
            self.condition(hpa, "ScalingActive", *NO_SELECTOR)
            return None, "", None, "selector is required"
        specs = hpa["spec"].get("metrics") or []
        current = scale["spec"].get("replicas", 0)
        statuses: list[dict] = [{"type": ""} for _ in specs]  # a failed metric's status stays empty
        replicas, metric, invalid, first = 0, "", 0, None
        for i, metric_spec in enumerate(specs):
            try:
                proposal, name, statuses[i] = self.replicas_for_metric(
                    hpa, metric_spec, current, selector
                )
            except MetricFailure as failure:
                self.recorder.event(hpa, "Warning", failure.reason, str(failure))
                invalid += 1
                first = first or failure
                continue
            if replicas == 0 or proposal > replicas:
                replicas, metric = proposal, name
        error = None
        if first is not None:
            error = (
                f"invalid metrics ({invalid} invalid out of {len(specs)}), first error is: {first}"
            )
        if first is not None and (invalid >= len(specs) or replicas < current):
            message = f"the HPA was unable to compute the replica count: {first}"
            self.condition(hpa, "ScalingActive", "False", first.reason, message)
            return None, "", statuses, error
        message = f"the HPA was able to successfully calculate a replica count from {metric}"
        self.condition(hpa, "ScalingActive", "True", "ValidMetricFound", message)
        return replicas, metric, statuses, error

    def replicas_for_metric(self, hpa: dict, spec: dict, current: int, selector: str) -> tuple:
        """One metric → ``(replicas, its name in messages, its MetricStatus)``."""
        kind = spec.get("type")
        if kind in ("Resource", "ContainerResource"):
            field = "resource" if kind == "Resource" else "containerResource"
            source = spec[field]
            try:
                replicas, value, name = self.resource_replicas(hpa, source, current, selector)
            except MetricsError as error:
                message = f"failed to get {source['name']} utilization: {error}"
                raise MetricFailure(f"FailedGet{kind}Metric", message) from None
            status = {"name": source["name"], "current": value}
            if kind == "ContainerResource":
                status["container"] = source.get("container", "")
            return replicas, name, {"type": kind, field: status}
        if kind == "Pods":
            name = spec.get("pods", {}).get("metric", {}).get("name", "")
            message = (
                f"unable to get metric {name}: unable to fetch metrics from custom metrics API: "
                "no custom metrics API (custom.metrics.k8s.io) registered"
            )
            raise MetricFailure("FailedGetPodsMetric", message)
        if kind in ("Object", "External"):
            message = (
                f"unable to fetch metrics from {kind.lower()} metrics API: "
                "the server could not find the requested resource"
            )
            raise MetricFailure(f"FailedGet{kind}Metric", message)
        raise MetricFailure("InvalidMetricSourceType", f'unknown metric source type "{kind}"')

    def resource_replicas(self, hpa: dict, source: dict, current: int, selector: str) -> tuple:
        """``computeStatusForResourceMetricGeneric`` → ``(replicas, MetricValueStatus, name)``."""
        resource, target = source["name"], source.get("target") or {}
        ns, container = hpa["metadata"]["namespace"], source.get("container", "")
        samples = self.pod_metrics(resource, ns, selector, container)
        match = labels.parse_selector(selector)
        pods = sorted(
            (
                p
                for p in self.informer("pods").list(ns)
                if match.matches(p["metadata"].get("labels"))
            ),
            key=objects.name_of,
        )
        if not pods:
            raise MetricsError("no pods returned by selector while calculating replica count")
        ready, unready, missing, ignored = hpa_replicas.group_pods(
            pods, samples, resource, self.sim.now, self.cluster.epoch
        )
        left_out = ignored + unready
        values = {pod: m.value for pod, m in samples.items() if pod not in left_out}
        if not values:
            raise MetricsError("did not receive metrics for targeted pods (pods might be unready)")
        groups = dict(ready_count=ready, unready=unready, missing=missing, tolerance=self.tolerance)
        if target.get("averageValue") is not None:
            goal = quantity.cpu_millis(target["averageValue"])
            replicas = hpa_replicas.desired_replicas(current, values, goal, **groups)
            average = milli_quantity(hpa_replicas.average(values))
            return replicas, {"averageValue": average}, f"{resource} resource"
        goal = target.get("averageUtilization")
        if goal is None:
            raise MetricsError(
                "invalid resource metric source: "
                "neither a utilization target nor a value target was set"
            )
        requests = {
            objects.name_of(p): hpa_replicas.pod_request(p, resource, container) for p in pods
        }
        replicas = hpa_replicas.desired_replicas(current, values, goal, requests=requests, **groups)
        percent, raw = hpa_replicas.utilization(values, requests)
        status = {"averageValue": milli_quantity(raw), "averageUtilization": percent}
        return replicas, status, f"{resource} resource utilization (percentage of request)"

    def pod_metrics(self, resource: str, ns: str, selector: str, container: str) -> dict:
        """``GetResourceMetric``: pod name → ``PodMetric`` of its containers' summed usage.

        The real client lists ``metrics.k8s.io`` PodMetrics through the API server; here the
        metrics-server functions answer directly (the metrics API hop is simplified away)."""
        items = metrics_server.pod_metrics(self.cluster, ns, selector)
        prefix = f"unable to get metrics for resource {resource}"
        if not items:
            raise MetricsError(f"{prefix}: no metrics returned from resource metrics API")
        samples = {}
        for item in items:
            meta, usages = item["metadata"], item.get("containers") or []
            if container:
                usages = [c for c in usages if c["name"] == container]
                if not usages:
                    raise MetricsError(
                        f"{prefix}: failed to get container metrics: container {container} not "
                        f"present in metrics for pod {meta['namespace']}/{meta['name']}"
                    )
            if any(resource not in c.get("usage", {}) for c in usages):
                continue  # a container without this resource: the pod counts as missing
            value = sum(quantity.cpu_millis(c["usage"][resource]) for c in usages)
            when = objects.parse_timestamp(item["timestamp"], self.cluster.epoch)
            window = float(item.get("window", "15s").rstrip("s"))
            samples[meta["name"]] = PodMetric(value, when, window)
        return samples

    # -- status -----------------------------------------------------------------------------------

    def condition(self, hpa: dict, type: str, status: str, reason: str, message: str) -> None:
        """``setCondition``: lastTransitionTime moves only when the status flips."""
        condition = {
            "type": type,
            "status": status,
            "lastTransitionTime": None,  # filled by objects.set_condition
            "reason": reason,
            "message": message,
        }
        objects.set_condition(hpa["status"], condition, self.cluster.timestamp())

    def set_status(
        self, hpa: dict, current: int, desired: int, metrics: list | None, rescaled: bool = False
    ) -> None:
        """``setStatus``: rebuilt in the API's field order; the conditions are kept."""
        old, status = hpa["status"], {}
        last_scale = self.cluster.timestamp() if rescaled else old.get("lastScaleTime")
        if last_scale:
            status["lastScaleTime"] = last_scale
        if current:
            status["currentReplicas"] = current
        status["desiredReplicas"] = desired
        if metrics:
            status["currentMetrics"] = metrics
        if old.get("conditions"):
            status["conditions"] = old["conditions"]
        hpa["status"] = status

    def update_status(self, hpa: dict, original: dict) -> None:
        """Write the status only when it changed (``updateStatusIfNeeded``)."""
        if hpa["status"] == original:
            return
        try:
            self.client.update_status("horizontalpodautoscalers", hpa)
        except (APIError, ConnectionRefused) as error:
            self.recorder.event(hpa, "Warning", "FailedUpdateStatus", str(error))
            raise


def milli_quantity(milli: int) -> str:
    """``resource.NewMilliQuantity(v, DecimalSI).String()``: 90 → ``90m``, 1000 → ``1``."""
    return quantity.format_quantity(Fraction(milli, 1000))
