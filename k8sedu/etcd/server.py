"""An etcd server process on loopback, with its own data directory: start, crash, restart, stop.

Models the single-member etcd that ``kubeadm`` runs next to kube-apiserver, launched with the
flags ``etcd`` needs to serve clients and peers on 127.0.0.1 only (REAL-CLIENTS.md §8). The
binary is ``etcd`` on PATH or ``/usr/bin/etcd`` (Debian package ``etcd-server``).

Simplified: no TLS, no cluster of several members; the peer port is bound but never used.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import weakref
from pathlib import Path

from k8sedu.etcd.gateway import Gateway

NAME = "k8sedu"
START_TIMEOUT = 20.0  # seconds; a fresh member answers /health after about 0.6-0.8 s


def find_etcd() -> str | None:
    """The etcd binary to launch, or None if it is not installed."""
    found = shutil.which("etcd")
    if found:
        return found
    return "/usr/bin/etcd" if os.access("/usr/bin/etcd", os.X_OK) else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EtcdServer:
    """One etcd process; ``launch()`` it, then ``wait_healthy()``; ``stop()`` or exit ends it."""

    def __init__(self, data_dir: str | None = None, port: int | None = None) -> None:
        binary = find_etcd()
        if binary is None:
            raise FileNotFoundError(
                "no etcd binary on PATH or at /usr/bin/etcd: install it with "
                "`apt-get install etcd-server etcd-client`"
            )
        self.binary = binary
        # a private directory for etcd's log, and for its data unless ``data_dir`` is given
        self._temp = tempfile.mkdtemp(prefix="k8sedu-etcd-")
        self.data_dir = str(data_dir or Path(self._temp) / "data")
        self.log = Path(self._temp) / "etcd.log"
        self.port = port or free_port()
        self.peer_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._running: list[subprocess.Popen] = []  # the live process, if any
        # stop the process (and remove a temporary data dir) when this object goes or Python exits
        self._finalizer = weakref.finalize(self, _shut_down, self._running, self._temp)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<EtcdServer {self.url} {state} data_dir={self.data_dir!r}>"

    @property
    def running(self) -> bool:
        return bool(self._running) and self._running[0].poll() is None

    def command(self) -> list[str]:
        peer = f"http://127.0.0.1:{self.peer_port}"
        return [
            self.binary,
            "--name", NAME,
            "--data-dir", self.data_dir,
            "--listen-client-urls", self.url,
            "--advertise-client-urls", self.url,
            "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer,
            "--initial-cluster", f"{NAME}={peer}",
        ]  # fmt: skip

    def launch(self) -> None:
        """Start the process (on the same data directory and ports as before, if restarted)."""
        if self.running or not self._finalizer.alive:
            raise RuntimeError(f"etcd at {self.url} is already running, or was stopped for good")
        with self.log.open("ab") as log:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=log)
        self._running[:] = [process]

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """Block until the member answers ``/health``; raise with its log if it exits or stalls."""
        gateway = Gateway(self.url)
        deadline = time.monotonic() + timeout
        while not gateway.healthy():
            if not self.running or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"etcd at {self.url} did not become healthy:\n{tail}")
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL, as a crash: nothing is flushed beyond what etcd already wrote."""
        for process in self._running:
            process.send_signal(signal.SIGKILL)
            process.wait()
        self._running.clear()

    def stop(self) -> None:
        """Stop the process; remove the data directory if it was a temporary one."""
        self._finalizer()


def _shut_down(running: list[subprocess.Popen], temp: str) -> None:
    for process in running:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    running.clear()
    shutil.rmtree(temp, ignore_errors=True)
