"""``k8sedu grade --emit classroom``: a GitHub Classroom autograding template.

GitHub Classroom's autograder runs each entry of ``.github/classroom/autograding.json`` as a
shell command in the learner's repository and awards the entry's points when it exits 0. Each
graded test becomes one entry, so partial credit survives (a parametrized case is one test).
Hidden tests run with ``--tb=no`` so their cases do not show in the log; they still ship inside
the package, so on Classroom they are hidden from the notebook, not from a determined reader.
Timeouts are in minutes, as Classroom counts them.
"""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path

from k8sedu.grading import grader, sandbox
from k8sedu.grading.course import PACKAGE_TESTS, Course, exercise_number, graded_tests

SETUP = "pip install k8sedu"


def entries(course: Course, number: str, extra: list[Path]) -> list[dict]:
    """One autograding entry per graded test of exercise ``number``."""
    notebook = course.exercise(number)
    if notebook is None:
        raise LookupError(f"no exercises/{number}-*.ipynb in {course.root}")
    files = graded_tests(number, extra)
    tests = grader.collect(files, sandbox.Limits())
    by_name = {f.name: f for f in files}
    minutes = max(1, math.ceil(grader.default_timeout(number) / 60))
    result = []
    for test in tests:
        file_name, _, name = test["key"].partition("::")
        target = _target(by_name[file_name], name, course.root)
        quiet = ["--tb=no"] if test["hidden"] else ["--tb=short"]
        command = [
            "python",
            "-m",
            "pytest",
            "-q",
            "-p",
            "k8sedu.grading.plugin",
            "-p",
            "no:cacheprovider",
            *quiet,
            *target,
            "--submission",
            notebook.relative_to(course.root).as_posix(),
        ]
        result.append(
            {
                "name": f"{number} {test['description']}",
                "setup": "",
                "run": "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 " + shlex.join(command),
                "input": "",
                "output": "",
                "comparison": "included",
                "timeout": minutes,
                "points": test["points"],
            }
        )
    return result


def _target(path: Path, name: str, root: Path) -> list[str]:
    if path.parent.resolve() == PACKAGE_TESTS.resolve():
        return ["--pyargs", f"k8sedu.grading.tests.{path.stem}::{name}"]
    return [f"{path.resolve().relative_to(root.resolve()).as_posix()}::{name}"]


def write(root: Path, out: Path, exercise: str | None, extra: list[Path]) -> Path:
    """Write ``out/.github/classroom/autograding.json`` for one exercise, or all of them."""
    course = Course(Path(root))
    found = sorted({*course.numbers(), *_numbers(extra)})
    numbers = [exercise_number(exercise)] if exercise else found
    tests = [entry for number in numbers for entry in entries(course, number, extra)]
    if tests:
        tests[0]["setup"] = SETUP
    path = Path(out) / ".github" / "classroom" / "autograding.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"tests": tests}, indent=2, ensure_ascii=False) + "\n")
    return path


def _numbers(folders: list[Path]) -> set[str]:
    return {number for folder in folders for number in Course(tests_dir=Path(folder)).numbers()}
