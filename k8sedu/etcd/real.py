"""A real etcd server as the cluster's store: the interface of ``Etcd``, served by etcd itself.

``RealEtcd`` answers put/get/range/delete/txn/compact, watches and leases by calling a real etcd
v3 member through its JSON gateway (``gateway.py``), so revisions, compaction errors and key
layout are etcd's own and the real ``etcdctl`` sees exactly what the simulated API server wrote::

    etcd = RealEtcd.start()                   # an etcd binary on a free loopback port
    cluster = Cluster.bare(etcd=etcd)         # or Cluster(etcd="http://127.0.0.1:2379")
    # shell: ETCDCTL_API=3 etcdctl --endpoints=<etcd.url> get --prefix --keys-only /registry/
    etcd.kill(); etcd.restart()               # SIGKILL, then the same data directory again
    etcd.stop()                               # (also done when Python exits)

Simplified: one member, plain HTTP on loopback. The server's changes are read from one
long-lived watch over every key (``feed.py``); a keepalive opens a short stream of its own.

What is and is not deterministic in this mode
---------------------------------------------
Deterministic, given a fresh data directory and no other client: every revision,
``create_revision``, ``mod_revision`` and ``version`` (so every resourceVersion) is the one the
embedded store would give, because the simulation issues the same requests in the same order.
The watch stream arrives asynchronously, but it is drained at fixed points and never as it
happens to arrive: ``events_since(start)`` first reads the server's revision R (a read at
``start``, which also raises Compacted), then reads the stream exactly up to R. The API server's
watch cache calls it before every request whose revision moved, so writes made with ``etcdctl``
between two ``cluster.run`` calls are seen at the next request. Callbacks of ``watch()`` get each
revision this client sees in an answer (its own writes, or others' noticed in a header) right
after that answer when standalone, or at the same simulated instant on a cluster's clock — as
the embedded store delivers its own writes.

Not deterministic: lease ids (the server picks them); lease expiry and ``time_to_live`` (the
server's wall clock, not the simulated one: ``cluster.run(3600)`` does not expire a lease);
writes by other clients while the simulation runs (they land between our requests wherever the
wall clock puts them); whether a request cut off by a crash (``kill()``) was applied; the
``prev_kv`` of an event whose previous version was compacted (the server omits it). A cluster on
a real etcd cannot be snapshotted: its state lives in the server.
"""

from __future__ import annotations

from contextlib import closing
from itertools import groupby

from k8sedu.etcd.feed import ChangeFeed
from k8sedu.etcd.gateway import (
    Gateway,
    GatewayError,
    b64,
    key_value,
    prefix_range,
    revision,
)
from k8sedu.etcd.lease import LeaseNotFound
from k8sedu.etcd.server import EtcdServer, find_etcd
from k8sedu.etcd.store import Compacted, FutureRevision, KeyIndex, KeyValue
from k8sedu.etcd.txn import check_compare, check_key, check_ops
from k8sedu.etcd.watch import Event, WatchHandle, WatchHub
from k8sedu.sim import Sim

_TARGETS = {
    "value": "VALUE",
    "version": "VERSION",
    "create_revision": "CREATE",
    "mod_revision": "MOD",
}
_RESULTS = {"==": "EQUAL", "!=": "NOT_EQUAL", "<": "LESS", ">": "GREATER"}
# etcd's error texts (api/v3rpc/rpctypes/error.go) -> the embedded store's exceptions
_ERRORS = {
    "etcdserver: mvcc: required revision has been compacted": Compacted,
    "etcdserver: mvcc: required revision is a future revision": FutureRevision,
    "etcdserver: requested lease not found": LeaseNotFound,
}
_INVALID = (3, 11)  # gRPC InvalidArgument and OutOfRange: the request itself is wrong
# the cheapest read: count the key "\0" (never written); its answer's header has the revision
_PROBE = {"key": b64("\0"), "count_only": True}


