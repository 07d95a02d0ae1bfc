"""check(): the public graded tests against a live namespace, as a notebook cell runs them."""

import math
from pathlib import Path

import pytest

from k8sedu.grading import check as check_module
from k8sedu.grading import loader
from k8sedu.grading.check import check, run

GRADED = Path(__file__).parent / "fixtures" / "course" / "tests"


def desired_replicas(current_replicas, current_value, target_value, tolerance=0.1):
    ratio = current_value / target_value
    if abs(1.0 - ratio) <= tolerance:
        return current_replicas
    return math.ceil(ratio * current_replicas)


def qos_class(pod):
    return "BestEffort"  # right for one case in four


def endless(current_replicas, current_value, target_value, tolerance=0.1):
    while True:
        pass


def outcomes(report):
    return {t["name"]: t["outcome"] for t in report["tests"]}


def test_public_tests_only_and_partial_credit():
    report = run("99", {"desired_replicas": desired_replicas, "qos_class": qos_class}, tests=GRADED)
    assert (report["score"], report["max_score"]) == (6, 9)
    assert "test_qos_counts_init_containers" not in outcomes(report), "hidden tests stay hidden"
    assert outcomes(report)["test_qos_class[best-effort]"] == "passed"


def test_hidden_tests_run_when_asked():
    report = run("99", {"desired_replicas": desired_replicas}, tests=GRADED, public=False)
    assert report["max_score"] == 10
    assert outcomes(report)["test_qos_counts_init_containers"] == "failed"


def test_an_endless_loop_fails_its_tests_instead_of_freezing_the_notebook():
    report = run("99", {"desired_replicas": endless}, tests=GRADED, timeout=0.2)
    messages = {t["name"]: t["message"] for t in report["tests"]}
    assert messages["test_rounds_up"] == "took longer than 0.2 s (a loop that never ends?)"
    assert messages["test_qos_class[guaranteed]"] == "your notebook does not define `qos_class`"


def test_check_prints_a_table_outside_jupyter(capsys):
    check("99", tests=GRADED)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Exercise 99: 6/9 points"
    assert "  ✓   2/2  Twice the target load doubles the replicas." in lines


def test_check_does_nothing_while_grading(monkeypatch):
    monkeypatch.setattr(loader, "_grading", True)
    monkeypatch.setattr(check_module, "run", pytest.fail)
    assert check("99", tests=GRADED) is None


def test_unknown_exercise():
    with pytest.raises(LookupError, match="exercise 98 has no graded tests"):
        run("98", {})


def test_payload_is_what_progress_reads():
    report = run("99", {"desired_replicas": desired_replicas}, tests=GRADED)
    payload = check_module.payload(report)
    assert (payload["exercise"], payload["score"], payload["max_score"]) == ("99", 5, 9)
    assert payload["tests"]["test_99_sample.py::test_rounds_up"] == "passed"
