"""Serving a simulated cluster over HTTP, so that real ``kubectl`` and client libraries can use it.

``cluster.serve()`` (or ``k8sedu serve`` in a shell) starts kube-apiserver's REST API on
``127.0.0.1`` (``k8sedu/apiserver/http.py``) and writes a kubeconfig for it. This module is the
only place with threads, and they stay outside the simulation: one thread accepts connections
(plus one per connection), one moves the clock. Every request, every clock step and, while the
server runs, every call of the cluster's Python methods (``run``, ``kubectl``, ``apply``, the
``api`` verbs …) holds one lock, so the simulation still runs one thing at a time.

Two modes. ``realtime``: simulated time follows the wall clock (× ``speed``), so
``kubectl get pods -w`` and ``kubectl rollout status`` behave live; a notebook's ``run(60)``
still jumps ahead, and the clock carries on from there. ``paused``: the clock moves only when
Python code runs the cluster, but the work due at the current instant is done after each
request (controllers react to a ``kubectl create`` at once, watches get their events).
Simplified: plain HTTP; off loopback (``address=``), every request needs the bearer token
written into the kubeconfig.
"""

from __future__ import annotations

import ipaddress
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path

import yaml

from k8sedu.apiserver.http import HTTPServer
from k8sedu.kubectl.commands._common import CONTEXT, current_namespace

MODES = ("realtime", "paused")
TICK = 0.02  # wall seconds between clock steps in realtime mode
MAX_LAG = 2.0  # wall seconds of simulation a step may owe before the clock gives up catching up
MAX_WATCHES = 100  # concurrent watch and log-follow streams
# the cluster methods that take the lock while serving; snapshot/save also put the plain
# methods back for the moment they pickle the cluster
LOCKED = (
    "run",
    "run_until",
    "kubectl",
    "apply",
    "request",
    "add_node",
    "remove_node",
    "fail_node",
    "recover_node",
    "stop",
    "start",
    "make_unhealthy",
    "kill_container",
    "add_node_group",
)
PICKLING = ("snapshot", "save")


