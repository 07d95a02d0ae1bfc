"""Graded tests of exercise 08 (self-healing): a Deployment that keeps its SLO through a day of chaos.

The learner writes ``WEB``, the manifest (YAML text or a dict) of the Deployment ``web``, and
``chaos_day(WEB)`` runs it through a scripted working day on an 8-worker cluster: releases
(rolling updates), a pod that hangs (answers HTTP 500 but keeps running), and two node failures
where the node running the most ready ``web`` pods dies for good. A client sends one request per
second to the Service ``web`` for all eight hours; the score is the share that succeeded, in tiers
(95, 99 and 99.9 %), on the scripted day and on a hidden one.

What the grader fixes, as a release pipeline would: the image (``k8sedu/web:1.0``), the app's
start-up time (``STARTUP_SECONDS=20``: it listens 20 s after it starts) and the Service. What the
learner chooses: replicas, requests (at least 250m CPU and 128Mi per pod, at most 2 CPU in
total), probes, spreading, tolerations, the rollout strategy, a preStop hook.

The behaviour that decides the score is the real one: a node that dies keeps its pods in the
Service's endpoints until the node-lifecycle controller marks it NotReady (node-monitor-grace-
period 50 s, REFERENCE §4.4); its pods are evicted 300 s after the NoExecute taint unless they
tolerate it for less; only ready endpoints get traffic (REFERENCE §4.5, §6); a container without
a readiness probe is ready as soon as it has started (and its startup probe, if any, passed);
a failing readiness probe takes a pod out of the endpoints without restarting it (REFERENCE §5).

Simplified for speed: the client sends its requests in batches, every 5 s around incidents and
every 60 s in the quiet hours.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field

import pytest
import yaml

import k8sedu as k
from k8sedu import objects
from k8sedu.quantity import cpu_millis, to_int

IMAGE = "k8sedu/web:1.0"
RELEASES = ("1.1", "2.0", "1.0")  # the images later releases roll out, in turn
STARTUP_SECONDS = "20"
BUDGET_CPU = 2000  # millicores requested by all replicas together
MIN_CPU, MIN_MEMORY = 250, 128 * 2**20  # what one replica needs
CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane"
RPS = 1
BUSY_STEP, QUIET_STEP = 5, 60  # seconds between batches of requests
BUSY = (-60, 900)  # seconds around an incident sampled with BUSY_STEP
HOUR = 3600
TIERS = (0.95, 0.99, 0.999)

SERVICE = yaml.safe_load("""
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
""")
# Another team's batch work: one 1-CPU pod on each of four nodes.
BATCH = yaml.safe_load("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch}
spec:
  replicas: 4
  selector: {matchLabels: {app: batch}}
  template:
    metadata: {labels: {app: batch}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - {labelSelector: {matchLabels: {app: batch}}, topologyKey: kubernetes.io/hostname}
      containers:
      - {name: batch, image: k8sedu/busy:1.0, resources: {requests: {cpu: "1", memory: 1Gi}}}
""")
# Why requests fail, in the words a learner can act on.
WHY = {
    "connection timed out": "traffic went to pods on a dead node (they stay in the endpoints "
    "until the node is marked NotReady, about 50 s)",
    "connection refused": "a pod got traffic while it was not listening (still starting, or "
    "already shutting down), or no pod was ready at all",
    "HTTP 500": "a hung pod kept getting traffic: only a failing readiness probe takes a "
    "running pod out of the endpoints",
    "could not resolve host": "the Service web could not be found",
}


@dataclass(frozen=True)
class Scenario:
    """One day: the cluster's shape, its seed, and (time, incident) pairs."""

    name: str
    seed: int
    workers: int
    incidents: tuple[tuple[int, str], ...]
    zones: tuple[str, ...] = ()
    hours: int = 8


