"""k8sedu.capstone: the indicators a run reports and the manifests it deploys (no simulation)."""

import pytest

from k8sedu import capstone
from k8sedu.widgets import i18n


def note(t, ok, sent, p95=0.0025, failed=None):
    names = [tier.name for tier in capstone.TIERS]
    return capstone.Note(
        t=t, pages=1, sent=dict.fromkeys(names, sent), ok=dict.fromkeys(names, ok),
        failed={n: dict(failed or {}) for n in names}, p95=dict.fromkeys(names, p95),
        ready=dict.fromkeys(names, 3), nodes=2, node_hours=0.1,
    )  # fmt: skip


def test_page_success_is_the_product_of_the_tiers():
    run = capstone.Run(
        capstone.SCRIPTED, notes=[note(10, 9, 10, failed={"x": 1}), note(20, 10, 10)]
    )
    assert run.success("api") == pytest.approx(0.95)
    assert run.success_rate == pytest.approx(0.95**3)


def test_page_p95_adds_the_tiers():
    run = capstone.Run(
        capstone.SCRIPTED, latencies={t.name: [0.002, 0.004] for t in capstone.TIERS}
    )
    assert run.p95 == pytest.approx(0.012)


def test_timeline_joins_failing_steps_into_one_line():
    notes = [note(10, 10, 10), note(20, 5, 10, failed={"connection timed out": 5}),
             note(30, 6, 10, failed={"connection timed out": 4}), note(40, 10, 10)]  # fmt: skip
    run = capstone.Run(capstone.SCRIPTED, notes=notes, incidents=[(15.0, "a worker died")])
    lines = [f"{capstone.clock(t)} {what}" for t, what in run.timeline()]
    assert lines[0] == "00:10 frontend: 9 connection timed out until 00:30"
    assert "00:15 INCIDENT: a worker died" in lines


def test_the_report_speaks_the_learners_language():
    notes = [note(10, 5, 10, failed={"connection timed out": 5})]
    run = capstone.Run(capstone.SCRIPTED, notes=notes)
    i18n.set_language("ko")
    try:
        report = run.report().splitlines()
    finally:
        i18n.set_language("en")
    assert "페이지 뷰의" in report[0] and report[1] == "타임라인 (첫 페이지 뷰부터 mm:ss):"
    assert "frontend: 5 connection timed out, 00:10까지" in report[2]


def test_as_deployed_sets_the_fixed_env_and_keeps_the_learners():
    deployment = {
        "kind": "Deployment",
        "metadata": {"name": "api"},
        "spec": {"template": {"spec": {"containers": [{"name": "api", "env": [
            {"name": "STARTUP_SECONDS", "value": "0"}, {"name": "MINE", "value": "1"}]}]}}},
    }  # fmt: skip
    (deployed,) = capstone.as_deployed([deployment])
    env = deployed["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [
        {"name": "MINE", "value": "1"},
        {"name": "STARTUP_SECONDS", "value": "20"},
        {"name": "CPU_PER_REQUEST", "value": "60m"},
    ]
    assert "progressDeadlineSeconds" not in deployed["spec"]
    assert deployment["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] == "0"
