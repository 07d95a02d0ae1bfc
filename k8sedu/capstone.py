"""The capstone's shop: a three-tier application run through a scripted stretch of load and chaos.

A page view of the shop calls the ``frontend``, which calls the ``api``, which reads the ``cache``
twice. ``run(manifests, scenario)`` builds the cluster the course ends with — three control-plane
machines (``Cluster(control_planes=3)``) and a node group of 2-CPU workers that the cluster
autoscaler grows and shrinks — applies the learner's manifests, and plays the scenario: page views
per second that change every few minutes (each tier gets its share as background ``load``), one
worker that dies for good, and the control-plane machine running the leading
kube-controller-manager that dies too. Every ``STEP`` seconds it notes what the tiers answered,
how many pods were ready, how many workers were up and what the machines cost so far.

What a ``Run`` reports are the capstone's three service-level indicators: the share of page views
that succeeded (a page needs all three tiers, so it is the product of their success rates), the
95th-percentile page latency (a page waits for each tier in turn, so the sum of the tiers' p95s),
and the cost in worker node-hours (``cluster.node_hours()``).

Simplified: the three tiers' requests are sent independently by the same client (no real call
chain), a request that fails is not retried, and the numbers of the app (start-up times, CPU per
request) are fixed in ``TIERS``.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

from k8sedu import ha, objects
from k8sedu.proxy.traffic import percentile95
from k8sedu.widgets.i18n import _

STEP = 10  # seconds between two notes of a run
WARM_UP = 120  # seconds between applying the manifests and the first page view
POOL = {"name": "pool", "min_size": 2, "max_size": 10, "cpu": "2", "memory": "4Gi"}


@dataclass(frozen=True)
class Tier:
    """One tier: its image, the env the release pipeline sets, and its calls per page view."""

    name: str
    image: str
    env: tuple[tuple[str, str], ...]
    calls: int  # requests per page view


TIERS = (
    Tier("frontend", "k8sedu/web:1.0", (("STARTUP_SECONDS", "10"), ("CPU_PER_REQUEST", "30m")), 1),
    Tier("api", "k8sedu/web:1.0", (("STARTUP_SECONDS", "20"), ("CPU_PER_REQUEST", "60m")), 1),
    Tier("cache", "redis:7.4", (), 2),  # a catalogue image: ready at once, 5m per request
)


@dataclass(frozen=True)
class Scenario:
    """Page views per second for each ``phase`` seconds, and (seconds, incident) pairs; times
    count from the first page view. Incidents: ``"node"`` (the worker running most of the app's
    ready pods dies for good) and ``"control-plane"`` (the machine of the leading
    kube-controller-manager dies for good)."""

    name: str
    seed: int
    pages: tuple[float, ...]
    incidents: tuple[tuple[int, str], ...]
    phase: int = 120

    @property
    def duration(self) -> int:
        return self.phase * len(self.pages)


SCRIPTED = Scenario(
    "scripted run",
    seed=12,
    pages=(3, 4, 6, 8, 10, 12, 14, 14, 12, 10, 6, 4),
    incidents=((300, "control-plane"), (600, "node")),
)


@dataclass
class Note:
    """One ``STEP`` of a run: what the tiers answered and the cluster looked like at its end."""

    t: float  # seconds since the first page view, at the end of the step
    pages: float  # page views per second sent during the step
    sent: dict[str, int]
    ok: dict[str, int]
    failed: dict[str, dict[str, int]]  # tier → reason → count
    p95: dict[str, float | None]  # tier → seconds
    ready: dict[str, int]  # tier → ready pods
    nodes: int  # Ready workers
    node_hours: float


@dataclass
class Run:
    """A whole run: the notes, the incidents and the events worth a line in the timeline."""

    scenario: Scenario
    notes: list[Note] = field(default_factory=list)
    incidents: list[tuple[float, str]] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    node_hours: float = 0.0

    def success(self, tier: str) -> float:
        sent = sum(n.sent[tier] for n in self.notes)
        return sum(n.ok[tier] for n in self.notes) / sent if sent else 0.0

    @property
    def success_rate(self) -> float:
        """The share of page views that succeeded: all three tiers had to answer."""
        return math.prod(self.success(t.name) for t in TIERS)

    def tier_p95(self, tier: str) -> float:
        return percentile95(self.latencies.get(tier) or []) or 0.0

    @property
    def p95(self) -> float:
        """The page's 95th-percentile latency in seconds: the tiers' p95s added up."""
        return sum(self.tier_p95(t.name) for t in TIERS)

    def report(self) -> str:
        """The run in a few lines: the three indicators, then an incident timeline."""
        tiers = ", ".join(f"{t.name} {100 * self.success(t.name):.2f}%" for t in TIERS)
        lines = [
            _(
                "capstone.summary",
                run=self.scenario.name,
                rate=f"{100 * self.success_rate:.2f}",
                tiers=tiers,
                p95=f"{1000 * self.p95:.1f}",
                cost=f"{self.node_hours:.2f}",
            ),
            _("capstone.timeline"),
        ]
        return "\n".join(lines + [f"  {clock(t)} {what}" for t, what in self.timeline()])

    def timeline(self) -> list[tuple[float, str]]:
        """Incidents, cluster events, and stretches of failed or slow requests, by time."""
        items = [(t, f"INCIDENT: {what}") for t, what in self.incidents] + self.events
        items += self._trouble()
        return sorted(items, key=lambda item: item[0])

    def _trouble(self, gap: float = 2 * STEP) -> list[tuple[float, str]]:
        """Stretches of steps where a tier failed requests or its p95 passed 5 ms."""
        found = []
        for tier in TIERS:
            name = tier.name
            bad = [n for n in self.notes if n.sent[name] > n.ok[name] or slow(n.p95[name])]
            stretch: list[Note] = []
            for note in bad + [None]:
                if stretch and (note is None or note.t - stretch[-1].t > gap):
                    found.append(_describe(name, stretch))
                    stretch = []
                if note is not None:
                    stretch.append(note)
        return found


def slow(p95: float | None) -> bool:
    return p95 is not None and p95 > 0.005


def _describe(tier: str, notes: list[Note]) -> tuple[float, str]:
    start, end = notes[0].t - STEP, notes[-1].t
    reasons: dict[str, int] = {}
    for note in notes:
        for reason, n in note.failed[tier].items():
            reasons[reason] = reasons.get(reason, 0) + n
    parts = [f"{n} {reason}" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
    worst = max((n.p95[tier] or 0.0) for n in notes)
    if slow(worst):
        parts.append(_("capstone.throttled", ms=f"{1000 * worst:.1f}"))
    return start, _("capstone.until", tier=tier, what=", ".join(parts), clock=clock(end))


def clock(t: float) -> str:
    """Seconds as ``mm:ss``."""
    t = int(t)
    return f"{t // 60:02d}:{t % 60:02d}"


# -- running it ------------------------------------------------------------------------------------


def build(scenario: Scenario):
    """The cluster: three control-plane machines and the node group, nothing of the app yet."""
    import k8sedu as k

    cluster = k.Cluster(nodes=0, control_planes=3, seed=scenario.seed)
    cluster.add_node_group(**POOL)
    return cluster


def as_deployed(docs: list[dict]) -> list[dict]:
    """The manifests with each tier's fixed env set, as the release pipeline sets it."""
    fixed = {t.name: t for t in TIERS}
    deployed = copy.deepcopy(docs)
    for doc in deployed:
        tier = fixed.get(objects.name_of(doc))
        if doc.get("kind") != "Deployment" or tier is None:
            continue
        for container in doc["spec"]["template"]["spec"]["containers"]:
            env = [e for e in container.get("env") or [] if e.get("name") not in dict(tier.env)]
            container["env"] = env + [{"name": n, "value": v} for n, v in tier.env]
    return deployed


