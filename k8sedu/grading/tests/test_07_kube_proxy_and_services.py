"""Graded tests of exercise 07 (kube-proxy and Services): why a Service does not answer, and how
kube-proxy's rules pick an endpoint for each new connection.

Part 1, ``why_no_answer(kubectl, curl, service) -> str``: a Service that answers no request, for
one of three reasons, told apart only by the evidence an operator has:

* ``"selector"`` — the Service's selector matches no pod, so it has no endpoints at all;
* ``"not-ready"`` — pods match, but none is ready: the EndpointSlice lists them with
  ``ready: false`` (REFERENCE §4.5), and kube-proxy only sends traffic to ready ones;
* ``"target-port"`` — ready endpoints exist, but the Service sends traffic to a port the
  containers do not listen on (a number: connection refused), or names a port no container
  declares (the endpoints controllers skip the pod for that port, ``podutil.FindPort``).

Part 2, ``route(endpoints, client, now, rng, recent, affinity_seconds) -> str | None``: the
first packet of a new connection walking one Service's ``KUBE-SVC-…`` chain, as
``pkg/proxy/iptables/proxier.go`` writes it and the kernel runs it (REFERENCE §6): only ready
endpoints are used, or, if none is ready, the serving-but-terminating ones; none at all is a
REJECT (``None``); with ``ClientIP`` affinity the ``-m recent --rcheck --seconds T --reap`` rules
come first, one per endpoint in order, and the chosen endpoint's ``--set`` records the client;
then rule ``i`` of ``n`` matches with ``--probability 1/(n-i)``, one ``rng.random()`` draw per
rule tried, the last rule without a draw. The hidden tests compare every choice with the
simulated kernel (``k8sedu/proxy/netfilter.py``) walking the rules kube-proxy writes.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

import k8sedu as k
from k8sedu.proxy import iptables
from k8sedu.proxy.netfilter import CompiledService, Kernel, Packet
from k8sedu.proxy.serviceport import EndpointInfo, ServicePortInfo

# -- part 1: why does the Service not answer? ---------------------------------------------------

FAULTS = ("selector", "not-ready", "target-port")
PUBLIC_SEEDS = (0, 1, 2, 3, 7, 11)  # seed % 3 picks the fault; these show each way once
HIDDEN_SEEDS = tuple(range(100, 112))
CURL_ERRORS = {
    "connection refused": "curl: (7) Failed to connect to {service} port 80: Connection refused",
    "connection timed out": "curl: (28) Failed to connect to {service} port 80: Timed out",
    "could not resolve host": "curl: (6) Could not resolve host: {service}",
}


class Curl:
    """``curl(service, from_node)``: what ``curl -s http://SERVICE`` prints from a pod there."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster

    def __call__(self, service: str, from_node: str = "node-1") -> str:
        traffic = self.cluster.request(service, count=1, from_node=from_node)
        if traffic.ok:
            return f"Hello from {next(iter(traffic.per_backend))}"
        reason = next(iter(traffic.failed), "connection timed out")
        text = CURL_ERRORS.get(reason, "curl: (22) The requested URL returned error: 500")
        return text.format(service=service)


def _deployment(name: str, labels: dict, replicas: int, container: dict) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def broken_service(seed: int) -> tuple[k.Cluster, str, str]:
    """A cluster whose Service does not answer; returns (cluster, service name, the reason)."""
    rng = random.Random(f"exercise-07/{seed}")
    fault = FAULTS[seed % len(FAULTS)]
    cluster = k.Cluster(nodes=rng.choice([2, 3]), seed=seed)
    name = rng.choice(["shop", "cart", "blog", "api", "auth"])
    labels = {"app": name, "tier": rng.choice(["frontend", "backend"])}
    container = {
        "name": name,
        "image": "k8sedu/web:1.0",
        "ports": [{"containerPort": 8080, "name": "web"}],
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 5},
    }
    selector, target = {"app": name}, rng.choice([8080, "web"])
    broken_pods = False
    if fault == "selector":
        selector = rng.choice(
            [
                {"app": name + "s"},  # a typo in the value
                {"name": name},  # another key
                {"app": name, "tier": "web"},  # one label too many
            ]
        )
    elif fault == "not-ready":
        way = rng.choice(["probe-port", "bad-image", "hung"])
        if way == "probe-port":
            container["readinessProbe"]["httpGet"]["port"] = 9090
        elif way == "bad-image":
            container["image"] = "k8sedu/web:1.9"
        broken_pods = way == "hung"
    else:
        target = rng.choice([80, 8000, "http"])
    replicas = rng.randint(2, 3)
    cluster.apply(_deployment(name, labels, replicas, container))
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name},
            "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": target}]},
        }
    )
    cluster.run(rng.choice([30, 45, 60]))
    if broken_pods:
        for pod in cluster.api.list("pods", label_selector=f"app={name}"):
            cluster.make_unhealthy(pod["metadata"]["name"])
        cluster.run(20)
    # a second, healthy app beside it, so that "nothing answers anywhere" is not the evidence
    other = "db" if name != "db" else "cache"
    cluster.kubectl(f"create deployment {other} --image=k8sedu/web:1.0 --replicas=1")
    cluster.kubectl(f"expose deployment {other} --port=80 --target-port=8080")
    cluster.run(rng.choice([20, 40]))
    return cluster, name, fault


