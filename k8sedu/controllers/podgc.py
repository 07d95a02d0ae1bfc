"""The pod garbage collector (PodGC): force-deletes pods nobody else will ever clean up.

Models ``pkg/controller/podgc/gc_controller.go``. Every 20 s (``gcCheckPeriod``) it:

1. deletes the oldest terminated pods (Succeeded/Failed) beyond ``--terminated-pod-gc-threshold``
   (12 500), evicted ones first;
2. force-deletes terminating pods on nodes that are not Ready **and** carry the
   ``node.kubernetes.io/out-of-service`` taint (an admin's "this node is gone for good");
3. force-deletes pods bound to nodes that no longer exist — after the node has been missing for
   40 s (``quarantineTime``) and a fresh GET confirms it — with the condition
   ``DisruptionTarget`` / ``DeletionByPodGC`` ("PodGC: node no longer exists");
4. force-deletes terminating pods that were never scheduled.

Before deleting a pod that is not terminal it sets its phase to ``Failed``, because no kubelet
will ever do that for an orphaned pod.
"""

from __future__ import annotations

import copy

from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.errors import APIError, ConnectionRefused, NotFound

GC_CHECK_PERIOD = 20.0
QUARANTINE_TIME = 40.0
TERMINATED_POD_THRESHOLD = 12500  # --terminated-pod-gc-threshold
OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"


def is_terminated(pod: dict) -> bool:
    return pod.get("status", {}).get("phase") not in ("Pending", "Running", "Unknown", None)


def gc_order(pod: dict) -> tuple:
    """``byEvictionAndCreationTimestamp``: evicted first, then oldest, then by name."""
    evicted = pod.get("status", {}).get("reason") == "Evicted"
    return (not evicted, pod["metadata"].get("creationTimestamp", ""), pod["metadata"]["name"])


class PodGCController(Controller):
    service_account = "pod-garbage-collector"
    terminated_pod_threshold = TERMINATED_POD_THRESHOLD

    def setup(self) -> None:
        self.informer("pods")
        self.informer("nodes")
        self.missing_since: dict[str, float] = {}  # the nodeQueue: node → when it went missing
        self.every(GC_CHECK_PERIOD, self.gc, first=0)

    def reconcile(self, key: str) -> None:
        """PodGC has no work queue of its own: everything happens in the periodic ``gc``."""

    def gc(self) -> None:
        pods = self.informer("pods").list()
        if self.terminated_pod_threshold > 0:
            self.gc_terminated(pods)
        self.gc_terminating(pods)
        self.gc_orphaned(pods)
        self.gc_unscheduled_terminating(pods)

    def gc_terminated(self, pods: list[dict]) -> None:
        terminated = [p for p in pods if is_terminated(p)]
        excess = len(terminated) - self.terminated_pod_threshold
        for pod in sorted(terminated, key=gc_order)[: max(0, excess)]:
            self.mark_failed_and_delete(pod)

    def gc_terminating(self, pods: list[dict]) -> None:
        nodes = self.informer("nodes")
        doomed = []
        for pod in pods:
            if not pod["metadata"].get("deletionTimestamp"):
                continue
            node = nodes.get(pod["spec"].get("nodeName") or "")
            if node is None:
                continue
            ready = objects.get_condition(node, "Ready")
            out_of_service = any(
                t.get("key") == OUT_OF_SERVICE for t in node["spec"].get("taints") or []
            )
            if (ready is None or ready["status"] != "True") and out_of_service:
                doomed.append(pod)
        for pod in sorted(doomed, key=gc_order):
            self.mark_failed_and_delete(pod)

    def gc_orphaned(self, pods: list[dict]) -> None:
        nodes, now = self.informer("nodes"), self.sim.now
        for pod in pods:
            name = pod["spec"].get("nodeName")
            if name and nodes.get(name) is None:
                self.missing_since.setdefault(name, now)
        deleted = set()  # membership only
        for name, since in sorted(self.missing_since.items()):
            if since + QUARANTINE_TIME > now:
                continue
            del self.missing_since[name]
            if nodes.get(name) is None and not self.node_exists(name):
                deleted.add(name)
        condition = {
            "type": "DisruptionTarget",
            "status": "True",
            "reason": "DeletionByPodGC",
            "message": "PodGC: node no longer exists",
        }
        for pod in pods if deleted else ():
            if pod["spec"].get("nodeName") in deleted:
                self.mark_failed_and_delete(pod, condition)

    def gc_unscheduled_terminating(self, pods: list[dict]) -> None:
        for pod in pods:
            if pod["metadata"].get("deletionTimestamp") and not pod["spec"].get("nodeName"):
                self.mark_failed_and_delete(pod)

    def node_exists(self, name: str) -> bool:
        try:
            self.client.get("nodes", name)
        except NotFound:
            return False
        except (APIError, ConnectionRefused):
            return True  # unsure: the node is queued again on the next pass
        return True

    def mark_failed_and_delete(self, shared: dict, condition: dict | None = None) -> None:
        """``markFailedAndDeletePodWithCondition``: phase Failed first, then delete with grace 0."""
        meta = shared["metadata"]
        try:
            if not is_terminated(shared):
                pod = copy.deepcopy(shared)
                status = pod.setdefault("status", {})
                status["phase"] = "Failed"
                if condition is not None:
                    objects.set_condition(status, condition, self.cluster.timestamp())
                self.client.update_status("pods", pod)
            self.client.delete("pods", meta["name"], meta["namespace"], grace_period=0)
        except (APIError, ConnectionRefused):
            pass  # gone already, or the API is unreachable: the next pass tries again
