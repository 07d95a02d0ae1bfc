import pytest

import k8sedu as k
from k8sedu.viz import record, timeline
from k8sedu.viz.history import history_of


@pytest.fixture
def failing():
    """node-2 is powered off at t = 10 and back at t = 100."""
    cluster = k.Cluster(nodes=2)
    history = record(cluster)
    cluster.kubectl("create deployment web --image=k8sedu/web:1.0 --replicas=2")
    cluster.run(10)
    cluster.fail_node("node-2")
    cluster.run(90)
    cluster.recover_node("node-2")
    cluster.run(20)
    return cluster, history


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_history_follows_the_node_through_its_failure(failing):
    cluster, history = failing
    states = [s for _t, s in history.nodes["node-2"]]
    # kubelet stops posting: after node-monitor-grace-period (50 s since v1.32, REFERENCE §4.4),
    # counted from the last lease renewal the controller saw (renewals every 10 s, checks every 5 s)
    assert states[0] == "Ready" and "Unknown" in states and states[-1] == "Ready"
    went_unknown = next(t for t, s in history.nodes["node-2"] if s == "Unknown")
    assert 10 + 50 - 10 <= went_unknown <= 10 + 50 + 10 + 5


def test_one_panel_per_thing_the_cluster_has(failing):
    cluster, history = failing
    fig = timeline(history)
    panels = [ax.get_gid() for ax in fig.axes if ax.get_gid()]
    assert panels == ["panel:pods", "panel:replicasets", "panel:nodes"]
    nodes = next(ax for ax in fig.axes if ax.get_gid() == "panel:nodes")
    bands = {c.get_gid() for c in nodes.collections}
    assert {"node:node-2:Ready", "node:node-2:Unknown"} <= bands


def test_the_failure_is_marked(failing):
    cluster, history = failing
    labels = "\n".join(texts(timeline(history)))
    assert "node-2 down" in labels and "node-2 up" in labels
    assert "ScalingReplicaSet web" in labels
    assert "NodeNotReady node-2" in labels


def test_pods_are_stacked_by_phase(failing):
    cluster, history = failing
    pods = timeline(cluster).axes[0]
    assert "phase:Running" in {c.get_gid() for c in pods.collections}
    assert history.phases[-1][1]["Running"] == 2


def test_without_recording_it_says_how_to_start():
    with pytest.raises(ValueError, match=r"record\(cluster\)"):
        timeline(k.Cluster(nodes=1))


def test_a_snapshot_carries_its_history(failing):
    cluster, history = failing
    restored = k.Cluster.restore(cluster.snapshot())
    again = history_of(restored)
    assert again is not history and again.cluster is restored
    assert again.nodes == history.nodes
    restored.fail_node("node-1")
    restored.run(60)
    assert again.nodes["node-1"][-1][1] == "Unknown"
    assert history.nodes["node-1"][-1][1] == "Ready"  # the original keeps its own story
