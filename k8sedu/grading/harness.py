"""The grading process: one submission, inside the sandbox that ``sandbox.py`` starts.

    python -I -B -c <bootstrap> --channel FD --limits JSON --cells FILE TEST.py ...
    python -I -B -c <bootstrap> --channel FD --limits JSON --collect TEST.py ...

First it lowers its own resource limits (memory, CPU time, processes, open files, file size).
Then it forks once: the parent only waits and exits the way its child did, so the learner's code
never runs in the grader's direct child, and a notebook that kills its parent kills this waiter
(the grader reports a crash) rather than the grader. The child runs pytest with the k8sedu plugin
and writes JSON lines to the channel, the one pipe the grader reads results from: each cell and
test as it starts (so a timeout can say where), then the report.

The grader ignores everything else a submission writes (stdout, files). Before the notebook runs,
the module attributes of pytest, pluggy and k8sedu.grading are fingerprinted; a submission that
replaces one of them is reported instead of being believed. This stops casual tampering only:
code in the same process can always forge its own result, so hostile classes need containers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys

import pytest

_WATCHED = ("builtins", "json", "pytest", "_pytest", "pluggy", "k8sedu.grading")
_LIMITS = {
    "memory": resource.RLIMIT_AS,
    "cpu": resource.RLIMIT_CPU,
    "processes": resource.RLIMIT_NPROC,
    "open_files": resource.RLIMIT_NOFILE,
    "file_size": resource.RLIMIT_FSIZE,
    "core": resource.RLIMIT_CORE,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="k8sedu-harness")
    parser.add_argument("--channel", type=int, required=True)
    parser.add_argument("--limits", type=json.loads, default={})
    parser.add_argument("--cells")
    parser.add_argument("--collect", action="store_true")
    parser.add_argument("--test-timeout", type=float)
    parser.add_argument("tests", nargs="+")
    args = parser.parse_args(argv)
    apply_limits(args.limits)
    if not args.collect:
        _fork_waiter(args.channel)
    channel = Channel(args.channel)
    from k8sedu.grading.check import pytest_args

    options = [*args.tests, *pytest_args(os.getcwd())]
    if args.collect:
        return pytest.main([*options, "--collect-only"], plugins=[Collect(channel)])
    if args.test_timeout:
        options += ["--test-timeout", str(args.test_timeout)]
    with open(args.cells, encoding="utf-8") as f:
        cells = json.load(f)
    return pytest.main(options, plugins=[Grade(cells, channel)])


def apply_limits(limits: dict[str, int]) -> None:
    for name, value in limits.items():
        soft, hard = resource.getrlimit(_LIMITS[name])
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        # CPU time gets a second of grace between SIGXCPU and SIGKILL.
        ceiling = value + 1 if name == "cpu" and hard == resource.RLIM_INFINITY else value
        resource.setrlimit(_LIMITS[name], (value, ceiling))


def _fork_waiter(channel: int) -> None:
    try:
        child = os.fork()
    except OSError:  # the user's process limit is reached (by other jobs): grade without it
        return
    if child == 0:
        return
    os.close(channel)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # die of the same signal, so the grader sees what happened to the child
        if -code not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code)


class Channel:
    def __init__(self, fd: int) -> None:
        self.file = os.fdopen(fd, "w", encoding="utf-8")

    def send(self, event: str, **fields) -> None:
        self.file.write(json.dumps({"event": event, **fields}) + "\n")
        self.file.flush()


class Collect:
    """Reports the tests and their points, without any submission: the grader's source of truth."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def pytest_collection_finish(self, session) -> None:
        from k8sedu.grading.plugin import describe

        self.channel.send("collected", tests=[describe(item) for item in session.items])


class Grade:
    def __init__(self, cells: list[dict], channel: Channel) -> None:
        from k8sedu.grading import loader

        self.loader = loader
        self.cells = [loader.Cell(c["number"], c["source"]) for c in cells]
        self.channel = channel
        self.baseline: dict[str, int] = {}
        self.tampered: list[str] = []

    @pytest.hookimpl(tryfirst=True)  # before the k8sedu plugin looks for a submission
    def pytest_configure(self, config) -> None:
        from k8sedu.grading import plugin

        config.stash[plugin.SOURCE] = self.load
        self.loader.neutralise_display()

    def pytest_collection_finish(self, session) -> None:
        self.baseline = fingerprint()

    def load(self):
        self.channel.send("loading")
        before = fingerprint()  # inside a test's setup, where pytest's own state differs
        loaded = self.loader.load(self.cells, on_cell=self.on_cell)
        self.channel.send("loaded")
        self.tampered = changed(before, fingerprint())
        return loaded

    def on_cell(self, cell) -> None:
        self.channel.send("cell", cell=cell.number, first_line=cell.first_line)

    def pytest_runtest_setup(self, item) -> None:
        from k8sedu.grading.plugin import test_key

        self.channel.send("test", key=test_key(item))

    def pytest_sessionfinish(self, session) -> None:
        from k8sedu.grading.plugin import REPORT

        self.tampered = self.tampered or changed(self.baseline, fingerprint())
        report = session.config.stash.get(REPORT, None)
        self.channel.send("done", report=report, tampered=self.tampered[:5])


def fingerprint() -> dict[str, int]:
    """The identity of every attribute of the grading machinery's modules and their classes."""
    prints = {}
    for name, module in list(sys.modules.items()):
        if module is None or not any(name == w or name.startswith(w + ".") for w in _WATCHED):
            continue
        for attr, value in list(vars(module).items()):
            prints[f"{name}.{attr}"] = id(value)
            if isinstance(value, type) and value.__module__ == name:
                for key, member in list(vars(value).items()):
                    prints[f"{name}.{attr}.{key}"] = id(member)
    return prints


def changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(k for k, v in before.items() if after.get(k) != v)


if __name__ == "__main__":
    sys.exit(main())
