"""How simulated containers behave, and the simulated image registry they are pulled from.

A container here runs no code: what it does is decided by its image and its env, from the table
below, as functions of ``t`` = seconds since the container started. The kubelet asks those
functions when the answer matters (a probe, ``kubectl top``, a request), so a healthy pod costs
nothing while time passes.

=================  ==========================================================================
image              behaviour (env, with defaults)
=================  ==========================================================================
``k8sedu/web``     an HTTP server: answers after ``STARTUP_SECONDS`` (2) on ``$PORT`` (8080)
                   and every declared containerPort; healthy; 1m idle CPU plus
                   ``CPU_PER_REQUEST`` (5m) per request/s; ``MEMORY`` (20Mi)
``k8sedu/crash``   exits with ``EXIT_CODE`` (1) ``CRASH_AFTER`` seconds (0) after starting
``k8sedu/busy``    uses a constant ``CPU`` (500m) and ``MEMORY`` (64Mi)
``k8sedu/leak``    memory starts at ``MEMORY`` (20Mi) and grows ``LEAK_PER_SECOND`` (1Mi) until
                   the limit kills it (OOMKilled, exit 137)
``k8sedu/flaky``   a web server that is healthy for ``UNHEALTHY_AFTER`` s (60), then unhealthy
                   for ``UNHEALTHY_FOR`` s (30), over and over
``k8sedu/job``     runs ``DURATION`` seconds (10), then exits with ``EXIT_CODE`` (0)
catalogue images   ``nginx``, ``redis``, ``httpd`` …: like ``k8sedu/web`` on their declared ports
                   (80 if none), ready at once; ``busybox``/``alpine`` run ``sh``, which exits 0
                   at once with no terminal (the classic CrashLoopBackOff of a pod without a
                   command)
``sleep N``        any image whose command is ``sleep N`` (or ``sh -c "sleep N"``) sleeps N
                   seconds, exits 0, and ignores SIGTERM (it is PID 1)
=================  ==========================================================================

On SIGTERM a server exits 0 after ``SHUTDOWN_SECONDS`` (0); ``cluster.make_unhealthy(pod)``
makes any of them fail its health checks until it restarts.
Simplified: one linear memory model per container, request latency grows only with CPU
throttling, and registry sizes are round numbers close to the real compressed sizes.
"""

from __future__ import annotations

import hashlib
import shlex

from k8sedu import quantity

MiB = 1024 * 1024
BASE_LATENCY = 0.002  # seconds a request takes on an idle, unthrottled server
IDLE_CPU = 1  # millicores a server burns with no traffic

# The simulated registry: repository → {tag: compressed size in bytes}.
REGISTRY: dict[str, dict[str, int]] = {
    "docker.io/k8sedu/web": {"1.0": 12_400_000, "1.1": 12_600_000, "2.0": 13_100_000},
    "docker.io/k8sedu/crash": {"1.0": 4_200_000, "1.1": 4_200_000, "2.0": 4_300_000},
    "docker.io/k8sedu/busy": {"1.0": 4_400_000, "1.1": 4_400_000, "2.0": 4_500_000},
    "docker.io/k8sedu/leak": {"1.0": 4_600_000, "1.1": 4_600_000, "2.0": 4_700_000},
    "docker.io/k8sedu/flaky": {"1.0": 12_500_000, "1.1": 12_500_000, "2.0": 12_900_000},
    "docker.io/k8sedu/job": {"1.0": 4_300_000, "1.1": 4_300_000, "2.0": 4_300_000},
    "docker.io/library/nginx": {
        "1.25": 70_500_000,
        "1.26": 71_000_000,
        "1.27": 72_000_000,
        "1.27-alpine": 20_600_000,
        "1.28": 72_200_000,
        "alpine": 20_600_000,
    },
    "docker.io/library/busybox": {"1.36": 2_150_000, "1.37": 2_160_000},
    "docker.io/library/alpine": {"3.20": 3_600_000, "3.21": 3_650_000},
    "docker.io/library/redis": {"7.2": 41_000_000, "7.4": 45_000_000, "8.0": 52_000_000},
    "docker.io/library/httpd": {"2.4": 58_000_000},
    "docker.io/library/postgres": {"16": 150_000_000, "17": 155_000_000},
    "docker.io/library/python": {"3.12": 380_000_000, "3.12-slim": 45_000_000},
    "registry.k8s.io/pause": {"3.10": 320_000},
    "registry.k8s.io/echoserver": {"1.10": 46_000_000},
    "registry.k8s.io/e2e-test-images/agnhost": {"2.53": 52_000_000},
}
for _tags in REGISTRY.values():  # every repository has ``latest``, as its newest tag
    _tags["latest"] = _tags[list(_tags)[-1]]

SHELL_IMAGES = ("docker.io/library/busybox", "docker.io/library/alpine")


