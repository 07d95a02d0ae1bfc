"""The Kubernetes REST API over HTTP, so that real ``kubectl`` and client libraries reach the simulation.

Models kube-apiserver's HTTP front door: one thread per connection (HTTP/1.1 keep-alive), JSON
only (a client that lists protobuf first still gets JSON), request bodies over 3 MiB refused with
413 (``--max-request-bytes``' default, ``handlers/rest.go``: ``limitedReadBody``), a bearer
token when one is configured, watches and followed logs streamed with chunked encoding and held
open until they time out, the client hangs up, or the server stops; exec, attach and port-forward
upgrade the connection to SPDY or WebSocket (``http_upgrade``). Every request is answered by
``http_rest.handle`` while holding the server's lock, so the simulation stays single-threaded and
deterministic; the HTTP threads never touch it otherwise.
Simplified: plain HTTP (no TLS), no authorization, no request priority and fairness beyond a
limit on concurrent streams.
"""

from __future__ import annotations

import hmac
import http.server
import queue
import select
import socket
import threading
import time
import urllib.parse

from k8sedu.apiserver import http_rest, http_stream, http_upgrade
from k8sedu.errors import APIError, TooManyRequests, Unauthorized

MAX_BODY = 3 * 1024 * 1024  # bytes
SEND_TIMEOUT = 10.0  # seconds a client may take to accept data before it is dropped
IDLE_TIMEOUT = 60.0  # an idle keep-alive connection is closed after this
POLL = 0.25  # seconds between checks of a stream's client, deadline and data


class RequestEntityTooLarge(APIError):
    code, reason = 413, "RequestEntityTooLarge"


class APIHandler(http.server.BaseHTTPRequestHandler):
    """One connection: parse each request, answer it under the lock, stream if it is a watch."""

    protocol_version = "HTTP/1.1"
    server_version = "k8sedu"
    sys_version = ""
    timeout = IDLE_TIMEOUT

    def setup(self) -> None:
        super().setup()
        # answers go out as headers then body: without this, Nagle's algorithm holds the body
        # back for the client's delayed ACK (40 ms a request), as Go's net/http avoids too
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args) -> None:
        pass  # the trace records every request; stderr stays quiet for the learner

    def _serve(self) -> None:
        backend = self.server.backend
        url = urllib.parse.urlsplit(self.path)
        query = {
            k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()
        }
        headers = {k.lower(): v for k, v in self.headers.items()}
        if backend.token and not _bearer_ok(headers.get("authorization", ""), backend.token):
            self._drain_body(headers)
            return self._send(http_rest.status_response(Unauthorized("Unauthorized")))
        body = self._read_body(headers)
        if body is None:
            self.close_connection = True  # the unread body is still on the wire
            error = RequestEntityTooLarge(f"Request entity too large: limit is {MAX_BODY}")
            return self._send(http_rest.status_response(error))
        upgrade = http_upgrade.wanted(url.path, headers)  # exec, port-forward: SPDY, WebSocket
        streaming = upgrade or query.get("watch") in http_rest.TRUE
        streaming = streaming or query.get("follow") in http_rest.TRUE
        if streaming and not backend.watch_slots.acquire(blocking=False):
            busy = http_rest.status_response(
                TooManyRequests("Too many requests, please try again later.")
            )
            busy.headers["Retry-After"] = "1"
            return self._send(busy)
        request = http_rest.Request(
            self.command,
            urllib.parse.unquote(url.path),
            query,
            headers,
            body,
            f"{self.server.server_address[0]}:{self.server.server_address[1]}",
        )
        try:
            if upgrade:
                return http_upgrade.serve(self, url)
            with backend.lock:
                answer = http_rest.handle(backend.cluster, request)
                backend.settle()
            if isinstance(answer, http_stream.Stream):
                self._stream(answer)
            else:
                self._send(answer)
        finally:
            if streaming:
                backend.watch_slots.release()

    # -- bodies -----------------------------------------------------------------------------------

    def _read_body(self, headers: dict[str, str]) -> bytes | None:
        """The request body, or None when it is over ``MAX_BODY``."""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts, size = [], 0
            while True:
                length = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if length == 0:
                    self.rfile.readline()
                    return b"".join(parts)
                size += length
                if size > MAX_BODY:
                    return None
                parts.append(self.rfile.read(length))
                self.rfile.readline()
        length = int(headers.get("content-length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _drain_body(self, headers: dict[str, str]) -> None:
        if self._read_body(headers) is None:
            self.close_connection = True

    # -- answers ----------------------------------------------------------------------------------

    def _send(self, response: http_rest.Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _stream(self, stream: http_stream.Stream) -> None:
        """Pump a stream's queue to the client in chunks until it ends or must be dropped."""
        backend = self.server.backend
        self.send_response(200)
        self.send_header("Content-Type", stream.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.connection.settimeout(SEND_TIMEOUT)  # a client that stops reading is dropped
        deadline = time.monotonic() + stream.timeout if stream.timeout else None
        try:
            while True:
                data, ended = _take(stream)
                if data:
                    self._chunk(data)
                if ended or stream.cut_off or backend.stopping.is_set():
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if self._client_gone():
                    self.close_connection = True
                    break
                if stream.polled:
                    with backend.lock:
                        stream.poll()
            if not self.close_connection:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client hung up or stopped reading
            self.close_connection = True
        finally:
            with backend.lock:
                stream.close()
            self.connection.settimeout(IDLE_TIMEOUT)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _client_gone(self) -> bool:
        """A peer that closed its end makes the socket readable with nothing to read."""
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True


def _take(stream: http_stream.Stream) -> tuple[bytes, bool]:
    """Everything queued (waiting up to ``POLL`` for the first item), and whether it ended."""
    items = []
    try:
        items.append(stream.queue.get(timeout=POLL))
        while True:
            items.append(stream.queue.get_nowait())
    except queue.Empty:
        pass
    ended = http_stream.END in items
    return b"".join(items), ended


def _bearer_ok(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


class HTTPServer(http.server.ThreadingHTTPServer):
    """The listening socket; remembers its connections so ``close()`` can end them all."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], backend) -> None:
        self.backend = backend
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.handlers: list[threading.Thread] = []  # one per connection, to join at close
        super().__init__(address, APIHandler)

    def process_request(self, request, client_address) -> None:
        with self.connections_lock:
            self.connections.add(request)
            self.handlers = [t for t in self.handlers if t.is_alive()]
            thread = threading.Thread(
                target=self.process_request_thread, args=(request, client_address), daemon=True
            )
            self.handlers.append(thread)
        thread.start()

    def shutdown_request(self, request) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close(self, timeout: float = 5.0) -> None:
        """Stop accepting, hang up on every open connection (idle keep-alives included), then
        wait for their threads: when it returns, no stream holds a watch any more."""
        self.shutdown()
        self.server_close()
        with self.connections_lock:
            open_now, handlers = list(self.connections), list(self.handlers)
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in handlers:
            if thread is not threading.current_thread():
                thread.join(timeout)
