"""Graded tests of exercise 01: which component of a broken cluster is down, from the evidence.

``diagnose(kubectl, curl) -> str`` gets only what an operator has: ``kubectl(command)`` (its
stdout; a failing command raises ``k8sedu.KubectlError``) and ``curl(service, from_node)`` (what
``curl -s http://SERVICE`` prints from a pod on that node). It answers ``"kube-scheduler"``,
``"kube-controller-manager"``, ``"kubelet/NODE"`` or ``"kube-proxy/NODE"``.

``broken_cluster(seed)`` builds the scenario: a small cluster running an app, then one fault,
then ordinary work (scale the app, deploy a second one behind a Service), then some waiting.
The seed picks the fault, the node, the names, the sizes and the timing, so the public seeds
teach the symptoms and the hidden ones check them. What each fault shows is the real behaviour:
no scheduler — new pods stay Pending with no node and no FailedScheduling event; no
controller-manager — nothing creates the new pods or fills the new Service's endpoints; a dead
kubelet — its Node turns NotReady after node-monitor-grace-period (50 s, REFERENCE §4.4) and pods
bound to it never start; a stopped kube-proxy — everything in the API looks healthy, but that
node's rules stop following changes, so the new Service fails from there only.
"""

from __future__ import annotations

import random

import pytest

import k8sedu as k

FAULTS = ("kube-scheduler", "kube-controller-manager", "kubelet", "kube-proxy")
PUBLIC_SEEDS = (0, 1, 2, 3, 6, 7)  # seed % 4 picks the fault: each fault is public at least once
HIDDEN_SEEDS = (104, 105, 106, 107, 112, 113, 114, 115)
# curl's own words for what went wrong (curl exit codes 6, 7 and 28)
CURL_ERRORS = {
    "could not resolve host": "curl: (6) Could not resolve host: {service}",
    "connection refused": "curl: (7) Failed to connect to {service} port 80: Connection refused",
    "connection timed out": "curl: (28) Failed to connect to {service} port 80: Timed out",
}


class Curl:
    """``curl(service, from_node)``: one request to a Service from a pod on ``from_node``."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster

    def __call__(self, service: str, from_node: str) -> str:
        traffic = self.cluster.request(service, count=1, from_node=from_node)
        if traffic.ok:
            return f"Hello from {next(iter(traffic.per_backend))}"
        reason = next(iter(traffic.failed), "connection timed out")
        text = CURL_ERRORS.get(reason, "curl: (56) Failure when receiving data from the peer")
        return text.format(service=service)


def broken_cluster(seed: int) -> tuple[k.Cluster, str]:
    """A cluster with one component down, and the answer (``"kubelet/node-2"`` …)."""
    rng = random.Random(f"exercise-01/{seed}")
    fault = FAULTS[seed % len(FAULTS)]
    workers = rng.choice([3, 3, 4])
    cluster = k.Cluster(nodes=workers, seed=seed)
    app, second = rng.choice(["web", "shop", "blog", "cart"]), rng.choice(["api", "auth", "pay"])
    replicas = rng.randint(2, 4)
    cluster.kubectl(f"create deployment {app} --image=k8sedu/web:1.0 --replicas={replicas}")
    cluster.kubectl(f"expose deployment {app} --port=80 --target-port=8080")
    cluster.run(rng.choice([20, 30, 45]))

    node = f"node-{rng.randint(1, workers)}"
    if fault == "kubelet":
        cluster.node(node).kubelet.stop()
    elif fault == "kube-proxy":
        cluster.node(node).proxy.stop()
    else:
        cluster.stop(fault)
    cluster.run(rng.choice([2, 5, 10]))

    cluster.kubectl(f"scale deployment {app} --replicas={replicas + rng.randint(1, 3)}")
    cluster.kubectl(f"create deployment {second} --image=k8sedu/web:1.0 --replicas=2")
    cluster.kubectl(f"expose deployment {second} --port=80 --target-port=8080")
    cluster.run(rng.choice([90, 150, 240, 420]))
    return cluster, f"{fault}/{node}" if fault in ("kubelet", "kube-proxy") else fault


_RESULTS: dict[tuple[int, int], tuple[object, str]] = {}


def diagnosis(submission, seed: int) -> tuple[object, str]:
    """(what the submission answers, the right answer) for scenario ``seed``, built once."""
    key = (id(submission.diagnose), seed)
    if key not in _RESULTS:
        cluster, want = broken_cluster(seed)
        _RESULTS[key] = (submission.diagnose(cluster.kubectl, Curl(cluster)), want)
    return _RESULTS[key]


def check_component(submission, seed: int) -> None:
    got, want = diagnosis(submission, seed)
    assert isinstance(got, str), f"diagnose returns a str such as 'kube-scheduler', not {got!r}"
    component = want.partition("/")[0]
    assert got.partition("/")[0] == component, (
        f"seed {seed}: {got!r} is not the component that is down. "
        + HINTS[component if seed in PUBLIC_SEEDS else "any"]
    )


def check_node(submission, seed: int) -> None:
    got, want = diagnosis(submission, seed)
    assert got == want, (
        f"seed {seed}: a {want.partition('/')[0]} runs on every worker; say which one "
        f"as '{want.partition('/')[0]}/NODE' (got {got!r})"
    )


HINTS = {
    "kube-scheduler": "Pods that stay Pending with no NODE and no FailedScheduling event were "
    "never looked at by the component that picks nodes.",
    "kube-controller-manager": "A Deployment asks for more replicas than there are pods, and "
    "nothing creates them: who turns Deployments into ReplicaSets and pods?",
    "kubelet": "Look at `kubectl get nodes`: who posts a node's status and heartbeats?",
    "kube-proxy": "Everything in the API looks healthy; try each Service from each node.",
    "any": "Check the symptoms in order: nodes, missing pods, Pending pods and where they are "
    "bound, then traffic to each Service from each node.",
}


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", PUBLIC_SEEDS[:4], ids=FAULTS)
@pytest.mark.hint(
    "diagnose(kubectl, curl) returns a str such as 'kube-scheduler' or 'kubelet/node-2'."
)
def test_names_the_component(submission, seed):
    """The component that is down, on a public scenario."""
    check_component(submission, seed)


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", PUBLIC_SEEDS[4:], ids=["kubelet", "kube-proxy"])
@pytest.mark.hint(
    "diagnose(kubectl, curl) returns a str such as 'kube-scheduler' or 'kubelet/node-2'."
)
def test_names_the_component_and_its_node(submission, seed):
    """A node-level fault: the component and the node it runs on."""
    check_component(submission, seed)
    check_node(submission, seed)


@pytest.mark.points(2)
@pytest.mark.hidden
@pytest.mark.parametrize("seed", HIDDEN_SEEDS)
@pytest.mark.hint(
    "diagnose(kubectl, curl) returns a str such as 'kube-scheduler' or 'kubelet/node-2'."
)
def test_hidden_component(submission, seed):
    """The component that is down, on an unseen scenario."""
    check_component(submission, seed)


@pytest.mark.points(1)
@pytest.mark.hidden
@pytest.mark.parametrize("seed", [s for s in HIDDEN_SEEDS if s % 4 >= 2])  # kubelet, kube-proxy
@pytest.mark.hint(
    "diagnose(kubectl, curl) returns a str such as 'kube-scheduler' or 'kubelet/node-2'."
)
def test_hidden_node(submission, seed):
    """The node of a node-level fault, on an unseen scenario."""
    check_node(submission, seed)
