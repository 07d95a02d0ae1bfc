"""NodeResourcesFit (filter and strategies) and BalancedAllocation against upstream numbers.

Expected scores are the worked comments of ``least_allocated_test.go``, ``most_allocated_test.go``
and ``balanced_allocation_test.go`` (their pods without containers carry no default requests),
and REFERENCE §3.3/§3.4.
"""

import pytest

from k8sedu.scheduler.framework import Code
from k8sedu.scheduler.plugins.balancedallocation import BalancedAllocation
from k8sedu.scheduler.plugins.noderesources import Fit
from k8sedu.scheduler.plugins.resourcescoring import Strategy, broken_linear
from tests.scheduler.conftest import make_node, make_pod


def bare_pod(name, requests=(), node=None):
    """A pod whose containers request exactly ``requests`` (upstream's MakePod().Req(...))."""
    containers = [
        {"name": f"c{i}", "image": "x", "resources": {"requests": r}}
        for i, r in enumerate(requests)
    ]
    return make_pod(name, containers=containers, node=node)


UPSTREAM_LEAST = [
    (
        "nothing scheduled, nothing requested",
        [],
        [("4000", "10000"), ("4000", "10000")],
        [],
        [100, 100],
    ),
    (
        "differently sized nodes",
        [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
        [("4000", "10000"), ("6000", "10000")],
        [],
        [37, 50],
    ),
    (
        "no resources requested, pods scheduled with resources",
        [],
        [("10000", "20000"), ("10000", "20000")],
        [
            ("node1", {"cpu": "3000", "memory": "0"}),
            ("node1", {"cpu": "3000", "memory": "0"}),
            ("node2", {"cpu": "3000", "memory": "0"}),
            ("node2", {"cpu": "3000", "memory": "5000"}),
        ],
        [70, 57],
    ),
    (
        "requested resources exceed node capacity",
        [{"cpu": "3000", "memory": "0"}],
        [("4000", "10000"), ("4000", "10000")],
        [("node1", {"cpu": "3000", "memory": "0"}), ("node2", {"cpu": "3000", "memory": "5000"})],
        [50, 25],
    ),
]


@pytest.mark.parametrize(
    "requests,nodes,existing,want",
    [c[1:] for c in UPSTREAM_LEAST],
    ids=[c[0] for c in UPSTREAM_LEAST],
)
def test_least_allocated_upstream_cases(harness, requests, nodes, existing, want):
    node_objs = [make_node(f"node{i + 1}", cpu=c, memory=m) for i, (c, m) in enumerate(nodes)]
    pods = [bare_pod(f"e{i}", [r], node=n) for i, (n, r) in enumerate(existing)]
    h = harness(node_objs, pods)
    scores = h.scores(Fit(h), bare_pod("p", requests))
    assert [scores["node1"], scores["node2"]] == want


def test_least_allocated_weights(harness):
    """(25 * 1 + 50 * 2) / (1 + 2) = 41 and 50: least_allocated_test.go's weighted case."""
    h = harness(
        [
            make_node("node1", cpu="4000", memory="10000"),
            make_node("node2", cpu="6000", memory="10000"),
        ]
    )
    args = {
        "scoringStrategy": {
            "type": "LeastAllocated",
            "resources": [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}],
        }
    }
    pod = bare_pod("p", [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}])
    assert h.scores(Fit(h, args), pod) == {"node1": 41, "node2": 50}


@pytest.mark.parametrize(
    "kind,requested,capacity,want",
    [
        ("LeastAllocated", 3000, 4000, 25),
        ("LeastAllocated", 5000, 4000, 0),
        ("MostAllocated", 3000, 4000, 75),
        ("MostAllocated", 5000, 4000, 100),
        ("LeastAllocated", 1, 0, 0),
    ],
    ids=["least", "least-overflow", "most", "most-clamped", "no-capacity"],
)
def test_resource_score_formulas(kind, requested, capacity, want):
    assert Strategy(kind).resource_score(requested, capacity) == want


