"""Plausible wrong answers to exercises 05 and 06 lose points, and lose them where check() shows.

Each ``wrong/NN-*.py`` is the solution's graded code with one mistake a learner is likely to make
(its docstring says which). It is graded like any submission (``k8sedu grade``: its own sandboxed
process, hidden tests included) beside the solution notebook, which must keep full marks; each
wrong answer must score below full and fail the public test named here, so the learner sees the
mistake in ``check()`` before the hidden tests run.
"""

import json
from pathlib import Path

import pytest

from k8sedu.grading import grader

HERE = Path(__file__).parent
WRONG = HERE / "wrong"
SOLUTIONS = HERE.parents[1] / "solutions"

# wrong answer → a public test it must fail
EXPECTED = {
    "05": {
        "05-no-expectations": "test_no_double_create_while_the_cache_lags",
        "05-counts-terminating": "test_terminating_pods_do_not_count",
        "05-counts-every-matching-pod": "test_pods_of_another_replicaset_do_not_count",
        "05-newest-first": "test_scale_down_removes_unscheduled_pods_first",
        "05-ignores-orphans": "test_adopts_matching_orphans",
    },
    "06": {
        "06-first-restart-waits": "test_crash_loop[first-restart-is-immediate]",
        "06-backoff-never-resets": "test_back_off_resets_after_a_long_run[long-run-restarts-at-once]",
        "06-completed-is-final": "test_restart_policies[exit-0-under-always-loops]",
        "06-readiness-ignores-startup": "test_startup_probe_holds_readiness_back[started-not-ready]",
        "06-failures-not-in-a-row": "test_probes[failures-must-be-in-a-row]",
        "06-readiness-starts-ready": "test_probes[never-ready]",
    },
}


def test_every_wrong_answer_is_listed():
    """A new file in wrong/ for these exercises gets its expected failure written down here."""
    files = {p.stem for p in WRONG.glob("0[56]-*.py")}
    assert files == {name for names in EXPECTED.values() for name in names}


@pytest.mark.parametrize("exercise", sorted(EXPECTED))
def test_wrong_answers_lose_points(tmp_path, exercise):
    folder = tmp_path / "submissions"
    folder.mkdir()
    solution = sorted(SOLUTIONS.glob(f"{exercise}-*.ipynb"))[0]
    (folder / "solution.ipynb").write_bytes(solution.read_bytes())
    for name in EXPECTED[exercise]:
        (folder / f"{name}.py").write_bytes((WRONG / f"{name}.py").read_bytes())
    out = tmp_path / "out"
    rows = {r["student"]: r for r in grader.grade(folder, grader.Options(exercise, out))}
    results = json.loads((out / "grades.json").read_text())["students"]

    full = rows["solution"]["max_score"]
    assert (rows["solution"]["status"], rows["solution"]["score"]) == ("graded", full), rows
    for name, public_test in EXPECTED[exercise].items():
        row = rows[name]
        assert row["status"] == "graded", (name, row)
        assert row["score"] < full, (name, row)
        outcomes = {t["name"]: (t["outcome"], t["hidden"]) for t in results[name]["tests"]}
        assert outcomes[public_test] == ("failed", False), (name, public_test, outcomes)
