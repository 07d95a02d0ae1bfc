"""The taint-eviction controller: deletes pods from nodes with ``NoExecute`` taints they do not
tolerate.

Models ``pkg/controller/tainteviction/taint_eviction.go``. It watches Nodes and Pods. When a node's
``NoExecute`` taints change, every pod on the node is looked at:

* a taint the pod does not tolerate → the pod is deleted at once;
* tolerated with ``tolerationSeconds: s`` (the smallest one counts) → deleted ``s`` seconds after
  the controller saw the taint; the DefaultTolerationSeconds admission plugin gives every pod
  300 s for ``not-ready`` and ``unreachable``, which is where the classic "evicted 5 minutes after
  the node died" comes from;
* tolerated without ``tolerationSeconds`` → never deleted;
* the taint goes away before the time is up → the deletion is cancelled (an Event says so).

Before deleting, it adds the pod condition ``DisruptionTarget`` (reason ``DeletionByTaintManager``).

Simplified: one worker instead of eight sharded ones; the timed work queue is a simulation timer
per pod.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.client.informer import index_by_node_name
from k8sedu.errors import APIError, Conflict, ConnectionRefused, NotFound
from k8sedu.objects import tolerates

NODE_PREFIX = "node:"
POD_PREFIX = "pod:"


# -- tolerations (k8s.io/api/core/v1 toleration.go, pkg/apis/core/v1/helper/helpers.go) -------------


def matching_tolerations(taints: list[dict], tolerations: list[dict]) -> tuple[bool, list[dict]]:
    """``GetMatchingTolerations``: are all taints tolerated, and by which tolerations (first match)."""
    used = []
    for taint in taints:
        match = next((t for t in tolerations if tolerates(t, taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def untolerated_taint(taints: list[dict], tolerations: list[dict], effects: tuple) -> dict | None:
    """``FindMatchingUntoleratedTaint``: the first taint with one of ``effects`` not tolerated."""
    for taint in taints:
        if taint.get("effect") in effects and not any(tolerates(t, taint) for t in tolerations):
            return taint
    return None


def min_toleration_seconds(tolerations: list[dict]) -> float:
    """``getMinTolerationTime``: 0 if any is ≤ 0, -1 (forever) if none sets ``tolerationSeconds``."""
    if not tolerations:
        return 0
    seconds = [
        t["tolerationSeconds"] for t in tolerations if t.get("tolerationSeconds") is not None
    ]
    if not seconds:
        return -1
    return max(0, min(seconds))


# -- the node-controller's taints (node_lifecycle_controller.go, pkg/controller/controller_utils.go) --

UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
NOT_READY_NO_EXECUTE = {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}
UNREACHABLE_NO_EXECUTE = {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}
# nodeConditionToTaintKeyStatusMap: condition type → {status → taint key}
CONDITION_TAINTS = {
    "Ready": {"False": "node.kubernetes.io/not-ready", "Unknown": "node.kubernetes.io/unreachable"},
    "MemoryPressure": {"True": "node.kubernetes.io/memory-pressure"},
    "DiskPressure": {"True": "node.kubernetes.io/disk-pressure"},
    "NetworkUnavailable": {"True": "node.kubernetes.io/network-unavailable"},
    "PIDPressure": {"True": "node.kubernetes.io/pid-pressure"},
}
CONDITION_TAINT_KEYS = tuple(key for m in CONDITION_TAINTS.values() for key in m.values())


def same_taint(a: dict, b: dict) -> bool:
    """``Taint.MatchTaint``: same key and effect (value and timeAdded do not matter)."""
    return a.get("key") == b.get("key") and a.get("effect") == b.get("effect")


def has_taint(node: dict, taint: dict) -> bool:
    return any(same_taint(t, taint) for t in node.get("spec", {}).get("taints") or [])


def no_schedule_taints(node: dict) -> list[dict]:
    """The NoSchedule taints a node's conditions and ``spec.unschedulable`` call for."""
    wanted = []
    for cond in node.get("status", {}).get("conditions") or []:
        key = CONDITION_TAINTS.get(cond.get("type"), {}).get(cond.get("status"))
        if key:
            wanted.append({"key": key, "effect": "NoSchedule"})
    if node.get("spec", {}).get("unschedulable"):
        wanted.append({"key": UNSCHEDULABLE, "effect": "NoSchedule"})
    return wanted


