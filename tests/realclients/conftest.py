"""Helpers for the real-client tests: find real kubectl binaries, run them against a served
cluster with their own discovery cache, and compare with ``cluster.kubectl()`` on a twin.

The twin is ``Cluster.restore(cluster.snapshot())`` taken just before the real command: the
simulation is deterministic, so the same command on the twin must print the same thing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import k8sedu as k

MANIFESTS = {
    "pod.yaml": """apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  containers:
  - name: main
    image: k8sedu/web:1.0
""",
    "pod_bad.yaml": """apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containerz:
  - name: main
    image: nginx
""",
    "noimg.yaml": """apiVersion: v1
kind: Pod
metadata:
  name: noimg
spec:
  containers:
  - name: a
  - name: b
""",
    "deploy.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: web
        image: k8sedu/web:1.0
""",
}
MANIFESTS["deploy2.yaml"] = MANIFESTS["deploy.yaml"].replace("web:1.0", "web:1.1")
MANIFESTS["new.yaml"] = MANIFESTS["deploy.yaml"].replace("app", "new").replace("news/", "apps/")


def _version(binary: str) -> tuple[int, int] | None:
    """(major, minor) of a kubectl binary; the gcloud dispatcher reports the one it runs."""
    try:
        done = subprocess.run(
            [binary, "version", "--client", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        git = json.loads(done.stdout)["clientVersion"]["gitVersion"]
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
        return None
    found = re.match(r"v(\d+)\.(\d+)", git)
    return (int(found[1]), int(found[2])) if found else None


def find_kubectls() -> list[tuple[str, tuple[int, int]]]:
    """The ``kubectl`` on PATH and every ``kubectl.1.NN`` beside it, newest first."""
    on_path = shutil.which("kubectl")
    if on_path is None:
        return []
    candidates = [on_path]
    folder = Path(os.path.realpath(on_path)).parent
    candidates += sorted(str(p) for p in folder.glob("kubectl.1.*") if os.access(p, os.X_OK))
    found = [(b, v) for b in candidates if (v := _version(b)) is not None]
    return sorted(found, key=lambda bv: bv[1], reverse=True)


KUBECTLS = find_kubectls()
NO_KUBECTL = "no kubectl on PATH: the real-kubectl tests need one (apt-get install kubectl)"


class Kubectl:
    """One real kubectl binary aimed at one server, with its own cache and a UTC clock."""

    def __init__(self, binary: str, version: tuple[int, int], server, home: Path) -> None:
        self.binary = binary
        self.version = version
        self.server = server
        self.cache = home / "cache"
        self.env = {**os.environ, "KUBECONFIG": server.kubeconfig, "TZ": "UTC", "HOME": str(home)}
        self.cwd = home
        for name, text in MANIFESTS.items():
            (home / name).write_text(text)

    def argv(self, command: str) -> list[str]:
        return [self.binary, "--cache-dir", str(self.cache), *command.split()]

    def run(self, command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.argv(command),
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.cwd,
            timeout=timeout,
        )

    def start(self, command: str) -> Lines:
        child = subprocess.Popen(
            self.argv(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=self.env,
            cwd=self.cwd,
        )
        return Lines(child)


class Lines:
    """A running kubectl whose stdout lines are collected by a reader thread."""

    def __init__(self, child: subprocess.Popen) -> None:
        self.child = child
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.child.stdout:
            self.lines.append(line)

    def wait_lines(self, count: int, timeout: float = 30) -> str:
        wait_for(lambda: len(self.lines) >= count or self.child.poll() is not None, timeout)
        return "".join(self.lines)

    def stop(self) -> str:
        if self.child.poll() is None:
            self.child.terminate()
        self.child.wait(timeout=10)
        self.reader.join(timeout=10)
        return "".join(self.lines)


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def twin_of(cluster) -> k.Cluster:
    return k.Cluster.restore(cluster.snapshot())


def expected(twin, command: str) -> tuple[str, str, int]:
    """What ``cluster.kubectl`` prints for ``command`` on the twin: (stdout, stderr, exit)."""
    try:
        out = twin.kubectl(command)
    except k.KubectlError as error:
        return error.stdout, str(error), error.exit_code
    return str(out), "", 0


def older_wording(text: str, version: tuple[int, int]) -> str:
    """Lines of kubectl 1.34 that older clients word differently (observed on 1.27–1.33.1):
    ``pod "x" deleted from default namespace`` was ``pod "x" deleted``."""
    if version < (1, 34):
        text = re.sub(
            r'^(\S+ "[^"]+" (?:force )?deleted) from \S+ namespace$', r"\1", text, flags=re.M
        )
    return text


def events_without_age(text: str) -> list:
    """``describe`` output with the Events table's Age column left out: kubectl computes those
    ages from the wall clock of the machine it runs on, which is not the simulated clock."""
    head, marker, events = text.partition("\nEvents:\n")
    rows = [re.split(r"\s{2,}", line.strip()) for line in events.splitlines()]
    return [head, marker, [row[:2] + row[3:] if len(row) > 3 else row for row in rows]]


def _served():
    cluster = k.Cluster(nodes=2)
    cluster.apply(MANIFESTS["deploy.yaml"])
    cluster.run(30)
    return cluster, cluster.serve(mode="paused")


@pytest.fixture
def served_cluster():
    """A 2-worker cluster with a Deployment, served paused."""
    cluster, server = _served()
    with server:
        yield cluster, server


@pytest.fixture(scope="module")
def read_only_cluster():
    """The same, shared by the tests of a module that only read."""
    cluster, server = _served()
    with server:
        yield cluster, server


def pytest_generate_tests(metafunc):
    # the full list runs on the newest kubectl, a smoke subset on each of the others
    if "smoke_binary" in metafunc.fixturenames:
        others = KUBECTLS[1:]
        ids = [f"{os.path.basename(b)}-1.{v[1]}" for b, v in others]
        metafunc.parametrize("smoke_binary", others or [None], ids=ids or ["none"])


def _newest(server, home: Path) -> Kubectl:
    if not KUBECTLS:
        pytest.skip(NO_KUBECTL)
    binary, version = KUBECTLS[0]
    return Kubectl(binary, version, server, home)


@pytest.fixture
def kubectl(served_cluster, tmp_path):
    """The newest real kubectl, aimed at the served cluster."""
    return _newest(served_cluster[1], tmp_path)


@pytest.fixture(scope="module")
def reading_kubectl(read_only_cluster, tmp_path_factory):
    """The newest real kubectl on the shared read-only cluster (one discovery cache)."""
    return _newest(read_only_cluster[1], tmp_path_factory.mktemp("kubectl"))


@pytest.fixture
def smoke_kubectl(served_cluster, tmp_path, smoke_binary):
    if smoke_binary is None:
        pytest.skip(NO_KUBECTL if not KUBECTLS else "only one kubectl version on this machine")
    binary, version = smoke_binary
    return Kubectl(binary, version, served_cluster[1], tmp_path)


@pytest.fixture
def rc():
    """The helpers, for test modules (which cannot import this conftest)."""
    return SimpleNamespace(
        twin_of=twin_of,
        expected=expected,
        older_wording=older_wording,
        events_without_age=events_without_age,
        wait_for=wait_for,
        manifests=MANIFESTS,
    )
