"""A small client for etcd v3's JSON gateway (``/v3/...``), on the standard library's http.client.

Models how etcd 3.4 serves its gRPC API as JSON (grpc-gateway, ``api/etcdserverpb/rpc.proto``):
every call is a ``POST /v3/<service>/<method>`` of a JSON request; keys and values travel as
base64, 64-bit integers as JSON strings (``"revision": "6"``), and proto3 zero values are left
out of answers (no ``kvs`` when nothing matched, no ``succeeded`` when a txn failed, no
``"type"`` on a PUT event, a DELETE event's kv holds only ``key`` and ``mod_revision``). Errors come
back as ``{"error": ..., "code": <gRPC code>}``. Streaming methods (watch, lease keepalive) answer
one JSON object per line, each wrapped in ``{"result": ...}``.

Simplified: no TLS or authentication, one keep-alive connection for unary calls; a stream gets a
connection of its own and is abandoned (closed) when the caller has read enough.

    >>> b64("/registry/pods/"), prefix_end("/registry/pods/")
    ('L3JlZ2lzdHJ5L3BvZHMv', 'L3JlZ2lzdHJ5L3BvZHMw')
    >>> key_value({"key": "YQ==", "mod_revision": "5"})     # a DELETE event's kv: zeros omitted
    KeyValue(key='a', value='', create_revision=0, mod_revision=5, version=0, lease=0)
"""

from __future__ import annotations

import base64
import http.client
import json
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

from k8sedu.etcd.store import KeyValue

ALL_KEYS = "AA=="  # b64("\0"): as key and range_end, "every key" (rpc.proto RangeRequest)
# Connection failures (refused, reset, broken pipe, RemoteDisconnected) are retried on a fresh
# connection: the server is (re)starting, closed an idle keep-alive connection, or was killed
# under it. A timeout is not retried: the request may have been applied.


class GatewayError(Exception):
    """An error answer from etcd: ``message`` as etcd words it, ``code`` the gRPC status code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Unavailable(ConnectionError):
    """No answer from the etcd server within the retry window."""


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def unb64(data: str) -> str:
    return base64.b64decode(data).decode()


def prefix_end(prefix: str) -> str:
    """The base64 ``range_end`` that makes ``prefix`` a prefix range (clientv3 GetPrefixRangeEnd).

    The last byte raised by one (UTF-8 never has a 0xff byte to carry over); the empty prefix
    ranges to the end of the keyspace.
    """
    end = bytearray(prefix.encode())
    if not end:
        return ALL_KEYS
    end[-1] += 1
    return base64.b64encode(bytes(end)).decode()


def prefix_range(prefix: str) -> dict:
    """The ``key`` and ``range_end`` of every key starting with ``prefix`` ("" = every key)."""
    return {"key": b64(prefix) if prefix else ALL_KEYS, "range_end": prefix_end(prefix)}


def key_value(kv: dict) -> KeyValue:
    """A ``KeyValue`` from the gateway's JSON, every omitted field read as its zero value."""
    return KeyValue(
        key=unb64(kv["key"]),
        value=unb64(kv.get("value", "")),
        create_revision=int(kv.get("create_revision", 0)),
        mod_revision=int(kv.get("mod_revision", 0)),
        version=int(kv.get("version", 0)),
        lease=int(kv.get("lease", 0)),
    )


def revision(answer: dict) -> int:
    """The store revision in an answer's header (``header.revision``)."""
    return int(answer.get("header", {}).get("revision", 0))


class Gateway:
    """Calls to one etcd member's JSON gateway at ``url`` (``http://host:port``)."""

    def __init__(self, url: str, *, timeout: float = 10.0, retry_seconds: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"an etcd URL is http://host:port, got {url!r}")
        self.url = url
        self.host = parts.hostname
        self.port = parts.port or 2379
        self.timeout = timeout
        self.retry_seconds = retry_seconds
        self.calls = 0  # unary calls and streams opened: what a benchmark or lesson can count
        self._conn: http.client.HTTPConnection | None = None

    def __repr__(self) -> str:
        return f"<Gateway {self.url}>"

    def call(self, path: str, body: dict) -> dict:
        """POST ``body`` to ``/v3/<path>`` and return the decoded answer; errors raise."""
        self.calls += 1
        data = json.dumps(body).encode()
        deadline = time.monotonic() + self.retry_seconds
        while True:
            if self._conn is None:
                self._conn = self._connect()
            try:
                self._conn.request(
                    "POST", f"/v3/{path}", data, {"Content-Type": "application/json"}
                )
                response = self._conn.getresponse()
                answer = json.loads(response.read() or b"{}")
                break
            except ConnectionError as e:
                self.close()
                _wait_or_raise(self, deadline, e)
            except TimeoutError as e:
                self.close()
                raise Unavailable(f"etcd at {self.url} did not answer: {e}") from e
        return _checked(answer)

    def stream(self, path: str, body: dict) -> Iterator[dict]:
        """POST to a streaming method on a connection of its own; yield each ``result``.

        Closing the generator (or dropping it) closes the connection, which ends the stream.
        """
        self.calls += 1
        deadline = time.monotonic() + self.retry_seconds
        while True:
            conn = self._connect()
            try:
                conn.request("POST", f"/v3/{path}", json.dumps(body).encode())
                response = conn.getresponse()
                break
            except ConnectionError as e:
                conn.close()
                _wait_or_raise(self, deadline, e)
        try:
            for line in iter(response.readline, b""):
                if line.strip():
                    yield _checked(json.loads(line)).get("result", {})
        finally:
            conn.close()

    def healthy(self) -> bool:
        """Whether the member answers ``GET /health`` with ``{"health":"true"}`` right now."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request("GET", "/health")
            return json.loads(conn.getresponse().read()).get("health") == "true"
        except (OSError, ValueError):
            return False
        finally:
            conn.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)


def _checked(answer: dict) -> dict:
    error = answer.get("error")
    if isinstance(error, dict):  # mid-stream (grpc-gateway runtime/handler.go streamChunk)
        raise GatewayError(error.get("message", ""), int(error.get("grpc_code", 2)))
    if error is not None:
        raise GatewayError(error, int(answer.get("code", 2)))
    return answer


def _wait_or_raise(gateway: Gateway, deadline: float, cause: Exception) -> None:
    if time.monotonic() >= deadline:
        raise Unavailable(f"etcd at {gateway.url} is unavailable: {cause}") from cause
    time.sleep(0.05)