def is_condition_taint(taint: dict) -> bool:
    """A taint the node controller owns (``taintKeyToNodeConditionMap`` or unschedulable)."""
    return taint.get("key") == UNSCHEDULABLE or taint.get("key") in CONDITION_TAINT_KEYS


def taint_diff(wanted: list[dict], existing: list[dict]) -> tuple[list[dict], list[dict]]:
    """``TaintSetDiff``: (taints to add, taints to remove), matched by key and effect."""
    to_add = [t for t in wanted if not any(same_taint(t, e) for e in existing)]
    to_remove = [e for e in existing if not any(same_taint(t, e) for t in wanted)]
    return to_add, to_remove


def change_taints(client, node: dict, add: list[dict], remove: list[dict], now: str) -> bool:
    """``SwapNodeControllerTaint``: add taints stamped ``timeAdded`` and remove others, retrying
    on conflict with a fresh read (``AddOrUpdateTaintOnNode`` / ``RemoveTaintOffNode``)."""
    name = node["metadata"]["name"]
    for attempt in range(5):
        try:
            current = node if attempt == 0 else client.get("nodes", name)
        except NotFound:
            return True
        except (APIError, ConnectionRefused):
            return False
        old = list(current.get("spec", {}).get("taints") or [])
        new = [t for t in old if not any(same_taint(t, r) for r in remove)]
        for taint in add:
            if not any(same_taint(t, taint) for t in new):
                new.append(dict(taint, timeAdded=now))
        if new == old:
            return True
        patch = {
            "metadata": {"resourceVersion": current["metadata"]["resourceVersion"]},
            "spec": {"taints": new or None},
        }
        try:
            client.patch("nodes", name, patch, type="merge")
            return True
        except Conflict:
            continue
        except (APIError, ConnectionRefused):
            return False
    return False


def no_execute_taints(node: dict | None) -> list[dict]:
    if node is None:
        return []
    return [t for t in node.get("spec", {}).get("taints") or [] if t.get("effect") == "NoExecute"]


def _taint_identity(taints: list[dict]) -> list[tuple]:
    # Semantic.DeepEqual compares timeAdded too: a re-added taint restarts the clocks
    return [(t.get("key"), t.get("value"), t.get("effect"), t.get("timeAdded")) for t in taints]


