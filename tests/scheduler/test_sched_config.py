"""Profiles (KubeSchedulerConfiguration), default weights, and learners' plugins."""

import pytest

import k8sedu as k
from k8sedu.scheduler import Code, Status
from k8sedu.scheduler.config import merge_plugin_set, parse
from k8sedu.scheduler.runtime import Framework
from tests.scheduler.conftest import make_pod

TWO_PROFILES = """
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
- schedulerName: bin-packer
  percentageOfNodesToScore: 50
  plugins:
    score:
      disabled: [{name: NodeResourcesBalancedAllocation}]
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources: [{name: cpu, weight: 1}, {name: memory, weight: 1}]
"""


def test_default_profile_weights_and_order():
    """default_plugins.go: weights 3/2/1/2/2/1/1; filters in multi-point order."""
    fwk = Framework(None, parse(None).profiles["default-scheduler"])
    assert fwk.weights["TaintToleration"] == 3
    assert [p.name for p in fwk.points["score"]] == [
        "TaintToleration",
        "NodeAffinity",
        "NodeResourcesFit",
        "PodTopologySpread",
        "InterPodAffinity",
        "NodeResourcesBalancedAllocation",
        "ImageLocality",
    ]
    assert [fwk.weights[p.name] for p in fwk.points["score"]] == [3, 2, 1, 2, 2, 1, 1]
    assert [p.name for p in fwk.points["filter"]] == [
        "NodeUnschedulable",
        "NodeName",
        "TaintToleration",
        "NodeAffinity",
        "NodePorts",
        "NodeResourcesFit",
        "PodTopologySpread",
        "InterPodAffinity",
    ]
    assert [p.name for p in fwk.points["postFilter"]] == ["DefaultPreemption"]


def test_merge_plugin_set():
    defaults = [("A", None), ("B", 3), ("C", 1)]
    custom = {"enabled": [{"name": "B"}, {"name": "X", "weight": 5}], "disabled": [{"name": "C"}]}
    assert merge_plugin_set(defaults, custom) == [("A", None), ("B", None), ("X", 5)]
    assert merge_plugin_set(defaults, {"disabled": [{"name": "*"}]}) == []


def test_parse_profiles():
    cfg = parse(TWO_PROFILES)
    assert list(cfg.profiles) == ["default-scheduler", "bin-packer"]
    packer = Framework(None, cfg.profiles["bin-packer"])
    assert "NodeResourcesBalancedAllocation" not in [p.name for p in packer.points["score"]]
    assert packer.plugins["NodeResourcesFit"].strategy.kind == "MostAllocated"
    assert packer.percentage_of_nodes_to_score == 50
    with pytest.raises(ValueError, match="does not exist"):
        parse({"profiles": [{"plugins": {"multiPoint": {"enabled": [{"name": "Nope"}]}}}]})


def test_second_profile_packs_pods():
    cluster = k.Cluster(nodes=3)
    cluster.scheduler.configure(TWO_PROFILES)
    for i in range(3):
        cluster.api.create("pods", make_pod(f"p{i}", "500m", schedulerName="bin-packer"))
        cluster.run(0)
    assert len({p["spec"]["nodeName"] for p in cluster.api.list("pods")}) == 1
    sources = {e["source"]["component"] for e in cluster.events if e["reason"] == "Scheduled"}
    assert sources == {"bin-packer"}


def test_unknown_scheduler_name_is_left_alone():
    cluster = k.Cluster(nodes=1)
    cluster.api.create("pods", make_pod("p", schedulerName="my-scheduler"))
    cluster.run(1)
    assert not cluster.api.get("pods", "p")["spec"].get("nodeName")
    with pytest.raises(k.NotFound):
        cluster.scheduler.explain("p")


class KeepOffNode1:
    name = "KeepOffNode1"

    def filter(self, state, pod, node_info):
        if node_info.name == "node-1":
            return Status(Code.UNSCHEDULABLE, "node-1 is reserved")
        return None


class PreferNode2:
    name = "PreferNode2"

    def score(self, state, pod, node_info):
        return (7 if node_info.name == "node-2" else 0), None

    def normalize_score(self, state, pod, scores):
        top = max(scores.values()) or 1
        for name in scores:
            scores[name] = scores[name] * 100 // top


def test_learner_filter_joins_defaults():
    cluster = k.Cluster(nodes=2)
    cluster.scheduler.register(KeepOffNode1)
    for i in range(4):
        cluster.api.create("pods", make_pod(f"p{i}", "100m"))
    cluster.run(1)
    assert {p["spec"]["nodeName"] for p in cluster.api.list("pods")} == {"node-2"}
    rows = cluster.scheduler.explain("p0").rows
    verdict = {(r["node"], r["plugin"]): r["filter"] for r in rows}
    assert verdict["node-1", "KeepOffNode1"] == "node-1 is reserved"
    assert verdict["node-2", "KeepOffNode1"] == "passed"


def test_learner_score_with_weight():
    cluster = k.Cluster(nodes=3)
    plugin = cluster.scheduler.register(PreferNode2, weight=10)
    assert plugin.name == "PreferNode2"
    cluster.api.create("pods", make_pod("p", "100m"))
    cluster.run(1)
    assert cluster.api.get("pods", "p")["spec"]["nodeName"] == "node-2"
    row = next(
        r
        for r in cluster.scheduler.explain("p").rows
        if r["node"] == "node-2" and r["plugin"] == "PreferNode2"
    )
    assert (row["score"], row["normalized"], row["weighted"]) == (7, 100, 1000)


def test_replace_a_default_plugin():
    class NoRoom:
        name = "NoRoom"

        def filter(self, state, pod, node_info):
            return Status(Code.UNSCHEDULABLE, "Insufficient patience")

    cluster = k.Cluster(nodes=2)
    cluster.scheduler.register(NoRoom, replace="NodeResourcesFit")
    assert "NodeResourcesFit" not in cluster.scheduler.framework().plugins
    cluster.api.create("pods", make_pod("p"))
    cluster.run(1)
    message = cluster.api.get("pods", "p")["status"]["conditions"][0]["message"]
    assert message.startswith("0/3 nodes are available: 1 node(s) had untolerated taint")
    assert ", 2 Insufficient patience. preemption:" in message
    cluster.scheduler.unregister()
    assert "NodeResourcesFit" in cluster.scheduler.framework().plugins


def test_broken_plugin_is_a_scheduler_error():
    class Broken:
        name = "Broken"

        def filter(self, state, pod, node_info):
            return 1 // 0

    cluster = k.Cluster(nodes=1)
    cluster.scheduler.register(Broken)
    cluster.api.create("pods", make_pod("p"))
    cluster.run(1)
    condition = cluster.api.get("pods", "p")["status"]["conditions"][0]
    assert condition["reason"] == "SchedulerError"
    assert (
        condition["message"]
        == 'running "Broken" filter plugin: ZeroDivisionError: integer division or modulo by zero'
    )


def test_register_needs_a_known_profile():
    cluster = k.Cluster(nodes=1)
    with pytest.raises(ValueError, match="no profile 'nope'"):
        cluster.scheduler.register(PreferNode2, profile="nope")
