"""The scheduling queue: which pending pod is tried next, and when a failed one is retried.

Models ``pkg/scheduler/backend/queue/scheduling_queue.go``. Three places a pending pod can be:

* **activeQ** — ready to be tried, a heap ordered by the QueueSort plugin (PrioritySort: higher
  ``spec.priority`` first, then the earlier queue timestamp);
* **backoffQ** — failed recently; waits ``1 s × 2^(attempts-1)``, at most 10 s (1, 2, 4, 8, 10…);
* **unschedulablePods** — failed and nothing has changed since. A cluster event that could help
  (a node added or updated, a bound pod deleted…) moves it to backoffQ or activeQ; after 5
  minutes there it is retried anyway.

A pod that fails while such an event arrived during its own cycle goes straight to backoffQ, so
the event is not lost. Pods nominated by preemption are remembered per node (the *nominator*),
so that lower-priority pods do not take the room preemption made.

Simplified: "could help" is judged by the plugins that rejected the pod and the kind of event
(no per-object queueing hints); backoff and the 5-minute flush fire at their exact instants
(the real queue checks every 1 s and every 30 s); no PreEnqueue plugins, no scheduling gates.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from k8sedu.scheduler.nodeinfo import PodInfo
from k8sedu.sim import NS

INITIAL_BACKOFF = 1.0  # podInitialBackoffSeconds
MAX_BACKOFF = 10.0  # podMaxBackoffSeconds
MAX_IN_UNSCHEDULABLE = 300.0  # DefaultPodMaxInUnschedulablePodsDuration: 5 minutes

# Cluster events and the default plugins whose rejections they may undo (EventsToRegister).
NODE_PLUGINS = frozenset(
    {
        "NodeUnschedulable",
        "NodeName",
        "TaintToleration",
        "NodeAffinity",
        "NodePorts",
        "NodeResourcesFit",
        "PodTopologySpread",
        "InterPodAffinity",
    }
)
EVENT_PLUGINS = {
    "NodeAdd": NODE_PLUGINS,
    "NodeUpdate": NODE_PLUGINS,
    "AssignedPodDelete": frozenset(
        {"NodeResourcesFit", "NodePorts", "PodTopologySpread", "InterPodAffinity"}
    ),
    "AssignedPodAdd": frozenset({"PodTopologySpread", "InterPodAffinity"}),
    "AssignedPodUpdate": frozenset({"PodTopologySpread", "InterPodAffinity"}),
}
KNOWN_PLUGINS = NODE_PLUGINS | {"DefaultPreemption"}


class QueuedPodInfo:
    """A pending pod and its scheduling history (``framework.QueuedPodInfo``)."""

    __slots__ = (
        "pod_info",
        "timestamp",
        "attempts",
        "initial_attempt",
        "unschedulable_plugins",
        "where",
        "seq",
        "timer",
    )

    def __init__(self, pod_info: PodInfo, now_ns: int, seq: int) -> None:
        self.pod_info = pod_info
        self.timestamp = now_ns  # when it (re-)entered the queue: PrioritySort's tie-breaker
        self.attempts = 0
        self.initial_attempt: int | None = None
        self.unschedulable_plugins: frozenset[str] = frozenset()
        self.where = ""
        self.seq = seq
        self.timer = None

    @property
    def pod(self) -> dict:
        return self.pod_info.pod

    def __repr__(self) -> str:
        return f"<QueuedPodInfo {self.pod_info.key} {self.where} attempts={self.attempts}>"


def backoff_duration(attempts: int) -> float:
    """``calculateBackoffDuration``: 1 s doubled per earlier attempt, capped at 10 s.

    >>> [backoff_duration(n) for n in range(1, 7)]
    [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    """
    duration = INITIAL_BACKOFF
    for _ in range(1, attempts):
        if duration > MAX_BACKOFF - duration:
            return MAX_BACKOFF
        duration += duration
    return duration


class SchedulingQueue:
    """activeQ, backoffQ and unschedulablePods, plus the nominator."""

    def __init__(self, owner, sort_key: Callable, on_active: Callable[[], None]) -> None:
        self.owner = owner  # the scheduler component: it owns the timers
        self.sim = owner.sim
        self.sort_key = sort_key
        self.on_active = on_active
        self.pods: dict[str, QueuedPodInfo] = {}  # uid -> every pending pod the queue holds
        self.unschedulable: dict[str, QueuedPodInfo] = {}  # uid -> pods in unschedulablePods
        self._heap: list[tuple] = []
        self._seq = 0
        self.scheduling_cycle = 0
        self.move_request_cycle = -1
        self.nominated: dict[str, dict[str, PodInfo]] = {}  # node -> uid -> pod
        self._nominated_node: dict[str, str] = {}  # uid -> node

    def __len__(self) -> int:
        return len(self.pods)

    def where(self, uid: str) -> str:
        """``active``, ``backoff``, ``unschedulable``, ``in-flight`` or ``""``."""
        qpi = self.pods.get(uid)
        return qpi.where if qpi else ""

    # -- adding and removing ---------------------------------------------------------------------

    def add(self, pod_info: PodInfo) -> None:
        """A new pending pod goes straight to activeQ."""
        self._seq += 1
        qpi = QueuedPodInfo(pod_info, self.sim.now_ns, self._seq)
        self.pods[pod_info.uid] = qpi
        self._activate(qpi)
        self._nominate(pod_info)

    def update(self, pod_info: PodInfo, changed: bool) -> None:
        """The pod object changed; a real change releases it from waiting (``Update``)."""
        qpi = self.pods.get(pod_info.uid)
        if qpi is None:
            self.add(pod_info)
            return
        qpi.pod_info = pod_info
        self._nominate(pod_info)
        if qpi.where == "active":
            self._push(qpi)  # its sort key may have changed; the old heap entry goes stale
        elif changed and qpi.where in ("unschedulable", "backoff"):
            self._release(qpi)

    def delete(self, uid: str) -> None:
        qpi = self.pods.pop(uid, None)
        if qpi is not None and qpi.timer is not None:
            qpi.timer.cancel()
        self.unschedulable.pop(uid, None)
        self._forget_nomination(uid)

    # -- popping ----------------------------------------------------------------------------------

    def pop(self) -> QueuedPodInfo | None:
        """The next pod to try, or None when activeQ is empty."""
        heap = self._heap
        while heap:
            _, seq, uid = heapq.heappop(heap)
            qpi = self.pods.get(uid)
            if qpi is None or qpi.where != "active" or qpi.seq != seq:
                continue  # stale entry
            qpi.where = "in-flight"
            qpi.attempts += 1
            if qpi.initial_attempt is None:
                qpi.initial_attempt = self.sim.now_ns
            self.scheduling_cycle += 1
            return qpi
        return None

    def done(self, uid: str) -> None:
        """The pod was scheduled (or vanished): it leaves the queue."""
        qpi = self.pods.get(uid)
        if qpi is not None and qpi.where == "in-flight":
            del self.pods[uid]
            self._forget_nomination(uid)

    def add_unschedulable(self, qpi: QueuedPodInfo, cycle: int, error: bool = False) -> None:
        """``AddUnschedulableIfNotPresent``: back to backoffQ if something moved meanwhile (or the
        cycle hit an error), else into unschedulablePods."""
        if self.pods.get(qpi.pod_info.uid) is not qpi:
            return  # deleted while in flight
        qpi.timestamp = self.sim.now_ns
        if error or self.move_request_cycle >= cycle:
            self._to_backoff(qpi)
        else:
            qpi.where = "unschedulable"
            self.unschedulable[qpi.pod_info.uid] = qpi
            qpi.timer = self.owner.schedule(MAX_IN_UNSCHEDULABLE, self._flush_unschedulable, qpi)

    # -- cluster events ---------------------------------------------------------------------------

    def move_all(self, event: str) -> None:
        """``MoveAllToActiveOrBackoffQueue`` for pods this event might help."""
        helps = EVENT_PLUGINS.get(event, frozenset())
        for qpi in list(self.unschedulable.values()):
            plugins = qpi.unschedulable_plugins
            unknown = not plugins or not plugins <= KNOWN_PLUGINS  # a learner's plugin: any event
            if unknown or plugins & helps:
                self._release(qpi)
        self.move_request_cycle = self.scheduling_cycle

    def _release(self, qpi: QueuedPodInfo) -> None:
        self.unschedulable.pop(qpi.pod_info.uid, None)
        if qpi.timer is not None:
            qpi.timer.cancel()
            qpi.timer = None
        if self._backoff_left(qpi) > 0:
            self._to_backoff(qpi)
        else:
            self._activate(qpi)

    def _flush_unschedulable(self, qpi: QueuedPodInfo) -> None:
        qpi.timer = None
        if self.pods.get(qpi.pod_info.uid) is qpi and qpi.where == "unschedulable":
            self._release(qpi)

    # -- backoff ----------------------------------------------------------------------------------

    def _backoff_left(self, qpi: QueuedPodInfo) -> float:
        expiry = qpi.timestamp + round(backoff_duration(qpi.attempts) * NS)
        return (expiry - self.sim.now_ns) / NS

    def _to_backoff(self, qpi: QueuedPodInfo) -> None:
        qpi.where = "backoff"
        qpi.timer = self.owner.schedule(max(self._backoff_left(qpi), 0), self._backoff_done, qpi)

    def _backoff_done(self, qpi: QueuedPodInfo) -> None:
        qpi.timer = None
        if self.pods.get(qpi.pod_info.uid) is qpi and qpi.where == "backoff":
            self._activate(qpi)

    # -- activeQ ----------------------------------------------------------------------------------

    def _activate(self, qpi: QueuedPodInfo) -> None:
        qpi.where = "active"
        self._push(qpi)
        self.on_active()

    def _push(self, qpi: QueuedPodInfo) -> None:
        self._seq += 1
        qpi.seq = self._seq
        heapq.heappush(self._heap, (self.sort_key(qpi), qpi.seq, qpi.pod_info.uid))

    # -- the nominator ----------------------------------------------------------------------------

    def _nominate(self, pod_info: PodInfo) -> None:
        node = (pod_info.pod.get("status") or {}).get("nominatedNodeName") or ""
        self.nominate(pod_info, node)

    def nominate(self, pod_info: PodInfo, node: str) -> None:
        """Remember (or, with ``node=""``, forget) that ``pod_info`` waits for room on ``node``."""
        self._forget_nomination(pod_info.uid)
        if node:
            self.nominated.setdefault(node, {})[pod_info.uid] = pod_info
            self._nominated_node[pod_info.uid] = node

    def _forget_nomination(self, uid: str) -> None:
        node = self._nominated_node.pop(uid, None)
        if node is not None:
            pods = self.nominated[node]
            pods.pop(uid, None)
            if not pods:
                del self.nominated[node]

    def nominated_pods(self, node: str) -> list[PodInfo]:
        return list(self.nominated.get(node, {}).values())
