"""The JSON-gateway client and RealEtcd's mapping of etcd's answers, without a server.

Encodings and error texts are etcd 3.4's (REAL-CLIENTS.md §8.2; api/v3rpc/rpctypes/error.go).
"""

import base64
import doctest
import pickle
import socket

import pytest

import k8sedu.etcd.gateway
from k8sedu.etcd import Compacted, FutureRevision, KeyValue, LeaseNotFound, RealEtcd
from k8sedu.etcd.gateway import Gateway, GatewayError, Unavailable, key_value, prefix_end


def test_module_examples_are_true():
    result = doctest.testmod(k8sedu.etcd.gateway)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    "prefix, end",
    [
        pytest.param("/registry/pods/", b"/registry/pods0", id="last-byte-plus-one"),
        pytest.param("/é", b"/\xc3\xaa", id="bytes-not-characters"),  # é is C3 A9 in UTF-8
        pytest.param("", b"\0", id="empty-prefix-is-every-key"),
    ],
)
def test_prefix_end_is_clientv3s(prefix, end):
    assert base64.b64decode(prefix_end(prefix)) == end


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param(
            {
                "key": "YQ==",
                "create_revision": "2",
                "mod_revision": "3",
                "version": "2",
                "value": "MQ==",
            },
            KeyValue("a", "1", 2, 3, 2),
            id="put",
        ),
        pytest.param(
            {"key": "YQ==", "mod_revision": "5"}, KeyValue("a", "", 0, 5, 0), id="delete-event-kv"
        ),
        pytest.param(
            {
                "key": "YQ==",
                "create_revision": "2",
                "mod_revision": "2",
                "version": "1",
                "lease": "7",
            },
            KeyValue("a", "", 2, 2, 1, 7),
            id="empty-value-omitted",
        ),
    ],
)
def test_key_value_reads_omitted_fields_as_zero(raw, expected):
    assert key_value(raw) == expected


class FailingGateway:
    """Answers every call with one etcd error, as the gateway's JSON ``{"error", "code"}``."""

    def __init__(self, message: str, code: int) -> None:
        self.error = GatewayError(message, code)

    def call(self, path: str, body: dict) -> dict:
        raise self.error


@pytest.mark.parametrize(
    "message, code, raised, text",
    [
        pytest.param(
            "etcdserver: mvcc: required revision has been compacted",
            11,
            Compacted,
            "mvcc: required revision has been compacted",
            id="compacted",
        ),
        pytest.param(
            "etcdserver: mvcc: required revision is a future revision",
            11,
            FutureRevision,
            "mvcc: required revision is a future revision",
            id="future",
        ),
        pytest.param(
            "etcdserver: requested lease not found",
            5,
            LeaseNotFound,
            "etcdserver: requested lease not found",
            id="lease",
        ),
        pytest.param(
            "etcdserver: too large lease TTL",
            3,
            ValueError,
            "etcdserver: too large lease TTL",
            id="invalid-argument",
        ),
        pytest.param(
            "etcdserver: request timed out",
            14,
            GatewayError,
            "etcdserver: request timed out",
            id="other",
        ),
    ],
)
def test_etcd_errors_become_the_embedded_stores(message, code, raised, text):
    store = RealEtcd("http://127.0.0.1:1")  # never connected: the gateway is replaced
    store.gateway = FailingGateway(message, code)
    with pytest.raises(raised) as err:
        store.put("a", "1")
    assert str(err.value) == text


def test_checks_run_before_any_request():
    store = RealEtcd("http://127.0.0.1:1")
    store.gateway = FailingGateway("must not be called", 2)
    with pytest.raises(TypeError, match="etcd keys and values are str"):
        store.put("a", 1)
    with pytest.raises(ValueError, match="etcdserver: duplicate key given in txn request"):
        store.txn([], [("put", "a", "1"), ("delete", "a")], [])


def test_a_server_that_is_not_there_is_unavailable_after_the_retry_window():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gateway = Gateway(f"http://127.0.0.1:{port}", retry_seconds=0.1)
    with pytest.raises(Unavailable, match=f"etcd at http://127.0.0.1:{port} is unavailable"):
        gateway.call("kv/range", {"key": "YQ=="})
    assert not gateway.healthy()


@pytest.mark.parametrize("url", ["127.0.0.1:2379", "https://127.0.0.1:2379", "http://"])
def test_only_plain_http_urls(url):
    with pytest.raises(ValueError, match="an etcd URL is http://host:port"):
        Gateway(url)


def test_a_real_store_refuses_to_pickle():
    with pytest.raises(TypeError, match="its data lives in the etcd server"):
        pickle.dumps(RealEtcd("http://127.0.0.1:1"))
