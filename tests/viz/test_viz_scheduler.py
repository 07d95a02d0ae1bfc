"""scheduler_scores on hand-made explanations (DESIGN's Explanation contract) and a real one."""

from types import SimpleNamespace

import pytest

import k8sedu as k
from k8sedu.viz import scheduler_scores
from k8sedu.viz.scheduler import best, totals

TAINT = "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"


def row(node, plugin, verdict, score=None, normalized=None, weighted=None):
    return {
        "node": node,
        "plugin": plugin,
        "filter": verdict,
        "score": score,
        "normalized": normalized,
        "weighted": weighted,
    }


@pytest.fixture
def explanation():
    """node-1 wins 300 + 87 = 387 over node-2 (300 + 60); node-3 lacks cpu; control-plane tainted."""
    rows = [
        row("control-plane", "TaintToleration", TAINT),
        row("control-plane", "NodeResourcesFit", None),
        row("node-1", "TaintToleration", "passed", 0, 100, 300),
        row("node-1", "NodeResourcesFit", "passed", 87, 87, 87),
        row("node-2", "TaintToleration", "passed", 0, 100, 300),
        row("node-2", "NodeResourcesFit", "passed", 60, 60, 60),
        row("node-3", "TaintToleration", "passed"),
        row("node-3", "NodeResourcesFit", "Insufficient cpu"),
        row("node-1", "NodeName", "passed"),
    ]
    return SimpleNamespace(pod="default/web-1", chosen="node-1", message="", rows=rows)


def gids(fig) -> set[str]:
    ax = fig.axes[0]
    return {a.get_gid() for a in [*ax.patches, *ax.texts, *ax.images] if a.get_gid()}


def test_totals_are_weight_times_normalized(explanation):
    assert totals(explanation.rows) == {"node-1": 387, "node-2": 360}
    # TaintToleration's weight 3 → 0 (REFERENCE §3.1 total = Σ weight × normalized)
    assert totals(explanation.rows, {"TaintToleration": 0}) == {"node-1": 87, "node-2": 60}
    assert best({"a": 5, "b": 5, "c": 1}) == ["a", "b"]


def test_heatmap_marks_failures_and_frames_the_winner(explanation):
    fig = scheduler_scores(explanation)
    drawn = gids(fig)
    assert {"failed:control-plane:0", "failed:node-3:1", "chosen", "scores"} <= drawn
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["TaintToleration", "NodeResourcesFit", "total"]  # NodeName decided nothing
    ylabels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ylabels[0] == "★ node-1"
    totals_drawn = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}
    assert totals_drawn["total:node-1"] == "387" and totals_drawn["total:control-plane"] == "–"
    assert "Insufficient cpu" in [t.get_text() for t in fig.axes[0].texts]
    title = next(t for t in fig.texts if t.get_gid() == "title").get_text()
    assert title.startswith("Why node-1?")


def test_other_weights_can_change_the_winner(explanation):
    # NodeResourcesFit counts 10 times: node-1 stays ahead (87 > 60)
    fig = scheduler_scores(explanation, {"NodeResourcesFit": 10})
    assert next(t for t in fig.texts if t.get_gid() == "title").get_text().startswith("Why node-1")
    explanation.rows[5]["normalized"] = 100  # node-2 now fits better
    assert best(totals(explanation.rows, {"NodeResourcesFit": 10})) == ["node-2"]


def test_no_node_shows_the_failed_scheduling_message(explanation):
    explanation.chosen = None
    explanation.message = "0/4 nodes are available: 1 Insufficient cpu."
    fig = scheduler_scores(explanation)
    assert "0/4 nodes are available" in "\n".join(t.get_text() for t in fig.texts)
    assert "chosen" not in gids(fig)


def test_a_real_explanation_draws():
    cluster = k.Cluster(nodes=2)
    cluster.kubectl("run solo --image=k8sedu/web:1.0")
    cluster.run(5)
    explanation = cluster.scheduler.explain("solo")
    fig = scheduler_scores(explanation)
    assert "chosen" in gids(fig)
    assert "failed:control-plane:0" in gids(fig)  # the control-plane taint (first column)