def diagnose(submission, seed: int) -> tuple[str, str]:
    cluster, service, fault = broken_service(seed)
    got = submission.why_no_answer(cluster.kubectl, Curl(cluster), service)
    return got, fault


@pytest.mark.points(2)
@pytest.mark.hint(
    "Look at the Service's EndpointSlice: no endpoints, endpoints that are not ready, or ready "
    "endpoints that still refuse?"
)
@pytest.mark.parametrize("seed", PUBLIC_SEEDS)
def test_why_no_answer(submission, seed):
    """Names why the Service does not answer: selector, not-ready or target-port."""
    got, fault = diagnose(submission, seed)
    assert got == fault, f"scenario {seed}: you said {got!r}, it was {fault!r}"


@pytest.mark.hidden
@pytest.mark.points(1)
@pytest.mark.parametrize("seed", HIDDEN_SEEDS)
def test_why_no_answer_hidden(submission, seed):
    """The same question on scenarios you have not seen."""
    got, fault = diagnose(submission, seed)
    assert got == fault, f"scenario {seed}: you said {got!r}"


# -- part 2: routing a new connection -----------------------------------------------------------


def ep(address: str, ready=True, serving=None, terminating=False) -> dict:
    """An endpoint as the exercise gives it (conditions as in an EndpointSlice)."""
    serving = ready if serving is None else serving
    return {"address": address, "ready": ready, "serving": serving, "terminating": terminating}


A, B, C, D, E = (f"10.244.{i}.5:8080" for i in range(1, 6))
CLIENT, OTHER = "10.244.9.7", "172.18.0.4"


class Draws:
    """A stand-in for random.Random that hands out given numbers and counts the draws."""

    def __init__(self, *values: float) -> None:
        self.values = list(values)
        self.used = 0

    def random(self) -> float:
        assert self.values, "route drew more random numbers than the rules need"
        self.used += 1
        return self.values.pop(0)


def route(submission, endpoints, rng, client=CLIENT, now=0.0, recent=None, affinity=0):
    recent = {} if recent is None else recent
    return submission.route(endpoints, client, now, rng, recent, affinity)


SCRIPTED_CASES = [
    pytest.param([ep(A), ep(B), ep(C)], [0.2], A, 1, id="first-rule-matches"),
    pytest.param([ep(A), ep(B), ep(C)], [0.5, 0.4], B, 2, id="second-rule-half"),
    pytest.param([ep(A), ep(B), ep(C)], [0.5, 0.6], C, 2, id="last-rule-no-draw"),
    pytest.param([ep(A), ep(B), ep(C), ep(D)], [0.3, 0.4, 0.45], C, 3, id="four-third-rule"),
    pytest.param([ep(A)], [], A, 0, id="one-endpoint-no-draw"),
    pytest.param([ep(A), ep(B, ready=False), ep(C)], [0.6], C, 1, id="not-ready-has-no-rule"),
]


@pytest.mark.points(2)
@pytest.mark.hint("Rule i of n matches with probability 1/(n-i); the last rule always matches.")
@pytest.mark.parametrize(("endpoints", "draws", "expected", "used"), SCRIPTED_CASES)
def test_walks_the_rules(submission, endpoints, draws, expected, used):
    """One draw per rule tried, in order; a rule matches when the draw is below its probability."""
    rng = Draws(*draws)
    got = route(submission, endpoints, rng)
    assert got == expected, f"with draws {draws} the rules pick {expected}, you picked {got}"
    assert rng.used == used, f"the rules draw {used} random numbers here, you drew {rng.used}"


