"""SPDY/3.1 framing: the multiplexing protocol under ``kubectl exec`` and ``kubectl port-forward``.

Models the framer of ``moby/spdystream`` (``spdy/types.go``, ``spdy/read.go``,
``spdy/write.go``), which kubectl and the kubelet use through
``k8s.io/apimachinery/pkg/util/httpstream/spdy``. After an HTTP ``Upgrade: SPDY/3.1`` the
connection carries frames. A control frame is ``1 | version 3 (15 bits) | type (16) | flags (8)
| length (24) | payload``; a data frame is ``0 | stream id (31) | flags (8) | length (24) | data``.
Header blocks (in SYN_STREAM, SYN_REPLY and HEADERS) are a count then length-prefixed
name/value pairs, compressed with zlib primed with the SPDY/3 dictionary: one compressor per
direction for the whole connection, flushed (``Z_SYNC_FLUSH``) after each block, so a block
can only be read by a peer that read every block before it.
Simplified: no flow control (spdystream sends no WINDOW_UPDATE and ignores those it gets), no
priorities, no server push.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

VERSION = 3
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS = 1, 2, 3, 4
PING, GOAWAY, HEADERS, WINDOW_UPDATE = 6, 7, 8, 9
FLAG_FIN = 0x01  # the sender's half of the stream is closed (control and data frames)
FLAG_UNIDIRECTIONAL = 0x02  # SYN_STREAM only
# RST_STREAM statuses (spdy/types.go: RstStreamStatus)
PROTOCOL_ERROR, INVALID_STREAM, REFUSED_STREAM, CANCEL = 1, 2, 3, 5
MAX_DATA = (1 << 24) - 1


def _words(*names: str) -> bytes:
    return b"".join(struct.pack(">I", len(n)) + n.encode() for n in names)


# The SPDY/3 header dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1, the headerDictionary
# of spdystream's spdy package): length-prefixed header names and values, then common text.
DICTIONARY = _words(
    "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
    "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization",
    "cache-control", "connection", "content-base", "content-encoding", "content-language",
    "content-length", "content-location", "content-md5", "content-range", "content-type",
    "date", "etag", "expect", "expires", "from", "host", "if-match", "if-modified-since",
    "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location",
    "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
    "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent",
    "vary", "via", "warning", "www-authenticate", "method", "get", "status", "200 OK",
    "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin",
) + (
    b"100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    b"203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
    b"Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 "
    b"Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, "
    b"Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
    b"application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
    b"gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)  # fmt: skip


class ProtocolError(Exception):
    """The peer sent something that is not SPDY/3: the session ends."""


@dataclass
class Frame:
    """One frame. ``type`` is 0 for DATA; ``stream`` is the stream id (or the PING id, or the
    last good stream of a GOAWAY); ``value`` is RST/GOAWAY's status or WINDOW_UPDATE's delta."""

    type: int
    stream: int
    flags: int = 0
    data: bytes = b""
    headers: dict[str, list[str]] = field(default_factory=dict)
    value: int = 0

    @property
    def fin(self) -> bool:
        return bool(self.flags & FLAG_FIN)


def header_block(headers: dict[str, list[str]]) -> bytes:
    """The uncompressed block: names lower-cased, several values joined by NUL (write.go)."""
    out = [struct.pack(">I", len(headers))]
    for name, values in headers.items():
        value = "\x00".join(values).encode()
        out += [struct.pack(">I", len(name)), name.lower().encode()]
        out += [struct.pack(">I", len(value)), value]
    return b"".join(out)


def parse_header_block(block: bytes) -> dict[str, list[str]]:
    """The inverse of ``header_block`` (read.go: ``parseHeaderValueBlock``)."""
    try:
        (count,), at = struct.unpack_from(">I", block), 4
        headers: dict[str, list[str]] = {}
        for _ in range(count):
            (size,) = struct.unpack_from(">I", block, at)
            name = block[at + 4 : at + 4 + size].decode().lower()
            at += 4 + size
            (size,) = struct.unpack_from(">I", block, at)
            value = block[at + 4 : at + 4 + size].decode()
            at += 4 + size
            headers.setdefault(name, []).extend(value.split("\x00"))
    except (struct.error, UnicodeDecodeError) as error:
        raise ProtocolError(f"bad header block: {error}") from None
    return headers


class Framer:
    """Both directions of one connection: ``feed`` bytes in and take frames out; ``encode``
    frames to bytes. Holds the two zlib streams, so one Framer serves one connection."""

    def __init__(self) -> None:
        # spdystream compresses at zlib.BestCompression with the dictionary (types.go: NewFramer)
        self._compress = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, zdict=DICTIONARY)
        self._decompress = zlib.decompressobj(zlib.MAX_WBITS, zdict=DICTIONARY)
        self._buffer = bytearray()

    # -- reading ----------------------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Frame]:
        """Every complete frame in what has arrived so far (a partial one waits for more)."""
        self._buffer += data
        frames = []
        while len(self._buffer) >= 8:
            length = int.from_bytes(self._buffer[5:8], "big")
            if len(self._buffer) < 8 + length:
                break
            head, payload = bytes(self._buffer[:8]), bytes(self._buffer[8 : 8 + length])
            del self._buffer[: 8 + length]
            frames.append(self._parse(head, payload))
        return frames

    def _parse(self, head: bytes, payload: bytes) -> Frame:
        first, flags = struct.unpack_from(">I", head)[0], head[4]
        if not first & 0x80000000:
            return Frame(0, first & 0x7FFFFFFF, flags, payload)
        version, kind = (first >> 16) & 0x7FFF, first & 0xFFFF
        if version != VERSION:
            raise ProtocolError(f"unsupported SPDY version {version}")
        try:
            if kind == SYN_STREAM:
                stream, associated = struct.unpack_from(">II", payload)
                headers = self._headers(payload[10:])
                return Frame(kind, stream & 0x7FFFFFFF, flags, headers=headers, value=associated)
            if kind in (SYN_REPLY, HEADERS):
                (stream,) = struct.unpack_from(">I", payload)
                return Frame(kind, stream & 0x7FFFFFFF, flags, headers=self._headers(payload[4:]))
            if kind in (RST_STREAM, GOAWAY, WINDOW_UPDATE):
                stream, value = struct.unpack_from(">II", payload)
                return Frame(kind, stream & 0x7FFFFFFF, flags, value=value)
            if kind == PING:
                return Frame(kind, struct.unpack_from(">I", payload)[0], flags)
            if kind == SETTINGS:
                return Frame(kind, 0, flags, data=payload)
        except struct.error:
            raise ProtocolError(f"short control frame of type {kind}") from None
        raise ProtocolError(f"unknown control frame type {kind}")

    def _headers(self, compressed: bytes) -> dict[str, list[str]]:
        try:
            return parse_header_block(self._decompress.decompress(compressed))
        except zlib.error as error:
            raise ProtocolError(f"header decompression: {error}") from None

    # -- writing ----------------------------------------------------------------------------------

    def _compressed(self, headers: dict[str, list[str]]) -> bytes:
        block = header_block(headers)
        return self._compress.compress(block) + self._compress.flush(zlib.Z_SYNC_FLUSH)

    @staticmethod
    def control(kind: int, flags: int, payload: bytes) -> bytes:
        return struct.pack(">HHI", 0x8000 | VERSION, kind, flags << 24 | len(payload)) + payload

    def syn_stream(self, stream: int, headers: dict[str, list[str]], flags: int = 0) -> bytes:
        # associated stream 0, priority 0, slot 0
        payload = struct.pack(">IIBB", stream, 0, 0, 0) + self._compressed(headers)
        return self.control(SYN_STREAM, flags, payload)

    def syn_reply(self, stream: int, headers: dict[str, list[str]], flags: int = 0) -> bytes:
        return self.control(SYN_REPLY, flags, struct.pack(">I", stream) + self._compressed(headers))

    def rst_stream(self, stream: int, status: int) -> bytes:
        return self.control(RST_STREAM, 0, struct.pack(">II", stream, status))

    def ping(self, ping_id: int) -> bytes:
        return self.control(PING, 0, struct.pack(">I", ping_id))

    def goaway(self, last_good_stream: int, status: int = 0) -> bytes:
        return self.control(GOAWAY, 0, struct.pack(">II", last_good_stream, status))

    @staticmethod
    def data(stream: int, data: bytes, fin: bool = False) -> bytes:
        """DATA frames for ``data`` (split at the 24-bit length limit); FIN on the last."""
        chunks = [data[i : i + MAX_DATA] for i in range(0, len(data), MAX_DATA)] or [b""]
        out = b""
        for i, chunk in enumerate(chunks):
            flags = FLAG_FIN if fin and i == len(chunks) - 1 else 0
            out += struct.pack(">II", stream & 0x7FFFFFFF, flags << 24 | len(chunk)) + chunk
        return out
