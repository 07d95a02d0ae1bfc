"""WebSocket framing, with the examples of RFC 6455 (§1.3 and §5.7)."""

import pytest

from k8sedu.apiserver import http_websocket as ws


def test_accept_key_of_the_rfc_example():
    assert ws.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


@pytest.mark.parametrize(
    "wire, expected",
    [
        ("810548656c6c6f", [(ws.TEXT, b"Hello")]),
        ("818537fa213d7f9f4d5158", [(ws.TEXT, b"Hello")]),  # masked by a client
        ("010348656c80026c6f", [(ws.TEXT, b"Hello")]),  # two fragments
        ("890548656c6c6f", [(ws.PING, b"Hello")]),
        ("8a8537fa213d7f9f4d5158", [(ws.PONG, b"Hello")]),
    ],
    ids=["unmasked", "masked", "fragmented", "ping", "masked-pong"],
)
def test_rfc_examples_are_read(wire, expected):
    assert ws.Reader().feed(bytes.fromhex(wire)) == expected


@pytest.mark.parametrize(
    "size, head",
    [(5, "8205"), (256, "827e0100"), (65536, "827f0000000000010000")],
    ids=["7-bit", "16-bit", "64-bit"],
)
def test_lengths(size, head):
    frame = ws.frame(ws.BINARY, b"x" * size)
    assert frame[: len(head) // 2].hex() == head
    assert ws.Reader().feed(frame) == [(ws.BINARY, b"x" * size)]


def test_masked_round_trip_and_partial_reads():
    frame = ws.frame(ws.BINARY, b"\x01stdout", mask=bytes.fromhex("37fa213d"))
    reader = ws.Reader()
    assert reader.feed(frame[:4]) == []
    assert reader.feed(frame[4:]) == [(ws.BINARY, b"\x01stdout")]


def test_close_frame_says_normal_closure():
    assert ws.close_frame().hex() == "880203e8"  # 1000
