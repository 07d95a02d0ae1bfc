"""The Cluster Autoscaler: add worker machines for pods that fit nowhere, remove idle ones.

Models ``kubernetes/autoscaler``'s cluster-autoscaler, which runs beside the control plane (a
Deployment in ``kube-system``) and talks to the API server and to the cloud. Every 10 s
(``--scan-interval``) its loop (``StaticAutoscaler.RunOnce``):

* **scale-up** — pods the scheduler marked ``PodScheduled=False`` / ``Unschedulable`` that would
  not fit on a node that exists or is already coming are packed (first fit, biggest first) onto
  copies of each node group's template node; a group whose template fits some of them grows by
  that many nodes, up to its ``max_size`` (expander ``random``: a seeded pick among the groups
  that help). The pods get ``TriggeredScaleUp`` or ``NotTriggerScaleUp`` events. A new machine
  joins — its kubelet registers the Node — after the group's ``provision_delay``.
* **scale-down** — a node of a group above its ``min_size`` is *unneeded* while its pods'
  requests stay under 50 % of its allocatable CPU and memory
  (``--scale-down-utilization-threshold``) and every pod that must move fits on another node.
  Unneeded for 10 min (``--scale-down-unneeded-time``; 20 min if NotReady), and not within 10 min
  of a scale-up (``--scale-down-delay-after-add``), it is tainted
  ``ToBeDeletedByClusterAutoscaler``, drained through the eviction API and its machine deleted.
  Empty nodes go together; at most one node is drained at a time (``--max-drain-parallelism``).

Pods without a controller, pods annotated ``cluster-autoscaler.kubernetes.io/safe-to-evict:
"false"`` and ``kube-system`` pods keep their node; DaemonSet and mirror pods do not count.

Simplified: the cloud is ``k8sedu/cloud.py``; the predicates are the scheduler's
NodeUnschedulable, NodeAffinity, TaintToleration, NodeResourcesFit and PodTopologySpread filters
(not InterPodAffinity: a pod kept Pending only by required anti-affinity triggers no scale-up);
PodDisruptionBudgets act through the eviction API only (a refused eviction is retried each loop
for 10 min, then the node is given back); no local-storage rule; no status ConfigMap.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.apiserver.client import Client
from k8sedu.client.events import EventRecorder
from k8sedu.client.informer import InformerFactory
from k8sedu.cloud import CloudProvider, NodeGroup, cloud
from k8sedu.component import Component
from k8sedu.errors import APIError, ConnectionRefused
from k8sedu.scheduler.framework import CycleState
from k8sedu.scheduler.nodeinfo import NodeInfo, PodInfo
from k8sedu.scheduler.plugins.nodeaffinity import NodeAffinity
from k8sedu.scheduler.plugins.noderesources import Fit
from k8sedu.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from k8sedu.scheduler.plugins.podtopologyspread import PodTopologySpread
from k8sedu.scheduler.plugins.tainttoleration import TaintToleration

SCAN_INTERVAL = 10.0  # --scan-interval
UTILIZATION_THRESHOLD = 0.5  # --scale-down-utilization-threshold
UNNEEDED_TIME = 600.0  # --scale-down-unneeded-time
UNREADY_TIME = 1200.0  # --scale-down-unready-time
DELAY_AFTER_ADD = 600.0  # --scale-down-delay-after-add
MAX_GRACEFUL_TERMINATION = 600.0  # --max-graceful-termination-sec
MAX_EMPTY_BULK_DELETE = 10  # --max-empty-bulk-delete
TO_BE_DELETED = "ToBeDeletedByClusterAutoscaler"
SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict"
SCALE_DOWN_DISABLED = "cluster-autoscaler.kubernetes.io/scale-down-disabled"
MIRROR = "kubernetes.io/config.mirror"
FILTERS = (NodeUnschedulable(), NodeAffinity(), TaintToleration(), Fit())


class World:
    """The nodes a simulation sees, shaped as the scheduler's handle: PodTopologySpread's
    PreFilter counts matching pods over ``handle.cache.table().infos``."""

    def __init__(self, infos: list[NodeInfo]) -> None:
        self.infos = infos
        self.cache = self

    def table(self) -> World:
        return self


def rejections(pod: PodInfo, node: NodeInfo, world: list[NodeInfo]) -> tuple[str, ...]:
    """The scheduler filters' reasons ``pod`` cannot go to ``node`` among the nodes of
    ``world`` (empty: it fits)."""
    state = CycleState(pod)
    for plugin in (*FILTERS, PodTopologySpread(World(world))):
        pre = getattr(plugin, "pre_filter", None)
        if pre is not None and (skip := pre(state, pod.pod)) is not None and skip.is_skip:
            continue
        status = plugin.filter(state, pod.pod, node)
        if status is not None and not status.is_success:
            return status.reasons
    return ()


def place(pod: PodInfo, nodes: list[NodeInfo], world: list[NodeInfo]) -> NodeInfo | None:
    """First fit: the first of ``nodes`` that takes the pod, which is then counted on it."""
    for node in nodes:
        if not rejections(pod, node, world):
            node.add_pod(pod)
            return node
    return None


def is_unschedulable(pod: dict) -> bool:
    condition = objects.get_condition(pod, "PodScheduled")
    return (
        not pod["spec"].get("nodeName")
        and not pod["metadata"].get("deletionTimestamp")
        and condition is not None
        and condition.get("status") == "False"
        and condition.get("reason") == "Unschedulable"
    )


def is_active(pod: dict) -> bool:
    return pod.get("status", {}).get("phase") not in ("Succeeded", "Failed")


def stays_with_node(pod: dict) -> bool:
    """DaemonSet and mirror pods are not moved: they end with their node."""
    owner = objects.controller_of(pod) or {}
    return owner.get("kind") == "DaemonSet" or MIRROR in (pod["metadata"].get("annotations") or {})


def blocks_scale_down(pod: dict) -> bool:
    """``drain.GetPodsToMove``' blockers: pods that must not be evicted by the autoscaler."""
    annotations = pod["metadata"].get("annotations") or {}
    if annotations.get(SAFE_TO_EVICT) == "false":
        return True
    if annotations.get(SAFE_TO_EVICT) == "true":
        return False
    return objects.controller_of(pod) is None or pod["metadata"].get("namespace") == "kube-system"


