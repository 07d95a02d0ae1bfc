"""The HPA controller through the whole cluster: kubelet metrics → replica count → the
Deployment's ``scale`` subresource, every 15 s (the first sync 15 s after the HPA appears).

Containers: ``k8sedu/busy`` uses a constant ``CPU``; ``k8sedu/web`` uses 1m plus
``CPU_PER_REQUEST`` per request/s, so 89 req/s at 4m over 4 pods is 4 + 356 = 360m of 400m = 90 %.
Metrics exist once a container has run 15 s, so the sync at t=30 is the first with numbers.
"""

import pytest

from k8sedu import objects
from k8sedu.cluster import Cluster
from k8sedu.errors import KubectlError, NotFound


def deployment(
    replicas: int, image: str, env: dict | None = None, cpu: str | None = "100m"
) -> dict:
    container = {"name": "web", "image": image}
    if cpu:
        container["resources"] = {"requests": {"cpu": cpu}}
    if env:
        container["env"] = [{"name": k, "value": v} for k, v in env.items()]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [container]},
            },
        },
    }


def hpa(target: int = 50, maximum: int = 10, behavior: dict | None = None) -> dict:
    spec = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": 1,
        "maxReplicas": maximum,
        "metrics": [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": target},
                },
            }
        ],
    }
    if behavior is not None:
        spec["behavior"] = behavior
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": spec,
    }


SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
}


def replicas(cluster: Cluster) -> int:
    return cluster.api.get("deployments", "web")["spec"]["replicas"]


def condition(cluster: Cluster, type_: str) -> tuple[str, str, str]:
    found = objects.get_condition(cluster.api.get("horizontalpodautoscalers", "web"), type_)
    return found["status"], found["reason"], found["message"]


def hpa_events(cluster: Cluster) -> list[tuple[str, str]]:
    return [
        (e["reason"], e["message"])
        for e in cluster.events
        if e["involvedObject"]["kind"] == "HorizontalPodAutoscaler"
    ]


@pytest.fixture
def loaded() -> Cluster:
    """4 web pods and 89 req/s for 100 s: 90 % of their CPU requests."""
    cluster = Cluster(nodes=3)
    cluster.apply([deployment(4, "k8sedu/web:1.0", {"CPU_PER_REQUEST": "4m"}), SERVICE, hpa()])
    cluster.load("web", 89, 100)
    return cluster


def test_scale_up_from_4_to_8(loaded):
    loaded.run(30)
    table = loaded.kubectl("get hpa")
    assert table.splitlines()[1].split() == [
        "web", "Deployment/web", "cpu:", "90%/50%", "1", "10", "4", "30s",
    ]  # fmt: skip
    assert replicas(loaded) == 8  # ceil(90 / 50 × 4)
    assert ("SuccessfulRescale", "New size: 8; reason: cpu resource utilization (percentage of request) above target") in hpa_events(loaded)  # fmt: skip
    status = loaded.api.get("horizontalpodautoscalers", "web")["status"]
    assert status["currentMetrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageValue": "90m", "averageUtilization": 90}}}
    ]  # fmt: skip
    assert (status["currentReplicas"], status["desiredReplicas"]) == (4, 8)
    assert status["lastScaleTime"] == loaded.timestamp()
    assert condition(loaded, "AbleToScale") == (
        "True",
        "SucceededRescale",
        "the HPA controller was able to update the target scale to 8",
    )
    assert condition(loaded, "ScalingActive")[:2] == ("True", "ValidMetricFound")
    assert condition(loaded, "ScalingLimited") == (
        "False",
        "DesiredWithinRange",
        "the desired count is within the acceptable range",
    )
    # 8 pods share the load: 89 rps / 8 × 4m + 1m idle = 45.5m each, which MilliValue rounds
    # up to 46m: 368 of 800 = 46 %, inside the tolerance
    loaded.run(30)
    assert "cpu: 46%/50%" in loaded.kubectl("get hpa")
    assert replicas(loaded) == 8


