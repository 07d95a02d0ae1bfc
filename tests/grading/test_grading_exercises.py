"""Every graded exercise, found from the data: solution = full marks, exercise = zero, no crash.

For each graded test file ``test_NN_*.py`` (in k8sedu/grading/tests/, plus the fixture course),
the solution notebook must score full marks, the untouched exercise notebook zero with status
``graded``, every plausible wrong answer in the ``wrong/`` folder (``NN-*.ipynb``) less than full
marks, and ``exercises/`` must be what ``k8sedu exercises build`` writes. A translated edition
(``solutions/ko/``, ``exercises/ko/``, built by ``k8sedu lessons build``) has the same code cells,
so it must grade the same: full marks and zero.
"""

from pathlib import Path

import pytest

from k8sedu.grading import builder, grader
from k8sedu.grading.course import PACKAGE_TESTS, Course

REPO = Path(__file__).parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "course"


def cases():
    yield pytest.param(Course(FIXTURE, FIXTURE / "tests"), FIXTURE / "wrong", "99", id="fixture-99")
    for number in Course(REPO).numbers():
        wrong = REPO / "tests" / "grading" / "wrong"
        yield pytest.param(Course(REPO, PACKAGE_TESTS), wrong, number, id=f"exercise-{number}")


def test_exercises_folder_is_current():
    """`k8sedu exercises check` on the repository."""
    assert builder.stale(Course(REPO)) == []


@pytest.mark.parametrize(("course", "wrong", "number"), list(cases()))
def test_solution_exercise_and_wrong_answers(tmp_path, course, wrong, number):
    solution, exercise = course.solution(number), course.exercise(number)
    assert solution is not None, f"solutions/{number}-*.ipynb is missing"
    assert exercise is not None, f"exercises/{number}-*.ipynb is missing: run the builder"
    assert builder.expected(course)[exercise] == exercise.read_text(encoding="utf-8")

    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "solution.ipynb").write_bytes(solution.read_bytes())
    (folder / "exercise.ipynb").write_bytes(exercise.read_bytes())
    editions = [d.name for d in sorted(course.solutions.iterdir()) if d.is_dir()]
    editions = [lang for lang in editions if (solution.parent / lang / solution.name).exists()]
    for lang in editions:
        for name, path in (("solution", solution), ("exercise", exercise)):
            (folder / f"{name}-{lang}.ipynb").write_bytes(
                (path.parent / lang / path.name).read_bytes()
            )
    wrong_answers = sorted(wrong.glob(f"{number}-*.ipynb")) if wrong.is_dir() else []
    for path in wrong_answers:
        (folder / f"wrong-{path.name}").write_bytes(path.read_bytes())
    extra = [] if course.tests_dir == PACKAGE_TESTS else [course.tests_dir]
    rows = grader.grade(folder, grader.Options(number, tmp_path / "out", tests=extra))
    got = {r["student"]: r for r in rows}

    full = got["solution"]["max_score"]
    assert (got["solution"]["status"], got["solution"]["score"]) == ("graded", full), got
    assert (got["exercise"]["status"], got["exercise"]["score"]) == ("graded", 0), got
    for lang in editions:
        assert got[f"solution-{lang}"]["score"] == full, got[f"solution-{lang}"]
        row = got[f"exercise-{lang}"]
        assert (row["status"], row["score"]) == ("graded", 0), row
    for path in wrong_answers:
        row = got[f"wrong-{path.stem}"]
        assert row["status"] == "graded" and row["score"] < full, (path.name, row)
