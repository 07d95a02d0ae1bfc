"""The root document ``GET /`` (routes/index.go: ``metav1.RootPaths``, JSON indented by two
spaces): expected paths are those a real kube-apiserver lists at ``/`` (captured with curl on a
kubeadm cluster), less the groups k8sedu does not serve."""

import json

import pytest

import k8sedu as k
from k8sedu.apiserver import http_discovery, http_rest
from k8sedu.apiserver.http_rest import Request

# every path a real kube-apiserver lists besides /apis/<group>[/<version>] and the health checks
REAL_OTHER_PATHS = [
    "/.well-known/openid-configuration", "/api", "/api/v1", "/apis", "/apis/", "/healthz",
    "/livez", "/logs", "/metrics", "/metrics/slis", "/openapi/v2", "/openapi/v3", "/openapi/v3/",
    "/openid/v1/jwks", "/readyz", "/version",
]  # fmt: skip
REAL_HEALTH_PATHS = [
    "/healthz/autoregister-completion", "/healthz/etcd", "/healthz/log", "/healthz/ping",
    "/healthz/poststarthook/rbac/bootstrap-roles", "/livez/etcd", "/livez/ping",
    "/readyz/etcd-readiness", "/readyz/informer-sync", "/readyz/shutdown",
]  # fmt: skip


@pytest.fixture(scope="module")
def cluster():
    return k.Cluster(nodes=1)


def test_root_lists_the_real_paths_sorted():
    paths = http_discovery.root_paths()["paths"]
    assert paths == sorted(set(paths))
    assert [p for p in paths if p in REAL_OTHER_PATHS] == REAL_OTHER_PATHS  # all, in this order
    assert set(REAL_HEALTH_PATHS) <= set(paths)


@pytest.mark.parametrize(
    "path", ["/apis/apps", "/apis/apps/v1", "/apis/policy/v1", "/apis/autoscaling/v2"]
)
def test_root_lists_each_served_group_and_version(path):
    assert path in http_discovery.root_paths()["paths"]


@pytest.mark.parametrize("path", ["/", "/index.html"], ids=["root", "index.html"])
def test_http_answers_the_root_document_indented(cluster, path):
    answer = http_rest.handle(cluster, Request("GET", path, {}, {"accept": "application/json"}))
    assert (answer.status, answer.content_type) == (200, "application/json")
    text = answer.body.decode()
    assert text.startswith(
        '{\n  "paths": [\n    "/.well-known/openid-configuration",\n    "/api",\n'
    )
    assert text.endswith('    "/readyz/shutdown",\n    "/version"\n  ]\n}')
    assert json.loads(text) == http_discovery.root_paths()