SCRIPTED = Scenario(
    "scripted day",
    seed=8,
    workers=8,
    incidents=(
        (1 * HOUR, "release"),
        (2 * HOUR, "hang"),
        (4 * HOUR, "release"),
        (6 * HOUR, "node"),
        (6 * HOUR + 60, "node"),
        (7 * HOUR, "release"),
    ),
)
HIDDEN = Scenario(
    "hidden day",
    seed=31,
    workers=9,
    zones=("a", "b", "c"),
    incidents=(
        (1 * HOUR, "hang"),
        (2 * HOUR, "release"),
        (3 * HOUR, "node"),
        (3 * HOUR + 90, "node"),
        (5 * HOUR, "release"),
        (6 * HOUR, "hang"),
        (7 * HOUR, "release"),
    ),
)


def clock(t: float) -> str:
    """Seconds since the start of the day as ``hh:mm:ss``."""
    t = int(t)
    return f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"


# -- the manifest ------------------------------------------------------------------------------


def load_manifest(web) -> dict:
    """The learner's ``WEB`` (YAML text or a dict) as one Deployment dict."""
    if isinstance(web, str):
        docs = [d for d in yaml.safe_load_all(web) if d]
        assert len(docs) == 1, (
            f"WEB must hold exactly one object, the Deployment (found {len(docs)})"
        )
        web = docs[0]
    assert isinstance(web, dict), "WEB must be YAML text or a dict"
    return copy.deepcopy(web)


def problems(manifest: dict) -> list[str]:
    """What keeps this manifest from running in the exercise: its shape, then the budget."""
    return shape_problems(manifest) or budget_problems(manifest)


def shape_problems(manifest: dict) -> list[str]:
    """Is it a Deployment of the app, as the exercise states it?"""
    if (manifest.get("apiVersion"), manifest.get("kind")) != ("apps/v1", "Deployment"):
        return ["WEB must be an apps/v1 Deployment"]
    spec = manifest.get("spec") or {}
    pod = (spec.get("template") or {}).get("spec") or {}
    containers = pod.get("containers") or []
    found = []
    metadata = manifest.get("metadata") or {}
    if metadata.get("name") != "web":
        found.append("the Deployment must be named web")
    if metadata.get("namespace", "default") != "default":
        found.append("the Deployment must be in the default namespace")
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if labels.get("app") != "web":
        found.append("the pods must carry the label app=web (the Service selects it)")
    if [c.get("name") for c in containers] != ["web"] or containers[0].get("image") != IMAGE:
        found.append(f"the pods must run one container, named web, with the image {IMAGE}")
    if _may_run_on_control_plane(pod):
        found.append(
            "the pods may not run on the control-plane node (no nodeName, no toleration of its "
            "taint, no toleration without a key)"
        )
    return found


def budget_problems(manifest: dict) -> list[str]:
    """Does every replica request what it needs, and all of them no more than the budget?"""
    spec = manifest["spec"]
    replicas = spec.get("replicas", 1)
    container = spec["template"]["spec"]["containers"][0]
    requests = (container.get("resources") or {}).get("requests") or {}
    cpu, memory = cpu_millis(requests.get("cpu", 0)), to_int(requests.get("memory", 0))
    found = []
    if cpu < MIN_CPU or memory < MIN_MEMORY:
        found.append(
            f"each pod must request at least {MIN_CPU}m CPU and 128Mi memory, what one replica "
            f"needs (yours: {cpu}m, {memory // 2**20}Mi)"
        )
    if replicas * cpu > BUDGET_CPU:
        found.append(
            f"over budget: {replicas} replicas x {cpu}m = {replicas * cpu}m CPU requested, "
            f"the budget is {BUDGET_CPU}m"
        )
    return found


def _may_run_on_control_plane(pod: dict) -> bool:
    """Set on a node by hand, or tolerating the control plane's taint (or every taint)."""
    if pod.get("nodeName"):
        return True
    for toleration in pod.get("tolerations") or []:
        key = toleration.get("key")
        if key == CONTROL_PLANE_TAINT or (not key and toleration.get("operator") == "Exists"):
            return True
    return False


