"""etcd's MVCC key-value store: every write makes a new revision, and old revisions stay readable.

Models etcd v3's ``server/storage/mvcc`` (``kvstore.go``, ``kvstore_txn.go``, ``key_index.go``)
with the field rules of ``api/mvccpb/kv.proto``: one store-wide revision counter that each write
transaction (a put, a delete, or a whole txn) raises by exactly one; per key a ``create_revision``,
``mod_revision`` and ``version``; reads at any past revision until ``compact`` drops the history
before it. Watches (``watch.py``) replay that history; leases (``lease.py``) delete keys on time.

Simplified: one member (no Raft, no disk: the whole history lives in memory); revisions have no
sub-revision (etcd's ``{main, sub}``: a txn may not write a key twice, so each key has at most one
version per revision); ranges are prefixes; txns do not nest.

The key index
-------------
etcd keeps a ``keyIndex`` per key: the revisions that wrote it, grouped into *generations*. A
generation starts when the key is created and ends with a *tombstone* (its deletion); reading the
key at revision ``r`` means finding the last revision ``<= r`` and, if that is a tombstone, answering
"no such key". Here a ``KeyIndex`` keeps the same thing as two parallel lists, ``revs`` and ``kvs``
(the ``KeyValue`` written at each revision; a tombstone has ``version == 0``), and ``key_index(key)``
shows them grouped into generations as etcd does. A worked trace on a fresh store::

    >>> e = Etcd()
    >>> e.revision                        # a fresh store is at revision 1
    1
    >>> e.put("foo", "a"), e.put("foo", "b"), e.put("bar", "x")
    (2, 3, 4)
    >>> e.delete("foo"), e.put("foo", "c")
    (5, 6)
    >>> e.key_index("foo")                # created at 2, tombstone at 5; re-created at 6
    [[2, 3, 5], [6]]
    >>> e.get("foo")                      # a new generation: version restarts at 1
    KeyValue(key='foo', value='c', create_revision=6, mod_revision=6, version=1, lease=0)
    >>> e.get("foo", revision=3).value, e.get("foo", revision=5)
    ('b', None)
    >>> e.compact(5)                      # 2 and 3 are superseded at 5: dropped
    >>> e.key_index("foo"), e.key_index("bar")
    ([[5], [6]], [[4]])
    >>> e.compact(6)                      # the tombstone at 5 is older than 6: dropped too
    >>> e.key_index("foo"), e.stats()
    ([[6]], {'revision': 6, 'compacted_revision': 6, 'keys': 2, 'versions': 2})
    >>> e.get("foo", revision=4)
    Traceback (most recent call last):
    ...
    k8sedu.etcd.store.Compacted: mvcc: required revision has been compacted
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from k8sedu.etcd.lease import Lessor
from k8sedu.etcd.txn import check_compare, check_key, check_ops, compare_kv
from k8sedu.etcd.watch import Event, WatchHandle, WatchHub
from k8sedu.sim import Sim


class Compacted(Exception):
    """A read or watch asked for a revision that compaction has dropped (``ErrCompacted``)."""

    def __init__(self) -> None:
        super().__init__("mvcc: required revision has been compacted")


class FutureRevision(Exception):
    """A read asked for a revision the store has not reached yet (``ErrFutureRev``)."""

    def __init__(self) -> None:
        super().__init__("mvcc: required revision is a future revision")


@dataclass(frozen=True, slots=True)
class KeyValue:
    """One version of a key, as etcd's ``mvccpb.KeyValue`` (``lease`` 0 = no lease)."""

    key: str
    value: str
    create_revision: int
    mod_revision: int
    version: int
    lease: int = 0


class KeyIndex:
    """Every version of one key still stored: ``revs[i]`` wrote ``kvs[i]``; oldest first."""

    __slots__ = ("revs", "kvs")

    def __init__(self) -> None:
        self.revs: list[int] = []
        self.kvs: list[KeyValue] = []

    def at(self, revision: int) -> KeyValue | None:
        """The version in effect at ``revision`` (a tombstone if deleted), None if none yet."""
        if revision >= self.revs[-1]:
            return self.kvs[-1]
        i = bisect_right(self.revs, revision) - 1
        return self.kvs[i] if i >= 0 else None

    def compact(self, revision: int) -> int:
        """Drop the versions superseded at ``revision``; return how many were dropped.

        The last version at or before ``revision`` stays (it is what a read at ``revision``
        sees), unless it is a tombstone older than ``revision`` (as etcd's ``keyIndex.compact``).
        """
        i = bisect_right(self.revs, revision) - 1
        if i < 0:
            return 0
        if self.kvs[i].version == 0 and self.revs[i] < revision:
            i += 1
        del self.revs[:i]
        del self.kvs[:i]
        return i

    def generations(self) -> list[list[int]]:
        """The revisions grouped as etcd's generations; a tombstone closes one."""
        groups: list[list[int]] = [[]]
        for rev, kv in zip(self.revs, self.kvs):
            groups[-1].append(rev)
            if kv.version == 0:
                groups.append([])
        return groups