class TaintEvictionController(Controller):
    """Deletes pods that do not tolerate their node's ``NoExecute`` taints, on time."""

    service_account = "taint-eviction-controller"

    def setup(self) -> None:
        self.tainted_nodes: dict[str, list[dict]] = {}  # node → its NoExecute taints
        self.scheduled: dict[
            str, tuple[float, float, object]
        ] = {}  # ns/pod → (created, fire, timer)
        pods = self.informer("pods")
        pods.add_indexers({"spec.nodeName": index_by_node_name})
        self.handle("nodes", self.node_added, self.node_updated, self.node_deleted)
        self.handle("pods", self.pod_added, self.pod_updated, self.pod_deleted)

    # -- handlers: NodeUpdated / PodUpdated --------------------------------------------------------

    def node_added(self, node: dict) -> None:
        self.queue.add(NODE_PREFIX + node["metadata"]["name"])

    def node_updated(self, old: dict, new: dict) -> None:
        if _taint_identity(no_execute_taints(old)) != _taint_identity(no_execute_taints(new)):
            self.queue.add(NODE_PREFIX + new["metadata"]["name"])

    def node_deleted(self, node: dict) -> None:
        self.queue.add(NODE_PREFIX + node["metadata"]["name"])

    def pod_added(self, pod: dict) -> None:
        self.queue.add(POD_PREFIX + objects.key_of(pod))

    def pod_updated(self, old: dict, new: dict) -> None:
        same_node = old["spec"].get("nodeName") == new["spec"].get("nodeName")
        if same_node and old["spec"].get("tolerations") == new["spec"].get("tolerations"):
            return
        self.queue.add(POD_PREFIX + objects.key_of(new))

    def pod_deleted(self, pod: dict) -> None:
        self.queue.add(POD_PREFIX + objects.key_of(pod))

    # -- reconcile ---------------------------------------------------------------------------------

    def reconcile(self, key: str) -> None:
        if key.startswith(NODE_PREFIX):
            self.handle_node_update(key[len(NODE_PREFIX) :])
        else:
            self.handle_pod_update(key[len(POD_PREFIX) :])

    def handle_node_update(self, name: str) -> None:
        node = self.informer("nodes").get(name)
        if node is None:
            self.tainted_nodes.pop(name, None)
            return
        taints = no_execute_taints(node)
        if taints:
            self.tainted_nodes[name] = taints
        else:
            self.tainted_nodes.pop(name, None)
        for pod in self.informer("pods").by_index("spec.nodeName", name):
            if taints:
                self.process_pod_on_node(pod, taints)
            else:
                self.cancel(objects.key_of(pod))

    def handle_pod_update(self, key: str) -> None:
        pod = self.informer("pods").get(key)
        if pod is None:
            self.cancel(key)
            return
        taints = self.tainted_nodes.get(pod["spec"].get("nodeName") or "")
        if taints:
            self.process_pod_on_node(pod, taints)

    def process_pod_on_node(self, pod: dict, taints: list[dict]) -> None:
        """``processPodOnNode``: delete now, at a deadline, or never."""
        key = objects.key_of(pod)
        now = self.sim.now
        all_tolerated, used = matching_tolerations(taints, pod["spec"].get("tolerations") or [])
        if not all_tolerated:
            self.cancel(key)
            self.add_work(key, now, now)
            return
        seconds = min_toleration_seconds(used)
        if seconds < 0:
            self.cancel(key)
            return
        if key in self.scheduled:
            return  # work created earlier keeps its deadline (startTime is always before now)
        self.add_work(key, now, now + seconds)

    # -- the timed work queue (TimedWorkerQueue) ---------------------------------------------------

    def add_work(self, key: str, created: float, fire_at: float) -> None:
        timer = self.schedule(max(0.0, fire_at - self.sim.now), self.delete_pod, key)
        self.scheduled[key] = (created, fire_at, timer)

    def cancel(self, key: str) -> None:
        scheduled = self.scheduled.pop(key, None)
        if scheduled is None:
            return
        scheduled[2].cancel()
        ns, _, name = key.partition("/")
        self.recorder.event(
            _pod_ref(ns, name),
            "Normal",
            "TaintManagerEviction",
            f"Cancelling deletion of Pod {key}",
        )

    def delete_pod(self, key: str) -> None:
        """``deletePodHandler``: an Event, the DisruptionTarget condition, then a normal delete."""
        self.scheduled.pop(key, None)
        ns, _, name = key.partition("/")
        self.recorder.event(
            _pod_ref(ns, name), "Normal", "TaintManagerEviction", f"Marking for deletion Pod {key}"
        )
        try:
            pod = self.client.get("pods", name, ns)
            status = pod.setdefault("status", {})
            changed = objects.set_condition(
                status,
                {
                    "type": "DisruptionTarget",
                    "status": "True",
                    "reason": "DeletionByTaintManager",
                    "message": "Taint manager: deleting due to NoExecute taint",
                },
                self.cluster.timestamp(),
            )
            if changed:
                self.client.update_status("pods", pod)
            self.client.delete("pods", name, ns)
        except (APIError, ConnectionRefused):
            pass  # already gone (or the API is down: the real handler gives up after 5 tries)


def _pod_ref(namespace: str, name: str) -> dict:
    # the real controller records against an ObjectReference without uid or resourceVersion
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": namespace, "name": name}}