def parse_image(ref: str) -> tuple[str, str]:
    """Docker's normalization: ``nginx`` → ``("docker.io/library/nginx", "latest")``.

    >>> parse_image("k8sedu/web:1.0"), parse_image("registry.k8s.io/pause:3.10")
    (('docker.io/k8sedu/web', '1.0'), ('registry.k8s.io/pause', '3.10'))
    """
    name, _, digest = ref.partition("@")
    head, _, last = name.rpartition("/")
    repo, tag = (name, "") if ":" not in last else (name.rpartition(":")[0], last.partition(":")[2])
    first = repo.split("/", 1)[0]
    if "/" not in repo:
        repo = f"docker.io/library/{repo}"
    elif not ("." in first or ":" in first or first == "localhost"):
        repo = f"docker.io/{repo}"
    return repo, tag or ("" if digest else "latest")


def image_size(ref: str) -> int | None:
    """The image's size in the registry, or None if the name or tag does not exist."""
    repo, tag = parse_image(ref)
    return REGISTRY.get(repo, {}).get(tag)


def image_digest(ref: str) -> str:
    """A stable fake ``sha256:…`` digest for a repository and tag."""
    repo, tag = parse_image(ref)
    return "sha256:" + hashlib.sha256(f"{repo}:{tag}".encode()).hexdigest()


def http_body(pod_name: str, status: int) -> str:
    """What a simulated web server answers: its host name (the pod's name) when healthy, as
    many demo images do, else ``unhealthy`` with its HTTP 500."""
    return f"{pod_name}\n" if status == 200 else "unhealthy\n"


def pull_error(ref: str) -> str:
    """What containerd answers for a missing image (wording of containerd 2.x through the CRI)."""
    repo, tag = parse_image(ref)
    full = f"{repo}:{tag}"
    prefix = f'failed to pull and unpack image "{full}": failed to resolve reference "{full}"'
    if repo in REGISTRY:
        return f"rpc error: code = NotFound desc = {prefix}: {full}: not found"
    return (
        f"rpc error: code = Unknown desc = {prefix}: pull access denied, repository does not "
        "exist or may require authorization: server message: insufficient_scope: "
        "authorization failed"
    )


def _env(container: dict) -> dict[str, str]:
    return {e["name"]: str(e.get("value", "")) for e in container.get("env") or [] if "name" in e}


def _seconds(env: dict, name: str, default: float) -> float:
    try:
        return max(0.0, float(env.get(name, default)))
    except ValueError:
        return default


def _bytes(env: dict, name: str, default: str) -> int:
    return quantity.to_int(env.get(name) or default)


def _millis(env: dict, name: str, default: str) -> int:
    return quantity.cpu_millis(env.get(name) or default)


class Behaviour:
    """What one run of a container does. ``t`` is seconds since it started."""

    kind = "server"
    startup = 0.0  # seconds before it answers on its ports
    exits: tuple[float, int] | None = None  # (t, exit code) when it exits by itself
    shutdown: float | None = 0.0  # seconds from SIGTERM to exit 0; None = ignores SIGTERM
    memory_base = 20 * MiB
    memory_rate = 0  # bytes per second of growth
    cpu_per_request = 5  # millicores per request/s
    cpu_constant = 0  # millicores used regardless of traffic

    def __init__(self, image: str, container: dict) -> None:
        self.image = image
        env = self.env = _env(container)
        self.ports = tuple(
            sorted(
                {p["containerPort"] for p in container.get("ports") or [] if "containerPort" in p}
            )
        )
        self.shutdown = _seconds(env, "SHUTDOWN_SECONDS", 0.0)
        self.configure(env)
        if self.kind == "batch":
            self.ports = ()  # runs to completion; answers nothing

    def configure(self, env: dict) -> None:
        """Subclasses read their env here."""

    def listening(self, t: float) -> bool:
        return bool(self.ports) and t >= self.startup

    def healthy(self, t: float) -> bool:
        return True

    def next_change(self, t: float) -> float | None:
        """The first time after ``t`` when ``listening`` or ``healthy`` changes (None: never)."""
        return self.startup if self.ports and t < self.startup else None

    def memory(self, t: float) -> int:
        return int(self.memory_base + self.memory_rate * t)

    def cpu(self, t: float, rps: float) -> float:
        """Millicores it would use (before any limit throttles it)."""
        if self.cpu_constant:
            return float(self.cpu_constant)
        return IDLE_CPU + self.cpu_per_request * rps if self.ports else 0.0

    def logs(self, t: float) -> list[tuple[float, str]]:
        """Lines printed in the first ``t`` seconds, as (t, text)."""
        lines = [(0.0, f"starting {self.image}")]
        if self.ports and t >= self.startup:
            ports = ", ".join(f":{p}" for p in self.ports)
            lines.append((self.startup, f"listening on {ports}"))
        return lines


class Web(Behaviour):
    def configure(self, env: dict) -> None:
        self.ports = tuple(sorted({int(env.get("PORT", 8080)), *self.ports}))
        self.startup = _seconds(env, "STARTUP_SECONDS", 2.0)
        self.cpu_per_request = _millis(env, "CPU_PER_REQUEST", "5m")
        self.memory_base = _bytes(env, "MEMORY", "20Mi")


