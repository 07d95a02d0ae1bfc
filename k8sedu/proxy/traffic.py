"""Traffic: requests sent to a Service the way a client in (or outside) the cluster sends them.

``request(cluster, "web", count=100)`` sends 100 requests at this instant; with a ``rate`` they
are sent over simulated time, those due every ``TICK``, and ``load`` does that in the
background. Each request takes the path ``path.py`` follows: cluster DNS, the client's node,
that node's kube-proxy rules, the container that answers. ``connections=n`` reuses n
keep-alive connections, so balancing happens per connection, as in iptables mode: two
connections reach at most two pods. Sending at a rate sets ``container.rps``, the request rate
that drives its CPU use (and so the HPA).

From ``HIGH_RATE`` on, a load is counted by its statistics (``steady.py``): one table of
outcomes while nothing changes, the requests split over it with one multinomial draw - which is
what makes a day of steady traffic cost no more than its changes. Loads that need
per-connection state are sent request by request even then, each new connection's endpoint drawn
from the distribution the rules give instead of walking them (``netfilter.py``): the same
probabilities, one random number per connection instead of one per ``statistic`` rule passed.
"""

from __future__ import annotations

import itertools
import math

from k8sedu.proxy.path import Outcome, Path
from k8sedu.sim import NS, to_ns

TICK = 0.1  # s: with a rate, requests due within one tick are sent together
HIGH_RATE = 10.0  # requests/s: from here on loads are counted by statistics (or sampled)
RATE_WINDOW = 1.0  # s: request by request, containers learn their rate averaged over this


class Traffic:
    """What happened to the requests: per pod, ok, failures by reason, latencies (s).

    A background load fills it in as time runs; reading it counts every request sent so far."""

    def __init__(self, target: str, sender: Sender | None = None) -> None:
        self.target = target
        self.sender = sender
        self._per_backend: dict[str, int] = {}
        self._ok = 0
        self._failed: dict[str, int] = {}
        self._latencies: list[float] = []  # of the successful requests

    def _caught_up(self) -> Traffic:
        if self.sender is not None:
            self.sender.catch_up()
        return self

    @property
    def per_backend(self) -> dict[str, int]:
        """Pod name → requests routed there."""
        return self._caught_up()._per_backend

    @property
    def ok(self) -> int:
        return self._caught_up()._ok

    @property
    def failed(self) -> dict[str, int]:
        """Failure reason (``connection refused``) → requests."""
        return self._caught_up()._failed

    @property
    def latencies(self) -> list[float]:
        """Latencies of the successful requests, in seconds."""
        return self._caught_up()._latencies

    @property
    def sent(self) -> int:
        return self.ok + sum(self._failed.values())

    @property
    def success_rate(self) -> float:
        return self.ok / self.sent if self.sent else 0.0

    @property
    def p95(self) -> float | None:
        """95th-percentile latency of the successful requests (nearest rank)."""
        return percentile95(self.latencies)

    def stop(self) -> None:
        """Stop a background ``load`` early."""
        if self.sender is not None:
            self.sender.stop()

    def __str__(self) -> str:
        p95 = "-" if self.p95 is None else f"{self.p95 * 1000:.1f}ms"
        failed = ", ".join(f"{n} {reason}" for reason, n in sorted(self.failed.items()))
        return f"{self.target}: {self.ok}/{self.sent} ok ({self.success_rate:.1%}), p95 {p95}" + (
            f"; failed: {failed}" if failed else ""
        )

    def __repr__(self) -> str:
        return f"<Traffic {self}>"


