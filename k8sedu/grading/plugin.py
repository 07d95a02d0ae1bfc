"""The k8sedu pytest plugin: graded tests against a submission, with points, hints and a score.

    pytest --pyargs k8sedu.grading.tests.test_04_scheduler \\
        --submission 04-scheduler.ipynb --grade-report report.json

A graded test takes the ``submission`` fixture (the loaded notebook) and calls what it defines:

    @pytest.mark.points(2)
    @pytest.mark.hint("A pod that asks for nothing fits everywhere.")
    def test_empty_pod_fits(submission):
        assert submission.fits({}, NODE), "an empty pod must fit an empty node"

Markers: ``points(n)`` (default 1), ``hidden`` (run by ``k8sedu grade`` only, never by
``check()``), ``hint(text)``. The assertion's own message is the hint of that assertion; the
marker's hint is shown when there is none. A name the notebook lacks fails the test with
"your notebook does not define `fits`".

The report (``--grade-report FILE.json``, also what ``check()`` and the batch grader read) lists
each test's outcome, points, message and hint, plus the errors of cells that raised.
"""

from __future__ import annotations

import json
import signal
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from k8sedu.grading import loader

SOURCE = pytest.StashKey[Callable[[], loader.Loaded]]()  # how to load the submission
REPORT = pytest.StashKey[dict]()  # the grade report, once the session is over
ENTRY_POINT = "k8sedu"


class TestTimeout(BaseException):
    """A test ran past --test-timeout (BaseException, so `except Exception` cannot swallow it)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("k8sedu", "k8sedu grading")
    group.addoption("--submission", metavar="PATH", help="notebook (.ipynb) or .py to grade")
    group.addoption("--grade-report", metavar="FILE", help="write the grade report as JSON")
    group.addoption("--public", action="store_true", help="skip tests marked hidden")
    group.addoption(
        "--test-timeout", type=float, metavar="S", help="fail a test that runs longer than S"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): points the test is worth (default 1)")
    config.addinivalue_line("markers", "hidden: run by `k8sedu grade` only, never by check()")
    config.addinivalue_line("markers", "hint(text): shown to the student when the test fails")
    path = config.getoption("submission")
    if path and SOURCE not in config.stash:
        config.stash[SOURCE] = FileSource(path)
    if SOURCE in config.stash:
        loader.set_grading(True)
    if SOURCE in config.stash or config.getoption("grade_report", None):
        # only a grading run gets the score line: an ordinary pytest run ends with pytest's summary
        config.pluginmanager.register(Collector(config), "k8sedu-grade-collector")


def pytest_unconfigure(config: pytest.Config) -> None:
    loader.set_grading(False)


class FileSource:
    """Loads a notebook file the first time a test asks for it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __call__(self) -> loader.Loaded:
        try:
            cells = loader.read_submission(self.path)
        except (OSError, loader.InvalidSubmission) as e:
            pytest.fail(f"cannot read {self.path.name}: {e}", pytrace=False)
        loader.neutralise_display()
        return loader.load(cells)


@pytest.fixture(scope="session")
def _loaded_submission(request: pytest.FixtureRequest) -> loader.Loaded:
    source = request.config.stash.get(SOURCE, None)
    if source is None:
        pytest.fail("no submission to grade: run pytest with --submission PATH", pytrace=False)
    loaded = source()
    request.config.stash[REPORT] = {"cells": [vars(e) for e in loaded.errors]}
    return loaded


@pytest.fixture
def submission(_loaded_submission: loader.Loaded):
    """The submitted notebook as a module: ``submission.score(...)`` calls the learner's code."""
    return _loaded_submission.module


def points(item: pytest.Item) -> float:
    marker = item.get_closest_marker("points")
    value = marker.args[0] if marker and marker.args else 1
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise pytest.UsageError(f"{item.nodeid}: points must be a number >= 0, not {value!r}")
    return value


def test_key(item: pytest.Item) -> str:
    """A test's name in reports: file name and test name, the same in every process."""
    return f"{Path(str(item.path)).name}::{item.name}"