class Flaky(Web):
    def configure(self, env: dict) -> None:
        super().configure(env)
        self.good = _seconds(env, "UNHEALTHY_AFTER", 60.0)
        self.bad = _seconds(env, "UNHEALTHY_FOR", 30.0)

    def healthy(self, t: float) -> bool:
        return self.bad == 0 or (t % (self.good + self.bad)) < self.good

    def next_change(self, t: float) -> float | None:
        if t < self.startup:
            return self.startup
        if self.bad == 0:
            return None
        cycle = self.good + self.bad
        start = t - t % cycle
        return start + self.good if t < start + self.good else start + cycle

    def logs(self, t: float) -> list[tuple[float, str]]:
        lines = super().logs(t)
        edge = self.next_change(0.0)
        while edge is not None and edge <= t and len(lines) < 200:
            if edge > self.startup:
                state = "healthy again" if self.healthy(edge) else "unhealthy: health checks fail"
                lines.append((edge, state))
            edge = self.next_change(edge)
        return lines


class Crash(Behaviour):
    kind = "batch"

    def configure(self, env: dict) -> None:
        code = int(_seconds(env, "EXIT_CODE", 1))
        self.exits = (_seconds(env, "CRASH_AFTER", 0.0), code)

    def logs(self, t: float) -> list[tuple[float, str]]:
        at, code = self.exits
        lines = [(0.0, f"starting {self.image}")]
        if t >= at:
            lines.append((at, f"fatal: simulated crash, exiting with code {code}"))
        return lines


class Busy(Behaviour):
    def configure(self, env: dict) -> None:
        self.cpu_constant = _millis(env, "CPU", "500m")
        self.memory_base = _bytes(env, "MEMORY", "64Mi")

    def logs(self, t: float) -> list[tuple[float, str]]:
        cpu, mem = self.env.get("CPU", "500m"), self.env.get("MEMORY", "64Mi")
        return [(0.0, f"starting {self.image}: burning {cpu} CPU, holding {mem}")]


class Leak(Behaviour):
    def configure(self, env: dict) -> None:
        self.memory_base = _bytes(env, "MEMORY", "20Mi")
        self.memory_rate = _bytes(env, "LEAK_PER_SECOND", "1Mi")

    def logs(self, t: float) -> list[tuple[float, str]]:
        rate = self.env.get("LEAK_PER_SECOND", "1Mi")
        return [(0.0, f"starting {self.image}: leaking {rate} per second")]


class Job(Behaviour):
    kind = "batch"

    def configure(self, env: dict) -> None:
        self.exits = (_seconds(env, "DURATION", 10.0), int(_seconds(env, "EXIT_CODE", 0)))
        self.cpu_constant = _millis(env, "CPU", "100m")

    def logs(self, t: float) -> list[tuple[float, str]]:
        at, code = self.exits
        lines = [(0.0, f"starting {self.image}: working for {at:g}s")]
        if t >= at:
            lines.append((at, "done" if code == 0 else f"failed with exit code {code}"))
        return lines


class Catalogue(Behaviour):
    """A public image: serves on its declared ports (80 if none), ready at once."""

    def configure(self, env: dict) -> None:
        self.ports = self.ports or (80,)
        self.memory_base = 8 * MiB


class Shell(Behaviour):
    """``busybox``/``alpine`` running ``sh`` with no terminal: reads EOF and exits 0."""

    kind = "batch"
    exits = (0.0, 0)
    memory_base = 1 * MiB

    def logs(self, t: float) -> list[tuple[float, str]]:
        return []


class Sleep(Behaviour):
    """``sleep N`` as PID 1: no signal handler, so SIGTERM does nothing (killed at the grace)."""

    kind = "batch"
    memory_base = 1 * MiB

    def __init__(self, image: str, container: dict, seconds: float) -> None:
        super().__init__(image, container)
        self.exits = (seconds, 0)
        self.shutdown = None

    def logs(self, t: float) -> list[tuple[float, str]]:
        return []


BEHAVIOURS: dict[str, type[Behaviour]] = {
    "docker.io/k8sedu/web": Web,
    "docker.io/k8sedu/crash": Crash,
    "docker.io/k8sedu/busy": Busy,
    "docker.io/k8sedu/leak": Leak,
    "docker.io/k8sedu/flaky": Flaky,
    "docker.io/k8sedu/job": Job,
}


def _sleep_seconds(container: dict) -> float | None:
    argv = list(container.get("command") or []) + list(container.get("args") or [])
    if len(argv) == 3 and argv[0] in ("sh", "/bin/sh") and argv[1] == "-c":
        argv = shlex.split(argv[2])
    if len(argv) == 2 and argv[0] in ("sleep", "/bin/sleep"):
        try:
            return float(argv[1])
        except ValueError:
            return None
    return None


def behaviour(container: dict) -> Behaviour:
    """The behaviour of one run of ``container`` (a pod-spec container dict)."""
    image = container.get("image", "")
    repo, _ = parse_image(image)
    seconds = _sleep_seconds(container)
    if seconds is not None:
        return Sleep(image, container, seconds)
    if repo in BEHAVIOURS:
        return BEHAVIOURS[repo](image, container)
    if repo in SHELL_IMAGES and not (container.get("command") or container.get("args")):
        return Shell(image, container)
    return Catalogue(image, container)
