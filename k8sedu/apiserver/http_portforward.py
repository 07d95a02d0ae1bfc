"""``kubectl port-forward``: the SPDY session of ``…/pods/NAME/portforward``, answered by the pod.

Models the kubelet's side (``pkg/kubelet/cri/streaming/portforward/httpstream.go``) with
containerd's forwarder behind it (``sandbox_portforward_linux.go``). For every local
connection kubectl opens two streams with the same ``requestID`` and ``port`` headers: an
``error`` stream and a ``data`` stream. When both have arrived the forwarder dials the port inside
the pod; if nothing listens there the error stream gets ``error forwarding port …: connection
refused`` (kubectl prints it as ``an error occurred forwarding L -> R: …``) and both streams
close. Otherwise the data stream's bytes are HTTP/1.1 requests, each answered by the container
listening there, reached as Service traffic reaches it (``Kubelet.lookup`` and
``Container.serve``: 200, 500 when unhealthy, refused when not listening). When kubectl closes
its half of the data stream (its local client hung up) both streams are closed.
Simplified: only HTTP is spoken on a forwarded port; the body is the one ``kubectl exec … curl``
shows (the pod's name, or ``unhealthy``); the sandbox id and network namespace in the error are
made up from the pod's uid.
"""

from __future__ import annotations

import hashlib
import uuid

from k8sedu import workloads
from k8sedu.apiserver import http_spdy

REASONS = {200: "OK", 500: "Internal Server Error"}
# net/http/server.go: what Go's server writes for bytes that are not a request
BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Connection: close\r\n\r\n400 Bad Request"
)
MAX_REQUEST = 1 << 20  # bytes of one request's head and body kept before answering 400


class Pair:
    """The two streams of one forwarded connection, and the request bytes not answered yet."""

    def __init__(self) -> None:
        self.error = 0
        self.data = 0
        self.port = 0
        self.buffer = b""
        self.open = True


