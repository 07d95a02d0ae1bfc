"""Running untrusted submissions: one process group each, with limits, several at a time.

What a job gets (the guarantees ``docs/grading.md`` states):

- its own session and process group; when the job ends, times out or crashes, the whole group
  is killed with SIGKILL, so forked children do not outlive it;
- resource limits set before any learner code runs: address space (``--memory``), CPU time,
  processes, open files, file size, no core dumps;
- when the grader runs as root, an unprivileged user (``nobody``): process limits do not bind
  root, and nobody cannot write the submissions, the tests or the gradebook;
- a fresh temporary working directory, an environment with nothing of the grader's, stdin closed;
- its output captured and truncated (the first 32 KiB and the last 8 KiB are kept);
- results read only from a private pipe (the channel), never from files or stdout.

Simplified: jobs graded at the same time share the sandbox user, so a hostile submission could
signal or read its neighbours; a process that leaves its process group (``setsid``) is not
tracked. A container per submission closes both gaps.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import k8sedu

HEAD, TAIL = 32 * 1024, 8 * 1024
CHANNEL_MAX = 16 * 1024 * 1024
STARTUP = 60.0  # seconds for the interpreter and pytest to start, before the learner's clock runs
DRAIN = 1.0  # seconds to collect the last output once the job's process has ended


@dataclass(frozen=True)
class Limits:
    memory: int = 1 << 30  # bytes of address space
    cpu: int | None = None  # seconds of CPU time; None: the task's timeout + 30 s
    processes: int = 32  # processes the submission may start (on top of those running now)
    open_files: int = 256
    file_size: int = 64 << 20  # bytes
    user: str | None = "nobody"  # run as this user when the grader is root


@dataclass
class Task:
    """One run of the harness: its arguments, the files it needs and how long it may take."""

    name: str
    args: list[str]
    files: dict[str, bytes] = field(default_factory=dict)  # written beside the working dir
    timeout: float = 60.0


@dataclass
class Outcome:
    exit_code: int  # negative: killed by that signal
    timed_out: bool
    seconds: float
    events: list[dict]
    output: str
    output_bytes: int
    flooded: bool = False

    def last(self, event: str) -> dict | None:
        return next((e for e in reversed(self.events) if e.get("event") == event), None)


def run_all(
    tasks: list[Task], limits: Limits, jobs: int, on_done: Callable[[Task, Outcome], None]
) -> None:
    """Run the tasks, ``jobs`` at a time, calling ``on_done`` as each one ends."""
    pending, running = deque(tasks), []
    selector = selectors.DefaultSelector()
    nproc = _process_limit(limits, jobs)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                job = Job(pending.popleft(), limits, nproc)
                for fd in job.fds:
                    selector.register(fd, selectors.EVENT_READ, job)
                running.append(job)
            for key, _ in selector.select(timeout=0.05):
                if not key.data.read(key.fd):
                    selector.unregister(key.fd)
            now = time.monotonic()
            for job in [j for j in running if j.tick(now)]:
                for fd in job.open_fds():
                    selector.unregister(fd)
                running.remove(job)
                on_done(job.task, job.finish())
    finally:
        for job in running:
            job.kill()
            job.finish()
        selector.close()


class Job:
    def __init__(self, task: Task, limits: Limits, nproc: int) -> None:
        self.task = task
        self.base = Path(tempfile.mkdtemp(prefix=f"k8sedu-{_safe(task.name)}-"))
        user = _sandbox_user(limits)
        workdir = self._prepare(user)
        read_end, write_end = os.pipe()
        output_read, output_write = os.pipe()
        limit_args = {
            "memory": limits.memory,
            "cpu": cpu_limit(limits, task.timeout),
            "processes": nproc,
            "open_files": limits.open_files,
            "file_size": limits.file_size,
            "core": 0,
        }
        argv = [*interpreter(user), "--channel", str(write_end)]
        argv += ["--limits", json.dumps(limit_args)]
        argv += task.args  # paths in them are relative to the working dir: ../cells.json
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            argv,
            cwd=workdir,
            env=_environment(workdir),
            stdin=subprocess.DEVNULL,
            stdout=output_write,
            stderr=output_write,
            pass_fds=(write_end,),
            start_new_session=True,  # its own session and process group, killed as one
            umask=0o077,
            user=user[0] if user else None,
            group=user[1] if user else None,
            extra_groups=[] if user else None,
        )
        os.close(write_end)
        os.close(output_write)
        self.channel_fd, self.output_fd = read_end, output_read
        self.fds = [self.channel_fd, self.output_fd]
        self.eof: set[int] = set()
        self.channel, self.head, self.tail = bytearray(), bytearray(), bytearray()
        self.output_bytes, self.flooded = 0, False
        self.deadline = self.started + STARTUP + task.timeout
        self.clock_started = False
        self.exit_code: int | None = None
        self.timed_out = False
        self.drain_until = 0.0

    def _prepare(self, user: tuple[int, int] | None) -> Path:
        for name, data in self.task.files.items():
            path = self.base / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            path.chmod(0o644)
        workdir = self.base / "work"
        workdir.mkdir()
        if user:  # the sandbox user reads the task's files and writes only its working dir
            for path in [self.base, *self.base.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
            os.chown(workdir, *user)
        return workdir

    def read(self, fd: int) -> bool:
        """Read what is ready on one pipe; False at end of file."""
        data = os.read(fd, 1 << 16)
        if not data:
            self.eof.add(fd)
            return False
        if fd == self.output_fd:
            self.output_bytes += len(data)
            if len(self.head) < HEAD:
                self.head += data[: HEAD - len(self.head)]
            self.tail = (self.tail + data)[-TAIL:]
        elif len(self.channel) + len(data) <= CHANNEL_MAX:
            self.channel += data
            recent = self.channel[-len(data) - 32 :]
            if not self.clock_started and b'"event": "loading"' in recent:
                self.clock_started = True  # the learner's code starts: the time limit runs
                self.deadline = time.monotonic() + self.task.timeout
        else:
            self.flooded = True
        return True

    def open_fds(self) -> list[int]:
        return [fd for fd in self.fds if fd not in self.eof]

    def tick(self, now: float) -> bool:
        """Enforce the deadline and notice the end; True once the job is completely over."""
        if self.exit_code is None:
            if now > self.deadline:
                self.timed_out = True
                self.kill()
            if _exited(self.proc.pid):
                self.kill()  # stragglers: children the submission forked
                self.exit_code = self.proc.wait()
                self.drain_until = now + DRAIN
            return False
        return not self.open_fds() or now > self.drain_until

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass

    def finish(self) -> Outcome:
        if self.exit_code is None:
            self.exit_code = self.proc.wait()
        for fd in self.fds:
            os.close(fd)
        shutil.rmtree(self.base, ignore_errors=True)
        events = []
        for line in bytes(self.channel).splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
        return Outcome(
            exit_code=self.exit_code,
            timed_out=self.timed_out,
            seconds=round(time.monotonic() - self.started, 2),
            events=[e for e in events if isinstance(e, dict)],
            output=_output_text(self.head, self.tail, self.output_bytes),
            output_bytes=self.output_bytes,
            flooded=self.flooded,
        )


def cpu_limit(limits: Limits, timeout: float) -> int:
    return limits.cpu or int(timeout) + 30


class SandboxError(Exception):
    """The sandbox cannot start (for example, its user cannot run Python)."""


_BOOT = (
    "import site, sys; [site.addsitedir(d) for d in {sites!r}]; sys.path.insert(0, {path!r}); "
    "from k8sedu.grading.harness import main; sys.exit(main(sys.argv[1:]))"
)


@functools.cache
def interpreter(user: tuple[int, int] | None) -> tuple[str, ...]:
    """The command that starts the harness as ``user``: this Python if it can run it.

    A Python installed under a private home (pyenv in /root, as on many CI images) cannot be
    run by nobody; then a system Python of the same version runs instead, on this one's
    site-packages (compiled extensions share the ABI within a minor version).
    """
    package = str(Path(k8sedu.__file__).resolve().parent.parent)
    # The grader's own package folders, however they were added (venv, --user, .pth files).
    sites = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    own = (sys.executable, "-I", "-B", "-c", _BOOT.format(sites=sites, path=package))
    if user is None:
        return own
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    others = [
        (str(p), "-I", "-S", "-B", "-c", _BOOT.format(sites=sites, path=package))
        for p in (Path(d) / version for d in ("/usr/bin", "/usr/local/bin", "/bin"))
        if p.exists() and p.resolve() != Path(sys.executable).resolve()
    ]
    for command in [own, *others]:
        if _runs(command, user):
            return command
    raise SandboxError(
        f"the sandbox user (uid {user[0]}) cannot run {sys.executable} with k8sedu: make the "
        "Python installation and k8sedu readable by it, or install a system Python "
        f"{version}, or run the grader as a normal user"
    )


def _runs(command: tuple[str, ...], user: tuple[int, int]) -> bool:
    probe = [*command[:-1], command[-1].split("from k8sedu")[0] + "import k8sedu.grading.harness"]
    try:
        done = subprocess.run(
            probe,
            cwd="/",
            env={"PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            user=user[0],
            group=user[1],
            extra_groups=[],
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _exited(pid: int) -> bool:
    """Whether the process has ended, without reaping it: its pid stays its group's id meanwhile."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _sandbox_user(limits: Limits) -> tuple[int, int] | None:
    if os.geteuid() != 0 or not limits.user:
        return None
    try:
        entry = pwd.getpwnam(limits.user)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        if limits.user == "nobody":
            return 65534, 65534  # nobody's ids on Debian, Ubuntu, Alpine and Fedora
        raise


def _process_limit(limits: Limits, jobs: int) -> int:
    """RLIMIT_NPROC counts every task of the user, so add what already runs and two per job."""
    user = _sandbox_user(limits)
    uid = user[0] if user else os.geteuid()
    running = 0
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        try:
            if pid.isdigit() and os.stat(f"/proc/{pid}").st_uid == uid:
                running += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return running + 2 * jobs + limits.processes


def _environment(workdir: Path) -> dict[str, str]:
    home = str(workdir)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "IPYTHONDIR": f"{home}/.ipython",
        "JUPYTER_RUNTIME_DIR": f"{home}/.jupyter",
        "OPENBLAS_NUM_THREADS": "1",  # BLAS threads would count against the process limit
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _output_text(head: bytearray, tail: bytearray, total: int) -> str:
    """The head, and the end of the rest: a traceback comes last."""
    text = bytes(head).decode("utf-8", "replace")
    after_head = total - len(head)
    if after_head <= 0:
        return text
    rest = tail[-min(after_head, len(tail)) :]
    if after_head > len(rest):
        text += f"\n[… {after_head - len(rest)} bytes left out …]\n"
    return text + bytes(rest).decode("utf-8", "replace")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40]
