"""The API server's /livez, /readyz, /healthz (healthz.go), over HTTP paths and on a cluster."""

import pytest

import k8sedu as k
from k8sedu.apiserver import health, http_discovery
from k8sedu.errors import ConnectionRefused

TEXT = "text/plain; charset=utf-8"


@pytest.fixture(scope="module")
def one():
    return k.Cluster.bare()


def body(found) -> str:
    return found[2].decode()


@pytest.mark.parametrize(
    "path, query, want",
    [
        ("/readyz", {}, "ok"),
        ("/livez", {}, "ok"),
        ("/healthz", {"exclude": ["etcd"]}, "ok"),
        ("/readyz/etcd", {}, "ok"),
        ("/readyz/informer-sync", {}, "ok"),
    ],
    ids=["readyz", "livez", "healthz-excluding", "one-check", "informer-sync"],
)
def test_a_healthy_server_answers_ok(one, path, query, want):
    assert health.answer(one, path, query) == (200, TEXT, want.encode())


def test_verbose_lists_every_check_in_order_then_passed(one):
    lines = body(health.answer(one, "/readyz", {"verbose": [""]})).splitlines()
    # kubectl get --raw='/readyz?verbose' on a kind cluster: ping, log, etcd, etcd-readiness …
    assert lines[:5] == [
        "[+]ping ok", "[+]log ok", "[+]etcd ok", "[+]etcd-readiness ok", "[+]informer-sync ok"
    ]  # fmt: skip
    assert "[+]poststarthook/rbac/bootstrap-roles ok" in lines
    assert lines[-2:] == ["[+]shutdown ok", "readyz check passed"]


@pytest.mark.parametrize(
    "endpoint, present, absent",
    [
        ("livez", "[+]etcd ok", "[+]informer-sync ok"),
        ("healthz", "[+]autoregister-completion ok", "[+]shutdown ok"),
        ("readyz", "[+]etcd-readiness ok", None),
    ],
    ids=["livez", "healthz", "readyz"],
)
def test_each_endpoint_has_its_own_checks(one, endpoint, present, absent):
    lines = body(health.answer(one, f"/{endpoint}", {"verbose": ""})).splitlines()
    assert present in lines and absent not in lines
    assert lines[-1] == f"{endpoint} check passed"


def test_exclude_marks_the_check_and_warns_about_unknown_names(one):
    lines = body(health.answer(one, "/livez", {"verbose": "", "exclude": ["etcd", "nope"]}))
    assert "[+]etcd excluded: ok\n" in lines
    assert 'warn: some health checks cannot be excluded: no matches for "nope"\n' in lines


@pytest.mark.parametrize("path", ["/readyz/nope", "/version", "/api"], ids=str)
def test_other_paths_are_not_health_paths(one, path):
    assert health.answer(one, path, {}) is None


def test_without_etcd_the_etcd_checks_fail_and_the_answer_is_500():
    cluster = k.Cluster.bare()
    cluster.stop("etcd")
    status, content_type, text = health.answer(cluster, "/readyz", {})
    lines = text.decode().splitlines()
    assert (status, content_type) == (500, TEXT)
    # healthz.go: failures withhold their reason; the list is always shown; http.Error adds \n
    assert lines[2:4] == [
        "[-]etcd failed: reason withheld",
        "[-]etcd-readiness failed: reason withheld",
    ]
    assert text.endswith(b"[+]shutdown ok\nreadyz check failed\n")
    assert health.answer(cluster, "/readyz/etcd", {}) == (
        500,
        TEXT,
        b"internal server error: error getting data from etcd: "
        b"dial tcp 127.0.0.1:2379: connect: connection refused\n",
    )
    assert health.answer(cluster, "/livez", {"exclude": "etcd"})[0] == 200


def test_a_stopped_api_server_answers_nothing():
    cluster = k.Cluster.bare()
    cluster.stop("kube-apiserver")
    with pytest.raises(ConnectionRefused):
        health.answer(cluster, "/livez", {})


def test_the_http_discovery_path_uses_the_same_checks():
    cluster = k.Cluster.bare()
    cluster.stop("etcd")
    served = http_discovery.answer("/readyz", "", "127.0.0.1", cluster, {"verbose": ""})
    assert served == health.answer(cluster, "/readyz", {"verbose": ""})


def test_in_ha_the_checks_are_those_of_the_server_the_load_balancer_picks():
    cluster = k.Cluster(nodes=0, control_planes=3)
    cluster.run(5)
    assert health.answer(cluster, "/readyz", {}) == (200, TEXT, b"ok")
    cluster.partition(["control-plane"], ["control-plane2"], ["control-plane3"])
    cluster.run(5)  # no member hears a quorum: every API server is running but not ready
    status, _, text = health.answer(cluster, "/readyz", {})
    assert status == 500 and b"[-]etcd failed: reason withheld\n" in text
    assert health.answer(cluster, "/readyz/etcd", {})[2] == (
        b"internal server error: error getting data from etcd: etcdserver: request timed out\n"
    )
    assert health.answer(cluster, "/livez", {"exclude": ["etcd"]})[0] == 200
