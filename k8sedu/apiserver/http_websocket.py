"""WebSocket framing (RFC 6455), the other transport kubectl 1.30+ speaks for exec and port-forward.

Models what kube-apiserver's stream translators accept (``staging/src/k8s.io/client-go/tools/
remotecommand/websocket.go`` is the client side): the handshake's ``Sec-WebSocket-Accept``, the
frames (a client's are masked, a server's are not), ping answered with pong, close answered with
close. kubectl sends only binary messages: for exec (``v5.channel.k8s.io``) each one starts with
a channel byte; for port-forward (``SPDY/3.1+portforward.k8s.io``) they carry a SPDY session.
Simplified: no extensions (no compression); a fragmented message is put back together.
"""

from __future__ import annotations

import base64
import hashlib
import struct

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
NORMAL_CLOSURE = 1000


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key`` (RFC 6455 §4.2.2)."""
    return base64.b64encode(hashlib.sha1((key.strip() + GUID).encode()).digest()).decode()


def frame(opcode: int, payload: bytes = b"", mask: bytes | None = None) -> bytes:
    """One final frame; ``mask`` (4 bytes) only for a client's frames."""
    size = len(payload)
    if size < 126:
        head = struct.pack(">BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack(">BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack(">BBQ", 0x80 | opcode, 127, size)
    if mask is None:
        return head + payload
    head = head[:1] + bytes([head[1] | 0x80]) + head[2:]
    return head + mask + _unmask(payload, mask)


def close_frame(code: int = NORMAL_CLOSURE) -> bytes:
    return frame(CLOSE, struct.pack(">H", code))


def _unmask(payload: bytes, mask: bytes) -> bytes:
    repeated = (mask * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        len(payload), "big"
    )


class Reader:
    """Turns the bytes a peer sends into ``(opcode, payload)`` messages, fragments joined."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._parts: list[bytes] = []
        self._opcode = BINARY

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        self._buffer += data
        messages = []
        while True:
            parsed = self._next_frame()
            if parsed is None:
                return messages
            fin, opcode, payload = parsed
            if opcode >= CLOSE:  # control frames may come between fragments
                messages.append((opcode, payload))
                continue
            if opcode != CONTINUATION:
                self._opcode, self._parts = opcode, []
            self._parts.append(payload)
            if fin:
                messages.append((self._opcode, b"".join(self._parts)))
                self._parts = []

    def _next_frame(self) -> tuple[bool, int, bytes] | None:
        buf = self._buffer
        if len(buf) < 2:
            return None
        fin, opcode = bool(buf[0] & 0x80), buf[0] & 0x0F
        masked, size, at = bool(buf[1] & 0x80), buf[1] & 0x7F, 2
        if size == 126:
            if len(buf) < 4:
                return None
            size, at = struct.unpack_from(">H", buf, 2)[0], 4
        elif size == 127:
            if len(buf) < 10:
                return None
            size, at = struct.unpack_from(">Q", buf, 2)[0], 10
        mask = b""
        if masked:
            mask, at = bytes(buf[at : at + 4]), at + 4
        if len(buf) < at + size:
            return None
        payload = bytes(buf[at : at + size])
        del buf[: at + size]
        return fin, opcode, _unmask(payload, mask) if masked else payload
