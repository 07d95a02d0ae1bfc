"""etcd leases: keys that disappear when their owner stops renewing a TTL.

Models etcd's ``server/lease/lessor.go``: ``grant(ttl)`` creates a lease that expires ``ttl``
seconds later unless ``keepalive`` restarts the countdown; a key put with the lease is attached to
it; when the lease is revoked or expires, all its keys are deleted in one write transaction (one
revision), in sorted key order as etcd does. A TTL below the minimum is raised to it.

Simplified: expiry happens exactly at the deadline on the simulated clock (etcd's leader checks
every 500 ms and revokes through Raft), and there are no checkpoints or leader changes.

Worked example on a standalone store (its own clock)::

    >>> from k8sedu.etcd import Etcd
    >>> e = Etcd()
    >>> lease = e.grant(10)
    >>> e.put("/registry/events/default/a", "x", lease=lease)
    2
    >>> e.run(6); e.time_to_live(lease), e.keepalive(lease)
    (4, 10)
    >>> e.run(9.5); e.get("/registry/events/default/a").value    # 15.5 s: renewed at 6, alive
    'x'
    >>> e.run(1); e.get("/registry/events/default/a"), e.revision, e.time_to_live(lease)
    (None, 3, -1)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu.sim import NS, Timer

if TYPE_CHECKING:
    from k8sedu.etcd.store import Etcd

# etcdserver/server.go: minTTL = (3 * ElectionTicks / 2) * heartbeat = 15 * 100 ms, rounded up
MIN_TTL = 2
MAX_TTL = 9_000_000_000  # lease/lessor.go MaxLeaseTTL


class LeaseNotFound(Exception):
    """The lease does not exist (never granted, revoked or expired)."""

    def __init__(self) -> None:
        super().__init__("etcdserver: requested lease not found")


class Lease:
    """One lease: its TTL, when it expires, the keys attached and the timer that expires it."""

    __slots__ = ("id", "ttl", "expiry_ns", "keys", "timer")

    def __init__(self, lease_id: int, ttl: int) -> None:
        self.id = lease_id
        self.ttl = ttl
        self.expiry_ns = 0
        self.keys: dict[str, None] = {}  # an insertion-ordered set
        self.timer: Timer | None = None


class Lessor:
    """The leases of one store, expiring on its simulated clock."""

    def __init__(self, store: Etcd) -> None:
        self._store = store
        self._leases: dict[int, Lease] = {}

    def grant(self, ttl: int) -> int:
        if ttl > MAX_TTL:
            raise ValueError("etcdserver: too large lease TTL")
        rng = self._store.sim.rng("etcd/lease")
        lease_id = rng.randrange(1, 2**63)  # etcd ids are positive int64s
        while lease_id in self._leases:
            lease_id = rng.randrange(1, 2**63)
        lease = self._leases[lease_id] = Lease(lease_id, max(int(ttl), MIN_TTL))
        self._refresh(lease)
        return lease_id

    def keepalive(self, lease_id: int) -> int:
        lease = self._get(lease_id)
        self._refresh(lease)
        return lease.ttl

    def revoke(self, lease_id: int) -> None:
        lease = self._get(lease_id)
        del self._leases[lease_id]
        if lease.timer is not None:
            lease.timer.cancel()
        self._store._delete_keys(sorted(lease.keys))

    def time_to_live(self, lease_id: int) -> int:
        lease = self._leases.get(lease_id)
        if lease is None:
            return -1  # v3rpc LeaseTimeToLive answers TTL -1 for a missing lease
        # int64(l.Remaining().Seconds()): whole seconds, truncated
        return max(0, lease.expiry_ns - self._store.sim.now_ns) // NS

    def leases(self) -> list[int]:
        # lessor.Leases() sorts by expiry; the id breaks ties deterministically
        ordered = sorted(self._leases.values(), key=_expiry_then_id)
        return [lease.id for lease in ordered]

    def check(self, lease_id: int) -> None:
        self._get(lease_id)

    def attach(self, lease_id: int, key: str) -> None:
        self._leases[lease_id].keys[key] = None

    def detach(self, lease_id: int, key: str) -> None:
        lease = self._leases.get(lease_id)
        if lease is not None:  # gone already while its keys are being revoked
            lease.keys.pop(key, None)

    def _get(self, lease_id: int) -> Lease:
        lease = self._leases.get(lease_id)
        if lease is None:
            raise LeaseNotFound()
        return lease

    def _refresh(self, lease: Lease) -> None:
        """Restart the countdown: cancel the old expiry timer, so it can never fire late."""
        sim = self._store.sim
        if lease.timer is not None:
            lease.timer.cancel()
        lease.expiry_ns = sim.now_ns + lease.ttl * NS
        lease.timer = sim.schedule_at(lease.expiry_ns, self._expire, lease.id)

    def _expire(self, lease_id: int) -> None:
        if lease_id in self._leases:
            self.revoke(lease_id)


def _expiry_then_id(lease: Lease) -> tuple[int, int]:
    return lease.expiry_ns, lease.id
