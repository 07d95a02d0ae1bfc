"""Steady load: requests at a high rate, counted by their statistics instead of one by one.

``cluster.load("web", 200, 3600)`` sends 720,000 requests. While nothing they meet changes - the
same nodes up, the same rules in each node's kernel, the same containers answering alike - each
of them is an independent draw from one table of outcomes: the client node (uniform over the
workers that are up), where that node's rules send the connection (the probabilities of its
``statistic`` rules) and what the container there answers (status and latency, with the network
hop). ``Table`` is that table. The requests sent while it holds are split over its outcomes with
one multinomial draw: the distribution of drawing them one by one, at a cost that does not grow
with their number.

A table holds until something changes: a node fails or recovers, kube-proxy rewrites its rules,
a Service comes or goes, a container starts, exits or is made unhealthy
(``Cluster.data_plane_changed``), or a container changes by itself (it starts listening, a
flaky one turns unhealthy: ``Container.next_change``). The requests sent until then are counted
with the old table, and a new one is made. A container's request rate (its CPU use, and so the
HPA) is the load's rate times its share of the table: the expected rate.

Requests are sent every ``TICK`` as with any rate; a request sent at the instant of a change
sees the cluster as it was before it. Simplified: a load whose requests need per-connection
state is sent request by request instead (``traffic.py``): keep-alive connections
(``connections=n``), ClientIP affinity (``recent`` rules), headless names (each connection
picks an address) and clients outside the cluster (a load balancer picks the node).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy

from k8sedu.sim import to_ns

if TYPE_CHECKING:
    from k8sedu.proxy.traffic import Sender


class Outcome(NamedTuple):
    """What one request ends in: the pod it reached (``ns/name``, "" if none), the failure
    reason ("" when it succeeded) and its latency in seconds."""

    pod: str
    reason: str
    latency: float


class Table(NamedTuple):
    outcomes: list[Outcome]
    probabilities: list[float]
    shares: dict[str, tuple]  # container id → (container, share of the requests it answers)
    valid_until: float | None  # when a container it reaches changes by itself


def table(sender: Sender, now: float) -> Table | None:
    """The outcomes of one request sent now, with their probabilities (None: this load needs
    per-connection state and is sent request by request)."""
    with sender.instant():
        clients = sender.clients()
        if clients is None:
            return None
        weights: dict[Outcome, float] = {}
        shares: dict[str, tuple] = {}
        changes = []
        for client, weight in clients:
            attempts = [(1.0, client)] if isinstance(client, str) else sender.attempts(client)
            if attempts is None:
                return None
            for p, attempt in attempts:
                if isinstance(attempt, str):  # no connection
                    outcome = Outcome("", attempt, 0.0)
                    weights[outcome] = weights.get(outcome, 0.0) + weight * p
                    continue
                served = sender.serve(attempt, now)
                container = served.container
                spread = [(1.0, served.latency)]
                if container is not None:
                    changes.append(container.next_change(now))
                if served.reached:
                    share = shares.get(container.id, (container, 0.0))[1] + weight * p
                    shares[container.id] = (container, share)
                    if not served.reason:  # throttled in its busy seconds (Container.latencies)
                        spread = [(q, t + served.hop) for q, t in container.latencies(now)]
                for q, latency in spread:
                    outcome = Outcome(attempt.pod, served.reason, latency)
                    weights[outcome] = weights.get(outcome, 0.0) + weight * p * q
    later = [t for t in changes if t is not None and t > now]
    return Table(list(weights), list(weights.values()), shares, min(later, default=None))


class SteadyLoad:
    """The requests of one ``Sender`` at a high rate, counted table by table."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.sim = sender.cluster.sim
        # the legacy generator: its streams stay the same across numpy versions (NEP 19)
        self.random = numpy.random.RandomState(sender.rng.getrandbits(32))
        self.table: Table | None = None
        self.stale_timer = None  # when the table's containers change by themselves
        self.end_timer = None
        self.begun = False  # the first requests go when the clock runs, as a first tick would

    def start(self) -> bool:
        """Begin, if this load can be counted by its statistics; False if not."""
        sender = self.sender
        self.table = table(sender, sender.cluster.now)
        if self.table is None:
            return False
        sender.cluster.steady_loads.append(self)
        self.sim.schedule(0, self.begin)
        self._follow_table()
        last = sender.last_tick()
        self.end_timer = self.sim.schedule_at(sender.tick_ns(last), self.end)
        return True

    def begin(self) -> None:
        self.begun = True

    def count_until(self, now_ns: int) -> None:
        """Count the requests sent at every tick up to ``now_ns`` with the current table."""
        if not self.begun:
            return
        sender = self.sender
        due = sender.due_at(now_ns)
        n = due - sender.sent
        if n <= 0:
            return
        if self.table is None:
            self.table = table(sender, self.sim.now)
        sender.sent = due
        counts = self.random.multinomial(n, self.table.probabilities)
        for outcome, k in zip(self.table.outcomes, counts.tolist(), strict=True):
            if k:
                sender.record(outcome, k)

    def invalidate(self) -> None:
        """Something requests meet changed: count what was sent, then make a new table."""
        self.count_until(self.sim.now_ns)
        if self.table is not None:
            self.table = None
            self.sim.schedule(0, self.refresh)  # after the change is complete

    def refresh(self) -> None:
        """Make the table for the cluster as it is now, and tell containers their new rates."""
        if self.end_timer is None or self.table is not None:
            return
        sender = self.sender
        self.table = table(sender, sender.cluster.now)
        if self.table is None:  # e.g. affinity was switched on: go on request by request
            self.stop()
            sender.one_by_one()
            return
        self._follow_table()

    def _follow_table(self) -> None:
        table = self.table
        if self.stale_timer is not None:
            self.stale_timer.cancel()
            self.stale_timer = None
        if table.valid_until is not None:  # a microsecond later: surely changed by then
            at = to_ns(table.valid_until) + 1_000
            self.stale_timer = self.sim.schedule_at(at, self.invalidate)
        rate = self.sender.rate
        # last: new rates may change throttled containers' answers, and so this very table
        self.sender.set_rates({cid: (c, rate * share) for cid, (c, share) in table.shares.items()})

    def end(self) -> None:
        """The last request was sent."""
        self.count_until(self.sim.now_ns)
        self.stop()
        self.sender.stop()

    def stop(self) -> None:
        """Stop counting (the requests sent so far are counted first)."""
        if self.end_timer is None:
            return
        self.count_until(self.sim.now_ns)
        for timer in (self.end_timer, self.stale_timer):
            if timer is not None:
                timer.cancel()
        self.end_timer = self.stale_timer = None
        loads = self.sender.cluster.steady_loads
        if self in loads:
            loads.remove(self)
