"""The exercise builder: nbgrader's markers in, a byte-stable student notebook out."""

import json
import shutil

import pytest

from k8sedu.grading import builder
from k8sedu.grading.course import Course

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "x = 1\n### BEGIN SOLUTION\nx = 2\n### END SOLUTION\ny = 3",
            f"x = 1\n{STUB}\ny = 3",
            id="top-level",
        ),
        pytest.param(
            "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
            "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()",
            id="keeps-indentation",
        ),
        pytest.param(
            "assert f() == 1\n### BEGIN HIDDEN TESTS\nassert f() != 2\n### END HIDDEN TESTS\n",
            "assert f() == 1\n",
            id="hidden-tests-removed",
        ),
        pytest.param("no markers", "no markers", id="untouched"),
    ],
)
def test_strip_source(source, expected):
    assert builder.strip_source(source)[0] == expected


def test_markdown_answers_become_a_prompt():
    text, solution = builder.strip_source(
        "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", False
    )
    assert (text, solution) == ("Why?\nYOUR ANSWER HERE", True)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("### BEGIN SOLUTION\nx = 1", "never closed", id="unclosed"),
        pytest.param("x = 1\n### END SOLUTION", "without its BEGIN", id="stray-end"),
        pytest.param(
            "### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION",
            "inside",
            id="nested",
        ),
    ],
)
def test_unbalanced_markers_are_errors(source, message):
    with pytest.raises(builder.MarkerError, match=message):
        builder.strip_source(source)


def test_outputs_cleared_and_solution_cells_marked_for_nbgrader(course):
    solution = json.loads((course / "solutions" / "99-sample.ipynb").read_text())
    solution["cells"][3]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "4"}]
    solution["cells"][3]["execution_count"] = 7
    solution["metadata"]["widgets"] = {"state": {}}
    exercise = builder.build_notebook(solution)
    cell = exercise["cells"][3]
    assert (cell["outputs"], cell["execution_count"]) == ([], None)
    assert cell["metadata"]["nbgrader"]["solution"] is True
    assert "widgets" not in exercise["metadata"]
    assert solution["cells"][3]["execution_count"] == 7, "the solution is not changed"


def test_a_solution_without_markers_is_refused():
    with pytest.raises(builder.MarkerError, match="would be its answer"):
        builder.build_notebook({"cells": [{"cell_type": "code", "source": "x = 1"}]})


def test_the_fixture_exercise_is_current_and_has_no_answers(course):
    assert builder.stale(Course(course)) == []
    text = (course / "exercises" / "99-sample.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "math.ceil" not in text


def test_build_is_byte_identical_and_check_notices_changes(course, tmp_path):
    shutil.copytree(course / "solutions", tmp_path / "solutions")
    local = Course(tmp_path)
    assert [p.name for p in builder.build(local)] == ["99-sample.ipynb"]
    first = (tmp_path / "exercises" / "99-sample.ipynb").read_bytes()
    assert builder.build(local) == []
    assert (tmp_path / "exercises" / "99-sample.ipynb").read_bytes() == first
    assert first == (course / "exercises" / "99-sample.ipynb").read_bytes()

    (tmp_path / "exercises" / "99-sample.ipynb").write_text("{}")
    (tmp_path / "exercises" / "98-orphan.ipynb").write_text("{}")
    problems = builder.stale(local)
    assert [p.split(": ")[1].split(" ")[0] for p in problems] == ["differs", "has"]
