"""From what a grading process did to a status, a score and a reason a student can act on.

Statuses: ``graded`` (the tests ran; the score counts), ``timeout``, ``crashed``,
``invalid-notebook`` (unreadable, or it tampered with the grader) and ``missing``. Anything but
``graded`` scores 0. Points come from the grader's own collection of the tests, never from the
submission's process, so a forged report can at most claim tests that exist.
"""

from __future__ import annotations

import signal

from k8sedu.grading.feedback import describe_cell
from k8sedu.grading.sandbox import Outcome

_TEXT_LIMIT = 300  # characters kept of anything the submission's process wrote


def verdict(outcome: Outcome, tests: list[dict], timeout: float, cpu: int) -> dict:
    """status, reason, score, tests and cells for one finished grading process."""
    done = outcome.last("done")
    where = _where(outcome)
    if outcome.timed_out:
        return _failed(
            "timeout",
            f"stopped after {timeout:g} s while running {where}: look for a loop that never "
            "ends, or a step that waits or works far too long",
            tests,
        )
    if outcome.flooded:
        return _failed("crashed", "it flooded the grader's result channel", tests)
    if done is None or outcome.exit_code not in (0, 1) or not isinstance(done.get("report"), dict):
        return _failed("crashed", _crash_reason(outcome, where, cpu), tests)
    if done.get("tampered"):
        names = ", ".join(f"`{_clip(n, 80)}`" for n in done["tampered"][:3])
        return _failed(
            "invalid-notebook",
            f"the notebook changes the grading machinery ({names}); a submission must not "
            "patch pytest or k8sedu.grading",
            tests,
        )
    return _graded(done["report"], tests)


def _graded(report: dict, tests: list[dict]) -> dict:
    reported = {t.get("key"): t for t in report.get("tests") or [] if isinstance(t, dict)}
    merged = []
    for test in tests:
        got = reported.get(test["key"], {})
        outcome = got.get("outcome") if got.get("outcome") in _OUTCOMES else "not run"
        merged.append(
            test
            | {
                "outcome": outcome,
                "message": _clip(got.get("message", ""), _TEXT_LIMIT),
                "assertion": _clip(got.get("assertion", ""), _TEXT_LIMIT),
            }
        )
    cells = [_cell(c) for c in (report.get("cells") or [])[:20] if isinstance(c, dict)]
    failed = sum(1 for t in merged if t["outcome"] != "passed")
    parts = [f"{failed} of {len(merged)} tests failed"] if failed else []
    parts += [describe_cell(c) for c in cells[:3]]
    return {
        "status": "graded",
        "reason": "; ".join(parts),
        "score": sum(t["points"] for t in merged if t["outcome"] == "passed"),
        "tests": merged,
        "cells": cells,
    }


_OUTCOMES = ("passed", "failed", "error", "skipped")


def _failed(status: str, reason: str, tests: list[dict]) -> dict:
    not_run = [t | {"outcome": "not run", "message": "", "assertion": ""} for t in tests]
    return {"status": status, "reason": reason, "score": 0, "tests": not_run, "cells": []}


def _where(outcome: Outcome) -> str:
    """The last thing the process said it started: a cell, a test, or nothing yet."""
    for event in reversed(outcome.events):
        if event.get("event") == "cell":
            return f"cell {_clip(event.get('cell'), 10)} (`{_clip(event.get('first_line'), 60)}`)"
        if event.get("event") == "test":
            return f"the test {_clip(event.get('key'), 120)}"
        if event.get("event") == "loaded":
            return "the tests"
    return "the start of grading, before your notebook ran"


def _crash_reason(outcome: Outcome, where: str, cpu: int) -> str:
    code = outcome.exit_code
    if code >= 2 and outcome.last("done") is not None:
        return (
            f"the test run stopped early (pytest exit code {code}) once your notebook reached "
            f"{where}: does the notebook raise KeyboardInterrupt?"
        )
    if code >= 0:
        return (
            f"the grading process exited (code {code}) once your notebook reached {where}: "
            "a notebook must "
            "not end its own process (os._exit() does)"
        )
    name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
    if -code == signal.SIGXCPU:
        return f"it used more than {cpu} s of CPU time; your notebook had reached {where}"
    if -code == signal.SIGXFSZ:
        return f"it wrote a file over the size limit; your notebook had reached {where}"
    if -code == signal.SIGKILL:
        return (
            f"the grading process was killed ({name}) once your notebook reached {where}: did "
            "the notebook kill a process, or run out of memory?"
        )
    return f"the Python interpreter crashed ({name}) once your notebook reached {where}"


def _cell(cell: dict) -> dict:
    return {
        "cell": cell.get("cell") if isinstance(cell.get("cell"), int) else 0,
        "first_line": _clip(cell.get("first_line"), 60),
        "error": _clip(cell.get("error"), _TEXT_LIMIT),
        "line": cell.get("line") if isinstance(cell.get("line"), int) else None,
    }


def _clip(value, limit: int) -> str:
    return str(value if value is not None else "")[:limit]
