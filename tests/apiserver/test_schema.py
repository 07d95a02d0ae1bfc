"""Strict decoding and patch metadata. Expected messages follow kube-apiserver v1.34 with
fieldValidation=Strict: handlers/rest.go transformDecodeError, sigs.k8s.io/json strict errors,
Go encoding/json UnmarshalTypeError, resource.Quantity and encoding/base64 errors."""

from __future__ import annotations

import copy

import pytest

from k8sedu.apiserver import schema
from k8sedu.errors import BadRequest

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "labels": {"app": "web"}, "creationTimestamp": None},
    "spec": {
        "containers": [
            {
                "name": "web",
                "image": "nginx:1.27",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "env": [{"name": "MODE", "value": "fast"}],
                "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"cpu": 1}},
                "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
            }
        ],
        "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
    },
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
        },
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": POD["spec"]},
    },
}
SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"app": "web"},
        "ports": [{"port": 80, "targetPort": 8080}],
        "type": "ClusterIP",
    },
}
SECRET = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {"name": "s"},
    "data": {"user": "YWRtaW4="},
}


@pytest.mark.parametrize(
    "kind, obj",
    [("Pod", POD), ("Deployment", DEPLOYMENT), ("Service", SERVICE), ("Secret", SECRET)],
    ids=["pod", "deployment", "service", "secret"],
)
def test_valid_objects_decode(kind, obj):
    schema.strict_decode(kind, obj)
    assert schema.decode_error(kind, obj) is None


def changed(obj: dict, edit) -> dict:
    obj = copy.deepcopy(obj)
    edit(obj)
    return obj


def set_in(path: tuple, value):
    def edit(obj):
        node = obj
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


PREFIX = 'Pod in version "v1" cannot be handled as a Pod: '
CONTAINER = ("spec", "containers", 0)


