"""Shared fixtures of the grading tests: the fixture course and a way to grade a folder.

The fixture course (fixtures/course) is a one-exercise course with the production layout:
solutions/, exercises/, lessons/, tests/ (graded tests, as in k8sedu/grading/tests/), wrong/.
Its graded tests need the k8sedu plugin, so pytest must not collect them here.
"""

import shutil
from pathlib import Path

import pytest

from k8sedu.grading import grader

collect_ignore = ["fixtures", "bad"]

HERE = Path(__file__).parent
COURSE = HERE / "fixtures" / "course"
GRADED = COURSE / "tests"
SOLUTION = COURSE / "solutions" / "99-sample.ipynb"


@pytest.fixture
def course() -> Path:
    return COURSE


@pytest.fixture
def grade_files(tmp_path):
    """grade_files({"alice.ipynb": path_or_text, ...}, **options) -> (rows by student, out dir)."""

    def run(files: dict, **options):
        folder = tmp_path / "submissions"
        folder.mkdir(exist_ok=True)
        for name, source in files.items():
            target = folder / name
            if source is None:
                target.mkdir()
            elif isinstance(source, Path):
                shutil.copyfile(source, target)
            else:
                target.write_text(source)
        settings = {"timeout": 5, "jobs": 2, "tests": [GRADED]} | options
        out = settings.pop("out", tmp_path / "out")
        rows = grader.grade(folder, grader.Options("99", out, **settings))
        return {row["student"]: row for row in rows}, out

    return run
