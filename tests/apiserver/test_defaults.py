"""API defaulting: expected values from REFERENCE.md §2 and k8s v1.34 ``*/v1/defaults.go``."""

import pytest

from k8sedu.apiserver.defaults import apply_defaults, default_job_selector, image_pull_policy


def container(**extra):
    return {"name": "web", "image": "nginx:1.27", **extra}


def pod(**spec):
    return {
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": [container()], **spec},
    }


def template_spec(**spec):
    return {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"spec": {"containers": [container()], **spec}},
    }


def defaulted(resource, obj):
    apply_defaults(resource, obj)
    return obj


def test_pod_spec_defaults():
    spec = defaulted("pods", pod())["spec"]
    assert {
        k: spec[k] for k in ("restartPolicy", "terminationGracePeriodSeconds", "dnsPolicy")
    } == {
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
    }
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    assert (spec["serviceAccountName"], spec["serviceAccount"]) == ("default", "default")


def test_container_defaults():
    ctr = defaulted("pods", pod(containers=[container(ports=[{"containerPort": 80}])]))["spec"][
        "containers"
    ][0]
    assert ctr["terminationMessagePath"] == "/dev/termination-log"
    assert ctr["terminationMessagePolicy"] == "File"
    assert ctr["imagePullPolicy"] == "IfNotPresent"
    assert ctr["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert ctr["resources"] == {}


@pytest.mark.parametrize(
    "image, policy",
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry.k8s.io/pause:3.10", "IfNotPresent"),
        ("localhost:5000/app", "Always"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
        ("", "IfNotPresent"),
    ],
    ids=["no-tag", "latest", "tag", "registry-tag", "registry-port-no-tag", "digest", "empty"],
)
def test_image_pull_policy(image, policy):
    assert image_pull_policy(image) == policy


def test_probe_defaults():
    probe = {"httpGet": {"port": 8080}, "periodSeconds": 0}
    ctr = defaulted("pods", pod(containers=[container(readinessProbe=probe)]))["spec"][
        "containers"
    ][0]
    assert ctr["readinessProbe"] == {
        "httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def test_requests_default_to_limits_only_in_pods():
    limits = {"cpu": "1", "memory": "1Gi"}
    pod_ctr = defaulted("pods", pod(containers=[container(resources={"limits": dict(limits)})]))
    assert pod_ctr["spec"]["containers"][0]["resources"]["requests"] == limits
    deployment = {"spec": template_spec(containers=[container(resources={"limits": dict(limits)})])}
    tmpl_ctr = defaulted("deployments", deployment)["spec"]["template"]["spec"]["containers"][0]
    assert "requests" not in tmpl_ctr["resources"]


@pytest.mark.parametrize(
    "given, stored",
    [
        (0.5, "500m"),
        ("0.5", "500m"),
        (1, "1"),
        ("1000m", "1"),
        ("0.0001", "1m"),
        ("128Mi", "128Mi"),
    ],
    ids=["float", "decimal-text", "int", "milli-whole", "rounds-up-to-milli", "binary"],
)
def test_quantities_are_canonicalized(given, stored):
    ctr = defaulted("pods", pod(containers=[container(resources={"requests": {"cpu": given}})]))
    assert ctr["spec"]["containers"][0]["resources"]["requests"]["cpu"] == stored


def test_host_network_copies_container_ports_to_host_ports():
    obj = pod(hostNetwork=True, containers=[container(ports=[{"containerPort": 8080}])])
    assert defaulted("pods", obj)["spec"]["containers"][0]["ports"][0]["hostPort"] == 8080


def test_volume_without_source_is_an_empty_dir():
    volumes = defaulted(
        "pods", pod(volumes=[{"name": "data"}, {"name": "cfg", "configMap": {"name": "c"}}])
    )
    assert volumes["spec"]["volumes"] == [
        {"name": "data", "emptyDir": {}},
        {"name": "cfg", "configMap": {"name": "c", "defaultMode": 420}},
    ]


@pytest.mark.parametrize(
    "spec, expected",
    [
        (
            {"ports": [{"port": 80}]},
            {"type": "ClusterIP", "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
             "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"],
             "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]},
        ),
        (
            {"type": "NodePort", "ports": [{"port": 80, "targetPort": "http"}]},
            {"type": "NodePort", "sessionAffinity": "None", "externalTrafficPolicy": "Cluster",
             "internalTrafficPolicy": "Cluster", "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"],
             "ports": [{"port": 80, "protocol": "TCP", "targetPort": "http"}]},
        ),
        (
            {"type": "LoadBalancer", "sessionAffinity": "ClientIP", "ports": [{"port": 443}]},
            {"type": "LoadBalancer", "sessionAffinity": "ClientIP",
             "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
             "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
             "allocateLoadBalancerNodePorts": True, "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"],
             "ports": [{"port": 443, "protocol": "TCP", "targetPort": 443}]},
        ),
        (
            {"type": "ExternalName", "externalName": "example.com"},
            {"type": "ExternalName", "externalName": "example.com", "sessionAffinity": "None"},
        ),
    ],
    ids=["cluster-ip", "node-port", "load-balancer-client-ip", "external-name"],
)  # fmt: skip
def test_service_defaults(spec, expected):
    assert defaulted("services", {"spec": spec})["spec"] == expected


