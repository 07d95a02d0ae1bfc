"""The API server's storage layer: objects as JSON in etcd, served from a watch cache.

Objects are stored as JSON under their real etcd keys, without ``resourceVersion`` (etcd's
``mod_revision`` is the resourceVersion, set when the object is read back — as the real
storage layer does in ``staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go``).

Reads are served from a watch cache (``pkg/storage/cacher``): one decoded object per key, shared
read-only with the components' informers, plus the history of changes since the last compaction
so that watches can resume from a resourceVersion. Before every request the cache catches up with
etcd (``events_since``), so writes made straight to etcd — as lesson 02 does — are seen too.
Simplified: one cache over the whole ``/registry/`` prefix instead of one cacher per resource.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple

import orjson

from k8sedu.apiserver.registry import RESOURCES, Resource
from k8sedu.errors import gone

_PREFIXES = sorted(((r.key_prefix + "/", r) for r in RESOURCES), key=lambda p: -len(p[0]))


class Change(NamedTuple):
    """One committed change, as the watch cache remembers it."""

    revision: int
    resource: str
    type: str  # ADDED, MODIFIED, DELETED
    object: dict
    old: dict | None


# ObjectMeta fields tagged `omitempty`: an empty list or map is not written at all
OMIT_EMPTY = ("labels", "annotations", "ownerReferences", "finalizers", "managedFields")


def encode(obj: dict) -> str:
    """The bytes stored in etcd: compact JSON without ``metadata.resourceVersion`` (and without
    empty ``omitempty`` metadata fields, which Go's encoder drops: a released pod's
    ``ownerReferences: []`` disappears)."""
    meta = obj["metadata"]
    for field in OMIT_EMPTY:
        if field in meta and not meta[field]:
            del meta[field]
    rv = meta.pop("resourceVersion", None)
    try:
        return orjson.dumps(obj).decode()
    finally:
        if rv is not None:
            meta["resourceVersion"] = rv


def decode(data: str, revision: int) -> dict:
    """A fresh object from stored bytes, with ``resourceVersion`` = the key's ``mod_revision``."""
    obj = orjson.loads(data)
    obj["metadata"]["resourceVersion"] = str(revision)
    return obj


def resource_for_key(key: str) -> tuple[Resource, str] | None:
    """``/registry/pods/default/web`` → (pods, ``default/web``)."""
    for prefix, res in _PREFIXES:
        if key.startswith(prefix):
            return res, key[len(prefix) :]
    return None


class Entry(NamedTuple):
    object: dict  # shared and read-only: never mutate
    data: str  # the stored JSON (without resourceVersion), to decode cheap copies from


class WatchCache:
    """Decoded objects per resource and key, and the history of changes since the compaction."""

    def __init__(self, etcd) -> None:
        self.etcd = etcd
        self.objects: dict[str, dict[str, Entry]] = {r.plural: {} for r in RESOURCES}
        self.history: deque[Change] = deque()
        self.revision = etcd.revision
        self.oldest = etcd.revision  # history covers revisions > oldest
        self.load()

    def load(self) -> None:
        """Fill the cache from a full range read (a restarted API server re-lists etcd)."""
        for table in self.objects.values():
            table.clear()
        self.history.clear()
        rev = self.etcd.revision
        for kv in self.etcd.range("/registry/"):
            found = resource_for_key(kv.key)
            if found is None:
                continue
            res, key = found
            obj = _safe_decode(kv.value, kv.mod_revision)
            if obj is not None:
                self.objects[res.plural][key] = Entry(obj, kv.value)
        self.revision = self.oldest = rev

    def catch_up(self) -> list[Change]:
        """Apply writes that reached etcd without going through this server; return them."""
        if self.etcd.revision == self.revision:
            return []
        from k8sedu.etcd import (
            Compacted,  # a sibling package; imported late to keep import order simple
        )

        try:
            events = self.etcd.events_since(self.revision + 1, "/registry/")
        except Compacted:
            self.load()
            return []
        changes = []
        for ev in events:
            found = resource_for_key(ev.kv.key)
            if found is None:
                continue
            res, key = found
            table = self.objects[res.plural]
            old = table.get(key)
            if ev.type == "DELETE":
                if old is None:
                    continue
                del table[key]
                gone_obj = decode(old.data, ev.kv.mod_revision)
                changes.append(
                    self.remember(res.plural, "DELETED", gone_obj, old.object, ev.kv.mod_revision)
                )
            else:
                obj = _safe_decode(ev.kv.value, ev.kv.mod_revision)
                if obj is None:
                    continue
                table[key] = Entry(obj, ev.kv.value)
                kind = "MODIFIED" if old is not None else "ADDED"
                changes.append(
                    self.remember(res.plural, kind, obj, old and old.object, ev.kv.mod_revision)
                )
        self.revision = self.etcd.revision
        return changes

    def remember(
        self, resource: str, type_: str, obj: dict, old: dict | None, revision: int
    ) -> Change:
        change = Change(revision, resource, type_, obj, old)
        self.history.append(change)
        self.revision = max(self.revision, revision)
        return change

    def put(
        self, resource: str, key: str, obj: dict, data: str, revision: int, old: dict | None
    ) -> Change:
        self.objects[resource][key] = Entry(obj, data)
        return self.remember(
            resource, "MODIFIED" if old is not None else "ADDED", obj, old, revision
        )

    def remove(self, resource: str, key: str, revision: int) -> Change:
        old = self.objects[resource].pop(key)
        final = decode(old.data, revision)
        return self.remember(resource, "DELETED", final, old.object, revision)

    def get(self, resource: str, key: str) -> Entry | None:
        return self.objects[resource].get(key)

    def entries(self, res: Resource, namespace: str | None) -> list[tuple[str, Entry]]:
        """Entries in key order (etcd's range order), optionally within one namespace."""
        table = self.objects[res.plural]
        if res.namespaced and namespace:
            prefix = namespace + "/"
            keys = sorted(k for k in table if k.startswith(prefix))
        else:
            keys = sorted(table)
        return [(k, table[k]) for k in keys]

    def changes_after(self, revision: int) -> list[Change]:
        """History after ``revision``; ``Gone`` when it reaches below what is kept."""
        if revision < self.oldest:
            raise gone(revision, self.oldest)
        return [c for c in self.history if c.revision > revision]

    def compacted(self, revision: int) -> None:
        """Forget history at or below an etcd compaction."""
        while self.history and self.history[0].revision <= revision:
            self.history.popleft()
        self.oldest = max(self.oldest, revision)


def _safe_decode(data: str, revision: int) -> dict | None:
    try:
        obj = decode(data, revision)
    except (ValueError, TypeError, KeyError):
        return None  # not an API object (a learner's own key under /registry/): the cache skips it
    return obj if isinstance(obj.get("metadata"), dict) else None
