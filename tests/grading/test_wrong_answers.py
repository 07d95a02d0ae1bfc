"""Plausible wrong answers to exercises 03, 04, 09, 10 and 11 lose points; the solutions keep full
marks.

Each ``wrong/NN-*.py`` is the solution's graded code with one mistake a learner is likely to
make (its docstring says which). They are graded exactly as a class would be, by the sandboxed
batch grader with the hidden tests, beside the solution notebook.
"""

from pathlib import Path

import pytest

from k8sedu.grading import grader

HERE = Path(__file__).parent
WRONG = HERE / "wrong"
SOLUTIONS = HERE.parents[1] / "solutions"


@pytest.mark.parametrize("number", ["03", "04", "09", "10", "11"])
def test_wrong_answers_score_below_full(tmp_path, number):
    wrong = sorted(WRONG.glob(f"{number}-*.py"))
    assert len(wrong) >= 2, f"exercise {number} needs at least two plausible wrong answers"
    folder = tmp_path / "submissions"
    folder.mkdir()
    solution = sorted(SOLUTIONS.glob(f"{number}-*.ipynb"))[0]
    (folder / "solution.ipynb").write_bytes(solution.read_bytes())
    for path in wrong:
        (folder / f"wrong-{path.name}").write_bytes(path.read_bytes())

    rows = grader.grade(folder, grader.Options(number, tmp_path / "out"))
    got = {row["student"]: row for row in rows}

    full = got["solution"]["max_score"]
    assert (got["solution"]["status"], got["solution"]["score"]) == ("graded", full), got
    for path in wrong:
        row = got[f"wrong-{path.stem}"]
        assert row["status"] == "graded", (path.name, row)
        assert row["score"] < full, f"{path.name} should lose points: {row}"
