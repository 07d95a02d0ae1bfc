"""The k8sedu grading commands: exercises, grade (and --emit classroom), release, progress."""

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from k8sedu.cli import main
from k8sedu.grading import release
from k8sedu.grading.commands import parse_memory
from k8sedu.grading.course import PACKAGE_TESTS, Course

FIXTURE = Path(__file__).parent / "fixtures" / "course"
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1GiB", 2**30, id="GiB"),
        pytest.param("512MiB", 512 * 2**20, id="MiB"),
        pytest.param("1Gi", 2**30, id="quantity"),
        pytest.param("1G", 10**9, id="decimal"),
        pytest.param("1048576", 2**20, id="bytes"),
    ],
)
def test_parse_memory(text, expected):
    assert parse_memory(text) == expected


def test_exercises_check_passes_then_fails_when_stale(tmp_path, capsys):
    assert main(["exercises", "check", "--root", str(FIXTURE)]) == 0
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "exercises" / "99-sample.ipynb").write_text("{}\n")
    assert main(["exercises", "check", "--root", str(tmp_path)]) == 1
    assert "run `k8sedu exercises build`" in capsys.readouterr().err
    assert main(["exercises", "build", "--root", str(tmp_path)]) == 0
    assert main(["exercises", "check", "--root", str(tmp_path)]) == 0


def test_grade_command_writes_the_gradebook(tmp_path, capsys):
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copyfile(FIXTURE / "solutions" / "99-sample.ipynb", folder / "ada.ipynb")
    shutil.copyfile(FIXTURE / "exercises" / "99-sample.ipynb", folder / "bo.ipynb")
    out = tmp_path / "grades"
    args = ["grade", str(folder), "-e", "99", "--tests", str(FIXTURE / "tests"), "--out", str(out)]
    assert main([*args, "--timeout", "10", "--jobs", "2", "--memory", "1GiB"]) == 0
    assert capsys.readouterr().out.startswith("exercise 99: 2 submissions (2 graded)")
    assert (out / "gradebook.csv").read_text().splitlines()[1:] == [
        f"ada,99,10,10,graded,,{_seconds(out, 'ada')}",
        'bo,99,0,10,graded,"9 of 9 tests failed; cell 5 line 1 (`assert desired_replicas(2, 100, 50)'
        f' == 4`) raised NotImplementedError",{_seconds(out, "bo")}',
    ]
    assert (out / "feedback" / "bo.html").read_text().startswith("<!DOCTYPE html>")


def _seconds(out: Path, student: str) -> str:
    grades = json.loads((out / "grades.json").read_text())
    return f"{grades['students'][student]['seconds']:.2f}"


def test_release_has_no_answers(tmp_path):
    out = tmp_path / "release"
    args = ["release", str(out), "--root", str(FIXTURE), "--graded-tests", str(FIXTURE / "tests")]
    assert main(args) == 0
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "exercises/99-sample.ipynb",
        "lessons/99-sample.ipynb",
        "tests/test_99_sample.py",
    ]
    public = (out / "tests" / "test_99_sample.py").read_text()
    assert "def test_scales_up_with_load" in public and "hidden" not in public
    with pytest.raises(release.ReleaseError, match="not empty"):
        release.release(Course(FIXTURE, FIXTURE / "tests"), out)


@pytest.mark.parametrize(
    "path", sorted(PACKAGE_TESTS.glob("test_[0-9][0-9]_*.py")), ids=lambda p: p.stem[5:7]
)
def test_public_tests_keep_no_hidden_case_or_data(path):
    public = release.public_tests(path.read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(ast.parse(public)) if isinstance(n, ast.Name)}
    assert not [n for n in names if "HIDDEN" in n.split("_")], "hidden data left in the release"
    assert "hidden=True" not in public and "@pytest.mark.hidden" not in public


def test_the_release_readme_command_grades_the_public_tests(tmp_path):
    """What a learner with the student copy runs: the solution scores every public point."""
    out = tmp_path / "release"
    assert main(["release", str(out), "--root", str(REPO)]) == 0
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += [str(next((out / "tests").glob("test_06_*.py"))), "--submission"]
    scores = []
    for notebook in (
        REPO / "solutions" / "06-kubelet.ipynb",
        out / "exercises" / "06-kubelet.ipynb",
    ):
        done = subprocess.run([*command, str(notebook)], cwd=out, capture_output=True, text=True)
        scores.append(done.stdout.strip().splitlines()[-1])
    full = scores[0].split("/")[-1]
    assert scores == [f"Score: {full}/{full}", f"Score: 0/{full}"]


def test_release_refuses_a_stale_course(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "course")
    (tmp_path / "course" / "exercises" / "99-sample.ipynb").unlink()
    with pytest.raises(release.ReleaseError, match="stale"):
        release.release(Course(tmp_path / "course"), tmp_path / "out")


def test_progress_command(tmp_path, capsys):
    (tmp_path / "ada").mkdir()
    shutil.copyfile(FIXTURE / "exercises" / "99-sample.ipynb", tmp_path / "ada" / "99-sample.ipynb")
    assert main(["progress", str(tmp_path), "--csv"]) == 0
    assert capsys.readouterr().out == "student,notebook,check,predictions\nada,99-sample.ipynb,,\n"


def test_classroom_template_runs(tmp_path):
    args = [
        "grade",
        "--emit",
        "classroom",
        "--root",
        str(FIXTURE),
        "--tests",
        str(FIXTURE / "tests"),
        "--exercise",
        "99",
    ]
    assert main([*args, "--out", str(tmp_path)]) == 0
    tests = json.loads((tmp_path / ".github" / "classroom" / "autograding.json").read_text())[
        "tests"
    ]
    assert len(tests) == 9 and sum(t["points"] for t in tests) == 10
    assert tests[0]["setup"] == "pip install k8sedu"
    hidden = [t for t in tests if "--tb=no" in t["run"]]
    assert [t["name"] for t in hidden] == ["99 Init containers count too."]
    env = os.environ | {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    command = tests[0]["run"]
    for notebook, code in (("exercises", 1), ("solutions", 0)):
        run = command.replace("exercises/", f"{notebook}/")
        done = subprocess.run(["bash", "-c", run], cwd=FIXTURE, env=env, capture_output=True)
        assert done.returncode == code, done.stdout
