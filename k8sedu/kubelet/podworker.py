"""One pod on one node, as the kubelet drives it: the pod worker and ``SyncPod``.

Models ``pkg/kubelet/pod_workers.go`` and ``kuberuntime_manager.go`` (``SyncPod``,
``computePodActions``, ``doBackOff``): ``sync()`` is idempotent and runs whenever something
changed (the pod, a container exit, a pull finishing, a back-off expiring, a probe result).
It gives the pod its IP, runs init containers one by one, then starts every app container;
restarts exited ones as ``restartPolicy`` says, with CrashLoopBackOff; and tears the pod down
gracefully when it is deleted (``Killing`` → preStop → SIGTERM → SIGKILL at the grace period),
then deletes it for good with grace 0 and a uid precondition (the status manager's last step).

Simplified: the kubelet notices an exit at once (PLEG relists every second) and restarts exactly
when a back-off expires; it re-syncs 1 s after a failed pull; postStart hooks are not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu.kubelet import images, status
from k8sedu.kubelet.backoff import go_duration
from k8sedu.kubelet.probes import KINDS, ProbeWorker
from k8sedu.kubelet.runtime import SIGKILL, Container

if TYPE_CHECKING:
    from k8sedu.kubelet.kubelet import Kubelet

MIN_GRACE = 2  # kuberuntime: minimumGracePeriodInSeconds


def format_pod(pod: dict) -> str:
    """``format.Pod``: ``web-1_default(uid)``."""
    meta = pod["metadata"]
    return f"{meta['name']}_{meta.get('namespace', 'default')}({meta.get('uid', '')})"


class Slot:
    """One container of the pod spec and its runs."""

    def __init__(self, spec: dict, init: bool) -> None:
        self.spec = spec
        self.name = spec["name"]
        self.init = init
        self.sidecar = init and spec.get("restartPolicy") == "Always"
        self.current: Container | None = None  # the latest run
        self.previous: Container | None = None  # the run before it (logs --previous)
        self.waiting: tuple[str, str] | None = None  # (reason, message) while not running
        self.busy = False  # a pull or a kill is under way
        self.started = False  # startup probe passed (or none)
        self.ready = False  # readiness probe passed (or none)
        self.restart_after_kill = False
        self.base_restarts = 0  # restarts before this kubelet started (from the API status)
        self.probes: dict[str, ProbeWorker] = {}

    def is_ready(self) -> bool:
        run = self.current
        return bool(run is not None and run.running and self.started and self.ready)

    def restart_count(self) -> int:
        return self.current.attempt if self.current is not None else self.base_restarts

    def stop_probes(self) -> None:
        for worker in self.probes.values():
            worker.stop()
        self.probes = {}


class PodWorker:
    """The kubelet's state for one pod bound to its node."""

    def __init__(self, kubelet: Kubelet, pod: dict) -> None:
        self.kubelet = kubelet
        self.pod = pod
        self.uid = pod["metadata"]["uid"]
        spec = pod["spec"]
        self.slots = [Slot(c, True) for c in spec.get("initContainers") or []]
        self.slots += [Slot(c, False) for c in spec.get("containers") or []]
        self.ip = ""
        self.sandbox_ready = False
        self.start_time: float | None = None
        self.rejected = self.evicted = False
        self.reason = self.message = ""
        self.disruption: dict | None = None
        self.terminal_requested = False  # torn down: the phase becomes terminal
        self.terminating = False
        self.finished = False  # terminal phase reached; nothing runs any more
        self.dirty = False

    def __repr__(self) -> str:
        return f"<PodWorker {self.key}>"

    @property
    def key(self) -> str:
        return f"{self.pod['metadata'].get('namespace', 'default')}/{self.pod['metadata']['name']}"

    def init_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.init]

    def app_slots(self) -> list[Slot]:
        return [s for s in self.slots if not s.init]

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)

    def started(self, name: str) -> bool:
        slot = self.slot(name)
        return bool(slot and slot.started)

    def running(self) -> list[Container]:
        return [s.current for s in self.slots if s.current is not None and s.current.running]

    @property
    def now(self) -> float:
        return self.kubelet.sim.now

    def event(self, type_: str, reason: str, message: str, slot: Slot | None = None) -> None:
        field_path = None
        if slot is not None:
            kind = "initContainers" if slot.init else "containers"
            field_path = f"spec.{kind}{{{slot.name}}}"
        self.kubelet.recorder.event(self.pod, type_, reason, message, field_path)

    # -- the sync loop ----------------------------------------------------------------------------

    def sync(self) -> None:
        if not self.kubelet.running or self.finished:
            return
        if self.pod["metadata"].get("deletionTimestamp") is not None or self.terminal_requested:
            self.terminate()
            return
        if not self.sandbox_ready:
            self.ip = self.kubelet.allocate_ip(self.uid)
            self.sandbox_ready = True
            self.start_time = self.now if self.start_time is None else self.start_time
        for slot in self.init_slots():
            if slot.sidecar:
                self._drive(slot)
                if not slot.started:
                    break
                continue
            run = slot.current
            if run is not None and not run.running and run.exit_code == 0 and not slot.waiting:
                continue
            self._drive(slot)
            break
        else:
            for slot in self.app_slots():
                self._drive(slot)
        if status.phase(self) in ("Succeeded", "Failed"):
            self.finish()
        self.changed()

    def _drive(self, slot: Slot) -> None:
        """Start, restart or leave one container, as ``computePodActions`` decides."""
        run = slot.current
        if slot.busy or (run is not None and run.running):
            return
        if run is None:
            images.ensure(self, slot)
            return
        if not self._should_restart(slot, run):
            slot.waiting = None
            return
        key = self._backoff_key(slot)
        backoff = self.kubelet.backoff
        if backoff.in_backoff_since(key, run.finished, self.now):
            delay = backoff.delay(key)
            pod = format_pod(self.pod)
            message = (
                f"back-off {go_duration(delay)} restarting failed container={slot.name} pod={pod}"
            )
            if slot.waiting is None or slot.waiting[1] != message:
                slot.waiting = ("CrashLoopBackOff", message)
                self.event(
                    "Warning",
                    "BackOff",
                    f"Back-off restarting failed container {slot.name} in pod {pod}",
                    slot,
                )
                self.kubelet.at(run.finished + delay, self.sync)
            return
        backoff.next(key, self.now)
        slot.restart_after_kill = False
        images.ensure(self, slot)

    def _should_restart(self, slot: Slot, run: Container) -> bool:
        if slot.restart_after_kill or slot.sidecar:
            return True
        policy = self.pod["spec"].get("restartPolicy", "Always")
        if slot.init:
            return run.exit_code != 0 and policy != "Never"
        return policy == "Always" or (policy == "OnFailure" and run.exit_code != 0)

    def _backoff_key(self, slot: Slot) -> str:
        meta = self.pod["metadata"]
        return f"{meta['name']}_{meta.get('namespace', 'default')}_{self.uid}_{slot.name}"

    # -- containers -------------------------------------------------------------------------------

    def start_container(self, slot: Slot) -> None:
        """Create and start the next run of ``slot`` (its image is on the node)."""
        slot.busy = False
        if not self.kubelet.running or self.terminating or self.finished:
            return
        attempt = slot.current.attempt + 1 if slot.current is not None else slot.base_restarts
        if slot.current is not None:
            slot.previous = slot.current
        run = Container(
            self.kubelet.new_container_id(), self.uid, slot.spec, self.now, attempt, self.ip
        )
        slot.current, slot.waiting = run, None
        self.event("Normal", "Created", f"Created container: {slot.name}", slot)
        self.event("Normal", "Started", f"Started container {slot.name}", slot)
        plan = run.exit_plan()
        if plan is not None:
            self.kubelet.at(plan[0], self.container_exited, slot.name, run.id, plan[1], plan[2])
        slot.started = "startupProbe" not in slot.spec
        slot.ready = "readinessProbe" not in slot.spec
        slot.stop_probes()
        for kind in KINDS:
            probe = slot.spec.get(f"{kind}Probe")
            if probe:
                slot.probes[kind] = ProbeWorker(self, kind, probe, run)
                slot.probes[kind].start()
        self.kubelet.containers_changed()
        self.sync()

    def container_exited(self, name: str, cid: str, code: int, reason: str) -> None:
        slot = self.slot(name)
        if slot is None or slot.current is None or slot.current.id != cid:
            return
        run = slot.current
        if not run.running:
            return
        run.finished, run.exit_code, run.reason = self.now, code, reason
        slot.busy = False
        slot.stop_probes()
        self.kubelet.containers_changed()
        self.sync()

    def kill(self, slot: Slot, message: str, grace: float, *, pre_stop: bool = True) -> None:
        """``killContainer``: the Killing Event, preStop, SIGTERM, SIGKILL when the grace ends."""
        run = slot.current
        if run is None or not run.running or run.sigterm_at is not None:
            return
        self.event("Normal", "Killing", message, slot)
        slot.busy = True
        hook = _pre_stop_seconds(slot.spec) if pre_stop else 0.0
        deadline = self.now + grace
        run.sigterm_at = min(self.now + hook, deadline)
        shutdown = run.behaviour.shutdown
        if shutdown is not None and run.sigterm_at + shutdown <= deadline:
            self.kubelet.at(
                run.sigterm_at + shutdown, self.container_exited, slot.name, run.id, 0, "Completed"
            )
        else:
            self.kubelet.at(deadline, self.container_exited, slot.name, run.id, SIGKILL, "Error")

    # -- probes (called by the probe workers) -------------------------------------------------------

    def probe_failed(self, run: Container, message: str) -> None:
        slot = self.slot(run.name)
        self.event("Warning", "Unhealthy", message, slot)

    def probe_result(self, worker: ProbeWorker, run: Container, ok: bool) -> None:
        slot = self.slot(run.name)
        if slot is None or slot.current is not run or self.terminating:
            return
        if worker.kind == "readiness":
            slot.ready = ok
        elif worker.kind == "startup" and ok:
            slot.started = True
            for other in ("liveness", "readiness"):
                if other in slot.probes:
                    slot.probes[other].poke()
        elif not ok:  # liveness or startup failed: kill, and restart unless restartPolicy Never
            slot.restart_after_kill = self.pod["spec"].get("restartPolicy", "Always") != "Never"
            grace = worker.probe.get("terminationGracePeriodSeconds")
            if grace is None:
                grace = self.pod["spec"].get("terminationGracePeriodSeconds", 30)
            self.kill(
                slot, f"Container {slot.name} failed {worker.kind} probe, will be restarted", grace
            )
        self.changed()

    def poke_probes(self) -> None:
        for slot in self.slots:
            for worker in slot.probes.values():
                worker.poke()

    # -- the end of a pod ---------------------------------------------------------------------------

    def terminate(self) -> None:
        """Stop every container within the grace period; then the pod can go."""
        meta = self.pod["metadata"]
        if not self.terminating:
            self.terminating = True
            grace = meta.get("deletionGracePeriodSeconds")
            if grace is None:
                grace = self.pod["spec"].get("terminationGracePeriodSeconds", 30)
            if self.evicted:
                grace = 0
            for slot in self.slots:
                slot.waiting = None
                if slot.current is not None and slot.current.running:
                    self.kill(slot, f"Stopping container {slot.name}", max(grace, MIN_GRACE))
        if self.running():
            self.changed()
            return
        self.terminal_requested = True
        self.finish()
        self.kubelet.write_status(self)
        if meta.get("deletionTimestamp") is not None:
            self.kubelet.delete_pod(self)

    def finish(self) -> None:
        """The pod reached a terminal phase: nothing runs any more, its IP and resources free."""
        if self.finished:
            return
        self.finished = True
        for slot in self.slots:
            slot.stop_probes()
            slot.waiting = None
        self.kubelet.release(self)

    def lost(self) -> None:
        """Removed from the API (force-deleted): kill everything at once, report nothing."""
        for slot in self.slots:
            slot.stop_probes()
            run = slot.current
            if run is not None and run.running:
                run.finished, run.exit_code, run.reason = self.now, SIGKILL, "Error"
        self.finished = True
        self.kubelet.release(self)

    def changed(self) -> None:
        """Mark the status dirty; it is written once, at the end of this instant."""
        if not self.dirty:
            self.dirty = True
            self.kubelet.at(self.now, self.kubelet.flush_status, self.uid)


def _pre_stop_seconds(spec: dict) -> float:
    """How long the preStop hook runs: ``sleep`` actions and ``sleep N`` exec commands."""
    hook = (spec.get("lifecycle") or {}).get("preStop") or {}
    if "sleep" in hook:
        return float(hook["sleep"].get("seconds", 0))
    argv = (hook.get("exec") or {}).get("command") or []
    if len(argv) == 3 and argv[1] == "-c" and argv[2].startswith("sleep "):
        argv = argv[2].split()
    if len(argv) == 2 and argv[0].endswith("sleep"):
        try:
            return float(argv[1])
        except ValueError:
            return 0.0
    return 0.0
