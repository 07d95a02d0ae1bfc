"""From a grading process's exit and channel events to status, score and reason."""

import pytest

from k8sedu.grading.sandbox import Outcome, _output_text
from k8sedu.grading.verdict import verdict

TESTS = [
    {"key": "t.py::test_a", "name": "test_a", "points": 2, "hidden": False},
    {"key": "t.py::test_b", "name": "test_b", "points": 1, "hidden": True},
]
CELL = {"event": "cell", "cell": 3, "first_line": "while True:"}


def outcome(exit_code=0, timed_out=False, events=()):
    return Outcome(exit_code, timed_out, 1.0, list(events), "", 0)


def done(tests, tampered=()):
    return {"event": "done", "report": {"tests": tests, "cells": []}, "tampered": list(tampered)}


@pytest.mark.parametrize(
    ("result", "status", "reason"),
    [
        pytest.param(
            outcome(-9, True, [{"event": "loading"}, CELL]),
            "timeout",
            "stopped after 5 s while running cell 3 (`while True:`)",
            id="timeout-in-a-cell",
        ),
        pytest.param(
            outcome(-9, events=[{"event": "loaded"}, {"event": "test", "key": "t.py::test_b"}]),
            "crashed",
            "killed (SIGKILL) once your notebook reached the test t.py::test_b",
            id="killed-in-a-test",
        ),
        pytest.param(outcome(0, events=[CELL]), "crashed", "exited (code 0)", id="exit-no-report"),
        pytest.param(outcome(-24, events=[CELL]), "crashed", "more than 35 s of CPU", id="cpu"),
        pytest.param(outcome(-11), "crashed", "crashed (SIGSEGV)", id="segfault"),
        pytest.param(outcome(2, events=[done([])]), "crashed", "exit code 2", id="interrupted"),
        pytest.param(
            outcome(1, events=[done([], tampered=["_pytest.runner.call_and_report"])]),
            "invalid-notebook",
            "changes the grading machinery (`_pytest.runner.call_and_report`)",
            id="tampered",
        ),
    ],
)
def test_failures_score_zero_with_a_reason(result, status, reason):
    judged = verdict(result, TESTS, timeout=5, cpu=35)
    assert (judged["status"], judged["score"]) == (status, 0)
    assert reason in judged["reason"]


def test_points_come_from_the_graders_own_collection():
    forged = [
        {"key": "t.py::test_a", "outcome": "passed", "points": 1000},
        {"key": "t.py::test_invented", "outcome": "passed", "points": 5},
    ]
    judged = verdict(outcome(1, events=[done(forged)]), TESTS, timeout=5, cpu=35)
    assert (judged["status"], judged["score"]) == ("graded", 2)
    assert [t["outcome"] for t in judged["tests"]] == ["passed", "not run"]
    assert judged["reason"] == "1 of 2 tests failed"


@pytest.mark.parametrize(
    ("head", "tail", "total", "expected"),
    [
        pytest.param(b"short", b"short", 5, "short", id="all-kept"),
        pytest.param(b"abc", b"cdef", 6, "abcdef", id="tail-overlaps-head"),
        pytest.param(b"ab", b"yz", 10, "ab\n[… 6 bytes left out …]\nyz", id="middle-cut"),
    ],
)
def test_output_keeps_head_and_tail(head, tail, total, expected):
    assert _output_text(bytearray(head), bytearray(tail), total) == expected