class PortForwardSession:
    """Every forwarded connection of one ``kubectl port-forward`` (one SPDY connection)."""

    def __init__(self, wire, backend, target) -> None:
        self.wire, self.backend, self.pod = wire, backend, target.pod
        self.framer = http_spdy.Framer()
        self.pairs: dict[str, Pair] = {}  # requestID → pair
        self.by_stream: dict[int, Pair] = {}  # stream id → its pair, while open
        self.last_stream = 0
        self.done = False  # the client said GOAWAY

    def run(self) -> None:
        while not self.done:
            data = self.wire.recv()
            if data is None:
                break
            for frame in self.framer.feed(data):
                self.on_frame(frame)
        try:
            self.wire.send(self.framer.goaway(self.last_stream))
        except OSError:
            pass  # the client is already gone

    def on_frame(self, frame: http_spdy.Frame) -> None:
        if frame.type == http_spdy.SYN_STREAM:
            self.on_stream(frame)
        elif frame.type == 0:
            pair = self.by_stream.get(frame.stream)
            if pair is not None and frame.stream == pair.data and pair.open:
                pair.buffer += frame.data
                self.answer(pair, closing=frame.fin)
        elif frame.type == http_spdy.RST_STREAM:
            pair = self.by_stream.pop(frame.stream, None)
            if pair is not None:
                pair.open = False
        elif frame.type == http_spdy.PING:
            self.wire.send(self.framer.ping(frame.stream))
        elif frame.type == http_spdy.GOAWAY:
            self.done = True

    def on_stream(self, frame: http_spdy.Frame) -> None:
        headers = {name: values[0] for name, values in frame.headers.items()}
        port, kind = headers.get("port", ""), headers.get("streamtype", "")
        self.last_stream = frame.stream
        # httpstream.go httpStreamReceived: a stream without a valid port or type is refused
        if not port.isdigit() or not 0 < int(port) < 65536 or kind not in ("error", "data"):
            self.wire.send(self.framer.rst_stream(frame.stream, http_spdy.REFUSED_STREAM))
            return
        self.wire.send(self.framer.syn_reply(frame.stream, {}))
        request_id = headers.get("requestid") or str(frame.stream - (2 if kind == "data" else 0))
        pair = self.pairs.setdefault(request_id, Pair())
        setattr(pair, kind, frame.stream)
        pair.port = int(port)
        self.by_stream[frame.stream] = pair
        if pair.error and pair.data:
            del self.pairs[request_id]
            refused = self.dial(pair.port)
            if refused:
                self.close(pair, self.error_text(pair.port))

    def dial(self, port: int) -> bool:
        """True when nothing in the pod listens on ``port`` (containerd's net.Dial fails)."""
        with self.backend.lock:
            container = self.container(port)
            return container is None or bool(container.serve(port, self.backend.cluster.now).error)

    def container(self, port: int):
        """The running container of this pod that serves ``port``, as Service traffic finds it
        (``proxy/traffic.py``: the node's ``Kubelet.lookup``); None if there is none."""
        ip = (self.pod.get("status") or {}).get("podIP", "")
        try:
            kubelet = self.backend.cluster.node(self.pod["spec"]["nodeName"]).kubelet
        except KeyError:  # the node's machine is gone
            return None
        if kubelet is None or not kubelet.running or not ip:
            return None
        return kubelet.lookup(ip, port)

    def error_text(self, port: int) -> str:
        """kubelet's wrapping of containerd's dial error (httpstream.go ``portForward``)."""
        uid = self.pod["metadata"].get("uid", "")
        sandbox = hashlib.sha256(f"sandbox/{uid}".encode()).hexdigest()
        netns = uuid.UUID(hashlib.md5(f"netns/{uid}".encode()).hexdigest())
        dial = "connect: connection refused"
        return (
            f"error forwarding port {port} to pod {sandbox}, uid : failed to execute portforward "
            f'in network namespace "/var/run/netns/cni-{netns}": failed to connect to '
            f'localhost:{port} inside namespace "{sandbox}", IPv4: dial tcp4 127.0.0.1:{port}: '
            f"{dial} IPv6 dial tcp6 [::1]:{port}: {dial} "
        )

    def close(self, pair: Pair, error: str = "") -> None:
        """End a forwarded connection: the error (if any), then FIN on both streams."""
        data = self.framer.data(pair.error, error.encode()) if error else b""
        data += self.framer.data(pair.data, b"", fin=True)
        data += self.framer.data(pair.error, b"", fin=True)
        pair.open = False
        self.by_stream.pop(pair.error, None)
        self.by_stream.pop(pair.data, None)
        self.wire.send(data)

    # -- HTTP on the data stream ----------------------------------------------------------------

    def answer(self, pair: Pair, closing: bool) -> None:
        """Answer every complete request buffered; close when the client or a request says so."""
        while pair.open:
            parsed = parse_request(pair.buffer)
            if parsed is None and len(pair.buffer) <= MAX_REQUEST:
                break
            method, used, keep_alive = parsed or ("", len(pair.buffer), False)
            pair.buffer = pair.buffer[used:]
            # Go's net/http answers bytes that are not a request with a bare 400 and hangs up
            response = self.respond(pair.port, method) if method else BAD_REQUEST
            if response is not None:  # None: the container stopped listening, the TCP drops
                self.wire.send(self.framer.data(pair.data, response))
            if response is None or not keep_alive:
                self.close(pair)
        if closing and pair.open:
            self.close(pair)

    def respond(self, port: int, method: str) -> bytes | None:
        with self.backend.lock:
            container = self.container(port)
            reply = container.serve(port, self.backend.cluster.now) if container else None
        if reply is None or reply.error:
            return None
        body = workloads.http_body(self.pod["metadata"]["name"], reply.status)
        return http_response(reply.status, "" if method == "HEAD" else body, len(body))


def parse_request(buffer: bytes) -> tuple[str, int, bool] | None:
    """``(method, bytes used, keep-alive)`` of the first complete request, None while it is
    incomplete, or a method of "" for bytes that are not HTTP/1.x."""
    head, sep, rest = buffer.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return "", len(buffer), False
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length_text = headers.get("content-length", "0")
    length = int(length_text) if length_text.isdigit() else 0
    if len(rest) < length:
        return None
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" and (parts[2] == "HTTP/1.1" or connection == "keep-alive")
    return parts[0], len(head) + 4 + length, keep_alive


def http_response(status: int, body: str, length: int) -> bytes:
    """An HTTP/1.1 answer with a small text body (``length`` stays the body's for HEAD)."""
    head = (
        f"HTTP/1.1 {status} {REASONS[status]}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    return (head + body).encode()
