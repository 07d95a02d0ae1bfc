"""Informers: a component's local, indexed, read-only cache of one resource, kept by list + watch.

Models client-go's ``SharedIndexInformer`` (``tools/cache/shared_informer.go``, ``reflector.go``,
``thread_safe_store.go``). An informer lists a resource once, then watches from the list's
resourceVersion; every change updates the cache first and then calls the registered handlers
(``on_add(obj)``, ``on_update(old, new)``, ``on_delete(obj)``). Controllers read only from the cache
and write through the API. One informer per resource is shared by all the controllers of one
process (an ``InformerFactory`` per component), and cached objects are the API server's shared
objects: **never mutate them** (DESIGN decision 3) — copy first.

When the watch breaks (the API server stopped, or a 410 Gone) the informer lists again and tells
the handlers what changed meanwhile, as the reflector's ``ListAndWatch`` loop does; while the API
server is unreachable it retries with the reflector's back-off (0.8 s doubling to 30 s).

Simplified: the API server calls the watch's ``on_close`` when it ends it, where a real client
sees the TCP connection close; no jitter on the back-off; no periodic resync; a deleted object is handed to ``on_delete``
as last seen (no ``DeletedFinalStateUnknown`` tombstones); handlers run synchronously, in
registration order, and a handler that raises is recorded in the trace instead of crashing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from k8sedu.errors import APIError, ConnectionRefused

if TYPE_CHECKING:
    from k8sedu.apiserver.client import Client
    from k8sedu.component import Component

IndexFunc = Callable[[dict], list[str]]

RETRY_INITIAL = 0.8  # reflector.go: NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0)
RETRY_MAX = 30.0


def key_of(obj: dict) -> str:
    """The cache key: ``namespace/name``, or ``name`` for cluster-scoped objects
    (``cache.MetaNamespaceKeyFunc``)."""
    meta = obj["metadata"]
    ns = meta.get("namespace")
    return f"{ns}/{meta['name']}" if ns else meta["name"]


def split_key(key: str) -> tuple[str | None, str]:
    """``"default/web"`` → ``("default", "web")``; ``"node-1"`` → ``(None, "node-1")``."""
    ns, sep, name = key.partition("/")
    return (ns, name) if sep else (None, ns)


# -- index functions (module functions, so informers pickle) --------------------------------------


def index_by_namespace(obj: dict) -> list[str]:
    ns = obj["metadata"].get("namespace")
    return [ns] if ns else []


def index_by_uid(obj: dict) -> list[str]:
    return [obj["metadata"]["uid"]]


def index_by_owner_uid(obj: dict) -> list[str]:
    return [ref["uid"] for ref in obj["metadata"].get("ownerReferences") or ()]


def index_by_node_name(obj: dict) -> list[str]:
    node = (obj.get("spec") or {}).get("nodeName")
    return [node] if node else []


class EventHandler(NamedTuple):
    """One registration: any of the three callbacks may be None."""

    on_add: Callable[[dict], object] | None = None
    on_update: Callable[[dict, dict], object] | None = None
    on_delete: Callable[[dict], object] | None = None


class Informer:
    """The cache of one resource (optionally narrowed by namespace or selectors) and its handlers."""

    def __init__(
        self,
        owner: Component,
        client: Client,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> None:
        self.owner = owner
        self.client = client
        self.resource = resource
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.items: dict[str, dict] = {}
        self.indexers: dict[str, IndexFunc] = {"namespace": index_by_namespace}
        self.indices: dict[str, dict[str, dict[str, None]]] = {"namespace": {}}
        self.handlers: list[EventHandler] = []
        self.resource_version = ""
        self.synced = False
        self.running = False
        self.watch = None
        self._retry_delay = 0.0
        self._retry_timer = None

    def __repr__(self) -> str:
        return f"<Informer {self.resource} {len(self.items)} objects{'' if self.synced else ', not synced'}>"

    # -- reading the cache ----------------------------------------------------------------------

    def has_synced(self) -> bool:
        """True once the first list is in the cache (``cache.WaitForCacheSync``)."""
        return self.synced

    def get(self, key: str) -> dict | None:
        """The cached object under ``ns/name`` (or ``name``), or None. Read-only."""
        return self.items.get(key)

    def list(self, namespace: str | None = None) -> list[dict]:
        """Cached objects in key order, optionally within one namespace. Read-only."""
        if namespace is not None:
            return self.by_index("namespace", namespace)
        return [self.items[k] for k in sorted(self.items)]

    def by_index(self, index: str, value: str) -> list[dict]:
        """Objects whose index function returned ``value``, in key order (``ByIndex``)."""
        keys = self.indices[index].get(value, {})
        return [self.items[k] for k in sorted(keys)]

    def add_indexers(self, indexers: dict[str, IndexFunc]) -> None:
        """Add named index functions (module functions); existing objects are indexed now."""
        for name, fn in indexers.items():
            if self.indexers.get(name) is fn:
                continue
            if name in self.indexers:
                raise ValueError(
                    f"indexer conflict: {name!r} is already registered on {self.resource}"
                )
            self.indexers[name] = fn
            self.indices[name] = {}
            for key, obj in self.items.items():
                self._index(name, fn, key, obj)

    # -- handlers -------------------------------------------------------------------------------

    def add_handler(self, handler: EventHandler) -> EventHandler:
        """Register handlers; objects already cached are replayed to ``on_add`` (as client-go does)."""
        self.handlers.append(handler)
        if handler.on_add is not None:
            for key in sorted(self.items):
                self._call(handler.on_add, self.items[key])
        return handler

    def remove_handler(self, handler: EventHandler) -> None:
        if handler in self.handlers:
            self.handlers.remove(handler)

    # -- list + watch ---------------------------------------------------------------------------

    def start(self) -> None:
        if not self.running:
            self.running = True
            self._list_and_watch()

    def stop(self) -> None:
        """Forget everything (the owner's stop ends the watch and the timers)."""
        self.running = False
        if self.watch is not None:
            self.watch.stop()
        if self._retry_timer is not None:
            self._retry_timer.cancel()
        self.watch = self._retry_timer = None
        self.items.clear()
        for index in self.indices.values():
            index.clear()
        self.synced = False

    def check_watch(self) -> None:
        """Re-list if the watch was closed under us (the API server stopped): its ``on_close``."""
        if self.running and self.watch is not None and self.watch.stopped:
            self.watch = None
            self._list_and_watch()

    def _list_and_watch(self) -> None:
        self._retry_timer = None
        if not self.running:
            return
        try:
            items = self.client.list(
                self.resource, self.namespace, self.label_selector, self.field_selector, shared=True
            )
            self._replace(items)
            self.resource_version = items.resource_version
            self.watch = self.client.watch(
                self.resource,
                self._on_event,
                self.namespace,
                resource_version=items.resource_version,
                label_selector=self.label_selector,
                field_selector=self.field_selector,
                shared=True,
                on_close=self.check_watch,
            )
        except (ConnectionRefused, APIError):
            # unreachable, etcd down, or 410 Gone: list again after a back-off
            self._retry_delay = min(RETRY_MAX, self._retry_delay * 2 or RETRY_INITIAL)
            self._retry_timer = self.owner.schedule(self._retry_delay, self._list_and_watch)
            return
        self.owner.own_watch(self.watch)
        self._retry_delay = 0.0

    def _replace(self, objs: list[dict]) -> None:
        """Install a fresh list; tell the handlers what changed since the cache was last right."""
        old = self.items
        self.items = {}
        for index in self.indices.values():
            index.clear()
        for obj in objs:
            self._put(key_of(obj), obj, None)
        self.synced = True
        for key, obj in self.items.items():
            before = old.get(key)
            if before is None:
                self._notify_add(obj)
            else:
                self._notify_update(before, obj)
        for key in sorted(old):
            if key not in self.items:
                self._notify_delete(old[key])

    def _on_event(self, event: dict) -> None:
        obj = event["object"]
        key = key_of(obj)
        old = self.items.get(key)
        if event["type"] in ("ADDED", "MODIFIED"):
            self.resource_version = obj["metadata"]["resourceVersion"]
            self._put(key, obj, old)
            if old is None:
                self._notify_add(obj)
            else:
                self._notify_update(old, obj)
        elif event["type"] == "DELETED":
            self.resource_version = obj["metadata"]["resourceVersion"]
            if old is not None:
                self._remove(key, old)
                self._notify_delete(obj)

    # -- the indexed store ----------------------------------------------------------------------

    def _put(self, key: str, obj: dict, old: dict | None) -> None:
        self.items[key] = obj
        for name, fn in self.indexers.items():
            after = fn(obj)
            if old is not None:
                before = fn(old)
                if before == after:
                    continue  # most updates keep every indexed value (a namespace, an owner)
                self._unindex_values(name, key, before)
            self._index_values(name, key, after)

    def _remove(self, key: str, old: dict) -> None:
        self._unindex(key, old)
        del self.items[key]

    def _index(self, name: str, fn: IndexFunc, key: str, obj: dict) -> None:
        self._index_values(name, key, fn(obj))

    def _index_values(self, name: str, key: str, values) -> None:
        index = self.indices[name]
        for value in values:
            index.setdefault(value, {})[key] = None

    def _unindex(self, key: str, obj: dict) -> None:
        for name, fn in self.indexers.items():
            self._unindex_values(name, key, fn(obj))

    def _unindex_values(self, name: str, key: str, values) -> None:
        index = self.indices[name]
        for value in values:
            keys = index.get(value)
            if keys is not None:
                keys.pop(key, None)
                if not keys:
                    del index[value]

    # -- calling handlers -----------------------------------------------------------------------

    def _notify_add(self, obj: dict) -> None:
        for h in tuple(self.handlers):
            if h.on_add is not None:
                self._call(h.on_add, obj)

    def _notify_update(self, old: dict, new: dict) -> None:
        for h in tuple(self.handlers):
            if h.on_update is not None:
                self._call(h.on_update, old, new)

    def _notify_delete(self, obj: dict) -> None:
        for h in tuple(self.handlers):
            if h.on_delete is not None:
                self._call(h.on_delete, obj)

    def _call(self, fn: Callable, *args: dict) -> None:
        try:
            fn(*args)
        except Exception as error:  # a broken handler must not stop the informer
            trace = self.owner.cluster.trace
            detail = f"{type(error).__name__}: {error}"
            trace.record(
                self.owner.sim.now,
                self.client.component,
                "handler-error",
                self.resource,
                key_of(args[-1]),
                detail,
            )


class InformerFactory:
    """The shared informers of one component (``SharedInformerFactory``): one per resource+filter.

    ``informer("pods")`` creates (and, once the factory runs, starts) the informer on first use;
    every later call returns the same one.
    """

    def __init__(self, owner: Component, client: Client) -> None:
        self.owner = owner
        self.client = client
        self.informers: dict[tuple, Informer] = {}
        self.running = False

    def informer(
        self,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> Informer:
        key = (resource, namespace, label_selector, field_selector)
        informer = self.informers.get(key)
        if informer is None:
            informer = Informer(
                self.owner, self.client, resource, namespace, label_selector, field_selector
            )
            self.informers[key] = informer
            if self.running:
                informer.start()
        return informer

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        for informer in list(self.informers.values()):
            informer.start()

    def stop(self) -> None:
        self.running = False
        for informer in self.informers.values():
            informer.stop()

    def has_synced(self) -> bool:
        return all(informer.synced for informer in self.informers.values())
