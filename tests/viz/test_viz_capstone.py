"""Lesson 12's picture of a capstone run: four panels over minutes, a dashed line per incident."""

import pytest
from matplotlib.text import Text

import k8sedu.viz as viz
from k8sedu import capstone
from k8sedu.widgets import i18n


def note(minute: int, ok: int, ready: int, nodes: int) -> capstone.Note:
    tiers = [t.name for t in capstone.TIERS]
    return capstone.Note(
        t=60 * minute,
        pages=4,
        sent=dict.fromkeys(tiers, 100),
        ok={**dict.fromkeys(tiers, 100), "api": ok},
        failed={},
        p95=dict.fromkeys(tiers, 0.0025),
        ready=dict.fromkeys(tiers, ready),
        nodes=nodes,
        node_hours=0.1 * minute,
    )


@pytest.fixture
def run() -> capstone.Run:
    notes = [note(0, 100, 2, 2), note(1, 60, 1, 1), note(2, 100, 2, 2)]
    return capstone.Run(capstone.SCRIPTED, notes=notes, incidents=[(45.0, "worker died")])


def test_the_panels_show_the_worst_tier_latency_pods_and_machines(run):
    fig = viz.capstone_run(run)
    axes = fig.axes
    assert [ax.get_ylabel() for ax in axes] == [
        "worst tier\nsuccess %", "page p95\nms", "ready pods", "Ready workers",
    ]  # fmt: skip
    assert list(axes[0].lines[0].get_ydata()) == [100.0, 60.0, 100.0]  # api's dip is the worst
    assert list(axes[1].lines[0].get_ydata()) == pytest.approx([7.5, 7.5, 7.5])  # 3 × 2.5 ms
    assert list(axes[3].lines[0].get_ydata()) == [2, 1, 2]
    dashed = [line for line in axes[2].lines if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in dashed] == [0.75]  # the incident at 45 s
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert "the scripted run: success, latency, pods and machines (dashed: incidents)" in texts


def test_its_labels_follow_the_language(run):
    i18n.set_language("ko")
    try:
        fig = viz.capstone_run(run)
    finally:
        i18n.set_language("en")
    assert fig.axes[2].get_ylabel() == "준비된 파드"
    assert fig.axes[3].get_xlabel() == "첫 페이지 뷰부터 흐른 분"
