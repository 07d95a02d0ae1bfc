"""``k8sedu progress DIR``: how far each learner got, read from their saved notebooks.

An instructor's view of a workshop without a server: collect the learners' folders (one per
learner, or one notebook per learner at the top), and this reads what the notebooks recorded
while they worked: the latest ``check()`` result (an output of type ``CHECK_MIME``) and the
answers given to ``predict()`` questions (outputs of type ``PREDICT_MIME``, or
``metadata.k8sedu.predict`` on a cell, each ``{"question", "answer", "correct"}``).
Nothing runs; unreadable notebooks are listed as such.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from k8sedu.grading.course import CHECK_MIME, PREDICT_MIME

HEADER = ("student", "notebook", "check", "predictions")


@dataclass(frozen=True)
class Row:
    student: str
    notebook: str
    check: str  # "7/9", "" when check() never ran, "unreadable"
    answered: int
    correct: int

    def cells(self) -> tuple[str, str, str, str]:
        predictions = f"{self.correct}/{self.answered} right" if self.answered else ""
        return (self.student, self.notebook, self.check, predictions)


def collect(folder: Path) -> list[Row]:
    """One row per learner and notebook, sorted."""
    return [read(student, notebook) for student, notebook in notebooks(folder)]


def notebooks(folder: Path) -> list[tuple[str, Path]]:
    """(learner, notebook) pairs, sorted: one folder per learner, or one notebook each."""
    found = []
    for path in sorted(Path(folder).iterdir()):
        if path.is_dir() and not path.name.startswith("."):
            for notebook in sorted(path.rglob("*.ipynb")):
                if ".ipynb_checkpoints" not in notebook.parts:
                    found.append((path.name, notebook))
        elif path.suffix == ".ipynb":
            found.append((path.stem, path))
    return found


def read(student: str, path: Path) -> Row:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in notebook.get("cells", []) if isinstance(c, dict)]
    except (OSError, ValueError, AttributeError):
        return Row(student, path.name, "unreadable", 0, 0)
    check, answers = "", {}
    for cell in cells:
        for output in cell.get("outputs") or []:
            data = output.get("data", {}) if isinstance(output, dict) else {}
            if isinstance(data.get(CHECK_MIME), dict):
                result = data[CHECK_MIME]
                check = f"{_number(result.get('score'))}/{_number(result.get('max_score'))}"
            if isinstance(data.get(PREDICT_MIME), dict):
                answers[str(data[PREDICT_MIME].get("question"))] = data[PREDICT_MIME]
        recorded = (cell.get("metadata") or {}).get("k8sedu", {})
        if isinstance(recorded, dict) and isinstance(recorded.get("predict"), dict):
            answers[str(recorded["predict"].get("question"))] = recorded["predict"]
    correct = sum(1 for a in answers.values() if a.get("correct") is True)
    return Row(student, path.name, check, len(answers), correct)


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) else "?"


def to_table(rows: list[Row]) -> str:
    lines = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    return "".join(
        "   ".join(col.ljust(w) for col, w in zip(line, widths)).rstrip() + "\n" for line in lines
    )


def to_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *(row.cells() for row in rows)])
    return out.getvalue()
