"""kubectl describe hpa: expected text is real kubectl output (a GKE walkthrough's
``kubectl describe hpa``, local time shown here in UTC) and describe.go's
``describeHorizontalPodAutoscalerV2`` format strings."""

import re

import pytest

from k8sedu.kubectl.describe import describe
from k8sedu.objects import timestamp

NOW = 3600.0
HPA_NAME = "backend-app-read-a-autoscaler"
SCALE_UP = "New size: {}; reason: cpu resource utilization (percentage of request) above target"
SCALE_DOWN = SCALE_UP.replace("above", "below")


def _event(reason, message, minutes_ago, *, count=1, type="Normal"):
    at = timestamp(NOW - minutes_ago * 60)
    return {
        "involvedObject": {
            "kind": "HorizontalPodAutoscaler",
            "name": HPA_NAME,
            "namespace": "backend",
            "uid": "u-hpa",
        },
        "type": type,
        "reason": reason,
        "message": message,
        "source": {"component": "horizontal-pod-autoscaler"},
        "firstTimestamp": at,
        "lastTimestamp": at,
        "count": count,
    }


def _hpa(metrics, current=None, **spec):
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {
            "name": HPA_NAME,
            "namespace": "backend",
            "uid": "u-hpa",
            "creationTimestamp": "2024-09-17T21:16:26Z",
        },
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "backend-app-read-a",
            },
            "minReplicas": 1,
            "maxReplicas": 3,
            "metrics": metrics,
            **spec,
        },
        "status": {"currentReplicas": 1, "desiredReplicas": 1, "currentMetrics": current or []},
    }


CPU_80 = {
    "type": "Resource",
    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
}
CPU_NOW = {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 2, "averageValue": "1m"}}}  # fmt: skip
BEHAVIOR = {
    "scaleUp": {
        "stabilizationWindowSeconds": 0,
        "selectPolicy": "Max",
        "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ],
    },
    "scaleDown": {
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
    },
}
CONDITIONS = [
    {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
     "message": "recommended size matches current size"},
    {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
     "message": "the HPA was able to successfully calculate a replica count from cpu resource "
     "utilization (percentage of request)"},
    {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange",
     "message": "the desired count is within the acceptable range"},
]  # fmt: skip
EVENTS = [
    _event("FailedGetResourceMetric", "No recommendation", 22, count=6, type="Warning"),
    _event("SuccessfulRescale", SCALE_UP.format(2), 17),
    _event("SuccessfulRescale", SCALE_UP.format(3), 17),
    _event("SuccessfulRescale", SCALE_DOWN.format(2), 11),
    _event("SuccessfulRescale", SCALE_DOWN.format(1), 11),
]

# kubectl describe hpa on GKE, September 2024: "Deployment pods:" is aligned with the policy
# lines above it, which share its tabwriter column block.
REAL = """\
Name:                                                  backend-app-read-a-autoscaler
Namespace:                                             backend
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Tue, 17 Sep 2024 21:16:26 +0000
Reference:                                             Deployment/backend-app-read-a
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  2% (1m) / 80%
Min replicas:                                          1
Max replicas:                                          3
Behavior:
  Scale Up:
    Stabilization Window: 0 seconds
    Select Policy: Max
    Policies:
      - Type: Pods     Value: 4    Period: 15 seconds
      - Type: Percent  Value: 100  Period: 15 seconds
  Scale Down:
    Select Policy: Max
    Policies:
      - Type: Percent  Value: 100  Period: 15 seconds
Deployment pods:       1 current / 1 desired
Conditions:
  Type            Status  Reason              Message
  ----            ------  ------              -------
  AbleToScale     True    ReadyForNewScale    recommended size matches current size
  ScalingActive   True    ValidMetricFound    the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)
  ScalingLimited  False   DesiredWithinRange  the desired count is within the acceptable range
Events:
  Type     Reason                   Age                From                       Message
  ----     ------                   ----               ----                       -------
  Warning  FailedGetResourceMetric  22m (x6 over 22m)  horizontal-pod-autoscaler  No recommendation
  Normal   SuccessfulRescale        17m                horizontal-pod-autoscaler  New size: 2; reason: cpu resource utilization (percentage of request) above target
  Normal   SuccessfulRescale        17m                horizontal-pod-autoscaler  New size: 3; reason: cpu resource utilization (percentage of request) above target
  Normal   SuccessfulRescale        11m                horizontal-pod-autoscaler  New size: 2; reason: cpu resource utilization (percentage of request) below target
  Normal   SuccessfulRescale        11m                horizontal-pod-autoscaler  New size: 1; reason: cpu resource utilization (percentage of request) below target
"""


