"""Where a course keeps its parts: solutions, exercises, lessons and graded tests.

The repository is the course: ``solutions/NN-topic.ipynb`` is the single source of each exercise,
``exercises/NN-topic.ipynb`` is generated from it, ``lessons/`` holds the lessons, and the graded
tests ``test_NN_topic.py`` ship inside the package (``k8sedu/grading/tests/``) so that ``check()``
and ``k8sedu grade`` work after ``pip install``. Every command takes a root and a tests folder, so
the test suite can run them on a small fixture course as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE_TESTS = Path(__file__).parent / "tests"
# What a saved notebook records for the instructor, as extra output MIME types:
CHECK_MIME = "application/vnd.k8sedu.check+json"  # each check() result
PREDICT_MIME = "application/vnd.k8sedu.predict+json"  # each predict() answer
_TEST_FILE = re.compile(r"^test_(\d\d)_\w+\.py$")


def exercise_number(exercise: str | int) -> str:
    """``4``, ``"4"`` and ``"04"`` all name exercise ``"04"``."""
    text = str(exercise).strip()
    if not text.isdigit() or len(text) > 2:
        raise ValueError(f"an exercise is named by its two-digit number, like 04, not {exercise!r}")
    return text.zfill(2)


def graded_tests(exercise: str | int, dirs: list[Path] | tuple[Path, ...] = ()) -> list[Path]:
    """The graded test files of an exercise: the package's, then those in extra folders."""
    number = exercise_number(exercise)
    found = []
    for folder in (PACKAGE_TESTS, *map(Path, dirs)):
        found += sorted(p for p in folder.glob(f"test_{number}_*.py") if _TEST_FILE.match(p.name))
    return found


@dataclass(frozen=True)
class Course:
    root: Path = Path(".")
    tests_dir: Path = PACKAGE_TESTS

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def exercises(self) -> Path:
        return self.root / "exercises"

    @property
    def lessons(self) -> Path:
        return self.root / "lessons"

    def numbers(self) -> list[str]:
        """Exercises that have graded tests, in order."""
        matches = (_TEST_FILE.match(p.name) for p in self.tests_dir.glob("test_*.py"))
        return sorted({m.group(1) for m in matches if m})

    def tests(self, exercise: str | int) -> list[Path]:
        number = exercise_number(exercise)
        return sorted(self.tests_dir.glob(f"test_{number}_*.py"))

    def solution(self, exercise: str | int) -> Path | None:
        return _first(self.solutions, exercise)

    def exercise(self, exercise: str | int) -> Path | None:
        return _first(self.exercises, exercise)


def _first(folder: Path, exercise: str | int) -> Path | None:
    found = sorted(folder.glob(f"{exercise_number(exercise)}-*.ipynb"))
    return found[0] if found else None
