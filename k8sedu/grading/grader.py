"""``k8sedu grade``: a folder of submissions in; a gradebook, grades.json and feedback out.

    k8sedu grade submissions/ --exercise 04 --out grades-04 --jobs 4

A submission is a file (``alice.ipynb`` → student ``alice``) or a folder per student holding a
notebook named after the exercise (``alice/04-scheduler.ipynb``); ``--roster`` lists students
who must appear even without one (status ``missing``). Each submission is graded in its own
sandboxed process (``sandbox.py``), several at once. A submission that ends other than
``graded`` is run once more, alone, so that a neighbour hogging the machine cannot cost it its
grade. Results are saved as each one finishes, keyed by the submission's content and the tests:
a second run skips what is already graded and unchanged.

Writes ``OUT/gradebook.csv`` (student, exercise, score, max_score, status, reason, seconds),
``OUT/grades.json``, ``OUT/feedback/<student>.md`` and ``.html``, and ``OUT/logs/<student>.txt``
(the submission's truncated output, for the instructor only).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from k8sedu.grading import feedback, loader, sandbox
from k8sedu.grading.course import exercise_number, graded_tests
from k8sedu.grading.plugin import fmt
from k8sedu.grading.verdict import verdict

COLUMNS = ("student", "exercise", "score", "max_score", "status", "reason", "seconds")
STATUSES = ("graded", "timeout", "crashed", "invalid-notebook", "missing")
DEFAULT_TIMEOUT = 30.0  # seconds: plenty for exercises graded by calling functions
SLOW_EXERCISES = {"08": 300.0, "09": 90.0, "12": 600.0}  # graded by running a cluster


class GradingError(Exception):
    """The batch cannot start (no tests, tests that do not collect, a bad folder)."""


@dataclass
class Options:
    exercise: str
    out: Path
    jobs: int = 2
    timeout: float | None = None  # seconds per submission; None: the exercise's default
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    tests: list[Path] = field(default_factory=list)  # private packs of extra graded tests
    roster: Path | None = None
    progress: bool = False
    retry: bool = True


def default_timeout(exercise: str) -> float:
    return SLOW_EXERCISES.get(exercise_number(exercise), DEFAULT_TIMEOUT)


def grade(submissions: Path, options: Options) -> list[dict]:
    """Grade every submission; returns the gradebook rows, sorted by student."""
    number = exercise_number(options.exercise)
    timeout = options.timeout or default_timeout(number)
    files = graded_tests(number, options.tests)
    tests = collect(files, options.limits)
    state = Batch(number, options, timeout, tests, _fingerprint(files, timeout, options.limits))
    tasks = []
    for student, path in find_submissions(Path(submissions), number, options.roster).items():
        task = state.prepare(student, path, files)
        if task is not None:
            tasks.append(task)
    state.progress.start(len(tasks))
    sandbox.run_all(tasks, options.limits, max(1, options.jobs), state.finished)
    if options.retry:
        again = [t for t in tasks if state.results[t.name]["status"] in ("timeout", "crashed")]
        sandbox.run_all(again, options.limits, 1, state.finished)
    state.progress.end()
    state.save()
    return state.rows()


def collect(files: list[Path], limits: sandbox.Limits) -> list[dict]:
    """The graded tests with their points, collected in the sandbox (which proves it works)."""
    if not files:
        raise GradingError("no graded tests for this exercise (test_NN_*.py)")
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise GradingError(f"graded test files must have distinct names: {sorted(names)}")
    task = sandbox.Task("collect", ["--collect", *_test_args(files)], _test_files(files))
    found: list[sandbox.Outcome] = []
    sandbox.run_all([task], limits, 1, lambda _task, outcome: found.append(outcome))
    collected = found[0].last("collected")
    if found[0].exit_code != 0 or collected is None or not collected.get("tests"):
        raise GradingError(
            "the graded tests could not be collected in the sandbox (if it runs as `nobody`, "
            f"can nobody read the k8sedu installation?):\n{found[0].output[-3000:]}"
        )
    return collected["tests"]


def find_submissions(folder: Path, number: str, roster: Path | None) -> dict[str, Path | str]:
    """Student → submission file, or → why there is none."""
    if not folder.is_dir():
        raise GradingError(f"{folder} is not a folder of submissions")
    found: dict[str, Path | str] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob(f"{number}*")
                if p.suffix in (".ipynb", ".py") and ".ipynb_checkpoints" not in p.parts
            )
            found[path.name] = candidates[0] if candidates else f"no {number}-*.ipynb in {path}"
        elif path.suffix in (".ipynb", ".py"):
            found[path.stem if path.stem not in found else path.name] = path
    if roster is not None:
        for name in Path(roster).read_text(encoding="utf-8").split():
            found.setdefault(name, f"no submission in {folder}")
    return dict(sorted(found.items()))


class Batch:
    """The results of one exercise, saved as they arrive."""

    def __init__(self, number, options, timeout, tests, fingerprint) -> None:
        self.number, self.options, self.timeout = number, options, timeout
        self.tests, self.fingerprint = tests, fingerprint
        self.max_score = sum(t["points"] for t in tests)
        self.out = Path(options.out)
        self.previous = _load_previous(self.out / "grades.json", number)
        self.results: dict[str, dict] = {}
        self.progress = Progress(options.progress)

    def prepare(self, student: str, path: Path | str, files: list[Path]) -> sandbox.Task | None:
        """A task to run, or None when the result is already known."""
        if isinstance(path, str):
            self._record(student, _result(self, "missing", path), None)
            return None
        data = path.read_bytes()
        key = hashlib.sha256(data + self.fingerprint.encode()).hexdigest()
        old = self.previous.get(student)
        if old and old.get("key") == key:
            self.results[student] = old
            return None
        try:
            cells = loader.read_submission(path)
        except loader.InvalidSubmission as e:
            self._record(student, _result(self, "invalid-notebook", str(e)) | {"key": key}, None)
            return None
        payload = json.dumps([{"number": c.number, "source": c.source} for c in cells]).encode()
        test_timeout = max(1.0, self.timeout / 3)
        args = ["--cells", "../cells.json", "--test-timeout", f"{test_timeout:g}"]
        task = sandbox.Task(
            student,
            args + _test_args(files),
            {"cells.json": payload} | _test_files(files),
            self.timeout,
        )
        self.results[student] = {"key": key, "file": str(path)}
        return task

    def finished(self, task: sandbox.Task, outcome: sandbox.Outcome) -> None:
        cpu = sandbox.cpu_limit(self.options.limits, self.timeout)
        judged = verdict(outcome, self.tests, self.timeout, cpu)
        attempts = self.results[task.name].get("attempts", 0) + 1
        result = _result(self, judged.pop("status"), judged.pop("reason")) | judged
        result |= {
            "key": self.results[task.name]["key"],
            "file": self.results[task.name]["file"],
            "seconds": outcome.seconds,
            "output_bytes": outcome.output_bytes,
            "attempts": attempts,
        }
        self._record(task.name, result, outcome.output)
        self.progress.step(task.name, result)

    def _record(self, student: str, result: dict, output: str | None) -> None:
        result = self.results[student] = result | {"student": student}
        _write(self.out / "feedback" / f"{student}.md", feedback.markdown(result))
        _write(self.out / "feedback" / f"{student}.html", feedback.html_page(result))
        if output is not None:
            _write(self.out / "logs" / f"{student}.txt", output)
        self.save()

    def save(self) -> None:
        done = {s: r for s, r in sorted(self.results.items()) if "status" in r}
        data = {"exercise": self.number, "max_score": self.max_score, "students": done}
        _write(self.out / "grades.json", json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        lines = [COLUMNS] + [tuple(_cells_of(r)) for r in self.rows()]
        with open(self.out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(lines)

    def rows(self) -> list[dict]:
        return [
            {c: r.get(c, "") for c in COLUMNS}
            for _, r in sorted(self.results.items())
            if "status" in r
        ]


def _result(batch: Batch, status: str, reason: str) -> dict:
    return {
        "exercise": batch.number,
        "score": 0,
        "max_score": batch.max_score,
        "status": status,
        "reason": reason,
        "seconds": 0.0,
        "tests": [],
        "cells": [],
    }


def _cells_of(row: dict) -> list[str]:
    values = dict(row, score=fmt(row["score"]), max_score=fmt(row["max_score"]))
    values["seconds"] = f"{row['seconds']:.2f}"
    return [str(values[c]) for c in COLUMNS]


def _test_args(files: list[Path]) -> list[str]:
    """Package tests are read in place; a private pack is copied beside the working dir."""
    return [str(f) if _in_package(f) else f"../tests/{f.name}" for f in files]


def _test_files(files: list[Path]) -> dict[str, bytes]:
    copies = {}
    for folder in sorted({f.parent for f in files if not _in_package(f)}):
        for path in sorted(folder.glob("*.py")):  # the tests and any helpers beside them
            copies[f"tests/{path.name}"] = path.read_bytes()
    return copies


def _in_package(path: Path) -> bool:
    from k8sedu.grading.course import PACKAGE_TESTS

    return path.parent.resolve() == PACKAGE_TESTS.resolve()


def _fingerprint(files: list[Path], timeout: float, limits: sandbox.Limits) -> str:
    digest = hashlib.sha256(f"{timeout}|{limits}".encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _load_previous(path: Path, number: str) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("students", {}) if data.get("exercise") == number else {}


def _write(path: Path, text: str) -> None:
    """Write through a temporary file, so an interrupted run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class Progress:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total = total

    def step(self, student: str, result: dict) -> None:
        self.done += 1
        if self.enabled and self.total:
            filled = 30 * min(self.done, self.total) // self.total
            bar = "#" * filled + "." * (30 - filled)
            line = f"[{bar}] {self.done}/{self.total} {student}: {result['status']}"
            sys.stderr.write(f"\r{line[:100]:<100}")
            sys.stderr.flush()

    def end(self) -> None:
        if self.enabled and self.total:
            sys.stderr.write("\n")