@pytest.mark.parametrize(
    "edit, message",
    [
        (set_in(("foo",), 1), 'strict decoding error: unknown field "foo"'),
        (set_in(("spec", "foo"), 1), 'strict decoding error: unknown field "spec.foo"'),
        (
            set_in((*CONTAINER, "imagePullPolice"), "Always"),
            'strict decoding error: unknown field "spec.containers[0].imagePullPolice"',
        ),
        (
            set_in((*CONTAINER, "ports", 0, "containerPortZ"), 1),
            'strict decoding error: unknown field "spec.containers[0].ports[0].containerPortZ"',
        ),
        (
            lambda o: (o["spec"].update(b=1), o.update(a=1)),
            'strict decoding error: unknown field "spec.b", unknown field "a"',
        ),
        (
            set_in(("spec", "containers"), "web"),
            "json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container",
        ),
        (
            set_in(("spec",), []),
            "json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec",
        ),
        (
            set_in((*CONTAINER, "image"), 5),
            "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string",
        ),
        (
            set_in((*CONTAINER, "ports", 0, "containerPort"), "80"),
            "json: cannot unmarshal string into Go struct field "
            "ContainerPort.spec.containers.ports.containerPort of type int32",
        ),
        (
            set_in((*CONTAINER, "ports", 0, "containerPort"), 1.5),
            "json: cannot unmarshal number 1.5 into Go struct field "
            "ContainerPort.spec.containers.ports.containerPort of type int32",
        ),
        (
            set_in(("metadata", "labels", "tier"), 1),
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
        ),
        (
            set_in(("spec", "hostNetwork"), "yes"),
            "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool",
        ),
        (
            set_in((*CONTAINER, "resources", "limits"), "1"),
            "json: cannot unmarshal string into Go struct field "
            "ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList",
        ),
        (
            lambda o: (o["spec"].update(foo=1), o["spec"].update(hostNetwork="yes")),
            "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool",
        ),
        (
            set_in((*CONTAINER, "resources", "requests", "cpu"), "1 core"),
            "quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ),
        (
            set_in((*CONTAINER, "readinessProbe", "httpGet", "port"), True),
            "json: cannot unmarshal bool into Go value of type int32",
        ),
        (
            set_in(("metadata", "creationTimestamp"), 5),
            "json: cannot unmarshal number into Go value of type string",
        ),
    ],
    ids=[
        "unknown-top-level",
        "unknown-in-spec",
        "unknown-in-container",
        "unknown-in-port",
        "several-unknown-in-document-order",
        "string-for-list",
        "list-for-struct",
        "number-for-string",
        "string-for-int32",
        "float-for-int32",
        "number-label-value",
        "string-for-bool",
        "string-for-resource-list",
        "type-error-beats-unknown-field",
        "malformed-quantity",
        "bool-for-int-or-string",
        "number-for-time",
    ],
)
def test_pod_decode_errors(edit, message):
    with pytest.raises(BadRequest) as caught:
        schema.strict_decode("Pod", changed(POD, edit))
    assert str(caught.value) == PREFIX + message
    assert caught.value.code == 400


def test_deployment_message_names_the_kind_and_version():
    bad = changed(DEPLOYMENT, set_in(("spec", "replicas"), "3"))
    with pytest.raises(BadRequest) as caught:
        schema.strict_decode("Deployment", bad)
    assert str(caught.value) == (
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal '
        "string into Go struct field DeploymentSpec.spec.replicas of type int32"
    )


@pytest.mark.parametrize(
    "value, byte",
    [("admin", 4), ("a b=", 1), ("YQ=", 3), ("YQ==YQ==", 4), ("Y===", 1)],
    ids=["five-chars", "space", "short-padding", "trailing-data", "padding-too-early"],
)
def test_secret_data_must_be_base64(value, byte):
    bad = changed(SECRET, set_in(("data", "user"), value))
    assert schema.decode_error("Secret", bad) == f"illegal base64 data at input byte {byte}"


@pytest.mark.parametrize(
    "kind, path, expected",
    [
        ("Pod", ("spec", "containers"), ("merge", "name")),
        (
            "Deployment",
            ("spec", "template", "spec", "containers", "ports"),
            ("merge", "containerPort"),
        ),
        ("Service", ("spec", "ports"), ("merge", "port")),
        ("Pod", ("spec", "containers", "env"), ("merge", "name")),
        ("Pod", ("spec", "volumes"), ("merge,retainKeys", "name")),
        ("Pod", ("spec", "containers", "volumeMounts"), ("merge", "mountPath")),
        ("Pod", ("spec", "imagePullSecrets"), ("merge", "name")),
        ("Pod", ("spec", "tolerations"), ("", "")),
        ("Pod", ("status", "conditions"), ("merge", "type")),
        ("Pod", ("metadata", "finalizers"), ("merge", "")),
        ("Pod", ("metadata", "ownerReferences"), ("merge", "uid")),
        ("Deployment", ("spec", "strategy"), ("retainKeys", "")),
        ("Pod", ("spec", "nope"), ("", "")),
    ],
    ids=lambda v: "/".join(v) if isinstance(v, tuple) else v,
)
def test_merge_info_comes_from_the_openapi(kind, path, expected):
    assert schema.merge_info(kind, path) == expected


@pytest.mark.parametrize(
    "kind, path, expected",
    [
        ("Pod", "spec.containers", "[]v1.Container"),
        ("Pod", "spec.containers.resources.limits", "v1.ResourceList"),
        ("Pod", "metadata.labels", "map[string]string"),
        ("Deployment", "spec.replicas", "int32"),
        ("Service", "spec.ports.targetPort", "intstr.IntOrString"),
        ("Pod", "spec.nope", None),
    ],
    ids=["list", "resource-list", "map", "int32", "int-or-string", "unknown"],
)
def test_field_type(kind, path, expected):
    assert schema.field_type(kind, path) == expected


@pytest.mark.parametrize(
    "kind, expected",
    [("Pod", "v1"), ("Deployment", "apps/v1"), ("HorizontalPodAutoscaler", "autoscaling/v2")],
    ids=["core", "apps", "autoscaling"],
)
def test_group_version(kind, expected):
    assert schema.group_version(kind) == expected


def test_every_registry_kind_has_a_schema():
    from k8sedu.apiserver.registry import RESOURCES

    for resource in RESOURCES:
        assert schema.group_version(resource.kind) == resource.api_version
        assert schema.root(resource.kind).fields["metadata"].name == "ObjectMeta"
