"""Graded tests of exercise 12 (capstone): the shop's manifests, graded by SLO tiers and cost.

The learner writes ``MANIFESTS``: YAML text (or a list of dicts) with the Deployments and
Services ``frontend``, ``api`` and ``cache``, and any HorizontalPodAutoscalers and
PodDisruptionBudgets they like. ``k8sedu.capstone.run`` plays them through 24 minutes of load on
a cluster with three control-plane machines and an autoscaled node group, with a worker and a
control-plane machine dying under load (the scripted run, and a hidden run: another seed, another
load shape, other times). Each of three indicators earns points in tiers: the share of page
views that succeeded, the page's 95th-percentile latency, and the cost in worker node-hours.

The rules, as a platform team would set them: the images are fixed (the grader sets each tier's
start-up time and CPU cost), every container requests CPU and memory, and its CPU limit equals its
CPU request — a busy pod is throttled (slower answers) instead of taking CPU from its neighbours,
which k8sedu does not model. The tiers were set from the two reference designs (an HPA-scaled
one, and a fixed one with PodDisruptionBudgets) and from plausible wrong answers.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml

import k8sedu as k
from k8sedu import capstone
from k8sedu.quantity import cpu_millis

KINDS = ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget")
CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane"
# (at least, points): success is a share of page views, latency a page p95 in ms, cost node-hours
SUCCESS = ((0.75, 1), (0.85, 2), (0.89, 2))
LATENCY = ((25, 1), (15, 1), (11, 1))
COST = ((2.0, 1), (1.5, 1), (1.2, 1))

HIDDEN = capstone.Scenario(
    "hidden run",
    seed=29,
    pages=(4, 6, 9, 12, 14, 16, 12, 10, 8, 10, 6, 4),
    incidents=((480, "node"), (840, "control-plane")),
)


# -- the manifests -------------------------------------------------------------------------------


def load_manifests(manifests) -> list[dict]:
    """The learner's ``MANIFESTS`` (YAML text or a list of dicts) as a list of dicts."""
    if isinstance(manifests, str):
        manifests = [d for d in yaml.safe_load_all(manifests) if d]
    assert isinstance(manifests, list), "MANIFESTS must be YAML text or a list of dicts"
    assert all(isinstance(d, dict) for d in manifests), "every document must be a mapping"
    return copy.deepcopy(manifests)


def problems(docs: list[dict]) -> list[str]:
    """What keeps these manifests from running in the exercise, in words a learner can act on."""
    found = []
    for doc in docs:
        kind, name = doc.get("kind"), (doc.get("metadata") or {}).get("name")
        if kind not in KINDS:
            found.append(f"{kind} {name}: only {', '.join(KINDS)} are part of this exercise")
        if (doc.get("metadata") or {}).get("namespace", "default") != "default":
            found.append(f"{kind} {name} must be in the default namespace")
    by_kind = {(d.get("kind"), (d.get("metadata") or {}).get("name")): d for d in docs}
    for tier in capstone.TIERS:
        deployment = by_kind.get(("Deployment", tier.name))
        service = by_kind.get(("Service", tier.name))
        if deployment is None or service is None:
            found.append(f"the tier {tier.name} needs a Deployment and a Service named {tier.name}")
            continue
        found += tier_problems(tier, deployment, service)
    return found


def tier_problems(tier: capstone.Tier, deployment: dict, service: dict) -> list[str]:
    template = (deployment.get("spec") or {}).get("template") or {}
    pod = template.get("spec") or {}
    containers = pod.get("containers") or []
    if [c.get("name") for c in containers] != [tier.name] or containers[0].get("image") != (
        tier.image
    ):
        return [f"{tier.name}: one container, named {tier.name}, with the image {tier.image}"]
    found = []
    labels = (template.get("metadata") or {}).get("labels") or {}
    selector = (service.get("spec") or {}).get("selector") or {}
    if not selector or any(labels.get(key) != value for key, value in selector.items()):
        found.append(f"the Service {tier.name} selects no pod of the Deployment {tier.name}")
    resources = containers[0].get("resources") or {}
    requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
    if "cpu" not in requests or "memory" not in requests:
        found.append(f"{tier.name}: the container must request cpu and memory")
    elif cpu_millis(limits.get("cpu", 0)) != cpu_millis(requests["cpu"]):
        found.append(f"{tier.name}: the CPU limit must equal the CPU request (the platform's rule)")
    if pod.get("nodeName") or any(
        t.get("key") == CONTROL_PLANE_TAINT or (not t.get("key") and t.get("operator") == "Exists")
        for t in pod.get("tolerations") or []
    ):
        found.append(f"{tier.name}: pods may not run on the control-plane machines")
    return found


