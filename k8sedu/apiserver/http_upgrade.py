"""``kubectl exec``, ``attach`` and ``port-forward`` over HTTP: upgrading the streaming subresources.

Models how ``POST …/pods/NAME/exec`` (``attach``, ``portforward``) becomes a streaming connection:
kube-apiserver checks the pod and container first (``pkg/registry/core/pod/strategy.go``; its
errors are ordinary Status answers) and the kubelet's streaming server takes over
(``pkg/kubelet/cri/streaming/``). The request's ``Upgrade`` header picks the transport:

* ``SPDY/3.1`` (every kubectl): ``X-Stream-Protocol-Version`` is negotiated as
  ``staging/src/k8s.io/apimachinery/pkg/util/httpstream/httpstream.go`` ``Handshake`` does (the
  client's first choice the server supports, else 403), the answer is ``101 Switching
  Protocols``, and the client opens SPDY streams (``http_spdy.py``).
* ``websocket`` (kubectl 1.30+ for exec and attach, 1.31+ for port-forward, which try it before
  SPDY): exec and attach speak ``v5.channel.k8s.io``; port-forward's
  ``SPDY/3.1+portforward.k8s.io`` carries the same SPDY session inside binary messages
  (``http_websocket.py``). A WebSocket client takes any answer but 101 as an upgrade failure and
  falls back to SPDY (``client-go/tools/remotecommand/fallback.go``).

What flows on the connection is ``http_exec.py``'s and ``http_portforward.py``'s. The session
runs on the connection's own thread; it holds the serving lock only to ask the simulation.
"""

from __future__ import annotations

import re
import select
import socket
import urllib.parse
from dataclasses import dataclass

from k8sedu.apiserver import http_exec, http_rest, http_websocket
from k8sedu.apiserver.http_portforward import PortForwardSession
from k8sedu.errors import APIError, BadRequest, ConnectionRefused, ServiceUnavailable
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.commands.logs import kubelet_slot

PATH = re.compile(r"^/api/v1/namespaces/([^/]+)/pods/([^/]+)/(exec|attach|portforward)/?$")
# what the kubelet accepts, best first (pkg/kubelet/cri/streaming/server.go); v5 is v4 plus a
# stdin close signal, which the simulated commands never wait for
EXEC_PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
PORT_FORWARD_PROTOCOLS = ("portforward.k8s.io",)
TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io"  # client-go/tools/portforward/tunneling_dialer.go
POLL = 0.25  # seconds between checks for data, the server stopping, and the peer's close
SEND_TIMEOUT = 10.0
GOODBYE = 10.0  # seconds a finished session waits for the client to hang up first


def wanted(path: str, headers: dict[str, str]) -> bool:
    """An upgrade request for a streaming subresource this module serves."""
    upgrading = "upgrade" in headers.get("connection", "").lower()
    return upgrading and PATH.match(urllib.parse.unquote(path)) is not None


@dataclass
class Target:
    """What the checks before the upgrade found: the pod and, for exec and attach, the name of
    the container and its current run (a ``kubelet.runtime.Container``)."""

    pod: dict
    container: str = ""
    run: object = None


# -- the wire under a session ---------------------------------------------------------------------


