"""PodTopologySpread and InterPodAffinity: skew, scores, (anti-)affinity verdicts.

Expected values follow REFERENCE §3.3–3.4 and the formulas of ``podtopologyspread/filtering.go``,
``scoring.go`` and ``interpodaffinity/filtering.go``, ``scoring.go``, computed by hand below.
"""

import pytest

from k8sedu.scheduler.framework import Code
from k8sedu.scheduler.plugins.interpodaffinity import InterPodAffinity
from k8sedu.scheduler.plugins.podtopologyspread import PodTopologySpread
from tests.scheduler.conftest import make_node, make_pod

ZONE = "topology.kubernetes.io/zone"
WEB = {"app": "web"}


def zoned_nodes():
    return [
        make_node("a1", labels={ZONE: "a"}),
        make_node("a2", labels={ZONE: "a"}),
        make_node("b1", labels={ZONE: "b"}),
        make_node("nozone"),
    ]


def spread(max_skew=1, key=ZONE, when="DoNotSchedule", **extra):
    return [
        {
            "maxSkew": max_skew,
            "topologyKey": key,
            "whenUnsatisfiable": when,
            "labelSelector": {"matchLabels": WEB},
            **extra,
        }
    ]


@pytest.mark.parametrize(
    "constraints,node,reason",
    [
        (spread(), "a1", "node(s) didn't match pod topology spread constraints"),  # 2 + 1 - 1 = 2
        (spread(), "b1", None),  # 1 + 1 - 1 = 1
        (spread(max_skew=2), "a1", None),
        (
            spread(minDomains=3),
            "b1",
            "node(s) didn't match pod topology spread constraints",
        ),  # min 0
        (
            spread(),
            "nozone",
            "node(s) didn't match pod topology spread constraints (missing required label)",
        ),
    ],
    ids=["skew-too-big", "fits", "bigger-maxskew", "min-domains", "missing-label"],
)
def test_spread_filter(harness, constraints, node, reason):
    existing = [
        make_pod("w1", node="a1", labels=WEB),
        make_pod("w2", node="a2", labels=WEB),
        make_pod("w3", node="b1", labels=WEB),
    ]
    h = harness(zoned_nodes(), existing)
    status = h.filter(
        PodTopologySpread(h), make_pod("p", labels=WEB, topologySpreadConstraints=constraints), node
    )
    assert (status.message if status else None) == reason
    if node == "nozone":
        assert status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE


def test_spread_ignores_terminating_pods(harness):
    leaving = make_pod("w1", node="a1", labels=WEB)
    leaving["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z"
    h = harness(zoned_nodes(), [leaving, make_pod("w2", node="a2", labels=WEB)])
    pod = make_pod("p", labels=WEB, topologySpreadConstraints=spread(max_skew=2))
    # zone a counts 1, zone b 0: 1 + 1 - 0 = 2 fits; counting w1 would make it 3
    assert h.filter(PodTopologySpread(h), pod, "a1") is None


def test_spread_score_hostname(harness):
    h = harness(
        [make_node("n1"), make_node("n2")],
        [make_pod("w1", node="n1", labels=WEB), make_pod("w2", node="n1", labels=WEB)],
    )
    pod = make_pod(
        "p",
        labels=WEB,
        topologySpreadConstraints=spread(key="kubernetes.io/hostname", when="ScheduleAnyway"),
    )
    # n1: round(2 * ln(4) + 0) = 3, n2: 0 → 100 * (3 + 0 - s) // 3
    assert h.scores(PodTopologySpread(h), pod) == {"n1": 0, "n2": 100}


def test_system_default_spreading_follows_services(harness):
    nodes = [make_node("n1", labels={ZONE: "a"}), make_node("n2", labels={ZONE: "b"})]
    existing = [make_pod("w1", node="n1", labels=WEB), make_pod("w2", node="n1", labels=WEB)]
    service = {"metadata": {"name": "web", "namespace": "default"}, "spec": {"selector": WEB}}
    plain = harness(nodes, existing)
    assert plain.scores(PodTopologySpread(plain), make_pod("p", labels=WEB)) == {}  # skipped
    h = harness(nodes, existing, services=[service])
    # n1: hostname 2*ln4 + 2, zone 2*ln4 + 4 → round(11.55) = 12; n2: 0 + 2 + 0 + 4 = 6
    # normalized 100 * (12 + 6 - s) // 12
    assert h.scores(PodTopologySpread(h), make_pod("p", labels=WEB)) == {"n1": 50, "n2": 100}


def _term(labels, key, weight=None):
    term = {"labelSelector": {"matchLabels": labels}, "topologyKey": key}
    return {"weight": weight, "podAffinityTerm": term} if weight else term


REQ = "requiredDuringSchedulingIgnoredDuringExecution"
PREF = "preferredDuringSchedulingIgnoredDuringExecution"


def test_required_anti_affinity(harness):
    h = harness(zoned_nodes(), [make_pod("w1", node="a1", labels=WEB)])
    pod = make_pod(
        "p", labels=WEB, affinity={"podAntiAffinity": {REQ: [_term(WEB, "kubernetes.io/hostname")]}}
    )
    status = h.filter(InterPodAffinity(h), pod, "a1")
    assert (status.code, status.message) == (
        Code.UNSCHEDULABLE,
        "node(s) didn't match pod anti-affinity rules",
    )
    assert h.filter(InterPodAffinity(h), pod, "a2") is None


def test_required_affinity_and_first_pod(harness):
    h = harness(zoned_nodes(), [make_pod("db", node="b1", labels={"app": "db"})])
    pod = make_pod("p", affinity={"podAffinity": {REQ: [_term({"app": "db"}, ZONE)]}})
    status = h.filter(InterPodAffinity(h), pod, "a1")
    assert (status.code, status.message) == (
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        "node(s) didn't match pod affinity rules",
    )
    assert h.filter(InterPodAffinity(h), pod, "b1") is None
    # the first pod of a group that wants itself may start anywhere with the topology label
    first = make_pod("w", labels=WEB, affinity={"podAffinity": {REQ: [_term(WEB, ZONE)]}})
    assert h.filter(InterPodAffinity(h), first, "a1") is None


def test_existing_pods_anti_affinity(harness):
    guard = make_pod(
        "g",
        node="a1",
        labels={"app": "guard"},
        affinity={"podAntiAffinity": {REQ: [_term(WEB, "kubernetes.io/hostname")]}},
    )
    h = harness(zoned_nodes(), [guard])
    status = h.filter(InterPodAffinity(h), make_pod("p", labels=WEB), "a1")
    assert status.message == "node(s) didn't satisfy existing pods anti-affinity rules"
    assert h.filter(InterPodAffinity(h), make_pod("p", labels=WEB), "a2") is None


def test_preferred_affinity_score(harness):
    h = harness(zoned_nodes()[:3], [make_pod("db", node="b1", labels={"app": "db"})])
    pod = make_pod("p", affinity={"podAffinity": {PREF: [_term({"app": "db"}, ZONE, weight=10)]}})
    # raw: zone b 10, zone a 0 → (s - 0) * 100 / 10
    assert h.scores(InterPodAffinity(h), pod) == {"a1": 0, "a2": 0, "b1": 100}


def test_interpod_affinity_skips_when_nothing_has_affinity(harness):
    h = harness(zoned_nodes(), [make_pod("w1", node="a1", labels=WEB)])
    pod = make_pod("p", labels=WEB)
    assert InterPodAffinity(h).pre_filter(h.state(pod), pod).is_skip
    assert InterPodAffinity(h).pre_score(h.state(pod), pod, []).is_skip