def as_deployed(manifest: dict) -> dict:
    """What the grader applies: the learner's Deployment with the app's fixed settings."""
    deployed = copy.deepcopy(manifest)
    container = deployed["spec"]["template"]["spec"]["containers"][0]
    env = [e for e in container.get("env") or [] if e.get("name") != "STARTUP_SECONDS"]
    container["env"] = env + [{"name": "STARTUP_SECONDS", "value": STARTUP_SECONDS}]
    return deployed


# -- the day -----------------------------------------------------------------------------------


@dataclass
class Day:
    """What happened: requests sent and answered, incidents, and failures by time and reason."""

    scenario: Scenario
    ok: int = 0
    sent: int = 0
    incidents: list[tuple[float, str]] = field(default_factory=list)
    failures: list[tuple[float, dict[str, int]]] = field(default_factory=list)

    @property
    def success_rate(self) -> float:
        return self.ok / self.sent if self.sent else 0.0

    def windows(self, since: float, until: float, gap: float = 60) -> list[tuple]:
        """Failures between ``since`` and ``until``, grouped into stretches with no more than
        ``gap`` seconds between them: (first, last, {reason: count})."""
        found: list[list] = []
        for t, failed in self.failures:
            if not since <= t < until:
                continue
            if not found or t - found[-1][1] > gap:
                found.append([t, t, {}])
            found[-1][1] = t
            for reason, n in failed.items():
                found[-1][2][reason] = found[-1][2].get(reason, 0) + n
        return [tuple(w) for w in found]

    def report(self) -> str:
        """The day in a few lines: the score, then each incident with the failures after it."""
        lines = [
            f"{self.scenario.name}: {self.ok} of {self.sent} requests succeeded "
            f"({100 * self.success_rate:.2f}%)"
        ]
        events = [(0.0, "the day starts")] + self.incidents
        for i, (at, what) in enumerate(events):
            until = events[i + 1][0] if i + 1 < len(events) else float("inf")
            windows = self.windows(at, until)
            if i == 0 and not windows:
                continue
            lines.append(f"{clock(at)} {what}" + ("" if windows else ": no request failed"))
            for start, end, reasons in windows:
                for reason, n in sorted(reasons.items(), key=lambda item: -item[1]):
                    span = f"{clock(start)}-{clock(end + BUSY_STEP)}"
                    lines.append(f"  {span} {n} {reason}: {WHY.get(reason, '')}")
        return "\n".join(lines)


_DAYS: dict[tuple[str, str], Day] = {}


def chaos_day(web, scenario: Scenario = SCRIPTED) -> Day:
    """Run the Deployment ``web`` through a day of chaos (cached per manifest and day)."""
    manifest = load_manifest(web)
    key = (json.dumps(manifest, sort_keys=True), scenario.name)
    if key not in _DAYS:
        found = problems(manifest)
        assert not found, "; ".join(found)
        _DAYS[key] = _run(manifest, scenario)
    return _DAYS[key]


def _run(manifest: dict, scenario: Scenario) -> Day:
    cluster = k.Cluster(
        nodes=scenario.workers,
        node_cpu="2",
        node_memory="4Gi",
        seed=scenario.seed,
        zones=list(scenario.zones) or None,
    )
    rng = random.Random(f"exercise-08/{scenario.seed}")
    cluster.apply([SERVICE, BATCH])
    cluster.run(10)
    try:
        cluster.apply(as_deployed(manifest))
    except k.APIError as error:
        raise AssertionError(f"the API server refused WEB: {error}") from None
    cluster.run(60)
    day = Day(scenario)
    pending = sorted(scenario.incidents)
    t = 0
    while t < scenario.hours * HOUR:
        while pending and pending[0][0] <= t:
            day.incidents.append((t, _incident(cluster, pending.pop(0)[1], rng, day)))
        busy = any(BUSY[0] <= t - at <= BUSY[1] for at, _ in scenario.incidents)
        step = BUSY_STEP if busy else QUIET_STEP
        traffic = cluster.request("web", count=RPS * step)
        day.ok, day.sent = day.ok + traffic.ok, day.sent + traffic.sent
        if traffic.failed:
            day.failures.append((t, dict(traffic.failed)))
        cluster.run(step)
        t += step
    return day


