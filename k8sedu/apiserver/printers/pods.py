"""The pod row of ``kubectl get pods``: READY, STATUS, RESTARTS, AGE and the wide columns.

Models ``printPod`` in k8s ``pkg/printers/internalversion/printers.go`` as of v1.34 (before
v1.35 made an erroring container win over a ``Completed`` one). STATUS is the most telling of
many facts, in this order of precedence, later ones overriding earlier ones:

1. ``status.phase``, or ``status.reason`` when set (``Evicted``), or ``SchedulingGated``;
2. the first init container that has not finished: ``Init:1/3``, ``Init:CrashLoopBackOff``,
   ``Init:Error``, ``Init:ExitCode:2``;
3. once initialized, app containers from last to first: a waiting reason (``CrashLoopBackOff``)
   or terminated reason (``OOMKilled``, ``Completed``) - so the first container has the last word;
   ``Completed`` with another container still running reads ``Running`` (or ``NotReady``);
4. a pod being deleted: ``Terminating``, or ``Unknown`` if its node was lost.
"""

from __future__ import annotations

from typing import Any

from k8sedu.apiserver.printers.common import AGE, NAME, Clock, Printer, column, condition_true

NODE_UNREACHABLE_POD_REASON = "NodeLost"  # k8s pkg/util/node

COLUMNS = [
    NAME,
    column("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
    column("Status", description="The aggregate status of the containers in this pod."),
    column(
        "Restarts",
        description="The number of times the containers in this pod have been restarted and "
        "when the last container in this pod has restarted.",
    ),
    AGE,
    column("IP", description="podIP address allocated to the pod.", priority=1),
    column(
        "Node",
        description="NodeName is a request to schedule this pod onto a specific node.",
        priority=1,
    ),
    column(
        "Nominated Node",
        priority=1,
        description="nominatedNodeName is set only when this pod preempts other pods on the node.",
    ),
    column(
        "Readiness Gates",
        priority=1,
        description="If specified, all readiness gates will be evaluated for pod readiness.",
    ),
]


def _restartable(container: dict | None) -> bool:
    """A sidecar: an init container with ``restartPolicy: Always``."""
    return bool(container) and container.get("restartPolicy") == "Always"


def _terminated_reason(terminated: dict) -> str:
    if terminated.get("reason"):
        return terminated["reason"]
    if terminated.get("signal"):
        return f"Signal:{terminated['signal']}"
    return f"ExitCode:{terminated.get('exitCode', 0)}"


class _Restarts:
    """Sums restart counts and keeps the latest ``lastState.terminated.finishedAt``."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.count = 0
        self.last: float | None = None

    def add(self, status: dict) -> None:
        self.count += status.get("restartCount", 0)
        finished = status.get("lastState", {}).get("terminated", {}).get("finishedAt")
        if finished:
            at = self.clock.seconds(finished)
            if self.last is None or at > self.last:
                self.last = at


def pod_summary(pod: dict, clock: Clock) -> tuple[str, str, str]:
    """READY, STATUS and RESTARTS of one pod, exactly as ``printPod`` computes them."""
    spec, status = pod.get("spec", {}), pod.get("status", {})
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for condition in status.get("conditions", []):
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c.get("name"): c for c in spec.get("initContainers", [])}
    total = len(spec.get("containers", [])) + sum(map(_restartable, init_specs.values()))
    ready = 0
    restarts = _Restarts(clock)  # every container, used while initializing
    sidecar_restarts = _Restarts(clock)  # sidecars only: they keep counting once initialized

    initializing = False
    init_statuses = status.get("initContainerStatuses", [])
    for i, cs in enumerate(init_statuses):
        restarts.add(cs)
        sidecar = _restartable(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts.add(cs)
        state = cs.get("state", {})
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if sidecar and cs.get("started"):
            ready += bool(cs.get("ready"))
            continue
        if terminated is not None:
            reason = "Init:" + _terminated_reason(terminated)
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or condition_true(status.get("conditions"), "Initialized"):
        restarts = sidecar_restarts
        has_running = False
        for cs in reversed(status.get("containerStatuses", [])):
            restarts.add(cs)
            state = cs.get("state", {})
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = _terminated_reason(terminated)
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            ready_condition = condition_true(status.get("conditions"), "Ready")
            reason = "Running" if ready_condition else "NotReady"

    deleting = pod.get("metadata", {}).get("deletionTimestamp") is not None
    if deleting and status.get("reason") == NODE_UNREACHABLE_POD_REASON:
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_text = str(restarts.count)
    if restarts.count and restarts.last is not None:
        ago = clock.since_seconds(restarts.last)
        restarts_text = f"{restarts.count} ({ago} ago)"
    return f"{ready}/{total}", reason, restarts_text


def _readiness_gates(pod: dict) -> str:
    gates = pod.get("spec", {}).get("readinessGates", [])
    if not gates:
        return "<none>"
    conditions = pod.get("status", {}).get("conditions", [])
    passed = sum(condition_true(conditions, gate.get("conditionType")) for gate in gates)
    return f"{passed}/{len(gates)}"


def pod_row(pod: dict, clock: Clock) -> list[Any]:
    ready, reason, restarts = pod_summary(pod, clock)
    status = pod.get("status", {})
    pod_ips = status.get("podIPs") or []
    ip = pod_ips[0].get("ip") if pod_ips else status.get("podIP")
    return [
        pod.get("metadata", {}).get("name", ""),
        ready,
        reason,
        restarts,
        clock.age(pod),
        ip or "<none>",
        pod.get("spec", {}).get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        _readiness_gates(pod),
    ]


def pod_conditions(pod: dict) -> list[dict]:
    """The row condition that marks a finished pod ``Completed`` (podSuccessConditions)."""
    phase = pod.get("status", {}).get("phase")
    if phase not in ("Succeeded", "Failed"):
        return []
    message = "The pod has completed successfully." if phase == "Succeeded" else "The pod failed."
    return [{"type": "Completed", "status": "True", "reason": phase, "message": message}]


PRINTERS = {"pods": Printer(COLUMNS, pod_row, pod_conditions)}