class RealEtcd:
    """An etcd v3 store served by a real etcd member at ``url``."""

    def __init__(self, url: str = "http://127.0.0.1:2379", sim: Sim | None = None) -> None:
        self.standalone = sim is None  # as Etcd: watch callbacks run before a write returns
        self.sim = Sim() if sim is None else sim
        self.url = url
        self.gateway = Gateway(url)
        self.server: EtcdServer | None = None  # set by start(): the etcd this store launched
        self._watch = WatchHub(self)
        self._seen = 0  # the latest revision any answer showed
        self._notified = 0  # the last revision whose changes went to the watchers
        self._observing = False
        self._compacted = 0  # the last compaction this client made or found
        self._feed = ChangeFeed(self.gateway)  # the server's changes, read up to a revision

    @staticmethod
    def installed() -> bool:
        """Whether an etcd binary is there for ``start()`` (Debian package ``etcd-server``)."""
        return find_etcd() is not None

    @classmethod
    def start(cls, data_dir: str | None = None, port: int | None = None) -> RealEtcd:
        """Launch etcd on loopback (``port``: default a free one) with its own data directory.

        ``data_dir`` None: a temporary directory, removed by ``stop()``. The server is stopped
        by ``stop()`` or when Python exits.
        """
        for attempt in range(3):
            server = EtcdServer(data_dir, port)
            server.launch()
            try:
                server.wait_healthy()
                break
            except RuntimeError as error:
                # a "free" port can be taken by another process before etcd binds it: try others
                server.stop()
                if port is not None or "address already in use" not in str(error) or attempt == 2:
                    raise
        store = cls(server.url)
        store.server = server
        return store

    def attach(self, sim: Sim) -> RealEtcd:
        """Deliver watch events on a cluster's clock from now on (what ``Cluster`` does)."""
        self.sim = sim
        self.standalone = False
        return self

    def stop(self) -> None:
        """Stop the etcd this store launched (and remove its temporary data directory)."""
        self._feed.close()
        self.gateway.close()
        if self.server is not None:
            self.server.stop()

    def kill(self) -> None:
        """SIGKILL the etcd this store launched, as a crash: its data directory stays."""
        self._launched().kill()
        self.gateway.close()  # the change feed resumes its stream once the server is back

    def restart(self) -> None:
        """Start the etcd this store launched again, on the same port and data directory."""
        server = self._launched()
        server.launch()
        server.wait_healthy()

    def __enter__(self) -> RealEtcd:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<RealEtcd {self.url}>"

    def __reduce__(self):
        raise TypeError(
            "a store on a real etcd cannot be pickled (or a cluster on it snapshotted): "
            "its data lives in the etcd server"
        )

    @property
    def revision(self) -> int:
        """The server's current revision (asked each time: other clients may write too)."""
        return revision(self._call("kv/range", _PROBE))

    @property
    def compacted_revision(self) -> int:
        """The server's last compaction revision (0 if never compacted, or compacted at 1)."""
        known = self._compacted
        try:  # a cheap question first: is the last compaction we know of still the last one?
            self._call("kv/range", {**_PROBE, "revision": str(known or 1)})
            return known
        except Compacted:
            pass
        # etcd has no "compaction revision" call: a watch from revision 1 is cancelled with it
        body = {"create_request": {**prefix_range(""), "start_revision": "1"}}
        with closing(self.gateway.stream("watch", body)) as results:
            for result in results:
                if result.get("canceled"):
                    self._compacted = int(result.get("compact_revision", 0))
                    return self._compacted
        raise GatewayError("the watch stream ended without an answer", 14)

    # --- reads -------------------------------------------------------------------------------

    def get(self, key: str, revision: int | None = None) -> KeyValue | None:
        """The key as it was at ``revision`` (default: now), or None if it did not exist."""
        check_key(key)
        answer = self._call("kv/range", _at({"key": b64(key)}, revision))
        kvs = answer.get("kvs")
        return key_value(kvs[0]) if kvs else None

    def range(
        self, prefix: str = "", revision: int | None = None, *, limit: int | None = None
    ) -> list[KeyValue]:
        """Every key starting with ``prefix`` as at ``revision``, sorted by key (limit 0 = all)."""
        body = _at(prefix_range(prefix), revision)
        if limit:
            body["limit"] = str(limit)
        return [key_value(kv) for kv in self._call("kv/range", body).get("kvs", [])]

    def key_index(self, key: str) -> list[list[int]]:
        """The stored revisions of ``key`` by generation (etcd's ``keyIndex``); [] if none."""
        index = KeyIndex()
        for kv in self._stored_versions(key):
            if kv.key == key:
                index.revs.append(kv.mod_revision)
                index.kvs.append(kv)
        return index.generations() if index.revs else []

    def stats(self) -> dict:
        """Revision, compaction, live keys and stored versions (this replays the history)."""
        count = self._call("kv/range", {**prefix_range(""), "count_only": True}).get("count", 0)
        return {
            "revision": self.revision,
            "compacted_revision": self.compacted_revision,
            "keys": int(count),
            "versions": len(self._stored_versions("")),
        }

    # --- writes ------------------------------------------------------------------------------

    def put(self, key: str, value: str, lease: int | None = None) -> int:
        """Write ``key``; returns the new revision. ``lease`` attaches the key to a lease."""
        check_key(key, value)
        body = {"key": b64(key), "value": b64(value)}
        if lease:
            body["lease"] = str(lease)
        return revision(self._call("kv/put", body))

    def delete(self, key: str) -> int:
        """Delete ``key``; returns the new revision, or the current one if it did not exist."""
        check_key(key)
        return revision(self._call("kv/deleterange", {"key": b64(key)}))

    def txn(self, compare: list, success: list, failure: list) -> tuple[bool, list]:
        """If every compare holds run ``success``, else ``failure``: see ``Etcd.txn``."""
        for cmp in compare:
            check_compare(cmp)
        check_ops(success)
        check_ops(failure)
        body = {
            "compare": [_compare(*cmp) for cmp in compare],
            "success": [_request(op) for op in success],
            "failure": [_request(op) for op in failure],
        }
        answer = self._call("kv/txn", body)
        succeeded = bool(answer.get("succeeded"))  # absent (false) when a compare failed
        ops = success if succeeded else failure
        return succeeded, [_response(op, r) for op, r in zip(ops, answer.get("responses", []))]

    def compact(self, revision: int) -> None:
        """Drop every version superseded at ``revision``; reads below it then raise Compacted."""
        self._call("kv/compaction", {"revision": str(revision), "physical": True})
        self._compacted = revision
        self._feed.forget_before(revision)

    # --- watches and leases ------------------------------------------------------------------

    def watch(self, prefix: str, callback, start_revision: int | None = None) -> WatchHandle:
        """Call ``callback(event)`` for every change under ``prefix`` (from ``start_revision``)."""
        return self._watch.watch(prefix, callback, start_revision)

    def events_since(self, start_revision: int, prefix: str = "") -> list[Event]:
        """Every change under ``prefix`` from ``start_revision`` (inclusive) to the revision now."""
        # one read at start_revision: Compacted if it is gone, and the current revision
        probe = {**_PROBE, "revision": str(max(start_revision, 1))}
        try:
            end = revision(self._call("kv/range", probe))
        except FutureRevision:
            return []
        events = self._feed.events(start_revision, end)
        return [event for event in events if event.kv.key.startswith(prefix)]

    def grant(self, ttl: int) -> int:
        """A new lease of ``ttl`` seconds of the server's wall clock; returns its id."""
        return int(self._call("lease/grant", {"TTL": str(int(ttl))})["ID"])

    def keepalive(self, lease_id: int) -> int:
        """Restart the lease's countdown; returns its TTL."""
        with closing(self.gateway.stream("lease/keepalive", {"ID": str(lease_id)})) as results:
            ttl = int(next(results, {}).get("TTL", 0))
        if ttl <= 0:  # v3rpc/lease.go answers a missing lease with TTL 0, not an error
            raise LeaseNotFound()
        return ttl

    def revoke(self, lease_id: int) -> None:
        """End the lease now, deleting its keys in one revision."""
        self._call("lease/revoke", {"ID": str(lease_id)})

    def time_to_live(self, lease_id: int) -> int:
        """Whole seconds the lease has left, -1 if there is no such lease."""
        return int(self._call("lease/timetolive", {"ID": str(lease_id)}).get("TTL", 0))

    def leases(self) -> list[int]:
        """The ids of the live leases, soonest expiry first (lessor.Leases sorts by expiry)."""
        return [int(lease["ID"]) for lease in self._call("lease/leases", {}).get("leases", [])]

    # --- the wire ----------------------------------------------------------------------------

    def _call(self, path: str, body: dict) -> dict:
        """One unary call, etcd's errors raised as the embedded store's; then feed the watchers."""
        try:
            answer = self.gateway.call(path, body)
        except GatewayError as e:
            error = _ERRORS.get(e.message)
            if error is not None:
                raise error() from None
            if e.code in _INVALID:
                raise ValueError(e.message) from None
            raise
        self._observe(revision(answer))
        return answer

    def _observe(self, rev: int) -> None:
        """The server is at ``rev``: queue the changes the watchers have not had, per revision.

        A write made by a callback while this runs (standalone delivery) is only noted, and its
        changes queued after the ones being delivered, as ``Etcd`` orders them.
        """
        self._seen = max(self._seen, rev)
        if self._observing:
            return
        self._observing = True
        try:
            while self._seen > self._notified:
                start, self._notified = self._notified + 1, self._seen
                if self._watch.watchers:
                    events = self._feed.events(start, self._notified)
                    for _, changes in groupby(events, _revision):
                        self._watch.notify(list(changes))
        finally:
            self._observing = False

    def _stored_versions(self, prefix: str) -> list[KeyValue]:
        """Every version still stored under ``prefix``, tombstones included, oldest first.

        A compaction at r keeps each key's live version at r and everything written after r
        (etcd's ``keyIndex.compact`` drops a tombstone even when it was written at r itself).
        """
        compacted = self.compacted_revision
        if not compacted:
            return [event.kv for event in self.events_since(1, prefix)]
        later = self.events_since(compacted + 1, prefix)
        return self.range(prefix, revision=compacted) + [event.kv for event in later]

    def _launched(self) -> EtcdServer:
        if self.server is None:
            raise RuntimeError(f"this store did not launch the etcd at {self.url}: use start()")
        return self.server


