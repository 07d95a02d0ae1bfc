"""Plausible wrong answers to exercises 01 and 02 lose points, and lose them where check() shows.

Each file in ``wrong/`` is a whole submission with one mistake a learner makes. It is graded like
any submission (``k8sedu grade``: its own sandboxed process) and must score below full marks,
and it must fail the public test named here, so the learner sees the mistake in ``check()``
before the hidden tests ever run.
"""

import json
from pathlib import Path

import pytest

from k8sedu.grading import grader

WRONG = Path(__file__).parent / "wrong"

# wrong answer → a public test it must fail
EXPECTED = {
    "01": {
        "01-what-kubernetes-is-pending-means-scheduler": "test_names_the_component[kubelet]",
        "01-what-kubernetes-is-no-traffic-check": (
            "test_names_the_component_and_its_node[kube-proxy]"
        ),
        "01-what-kubernetes-is-curl-first": "test_names_the_component[kube-scheduler]",
    },
    "02": {
        "02-etcd-blind-put": "test_two_writers_in_every_order",
        "02-etcd-no-retry": "test_two_writers_in_every_order",
        "02-etcd-value-compare": "test_counts_from_a_missing_key",
        "02-etcd-relist-keeps-stale": "test_reconnect_after_compaction_lists_again[just-past]",
        "02-etcd-resume-from-now": "test_reconnect_catches_up_without_listing",
    },
}


def test_every_wrong_answer_is_listed():
    """A new file in wrong/ for these exercises gets its expected failure written down here."""
    files = {p.stem for p in WRONG.glob("0[12]-*.py")}
    assert files == {name for names in EXPECTED.values() for name in names}


@pytest.mark.parametrize("exercise", sorted(EXPECTED))
def test_wrong_answers_lose_points(tmp_path, exercise):
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in EXPECTED[exercise]:
        (folder / f"{name}.py").write_bytes((WRONG / f"{name}.py").read_bytes())
    out = tmp_path / "out"
    rows = {r["student"]: r for r in grader.grade(folder, grader.Options(exercise, out))}
    results = json.loads((out / "grades.json").read_text())["students"]
    for name, public_test in EXPECTED[exercise].items():
        row = rows[name]
        assert row["status"] == "graded", (name, row)
        assert row["score"] < row["max_score"], (name, row)
        outcomes = {t["name"]: (t["outcome"], t["hidden"]) for t in results[name]["tests"]}
        assert outcomes[public_test] == ("failed", False), (name, public_test, outcomes)
