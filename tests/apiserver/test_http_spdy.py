"""SPDY/3.1 framing: frame layouts of spdystream's ``spdy/write.go``, header blocks compressed
with the SPDY/3 dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1), and a session's streams."""

import struct
import zlib

import pytest

from k8sedu.apiserver import http_spdy
from k8sedu.apiserver.http_spdy import Framer

# what kubectl sends when it opens a port-forward's error stream (portforward.go)
PORT_FORWARD_ERROR = {"streamtype": ["error"], "port": ["8080"], "requestid": ["0"]}


@pytest.mark.parametrize(
    "encode, expected",
    [
        # control frames: 0x8000 | version 3, type, flags << 24 | length, payload (write.go)
        (lambda f: f.ping(1), "800300060000000400000001"),
        (lambda f: f.rst_stream(3, http_spdy.CANCEL), "80030003000000080000000300000005"),
        (lambda f: f.goaway(5), "80030007000000080000000500000000"),
        # data frames: stream id, flags << 24 | length, data
        (lambda f: f.data(1, b"hi"), "00000001000000026869"),
        (lambda f: f.data(3, b"", fin=True), "0000000301000000"),
    ],
    ids=["ping", "rst-cancel", "goaway", "data", "data-fin"],
)
def test_frame_layouts(encode, expected):
    assert encode(Framer()).hex() == expected


def test_dictionary_is_the_spdy3_one():
    d = http_spdy.DICTIONARY
    # the spec's dictionary is 1423 bytes: length-prefixed names first, common text last
    assert len(d) == 1423
    assert d.startswith(b"\x00\x00\x00\x07options\x00\x00\x00\x04head")
    assert b"\x00\x00\x00\x08HTTP/1.1" in d
    assert d.endswith(b"charset=iso-8859-1,utf-,*,enq=0.")


def test_header_block_layout():
    # a count, then length-prefixed lower-case names and NUL-joined values (writeHeaderValueBlock)
    block = http_spdy.header_block({"Port": ["80", "81"]})
    assert block == struct.pack(">I", 1) + struct.pack(">I", 4) + b"port" + (
        struct.pack(">I", 5) + b"80\x0081"
    )
    assert http_spdy.parse_header_block(block) == {"port": ["80", "81"]}


def test_header_compression_needs_the_dictionary():
    frame = Framer().syn_stream(1, PORT_FORWARD_ERROR)
    compressed = frame[18:]  # after the 8-byte header and 10 bytes of SYN_STREAM fields
    # the zlib header announces a preset dictionary (FDICT) with the dictionary's Adler-32
    assert compressed[1] & 0x20
    assert int.from_bytes(compressed[2:6], "big") == zlib.adler32(http_spdy.DICTIONARY)
    with pytest.raises(zlib.error):
        zlib.decompressobj().decompress(compressed)
    plain = zlib.decompressobj(zdict=http_spdy.DICTIONARY).decompress(compressed)
    assert http_spdy.parse_header_block(plain) == PORT_FORWARD_ERROR


def test_one_compression_context_per_connection():
    """The second block is compressed against the first: only the same reader can read it."""
    client, server = Framer(), Framer()
    wire = client.syn_stream(1, PORT_FORWARD_ERROR)
    wire += client.syn_stream(3, {**PORT_FORWARD_ERROR, "streamtype": ["data"]})
    frames = server.feed(wire)
    assert [(f.type, f.stream, f.headers["streamtype"]) for f in frames] == [
        (http_spdy.SYN_STREAM, 1, ["error"]),
        (http_spdy.SYN_STREAM, 3, ["data"]),
    ]
    first = 8 + int.from_bytes(wire[5:8], "big")
    with pytest.raises(http_spdy.ProtocolError):  # a fresh reader has not seen the first block
        Framer().feed(wire[first:])


@pytest.mark.parametrize(
    "frames, expected",
    [
        (
            lambda f: f.syn_reply(1, {}),
            [(http_spdy.SYN_REPLY, 1, 0, b"", {}, 0)],
        ),
        (
            lambda f: f.data(5, b"GET / HTTP/1.1\r\n\r\n", fin=True),
            [(0, 5, http_spdy.FLAG_FIN, b"GET / HTTP/1.1\r\n\r\n", {}, 0)],
        ),
        (
            lambda f: f.ping(7) + f.rst_stream(9, http_spdy.REFUSED_STREAM),
            [
                (http_spdy.PING, 7, 0, b"", {}, 0),
                (http_spdy.RST_STREAM, 9, 0, b"", {}, http_spdy.REFUSED_STREAM),
            ],
        ),
    ],
    ids=["syn-reply", "data-fin", "ping-and-reset"],
)
def test_round_trips(frames, expected):
    parsed = Framer().feed(frames(Framer()))
    assert [(f.type, f.stream, f.flags, f.data, f.headers, f.value) for f in parsed] == expected


def test_frames_split_across_reads_wait_for_the_rest():
    wire = Framer().data(1, b"abcdef") + Framer().ping(3)
    reader = Framer()
    assert reader.feed(wire[:9]) == []
    got = reader.feed(wire[9:])
    assert [(f.type, f.stream, f.data) for f in got] == [
        (0, 1, b"abcdef"),
        (http_spdy.PING, 3, b""),
    ]


def test_other_versions_are_refused():
    spdy2_ping = bytes.fromhex("800200060000000400000001")
    with pytest.raises(http_spdy.ProtocolError, match="version 2"):
        Framer().feed(spdy2_ping)