@pytest.mark.points(2)
@pytest.mark.hint("Each endpoint should get 1/n of the connections: check the shares you produce.")
@pytest.mark.parametrize("n", [2, 3, 5])
def test_spreads_evenly(submission, n):
    """Over many connections every ready endpoint gets about the same share."""
    endpoints = [ep(f"10.244.{i}.5:8080") for i in range(1, n + 1)]
    rng = random.Random(f"even/{n}")
    counts = Counter(route(submission, endpoints, rng) for _ in range(30000))
    shares = {address: round(counts[address] / 30000, 3) for address in sorted(counts)}
    assert len(counts) == n and all(abs(s - 1 / n) < 0.015 for s in shares.values()), (
        f"each of {n} endpoints should get {1 / n:.3f} of the connections, you gave {shares}"
    )


FALLBACK_CASES = [
    pytest.param([ep(A, ready=False), ep(B)], {B}, id="only-the-ready-one"),
    pytest.param(
        [ep(A, ready=False, serving=True, terminating=True), ep(B, ready=False)],
        {A},
        id="terminating-but-serving-when-none-ready",
    ),
    pytest.param(
        [ep(A, ready=False, serving=True, terminating=True), ep(B)],
        {B},
        id="ready-beats-terminating",
    ),
    pytest.param(
        [ep(A, ready=False, serving=False, terminating=True), ep(B, ready=False)],
        {None},
        id="terminating-and-not-serving-is-unused",
    ),
    pytest.param([ep(A, ready=False), ep(B, ready=False)], {None}, id="none-ready-rejects"),
    pytest.param([], {None}, id="no-endpoints-rejects"),
]


@pytest.mark.points(2)
@pytest.mark.hint(
    "Ready endpoints first; only if there is none, the serving ones that are terminating; "
    "none at all: None (REJECT)."
)
@pytest.mark.parametrize(("endpoints", "allowed"), FALLBACK_CASES)
def test_which_endpoints_are_used(submission, endpoints, allowed):
    """Only ready endpoints, else serving-but-terminating ones, else nothing (REJECT)."""
    rng = random.Random(7)
    got = {route(submission, endpoints, rng) for _ in range(40)}
    assert got == allowed, f"connections should go to {allowed}, yours went to {got}"


AFFINITY = 10800  # sessionAffinityConfig.clientIP.timeoutSeconds default


@pytest.mark.points(2)
@pytest.mark.hint("With affinity, check recent[address] for the client first, before any draw.")
def test_affinity_sticks(submission):
    """A client that connected recently goes back to the same endpoint, without a draw."""
    endpoints, recent = [ep(A), ep(B), ep(C)], {}
    first = route(submission, endpoints, Draws(0.9, 0.9), now=0, recent=recent, affinity=AFFINITY)
    assert first == C, "with draws 0.9, 0.9 the first connection goes to the last endpoint"
    assert recent.get(C, {}).get(CLIENT) == 0, "the chosen endpoint remembers the client and when"
    rng = Draws()
    again = route(submission, endpoints, rng, now=100, recent=recent, affinity=AFFINITY)
    assert (again, rng.used) == (C, 0), "a remembered client goes back to C without drawing"
    other = route(submission, endpoints, Draws(0.1), client=OTHER, now=100, recent=recent,
                  affinity=AFFINITY)  # fmt: skip
    assert other == A, "another client is not affected by CLIENT's affinity"


@pytest.mark.points(2)
@pytest.mark.hint("Every connection refreshes the time (--set); the entry expires after T s.")
@pytest.mark.parametrize(
    ("gap", "sticks"),
    [
        pytest.param(60, True, id="60s"),
        pytest.param(AFFINITY, True, id="exactly-the-timeout"),
        pytest.param(AFFINITY + 1, False, id="one-second-past"),
    ],
)
def test_affinity_times_out(submission, gap, sticks):
    """Affinity lasts timeoutSeconds after the client's last connection, not its first."""
    endpoints, recent = [ep(A), ep(B), ep(C)], {}
    route(submission, endpoints, Draws(0.9, 0.9), now=0, recent=recent, affinity=AFFINITY)
    route(submission, endpoints, Draws(), now=5000, recent=recent, affinity=AFFINITY)
    got = route(submission, endpoints, Draws(0.1, 0.1), now=5000 + gap, recent=recent,
                affinity=AFFINITY)  # fmt: skip
    expected = C if sticks else A
    assert got == expected, (
        f"{gap} s after the last connection the client should {'stay on' if sticks else 'leave'} C"
    )


