"""Watches: every committed change reaches each matching watcher, in commit order.

Delivery follows DESIGN decision 1: a write commits and returns first; each matching watcher then
gets one event at the same simulated instant, changes in commit order, watchers in creation order.
A handler's own writes queue behind the change being delivered; nothing re-enters mid-write.
When the API server stops, it ends every watch and schedules each one's ``on_close`` callback:
what a real client learns from the closed connection (informers re-list on it).
With a label or field selector, an object that starts matching arrives as ADDED and one that
stops matching as DELETED, as the real watch cache filters (``cacher.go``, ``watchCacheEvent``).
Like the cacher's indexed triggers (``pkg/registry/core/pod/storage``: pods by ``spec.nodeName``),
a watch on one node's pods - every kubelet's - is offered only the changes of pods on that node.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from k8sedu import objects
from k8sedu.apiserver.storage import Change

if TYPE_CHECKING:
    from k8sedu.apiserver.server import APIServer


class Watcher:
    """One open watch. ``stop()`` ends it; no event arrives after that."""

    def __init__(
        self,
        server: APIServer,
        resource: str,
        handler: Callable[[dict], object],
        namespace: str | None,
        label_selector,
        field_selector,
        copies: bool,
        component: str,
        on_close: Callable[[], object] | None = None,
    ) -> None:
        self.server = server
        self.resource = resource
        self.handler = handler
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.copies = copies
        self.component = component
        self.on_close = on_close  # called when the server (not the client) ends the watch
        self.node_trigger = _node_trigger(resource, field_selector)
        self.stopped = False
        # changes at or below this revision are already covered by the watch's backlog
        self.start_revision = server.cache.revision

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.server.watchers.remove(self)

    cancel = stop

    def matches(self, obj: dict) -> bool:
        meta = obj["metadata"]
        if self.namespace and meta.get("namespace") != self.namespace:
            return False
        if self.label_selector is not None and not self.label_selector.matches(meta.get("labels")):
            return False
        return self.field_selector is None or objects.field_matches(
            self.resource, obj, self.field_selector
        )

    def event_for(self, change: Change) -> dict | None:
        """The event this watcher sees for a change, or None if it is filtered out."""
        now = self.matches(change.object)
        if change.type == "DELETED":
            return {"type": "DELETED", "object": change.object} if now else None
        before = change.old is not None and self.matches(change.old)
        if now:
            return {"type": "MODIFIED" if before else "ADDED", "object": change.object}
        if before:
            return {"type": "DELETED", "object": change.object}
        return None

    def deliver(self, event: dict) -> None:
        if self.copies:
            obj = event["object"]
            event = {"type": event["type"], "object": objects.clone(obj)}
        self.handler(event)


class Watchers:
    """The open watches per resource and the queue of changes waiting to be delivered."""

    def __init__(self, sim, trace) -> None:
        self.sim = sim
        self.trace = trace
        self.by_resource: dict[str, list[Watcher]] = {}
        self.pending: deque[Change] = deque()
        self.scheduled = False
        self.delivered = 0

    def add(self, watcher: Watcher) -> None:
        self.by_resource.setdefault(watcher.resource, []).append(watcher)

    def remove(self, watcher: Watcher) -> None:
        lst = self.by_resource.get(watcher.resource)
        if lst and watcher in lst:
            lst.remove(watcher)

    def stop_all(self) -> None:
        """The server goes away: end every watch and tell the clients that asked to know."""
        for lst in self.by_resource.values():
            for w in lst:
                w.stopped = True
                if w.on_close is not None:
                    self.sim.schedule(0, w.on_close)
            lst.clear()

    def publish(self, change: Change) -> None:
        if self.by_resource.get(change.resource):
            self._enqueue(change)

    def replay(self, watcher: Watcher, events: list[dict]) -> None:
        """Queue a new watch's backlog (initial state or history) ahead of later changes."""
        self._enqueue((watcher, events))

    def _enqueue(self, item) -> None:
        self.pending.append(item)
        if not self.scheduled:
            self._enqueue_dispatch()

    def dispatch(self) -> None:
        """Deliver every pending change (and the changes handlers make meanwhile) in order."""
        try:
            self._drain()
        finally:
            # a handler that raised leaves the rest queued for the next instant's dispatch
            self.scheduled = False
            if self.pending:
                self._enqueue_dispatch()

    def _enqueue_dispatch(self) -> None:
        self.scheduled = True
        self.sim.schedule(0, self.dispatch)

    def _drain(self) -> None:
        pending = self.pending
        while pending:
            item = pending.popleft()
            if isinstance(item, tuple) and not isinstance(item, Change):
                watcher, events = item
                for event in events:
                    if watcher.stopped:
                        break
                    self._send(watcher, event, watcher.resource)
                continue
            nodes = _node_names(item) if item.resource == "pods" else ()
            for watcher in tuple(self.by_resource.get(item.resource, ())):
                if watcher.stopped or item.revision <= watcher.start_revision:
                    continue
                if watcher.node_trigger is not None and watcher.node_trigger not in nodes:
                    continue  # a pod on another node: this watch cannot match it
                event = watcher.event_for(item)
                if event is not None:
                    self._send(watcher, event, item.resource)

    def _send(self, watcher: Watcher, event: dict, resource: str) -> None:
        self.delivered += 1
        self.trace.count(watcher.component, "watch-event", resource)
        watcher.deliver(event)


def _node_trigger(resource: str, field_selector) -> str | None:
    """The node a pod watch is narrowed to by ``spec.nodeName=<node>`` alone, else None."""
    if resource == "pods" and field_selector and len(field_selector) == 1:
        field, op, value = field_selector[0]
        if field == "spec.nodeName" and op in ("=", "=="):
            return value
    return None


def _node_names(change: Change) -> tuple[str, str]:
    """The pod's node before and after the change (``""``: unbound)."""
    new = (change.object.get("spec") or {}).get("nodeName") or ""
    old = ((change.old or {}).get("spec") or {}).get("nodeName") or ""
    return new, old