def test_scale_down_waits_for_the_300s_stabilization(loaded):
    loaded.run(105)  # the load ended at 100 s; the sync at 90 last saw it and recommended 8
    assert replicas(loaded) == 8
    assert "cpu: 1%/50%" in loaded.kubectl("get hpa")
    loaded.run(285)  # t=390: the recommendation of t=90 is exactly 300 s old, still counted
    assert replicas(loaded) == 8
    assert condition(loaded, "AbleToScale") == (
        "True",
        "ScaleDownStabilized",
        "recent recommendations were higher than current one, applying the highest recent recommendation",
    )
    loaded.run(15)  # t=405: only low recommendations are left (1 m of 100 m each)
    assert replicas(loaded) == 1
    assert ("SuccessfulRescale", "New size: 1; reason: All metrics below target") in hpa_events(loaded)  # fmt: skip


def busy_cluster(replicas: int, cpu: str, **hpa_args) -> Cluster:
    cluster = Cluster(nodes=2)
    cluster.apply([deployment(replicas, "k8sedu/busy:1.0", {"CPU": cpu}), hpa(**hpa_args)])
    return cluster


@pytest.mark.parametrize(
    ("cpu", "expected"),
    [("45m", 4), ("54m", 4), ("55m", 4), ("56m", 5)],
    ids=["45%", "54%", "55%", "56%"],
)
def test_tolerance_edges(cpu, expected):
    # v1.34 keeps the count while 0.9 <= ratio <= 1.1; 55 / 50 == 1.1 exactly (hpa_replicas.py)
    cluster = busy_cluster(4, cpu)
    cluster.run(30)
    assert f"cpu: {int(cpu[:-1])}%/50%" in cluster.kubectl("get hpa")
    assert replicas(cluster) == expected


def test_legacy_scale_up_limit_from_1_to_4():
    cluster = busy_cluster(1, "500m")  # 500 % of its request: 10 replicas wanted
    cluster.run(30)
    assert replicas(cluster) == 4  # max(2 × 1, 4)
    assert condition(cluster, "ScalingLimited") == (
        "True",
        "ScaleUpLimit",
        "the desired replica count is increasing faster than the maximum scale rate",
    )
    status = cluster.api.get("horizontalpodautoscalers", "web")["status"]
    assert status["desiredReplicas"] == 4


def test_default_behavior_goes_from_1_to_5():
    cluster = busy_cluster(1, "500m", behavior={})  # the API server fills the default policies
    cluster.run(30)
    assert replicas(cluster) == 5  # max(1 + 4 pods, 2 × 1) per 15 s


def test_pods_without_cpu_requests():
    cluster = Cluster(nodes=1)
    cluster.apply([deployment(1, "k8sedu/busy:1.0", cpu=None), hpa()])
    cluster.run(30)
    pod = cluster.api.list("pods", label_selector="app=web")[0]["metadata"]["name"]
    error = f"failed to get cpu utilization: missing request for cpu in container web of Pod {pod}"
    assert condition(cluster, "ScalingActive") == (
        "False",
        "FailedGetResourceMetric",
        f"the HPA was unable to compute the replica count: {error}",
    )
    assert ("FailedGetResourceMetric", error) in hpa_events(cluster)
    assert (
        "FailedComputeMetricsReplicas",
        f"invalid metrics (1 invalid out of 1), first error is: {error}",
    ) in hpa_events(cluster)
    assert "cpu: <unknown>/50%" in cluster.kubectl("get hpa")
    assert replicas(cluster) == 1


def test_before_metrics_exist():
    cluster = busy_cluster(2, "50m")
    cluster.run(15)  # the pods have run less than 15 s: metrics-server has nothing yet
    error = (
        "failed to get cpu utilization: unable to get metrics for resource cpu: "
        "no metrics returned from resource metrics API"
    )
    assert ("FailedGetResourceMetric", error) in hpa_events(cluster)
    status = cluster.api.get("horizontalpodautoscalers", "web")["status"]
    assert status["currentMetrics"] == [{"type": ""}]
    assert status["desiredReplicas"] == 0


