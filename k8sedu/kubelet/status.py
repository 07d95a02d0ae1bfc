"""The pod status a kubelet reports: phase, conditions and container statuses.

Models ``generateAPIPodStatus`` and ``getPhase`` (``pkg/kubelet/kubelet_pods.go``) and the
condition generators of ``pkg/kubelet/status/generate.go``. The phase, from the containers:

* ``Pending`` while an init container has not finished, or an app container waits to be
  created for the first time (image pull, ``ContainerCreating``);
* ``Running`` while any container runs - and also while one waits to restart
  (``CrashLoopBackOff`` is a Running pod);
* ``Succeeded`` / ``Failed`` once everything has stopped for good (``restartPolicy`` Never or
  OnFailure, or the pod is being torn down): ``Failed`` if any container failed.

Conditions come in the kubelet's order (PodReadyToStartContainers, Initialized, Ready,
ContainersReady) followed by the scheduler's PodScheduled; ``lastTransitionTime`` moves only
when a condition's status flips.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu import objects
from k8sedu.kubelet.runtime import full_image, image_id

if TYPE_CHECKING:
    from k8sedu.kubelet.podworker import PodWorker, Slot

KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")


def _time(pw: PodWorker, seconds: float) -> str:
    return objects.timestamp(seconds, pw.kubelet.cluster.epoch)


def _terminated(pw: PodWorker, run) -> dict:
    state = {"exitCode": run.exit_code, "reason": run.reason}
    state["startedAt"] = _time(pw, run.started)
    state["finishedAt"] = _time(pw, run.finished)
    state["containerID"] = f"containerd://{run.id}"
    return state


def container_status(pw: PodWorker, slot: Slot, default_waiting: str) -> dict:
    """One ``containerStatuses`` entry (``convertToAPIContainerStatuses``)."""
    run, last = slot.current, slot.previous
    if run is not None and run.running:
        state = {"running": {"startedAt": _time(pw, run.started)}}
    elif run is not None and slot.waiting is None:
        state = {"terminated": _terminated(pw, run)}
    else:
        reason, message = slot.waiting or (default_waiting, "")
        waiting = {"reason": reason}
        if message:
            waiting["message"] = message
        state = {"waiting": waiting}
        last = run  # the run that exited is the last state while the next one waits
    status = {
        "name": slot.name,
        "state": state,
        "lastState": {"terminated": _terminated(pw, last)} if last is not None else {},
        "ready": slot.is_ready(),
        "restartCount": slot.restart_count(),
        "image": full_image(slot.spec.get("image", "")),
        "imageID": image_id(slot.spec.get("image", "")) if run is not None else "",
    }
    if run is not None:
        status["containerID"] = f"containerd://{run.id}"
    status["started"] = bool(run is not None and run.running and slot.started)
    return status


def phase(pw: PodWorker) -> str:
    """``getPhase``."""
    if pw.rejected or pw.evicted:
        return "Failed"
    policy = pw.pod["spec"].get("restartPolicy", "Always")
    for slot in pw.init_slots():
        run = slot.current
        if slot.sidecar or (run is not None and not run.running and run.exit_code == 0):
            continue
        if run is not None and not run.running and slot.waiting is None and policy == "Never":
            return "Failed"
        return "Pending"
    running = stopped = succeeded = failed = waiting = 0
    for slot in pw.app_slots():
        run = slot.current
        if run is not None and run.running:
            running += 1
        elif run is not None:
            stopped += 1
            if run.exit_code == 0:
                succeeded += 1
            else:
                failed += 1
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    if pw.terminal_requested or policy == "Never":
        return "Failed" if failed else "Succeeded"
    if policy == "OnFailure" and stopped == succeeded:
        return "Succeeded"
    return "Running"


def _unready(slots: list[Slot]) -> list[str]:
    return [s.name for s in slots if not s.is_ready()]


def _condition(type_: str, ok: bool, reason: str = "", message: str = "") -> dict:
    cond = {"type": type_, "status": "True" if ok else "False", "lastProbeTime": None}
    if not ok and reason:
        cond["reason"] = reason
        if message:
            cond["message"] = message
    return cond


def conditions(pw: PodWorker, pod_phase: str) -> list[dict]:
    """The kubelet's four conditions (``generate.go``), before PodScheduled."""
    apps = pw.app_slots() + [s for s in pw.init_slots() if s.sidecar]
    done = pod_phase == "Succeeded"
    pending_init = [
        s.name
        for s in pw.init_slots()
        if not s.sidecar and not (s.current and not s.current.running and s.current.exit_code == 0)
    ]
    if pw.init_slots() and done:
        initialized = _condition("Initialized", False, "PodCompleted")
    else:
        initialized = _condition(
            "Initialized",
            not pending_init,
            "ContainersNotInitialized",
            f"containers with incomplete status: [{' '.join(pending_init)}]",
        )
    unready = _unready(apps)
    if done:
        ready_args = (False, "PodCompleted", "")
    else:
        ready_args = (
            not unready,
            "ContainersNotReady",
            f"containers with unready status: [{' '.join(unready)}]",
        )
    return [
        _condition("PodReadyToStartContainers", pw.sandbox_ready),
        initialized,
        _condition("Ready", *ready_args),
        _condition("ContainersReady", *ready_args),
    ]


def pod_status(pw: PodWorker, old: dict) -> dict:
    """The whole ``status`` to write, keeping what others own (PodScheduled, nominatedNodeName)
    and each condition's ``lastTransitionTime`` while its status stays the same."""
    now = pw.kubelet.cluster.timestamp()
    pod_phase = phase(pw)
    status = {"phase": pod_phase}
    merged = {"conditions": [dict(c) for c in old.get("conditions") or []]}
    for cond in conditions(pw, pod_phase):
        objects.set_condition(merged, cond, now)
    if pw.disruption:
        objects.set_condition(merged, pw.disruption, now)
    if objects.get_condition(merged, "PodScheduled") is None:  # created with spec.nodeName
        objects.set_condition(merged, _condition("PodScheduled", True), now)
    ours = [*KUBELET_CONDITIONS, "DisruptionTarget"]
    kept = [c for c in merged["conditions"] if c["type"] not in ours]
    order = {t: i for i, t in enumerate(ours)}
    status["conditions"] = (
        sorted(
            (c for c in merged["conditions"] if c["type"] in order), key=lambda c: order[c["type"]]
        )
        + kept
    )
    if pw.reason:
        status["reason"], status["message"] = pw.reason, pw.message
    status["hostIP"] = pw.kubelet.host.ip
    status["hostIPs"] = [{"ip": pw.kubelet.host.ip}]
    if pw.ip:
        status["podIP"] = pw.ip
        status["podIPs"] = [{"ip": pw.ip}]
    if pw.start_time is not None:
        status["startTime"] = _time(pw, pw.start_time)
    default = "PodInitializing" if pw.init_slots() else "ContainerCreating"
    if pw.init_slots():
        status["initContainerStatuses"] = [
            container_status(pw, s, default) for s in pw.init_slots()
        ]
    status["containerStatuses"] = [container_status(pw, s, default) for s in pw.app_slots()]
    for key in ("qosClass", "nominatedNodeName"):
        if key in old:
            status[key] = old[key]
    status["observedGeneration"] = pw.pod["metadata"].get("generation", 1)
    return status
