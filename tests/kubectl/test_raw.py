"""``kubectl get --raw`` and ``kubectl version`` (get.go, version.go), on one and on three
control-plane machines."""

import json

import pytest

import k8sedu as k
from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import raw


@pytest.fixture(scope="module")
def one():
    cluster = k.Cluster(nodes=1)
    cluster.run(5)
    return cluster


@pytest.fixture(scope="module")
def ha():
    cluster = k.Cluster(nodes=0, control_planes=3)
    cluster.run(5)
    return cluster


@pytest.mark.parametrize(
    "path, want",
    [("/readyz", "ok"), ("/livez", "ok"), ("/healthz", "ok"), ("/readyz/etcd", "ok")],
    ids=["readyz", "livez", "healthz", "readyz-etcd"],
)
def test_health_bodies_print_as_they_came(one, path, want):
    assert one.kubectl(f"get --raw {path}") == want  # RawGet copies the body: no newline added


def test_readyz_verbose_ends_with_the_verdict(one):
    out = one.kubectl("get --raw /readyz?verbose")
    assert out.startswith("[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n")
    assert out.endswith("[+]shutdown ok\nreadyz check passed\n")


def test_api_paths_answer_json(one):
    pods = json.loads(one.kubectl("get --raw /api/v1/namespaces/default/pods"))
    assert (pods["kind"], pods["items"]) == ("PodList", [])
    assert json.loads(one.kubectl("get --raw /version"))["gitVersion"] == "v1.34.0"
    node = json.loads(one.kubectl("get --raw /api/v1/nodes/node-1"))
    assert node["metadata"]["name"] == "node-1"


@pytest.mark.parametrize(
    "command, stderr",
    [
        ("get pods --raw /", "error: arguments may not be passed when --raw is specified"),
        ("get --raw / -o json", "error: --raw and --output are mutually exclusive"),
        (
            "get --raw / -l app=web",
            "error: --raw may not be specified with other flags that filter the server request "
            "or alter the output",
        ),
        (
            "get --raw not-a-path",
            'error: --raw must be a valid URL path: parse "not-a-path": invalid URI for request',
        ),
        (
            "get --raw /api/v1/namespaces/default/pods/nope",
            'Error from server (NotFound): pods "nope" not found',
        ),
    ],
    ids=["arguments", "output", "selector", "not-a-path", "not-found"],
)
def test_refusals_and_errors(one, command, stderr):
    with pytest.raises(KubectlError) as caught:
        one.kubectl(command)
    assert caught.value.stderr == stderr


def test_text_error_bodies_are_quoted_as_client_go_does():
    # rest/request.go newUnstructuredResponseError + errors.NewGenericServerResponse
    error = raw.response_error(500, "text/plain; charset=utf-8", b'a "b"\nc\n')
    assert (
        str(error)
        == r'an error on the server ("a \"b\"\nc") has prevented the request from succeeding'
    )
    assert error.reason == "InternalError"


def test_a_stopped_api_server_refuses_the_connection():
    cluster = k.Cluster.bare()
    cluster.stop("kube-apiserver")
    with pytest.raises(
        KubectlError, match="The connection to the server 172.18.0.2:6443 was refused"
    ):
        cluster.kubectl("get --raw /livez")
    with pytest.raises(KubectlError, match="was refused"):
        cluster.kubectl("version")
    assert (
        cluster.kubectl("version --client")
        == "Client Version: v1.34.0\nKustomize Version: v5.7.1\n"
    )


def test_ha_without_quorum_readyz_fails_with_the_check_list(ha):
    snapshot = ha.snapshot()
    cluster = k.Cluster.restore(snapshot)
    cluster.partition(["control-plane"], ["control-plane2"], ["control-plane3"])
    cluster.run(5)
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl("get --raw /readyz")
    stderr = caught.value.stderr
    assert stderr.startswith(
        'Error from server (InternalError): an error on the server ("[+]ping ok\\n[+]log ok\\n'
        "[-]etcd failed: reason withheld\\n[-]etcd-readiness failed: reason withheld\\n"
    )
    assert stderr.endswith(
        '[+]shutdown ok\\nreadyz check failed") has prevented the request from succeeding'
    )
    # /version needs no etcd: the API server the request reaches still answers
    assert cluster.kubectl("version").endswith("Server Version: v1.34.0\n")


def test_ha_version_answers_while_one_api_server_runs(ha):
    cluster = k.Cluster.restore(ha.snapshot())
    cluster.stop("kube-apiserver-control-plane")
    cluster.stop("kube-apiserver-control-plane2")
    assert cluster.kubectl("version").endswith("Server Version: v1.34.0\n")
    assert cluster.kubectl("get --raw /readyz") == "ok"
    cluster.stop("kube-apiserver-control-plane3")
    with pytest.raises(KubectlError, match="kind-external-load-balancer:6443 was refused"):
        cluster.kubectl("version")


def test_root_is_the_servers_root_document(one):
    out = one.kubectl("get --raw /")  # RawGet copies the indented RootPaths, no newline added
    assert out.startswith(
        '{\n  "paths": [\n    "/.well-known/openid-configuration",\n    "/api",\n'
    )
    assert out.endswith('    "/readyz/shutdown",\n    "/version"\n  ]\n}')
