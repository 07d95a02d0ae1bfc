"""``k8sedu.check("04")``: the public graded tests against what the notebook has defined so far.

Runs in the learner's kernel, on the live names of the notebook (no saving, no restarting), and
shows a table of tests, points, pass/fail and hints with the total: HTML in Jupyter, plain text
elsewhere. Tests marked ``hidden`` do not run here, so check() cannot be used to search a small
answer space; ``k8sedu grade`` runs them. While a submission is being graded check() does nothing.

The displayed output also carries the result as ``application/vnd.k8sedu.check+json``, so a saved
notebook records how far its learner got; ``k8sedu progress`` reads it.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import pytest

from k8sedu.grading import feedback, loader, plugin
from k8sedu.grading.course import CHECK_MIME, exercise_number, graded_tests
from k8sedu.widgets.i18n import _


def check(exercise: str | int, *, tests: str | Path | None = None, timeout: float = 30) -> None:
    """Run exercise ``exercise``'s public tests on the calling notebook's definitions.

    ``tests`` adds a folder of graded tests (for courses outside the package); a test that runs
    longer than ``timeout`` seconds fails, so an endless loop does not freeze the notebook.
    """
    if loader.grading():
        return None
    namespace = sys._getframe(1).f_globals  # the notebook's names, as the calling cell sees them
    show(run(exercise, namespace, tests=tests, timeout=timeout))
    return None


def run(
    exercise: str | int,
    namespace: dict,
    *,
    tests: str | Path | None = None,
    timeout: float = 30,
    public: bool = True,
) -> dict:
    """The grade report of the tests of ``exercise`` against the names in ``namespace``."""
    number = exercise_number(exercise)
    files = graded_tests(number, [Path(tests)] if tests else [])
    if not files:
        raise LookupError(f"exercise {number} has no graded tests (test_{number}_*.py)")
    live = _Live(namespace)
    args = [*map(str, files), *pytest_args(files[0].parent), "--test-timeout", str(timeout)]
    output = io.StringIO()
    was_grading = loader.grading()
    with _autoload_off(), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        loader.set_grading(True)  # a test that calls check() must not start another run
        try:
            pytest.main([*args, "--public"] if public else args, plugins=[live])
        finally:
            loader.set_grading(was_grading)
    if live.report is None or not live.report.get("tests"):
        raise RuntimeError(
            f"the graded tests of exercise {number} did not run:\n{output.getvalue()}"
        )
    return live.report | {"exercise": number}


def pytest_args(rootdir: Path) -> list[str]:
    """Options for a quiet, self-contained pytest run: no project config, cache or other plugins."""
    return [
        "-p",
        "k8sedu.grading.plugin",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:faulthandler",
        "-s",
        "-q",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",  # the plugin is imported before pytest runs
        "--import-mode=importlib",
        "-c",
        os.devnull,
        "--rootdir",
        str(rootdir),
    ]


@contextlib.contextmanager
def _autoload_off():
    """Only the k8sedu plugin: faster, and immune to whatever else is installed."""
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"]
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def show(report: dict) -> None:
    title = _("check.title", exercise=report["exercise"])
    text = feedback.text_table(report, title)
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if getattr(shell, "kernel", None) is None:
        print(text, end="")
        return
    from IPython.display import publish_display_data

    publish_display_data(
        {
            "text/plain": text,
            "text/html": feedback.html_table(report, title),
            CHECK_MIME: payload(report),
        }
    )


def payload(report: dict) -> dict:
    """What a saved notebook keeps of a check: enough for the instructor's progress table."""
    return {
        "exercise": report["exercise"],
        "score": report["score"],
        "max_score": report["max_score"],
        "tests": {t["key"]: t["outcome"] for t in report["tests"]},
    }


class Namespace:
    """A live notebook namespace seen as a module, with the loader's message for missing names."""

    def __init__(self, names: dict) -> None:
        self._names = names

    def __getattr__(self, name: str):
        try:
            return self._names[name]
        except KeyError:
            raise loader.MissingName(name) from None


class _Live:
    """A pytest plugin object that hands the live namespace to the graded tests."""

    def __init__(self, names: dict) -> None:
        self.names = names
        self.report: dict | None = None

    @pytest.hookimpl(tryfirst=True)  # before the k8sedu plugin looks for a submission
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[plugin.SOURCE] = self.load

    def load(self) -> loader.Loaded:
        return loader.Loaded(Namespace(self.names))

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.report = config.stash.get(plugin.REPORT, None)