def test_requested_to_capacity_ratio_shape():
    """Utilization 0 → score 10 (×10 = 100), 100 → 0: a linear "least allocated" shape."""
    shape = [{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]
    strategy = Strategy("RequestedToCapacityRatio", shape)
    assert broken_linear(strategy.shape, 25) == 75
    assert strategy.score([3000, 5000], [4000, 10000], [1, 1]) == 38  # round((25 + 50) / 2)


def test_non_zero_defaults_count_for_scoring_only(harness):
    """A container without requests scores as 100m / 200Mi but the filter sees nothing."""
    h = harness([make_node("n1", cpu="1", memory="1Gi")])
    pod = make_pod("p")  # one container, no requests
    fit = Fit(h)
    assert h.filter(fit, pod, "n1") is None
    # cpu (1000 - 100) * 100 // 1000 = 90; memory (1024 - 200) * 100 // 1024 = 80 → 85
    assert h.scores(fit, pod) == {"n1": 85}


@pytest.mark.parametrize(
    "node_kwargs,existing,pod_kwargs,reasons",
    [
        ({"cpu": "1"}, [("600m", None)], {"cpu": "500m"}, ("Insufficient cpu",)),
        ({"memory": "1Gi"}, [(None, "800Mi")], {"memory": "300Mi"}, ("Insufficient memory",)),
        (
            {"cpu": "1", "memory": "1Gi"},
            [("1", "1Gi")],
            {"cpu": "1m", "memory": "1"},
            ("Insufficient cpu", "Insufficient memory"),
        ),
        ({"pods": "1"}, [(None, None)], {}, ("Too many pods",)),
        (
            {"pods": "1", "cpu": "1"},
            [("1", None)],
            {"cpu": "1"},
            ("Too many pods", "Insufficient cpu"),
        ),
    ],
    ids=["cpu", "memory", "both", "pods", "pods-and-cpu"],
)
def test_fit_filter_reasons(harness, node_kwargs, existing, pod_kwargs, reasons):
    pods = [make_pod(f"e{i}", c, m, node="n1") for i, (c, m) in enumerate(existing)]
    h = harness([make_node("n1", **node_kwargs)], pods)
    status = h.filter(Fit(h), make_pod("p", **pod_kwargs), "n1")
    assert status.code == Code.UNSCHEDULABLE
    assert status.reasons == reasons


def test_fit_filter_extended_resource(harness):
    h = harness([make_node("n1", extra={"nvidia.com/gpu": "1"}), make_node("n2")])
    containers = [{"name": "c", "image": "x", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]
    pod = make_pod("p", containers=containers)
    assert h.filter(Fit(h), pod, "n1") is None
    assert h.filter(Fit(h), pod, "n2").reasons == ("Insufficient nvidia.com/gpu",)


@pytest.mark.parametrize(
    "requests,node,want",
    [
        # balanced_allocation_test.go: cpu 3000/4000, memory 5000/10000 → 1 - |0.75 - 0.5| / 2
        (
            [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
            ("4000", "10000"),
            87,
        ),
        (
            [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
            ("6000", "10000"),
            100,
        ),
        ([{"cpu": "3000", "memory": "0"}], ("4000", "10000"), 62),
    ],
    ids=["unbalanced", "balanced", "cpu-only"],
)
def test_balanced_allocation(harness, requests, node, want):
    h = harness([make_node("n1", cpu=node[0], memory=node[1])])
    assert h.scores(BalancedAllocation(h), bare_pod("p", requests)) == {"n1": want}


def test_balanced_allocation_skips_best_effort(harness):
    h = harness([make_node("n1")])
    pod = bare_pod("p", [{}])
    status = BalancedAllocation(h).pre_score(h.state(pod), pod, [])
    assert status is not None and status.is_skip
