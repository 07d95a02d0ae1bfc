"""The exercise builder: ``solutions/*.ipynb`` in, ``exercises/*.ipynb`` out, byte for byte stable.

Uses nbgrader's markers. In code cells, each ``### BEGIN SOLUTION`` … ``### END SOLUTION`` block
becomes, at the marker's indentation::

    # YOUR CODE HERE
    raise NotImplementedError()

(in Markdown cells, ``YOUR ANSWER HERE``), and ``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN
TESTS`` blocks are removed with their markers. Outputs, execution counts and saved widget state
are cleared. Cells that held a solution get nbgrader's ``solution`` metadata, so nbgrader tools
recognise them. The JSON is written the way nbformat writes it (indent 1, sorted keys), so a
rebuild of an unchanged solution gives identical bytes and ``check`` can compare files.
"""

from __future__ import annotations

import json
from pathlib import Path

from k8sedu.grading.course import Course

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_ENDS = {BEGIN_SOLUTION: END_SOLUTION, BEGIN_HIDDEN: END_HIDDEN}


class MarkerError(ValueError):
    """Unbalanced or nested markers in a solution notebook."""


def strip_source(source: str, code: bool = True, where: str = "cell") -> tuple[str, bool]:
    """The student's version of one cell's source, and whether it held a solution.

    >>> text, _ = strip_source("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION")
    >>> print(text)
    def f():
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    out: list[str] = []
    open_marker, solution = None, False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if open_marker is None:
            if marker in _ENDS:
                open_marker = marker
                if marker == BEGIN_SOLUTION:
                    solution = True
                    indent = line[: len(line) - len(line.lstrip())]
                    stub = (
                        ["# YOUR CODE HERE", "raise NotImplementedError()"]
                        if code
                        else ["YOUR ANSWER HERE"]
                    )
                    out += [f"{indent}{s}\n" for s in stub]
            elif marker in _ENDS.values():
                raise MarkerError(f"{where}, line {number}: {marker} without its BEGIN")
            else:
                out.append(line)
        elif marker == _ENDS[open_marker]:
            open_marker = None
        elif marker in _ENDS or marker in _ENDS.values():
            raise MarkerError(f"{where}, line {number}: {marker} inside {open_marker}")
    if open_marker is not None:
        raise MarkerError(f"{where}: {open_marker} is never closed")
    text = "".join(out)
    return (text if source.endswith("\n") else text.removesuffix("\n")), solution


def build_notebook(solution: dict, name: str = "notebook") -> dict:
    """The exercise notebook for a solution notebook (a new dict; the input is not changed)."""
    notebook = json.loads(json.dumps(solution))
    notebook.get("metadata", {}).pop("widgets", None)  # saved widget state is output too
    solutions = 0
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        code = cell.get("cell_type") == "code"
        text, has_solution = strip_source(source, code, f"{name}, cell {number}")
        cell["source"] = text.splitlines(keepends=True)  # as nbformat writes it
        if code:
            cell["outputs"], cell["execution_count"] = [], None
            cell.get("metadata", {}).pop("execution", None)
        if has_solution:
            solutions += 1
            cell.setdefault("metadata", {}).setdefault("nbgrader", _nbgrader(cell, number))
    if not solutions:
        raise MarkerError(f"{name} has no {BEGIN_SOLUTION} block: the exercise would be its answer")
    return notebook


def _nbgrader(cell: dict, number: int) -> dict:
    return {
        "grade": False,
        "grade_id": f"cell-{cell.get('id', number)}",
        "locked": False,
        "schema_version": 3,
        "solution": True,
        "task": False,
    }


def dumps(notebook: dict) -> str:
    """nbformat's own layout: one-space indent, sorted keys, UTF-8, final newline."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def expected(course: Course) -> dict[Path, str]:
    """Every exercise file the solutions call for, with its exact text."""
    result = {}
    for path in sorted(course.solutions.glob("*.ipynb")):
        solution = json.loads(path.read_text(encoding="utf-8"))
        result[course.exercises / path.name] = dumps(build_notebook(solution, path.name))
    return result


def build(course: Course) -> list[Path]:
    """Write ``exercises/`` from ``solutions/``; returns the files that changed."""
    changed = []
    course.exercises.mkdir(parents=True, exist_ok=True)
    for path, text in expected(course).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale(course: Course) -> list[str]:
    """What is out of date in ``exercises/``, one line each; empty when all is current."""
    wanted = expected(course)
    problems = []
    for path, text in wanted.items():
        if not path.exists():
            problems.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: differs from what {course.solutions / path.name} gives")
    for path in sorted(course.exercises.glob("*.ipynb")):
        if path not in wanted:
            problems.append(f"{path}: has no solution in {course.solutions}")
    return problems