class Player:
    """Plays a scenario on a cluster, taking notes every ``STEP`` seconds."""

    def __init__(self, cluster, scenario: Scenario) -> None:
        self.cluster, self.scenario = cluster, scenario
        self.run = Run(scenario, latencies={t.name: [] for t in TIERS})
        self.traffic: dict[str, list] = {t.name: [] for t in TIERS}
        self.seen: dict[str, tuple[int, dict]] = {t.name: (0, {}) for t in TIERS}
        self.taken: dict[str, list[int]] = {t.name: [] for t in TIERS}
        self.start = cluster.now

    def play(self) -> Run:
        pending = sorted(self.scenario.incidents)
        for pages in self.scenario.pages:
            for tier in TIERS:
                rps = pages * tier.calls
                load = self.cluster.load(tier.name, rps, self.scenario.phase)
                self.traffic[tier.name].append(load)
            for _step in range(self.scenario.phase // STEP):
                elapsed = self.cluster.now - self.start
                while pending and pending[0][0] <= elapsed:
                    self.run.incidents.append((elapsed, self.incident(pending.pop(0)[1])))
                self.cluster.run(STEP)
                self.note(pages)
        self.run.events = self.events()
        self.run.node_hours = self.cluster.node_hours()
        return self.run

    def note(self, pages: float) -> None:
        sent, ok, failed, p95 = {}, {}, {}, {}
        for tier in TIERS:
            name = tier.name
            loads = self.traffic[name]
            taken = self.taken[name] + [0] * (len(loads) - len(self.taken[name]))
            new = [x for t, n in zip(loads, taken, strict=True) for x in t.latencies[n:]]
            self.taken[name] = [len(t.latencies) for t in loads]
            totals = (sum(t.ok for t in loads), _sum_failed(loads))
            (ok_before, failed_before), self.seen[name] = self.seen[name], totals
            ok[name] = totals[0] - ok_before
            failed[name] = {
                reason: n - failed_before.get(reason, 0)
                for reason, n in totals[1].items()
                if n > failed_before.get(reason, 0)
            }
            sent[name] = ok[name] + sum(failed[name].values())
            p95[name] = percentile95(new)
            self.run.latencies[name] += new
        self.run.notes.append(
            Note(
                t=self.cluster.now - self.start,
                pages=pages,
                sent=sent,
                ok=ok,
                failed=failed,
                p95=p95,
                ready=self.ready(),
                nodes=len(workers(self.cluster)),
                node_hours=self.cluster.node_hours(),
            )
        )

    def ready(self) -> dict[str, int]:
        """Ready pods per tier (on a machine that is up: a dead node's pods look ready ~50 s)."""
        counts = {t.name: 0 for t in TIERS}
        for pod in self.cluster.api.list("pods", namespace="default"):
            app = (pod["metadata"].get("labels") or {}).get("app")
            host = self.cluster.hosts.get(pod["spec"].get("nodeName") or "")
            if app in counts and objects.is_pod_ready(pod) and host is not None and host.up:
                counts[app] += 1
        return counts

    def incident(self, kind: str) -> str:
        """Make one incident happen now; returns what happened, for the timeline."""
        cluster = self.cluster
        if kind == "control-plane":
            machine = ha.active(cluster, "kube-controller-manager").host_name
            cluster.fail_node(machine)
            return _("capstone.control_plane_died", machine=machine)
        per_node: dict[str, int] = {}
        for pod in cluster.api.list("pods", namespace="default"):
            node = pod["spec"].get("nodeName") or ""
            if node in cluster.hosts and objects.is_pod_ready(pod):
                per_node[node] = per_node.get(node, 0) + 1
        live = [n for n in sorted(cluster.hosts) if cluster.hosts[n].up]
        most = max((per_node.get(n, 0) for n in live), default=0)
        node = cluster.sim.rng("capstone").choice([n for n in live if per_node.get(n, 0) == most])
        cluster.fail_node(node)
        return _("capstone.worker_died", node=node, pods=most)

    def events(self) -> list[tuple[float, str]]:
        """The events of the run worth a line, those of one instant and reason in one line."""
        grouped: dict[tuple[float, str], list[dict]] = {}
        for event in self.cluster.events:
            if event.get("reason") not in TIMELINE_REASONS:
                continue
            when = event.get("firstTimestamp") or event.get("eventTime") or ""
            t = objects.parse_timestamp(when, self.cluster.epoch)
            if t >= self.start:
                grouped.setdefault((t - self.start, event["reason"]), []).append(event)
        lines = []
        for (t, reason), events in sorted(grouped.items()):
            first = events[0]
            what = f"{first['involvedObject']['kind']} {first['involvedObject']['name']}"
            more = _("capstone.more", n=len(events) - 1) if len(events) > 1 else ""
            lines.append((t, f"{reason} {what}{more}: {first.get('message', '')}"))
        return lines


# Event reasons the timeline shows (as the real components emit them)
TIMELINE_REASONS = frozenset(
    {
        "SuccessfulRescale",  # the HPA changed a Deployment's replicas
        "TriggeredScaleUp",  # the cluster autoscaler ordered machines
        "ScaleDown",  # the cluster autoscaler removed a machine
        "NodeNotReady",  # the node lifecycle controller noticed a dead node
        "TaintManagerEviction",  # pods of a dead node deleted after their toleration
        "LeaderElection",  # a controller-manager became leader
    }
)


def _sum_failed(loads: list) -> dict[str, int]:
    total: dict[str, int] = {}
    for t in loads:
        for reason, n in t.failed.items():
            total[reason] = total.get(reason, 0) + n
    return dict(sorted(total.items()))


def workers(cluster) -> list[str]:
    """Workers that are up and Ready."""
    ready = []
    for node in cluster.api.list("nodes"):
        name = objects.name_of(node)
        condition = objects.get_condition(node, "Ready") or {}
        if name in cluster.hosts and cluster.hosts[name].up and condition.get("status") == "True":
            ready.append(name)
    return ready


def run(docs: list[dict], scenario: Scenario = SCRIPTED, cluster=None) -> Run:
    """Apply the manifests (each tier's fixed env set) on a fresh cluster, warm up, and play the
    scenario. Raises the API server's error if it refuses a manifest."""
    cluster = cluster if cluster is not None else build(scenario)
    cluster.apply(as_deployed(docs))
    cluster.run(WARM_UP)
    return Player(cluster, scenario).play()
