"""Liveness, readiness and startup probes: the kubelet's prober workers (``pkg/kubelet/prober``).

One worker per container and probe. It probes every ``periodSeconds`` (skipping the first
``initialDelaySeconds``), counts consecutive outcomes, and changes its result only after
``successThreshold`` successes or ``failureThreshold`` failures in a row (``worker.go``). The
result goes to the pod worker: a failed liveness or startup probe kills the container, a
readiness result flips the container's ``ready``. Until a startup probe succeeds, liveness and
readiness do not run. Every failed probe records an ``Unhealthy`` Event with the prober's text
(``prober.go``: ``"%s probe failed: %s"``).

Decision 7 of the design: a probe whose outcome is predictable costs nothing. While a container
is steadily healthy the worker does not tick; it sleeps until the first probe at or after the
instant its container's behaviour says the outcome changes (``Container.next_change``), or
until something outside (``make_unhealthy``) pokes it.
Simplified: probes tick on a grid that starts when the container starts (the real readiness
worker is also triggered when the container starts); no timeouts from slow answers.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k8sedu.kubelet.podworker import PodWorker
    from k8sedu.kubelet.runtime import Container

KINDS = ("startup", "liveness", "readiness")
TITLES = {"startup": "Startup", "liveness": "Liveness", "readiness": "Readiness"}
INITIAL_RESULT = {"startup": None, "liveness": True, "readiness": False}


def _port(container: Container, port) -> int:
    """A probe port: a number, or the name of one of the container's ports."""
    if isinstance(port, str) and not port.isdigit():
        for p in container.spec.get("ports") or []:
            if p.get("name") == port:
                return int(p["containerPort"])
        return 0
    return int(port)


def outcome(container: Container, probe: dict, now: float) -> tuple[bool, str]:
    """(success, output) of running ``probe`` against ``container`` at ``now``."""
    ip = container.ip
    if "exec" in probe:
        if container.healthy(now):
            return True, ""
        argv = (probe["exec"] or {}).get("command") or []
        if len(argv) == 2 and argv[0] == "cat":
            return False, f"cat: can't open '{argv[1]}': No such file or directory\n"
        return False, ""
    if "httpGet" in probe:
        get = probe["httpGet"]
        port = _port(container, get.get("port", 0))
        scheme = (get.get("scheme") or "HTTP").lower()
        url = f"{scheme}://{get.get('host') or ip}:{port}{get.get('path') or '/'}"
        if not container.listening(port, now):
            return False, f'Get "{url}": dial tcp {ip}:{port}: connect: connection refused'
        if not container.healthy(now):
            return False, "HTTP probe failed with statuscode: 500"
        return True, ""
    if "tcpSocket" in probe:
        port = _port(container, probe["tcpSocket"].get("port", 0))
        if not container.listening(port, now):
            return False, f"dial tcp {ip}:{port}: connect: connection refused"
        return True, ""
    if "grpc" in probe:
        port = int(probe["grpc"].get("port", 0))
        if not container.listening(port, now):
            timeout = probe.get("timeoutSeconds", 1)
            return False, (
                f'timeout: failed to connect service "{ip}:{port}" within {timeout}s: '
                "context deadline exceeded"
            )
        if not container.healthy(now):
            return False, 'service unhealthy (responded with "NOT_SERVING")'
        return True, ""
    return True, ""


class ProbeWorker:
    """Probes one container with one probe; tells the pod worker when the result changes."""

    def __init__(self, pod: PodWorker, kind: str, probe: dict, container: Container) -> None:
        self.pod = pod
        self.kind = kind
        self.probe = probe
        self.container = container
        self.period = float(probe.get("periodSeconds", 10))
        self.initial_delay = int(probe.get("initialDelaySeconds", 0))
        self.success_threshold = int(probe.get("successThreshold", 1))
        self.failure_threshold = int(probe.get("failureThreshold", 3))
        self.result: bool | None = INITIAL_RESULT[kind]
        self.last: bool | None = None
        self.run = 0
        self.on_hold = False  # after a failure that killed the container (worker.go onHold)
        self.timer = None

    def start(self) -> None:
        self._schedule_at(self.container.started)

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def poke(self) -> None:
        """Something outside changed the container: probe again at the next tick of the grid."""
        self._schedule_at(self.pod.kubelet.sim.now)

    def _schedule_at(self, when: float) -> None:
        """Schedule the first tick of the grid (``started + k·period``) at or after ``when``."""
        self.stop()
        start = self.container.started
        k = max(0, math.ceil((when - start) / self.period - 1e-9))
        self.timer = self.pod.kubelet.at(start + k * self.period, self.tick)

    def tick(self) -> None:
        self.timer = None
        kubelet = self.pod.kubelet
        now = kubelet.sim.now
        c = self.container
        if not kubelet.running or not c.running or self.on_hold:
            return
        if self.kind != "startup" and not self.pod.started(c.name):
            self._schedule_at(now + self.period)
            return
        if int(now - c.started) < self.initial_delay:
            self._schedule_at(now + self.period)
            return
        ok, output = outcome(c, self.probe, now)
        self.run = self.run + 1 if ok == self.last else 1
        self.last = ok
        if not ok:
            self.pod.probe_failed(c, f"{TITLES[self.kind]} probe failed: {output}")
        threshold = self.success_threshold if ok else self.failure_threshold
        if self.run >= threshold and self.result is not ok:
            self.result = ok
            if not ok and self.kind in ("liveness", "startup"):
                self.on_hold = True
                self.run = 0
            self.pod.probe_result(self, c, ok)
            if not (kubelet.running and c.running) or self.on_hold:
                return
        if ok and self.result is True:
            if self.kind == "startup":
                return  # a startup probe that succeeded is done for this container
            # steady success: nothing to do until the container's behaviour changes
            change = c.next_change(now)
            if change is not None:
                self._schedule_at(max(change, now + self.period))
            return
        self._schedule_at(now + self.period)
