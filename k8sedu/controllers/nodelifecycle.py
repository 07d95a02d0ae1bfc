"""The node-lifecycle controller: notices nodes that stopped reporting and taints them.

Models ``pkg/controller/nodelifecycle/node_lifecycle_controller.go`` (with
``pkg/controller/util/node/controller_utils.go``). Every ``--node-monitor-period`` (5 s) it looks
at each Node's health signals: the kubelet's Lease in ``kube-node-lease`` (renewed every 10 s) and
the Ready condition's ``lastHeartbeatTime``. The *probe time* is when the controller last **saw**
either change. When ``now`` is after probe + ``--node-monitor-grace-period`` (50 s since v1.32;
60 s for a node that never posted Ready), it sets Ready, MemoryPressure, DiskPressure and
PIDPressure to ``Unknown`` ("Kubelet stopped posting node status."), marks the node's pods
``Ready=False`` and records ``NodeNotReady``.

Taints follow the Ready condition:

* ``NoSchedule`` at once, on every Node change: Ready False/Unknown → ``not-ready`` /
  ``unreachable``; MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable True → the
  pressure taints; ``spec.unschedulable`` → ``node.kubernetes.io/unschedulable``.
* ``NoExecute`` (which makes the taint-eviction controller delete pods) on the monitor pass
  *after* the one that saw the node unhealthy, through a per-zone rate limiter: 0.1 nodes/s with
  burst 1. A zone where at least 55 % of more than 2 nodes are unhealthy is in
  ``PartialDisruption`` (0.01 nodes/s if it has more than 50 nodes, otherwise no tainting at
  all); if every zone has no Ready node at all the controller assumes the problem is its own
  network and stops tainting everywhere.

So a node whose kubelet dies right after a heartbeat is ``NotReady`` 50–55 s later (the first
pass strictly after probe + 50 s, plus up to 5 s until the pass that saw the last renewal), gets
``unreachable:NoExecute`` one pass (5 s) after that, and its pods go 300 s later.

Simplified: the taint queue runs at the instant a token is there (the real one polls every
100 ms); the legacy label reconciliation and the retry bookkeeping for failed pod updates are left
out.
"""

from __future__ import annotations

import copy

from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.client.informer import index_by_node_name
from k8sedu.controllers.tainteviction import (
    NOT_READY_NO_EXECUTE,
    UNREACHABLE_NO_EXECUTE,
    change_taints,
    has_taint,
    is_condition_taint,
    no_schedule_taints,
    taint_diff,
)
from k8sedu.errors import APIError, ConnectionRefused

NODE_MONITOR_PERIOD = 5.0  # --node-monitor-period
NODE_MONITOR_GRACE_PERIOD = 50.0  # --node-monitor-grace-period (40 s up to v1.31, PR #126287)
NODE_STARTUP_GRACE_PERIOD = 60.0  # --node-startup-grace-period
EVICTION_QPS = 0.1  # --node-eviction-rate
SECONDARY_EVICTION_QPS = 0.01  # --secondary-node-eviction-rate
LARGE_CLUSTER_THRESHOLD = 50  # --large-cluster-size-threshold
UNHEALTHY_ZONE_THRESHOLD = 0.55  # --unhealthy-zone-threshold
LEASE_NAMESPACE = "kube-node-lease"
EXCLUDE_DISRUPTION_LABEL = "node.kubernetes.io/exclude-disruption"
UNKNOWN_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")

# Ready status → (NoExecute taint to add, the opposite one to remove): mutually exclusive
NO_EXECUTE_FOR = {
    "False": (NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE),
    "Unknown": (UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE),
}
INITIAL, NORMAL = "Initial", "Normal"
FULL_DISRUPTION, PARTIAL_DISRUPTION = "FullDisruption", "PartialDisruption"