def _at(body: dict, revision: int | None) -> dict:
    if revision is not None and revision > 0:  # <= 0 means "now", as in Etcd
        body["revision"] = str(revision)
    return body


def _compare(key: str, target: str, result: str, want: int | str) -> dict:
    value = b64(want) if target == "value" else str(want)
    return {"key": b64(key), "target": _TARGETS[target], "result": _RESULTS[result], target: value}


def _request(op: tuple) -> dict:
    name = op[0]
    if name == "get":
        return {"request_range": {"key": b64(op[1])}}
    if name == "range":
        return {"request_range": prefix_range(op[1])}
    if name == "delete":
        return {"request_delete_range": {"key": b64(op[1])}}
    put = {"key": b64(op[1]), "value": b64(op[2]), "prev_kv": True}
    if len(op) == 4 and op[3]:
        put["lease"] = str(op[3])
    return {"request_put": put}


def _response(op: tuple, answer: dict) -> object:
    """One op's result as ``Etcd.txn`` gives it: KeyValue/None, a list, prev KeyValue, a count."""
    name = op[0]
    if name in ("get", "range"):
        kvs = [key_value(kv) for kv in answer["response_range"].get("kvs", [])]
        return kvs if name == "range" else (kvs[0] if kvs else None)
    if name == "delete":
        return int(answer["response_delete_range"].get("deleted", 0))
    prev = answer["response_put"].get("prev_kv")
    return key_value(prev) if prev else None


def _revision(event: Event) -> int:
    return event.kv.mod_revision
