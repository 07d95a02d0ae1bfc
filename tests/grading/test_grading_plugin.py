"""The pytest plugin, run the way an instructor runs it: pytest --submission ... --grade-report."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

COURSE = Path(__file__).parent / "fixtures" / "course"
GRADED = COURSE / "tests"
SOLUTION = COURSE / "solutions" / "99-sample.ipynb"
BAD = Path(__file__).parent / "bad"


def run_pytest(submission, tmp_path, *extra):
    report = tmp_path / "report.json"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "k8sedu.grading.plugin",
        "-c",
        os.devnull,
        "--rootdir",
        str(tmp_path),
        "-p",
        "no:cacheprovider",
        str(GRADED / "test_99_sample.py"),
        "--submission",
        str(submission),
        "--grade-report",
        str(report),
        *extra,
    ]
    env = os.environ | {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    return done, json.loads(report.read_text())


@pytest.mark.parametrize(
    ("submission", "code", "score"),
    [
        pytest.param(SOLUTION, 0, "Score: 10/10", id="solution"),
        pytest.param(COURSE / "exercises" / "99-sample.ipynb", 1, "Score: 0/10", id="exercise"),
    ],
)
def test_score_line_and_exit_code(tmp_path, submission, code, score):
    done, report = run_pytest(submission, tmp_path)
    assert done.returncode == code, done.stdout
    assert done.stdout.rstrip().splitlines()[-1] == score
    assert (report["score"], report["max_score"]) == (int(score[7:-3]), 10)


def test_report_explains_each_failure(tmp_path):
    _, report = run_pytest(BAD / "missing-functions.ipynb", tmp_path, "--public")
    tests = {t["name"]: t for t in report["tests"]}
    assert report["max_score"] == 9, "--public leaves the hidden test out"
    assert "test_qos_counts_init_containers" not in tests
    first = tests["test_scales_up_with_load"]
    assert (first["outcome"], first["points"]) == ("failed", 2)
    assert first["message"] == "your notebook does not define `desired_replicas`"


def test_assertion_message_and_hint_marker(tmp_path):
    _, report = run_pytest(COURSE / "wrong" / "99-no-tolerance.ipynb", tmp_path)
    failed = [t for t in report["tests"] if t["outcome"] != "passed"]
    assert [(t["name"], t["assertion"], t["message"]) for t in failed] == [
        (
            "test_within_tolerance_keeps_replicas",
            "ratio 1.05 is within the tolerance",
            "assert 4 == 3",
        )
    ]
    assert failed[0]["hint"] == "Compare the ratio current/target with 1.0 before scaling."
    assert report["cells"][0]["error"] == "AssertionError", "the notebook's own check failed too"