def _ready_pods(cluster) -> list[dict]:
    pods = cluster.api.list("pods", label_selector="app=web")
    return [
        p
        for p in pods
        if not p["metadata"].get("deletionTimestamp")
        and objects.is_pod_ready(p)
        and cluster.node(p["spec"]["nodeName"]).up
    ]


def _incident(cluster, kind: str, rng: random.Random, day: Day) -> str:
    """Make one incident happen now; returns what happened, for the report."""
    if kind == "release":
        version = RELEASES[sum(1 for _, what in day.incidents if what.startswith("release"))]
        cluster.kubectl(f"set image deployment/web web=k8sedu/web:{version}")
        return f"release: image k8sedu/web:{version} rolled out"
    ready = _ready_pods(cluster)
    if kind == "hang":
        if not ready:
            return "a pod would have hung, but none was ready"
        pod = rng.choice(sorted(p["metadata"]["name"] for p in ready))
        cluster.make_unhealthy(pod)
        return f"pod {pod} hung: it keeps running but answers HTTP 500"
    per_node: dict[str, int] = {}
    for p in ready:
        per_node[p["spec"]["nodeName"]] = per_node.get(p["spec"]["nodeName"], 0) + 1
    live = sorted(name for name, host in cluster.hosts.items() if host.up)
    most = max(per_node.get(n, 0) for n in live)
    node = rng.choice([n for n in live if per_node.get(n, 0) == most])
    cluster.fail_node(node)
    return f"{node} failed for good (it ran {most} of your {len(ready)} ready pods)"


# -- the graded tests --------------------------------------------------------------------------


@pytest.fixture
def manifest(submission) -> dict:
    return load_manifest(submission.WEB)


@pytest.mark.points(1)
@pytest.mark.hint("One Deployment named web, pods labelled app=web, one container web.")
def test_runs_the_app(manifest):
    """WEB is a Deployment of the app: name, labels, container and image as stated."""
    found = shape_problems(manifest)
    assert not found, "; ".join(found)


@pytest.mark.points(2)
@pytest.mark.hint("replicas x CPU request must stay within 2 CPUs; each pod needs 250m, 128Mi.")
def test_within_budget(manifest):
    """Every replica requests what it needs, and all of them together stay within the budget."""
    found = problems(manifest)
    assert not found, "; ".join(found)


def tier_message(day: Day, tier: float) -> str:
    return (
        f"the {100 * tier:g}% tier needs {100 * tier:g}% of requests to succeed.\n" + day.report()
    )


@pytest.mark.parametrize(
    "tier",
    [
        pytest.param(0.95, marks=pytest.mark.points(2), id="95%"),
        pytest.param(0.99, marks=pytest.mark.points(3), id="99%"),
        pytest.param(0.999, marks=pytest.mark.points(2), id="99.9%"),
    ],
)
def test_scripted_day(submission, tier):
    """Through the scripted day, the share of successful requests reaches the tier."""
    day = chaos_day(submission.WEB, SCRIPTED)
    assert day.success_rate >= tier, tier_message(day, tier)


@pytest.mark.hidden
@pytest.mark.parametrize(
    "tier",
    [
        pytest.param(0.95, marks=pytest.mark.points(2), id="95%"),
        pytest.param(0.99, marks=pytest.mark.points(3), id="99%"),
        pytest.param(0.999, marks=pytest.mark.points(2), id="99.9%"),
    ],
)
@pytest.mark.hint("Another day: other times, another cluster, the same kinds of trouble.")
def test_hidden_day(submission, tier):
    """Through another day (other cluster, times and order), the share reaches the tier."""
    day = chaos_day(submission.WEB, HIDDEN)
    assert day.success_rate >= tier, tier_message(day, tier)