def size(pod: PodInfo, node: NodeInfo) -> float:
    """The binpacking estimator's order: the pod's share of a template node's CPU plus memory."""
    alloc = node.allocatable
    return pod.requests.cpu / max(alloc.cpu, 1) + pod.requests.memory / max(alloc.memory, 1)


class ClusterAutoscaler(Component):
    """The cluster-autoscaler process: one loop every 10 s over pods, nodes and node groups."""

    name = "cluster-autoscaler"
    user = "system:serviceaccount:kube-system:cluster-autoscaler"

    def on_start(self) -> None:
        self.client = Client(self.cluster, self.user, self.name)
        self.recorder = EventRecorder(self.client, self.name)
        self.informers: InformerFactory | None = None  # made once a node group exists
        self.unneeded_since: dict[str, float] = {}
        self.draining: dict[str, float] = {}  # node → when its drain started
        self.last_scale_up = float("-inf")
        self.every(SCAN_INTERVAL, self.run_once)

    def on_stop(self) -> None:
        if self.informers is not None:
            self.informers.stop()
        self.informers = None
        self.unneeded_since, self.draining = {}, {}

    def run_once(self) -> None:
        """``RunOnce``: finish drains, scale up for pending pods, else maybe scale down."""
        provider = cloud(self.cluster)
        if not provider.groups:
            return  # nothing to manage: an idle loop costs nothing
        if self.informers is None:
            self.informers = InformerFactory(self, self.client)
            self.informers.informer("nodes")
            self.informers.informer("pods")
            self.informers.start()
        if not self.informers.has_synced():
            return
        provider.forget_missing()
        nodes = {objects.name_of(n): n for n in self.informers.informer("nodes").list()}
        pods = [p for p in self.informers.informer("pods").list() if is_active(p)]
        infos = {name: NodeInfo(node) for name, node in sorted(nodes.items())}
        for pod in pods:
            info = infos.get(pod["spec"].get("nodeName") or "")
            if info is not None:
                info.add_pod(PodInfo(pod))
        self.continue_drains(provider, infos)
        pending = sorted((p for p in pods if is_unschedulable(p)), key=objects.name_of)
        scaled_up = bool(pending) and self.scale_up(provider, infos, pending)
        self.update_unneeded(provider, infos)
        if not scaled_up and self.sim.now >= self.last_scale_up + DELAY_AFTER_ADD:
            self.scale_down(provider, infos)

    # -- scale-up ---------------------------------------------------------------------------------

    def scale_up(self, provider: CloudProvider, infos: dict, pending: list[dict]) -> bool:
        """Grow one node group for the pods that fit nowhere, even on machines still booting."""
        room = [info.clone() for info in infos.values() if ready(info.node)]
        room += [
            g.template(i) for g in provider.groups.values() for i in range(len(upcoming(g, infos)))
        ]
        waiting = [PodInfo(p) for p in pending]
        waiting = [p for p in waiting if place(p, room, room) is None]
        if not waiting:
            return False
        options, rejected = [], {p.name: {} for p in waiting}
        for group in sorted(provider.groups.values(), key=lambda g: g.name):
            if group.target_size >= group.max_size:
                for p in waiting:
                    rejected[p.name]["max node group size reached"] = 1
                continue
            template = group.template(len(room))
            fitting = []
            for p in waiting:
                reasons = rejections(p, template, [*room, template])
                for reason in reasons:
                    rejected[p.name][reason] = rejected[p.name].get(reason, 0) + 1
                if not reasons:
                    fitting.append(p)
            count, helped = self.estimate(group, fitting, room)
            if count:
                options.append((group, count, helped))
        if not options:
            for p in waiting:
                reasons = ", ".join(sorted(f"{n} {why}" for why, n in rejected[p.name].items()))
                self.recorder.event(
                    p.pod, "Normal", "NotTriggerScaleUp", f"pod didn't trigger scale-up: {reasons}"
                )
            return False
        rng = self.sim.rng("cluster-autoscaler")
        group, count, helped = rng.choice(options)  # the default expander, "random"
        size_now, size_then = group.target_size, group.target_size + count
        info = f"[{{{group.name} {size_now}->{size_then} (max: {group.max_size})}}]"
        provider.increase(group, count)
        self.last_scale_up = self.sim.now
        for p in helped:
            self.recorder.event(
                p.pod, "Normal", "TriggeredScaleUp", f"pod triggered scale-up: {info}"
            )
        return True

    @staticmethod
    def estimate(
        group: NodeGroup, pods: list[PodInfo], room: list[NodeInfo]
    ) -> tuple[int, list[PodInfo]]:
        """The binpacking estimator: biggest pods first onto new template nodes, within max
        size, beside the nodes in ``room`` (they count for topology spreading)."""
        new: list[NodeInfo] = []
        helped = []
        template = group.template()
        for pod in sorted(pods, key=lambda p: -size(p, template)):
            if place(pod, new, [*room, *new]) is None:
                if len(new) >= group.max_size - group.target_size:
                    continue
                node = group.template(len(room) + len(new))
                if rejections(pod, node, [*room, *new, node]):
                    continue  # not even on a fresh machine (its spread would be too skewed)
                node.add_pod(pod)
                new.append(node)
            helped.append(pod)
        return len(new), sorted(helped, key=lambda p: p.name)

    # -- scale-down -------------------------------------------------------------------------------

    def update_unneeded(self, provider: CloudProvider, infos: dict) -> None:
        """Since when each group machine could go: low use, and its pods fit elsewhere."""
        removed: set[str] = set(self.draining)  # membership only
        room = {name: info.clone() for name, info in infos.items() if name not in removed}
        unneeded = []
        for name, info in infos.items():
            if name in removed or provider.group_of(name) is None or not self.removable(info):
                continue
            trial = {n: i.clone() for n, i in room.items() if n != name and n not in removed}
            movers = [p for p in info.pods if not stays_with_node(p.pod)]
            nodes = list(trial.values())
            if all(place(p, nodes, nodes) is not None for p in movers):
                room.update(trial)  # the moved pods now take room on their new nodes
                removed.add(name)
                unneeded.append(name)
        self.unneeded_since = {n: self.unneeded_since.get(n, self.sim.now) for n in unneeded}

    @staticmethod
    def removable(info: NodeInfo) -> bool:
        """Low enough use (ready nodes only), no opt-out annotation, no pod that must stay."""
        annotations = info.node["metadata"].get("annotations") or {}
        if annotations.get(SCALE_DOWN_DISABLED) == "true":
            return False
        if ready(info.node) and utilization(info) >= UTILIZATION_THRESHOLD:
            return False
        return not any(blocks_scale_down(p.pod) for p in info.pods if not stays_with_node(p.pod))

    def scale_down(self, provider: CloudProvider, infos: dict) -> None:
        """Remove nodes unneeded long enough: empty ones together, one non-empty one at a time."""
        now, emptied = self.sim.now, 0
        for name, since in sorted(self.unneeded_since.items()):
            info, group = infos[name], provider.group_of(name)
            wait = UNNEEDED_TIME if ready(info.node) else UNREADY_TIME
            going = sum(1 for n in self.draining if n in group.nodes)
            if now - since < wait or group.target_size - going <= group.min_size:
                continue
            movers = [p for p in info.pods if not stays_with_node(p.pod)]
            if not movers and emptied < MAX_EMPTY_BULK_DELETE:
                emptied += 1
                self.mark(info.node)
                self.remove(provider, info.node)
            elif movers and not self.draining:
                self.mark(info.node)
                self.draining[name] = now
                self.evict(movers)
            self.unneeded_since.pop(name, None)

    def continue_drains(self, provider: CloudProvider, infos: dict) -> None:
        """A drained node's machine is deleted; one that will not drain in 10 min is given back."""
        for name, started in sorted(self.draining.items()):
            info = infos.get(name)
            movers = [p for p in info.pods if not stays_with_node(p.pod)] if info else []
            if info is None or not movers:
                del self.draining[name]
                if info is not None:
                    self.remove(provider, info.node)
            elif self.sim.now - started > MAX_GRACEFUL_TERMINATION:
                del self.draining[name]
                self.set_taint(info.node, None)
                self.recorder.event(
                    info.node,
                    "Warning",
                    "ScaleDownFailed",
                    "failed to drain the node, aborting ScaleDown",
                )
            else:
                self.evict([p for p in movers if not p.terminating], announce=False)

    def mark(self, node: dict) -> None:
        value = str(int(self.cluster.epoch.timestamp() + self.sim.now))
        self.set_taint(node, {"key": TO_BE_DELETED, "value": value, "effect": "NoSchedule"})
        self.recorder.event(
            node, "Normal", "ScaleDown", "marked the node as toBeDeleted/unschedulable"
        )

    def set_taint(self, node: dict, taint: dict | None) -> None:
        """Add (or, with None, remove) the ToBeDeleted taint."""
        taints = [t for t in node["spec"].get("taints") or [] if t.get("key") != TO_BE_DELETED]
        if taint is not None:
            taints.append(taint)
        try:
            self.client.patch(
                "nodes", objects.name_of(node), {"spec": {"taints": taints}}, type="merge"
            )
        except (APIError, ConnectionRefused):
            pass  # the next loop sees the node as it is and tries again

    def evict(self, pods: list[PodInfo], announce: bool = True) -> None:
        for p in pods:
            if announce:
                self.recorder.event(
                    p.pod, "Normal", "ScaleDown", "deleting pod for node scale down"
                )
            try:
                self.client.evict(p.name, p.namespace)
            except (APIError, ConnectionRefused):
                pass  # a PodDisruptionBudget said no: retried on the next loop

    def remove(self, provider: CloudProvider, node: dict) -> None:
        self.recorder.event(node, "Normal", "ScaleDown", "node removed by cluster autoscaler")
        provider.delete(objects.name_of(node))


