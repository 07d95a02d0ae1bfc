"""A replicated etcd: the store interface of ``Etcd``, with every write going through Raft.

``ReplicatedEtcd`` is what ``cluster.etcd`` is in ``Cluster(control_planes=3)``: the same methods as
the one-member ``Etcd`` (put, get, range, delete, txn, watch, compact, leases, events_since …),
so the API servers run on it unchanged, plus ``members()`` and the faults of ``raft.py``. Calls on
it behave like ``etcdctl`` given every member as an endpoint: they go to the first member that
hears a leader with a quorum (else the first one running), writes are forwarded to the leader and
reads are linearizable — without a quorum both fail with ``etcdserver: request timed out``.

``member(name)`` is the client of one member, as each kube-apiserver has (kubeadm's stacked etcd:
``--etcd-servers=https://127.0.0.1:2379``, its own machine's member only).

    >>> etcd = ReplicatedEtcd(names=["a", "b", "c"])
    >>> etcd.put("k", "v1"), etcd.raft.leader
    (2, 'a')
    >>> etcd.stop_member("b"); etcd.put("k", "v2")       # 2 of 3 still make a quorum
    3
    >>> etcd.stop_member("c"); etcd.put("k", "v3")
    Traceback (most recent call last):
    ...
    k8sedu.etcd.raft.EtcdTimeout: etcdserver: request timed out
    >>> etcd.get("k")                                     # a linearizable read needs a quorum too
    Traceback (most recent call last):
    ...
    k8sedu.etcd.raft.EtcdTimeout: etcdserver: request timed out
    >>> etcd.start_member("c"); etcd.run(0.1); etcd.get("k").value
    'v3'

The timed-out ``v3`` sat in the leader's log; the next heartbeat reached ``c`` and committed it. A
timeout means "unknown", not "failed" — the reason clients retry writes with a compare.

Simplified: one MVCC store holds the committed state for every member (``raft.py`` says why that
is equivalent); watches deliver the committed changes, as a watch on a healthy member does.
"""

from __future__ import annotations

from collections.abc import Callable

from k8sedu.etcd.raft import EtcdTimeout, Raft
from k8sedu.etcd.store import Etcd, KeyValue
from k8sedu.etcd.watch import Event, WatchHandle
from k8sedu.sim import Sim


class EtcdClient:
    """The ``Etcd`` interface through the member called ``name``, or through any (None).

    ``serializable=True`` reads the committed state without asking the leader, as
    ``--consistency=s`` does (kube-apiserver's member client: its reads come from its watch
    cache, and the load balancer sends it requests only while its member is ready).
    """

    def __init__(self, raft: Raft, name: str | None = None, *, serializable: bool = False):
        self.raft = raft
        self.name = name
        self.serializable = serializable
        self.store: Etcd = raft.store
        self.sim = raft.sim
        self.standalone = False

    def __repr__(self) -> str:
        via = self.name or "any member"
        return f"<EtcdClient via {via} revision={self.store.revision}>"

    def ready(self) -> bool:
        """Whether a request through this client can commit now (its member hears a quorum)."""
        return self.raft.ready(self._via())

    def _via(self) -> str:
        if self.name is not None:
            return self.name
        members = self.raft.members
        up = [name for name, m in members.items() if m.up]
        return next((name for name in up if self.raft.ready(name)), up[0] if up else "")

    def _propose(self, *op) -> object:
        via = self._via()
        if not via:
            raise EtcdTimeout()  # every member is down
        return self.raft.propose(via, op)

    def _read(self) -> None:
        if not self.serializable:
            via = self._via()
            if not via:
                raise EtcdTimeout()
            self.raft.read_index(via)

    # -- writes: proposals ----------------------------------------------------------------------

    def put(self, key: str, value: str, lease: int | None = None) -> int:
        return self._propose("put", key, value, lease)

    def delete(self, key: str) -> int:
        return self._propose("delete", key)

    def txn(self, compare: list, success: list, failure: list) -> tuple[bool, list]:
        return self._propose("txn", compare, success, failure)

    def compact(self, revision: int) -> None:
        self._propose("compact", revision)

    def grant(self, ttl: int) -> int:
        return self._propose("grant", ttl)

    def keepalive(self, lease_id: int) -> int:
        return self._propose("keepalive", lease_id)

    def revoke(self, lease_id: int) -> None:
        self._propose("revoke", lease_id)

    # -- reads ----------------------------------------------------------------------------------

    def get(self, key: str, revision: int | None = None) -> KeyValue | None:
        self._read()
        return self.store.get(key, revision)

    def range(
        self, prefix: str = "", revision: int | None = None, *, limit: int | None = None
    ) -> list[KeyValue]:
        self._read()
        return self.store.range(prefix, revision, limit=limit)

    # -- the member's own view (no quorum needed) -------------------------------------------------

    @property
    def revision(self) -> int:
        return self.store.revision

    @property
    def compacted_revision(self) -> int:
        return self.store.compacted_revision

    @property
    def now(self) -> float:
        return self.sim.now

    def run(self, seconds: float) -> None:
        self.sim.run(seconds)

    def events_since(self, start_revision: int, prefix: str = "") -> list[Event]:
        return self.store.events_since(start_revision, prefix)

    def watch(
        self, prefix: str, callback: Callable[[Event], object], start_revision: int | None = None
    ) -> WatchHandle:
        return self.store.watch(prefix, callback, start_revision)

    def time_to_live(self, lease_id: int) -> int:
        return self.store.time_to_live(lease_id)

    def leases(self) -> list[int]:
        return self.store.leases()

    def key_index(self, key: str) -> list[list[int]]:
        return self.store.key_index(key)

    def stats(self) -> dict:
        return self.store.stats()


class ReplicatedEtcd(EtcdClient):
    """An etcd cluster of ``names`` members on one clock (a private one if ``sim`` is None)."""

    def __init__(
        self,
        sim: Sim | None = None,
        names: list[str] | tuple[str, ...] = ("control-plane", "control-plane2", "control-plane3"),
        *,
        trace=None,
        endpoints: dict[str, str] | None = None,
    ) -> None:
        sim = Sim() if sim is None else sim
        super().__init__(Raft(sim, list(names), Etcd(sim), trace))
        self.endpoints = dict(endpoints or {})

    def __repr__(self) -> str:
        return f"<ReplicatedEtcd {len(self.raft.members)} members revision={self.store.revision}>"

    def member(self, name: str, *, serializable: bool = False) -> EtcdClient:
        """The client of member ``name`` only."""
        if name not in self.raft.members:
            raise KeyError(f"no etcd member {name!r} (members: {', '.join(self.raft.members)})")
        return EtcdClient(self.raft, name, serializable=serializable)

    def members(self) -> list[dict]:
        """Each member as ``etcdctl endpoint status`` sees it: name, endpoint, up, role, leader,
        term, raft_index, commit_index, applied_index."""
        rows = self.raft.status()
        for row in rows:
            row["endpoint"] = self.endpoints.get(row["name"], "")
        return rows

    @property
    def leader(self) -> str | None:
        return self.raft.leader

    def stop_member(self, name: str) -> None:
        self.raft.stop(name)

    def start_member(self, name: str) -> None:
        self.raft.start(name)

    def partition(self, *groups: list[str]) -> None:
        self.raft.partition(*groups)

    def heal(self) -> None:
        self.raft.heal()