class TokenBucket:
    """``flowcontrol.NewTokenBucketRateLimiter(qps, burst)``, starting full; qps 0 never accepts
    (``SwapLimiter(0)`` installs a never-accepting limiter)."""

    def __init__(self, qps: float, burst: int, now: float) -> None:
        self.qps, self.burst = qps, burst
        self.tokens, self.last = float(burst), now

    def _refill(self, now: float) -> None:
        if self.qps > 0:
            self.tokens = min(float(self.burst), self.tokens + (now - self.last) * self.qps)
        self.last = now

    def try_accept(self, now: float) -> bool:
        self._refill(now)
        if self.qps <= 0 or self.tokens < 1 - 1e-9:  # float refills: 10 × 0.1 may be 0.999…
            return False
        self.tokens -= 1
        return True

    def wait(self, now: float) -> float | None:
        """Seconds until a token is there (None: never)."""
        self._refill(now)
        if self.qps <= 0:
            return None
        return 0.0 if self.tokens >= 1 - 1e-9 else (1 - self.tokens) / self.qps

    def swap(self, qps: float, now: float) -> None:
        """``SwapLimiter``: a new limiter (full again) unless the rate is the same."""
        if qps != self.qps:
            self.qps, self.tokens, self.last = qps, float(self.burst), now


def zone_key(node: dict) -> str:
    """``nodetopology.GetZoneKey``: region and zone labels joined by ``":\\x00:"``, or ``""``."""
    labels = node["metadata"].get("labels") or {}
    region = labels.get("topology.kubernetes.io/region", "")
    zone = labels.get("topology.kubernetes.io/zone", "")
    return f"{region}:\x00:{zone}" if region or zone else ""


def compute_zone_state(ready_statuses: list[str | None], threshold: float) -> tuple[int, str]:
    """``ComputeZoneState``: (unhealthy count, state) from the zone's Ready statuses.

    >>> compute_zone_state(["True", "Unknown", "Unknown", "Unknown", "True"], 0.55)
    (3, 'PartialDisruption')
    >>> compute_zone_state(["Unknown", "Unknown"], 0.55)
    (2, 'FullDisruption')
    """
    ready = sum(1 for s in ready_statuses if s == "True")
    not_ready = len(ready_statuses) - ready
    if ready == 0 and not_ready > 0:
        return not_ready, FULL_DISRUPTION
    if not_ready > 2 and not_ready / (not_ready + ready) >= threshold:
        return not_ready, PARTIAL_DISRUPTION
    return not_ready, NORMAL


