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

from typing import NamedTuple

import numpy

from k8sedu.proxy.path import LOCAL_HOP, REMOTE_HOP, Outcome
from k8sedu.proxy.traffic import Sender
from k8sedu.sim import to_ns

NO_RULES = [(1.0, None, None)]  # a node without kube-proxy: the packet goes as addressed


class Table(NamedTuple):
    outcomes: list[Outcome]
    probabilities: list[float]
    shares: dict[str, tuple]  # container id → (container, share of the requests it answers)
    valid_until: float | None  # when a container it reaches changes by itself


def table(sender: Sender, now: float) -> Table | None:
    """The outcomes of one request sent now, with their probabilities (None: this load needs
    per-connection state and is sent request by request).

    Client nodes whose rules decide alike (every node, for a Service with the Cluster traffic
    policy) are taken together: each endpoint is served once, and only the network hop differs
    between the client on the endpoint's own node and the others."""
    path = sender.path
    weights: dict[Outcome, float] = {}
    shares: dict[str, tuple] = {}
    changes: list[float | None] = []

    def add(outcome: Outcome, p: float) -> None:
        weights[outcome] = weights.get(outcome, 0.0) + p

    with path.instant():
        clients = path.clients()
        if clients is None:
            return None
        groups: dict[int, tuple[tuple, dict]] = {}  # id(basis) → (a client's route, clients)
        for client, weight in clients:
            route = client if isinstance(client, str) else path.routes_from(client)
            if route is None:
                return None
            if isinstance(route, str):  # no connection
                add(Outcome("", route, 0.0), weight)
                continue
            groups.setdefault(id(route[3]), (route, {}))[1][client] = weight
        for (entry, packet, pods, _), members in groups.values():
            total = sum(members.values())
            for p, verdict, endpoint in entry.proxy.routes(packet) if entry.proxy else NO_RULES:
                attempt = path.connection(entry, packet, pods, verdict, endpoint)
                if isinstance(attempt, str):
                    add(Outcome("", attempt, 0.0), total * p)
                    continue
                served = path.serve(attempt, now)
                container = served.container
                if container is not None:
                    changes.append(container.next_change(now))
                if served.reached:
                    share = shares.get(container.id, (container, 0.0))[1] + total * p
                    shares[container.id] = (container, share)
                if served.reason:  # a failure: no latency to tell apart
                    add(Outcome(attempt.pod, served.reason, served.latency), total * p)
                    continue
                # a throttled container is slower in its busy seconds (Container.latencies)
                base = [(1.0, served.latency - served.hop)]
                spread = container.latencies(now) if container is not None else base
                local = members.get(path.owner_of(attempt.ip), 0.0)
                for hop, weight in ((LOCAL_HOP, local), (REMOTE_HOP, total - local)):
                    for q, latency in spread if weight else ():
                        add(Outcome(attempt.pod, "", latency + hop), weight * p * q)
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
        """The last request was sent: the sender stops (and so does this count)."""
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
