"""TaintToleration, NodeUnschedulable, NodeName, NodeAffinity, NodePorts and ImageLocality.

Expected values come from REFERENCE §3.3–3.4 and the plugins' sources (messages quoted there).
"""

import pytest

from k8sedu.objects import tolerates
from k8sedu.scheduler.framework import Code
from k8sedu.scheduler.plugins.imagelocality import ImageLocality
from k8sedu.scheduler.plugins.nodeaffinity import NodeAffinity
from k8sedu.scheduler.plugins.nodename import NodeName
from k8sedu.scheduler.plugins.nodeports import NodePorts
from k8sedu.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from k8sedu.scheduler.plugins.tainttoleration import TaintToleration
from tests.scheduler.conftest import make_node, make_pod

GPU = {"key": "gpu", "value": "a100", "effect": "NoSchedule"}
MiB = 1024 * 1024


@pytest.mark.parametrize(
    "toleration,taint,want",
    [
        ({"key": "gpu", "operator": "Equal", "value": "a100", "effect": "NoSchedule"}, GPU, True),
        ({"key": "gpu", "value": "a100"}, GPU, True),  # empty effect matches every effect
        ({"key": "gpu", "operator": "Exists"}, GPU, True),
        ({"operator": "Exists"}, GPU, True),  # empty key with Exists tolerates everything
        ({"key": "gpu", "value": "v100"}, GPU, False),
        ({"key": "gpu", "operator": "Exists", "effect": "NoExecute"}, GPU, False),
    ],
    ids=["equal", "any-effect", "exists", "exists-everything", "other-value", "other-effect"],
)
def test_tolerates(toleration, taint, want):
    assert tolerates(toleration, taint) is want


def test_taint_filter_message(harness):
    cp = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
    h = harness(
        [
            make_node("cp", taints=[cp]),
            make_node("n1", taints=[{**GPU, "effect": "PreferNoSchedule"}]),
        ]
    )
    plugin = TaintToleration(h)
    status = h.filter(plugin, make_pod("p"), "cp")
    assert status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert (
        status.message == "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
    )
    assert h.filter(plugin, make_pod("p"), "n1") is None  # PreferNoSchedule never filters


def test_taint_score_prefers_fewer_untolerated(harness):
    soft = [{"key": k, "effect": "PreferNoSchedule"} for k in ("a", "b")]
    h = harness([make_node("n1", taints=soft), make_node("n2", taints=soft[:1]), make_node("n3")])
    # raw 2, 1, 0 → reversed DefaultNormalizeScore: 100 - raw * 100 // 2
    assert h.scores(TaintToleration(h), make_pod("p")) == {"n1": 0, "n2": 50, "n3": 100}
    tolerant = make_pod("q", tolerations=[{"key": "a", "operator": "Exists"}])
    assert h.scores(TaintToleration(h), tolerant) == {"n1": 0, "n2": 100, "n3": 100}


def test_cordoned_node(harness):
    h = harness([make_node("n1", unschedulable=True)])
    status = h.filter(NodeUnschedulable(h), make_pod("p"), "n1")
    assert status.message == "node(s) were unschedulable"
    assert status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    daemon = make_pod(
        "d",
        tolerations=[
            {
                "key": "node.kubernetes.io/unschedulable",
                "operator": "Exists",
                "effect": "NoSchedule",
            }
        ],
    )
    assert h.filter(NodeUnschedulable(h), daemon, "n1") is None


def test_node_name(harness):
    h = harness([make_node("n1"), make_node("n2")])
    pod = make_pod("p", nodeName="n2")
    assert (
        h.filter(NodeName(h), pod, "n1").message == "node(s) didn't match the requested node name"
    )
    assert h.filter(NodeName(h), pod, "n2") is None


def _affinity(terms):
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}
        }
    }


LABELS = {"zone": "a", "disk": "ssd", "cores": "8"}