def test_describe_hpa_as_real_kubectl_prints_it():
    hpa = _hpa([CPU_80], [CPU_NOW], behavior=BEHAVIOR)
    hpa["status"]["conditions"] = CONDITIONS
    assert describe("hpa", hpa, now=NOW, events=EVENTS) == REAL


def test_without_behavior_conditions_or_events():
    hpa = _hpa([CPU_80])
    del hpa["spec"]["minReplicas"]
    text = describe("horizontalpodautoscalers", hpa, now=NOW, events=[])
    assert text.endswith(
        "Min replicas:                                          <unset>\n"
        "Max replicas:                                          3\n"
        "Deployment pods:                                       1 current / 1 desired\n"
        "Events:                                                <none>\n"
    )
    assert "Behavior" not in text and "Conditions" not in text


def _metric_line(metric, current=None) -> str:
    """The one line under ``Metrics:``, its tabwriter padding written back as a tab."""
    text = describe("hpa", _hpa([metric], [current] if current else []), now=NOW, show_events=False)
    line = text.splitlines()[7]
    return re.sub(r"(?<=\S) {2,}(?=\S)", "\t", line.strip())


def _target(**fields):
    return {"type": "AverageValue" if "averageValue" in fields else "Value", **fields}


@pytest.mark.parametrize(
    "metric, current, want",
    [
        (CPU_80, None, "resource cpu on pods\t(as a percentage of request):\t<unknown> / 80%"),
        (
            CPU_80,
            {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 0, "averageValue": "0"}}},
            "resource cpu on pods\t(as a percentage of request):\t0% (0) / 80%",
        ),
        (
            {"type": "Resource", "resource": {"name": "memory", "target": _target(averageValue="500Mi")}},
            {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "1253376"}}},
            "resource memory on pods:\t1253376 / 500Mi",
        ),
        (
            {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": {"type": "Utilization", "averageUtilization": 60}}},
            {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "current": {"averageUtilization": 61, "averageValue": "122m"}}},
            'resource cpu of container "app" on pods\t(as a percentage of request):\t61% (122m) / 60%',
        ),
        (
            {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"}, "target": _target(averageValue="1k")}},
            None,
            '"packets-per-second" on pods:\t<unknown> / 1k',
        ),
        (
            {"type": "Object", "object": {"metric": {"name": "requests-per-second"}, "describedObject": {"kind": "Ingress", "name": "main-route"}, "target": _target(value="10k")}},
            {"type": "Object", "object": {"metric": {"name": "requests-per-second"}, "current": {"value": "2k"}}},
            '"requests-per-second" on Ingress/main-route (target value):\t2k / 10k',
        ),
        (
            {"type": "External", "external": {"metric": {"name": "queue_messages_ready"}, "target": _target(averageValue="30")}},
            None,
            '"queue_messages_ready" (target average value):\t<unknown> / 30',
        ),
        ({"type": "Custom"}, None, '<unknown metric type "Custom">'),
    ],
    ids=["no-status", "zero", "average-value", "container", "pods", "object", "external", "unknown"],
)  # fmt: skip
def test_metric_lines(metric, current, want):
    assert _metric_line(metric, current) == want
