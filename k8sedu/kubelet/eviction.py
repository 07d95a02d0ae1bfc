"""Node-pressure eviction: the kubelet frees memory by failing pods when the node runs short.

Models ``pkg/kubelet/eviction`` with the Linux hard threshold ``memory.available<100Mi``
(``available`` = node memory capacity - working set of all containers). When it is crossed the
node reports ``MemoryPressure=True`` and the kubelet evicts one pod per monitoring period
(10 s): pods using more than they requested first, then by lower priority, then by how far
usage exceeds the request (``rankMemoryPressure``) - so BestEffort pods go first, Guaranteed
last. An evicted pod stays in the API as ``Failed`` with reason ``Evicted``. The condition
clears 5 min after the last time pressure was seen (``evictionPressureTransitionPeriod``).

Decision 7 of the design: memory grows linearly here, so instead of looking every 10 s the
manager computes when ``available`` will cross the threshold and wakes up then.
Simplified: no soft thresholds, no disk or PID signals, no system-reserved memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu import quantity

if TYPE_CHECKING:
    from k8sedu.kubelet.kubelet import Kubelet
    from k8sedu.kubelet.podworker import PodWorker

THRESHOLD = 100 * 1024 * 1024  # memory.available<100Mi
MONITORING_PERIOD = 10.0  # evictionMonitoringPeriod
PRESSURE_TRANSITION = 300.0  # evictionPressureTransitionPeriod


def _bytes(value: int) -> str:
    """A memory figure as the kubelet prints it: whole 4 KiB pages (cAdvisor's unit), so Ki."""
    return quantity.format_quantity(int(value) // 4096 * 4096, quantity.BINARY_SI)


def pod_memory(worker: PodWorker, now: float) -> int:
    return sum(run.memory(now) for run in worker.running())


class EvictionManager:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.memory_pressure = False
        self.last_observed: float | None = None
        self.timer = None

    def capacity(self) -> int:
        memory = (getattr(self.kubelet, "capacity", None) or {}).get("memory")
        return quantity.to_int(memory) if memory else 0

    def usage(self, now: float) -> tuple[int, float]:
        """(working set of every container, bytes per second it grows by)."""
        used, rate = 0, 0.0
        for worker in self.kubelet.workers.values():
            for run in worker.running():
                used += run.memory(now)
                if run.memory_limit is None or run.memory(now) < run.memory_limit:
                    rate += run.behaviour.memory_rate
        return used, rate

    def recheck(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = self.kubelet.at(self.kubelet.sim.now, self.check)

    def check(self) -> None:
        self.timer = None
        kubelet = self.kubelet
        now = kubelet.sim.now
        capacity = self.capacity()
        if not capacity or not kubelet.running:
            return
        used, rate = self.usage(now)
        available = capacity - used
        if available < THRESHOLD:
            self.last_observed = now
            if not self.memory_pressure:
                self.memory_pressure = True
                ref = kubelet.node_status.node_ref()
                kubelet.recorder.event(
                    ref, "Warning", "EvictionThresholdMet", "Attempting to reclaim memory"
                )
            self.evict_one(available)
            self.timer = kubelet.at(now + MONITORING_PERIOD, self.check)
            return
        wake = []
        if self.memory_pressure:
            release = self.last_observed + PRESSURE_TRANSITION
            if now >= release:
                self.memory_pressure = False
            else:
                wake.append(release)
        if rate > 0:  # the first whole byte below the threshold, never this same instant
            wake.append(now + max((available - THRESHOLD + 1) / rate, 0.001))
        if wake:
            self.timer = kubelet.at(min(wake), self.check)

    def evict_one(self, available: int) -> None:
        now = self.kubelet.sim.now
        candidates = [w for w in self.kubelet.workers.values() if w.running() and not w.terminating]
        if not candidates:
            return

        def rank(worker: PodWorker) -> tuple:
            usage = pod_memory(worker, now)
            request = quantity.pod_requests(worker.pod).amounts().get("memory", 0)
            priority = worker.pod["spec"].get("priority") or 0
            return (usage <= request, priority, -(usage - request), worker.key)

        victim = min(candidates, key=rank)
        message = (
            "The node was low on resource: memory. "
            f"Threshold quantity: {_bytes(THRESHOLD)}, available: {_bytes(max(available, 0))}. "
        )
        for slot in victim.slots:
            run = slot.current
            if run is None or not run.running:
                continue
            request = ((slot.spec.get("resources") or {}).get("requests") or {}).get("memory")
            request_bytes = quantity.to_int(request) if request else 0
            if run.memory(now) > request_bytes:
                message += (
                    f"Container {slot.name} was using {_bytes(run.memory(now))}, request is "
                    f"{_bytes(request_bytes)}, has larger consumption of memory. "
                )
        victim.evicted = True
        victim.reason, victim.message = "Evicted", message
        victim.disruption = {
            "type": "DisruptionTarget",
            "status": "True",
            "lastProbeTime": None,
            "reason": "TerminationByKubelet",
            "message": message,
        }
        victim.event("Warning", "Evicted", message)
        victim.terminal_requested = True
        victim.sync()