def test_current_replicas_above_max():
    cluster = Cluster(nodes=1)
    cluster.apply([deployment(5, "k8sedu/busy:1.0", {"CPU": "10m"}), hpa(maximum=3)])
    cluster.run(15)
    assert replicas(cluster) == 3
    assert ("SuccessfulRescale", "New size: 3; reason: Current number of replicas above Spec.MaxReplicas") in hpa_events(cluster)  # fmt: skip


def test_a_missing_target_in_one_reconcile():
    cluster = Cluster(nodes=1)
    body = hpa()
    body["spec"]["scaleTargetRef"]["name"] = "nope"
    cluster.api.create("horizontalpodautoscalers", body)
    cluster.run(1)  # the controller's informer has it; its first sync is still 14 s away
    controller = cluster.controller_manager.controller("horizontalpodautoscaling")
    with pytest.raises(NotFound):
        controller.reconcile("default/web")
    assert condition(cluster, "AbleToScale") == (
        "False",
        "FailedGetScale",
        'the HPA controller was unable to get the target\'s current scale: deployments.apps "nope" not found',
    )
    assert hpa_events(cluster) == [("FailedGetScale", 'deployments.apps "nope" not found')]


def test_the_controller_names():
    manager = Cluster(nodes=1).controller_manager
    controller = manager.controller("horizontal-pod-autoscaler-controller")
    assert controller.controller_name == "horizontalpodautoscaling"
    assert controller.client.user == "system:serviceaccount:kube-system:horizontal-pod-autoscaler"


def test_kubectl_autoscale():
    cluster = Cluster(nodes=1)
    cluster.apply(deployment(1, "k8sedu/busy:1.0"))
    out = cluster.kubectl("autoscale deployment web --cpu-percent=50 --min=1 --max=10")
    assert out == "horizontalpodautoscaler.autoscaling/web autoscaled\n"
    assert out.stderr.startswith("Flag --cpu-percent has been deprecated, Use --cpu")
    spec = cluster.api.get("horizontalpodautoscalers", "web")["spec"]
    assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert (spec["minReplicas"], spec["maxReplicas"]) == (1, 10)
    assert spec["metrics"][0]["resource"]["target"] == {
        "type": "Utilization",
        "averageUtilization": 50,
    }
    assert "cpu: <unknown>/50%" in cluster.kubectl("get hpa")


@pytest.mark.parametrize(
    ("args", "target"),
    [
        ("--cpu=70%", {"type": "Utilization", "averageUtilization": 70}),
        ("--cpu=500", {"type": "AverageValue", "averageValue": "500m"}),
        ("--memory=200", {"type": "AverageValue", "averageValue": "200Mi"}),
    ],
    ids=["cpu-percent", "cpu-millicores", "memory-mebibytes"],
)
def test_kubectl_autoscale_targets(args, target):
    cluster = Cluster(nodes=1)
    cluster.apply(deployment(1, "k8sedu/busy:1.0"))
    cluster.kubectl(f"autoscale deploy/web --max=3 {args}")
    metric = cluster.api.get("horizontalpodautoscalers", "web")["spec"]["metrics"][0]
    assert metric["resource"]["target"] == target


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("autoscale deployment web --min=2", 'error: required flag(s) "max" not set'),
        ("autoscale deployment web --max=0", "error: --max=MAXPODS is required and must be at least 1, max: 0"),
        ("autoscale deployment web --min=5 --max=3", "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 3, min: 5"),
        ("autoscale deployment nope --max=3", 'Error from server (NotFound): deployments.apps "nope" not found'),
    ],
    ids=["no-max", "max-0", "max-below-min", "no-target"],
)  # fmt: skip
def test_kubectl_autoscale_errors(command, message):
    cluster = Cluster(nodes=1)
    cluster.apply(deployment(1, "k8sedu/busy:1.0"))
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl(command)
    assert str(caught.value).splitlines()[-1] == message
