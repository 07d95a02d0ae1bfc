"""Plausible wrong answers to exercise 11 lose points, and the solution keeps full marks.

Each ``wrong/11-*.py`` is the solution's ``step`` with one mistake a learner is likely to make
(its docstring says which). They are graded exactly as a class would be, by the sandboxed batch
grader with the hidden tests, beside the solution notebook.
"""

from pathlib import Path

from k8sedu.grading import grader

HERE = Path(__file__).parent
WRONG = HERE / "wrong"
SOLUTION = HERE.parents[1] / "solutions" / "11-high-availability.ipynb"


def test_wrong_answers_score_below_full(tmp_path):
    wrong = sorted(WRONG.glob("11-*.py"))
    assert len(wrong) >= 2, "exercise 11 needs at least two plausible wrong answers"
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "solution.ipynb").write_bytes(SOLUTION.read_bytes())
    for path in wrong:
        (folder / f"wrong-{path.name}").write_bytes(path.read_bytes())

    rows = grader.grade(folder, grader.Options("11", tmp_path / "out"))
    got = {row["student"]: row for row in rows}

    full = got["solution"]["max_score"]
    assert (got["solution"]["status"], got["solution"]["score"]) == ("graded", full), got
    for path in wrong:
        row = got[f"wrong-{path.stem}"]
        assert row["status"] == "graded", (path.name, row)
        assert row["score"] < full, f"{path.name} should lose points: {row}"