class Server:
    """A running API server for ``cluster``: ``url``, ``kubeconfig`` (a path), ``stop()``.

    Also a context manager::

        with cluster.serve(mode="paused") as server:
            subprocess.run(["kubectl", "--kubeconfig", server.kubeconfig, "get", "pods"])
    """

    def __init__(
        self,
        cluster,
        port: int = 0,
        mode: str = "realtime",
        speed: float = 1.0,
        *,
        address: str = "127.0.0.1",
        token: str | None = None,
        kubeconfig: str | Path | None = None,
        max_watches: int = MAX_WATCHES,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed!r}")
        if token is None and not _loopback(address):
            token = secrets.token_urlsafe(32)  # never an open door off this machine
        self.cluster = cluster
        self.port = port
        self.mode = mode
        self.speed = speed
        self.address = address
        self.token = token
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.watch_slots = threading.BoundedSemaphore(max_watches)
        self.url = ""
        self.kubeconfig = str(kubeconfig) if kubeconfig else ""
        self._own_dir: str | None = None
        self._httpd: HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._anchor = (0.0, 0.0)  # (simulated seconds, wall monotonic seconds) in step
        self._plain_api = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Server:
        self._httpd = HTTPServer((self.address, self.port), self)
        host, port = self._httpd.server_address[:2]
        self.port = port
        self.url = f"http://{host}:{port}"
        self._write_kubeconfig()
        self._lock_cluster()
        self._anchor = (self.cluster.now, time.monotonic())
        self._threads = [
            threading.Thread(target=self._httpd.serve_forever, name="k8sedu-http", daemon=True),
            threading.Thread(target=self._drive, name="k8sedu-clock", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Close every connection and stream, stop the clock, give the cluster its methods back."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._unlock_cluster()
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self.stopping.is_set() else self.mode
        speed = f" ×{self.speed:g}" if self.mode == "realtime" else ""
        return f"<Server {self.url} {state}{speed}>"

    # -- time -------------------------------------------------------------------------------------

    def pause(self) -> None:
        """Stop the clock; only Python calls such as ``cluster.run(10)`` move it."""
        with self.lock:
            self.mode = "paused"

    def resume(self, speed: float | None = None) -> None:
        """Let simulated time follow the wall clock again (from where it is now)."""
        with self.lock:
            self.speed = speed or self.speed
            self.mode = "realtime"
            self._anchor = (self.cluster.now, time.monotonic())

    def settle(self) -> None:
        """Do the work due at the current instant (called under the lock after each request)."""
        self.cluster.sim.run(0)

    def _drive(self) -> None:
        while not self.stopping.wait(TICK):
            with self.lock:
                if self.mode == "realtime":
                    self._step()

    def _step(self) -> None:
        wall = time.monotonic()
        sim_anchor, wall_anchor = self._anchor
        behind = sim_anchor + (wall - wall_anchor) * self.speed - self.cluster.now
        if behind <= 0 or behind > MAX_LAG * self.speed:
            # the notebook ran the cluster ahead, or the simulation cannot keep up: carry on
            # from here rather than owe the difference
            self._anchor = (self.cluster.now, wall)
            return
        self.cluster.sim.run(behind)

    # -- the kubeconfig -----------------------------------------------------------------------------

    def _write_kubeconfig(self) -> None:
        if not self.kubeconfig:
            self._own_dir = tempfile.mkdtemp(prefix="k8sedu-serve-")
            self.kubeconfig = str(Path(self._own_dir) / "kubeconfig")
        user = {"token": self.token} if self.token else {}
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": CONTEXT, "cluster": {"server": self.url}}],
            "users": [{"name": CONTEXT, "user": user}],
            "contexts": [
                {
                    "name": CONTEXT,
                    "context": {
                        "cluster": CONTEXT,
                        "user": CONTEXT,
                        "namespace": current_namespace(self.cluster),
                    },
                }
            ],
            "current-context": CONTEXT,
            "preferences": {},
        }
        path = Path(self.kubeconfig)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        path.chmod(0o600)

    # -- the same lock for Python calls ---------------------------------------------------------

    def _lock_cluster(self) -> None:
        """Shadow the cluster's methods on the instance with ones that hold the lock."""
        cluster = self.cluster
        for name in LOCKED:
            setattr(cluster, name, _Locked(self, getattr(cluster, name)))
        for name in PICKLING:
            setattr(cluster, name, _Locked(self, getattr(cluster, name), plain=True))
        self._plain_api = cluster.api
        cluster.api = _LockedClient(self, cluster.api)

    def _unlock_cluster(self) -> None:
        cluster = self.cluster
        with self.lock:
            for name in LOCKED + PICKLING:
                cluster.__dict__.pop(name, None)
            if self._plain_api is not None:
                cluster.api = self._plain_api


class _Locked:
    """A cluster method that holds the serving lock while it runs."""

    def __init__(self, server: Server, method, plain: bool = False) -> None:
        self.server = server
        self.method = method
        self.plain = plain  # pickles the cluster: take the wrappers off meanwhile

    def __call__(self, *args, **kwargs):
        with self.server.lock:
            if not self.plain:
                return self.method(*args, **kwargs)
            self.server._unlock_cluster()
            try:
                return self.method(*args, **kwargs)
            finally:
                if not self.server.stopping.is_set():
                    self.server._lock_cluster()

    def __repr__(self) -> str:
        return f"<locked {self.method!r}>"


class _LockedClient:
    """``cluster.api`` while serving: every verb holds the lock."""

    def __init__(self, server: Server, client) -> None:
        self._server = server
        self._client = client

    def __getattr__(self, name: str):
        value = getattr(self._client, name)
        return _Locked(self._server, value) if callable(value) else value

    def __repr__(self) -> str:
        return repr(self._client)


def _loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def main(args) -> int:
    """``k8sedu serve``: a fresh cluster whose t = 0 is now (DESIGN decision 20), served until
    Ctrl-C."""
    from datetime import UTC, datetime

    from k8sedu.cluster import Cluster

    epoch = datetime.now(UTC).replace(microsecond=0)
    cluster = Cluster(nodes=args.nodes, seed=args.seed, epoch=epoch)
    server = cluster.serve(
        args.port, args.mode, args.speed, address=args.address, kubeconfig=args.kubeconfig
    )
    speed = f" at ×{server.speed:g}" if server.mode == "realtime" else " (paused)"
    print(f"k8sedu: a simulated cluster with {args.nodes} workers serves {server.url}{speed}")
    if server.token:
        print("k8sedu: requests need the bearer token written in the kubeconfig")
    print(f"export KUBECONFIG={server.kubeconfig}", flush=True)
    try:
        server.stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
