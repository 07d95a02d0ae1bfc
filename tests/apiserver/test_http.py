"""The HTTP front door over real sockets: body limits, the token, keep-alive, chunked watch
streams that end on timeout or when the client hangs up, and the cap on concurrent streams."""

import http.client
import json
import socket
import time
from urllib.parse import urlsplit

import pytest

import k8sedu as k
from k8sedu.apiserver.http import MAX_BODY

PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture
def server():
    cluster = k.Cluster.bare()
    with cluster.serve(mode="paused", max_watches=2) as served:
        yield served


def connect(server) -> http.client.HTTPConnection:
    url = urlsplit(server.url)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=10)


def request(server, method, path, body=None, headers=None, conn=None):
    conn = conn or connect(server)
    conn.request(method, path, body, headers or {})
    response = conn.getresponse()
    return response.status, response.getheader("Content-Type"), response.read()


def wait_for(condition, timeout=5.0):
    """Poll a condition that another thread makes true; bounded, never a wall-time assertion."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_keep_alive_connection_serves_several_requests(server):
    conn = connect(server)
    for path in ("/version", "/api", "/apis", PODS):
        status, _, _ = request(server, "GET", path, conn=conn)
        assert status == 200


def test_protobuf_listed_first_still_gets_json(server):
    # kubectl 1.32 describe (REAL-CLIENTS §3.6): never 406
    accept = {"Accept": "application/vnd.kubernetes.protobuf,application/json"}
    status, content_type, body = request(server, "GET", PODS, headers=accept)
    assert (status, content_type, json.loads(body)["kind"]) == (200, "application/json", "PodList")


def test_bodies_over_3_mib_are_413(server):
    # the limit is checked on Content-Length, before any of the body is read
    url = urlsplit(server.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    sock.sendall(
        f"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/json\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n{{".encode()
    )
    response = http.client.HTTPResponse(sock)
    response.begin()
    status_body = json.loads(response.read())
    sock.close()
    assert (response.status, status_body["reason"]) == (413, "RequestEntityTooLarge")
    assert status_body["message"] == "Request entity too large: limit is 3145728"


def test_token_required_when_configured():
    cluster = k.Cluster.bare()
    with cluster.serve(mode="paused", token="s3cret") as served:
        status, _, body = request(served, "GET", PODS)
        assert (status, json.loads(body)["reason"]) == (401, "Unauthorized")
        ok, _, _ = request(served, "GET", PODS, headers={"Authorization": "Bearer s3cret"})
        assert ok == 200


def test_watch_is_chunked_and_ends_at_timeout(server):
    conn = connect(server)
    conn.request("GET", f"{PODS}?watch=true&timeoutSeconds=1")
    response = conn.getresponse()
    assert response.getheader("Transfer-Encoding") == "chunked"
    server.cluster.api.create("pods", {"metadata": {"name": "w"}, "spec": {"containers": [
        {"name": "c", "image": "nginx"}]}})  # fmt: skip
    server.cluster.run(0)
    event = json.loads(response.readline())
    assert (event["type"], event["object"]["metadata"]["name"]) == ("ADDED", "w")
    assert response.read() == b""  # the server closed the stream after timeoutSeconds


def test_a_client_that_hangs_up_loses_its_watch(server):
    watchers = server.cluster.apiserver.watchers.by_resource
    url = urlsplit(server.url)
    sock = socket.create_connection((url.hostname, url.port))
    sock.sendall(f"GET {PODS}?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    wait_for(lambda: len(watchers.get("pods", [])) == 1)
    sock.close()
    wait_for(lambda: not watchers.get("pods"))


def test_streams_beyond_the_limit_get_429(server):
    conns = [connect(server) for _ in range(2)]
    for conn in conns:
        conn.request("GET", f"{PODS}?watch=true")
        assert conn.getresponse().status == 200
    status, _, body = request(server, "GET", f"{PODS}?watch=true")
    assert (status, json.loads(body)["reason"]) == (429, "TooManyRequests")


def test_stop_ends_open_streams():
    cluster = k.Cluster.bare()
    served = cluster.serve(mode="paused")
    conn = connect(served)
    conn.request("GET", f"{PODS}?watch=true")
    response = conn.getresponse()
    served.stop()
    try:
        ended = response.read()
    except http.client.IncompleteRead as cut:  # the socket closed before the last chunk: ended too
        ended = cut.partial
    assert ended == b""
    assert not cluster.apiserver.watchers.by_resource.get("pods")  # stop() joined the stream


def test_a_stopped_kube_apiserver_ends_watches_and_answers_503(server):
    conn = connect(server)
    conn.request("GET", f"{PODS}?watch=true")
    response = conn.getresponse()
    server.cluster.stop("kube-apiserver")
    assert response.read() == b""
    status, _, body = request(server, "GET", PODS)
    got = json.loads(body)
    assert (status, got["reason"]) == (503, "ServiceUnavailable")
    assert got["message"].startswith("The connection to the server 172.18.0.2:6443 was refused")