def percentile95(values: list[float]) -> float | None:
    """The nearest-rank 95th percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class Sender:
    """Sends requests along one ``Path``; with a rate, over simulated time (all state pickles)."""

    def __init__(self, cluster, target: str, *, namespace, port, from_node, connections) -> None:
        self.cluster = cluster
        self.rng = cluster.sim.rng("traffic")
        self.path = Path(
            cluster, target, namespace=namespace, port=port, from_node=from_node, rng=self.rng
        )
        self.pool: list | None = [None] * connections if connections else []  # Connections
        self.traffic = Traffic(target, sender=self)
        self.sent = 0
        self.timer = None
        self.steady = None  # a SteadyLoad while counted by statistics (``steady.py``)
        self.sampled = False  # route new connections by sampling (at HIGH_RATE and above)
        # container id → (container, requests this tick); what this sender adds to its rps
        self.hits: dict[str, tuple] = {}
        self.rates: dict[str, tuple] = {}

    # -- over time --------------------------------------------------------------------------------

    def start(self, count: int, rate: float) -> None:
        """Send ``count`` requests at ``rate`` per second: those due are sent every tick, from
        now on; at ``HIGH_RATE`` and above they are counted by their statistics if they can be."""
        self.count, self.rate, self.start_time = count, rate, self.cluster.now
        self.start_ns = self.cluster.sim.now_ns
        self.sampled = rate >= HIGH_RATE
        self.interval = max(1.0 / rate, TICK)
        self.step_ns = to_ns(self.interval)
        self.window_start = self.start_time
        if self.sampled and not self.pool:
            from k8sedu.proxy.steady import SteadyLoad  # steady.py builds on this module

            self.steady = SteadyLoad(self)
            if self.steady.start():
                return
            self.steady = None
        self.timer = self.cluster.sim.every(self.interval, self.tick, first=0)

    def due(self, now: float) -> int:
        """How many requests are sent by the tick at ``now``."""
        return min(self.count, math.floor((now - self.start_time) * self.rate) + 1)

    def tick_ns(self, i: int) -> int:
        return self.start_ns + i * self.step_ns

    def due_at(self, now_ns: int) -> int:
        """How many requests are sent by the last tick at or before ``now_ns``."""
        if now_ns < self.start_ns:
            return 0
        return self.due(self.tick_ns((now_ns - self.start_ns) // self.step_ns) / NS)

    def last_tick(self) -> int:
        """The tick that sends the last request."""
        i = max(0, math.ceil((self.count - 1) / self.rate / self.interval) - 1)
        while self.due(self.tick_ns(i) / NS) < self.count:
            i += 1
        return i

    def one_by_one(self) -> None:
        """Send request by request from the next tick on (a steady load that cannot go on)."""
        self.steady = None
        now_ns = self.cluster.sim.now_ns
        following = self.tick_ns((now_ns - self.start_ns) // self.step_ns + 1)
        self.window_start = following / NS
        self.timer = self.cluster.sim.every(
            self.interval, self.tick, first=(following - now_ns) / NS
        )

    def tick(self) -> None:
        now = self.cluster.now
        due = self.due(now)
        if due > self.sent:
            self.send(due - self.sent)
        elapsed = now + self.interval - self.window_start
        if elapsed >= RATE_WINDOW - 1e-9:  # the rate each container saw over the last window
            self.set_rates({cid: (c, n / elapsed) for cid, (c, n) in self.hits.items()})
            self.hits, self.window_start = {}, now + self.interval
        if self.sent >= self.count:
            self.stop()

    def catch_up(self) -> None:
        """Count a steady load's requests sent up to now."""
        if self.steady is not None:
            self.steady.count_until(self.cluster.sim.now_ns)

    def set_rates(self, rates: dict[str, tuple]) -> None:
        """Tell each container how many requests per second this sender now brings it
        (``Container.rps`` drives its CPU use, and so the HPA)."""
        if rates == self.rates:
            return
        touched = {cid: c for cid, (c, _) in (self.rates | rates).items()}
        before = {cid: c.rps for cid, c in touched.items()}
        for container, rps in self.rates.values():
            container.rps = max(0.0, container.rps - rps)
        for container, rps in rates.values():
            container.rps += rps
        self.rates = rates
        if any(
            c.cpu_limit is not None and abs(c.rps - before[cid]) > 1e-9
            for cid, c in touched.items()
        ):  # a throttled container answers slower: steady loads need new tables
            self.cluster.data_plane_changed()

    def stop(self) -> None:
        if self.steady is not None:
            steady, self.steady = self.steady, None
            steady.stop()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.set_rates({})

    # -- the requests of one instant --------------------------------------------------------------

    def send(self, n: int) -> None:
        with self.path.instant():
            self._send(n, self.cluster.now)
        self.sent += n

    def _send(self, n: int, now: float) -> None:
        for i in range(n):
            slot = (self.sent + i) % len(self.pool) if self.pool else None
            conn = self.pool[slot] if slot is not None else None
            if conn is None:
                conn = self.path.connect(now, self.sampled)
                if isinstance(conn, str):
                    self.record(Outcome("", conn, 0.0))
                    continue
            served = self.path.serve(conn, now)
            if served.reached:
                hit = self.hits.get(served.container.id, (None, 0))[1] + 1
                self.hits[served.container.id] = (served.container, hit)
            self.record(Outcome(conn.pod, served.reason, served.latency))
            if slot is not None:
                self.pool[slot] = None if served.reason else conn  # a broken one is opened again

    def record(self, outcome: Outcome, times: int = 1) -> None:
        traffic = self.traffic
        if outcome.pod:
            name = outcome.pod.partition("/")[2]
            traffic._per_backend[name] = traffic._per_backend.get(name, 0) + times
        if outcome.reason:
            traffic._failed[outcome.reason] = traffic._failed.get(outcome.reason, 0) + times
        else:
            traffic._ok += times
            traffic._latencies.extend(itertools.repeat(outcome.latency, times))


def request(
    cluster,
    service: str,
    count: int = 1,
    *,
    namespace: str = "default",
    port: int | str | None = None,
    rate: float | None = None,
    from_node: str | None = None,
    connections: int | None = None,
) -> Traffic:
    """Send ``count`` requests; with a ``rate`` (per second) the cluster runs ``count / rate`` s."""
    sender = Sender(
        cluster, service, namespace=namespace, port=port, from_node=from_node,
        connections=connections,
    )  # fmt: skip
    if rate is None:
        sender.send(count)
        return sender.traffic
    sender.start(count, rate)
    cluster.run(count / rate)
    sender.stop()
    return sender.traffic


def load(
    cluster,
    service: str,
    rps: float,
    duration: float,
    *,
    namespace: str = "default",
    port: int | str | None = None,
    from_node: str | None = None,
    connections: int | None = None,
) -> Traffic:
    """Send ``rps`` requests per second for ``duration`` s in the background, as time runs.

    Returns at once; the ``Traffic`` fills in as ``cluster.run`` advances (``stop()`` ends it)."""
    sender = Sender(
        cluster, service, namespace=namespace, port=port, from_node=from_node,
        connections=connections,
    )  # fmt: skip
    sender.start(round(rps * duration), rps)
    return sender.traffic