@pytest.mark.parametrize(
    "spec,fits",
    [
        ({"nodeSelector": {"disk": "ssd"}}, True),
        ({"nodeSelector": {"disk": "hdd"}}, False),
        (
            {
                "affinity": _affinity(
                    [
                        {
                            "matchExpressions": [
                                {"key": "zone", "operator": "In", "values": ["a", "b"]}
                            ]
                        }
                    ]
                )
            },
            True,
        ),
        (
            {
                "affinity": _affinity(
                    [{"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}]
                )
            },
            False,
        ),
        (
            {
                "affinity": _affinity(
                    [{"matchExpressions": [{"key": "gpu", "operator": "DoesNotExist"}]}]
                )
            },
            True,
        ),
        (
            {"affinity": _affinity([{"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}])},
            False,
        ),
        (
            {
                "affinity": _affinity(
                    [{"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["4"]}]}]
                )
            },
            True,
        ),
        (
            {
                "affinity": _affinity(
                    [{"matchExpressions": [{"key": "cores", "operator": "Lt", "values": ["4"]}]}]
                )
            },
            False,
        ),
        (
            {
                "affinity": _affinity(
                    [
                        {
                            "matchFields": [
                                {"key": "metadata.name", "operator": "In", "values": ["n1"]}
                            ]
                        }
                    ]
                )
            },
            True,
        ),
        (
            {
                "affinity": _affinity(
                    [
                        {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]},
                        {
                            "matchExpressions": [
                                {"key": "disk", "operator": "In", "values": ["ssd"]}
                            ]
                        },
                    ]
                )
            },
            True,
        ),
        ({"affinity": _affinity([{}])}, False),  # an empty term matches nothing
        (
            {
                "nodeSelector": {"disk": "ssd"},
                "affinity": _affinity(
                    [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}]
                ),
            },
            False,
        ),
    ],
    ids=[
        "selector",
        "selector-miss",
        "in",
        "notin",
        "doesnotexist",
        "exists-miss",
        "gt",
        "lt",
        "fields",
        "terms-ored",
        "empty-term",
        "selector-and-affinity",
    ],
)
def test_node_affinity_filter(harness, spec, fits):
    h = harness([make_node("n1", labels=LABELS)])
    status = h.filter(NodeAffinity(h), make_pod("p", **spec), "n1")
    if fits:
        assert status is None
    else:
        assert status.message == "node(s) didn't match Pod's node affinity/selector"
        assert status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE


def test_node_affinity_score(harness):
    prefer = [
        {
            "weight": 2,
            "preference": {
                "matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]
            },
        },
        {
            "weight": 5,
            "preference": {
                "matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]
            },
        },
    ]
    pod = make_pod(
        "p", affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": prefer}}
    )
    h = harness(
        [make_node("n1", labels=LABELS), make_node("n2", labels={"zone": "a"}), make_node("n3")]
    )
    # raw 7, 5, 0 → raw * 100 // 7
    assert h.scores(NodeAffinity(h), pod) == {"n1": 100, "n2": 71, "n3": 0}


def _port(port, ip=None, protocol=None):
    p = {"containerPort": 80, "hostPort": port}
    if ip:
        p["hostIP"] = ip
    if protocol:
        p["protocol"] = protocol
    return [{"name": "c", "image": "nginx", "ports": [p]}]


@pytest.mark.parametrize(
    "used,wanted,conflict",
    [
        (_port(8080), _port(8080), True),
        (_port(8080), _port(8081), False),
        (_port(8080, protocol="UDP"), _port(8080), False),
        (_port(8080, ip="10.0.0.1"), _port(8080, ip="10.0.0.2"), False),
        (_port(8080, ip="10.0.0.1"), _port(8080), True),  # 0.0.0.0 conflicts with any IP
    ],
    ids=["same", "other-port", "other-protocol", "other-ip", "all-ips"],
)
def test_node_ports(harness, used, wanted, conflict):
    h = harness([make_node("n1")], [make_pod("e", containers=used, node="n1")])
    status = h.filter(NodePorts(h), make_pod("p", containers=wanted), "n1")
    assert (status is not None) is conflict
    if conflict:
        assert status.message == "node(s) didn't have free ports for the requested pod ports"


def test_image_locality(harness):
    image = [{"names": ["registry.example/app:1.0"], "sizeBytes": 300 * MiB}]
    h = harness([make_node("n1", images=image), make_node("n2")])
    pod = make_pod("p", containers=[{"name": "c", "image": "registry.example/app:1.0"}])
    # spread 1/2 → 150 MiB; 100 * (150 - 23) // (1000 - 23) = 12
    assert h.scores(ImageLocality(h), pod) == {"n1": 12, "n2": 0}


def test_image_locality_untagged_means_latest(harness):
    image = [{"names": ["nginx:latest"], "sizeBytes": 800 * MiB}]
    h = harness([make_node("n1", images=image)])
    pod = make_pod("p", containers=[{"name": "c", "image": "nginx"}])
    # on every node: 800 MiB → 100 * (800 - 23) // 977 = 79
    assert h.scores(ImageLocality(h), pod) == {"n1": 79}