@pytest.mark.points(1)
@pytest.mark.hint("The remembered endpoint only counts while it is still used by the rules.")
def test_affinity_to_an_endpoint_that_left(submission):
    """If the remembered endpoint is no longer ready, the client gets a fresh pick."""
    recent = {}
    route(submission, [ep(A), ep(B)], Draws(0.9), now=0, recent=recent, affinity=AFFINITY)
    got = route(submission, [ep(A), ep(B, ready=False)], Draws(), now=10, recent=recent,
                affinity=AFFINITY)  # fmt: skip
    assert got == A, "B is not ready any more: the client must go to A"
    assert recent.get(A, {}).get(CLIENT) == 10, "the new choice is remembered (--set)"


@pytest.mark.points(1)
@pytest.mark.hint("Without affinity (affinity_seconds=0) there are no recent rules at all.")
def test_no_affinity_no_memory(submission):
    """Without affinity each connection is a fresh draw and nothing is remembered."""
    recent: dict = {}
    got = [route(submission, [ep(A), ep(B)], Draws(x), now=i, recent=recent)
           for i, x in enumerate([0.9, 0.1, 0.9])]  # fmt: skip
    assert got == [B, A, B], f"three fresh draws 0.9, 0.1, 0.9 pick B, A, B; you picked {got}"
    assert not any(recent.values()), "nothing is remembered without affinity"


# -- hidden: the learner's route against the simulated kernel ------------------------------------


def kernel_route(kernel: Kernel, endpoints: list[dict], client, now, rng, affinity) -> str | None:
    """The choice of k8sedu's kernel walking the rules kube-proxy writes for these endpoints."""
    info = ServicePortInfo(
        name="default/web", protocol="tcp", cluster_ip="10.96.0.20", port=80,
        affinity_seconds=affinity,
    )  # fmt: skip
    infos = []
    for e in endpoints:
        ip, port = e["address"].split(":")
        infos.append(EndpointInfo(ip, int(port), ready=e["ready"], serving=e["serving"],
                                  terminating=e["terminating"]))  # fmt: skip
    compiled = CompiledService.of(iptables.service_rules(info, infos))
    packet = Packet(src=client, dst="10.96.0.20", dport=80, src_local=True)
    verdict = kernel.route(compiled, packet, rng, now)
    return verdict.to if verdict.action == "DNAT" else None


def random_endpoints(rng: random.Random) -> list[dict]:
    found = []
    for address in (A, B, C, D, E)[: rng.randint(0, 5)]:
        state = rng.choice(["ready", "ready", "ready", "not-ready", "terminating", "gone"])
        if state == "ready":
            found.append(ep(address))
        elif state == "not-ready":
            found.append(ep(address, ready=False))
        elif state == "terminating":
            found.append(ep(address, ready=False, serving=rng.random() < 0.7, terminating=True))
    return found


@pytest.mark.hidden
@pytest.mark.points(3)
@pytest.mark.parametrize("affinity", [0, 30, AFFINITY])
def test_same_choices_as_the_kernel(submission, affinity):
    """Over random endpoint changes, clients and times, every choice is the kernel's."""
    script = random.Random(f"kernel/{affinity}")
    kernel, recent = Kernel(), {}
    theirs, ours = random.Random(affinity), random.Random(affinity)
    now = 0.0
    for step in range(400):
        if step % 20 == 0:
            endpoints = random_endpoints(script)
        now += script.choice([1, 5, 20, 60])
        client = script.choice([CLIENT, OTHER, "10.244.3.9"])
        want = kernel_route(kernel, endpoints, client, now, theirs, affinity)
        got = submission.route(endpoints, client, now, ours, recent, affinity)
        assert got == want, f"connection {step}: the kernel picked {want}, you picked {got}"
