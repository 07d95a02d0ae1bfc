"""The container runtime of one node (containerd, as the kubelet sees it through the CRI).

A ``Container`` is one run of a container: it starts, its behaviour (``k8sedu.workloads``) says
what it does as time passes, and it ends with an exit code. ``Images`` is the node's image store
and its puller: pulls are serialized (``serializeImagePulls: true``, the default), take time
by size, and fail for a name or tag the simulated registry does not have.

The data plane reaches a container here: ``Kubelet.lookup(ip, port)`` finds the container
listening there and ``Container.serve(port, now)`` answers one request (a ``Reply``).
Simplified: no sandbox (pause) container is modelled; the pod IP belongs to the pod directly.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from k8sedu import quantity, workloads

PULL_BANDWIDTH = 34_000_000  # bytes per second from the registry
PULL_LATENCY = 0.0  # seconds added to every pull (resolving the reference, unpacking)
PULL_FAILURE_TIME = 0.5  # seconds until the registry says "not found"
SIGKILL = 137  # 128 + 9
UNKNOWN_EXIT = 255  # what a container that died with its node reports after the reboot


class Reply(NamedTuple):
    """One answer to one request: HTTP status (None if the connection failed), latency in
    seconds, and the failure reason (``connection refused``) or None."""

    status: int | None
    latency: float
    error: str | None


class Container:
    """One run of a container: from start to exit. Times are simulated seconds."""

    def __init__(
        self, cid: str, pod_uid: str, spec: dict, started: float, attempt: int, ip: str
    ) -> None:
        self.id = cid
        self.pod_uid = pod_uid
        self.name = spec["name"]
        self.spec = spec
        self.ip = ip
        self.attempt = attempt
        self.behaviour = workloads.behaviour(spec)
        self.started = started
        self.finished: float | None = None
        self.exit_code: int | None = None
        self.reason = ""
        self.unhealthy_since: float | None = None  # cluster.make_unhealthy
        self.sigterm_at: float | None = None
        self.rps = 0.0  # requests per second the traffic model sends here
        limits = (spec.get("resources") or {}).get("limits") or {}
        self.cpu_limit = quantity.cpu_millis(limits["cpu"]) if "cpu" in limits else None
        self.memory_limit = quantity.to_int(limits["memory"]) if "memory" in limits else None

    def __repr__(self) -> str:
        state = "running" if self.running else f"exited {self.exit_code}"
        return f"<Container {self.name} {self.id[:12]} {state}>"

    @property
    def running(self) -> bool:
        return self.finished is None

    def age(self, now: float) -> float:
        return now - self.started

    # -- what it does ---------------------------------------------------------------------------

    def listening(self, port: int, now: float) -> bool:
        return (
            self.running
            and port in self.behaviour.ports
            and self.behaviour.listening(self.age(now))
        )

    def healthy(self, now: float) -> bool:
        if self.unhealthy_since is not None and now >= self.unhealthy_since:
            return False
        return self.behaviour.healthy(self.age(now))

    def next_change(self, now: float) -> float | None:
        """The next absolute time its health or listening changes by itself (None: never)."""
        if not self.running or self.unhealthy_since is not None:
            return None
        t = self.behaviour.next_change(self.age(now))
        return None if t is None else self.started + t

    def exit_plan(self) -> tuple[float, int, str] | None:
        """When it will end by itself: (time, exit code, reason), the earliest of its own exit and
        the moment its memory reaches the limit."""
        plans = []
        if self.behaviour.exits is not None:
            at, code = self.behaviour.exits
            plans.append((self.started + at, code, "Completed" if code == 0 else "Error"))
        b = self.behaviour
        if self.memory_limit is not None:
            if b.memory_base >= self.memory_limit:
                plans.append((self.started, SIGKILL, "OOMKilled"))
            elif b.memory_rate > 0:
                at = self.started + (self.memory_limit - b.memory_base) / b.memory_rate
                plans.append((at, SIGKILL, "OOMKilled"))
        return min(plans) if plans else None

    def memory(self, now: float) -> int:
        used = self.behaviour.memory(self.age(now))
        return min(used, self.memory_limit) if self.memory_limit else used

    def cpu_demand(self, now: float) -> float:
        return self.behaviour.cpu(self.age(now), self.rps)

    def cpu(self, now: float) -> float:
        """Millicores used: the demand, pinned at the limit when CFS throttles it."""
        if not self.running:
            return 0.0
        demand = self.cpu_demand(now)
        return min(demand, self.cpu_limit) if self.cpu_limit is not None else demand

    def serve(self, port: int, now: float) -> Reply:
        """One request to ``port``: refused unless listening, 500 when unhealthy, else 200; slower
        by demand/limit when throttled."""
        if not self.listening(port, now):
            return Reply(None, 0.0, "connection refused")
        latency = self.latency_at(self.cpu_demand(now))
        return Reply(200 if self.healthy(now) else 500, latency, None)

    def latency_at(self, demand: float) -> float:
        """A request's latency when the container demands ``demand`` millicores: slower by
        demand/limit when CFS throttles it."""
        base = workloads.BASE_LATENCY
        if self.cpu_limit and demand > self.cpu_limit:
            return base * demand / self.cpu_limit
        return base

    def latencies(self, now: float) -> list[tuple[float, float]]:
        """A request's latency by the second it arrives in, as ``(probability, latency)``.

        Requests arrive at random: with ``rps`` expected, a second brings a Poisson number of
        them, and one request finds the CPU as that second's others (and itself) make it -
        throttled, and slower, in the busy seconds when the demand passes the limit."""
        if not self.cpu_limit:
            return [(1.0, workloads.BASE_LATENCY)]
        rate, age = self.rps, self.age(now)
        spread: dict[float, float] = {}
        width = 8 * math.sqrt(rate) + 8  # beyond 8 standard deviations: nothing to see
        for others in range(max(0, math.floor(rate - width)), math.ceil(rate + width) + 1):
            p = math.exp(others * math.log(rate) - rate - math.lgamma(others + 1)) if rate else 1.0
            latency = self.latency_at(self.behaviour.cpu(age, others + 1))
            spread[latency] = spread.get(latency, 0.0) + p
            if not rate:
                break
        total = sum(spread.values())
        return [(p / total, latency) for latency, p in spread.items()]

    def logs(self, now: float) -> list[tuple[float, str]]:
        """Its output so far as (absolute time, line)."""
        end = (self.finished if self.finished is not None else now) - self.started
        lines = [(self.started + t, text) for t, text in self.behaviour.logs(end) if t <= end]
        if self.unhealthy_since is not None and self.unhealthy_since <= self.started + end:
            lines.append((self.unhealthy_since, "health checks now fail (injected fault)"))
        if self.sigterm_at is not None and self.behaviour.shutdown is not None:
            lines.append((self.sigterm_at, "received SIGTERM, shutting down"))
        if self.reason == "OOMKilled":
            lines.append((self.finished, f"allocated {self.memory(self.finished)} bytes"))
        return sorted(lines, key=lambda line: line[0])


class Images:
    """The node's images (repository:tag → size) and its serial puller."""

    def __init__(self) -> None:
        self.present: dict[str, int] = {}
        self.busy_until = 0.0  # when the puller is free again

    def has(self, ref: str) -> bool:
        return _full(ref) in self.present

    def plan_pull(self, ref: str, now: float) -> tuple[float, float, bool]:
        """Queue a pull: returns (when it ends, seconds of actual pulling, succeeded)."""
        size = workloads.image_size(ref)
        start = max(now, self.busy_until)
        took = PULL_FAILURE_TIME if size is None else PULL_LATENCY + size / PULL_BANDWIDTH
        self.busy_until = start + took
        return start + took, took, size is not None

    def add(self, ref: str) -> None:
        self.present[_full(ref)] = workloads.image_size(ref) or 0

    def node_images(self) -> list[dict]:
        """``status.images`` of the Node: names and sizes, largest first (as the kubelet lists)."""
        by_size = sorted(self.present.items(), key=lambda kv: (-kv[1], kv[0]))
        images = []
        for name, size in by_size:
            repo = name.rpartition(":")[0]
            digest = workloads.image_digest(name)
            images.append({"names": [f"{repo}@{digest}", name], "sizeBytes": size})
        return images


def _full(ref: str) -> str:
    repo, tag = workloads.parse_image(ref)
    return f"{repo}:{tag}"


def full_image(ref: str) -> str:
    """``nginx`` → ``docker.io/library/nginx:latest`` (containerStatuses[].image)."""
    return _full(ref)


def image_id(ref: str) -> str:
    """``docker.io/library/nginx@sha256:…`` (containerStatuses[].imageID)."""
    repo, _ = workloads.parse_image(ref)
    return f"{repo}@{workloads.image_digest(ref)}"