class Etcd:
    """An etcd v3 store; standalone with a private clock, or on a cluster's ``Sim``."""

    def __init__(self, sim: Sim | None = None) -> None:
        # standalone: watch callbacks run before a write returns; on a cluster clock they run
        # when the cluster runs, at the same instant (DESIGN decisions 1 and 25)
        self.standalone = sim is None
        self.sim = Sim() if sim is None else sim
        self._rev = 1
        self._compacted = 0  # 0 = never compacted
        self._index: dict[str, KeyIndex] = {}
        self._keys: list[str] = []  # every key in _index, sorted: a prefix range is a slice
        self._uncompacted: set[str] = set()  # keys a compaction may still shorten
        self._live = 0
        self._versions = 0
        self._log: list[Event] = []  # every change since the compaction, in revision order
        self._log_revs: list[int] = []  # the revision of each _log entry, for bisect
        self._watch = WatchHub(self)
        self._lessor = Lessor(self)

    def __repr__(self) -> str:
        return f"<Etcd revision={self._rev} keys={self._live}>"

    @property
    def revision(self) -> int:
        """The store's current revision: the revision of the last write."""
        return self._rev

    @property
    def compacted_revision(self) -> int:
        """The last compaction revision (0 if never compacted); reads below it fail."""
        return self._compacted

    @property
    def now(self) -> float:
        return self.sim.now

    def run(self, seconds: float) -> None:
        """Advance the clock by ``seconds``; leases that run out meanwhile expire."""
        self.sim.run(seconds)

    # --- reads -------------------------------------------------------------------------------

    def get(self, key: str, revision: int | None = None) -> KeyValue | None:
        """The key as it was at ``revision`` (default: now), or None if it did not exist."""
        return self._get_at(key, self._read_revision(revision))

    def range(
        self, prefix: str = "", revision: int | None = None, *, limit: int | None = None
    ) -> list[KeyValue]:
        """Every key starting with ``prefix`` as at ``revision``, sorted by key (limit 0 = all)."""
        return self._range_at(prefix, self._read_revision(revision), limit)

    def key_index(self, key: str) -> list[list[int]]:
        """The stored revisions of ``key`` by generation (etcd's ``keyIndex``); [] if none."""
        index = self._index.get(key)
        return index.generations() if index is not None else []

    def _get_at(self, key: str, rev: int) -> KeyValue | None:
        index = self._index.get(key)
        kv = index.at(rev) if index is not None else None
        return kv if kv is not None and kv.version else None

    def _range_at(self, prefix: str, rev: int, limit: int | None = None) -> list[KeyValue]:
        found: list[KeyValue] = []
        for key in islice(self._keys, bisect_left(self._keys, prefix), None):
            if not key.startswith(prefix):
                break
            kv = self._index[key].at(rev)
            if kv is not None and kv.version:
                found.append(kv)
                if limit and len(found) >= limit:
                    break
        return found

    def _read_revision(self, revision: int | None) -> int:
        # etcd's rangeKeys: a revision <= 0 means "now" (kvstore_txn.go)
        if revision is None or revision <= 0:
            return self._rev
        if revision > self._rev:
            raise FutureRevision()
        if revision < self._compacted:
            raise Compacted()
        return revision

    # --- writes ------------------------------------------------------------------------------

    def put(self, key: str, value: str, lease: int | None = None) -> int:
        """Write ``key``; returns the new revision. ``lease`` attaches the key to a lease."""
        check_key(key, value)
        if lease:
            self._lessor.check(lease)
        changes: list[Event] = []
        self._put(key, value, lease or 0, changes)
        return self._commit(changes)

    def delete(self, key: str) -> int:
        """Delete ``key``; returns the new revision, or the current one if it did not exist."""
        check_key(key)
        changes: list[Event] = []
        self._delete(key, changes)
        return self._commit(changes)

    def txn(self, compare: list, success: list, failure: list) -> tuple[bool, list]:
        """If every compare holds run ``success``, else ``failure``: atomically, one revision.

        Returns ``(succeeded, responses)``, one response per op: get -> KeyValue or None,
        range -> list of KeyValue, put -> the previous KeyValue or None, delete -> keys deleted.
        Compares and ops are described in ``txn.py``.
        """
        for cmp in compare:
            check_compare(cmp)
        check_ops(success)
        check_ops(failure)
        succeeded = all(compare_kv(self._get_at(cmp[0], self._rev), *cmp[1:]) for cmp in compare)
        ops = success if succeeded else failure
        for op in ops:  # etcd checks the leases of the chosen branch before applying any op
            if op[0] == "put" and len(op) == 4 and op[3]:
                self._lessor.check(op[3])
        changes: list[Event] = []
        responses = [self._apply(op, changes) for op in ops]
        self._commit(changes)
        return succeeded, responses

    def compact(self, revision: int) -> None:
        """Drop every version superseded at ``revision``; reads below it then raise Compacted."""
        if revision <= self._compacted:  # kvstore.go updateCompactRev
            raise Compacted()
        if revision > self._rev:
            raise FutureRevision()
        self._compacted = revision
        # only keys written since they were last compacted to one live version can shrink
        for key in sorted(self._uncompacted):
            index = self._index[key]
            self._versions -= index.compact(revision)
            if not index.revs:
                del self._index[key]
            if len(index.revs) <= 1 and (not index.kvs or index.kvs[0].version):
                self._uncompacted.discard(key)
        if len(self._keys) != len(self._index):
            self._keys = [key for key in self._keys if key in self._index]
        cut = bisect_left(self._log_revs, revision)
        del self._log[:cut]
        del self._log_revs[:cut]

    def _apply(self, op: tuple, changes: list[Event]) -> object:
        name = op[0]
        # a txn reads its own earlier writes (kvstore_txn.go: rev+1 once there are changes)
        rev = self._rev + 1 if changes else self._rev
        if name == "get":
            return self._get_at(op[1], rev)
        if name == "range":
            return self._range_at(op[1], rev)
        if name == "put":
            return self._put(op[1], op[2], op[3] if len(op) == 4 else 0, changes)
        return 1 if self._delete(op[1], changes) else 0

    def _put(self, key: str, value: str, lease: int, changes: list[Event]) -> KeyValue | None:
        """Write one version at the next revision; return the previous live version."""
        rev = self._rev + 1
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = KeyIndex()
            insort(self._keys, key)
            prev = None
        else:
            prev = index.kvs[-1]
            if prev.version == 0:
                prev = None
        if prev is None:
            kv = KeyValue(key, value, rev, rev, 1, lease)
            self._live += 1
        else:
            kv = KeyValue(key, value, prev.create_revision, rev, prev.version + 1, lease)
            if prev.lease:
                self._lessor.detach(prev.lease, key)
        if lease:
            self._lessor.attach(lease, key)
        index.revs.append(rev)
        index.kvs.append(kv)
        self._uncompacted.add(key)
        self._versions += 1
        changes.append(Event("PUT", kv, prev))
        return prev

    def _delete(self, key: str, changes: list[Event]) -> bool:
        """Write a tombstone at the next revision; False if the key does not exist."""
        index = self._index.get(key)
        if index is None or index.kvs[-1].version == 0:
            return False
        prev = index.kvs[-1]
        rev = self._rev + 1
        # the DELETE event carries the key with mod_revision = the deletion (kv.proto)
        tombstone = KeyValue(key, "", 0, rev, 0, 0)
        index.revs.append(rev)
        index.kvs.append(tombstone)
        self._uncompacted.add(key)
        self._versions += 1
        self._live -= 1
        if prev.lease:
            self._lessor.detach(prev.lease, key)
        changes.append(Event("DELETE", tombstone, prev))
        return True

    def _delete_keys(self, keys: list[str]) -> None:
        """Delete ``keys`` in one write transaction (a lease revoke or expiry)."""
        changes: list[Event] = []
        for key in keys:
            self._delete(key, changes)
        self._commit(changes)

    def _commit(self, changes: list[Event]) -> int:
        """End a write transaction: one new revision if it changed anything, then notify."""
        if not changes:
            return self._rev
        rev = self._rev = self._rev + 1
        self._log.extend(changes)
        self._log_revs.extend([rev] * len(changes))
        self._watch.notify(changes)  # standalone: callbacks (and their writes) run here
        return rev

    # --- watches and leases (watch.py, lease.py) ---------------------------------------------

    def watch(
        self, prefix: str, callback: Callable[[Event], object], start_revision: int | None = None
    ) -> WatchHandle:
        """Call ``callback(event)`` for every change under ``prefix`` (from ``start_revision``)."""
        return self._watch.watch(prefix, callback, start_revision)

    def events_since(self, start_revision: int, prefix: str = "") -> list[Event]:
        """Every change under ``prefix`` from ``start_revision`` (inclusive) to now."""
        if start_revision < self._compacted:
            raise Compacted()
        start = bisect_left(self._log_revs, start_revision)
        return [event for event in self._log[start:] if event.kv.key.startswith(prefix)]

    def grant(self, ttl: int) -> int:
        """A new lease of ``ttl`` seconds; returns its id."""
        return self._lessor.grant(ttl)

    def keepalive(self, lease_id: int) -> int:
        """Restart the lease's countdown; returns its TTL."""
        return self._lessor.keepalive(lease_id)

    def revoke(self, lease_id: int) -> None:
        """End the lease now, deleting its keys in one revision."""
        self._lessor.revoke(lease_id)

    def time_to_live(self, lease_id: int) -> int:
        """Whole seconds the lease has left, -1 if there is no such lease."""
        return self._lessor.time_to_live(lease_id)

    def leases(self) -> list[int]:
        """The ids of the live leases, soonest expiry first."""
        return self._lessor.leases()

    def stats(self) -> dict:
        """Revision, compaction, live keys and stored versions (tombstones included)."""
        return {
            "revision": self._rev,
            "compacted_revision": self._compacted,
            "keys": self._live,
            "versions": self._versions,
        }