class Wire:
    """The upgraded socket: ``recv`` gives bytes, b"" when none came within POLL, None at EOF."""

    def __init__(self, sock: socket.socket, stopping) -> None:
        self.sock = sock
        self.stopping = stopping  # the server's Event: set when it shuts down
        sock.settimeout(SEND_TIMEOUT)

    def recv(self) -> bytes | None:
        if self.stopping.is_set():
            return None
        readable, _, _ = select.select([self.sock], [], [], POLL)
        if not readable:
            return b""
        try:
            return self.sock.recv(65536) or None
        except OSError:
            return None

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def linger(self) -> None:
        """Send FIN after the last byte, then wait (briefly) for the client to close first:
        closing before it would answer whatever it still sends with a reset, which can discard
        what it has not read yet (a busy kubectl may read late)."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            return
        for _ in range(int(GOODBYE / POLL)):
            if self.recv() is None:
                return


class TunnelWire(Wire):
    """A SPDY session inside WebSocket binary messages (``tunneling_connection.go``)."""

    def __init__(self, sock: socket.socket, stopping) -> None:
        super().__init__(sock, stopping)
        self.reader = http_websocket.Reader()
        self.closed = False

    def recv(self) -> bytes | None:
        if self.closed:
            return None
        data = super().recv()
        if not data:
            return data
        payload = b""
        for opcode, message in self.reader.feed(data):
            if opcode == http_websocket.BINARY:
                payload += message
            elif opcode == http_websocket.PING:
                super().send(http_websocket.frame(http_websocket.PONG, message))
            elif opcode == http_websocket.CLOSE:
                super().send(http_websocket.close_frame())
                self.closed = True
        return payload if payload or not self.closed else None

    def send(self, data: bytes) -> None:
        super().send(http_websocket.frame(http_websocket.BINARY, data))


# -- the request ----------------------------------------------------------------------------------


def serve(handler, url: urllib.parse.SplitResult) -> None:
    """Answer one upgrade request on ``handler`` (an ``http.APIHandler``) and run its session."""
    backend = handler.server.backend
    namespace, name, kind = PATH.match(urllib.parse.unquote(url.path)).groups()
    query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
    handler.close_connection = True  # the connection is the session's, or refused for good
    websocket = handler.headers.get("Upgrade", "").lower() == "websocket"
    if websocket:
        offered = _split(handler.headers.get_all("Sec-WebSocket-Protocol") or [])
        supported = (TUNNEL_PROTOCOL,) if kind == "portforward" else EXEC_PROTOCOLS
    else:
        offered = _split(handler.headers.get_all("X-Stream-Protocol-Version") or [])
        supported = PORT_FORWARD_PROTOCOLS if kind == "portforward" else EXEC_PROTOCOLS
    request = http_rest.Request(
        "POST", url.path, {}, {"user-agent": handler.headers.get("User-Agent", "")}
    )
    with backend.lock:
        target = _check(backend.cluster, request, namespace, name, kind, query)
    if isinstance(target, http_rest.Response):
        return handler._send(target)
    protocol = next((p for p in offered if p in supported), None)
    if protocol is None:
        return handler._send(_refusal(offered, supported, websocket))
    handler.send_response(101)
    if websocket:
        key = handler.headers.get("Sec-WebSocket-Key", "")
        handler.send_header("Upgrade", "websocket")
        handler.send_header("Connection", "Upgrade")
        handler.send_header("Sec-WebSocket-Accept", http_websocket.accept_key(key))
        handler.send_header("Sec-WebSocket-Protocol", protocol)
    else:
        handler.send_header("X-Stream-Protocol-Version", protocol)
        handler.send_header("Connection", "Upgrade")
        handler.send_header("Upgrade", "SPDY/3.1")
    handler.end_headers()
    handler.wfile.flush()
    if kind == "portforward":
        wire = (TunnelWire if websocket else Wire)(handler.connection, backend.stopping)
        return PortForwardSession(wire, backend, target).run()
    wire = Wire(handler.connection, backend.stopping)
    channels = (http_exec.WebSocketChannels if websocket else http_exec.SpdyChannels)(wire, query)
    run = http_exec.run_exec if kind == "exec" else http_exec.run_attach
    run(channels, backend, target, query)


def _split(values: list[str]) -> list[str]:
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def _refusal(offered: list[str], supported: tuple, websocket: bool) -> http_rest.Response:
    """httpstream.Handshake's 403 (a WebSocket client reads any non-101 as an upgrade failure
    and falls back to SPDY, client-go/transport/websocket/roundtripper.go)."""
    if not offered and not websocket:
        text = "unable to upgrade: X-Stream-Protocol-Version is required"
        return http_rest.Response(400, text.encode() + b"\n", "text/plain; charset=utf-8")
    text = (
        f"unable to upgrade: unable to negotiate protocol: client supports "
        f"[{' '.join(offered)}], server accepts [{' '.join(supported)}]"
    )
    headers = {"X-Accepted-Stream-Protocol-Versions": ", ".join(supported)}
    return http_rest.Response(403, text.encode() + b"\n", "text/plain; charset=utf-8", headers)


def _check(cluster, request, namespace, name, kind, query) -> Target | http_rest.Response:
    """The API server's and the kubelet's checks before the upgrade, as their error answers."""
    try:
        pod = http_rest._client(cluster, request).get("pods", name, namespace)
        if not pod["spec"].get("nodeName"):
            raise BadRequest(f"pod {name} does not have a host assigned")
        if kind == "portforward":
            return Target(pod)
        names = [c["name"] for c in pod["spec"].get("containers", [])]
        container = (query.get("container") or [""])[0] or (names[0] if len(names) == 1 else "")
        if not container:
            raise BadRequest(
                f"a container name must be specified for pod {name}, choose one of: "
                f"[{' '.join(names)}]"
            )
        _, slot = kubelet_slot(Invocation(cluster, {}, []), pod, container)
        if slot.current is None or not slot.current.running:  # the kubelet's answer, as text
            text = f'container not found ("{container}")'
            return http_rest.Response(404, text.encode(), "text/plain; charset=utf-8")
        return Target(pod, container, slot.current)
    except APIError as error:
        return http_rest.status_response(error)
    except ConnectionRefused as error:
        return http_rest.status_response(ServiceUnavailable(str(error)))