def upcoming(group: NodeGroup, infos: dict) -> list[str]:
    """Machines ordered but not yet a Ready Node (``GetUpcomingNodes``); a node that was Ready
    and then failed is unready, not upcoming."""
    joined = [n for n in group.nodes if n not in infos or still_starting(infos[n].node)]
    return group.upcoming + joined


def still_starting(node: dict) -> bool:
    """``isNodeStillStarting``: not Ready, and its Ready condition last changed within 2 min of
    the Node's creation (``MaxStatusSettingDelayAfterCreation``)."""
    if ready(node):
        return False
    condition = objects.get_condition(node, "Ready")
    if condition is None or not condition.get("lastTransitionTime"):
        return True
    changed = objects.parse_timestamp(condition["lastTransitionTime"])
    return changed - objects.parse_timestamp(node["metadata"]["creationTimestamp"]) < 120


def ready(node: dict | None) -> bool:
    condition = objects.get_condition(node or {}, "Ready")
    return condition is not None and condition.get("status") == "True"


def utilization(info: NodeInfo) -> float:
    """``max(cpu, memory)`` requested over allocatable (``utilization.Calculate``)."""
    alloc, used = info.allocatable, info.requested
    return max(used.cpu / max(alloc.cpu, 1), used.memory / max(alloc.memory, 1))
