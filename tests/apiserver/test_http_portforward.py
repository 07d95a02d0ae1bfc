"""HTTP/1.1 on a forwarded port: reading the requests a local client sends through kubectl."""

import pytest

from k8sedu.apiserver.http_portforward import BAD_REQUEST, http_response, parse_request


@pytest.mark.parametrize(
    "wire, expected",
    [
        (b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", ("GET", True)),
        (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", ("GET", False)),
        (b"GET / HTTP/1.0\r\n\r\n", ("GET", False)),  # HTTP/1.0 closes by default
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", ("GET", True)),
        (b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", ("POST", True)),
        (b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nh", None),  # body still coming
        (b"GET / HTTP/1.1\r\nHost: x", None),  # head still coming
        (b"SSH-2.0-OpenSSH\r\n\r\n", ("", False)),  # not HTTP
    ],
    ids=["keep-alive", "close", "http10", "http10-keep-alive", "body", "partial-body",
         "partial-head", "not-http"],
)  # fmt: skip
def test_parse_request(wire, expected):
    """A complete request is used up entirely; bytes that are not HTTP are all thrown away."""
    parsed = parse_request(wire + b"GET /next")  # the start of a pipelined request stays
    if expected is None:
        assert parse_request(wire) is None
    else:
        assert parsed == (expected[0], len(wire) if expected[0] else len(wire) + 9, expected[1])


def test_answers():
    assert http_response(200, "web-1\n", 6) == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\n\r\n"
        b"web-1\n"
    )
    # HEAD: the length of the body that a GET would get, and no body
    assert http_response(500, "", 10).endswith(b"Content-Length: 10\r\n\r\n")
    assert BAD_REQUEST.startswith(b"HTTP/1.1 400 Bad Request\r\n")
