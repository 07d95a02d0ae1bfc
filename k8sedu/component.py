"""The process model: a component is something you can start and stop.

A component (kube-apiserver, kube-scheduler, a kubelet …) owns the timers and watches it creates;
``stop()`` cancels them all and drops the component's memory, so a restart starts from nothing and
re-lists, exactly like a restarted process. Components never call each other: each talks only to
the API server through its own client (DESIGN "Hub and spoke").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8sedu.sim import Timer

if TYPE_CHECKING:
    from k8sedu.cluster import Cluster


class Component:
    """Base class: ``start()``/``stop()``, and timers and watches that die with the process."""

    name = "component"
    user = ""  # the identity its API client uses, e.g. "system:kube-scheduler"

    def __init__(self, cluster: Cluster, name: str | None = None) -> None:
        self.cluster = cluster
        self.sim = cluster.sim
        if name is not None:
            self.name = name
        self.running = False
        self._timers: list[Timer] = []
        self._watches: list[Any] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        self.cluster.trace.record(self.sim.now, self.name, "start", "process", self.name)
        self.on_start()

    def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        for timer in self._timers:
            timer.cancel()
        for handle in self._watches:
            handle.stop()
        self._timers.clear()
        self._watches.clear()
        self.cluster.trace.record(self.sim.now, self.name, "stop", "process", self.name)
        self.on_stop()

    def on_start(self) -> None:
        """Subclasses: begin work (list, watch, start timers)."""

    def on_stop(self) -> None:
        """Subclasses: drop in-memory state (a restarted process remembers nothing)."""

    # -- owned timers and watches ----------------------------------------------------------

    def schedule(self, delay: float, callback: Callable, *args: Any) -> Timer:
        return self._own(self.sim.schedule(delay, callback, *args))

    def every(
        self, interval: float, callback: Callable, *args: Any, first: float | None = None
    ) -> Timer:
        return self._own(self.sim.every(interval, callback, *args, first=first))

    def own_watch(self, handle: Any) -> Any:
        """Register a watch handle so that ``stop()`` ends it."""
        self._watches.append(handle)
        return handle

    def _own(self, timer: Timer) -> Timer:
        timers = self._timers
        timers.append(timer)
        if len(timers) > 64 and len(timers) % 64 == 0:
            # fired one-shot timers are marked cancelled by the kernel: forget them
            self._timers = [t for t in timers if not t.cancelled]
        return timer

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {'running' if self.running else 'stopped'}>"