class NodeLifecycleController(Controller):
    """Node health (Unknown after the grace period), condition taints, pods marked not ready."""

    resource = "nodes"  # node changes queue the NoSchedule tainting pass
    service_account = "node-controller"
    event_component = "node-controller"

    monitor_period = NODE_MONITOR_PERIOD
    grace_period = NODE_MONITOR_GRACE_PERIOD
    startup_grace_period = NODE_STARTUP_GRACE_PERIOD
    eviction_qps = EVICTION_QPS
    secondary_eviction_qps = SECONDARY_EVICTION_QPS

    def setup(self) -> None:
        self.known: dict[str, dict] = {}  # knownNodeSet
        self.health: dict[str, dict] = {}  # nodeHealthMap: probe, ready (hb, transition), lease
        self.zone_states: dict[str, str] = {}
        self.zone_limiters: dict[str, TokenBucket] = {}
        self.zone_queues: dict[str, list[str]] = {}  # zoneNoExecuteTainter, in order added
        self.zone_done: dict[str, dict[str, None]] = {}  # processed, kept in the UniqueQueue's set
        self._taint_timer = None
        self.informer("leases")
        self.informer("pods").add_indexers({"spec.nodeName": index_by_node_name})
        self.handle("pods", self.pod_added, self.pod_updated)
        self.every(self.monitor_period, self.monitor_node_health, first=0)

    # -- pods assigned to a node that is already unhealthy (processPod) ----------------------------

    def pod_added(self, pod: dict) -> None:
        if pod["spec"].get("nodeName"):
            self.queue.add(objects.key_of(pod))

    def pod_updated(self, old: dict, new: dict) -> None:
        if new["spec"].get("nodeName") and new["spec"]["nodeName"] != old["spec"].get("nodeName"):
            self.queue.add(objects.key_of(new))

    def reconcile(self, key: str) -> None:
        if "/" in key:  # a pod: ns/name
            pod = self.informer("pods").get(key)
            health = self.health.get((pod or {}).get("spec", {}).get("nodeName", ""))
            if pod is not None and health and health["ready"] and health["status"] != "True":
                self.mark_pods_not_ready([pod], pod["spec"]["nodeName"])
            return
        self.no_schedule_tainting_pass(key)

    def no_schedule_tainting_pass(self, name: str) -> None:
        """``doNoScheduleTaintingPass``: make the condition taints match the conditions."""
        node = self.informer("nodes").get(name)
        if node is None:
            return
        existing = [t for t in node["spec"].get("taints") or [] if t.get("effect") == "NoSchedule"]
        wanted = no_schedule_taints(node)
        to_add, to_remove = taint_diff(wanted, [t for t in existing if is_condition_taint(t)])
        if to_add or to_remove:
            change_taints(self.client, node, to_add, to_remove, self.cluster.timestamp())

    # -- the monitor pass --------------------------------------------------------------------------

    def monitor_node_health(self) -> None:
        """``monitorNodeHealth``: every 5 s, for every node."""
        nodes = self.informer("nodes").list()
        names = {n["metadata"]["name"] for n in nodes}
        for node in nodes:
            name = node["metadata"]["name"]
            if name not in self.known:
                self.node_event(node, "RegisteredNode", f"Registered Node {name} in Controller")
                self.known[name] = node
                self.add_zone(zone_key(node))
                self.mark_node_as_reachable(node)
            self.add_zone(zone_key(node))
        for name in sorted(self.known):
            if name not in names:
                gone = self.known.pop(name)
                self.node_event(gone, "RemovingNode", f"Removing Node {name} from Controller")
        zone_conditions: dict[str, list[str | None]] = {}
        for node in nodes:
            try:
                observed, current, node = self.try_update_node_health(node)
            except (APIError, ConnectionRefused):
                continue  # "Skipping - no pods will be evicted"
            labels = node["metadata"].get("labels") or {}
            if EXCLUDE_DISRUPTION_LABEL not in labels:
                zone_conditions.setdefault(zone_key(node), []).append(
                    current.get("status") if current else None
                )
            if current is None:
                continue
            self.process_taint_based_eviction(node, observed["status"])
            if current["status"] != "True" and observed["status"] == "True":
                self.node_event(node, "NodeNotReady", None)
                pods = self.informer("pods").by_index("spec.nodeName", node["metadata"]["name"])
                self.mark_pods_not_ready(pods, node["metadata"]["name"])
        self.handle_disruption(zone_conditions, nodes)

    def try_update_node_health(self, node: dict) -> tuple[dict, dict | None, dict]:
        """``tryUpdateNodeHealth``: (observed Ready, current Ready, node as now stored)."""
        name, now = node["metadata"]["name"], self.sim.now
        health = self.health.get(name)
        current = objects.get_condition(node, "Ready")
        created = node["metadata"].get("creationTimestamp")
        if current is None:  # never posted: a fake Unknown condition, and the startup grace
            observed = {"type": "Ready", "status": "Unknown", "lastHeartbeatTime": created}
            grace = self.startup_grace_period
            if health is None:
                start = objects.parse_timestamp(created, self.cluster.epoch) if created else now
                health = {"probe": start, "ready": None, "lease": None}
        else:
            observed = dict(current)
            grace = self.grace_period
        # a Node made through the API may carry conditions without timestamps
        seen = (
            (current.get("lastHeartbeatTime"), current.get("lastTransitionTime"))
            if current
            else None
        )
        saved_lease = health["lease"] if health else None
        new_signal = (
            health is None
            or (health["ready"] is None) != (seen is None)  # the condition appeared or vanished
            or (seen is not None and health["ready"][0] != seen[0])  # a newer status heartbeat
        )
        if new_signal:
            health = {"probe": now, "ready": seen, "lease": None}
        lease = self.informer("leases").get(f"{LEASE_NAMESPACE}/{name}")
        renewed = (lease or {}).get("spec", {}).get("renewTime")
        if renewed and (saved_lease is None or saved_lease < renewed):
            health["lease"], health["probe"] = renewed, now
        elif health["lease"] is None:
            health["lease"] = saved_lease
        health["status"] = current.get("status") if current else None
        self.health[name] = health
        if not now > health["probe"] + grace:
            return observed, current, node
        if all(
            (objects.get_condition(node, t) or {}).get("status") == "Unknown"
            for t in UNKNOWN_CONDITIONS
        ):  # already marked Unknown on an earlier pass: nothing to write, no copy to make
            return observed, current, node
        node = copy.deepcopy(node)
        status = node.setdefault("status", {})
        stamp = self.cluster.timestamp()
        for type_ in UNKNOWN_CONDITIONS:
            cond = objects.get_condition(status, type_)
            if cond is None:
                status.setdefault("conditions", []).append(
                    {
                        "type": type_,
                        "status": "Unknown",
                        "lastHeartbeatTime": created,
                        "lastTransitionTime": stamp,
                        "reason": "NodeStatusNeverUpdated",
                        "message": "Kubelet never posted node status.",
                    }
                )
            elif cond["status"] != "Unknown":
                cond.update(
                    status="Unknown",
                    reason="NodeStatusUnknown",
                    message="Kubelet stopped posting node status.",
                    lastTransitionTime=stamp,
                )
        current = objects.get_condition(status, "Ready")
        if current != observed:
            node = self.client.update_status("nodes", node)
            current = objects.get_condition(node, "Ready")
            health["ready"] = (current.get("lastHeartbeatTime"), current.get("lastTransitionTime"))
            health["status"] = current["status"]
        return observed, current, node

    # -- NoExecute taints through the zone queues --------------------------------------------------

    def process_taint_based_eviction(self, node: dict, observed: str) -> None:
        """``processTaintBaseEviction``: queue the NoExecute taint for the Ready status seen."""
        if observed == "True":
            self.mark_node_as_reachable(node)
            return
        if observed not in NO_EXECUTE_FOR:
            return
        taint, opposite = NO_EXECUTE_FOR[observed]
        if has_taint(node, opposite):  # not-ready ↔ unreachable swap at once, no rate limit
            change_taints(self.client, node, [taint], [opposite], self.cluster.timestamp())
        else:
            self.mark_node_for_tainting(node, taint)

    def mark_node_for_tainting(self, node: dict, taint: dict) -> None:
        """``markNodeForTainting``: queued once; once processed it stays in the queue's set
        (``RemoveFromQueue``) until its taint is found missing."""
        zone, name = zone_key(node), node["metadata"]["name"]
        queue, done = self.zone_queues[zone], self.zone_done[zone]
        if not has_taint(node, taint):
            done.pop(name, None)
            if name in queue:
                queue.remove(name)
        if name not in queue and name not in done:
            queue.append(name)
            self.schedule_tainting_pass()

    def mark_node_as_reachable(self, node: dict) -> None:
        remove = [t for t in (UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE) if has_taint(node, t)]
        if remove:
            change_taints(self.client, node, [], remove, self.cluster.timestamp())
        zone, name = zone_key(node), node["metadata"]["name"]
        self.zone_done.get(zone, {}).pop(name, None)
        if name in self.zone_queues.get(zone, []):
            self.zone_queues[zone].remove(name)

    def schedule_tainting_pass(self) -> None:
        """Run ``doNoExecuteTaintingPass`` when the first queued zone has a token again."""
        waits = [
            self.zone_limiters[zone].wait(self.sim.now)
            for zone, queue in self.zone_queues.items()
            if queue
        ]
        waits = [w for w in waits if w is not None]
        if not waits:
            return
        if self._taint_timer is not None and not self._taint_timer.cancelled:
            self._taint_timer.cancel()
        self._taint_timer = self.schedule(min(waits), self.no_execute_tainting_pass)

    def no_execute_tainting_pass(self) -> None:
        self._taint_timer = None
        for zone in sorted(self.zone_queues):
            queue, limiter = self.zone_queues[zone], self.zone_limiters[zone]
            while queue and limiter.try_accept(self.sim.now):
                name = queue.pop(0)
                self.zone_done[zone][name] = None
                node = self.informer("nodes").get(name)
                ready = objects.get_condition(node, "Ready") if node else None
                if ready is None or ready["status"] not in NO_EXECUTE_FOR:
                    continue  # gone, or Ready again: nothing to taint
                add, remove = NO_EXECUTE_FOR[ready["status"]]
                if not change_taints(self.client, node, [add], [remove], self.cluster.timestamp()):
                    del self.zone_done[zone][name]
                    queue.append(name)
        self.schedule_tainting_pass()

    # -- zones -------------------------------------------------------------------------------------

    def add_zone(self, zone: str) -> None:
        """``addPodEvictorForNewZone``."""
        if zone not in self.zone_states:
            self.zone_states[zone] = INITIAL
            self.zone_queues[zone] = []
            self.zone_done[zone] = {}
            self.zone_limiters[zone] = TokenBucket(self.eviction_qps, 1, self.sim.now)

    def handle_disruption(self, zone_conditions: dict[str, list], nodes: list[dict]) -> None:
        """``handleDisruption``: per-zone states and eviction rates; total outage stops tainting."""
        new_states = {
            zone: compute_zone_state(conds, UNHEALTHY_ZONE_THRESHOLD)[1]
            for zone, conds in zone_conditions.items()
        }
        all_are_full = all(s == FULL_DISRUPTION for s in new_states.values())
        for zone in list(self.zone_states):
            if zone not in zone_conditions:
                del self.zone_states[zone]
        all_were_full = all(s == FULL_DISRUPTION for s in self.zone_states.values())
        if all_are_full and all_were_full:
            return
        if all_are_full:  # every node down: more likely our own network; stop everything
            for node in nodes:
                self.mark_node_as_reachable(node)
            for zone in self.zone_states:
                self.zone_limiters[zone].swap(0, self.sim.now)
                self.zone_states[zone] = FULL_DISRUPTION
            return
        if all_were_full:  # leaving master disruption mode: everyone gets a fresh grace period
            for node in nodes:
                self.health.get(node["metadata"]["name"], {})["probe"] = self.sim.now
            for zone in self.zone_states:
                self.set_limiter(zone, len(zone_conditions[zone]), new_states[zone])
                self.zone_states[zone] = new_states[zone]
            return
        for zone, state in sorted(self.zone_states.items()):
            if new_states[zone] != state:
                self.set_limiter(zone, len(zone_conditions[zone]), new_states[zone])
                self.zone_states[zone] = new_states[zone]

    def set_limiter(self, zone: str, size: int, state: str) -> None:
        if state == PARTIAL_DISRUPTION:  # ReducedQPSFunc
            qps = self.secondary_eviction_qps if size > LARGE_CLUSTER_THRESHOLD else 0
        else:  # Normal, and HealthyQPSFunc for FullDisruption
            qps = self.eviction_qps
        self.zone_limiters[zone].swap(qps, self.sim.now)
        self.schedule_tainting_pass()

    # -- pods and events ---------------------------------------------------------------------------

    def mark_pods_not_ready(self, pods: list[dict], node_name: str) -> None:
        """``MarkPodsNotReady``: Ready=False on each pod of the node, with a NodeNotReady Event."""
        for shared in pods:
            ready = objects.get_condition(shared, "Ready")
            if shared["spec"].get("nodeName") != node_name or ready is None:
                continue
            if ready.get("status") == "False":
                continue
            pod = copy.deepcopy(shared)
            objects.set_condition(
                pod["status"], dict(ready, status="False"), self.cluster.timestamp()
            )
            try:
                self.client.update_status("pods", pod)
            except (APIError, ConnectionRefused):
                continue
            self.recorder.event(pod, "Warning", "NodeNotReady", "Node is not ready")

    def node_event(self, node: dict, reason: str, what: str | None) -> None:
        """``RecordNodeEvent`` / ``RecordNodeStatusChange`` (``what`` None)."""
        name = node["metadata"]["name"]
        ref = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "uid": node["metadata"].get("uid", "")},
        }
        message = (
            f"Node {name} status is now: {reason}" if what is None else f"Node {name} event: {what}"
        )
        self.recorder.event(ref, "Normal", reason, message)
