"""etcd watches: every change under a prefix, in revision order, delivered after the write commits.

Models etcd's ``watchable_store.go``: a watcher has a key range and the next revision it wants
(``minRev``); a new watcher with a past start revision first catches up from history ("unsynced"),
then receives each new revision as it commits ("synced"). Events follow ``api/mvccpb/kv.proto``:
a PUT carries the new version (``version == 1`` means created), a DELETE carries the key with
``mod_revision`` = the deletion revision, ``version`` 0 and an empty value; ``prev_kv`` is the
version before the change (etcd sends it only on request; here always).

Simplified: delivery is a callback, not a gRPC stream (no progress notifications, no fragments).

Delivery order (DESIGN decisions 1 and 25): a write commits and returns first; then each revision,
in commit order, goes to the matching watchers in creation order, one callback per changed key, in
the order the txn applied its ops. Writes made by a callback queue behind the delivery in progress
and never re-enter it. One pending queue, drained by one dispatcher:

* standalone (the store owns its clock): drained at the end of the outermost write, so
  ``e.put(...)`` has called the callbacks when it returns;
* on a cluster's ``Sim``: drained by a timer scheduled at the same instant, so events arrive when
  the cluster runs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k8sedu.etcd.store import Etcd, KeyValue


@dataclass(frozen=True, slots=True)
class Event:
    """One change to one key: ``type`` is ``"PUT"`` or ``"DELETE"``."""

    type: str
    kv: KeyValue
    prev_kv: KeyValue | None


class WatchHandle:
    """A live watch; ``cancel()`` (or ``stop()``) it and it gets nothing more."""

    def __init__(
        self, hub: WatchHub, watch_id: int, prefix: str, callback: Callable, next_rev: int
    ) -> None:
        self.id = watch_id
        self.prefix = prefix
        self.callback = callback
        self.next_rev = next_rev  # the first revision not yet delivered live (etcd's minRev)
        self.cancelled = False
        self._hub = hub

    def __repr__(self) -> str:
        state = " cancelled" if self.cancelled else ""
        return f"<WatchHandle id={self.id} prefix={self.prefix!r}{state}>"

    def cancel(self) -> None:
        self.cancelled = True
        self._hub.watchers.pop(self.id, None)

    stop = cancel


class WatchHub:
    """The watchers of one store and the queue of changes not yet delivered to them."""

    def __init__(self, store: Etcd) -> None:
        self._store = store
        self.watchers: dict[int, WatchHandle] = {}  # insertion order = creation order
        self._next_id = 0  # etcd numbers a stream's watches from 0
        # (watcher, events) to replay history to one new watcher, or (None, events) for one
        # committed revision that every matching watcher gets
        self._pending: deque[tuple[WatchHandle | None, list[Event]]] = deque()
        self._dispatching = False
        self._scheduled = False

    def watch(self, prefix: str, callback: Callable, start_revision: int | None) -> WatchHandle:
        current = self._store.revision
        history: list[Event] = []
        if start_revision is not None and start_revision > 0:
            history = self._store.events_since(start_revision, prefix)  # raises Compacted
        # revisions up to now come from the history, even those still queued for the others
        next_rev = max(start_revision or 0, current + 1)
        handle = WatchHandle(self, self._next_id, prefix, callback, next_rev)
        self._next_id += 1
        self.watchers[handle.id] = handle
        if history:
            self._pending.append((handle, history))
            self._kick()
        return handle

    def notify(self, events: list[Event]) -> None:
        """One revision committed: queue its events for the watchers."""
        if self.watchers:
            self._pending.append((None, events))
            self._kick()

    def _kick(self) -> None:
        if self._dispatching:
            return  # the dispatcher running now drains it after the current delivery
        if self._store.standalone:
            self._dispatch()
        elif not self._scheduled:
            self._scheduled = True
            self._store.sim.schedule(0, self._dispatch)

    def _dispatch(self) -> None:
        self._scheduled = False
        self._dispatching = True
        try:
            pending = self._pending
            while pending:
                only, events = pending.popleft()
                if only is not None:
                    for event in events:
                        if only.cancelled:
                            break
                        only.callback(event)
                    continue
                rev = events[0].kv.mod_revision
                for watcher in list(self.watchers.values()):
                    if rev < watcher.next_rev:
                        continue  # created after this revision committed
                    watcher.next_rev = rev + 1
                    for event in events:
                        if watcher.cancelled:
                            break
                        if event.kv.key.startswith(watcher.prefix):
                            watcher.callback(event)
        finally:
            self._dispatching = False
