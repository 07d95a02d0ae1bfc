from types import SimpleNamespace

import pytest

import k8sedu as k
from k8sedu.widgets import SchedulerExplorer
from k8sedu.widgets.scheduler_explorer import weights_of


def rows():
    """node-1: 3×100 + 1×50 + 1×30 = 380; node-2: 3×100 + 1×90 + 1×0 = 390, the winner."""
    out = []
    for node, fit, image in (("node-1", 50, 30), ("node-2", 90, 0)):
        out.append(
            {
                "node": node,
                "plugin": "TaintToleration",
                "filter": "passed",
                "score": 0,
                "normalized": 100,
                "weighted": 300,
            }
        )
        out.append(
            {
                "node": node,
                "plugin": "NodeResourcesFit",
                "filter": "passed",
                "score": fit,
                "normalized": fit,
                "weighted": fit,
            }
        )
        out.append(
            {
                "node": node,
                "plugin": "ImageLocality",
                "filter": None,
                "score": image,
                "normalized": image,
                "weighted": image,
            }
        )
    return out


class FakeScheduler:
    """Answers explain() with a hand-made Explanation (the DESIGN contract's shape)."""

    def explain(self, pod, namespace="default"):
        if pod == "never":
            raise k.NotFound(f'pods "{pod}" not found')
        return SimpleNamespace(pod=f"{namespace}/{pod}", chosen="node-2", message="", rows=rows())


@pytest.fixture
def explorer():
    real = k.Cluster(nodes=2)
    real.kubectl("run web --image=k8sedu/web:1.0")
    real.kubectl("run never --image=k8sedu/web:1.0")
    fake = SimpleNamespace(etcd=real.etcd, scheduler=FakeScheduler())
    return SchedulerExplorer(fake)


def test_weights_are_read_back_from_the_rows():
    assert weights_of(rows()) == {"TaintToleration": 3, "NodeResourcesFit": 1, "ImageLocality": 1}


def test_it_shows_the_decision(explorer):
    explorer.pod.value = "default/web"
    assert bytes(explorer.heatmap.value).startswith(b"\x89PNG")
    assert "<td>NodeResourcesFit</td>" in explorer.table.value
    sliders = {s.description: s.value for s in explorer.weights.children}
    assert sliders == {"ImageLocality": 1, "NodeResourcesFit": 1, "TaintToleration": 3}


def test_rerun_with_other_weights(explorer):
    explorer.pod.value = "default/web"
    assert explorer.rerun() == "node-2"
    assert "still picks node-2" in explorer.message.value
    image = next(s for s in explorer.weights.children if s.description == "ImageLocality")
    image.value = 3  # node-1: 300 + 50 + 90 = 440 beats node-2's 390
    assert explorer.rerun() == "node-1"
    assert "would pick node-1 instead of node-2" in explorer.message.value


def test_a_pod_never_tried(explorer):
    explorer.pod.value = "default/never"
    assert "has not tried default/never" in explorer.message.value
    assert bytes(explorer.heatmap.value) == b""


def test_strategy_needs_the_schedulers_what_if(explorer):
    assert explorer.strategy.disabled


def test_a_real_cluster():
    cluster = k.Cluster(nodes=2)
    cluster.kubectl("run solo --image=k8sedu/web:1.0")
    cluster.run(5)
    explorer = SchedulerExplorer(cluster)
    explorer.pod.value = "default/solo"
    node = cluster.api.get("pods", "solo")["spec"]["nodeName"]
    assert explorer.rerun() == node


def test_the_strategy_switch_asks_the_real_scheduler():
    cluster = k.Cluster(nodes=3)
    for name, cpu in (("big", "2"), ("solo", "500m")):
        container = {
            "name": "c",
            "image": "k8sedu/web:1.0",
            "resources": {"requests": {"cpu": cpu}},
        }
        body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}}
        cluster.api.create("pods", dict(body, spec={"containers": [container]}))
        cluster.run(5)
    busy = cluster.api.get("pods", "big")["spec"]["nodeName"]
    explorer = SchedulerExplorer(cluster)
    assert not explorer.strategy.disabled
    explorer.pod.value = "default/solo"
    explorer.strategy.value = "MostAllocated"
    assert explorer.rerun() == busy  # bin packing joins the busy node