def test_deployment_defaults():
    spec = defaulted("deployments", {"spec": template_spec()})["spec"]
    assert {
        k: spec[k] for k in ("replicas", "revisionHistoryLimit", "progressDeadlineSeconds")
    } == {
        "replicas": 1,
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600,
    }
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["template"]["spec"]["restartPolicy"] == "Always"  # the template's PodSpec too
    assert "enableServiceLinks" not in spec["template"]["spec"]  # SetDefaults_Pod is pods only


def test_deployment_keeps_zero_replicas_and_recreate():
    spec = defaulted(
        "deployments",
        {"spec": {**template_spec(), "replicas": 0, "strategy": {"type": "Recreate"}}},
    )
    assert (spec["spec"]["replicas"], spec["spec"]["strategy"]) == (0, {"type": "Recreate"})


@pytest.mark.parametrize(
    "resource, expected",
    [
        ("replicasets", {"replicas": 1}),
        (
            "daemonsets",
            {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
             "revisionHistoryLimit": 10},
        ),
        (
            "statefulsets",
            {"podManagementPolicy": "OrderedReady", "replicas": 1, "revisionHistoryLimit": 10,
             "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
             "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"}},
        ),
    ],
    ids=["replicaset", "daemonset", "statefulset"],
)  # fmt: skip
def test_workload_defaults(resource, expected):
    spec = defaulted(resource, {"spec": template_spec()})["spec"]
    assert {k: spec[k] for k in expected} == expected


@pytest.mark.parametrize(
    "given, completions, parallelism",
    [({}, 1, 1), ({"completions": 5}, 5, 1), ({"parallelism": 3}, None, 3)],
    ids=["neither", "completions-only", "parallelism-only"],
)
def test_job_counts(given, completions, parallelism):
    spec = defaulted("jobs", {"spec": {**template_spec(restartPolicy="Never"), **given}})["spec"]
    assert (spec.get("completions"), spec["parallelism"]) == (completions, parallelism)


def test_job_defaults():
    spec = defaulted("jobs", {"spec": template_spec(restartPolicy="Never")})["spec"]
    expected = {
        "backoffLimit": 6,
        "completionMode": "NonIndexed",
        "suspend": False,
        "podReplacementPolicy": "TerminatingOrFailed",
    }
    assert {k: spec[k] for k in expected} == expected


def test_job_selector_is_generated_from_the_uid():
    job = {"metadata": {"name": "pi", "uid": "1234"}, "spec": {"template": {"spec": {}}}}
    apply_defaults("jobs", job)
    default_job_selector(job)
    labels = {
        "batch.kubernetes.io/controller-uid": "1234",
        "batch.kubernetes.io/job-name": "pi",
        "controller-uid": "1234",
        "job-name": "pi",
    }
    assert job["spec"]["template"]["metadata"]["labels"] == labels
    assert job["spec"]["selector"] == {
        "matchLabels": {"batch.kubernetes.io/controller-uid": "1234"}
    }
    assert job["metadata"]["labels"] == labels


def test_cronjob_defaults():
    spec = defaulted(
        "cronjobs", {"spec": {"schedule": "* * * * *", "jobTemplate": {"spec": template_spec()}}}
    )["spec"]
    expected = {
        "concurrencyPolicy": "Allow",
        "suspend": False,
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 1,
    }
    assert {k: spec[k] for k in expected} == expected


def test_hpa_defaults_without_behavior():
    spec = defaulted("horizontalpodautoscalers", {"spec": {"maxReplicas": 5}})["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80},
            },
        }
    ]
    assert "behavior" not in spec


def test_hpa_behavior_is_completed_when_given():
    given = {"maxReplicas": 5, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}
    behavior = defaulted("horizontalpodautoscalers", {"spec": given})["spec"]["behavior"]
    assert behavior["scaleUp"] == {
        "stabilizationWindowSeconds": 0,
        "selectPolicy": "Max",
        "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ],
    }
    assert behavior["scaleDown"] == {
        "stabilizationWindowSeconds": 60,
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
    }


def test_namespace_defaults():
    ns = defaulted("namespaces", {"metadata": {"name": "team-a"}})
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team-a"}
    assert ns["spec"] == {"finalizers": ["kubernetes"]}
    assert ns["status"] == {"phase": "Active"}


def test_node_allocatable_defaults_to_capacity():
    node = defaulted(
        "nodes", {"metadata": {"name": "n"}, "status": {"capacity": {"cpu": 4, "memory": "8Gi"}}}
    )
    assert node["status"]["allocatable"] == {"cpu": "4", "memory": "8Gi"}


@pytest.mark.parametrize(
    "resource, obj, path, value",
    [
        ("priorityclasses", {"value": 10}, ("preemptionPolicy",), "PreemptLowerPriority"),
        ("endpointslices", {"ports": [{"port": 80}]}, ("ports", 0, "protocol"), "TCP"),
        ("endpointslices", {"ports": [{"port": 80}]}, ("ports", 0, "name"), ""),
    ],
    ids=["priorityclass-preemption", "endpointslice-protocol", "endpointslice-port-name"],
)
def test_small_kind_defaults(resource, obj, path, value):
    found = defaulted(resource, obj)
    for step in path:
        found = found[step]
    assert found == value
