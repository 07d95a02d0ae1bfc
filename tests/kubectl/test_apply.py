"""``apply``: create / configure / unchanged, the last-applied annotation, failed documents,
and kubectl's manifest errors.

Expected behaviour from ``pkg/cmd/apply/apply.go`` and ``patcher.go`` (three-way merge from the
last-applied annotation), ``apply/util GetModifiedConfiguration`` (the annotation's JSON), and
the resource builder's messages (``StreamVisitor``, ``mapper.infoForData``).
"""

from __future__ import annotations

import json

import pytest

from k8sedu.cluster import Cluster
from k8sedu.errors import Invalid, KubectlError
from k8sedu.kubectl.apply import LAST_APPLIED

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
"""
WITHOUT_REPLICAS = DEPLOYMENT.replace("  replicas: 3\n", "")


@pytest.fixture
def cluster():
    return Cluster(nodes=2)


def replicas(cluster) -> int:
    return cluster.api.get("deployments", "web")["spec"]["replicas"]


def test_create_then_unchanged(cluster):
    assert cluster.apply(DEPLOYMENT) == ["deployment.apps/web created"]
    assert cluster.apply(DEPLOYMENT) == ["deployment.apps/web unchanged"]


def test_last_applied_annotation_is_kubectls_json(cluster):
    cluster.apply(DEPLOYMENT)
    annotation = cluster.api.get("deployments", "web")["metadata"]["annotations"][LAST_APPLIED]
    assert annotation == (
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web",'
        '"namespace":"default"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},'
        '"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25",'
        '"name":"web"}]}}}}\n'
    )


def test_changed_manifest_is_configured(cluster):
    cluster.apply(DEPLOYMENT)
    assert cluster.apply(DEPLOYMENT.replace("nginx:1.25", "nginx:1.26")) == [
        "deployment.apps/web configured"
    ]
    image = cluster.api.get("deployments", "web")["spec"]["template"]["spec"]["containers"][0][
        "image"
    ]
    assert image == "nginx:1.26"


def test_reapply_resets_replicas_the_manifest_sets(cluster):
    cluster.apply(DEPLOYMENT)
    cluster.kubectl("scale deployment web --replicas=5")
    assert cluster.apply(DEPLOYMENT) == ["deployment.apps/web configured"]
    assert replicas(cluster) == 3


def test_reapply_keeps_scaled_replicas_when_the_manifest_omits_them(cluster):
    cluster.apply(WITHOUT_REPLICAS)
    cluster.kubectl("scale deployment web --replicas=5")
    assert cluster.apply(WITHOUT_REPLICAS) == ["deployment.apps/web unchanged"]
    assert replicas(cluster) == 5


def test_dict_and_list_manifests(cluster):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 80}]},
    }
    assert cluster.apply([pod, service]) == ["pod/p created", "service/s created"]
    assert cluster.apply(pod) == ["pod/p unchanged"]


BROKEN_MIDDLE = """\
apiVersion: v1
kind: Pod
metadata:
  name: a
spec:
  containers: [{name: a, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: b
spec:
  containers: [{name: b}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data: {k: v}
"""


def test_failed_document_leaves_the_others_applied(cluster):
    with pytest.raises(Invalid) as caught:
        cluster.apply(BROKEN_MIDDLE)
    assert str(caught.value) == 'Pod "b" is invalid: spec.containers[0].image: Required value'
    results = caught.value.results
    assert results[0] == "pod/a created" and results[2] == "configmap/c created"
    assert results[1] is caught.value
    assert [p["metadata"]["name"] for p in cluster.api.list("pods")] == ["a"]
    assert cluster.api.get("configmaps", "c")["data"] == {"k": "v"}


def test_kubectl_apply_prints_lines_then_the_error(cluster, tmp_path):
    path = tmp_path / "all.yaml"
    path.write_text(BROKEN_MIDDLE)
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl(f"apply -f {path}")
    assert caught.value.stdout == "pod/a created\nconfigmap/c created\n"
    assert str(caught.value) == 'The Pod "b" is invalid: spec.containers[0].image: Required value'


def test_not_simulated_kind_is_stored_with_a_warning(cluster):
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "stringData": {"a": "b"},
    }
    assert cluster.apply(secret) == [
        "Warning: Secret is stored, not simulated by k8sedu",
        "secret/s created",
    ]
    out = cluster.kubectl("get secret s -o name")
    assert out == "secret/s\n"


@pytest.mark.parametrize(
    "manifest, message",
    [
        (
            "apiVersion: v1\nkind: Pod\nmetadata: name: x\n",
            "error: error parsing STDIN: error converting YAML to JSON: yaml: line 3: "
            "mapping values are not allowed in this context",
        ),
        (
            "apiVersion: v1\nmetadata:\n  name: x\n",
            'error: unable to decode "STDIN": Object \'Kind\' is missing in \'{"apiVersion":"v1","metadata":{"name":"x"}}\'',
        ),
        (
            "apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: x\n",
            'error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind '
            '"Foo" in version "example.com/v1"\nensure CRDs are installed first',
        ),
    ],
    ids=["malformed-yaml", "no-kind", "unknown-kind"],
)
def test_manifest_errors(cluster, manifest, message):
    with pytest.raises(KubectlError) as caught:
        cluster.apply(manifest)
    assert str(caught.value) == message


def test_file_name_is_the_source(cluster, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("apiVersion: v1\nkind: Pod\nmetadata: name: x\n")
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl(f"apply -f {path}")
    assert str(caught.value) == (
        f"error: error parsing {path}: error converting YAML to JSON: yaml: line 3: "
        "mapping values are not allowed in this context"
    )


def test_apply_moves_no_clock(cluster):
    cluster.apply(DEPLOYMENT)
    assert cluster.now == 0
    assert json.loads(cluster.kubectl("get deploy web -o json"))["spec"]["replicas"] == 3