def describe(item: pytest.Item) -> dict:
    doc = (getattr(item, "obj", None) and item.obj.__doc__) or ""
    hint = item.get_closest_marker("hint")
    description = doc.strip().splitlines()[0] if doc.strip() else item.name
    callspec = getattr(item, "callspec", None)
    return {
        "key": test_key(item),
        "name": item.name,
        "description": f"{description} [{callspec.id}]" if callspec else description,
        "points": points(item),
        "hidden": item.get_closest_marker("hidden") is not None,
        "hint": hint.args[0] if hint and hint.args else "",
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("public"):
        return
    hidden = [item for item in items if item.get_closest_marker("hidden")]
    if hidden:
        items[:] = [item for item in items if not item.get_closest_marker("hidden")]
        config.hook.pytest_deselected(items=hidden)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    limit = item.config.getoption("test_timeout")
    if not limit or not hasattr(signal, "setitimer"):
        return (yield)
    if threading.current_thread() is not threading.main_thread():
        return (yield)
    previous = signal.signal(signal.SIGALRM, _raise_timeout(limit))
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_timeout(limit: float):
    def handler(signum, frame):
        raise TestTimeout(f"took longer than {limit:g} s (a loop that never ends?)")

    return handler


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed and call.excinfo is not None:
        report.k8sedu_failure = failure(call.excinfo.value)
    return report


def failure(error: BaseException) -> dict:
    """What went wrong (``message``) and the assertion's own message (``assertion``), if any."""
    if isinstance(error, AssertionError):
        text = str(error)
        if text.startswith("assert ") or not text:
            return {"message": _first_line(text), "assertion": ""}
        hint, _, detail = text.partition("\nassert ")
        return {"message": _first_line("assert " + detail if detail else ""), "assertion": hint}
    if isinstance(error, loader.MissingName | TestTimeout):
        message = str(error)  # already a sentence written for the student
    else:
        message = loader.describe_exception(error)
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename.startswith("<cell "):
            message += f" (in {frame.f_code.co_filename[1:-1]}, line {lineno})"
            break
    return {"message": message, "assertion": ""}


def _first_line(text: str, limit: int = 300) -> str:
    """pytest's explanation lines after the first ("+ where ...") are noise for a learner."""
    lines = text.strip().splitlines()
    return lines[0][:limit] if lines else ""


class Collector:
    """Adds up points per test, writes the report and lists the points lost."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.tests: dict[str, dict] = {}

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            blank = {"outcome": "not run", "message": "", "assertion": ""}
            self.tests[item.nodeid] = describe(item) | blank

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        test = self.tests.get(report.nodeid)
        if test is None or test["outcome"] in ("failed", "error"):
            return
        if report.failed:
            test["outcome"] = "failed" if report.when == "call" else "error"
            info = getattr(report, "k8sedu_failure", None) or {
                "message": _first_line(str(report.longrepr)),
                "assertion": "",
            }
            test.update(info)
        elif report.skipped:
            test["outcome"] = "skipped"
        elif report.when == "call":
            test["outcome"] = "passed"

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        report = self.config.stash.get(REPORT, {"cells": []})
        tests = list(self.tests.values())
        report.update(
            score=sum(t["points"] for t in tests if t["outcome"] == "passed"),
            max_score=sum(t["points"] for t in tests),
            tests=tests,
        )
        self.config.stash[REPORT] = report
        path = self.config.getoption("grade_report")
        if path:
            Path(path).write_text(json.dumps(report, indent=1) + "\n")

    def pytest_terminal_summary(self, terminalreporter) -> None:
        report = self.config.stash.get(REPORT, None)
        if report is None:
            return
        for test in report["tests"]:
            if test["outcome"] not in ("passed", "skipped"):
                hint = test["assertion"] or test["hint"]
                hint = f" — {hint}" if hint else ""
                terminalreporter.write_line(f"lost {fmt(test['points'])}: {test['key']}{hint}")


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: runs after pytest's own summary
def pytest_sessionfinish(session: pytest.Session):
    result = yield
    report = session.config.stash.get(REPORT, None)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if report is not None and reporter is not None:
        reporter.write_line(f"Score: {fmt(report['score'])}/{fmt(report['max_score'])}")
    return result


def fmt(points: float) -> str:
    return f"{points:g}"