# -- the runs ------------------------------------------------------------------------------------

_RUNS: dict[tuple[str, str], capstone.Run] = {}


def shop_run(manifests, scenario: capstone.Scenario = capstone.SCRIPTED) -> capstone.Run:
    """Play the manifests through a scenario (cached per manifests and scenario)."""
    docs = load_manifests(manifests)
    key = (json.dumps(docs, sort_keys=True), scenario.name)
    if key not in _RUNS:
        found = problems(docs)
        assert not found, "; ".join(found)
        try:
            _RUNS[key] = capstone.run(docs, scenario)
        except k.APIError as error:
            raise AssertionError(f"the API server refused a manifest: {error}") from None
    return _RUNS[key]


def tiers(table, better) -> list:
    """One pytest param per tier of an indicator, worth its points."""
    unit = {"success": "%", "latency": " ms", "cost": " node-hours"}[better]
    return [
        pytest.param(
            level,
            marks=pytest.mark.points(points),
            id=f"{100 * level:g}%" if better == "success" else f"{level:g}{unit}",
        )
        for level, points in table
    ]


def check_success(run: capstone.Run, level: float) -> None:
    assert run.success_rate >= level, (
        f"{100 * level:g}% of page views must succeed; {100 * run.success_rate:.2f}% did. A "
        "page fails when any tier fails it: look for connection timed out (a dead node's pods "
        "kept traffic: spread them thinner) and connection refused (pods got traffic before "
        "they listened: readiness probes).\n" + run.report()
    )


def check_latency(run: capstone.Run, level: float) -> None:
    assert 1000 * run.p95 <= level, (
        f"the page's p95 must be at most {level:g} ms; it was {1000 * run.p95:.1f} ms. Slow "
        "answers come from throttled pods: more replicas (an HPA) or bigger CPU requests.\n"
        + run.report()
    )


def check_cost(run: capstone.Run, level: float) -> None:
    assert run.node_hours <= level, (
        f"the run may cost at most {level:g} node-hours; it cost {run.node_hours:.2f}. The "
        "cluster autoscaler adds a 2-CPU worker whenever your pods' requests do not fit: "
        "request what the pods need, and let an HPA add replicas only under load.\n" + run.report()
    )


# -- the graded tests ----------------------------------------------------------------------------


@pytest.fixture
def docs(submission) -> list[dict]:
    return load_manifests(submission.MANIFESTS)


@pytest.mark.points(2)
@pytest.mark.hint(
    "Deployments and Services frontend, api, cache; requests set; CPU limit = request."
)
def test_follows_the_rules(docs):
    """The manifests hold the three tiers as the exercise states them, within the rules."""
    found = problems(docs)
    assert not found, "; ".join(found)


@pytest.mark.parametrize("level", tiers(SUCCESS, "success"))
def test_scripted_success(submission, level):
    """Through the scripted run, enough page views succeed for the tier."""
    check_success(shop_run(submission.MANIFESTS), level)


@pytest.mark.parametrize("level", tiers(LATENCY, "latency"))
def test_scripted_latency(submission, level):
    """Through the scripted run, the page's p95 latency stays within the tier."""
    check_latency(shop_run(submission.MANIFESTS), level)


@pytest.mark.parametrize("level", tiers(COST, "cost"))
def test_scripted_cost(submission, level):
    """The scripted run costs no more worker node-hours than the tier."""
    check_cost(shop_run(submission.MANIFESTS), level)


@pytest.mark.hidden
@pytest.mark.hint("Another run: other load, other times, the same kinds of trouble.")
@pytest.mark.parametrize("level", tiers(SUCCESS, "success"))
def test_hidden_success(submission, level):
    """Through the hidden run, enough page views succeed for the tier."""
    check_success(shop_run(submission.MANIFESTS, HIDDEN), level)


@pytest.mark.hidden
@pytest.mark.hint("Another run: other load, other times, the same kinds of trouble.")
@pytest.mark.parametrize("level", tiers(LATENCY, "latency"))
def test_hidden_latency(submission, level):
    """Through the hidden run, the page's p95 latency stays within the tier."""
    check_latency(shop_run(submission.MANIFESTS, HIDDEN), level)


@pytest.mark.hidden
@pytest.mark.hint("Another run: other load, other times, the same kinds of trouble.")
@pytest.mark.parametrize("level", tiers(COST, "cost"))
def test_hidden_cost(submission, level):
    """The hidden run costs no more worker node-hours than the tier."""
    check_cost(shop_run(submission.MANIFESTS, HIDDEN), level)
