"""The batch grader: the sandbox each submission gets, retries, resuming, rosters and folders."""

import json
import os
from pathlib import Path

import pytest

from k8sedu.grading import grader

HERE = Path(__file__).parent
SOLUTION = HERE / "fixtures" / "course" / "solutions" / "99-sample.ipynb"
BAD = HERE / "bad"

PROBE = """
import os
import resource

facts = {
    "uid": os.getuid(),
    "memory": resource.getrlimit(resource.RLIMIT_AS)[0],
    "files": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
    "secret": os.environ.get("K8SEDU_PROBE_SECRET"),
    "writable": os.access(".", os.W_OK),
    "own_group": os.getpgid(0) == os.getsid(0),
    "home": os.environ["HOME"] == os.getcwd(),
}
"""

PROBE_TESTS = """
def test_user(submission):
    assert submission.facts["uid"] == {uid}


def test_limits(submission):
    assert (submission.facts["memory"], submission.facts["files"]) == ({memory}, 256)


def test_clean_environment(submission):
    assert submission.facts["secret"] is None


def test_own_working_directory(submission):
    assert submission.facts["writable"] and submission.facts["home"]


def test_own_session(submission):
    assert submission.facts["own_group"]
"""


def test_each_submission_runs_sandboxed(tmp_path, monkeypatch):
    """As root: as nobody (65534 on Debian); otherwise as the grader's own user."""
    uid = 65534 if os.geteuid() == 0 else os.geteuid()
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "test_98_probe.py").write_text(PROBE_TESTS.format(uid=uid, memory=512 * 2**20))
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "probe.py").write_text(PROBE)
    monkeypatch.setenv("K8SEDU_PROBE_SECRET", "the grader's")
    limits = grader.sandbox.Limits(memory=512 * 2**20)
    options = grader.Options("98", tmp_path / "out", tests=[pack], limits=limits, timeout=10)
    (row,) = grader.grade(folder, options)
    result = json.loads((tmp_path / "out" / "grades.json").read_text())["students"]["probe"]
    failed = {t["name"]: t["message"] for t in result["tests"] if t["outcome"] != "passed"}
    assert (row["status"], row["score"], failed) == ("graded", 5, {})


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "submissions"
    (folder / "alice").mkdir(parents=True)
    (folder / "alice" / "99-sample.ipynb").write_bytes(SOLUTION.read_bytes())
    (folder / "bob").mkdir()
    (folder / "os-exit.ipynb").write_bytes((BAD / "os-exit.ipynb").read_bytes())
    (folder / "partial.ipynb").write_bytes((BAD / "partial.ipynb").read_bytes())
    return folder


def test_folders_roster_retry_and_resume(tmp_path, folder, course):
    roster = tmp_path / "roster.txt"
    roster.write_text("alice\nbob\ncarol\n")
    out = tmp_path / "out"
    options = grader.Options("99", out, tests=[course / "tests"], timeout=5, roster=roster)
    rows = {r["student"]: r for r in grader.grade(folder, options)}
    assert {name: (r["status"], r["score"]) for name, r in rows.items()} == {
        "alice": ("graded", 10),
        "bob": ("missing", 0),
        "carol": ("missing", 0),
        "os-exit": ("crashed", 0),
        "partial": ("graded", 5),
    }
    assert rows["bob"]["reason"].startswith("no 99-*.ipynb in")
    saved = json.loads((out / "grades.json").read_text())["students"]
    assert saved["os-exit"]["attempts"] == 2, "a crash is confirmed by a second run, alone"

    # Resume: only the changed submission runs again (the others write no new log).
    for log in (out / "logs").iterdir():
        log.unlink()
    (folder / "partial.ipynb").write_bytes(SOLUTION.read_bytes())
    again = {r["student"]: r for r in grader.grade(folder, options)}
    assert sorted(p.name for p in (out / "logs").iterdir()) == ["partial.txt"]
    assert again["partial"]["score"] == 10
    assert again["alice"] == rows["alice"]


def test_no_graded_tests_is_an_error(tmp_path, folder):
    with pytest.raises(grader.GradingError, match="no graded tests"):
        grader.grade(folder, grader.Options("97", tmp_path / "out"))
