"""The changes of a real etcd, read from one long-lived watch into a local log, up to a revision.

Models a client-side change log fed by an etcd v3 watch over every key (``rpc.proto``
WatchCreateRequest with ``key`` = ``range_end`` = "\\0" and ``prev_kv``): the server pushes each
committed revision's events at once to a watcher that is caught up, and sends whole revisions in
one message, so after reading a message that ends at revision r every change up to r is known.

The watch arrives asynchronously, but it is only read when a caller asks for the changes up to a
revision ``end`` it has seen in an answer: the log is then read exactly up to ``end`` (blocking
until the server has sent it), so what a caller gets never depends on timing. A watch opened from
a past revision waits for etcd's 100 ms history sync (``watchable_store.go`` syncWatchersLoop)
once; afterwards the events of a write arrive with its answer.

Simplified: the log is trimmed only when this client compacts; a stream that breaks (a restarted
server) is reopened from the first revision not yet read.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from k8sedu.etcd.gateway import Gateway, GatewayError, key_value, prefix_range
from k8sedu.etcd.store import Compacted
from k8sedu.etcd.watch import Event


class ChangeFeed:
    """Every change from ``origin`` on, in revision order, read as far as callers need."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._stream: Iterator[dict] | None = None
        self.origin = 0  # the first revision the log covers
        self.read = 0  # every change up to this revision is in the log
        self._log: list[Event] = []
        self._revs: list[int] = []  # the revision of each _log entry, for bisect

    def events(self, start: int, end: int) -> list[Event]:
        """Every change at revisions ``start`` .. ``end``; ``end`` must have been committed."""
        start = max(start, 1)
        if start > end or end < 2:  # revision 1 is the empty store: no change made it
            return []
        if self._stream is None or start < self.origin:
            self._open(start)
        self._read_until(end)
        return self._log[bisect_left(self._revs, start) : bisect_right(self._revs, end)]

    def forget_before(self, revision: int) -> None:
        """Drop the changes below a compaction: no caller may ask for them any more."""
        cut = bisect_left(self._revs, revision)
        del self._log[:cut]
        del self._revs[:cut]
        self.origin = max(self.origin, revision)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()  # closes its connection: the server ends the watch
            self._stream = None

    def _open(self, start: int) -> None:
        """Watch every key from ``start``; the log restarts there."""
        self.close()
        self._log.clear()
        self._revs.clear()
        self.origin = start
        self.read = start - 1
        self._resume()

    def _resume(self) -> None:
        """(Re)open the stream from the first revision not read yet, keeping the log."""
        self.close()
        request = {**prefix_range(""), "start_revision": str(self.read + 1), "prev_kv": True}
        self._stream = self._gateway.stream("watch", {"create_request": request})

    def _read_until(self, end: int) -> None:
        resumed = False
        while self.read < end:
            try:
                result = next(self._stream)
            except (StopIteration, ConnectionError) as e:
                if resumed:  # a fresh stream broke too: give up rather than loop
                    self.close()
                    raise GatewayError(f"the watch stream broke before revision {end}", 14) from e
                resumed = True
                self._resume()  # the server restarted: carry on where the log ends
                continue
            if result.get("canceled"):
                self.close()
                if "compact_revision" in result:
                    raise Compacted()
                raise GatewayError(result.get("cancel_reason", "watch canceled"), 1)
            for raw in result.get("events", []):
                prev = raw.get("prev_kv")
                event = Event(
                    raw.get("type", "PUT"),  # PUT is the zero value: omitted
                    key_value(raw["kv"]),
                    key_value(prev) if prev else None,
                )
                self._log.append(event)
                self._revs.append(event.kv.mod_revision)
            if self._revs:
                self.read = max(self.read, self._revs[-1])
