"""``kubectl exec`` and ``kubectl attach`` on an upgraded connection: the command's output and Status.

Models the kubelet's remote command server (``pkg/kubelet/cri/streaming/remotecommand/``:
``httpstream.go`` waits for the streams the query asked for, ``exec.go`` writes the outcome,
``attach.go`` copies the container's output until it ends) as ``v4``/``v5.channel.k8s.io``
speak it: stdout and stderr carry bytes, and the error stream carries one ``metav1.Status`` —
``Success``, ``NonZeroExitCode`` with the exit code as its cause (kubectl then prints
``command terminated with exit code N`` and exits with N), or an ``InternalError``. Over SPDY
those are streams the client opened; over WebSocket, channels 1, 2 and 3 of binary messages.
A command runs through ``kubectl exec``'s own machinery (``exec_cmd.execute``) under the serving
lock. Simplified: stdin is never read (the simulated commands take none) and a terminal is never
resized; attach shows the container's log lines written after it attached.
"""

from __future__ import annotations

from k8sedu.apiserver import http_rest, http_spdy, http_stream, http_websocket
from k8sedu.errors import APIError, KubectlError
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.commands.exec_cmd import execute
from k8sedu.kubectl.commands.logs import kubelet_slot

SUCCESS = {"metadata": {}, "status": "Success"}
WEBSOCKET_CHANNELS = {"stdout": 1, "stderr": 2, "error": 3}  # remotecommand/constants.go


def flag(query: dict[str, list[str]], name: str) -> bool:
    return (query.get(name) or [""])[0] in http_rest.TRUE


class SpdyChannels:
    """The streams of one SPDY exec or attach, opened by the client one by one."""

    def __init__(self, wire, query: dict[str, list[str]]) -> None:
        self.wire = wire
        self.framer = http_spdy.Framer()
        self.streams: dict[str, int] = {}  # streamType → stream id
        # httpstream.go: the error stream, plus stdin, stdout, stderr as asked, resize with a tty
        self.expected = 1 + sum(flag(query, f) for f in ("stdin", "stdout", "stderr", "tty"))
        self.gone = False

    def open(self) -> bool:
        """Wait for every stream; False if the client hung up first."""
        while len(self.streams) < self.expected and self.poll():
            pass
        return len(self.streams) == self.expected

    def poll(self) -> bool:
        """Read what the client sent (waiting up to a moment); False once it is gone."""
        data = self.wire.recv()
        if data is None:
            return False
        for frame in self.framer.feed(data):
            if frame.type == http_spdy.SYN_STREAM:
                kind = (frame.headers.get("streamtype") or [""])[0]
                self.streams[kind] = frame.stream
                # spdy/connection.go newSpdyStream: an empty SYN_REPLY accepts the stream
                self.wire.send(self.framer.syn_reply(frame.stream, {}))
            elif frame.type == http_spdy.PING:
                self.wire.send(self.framer.ping(frame.stream))
            elif frame.type == http_spdy.GOAWAY:
                self.gone = True
        return not self.gone

    def write(self, kind: str, data: bytes) -> None:
        if data and kind in self.streams:
            self.wire.send(self.framer.data(self.streams[kind], data))

    def finish(self, status: dict) -> None:
        """The Status, then FIN on every stream and GOAWAY (the kubelet closes the connection)."""
        data = self.framer.data(self.streams["error"], http_rest.encode(status))
        for stream in self.streams.values():
            data += self.framer.data(stream, b"", fin=True)
        self.wire.send(data + self.framer.goaway(max(self.streams.values())))
        self.wire.linger()


class WebSocketChannels:
    """``v5.channel.k8s.io``: a channel byte before each binary message, a close at the end."""

    def __init__(self, wire, query: dict[str, list[str]]) -> None:
        self.wire, self.query = wire, query
        self.reader = http_websocket.Reader()

    def open(self) -> bool:
        return True  # the channels exist from the handshake on

    def poll(self) -> bool:
        data = self.wire.recv()
        if data is None:
            return False
        for opcode, payload in self.reader.feed(data):
            if opcode == http_websocket.PING:
                self.wire.send(http_websocket.frame(http_websocket.PONG, payload))
            elif opcode == http_websocket.CLOSE:
                return False
        return True

    def write(self, kind: str, data: bytes) -> None:
        if data and flag(self.query, kind):
            channel = bytes([WEBSOCKET_CHANNELS[kind]])
            self.wire.send(http_websocket.frame(http_websocket.BINARY, channel + data))

    def finish(self, status: dict) -> None:
        error = bytes([WEBSOCKET_CHANNELS["error"]]) + http_rest.encode(status)
        frames = http_websocket.frame(http_websocket.BINARY, error) + http_websocket.close_frame()
        self.wire.send(frames)
        self.wire.linger()


# -- exec -----------------------------------------------------------------------------------------


def run_exec(channels, backend, target, query: dict[str, list[str]]) -> None:
    if not channels.open():
        return
    with backend.lock:
        out, err, status = run_command(
            backend.cluster, target, query.get("command") or [], flag(query, "tty")
        )
        backend.settle()
    channels.write("stdout", out)
    channels.write("stderr", err)
    channels.finish(status)


def run_command(cluster, target, argv: list[str], tty: bool) -> tuple[bytes, bytes, dict]:
    """(stdout, stderr, Status) of ``argv`` in the target container (caller holds the lock)."""
    inv = Invocation(cluster, {}, [])
    try:
        _, slot = kubelet_slot(inv, target.pod, target.container)
        if slot.current is None or not slot.current.running:
            raise KubectlError(f'error: container not found ("{target.container}")')
        out, err, code = execute(inv, target.pod, slot.spec, slot.current, argv)
    except (KubectlError, APIError) as error:
        return b"", b"", internal_error(str(error).removeprefix("error: "))
    if tty:  # a terminal has one output: stderr is written to it too
        out, err = out + err, ""
    if not code:
        return out.encode(), err.encode(), SUCCESS
    # exec.go: the exit code is the cause; the message wraps the runtime's error (containerd's
    # "command '…' exited with N")
    runtime_error = f"command '{' '.join(argv)}' exited with {code}"
    status = {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: {runtime_error}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }
    return out.encode(), err.encode(), status


def internal_error(message: str) -> dict:
    """apierrors.NewInternalError, as the kubelet marshals it onto the error stream."""
    cause = message.removeprefix("Internal error occurred: ")
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"Internal error occurred: {cause}",
        "reason": "InternalError",
        "details": {"causes": [{"message": cause}]},
        "code": 500,
    }


# -- attach ---------------------------------------------------------------------------------------


def run_attach(channels, backend, target, query: dict[str, list[str]]) -> None:
    """Copy the container run's new output until it ends (Success) or the client hangs up."""
    if not channels.open():
        return
    run, seen = target.run, None  # attach shows what is written from now on
    while True:
        with backend.lock:
            lines = http_stream.log_lines(backend.cluster, run, False)
            running = run.running
        new = lines[seen:] if seen is not None else []
        seen = len(lines)
        channels.write("stdout", "".join(new).encode())
        if not running:  # attach.go: the container's end is the session's end
            return channels.finish(SUCCESS)
        if not channels.poll():
            return
