"""kube-scheduler: watches pending pods and binds each to a node (``pkg/scheduler/scheduler.go``,
``schedule_one.go``, ``eventhandlers.go``).

The process talks to the API server only, as ``system:kube-scheduler``. Its informers feed the
queue (pods without a node whose ``schedulerName`` is one of its profiles) and the cache (bound
pods and nodes). Each pending pod gets a scheduling cycle (``algorithm.schedule_pod``); then:

* **success** — the pod is assumed on the node at once (so the next cycle counts it), Reserve
  and Permit run, DefaultBinder POSTs the ``pods/binding`` subresource, and a ``Scheduled`` event
  says ``Successfully assigned default/web-1 to node-2``;
* **failure** — PostFilter (preemption) may evict victims and nominate a node; a
  ``FailedScheduling`` event carries the aggregated message, the pod gets the condition
  ``PodScheduled=False`` (reason ``Unschedulable``) and goes back to the queue.

Cycles run on the simulated clock at the instant a pod becomes ready to try (no API latency),
one pod after another. ``explain(pod)`` returns the pod's latest cycle in detail.

With a replicated control plane every copy elects a leader through the Lease
``kube-system/kube-scheduler`` (``k8sedu/client/leaderelection.py``); only the leader works.

Simplified: a standby starts its informers only once it leads (the real one warms its cache
first), and losing the Lease ends the work without ending the process; binding is synchronous
(no separate binding goroutine); events are core/v1 Events through the EventRecorder.
"""

from __future__ import annotations

import copy
import dataclasses
from functools import partial

from k8sedu.apiserver.client import Client
from k8sedu.client.events import EventRecorder
from k8sedu.client.informer import EventHandler, InformerFactory
from k8sedu.client.leaderelection import LeaderElector, stop_owned_work
from k8sedu.component import Component
from k8sedu.errors import APIError, ConnectionRefused, NotFound
from k8sedu.scheduler import config as schedconfig
from k8sedu.scheduler.algorithm import schedule_pod
from k8sedu.scheduler.cache import Cache
from k8sedu.scheduler.explain import CycleRecord, Explanation
from k8sedu.scheduler.framework import Code, CycleState
from k8sedu.scheduler.nodeinfo import PodInfo
from k8sedu.scheduler.queue import SchedulingQueue
from k8sedu.scheduler.runtime import Framework

NOTE_LENGTH_LIMIT = 1024  # validation.NoteLengthLimit: longer event messages are truncated
ACTIVE_PODS = "status.phase!=Succeeded,status.phase!=Failed"
LISTERS = ("services", "replicasets", "statefulsets", "poddisruptionbudgets", "namespaces")


class Scheduler(Component):
    name = "kube-scheduler"
    user = "system:kube-scheduler"
    leader_elect = False  # a cluster's control plane sets it: work only while holding the Lease
    host_name = "control-plane"

    def __init__(
        self, cluster, config: dict | str | None = None, *, name: str | None = None
    ) -> None:
        super().__init__(cluster, name)
        self.elector: LeaderElector | None = None
        self.leading = False
        self.config = schedconfig.parse(config)
        self.custom: dict[str, list[tuple]] = {}  # profile -> learner plugins (like flags: kept)
        self.rng = cluster.sim.rng("kube-scheduler")
        self._forget_everything()

    def _forget_everything(self) -> None:
        self.client: Client | None = None
        self.informers: InformerFactory | None = None
        self.cache: Cache | None = None
        self.queue: SchedulingQueue | None = None
        self.frameworks: dict[str, Framework] = {}
        self.explanations: dict[str, CycleRecord] = {}
        self.next_start_node_index = 0
        self._recorders: dict[str, EventRecorder] = {}
        self._kicked = False

    @property
    def percentage_of_nodes_to_score(self) -> int:
        return self.config.percentage_of_nodes_to_score

    # -- configuration ---------------------------------------------------------------------------

    def configure(self, config: dict | str | None) -> None:
        """Use a KubeSchedulerConfiguration (as ``--config`` would); None restores the default."""
        self.config = schedconfig.parse(config)
        self.custom = {name: p for name, p in self.custom.items() if name in self.config.profiles}
        if self.running:
            self._build_frameworks()

    def register(self, factory, weight: int = 1, profile: str = "default-scheduler", replace=None):
        """Add a plugin (a class with ``name`` and extension-point methods) to a profile, or put
        it in place of the default plugin named ``replace``. Returns the plugin instance."""
        if profile not in self.config.profiles:
            raise ValueError(
                f"no profile {profile!r} (profiles: {', '.join(self.config.profiles)})"
            )
        entries = self.custom.setdefault(profile, [])
        entries.append((factory, weight, replace))
        try:
            fwk = Framework(self, self.config.profiles[profile], entries)
        except Exception:
            entries.pop()
            raise
        if self.running:
            self.frameworks[profile] = fwk
        return fwk.added[-1]

    def unregister(self, profile: str = "default-scheduler") -> None:
        """Drop every plugin registered on ``profile``: the defaults come back."""
        self.custom.pop(profile, None)
        if self.running:
            self._build_frameworks()

    def _build_frameworks(self) -> None:
        self.frameworks = {
            name: Framework(self, profile, self.custom.get(name, ()))
            for name, profile in self.config.profiles.items()
        }

    def framework(self, profile: str = "default-scheduler") -> Framework:
        return self.frameworks[profile]

    def recorder(self, profile: str) -> EventRecorder:
        rec = self._recorders.get(profile)
        if rec is None:
            rec = self._recorders[profile] = EventRecorder(self.client, profile)
        return rec

    # -- the process -----------------------------------------------------------------------------

    def on_start(self) -> None:
        if self.leader_elect:
            self.elector = LeaderElector(
                self, "kube-scheduler", self.on_started_leading, self.on_stopped_leading
            )
            self.elector.start()
        else:
            self.on_started_leading()

    def on_started_leading(self) -> None:
        self.leading = True
        self.client = Client(self.cluster, self.user, self.name)
        self.cache = Cache()
        self._build_frameworks()
        sort = next(iter(self.frameworks.values())).points["queueSort"][0]
        key = sort.sort_key if hasattr(sort, "sort_key") else partial(_LessKey, sort.less)
        self.queue = SchedulingQueue(self, key, self._kick)
        self.informers = InformerFactory(self, self.client)
        nodes = self.informers.informer("nodes")
        nodes.add_handler(EventHandler(self._node_added, self._node_updated, self._node_deleted))
        self.pod_informer = self.informers.informer("pods", field_selector=ACTIVE_PODS)
        self.pod_informer.add_handler(
            EventHandler(self._pod_added, self._pod_updated, self._pod_deleted)
        )
        for resource in LISTERS:
            self.informers.informer(resource)
        self.informers.start()

    def on_stop(self) -> None:
        if self.elector is not None:
            self.elector.stop()
            self.elector = None
        self.on_stopped_leading()

    def on_stopped_leading(self) -> None:
        """Every pending cycle, timer and watch ends; the next leader starts from the API."""
        self.leading = False
        stop_owned_work(self)
        if self.informers is not None:
            self.informers.stop()
        self._forget_everything()

    # -- informer handlers (eventhandlers.go) ------------------------------------------------------

    def _responsible(self, pod: dict) -> bool:
        return (pod.get("spec") or {}).get("schedulerName", "default-scheduler") in self.frameworks

    def _pod_added(self, pod: dict) -> None:
        node = (pod.get("spec") or {}).get("nodeName")
        if node:
            self.cache.add_pod(PodInfo(pod), node)
            self.queue.move_all("AssignedPodAdd")
        elif self._responsible(pod):
            self.queue.add(PodInfo(pod))

    def _pod_updated(self, old: dict, new: dict) -> None:
        node = (new.get("spec") or {}).get("nodeName")
        uid = new["metadata"].get("uid", "")
        if node:
            known = self.cache.pod(uid)
            if not (old.get("spec") or {}).get("nodeName"):
                self.queue.delete(uid)
                if known is not None and uid in self.cache.assumed:
                    self.cache.confirm_pod(known.with_pod(new))
                else:
                    self.cache.add_pod(PodInfo(new), node)
                self.queue.move_all("AssignedPodAdd")
                return
            self.cache.add_pod(PodInfo(new), node)
            if old["metadata"].get("labels") != new["metadata"].get("labels"):
                self.queue.move_all("AssignedPodUpdate")
        elif self._responsible(new):
            # a change to the spec or labels may make it schedulable; a status patch does not
            labels_changed = old["metadata"].get("labels") != new["metadata"].get("labels")
            changed = old.get("spec") != new.get("spec") or labels_changed
            self.queue.update(PodInfo(new), changed)

    def _pod_deleted(self, pod: dict) -> None:
        uid = pod["metadata"].get("uid", "")
        key = f"{pod['metadata'].get('namespace', 'default')}/{pod['metadata']['name']}"
        self.explanations.pop(key, None)
        if self.cache.remove_pod(uid) is not None:
            self.queue.move_all("AssignedPodDelete")
        self.queue.delete(uid)

    def _node_added(self, node: dict) -> None:
        self.cache.add_node(node)
        self.queue.move_all("NodeAdd")

    def _node_updated(self, old: dict, new: dict) -> None:
        if self.cache.update_node(old, new):
            self.queue.move_all("NodeUpdate")

    def _node_deleted(self, node: dict) -> None:
        self.cache.remove_node(node)

    # -- scheduling --------------------------------------------------------------------------------

    def _kick(self) -> None:
        """A pod became ready to try: run the scheduling loop at this same instant."""
        if not self._kicked:
            self._kicked = True
            self.schedule(0, self._drain)

    def _drain(self) -> None:
        self._kicked = False
        while self.running:
            qpi = self.queue.pop()
            if qpi is None:
                return
            self.schedule_one(qpi)

    def schedule_one(self, qpi) -> None:
        """One scheduling cycle, then the binding (``ScheduleOne``)."""
        pi = qpi.pod_info
        fwk = self.frameworks.get((pi.pod.get("spec") or {}).get("schedulerName", ""))
        if fwk is None:
            self.queue.delete(pi.uid)
            return
        if pi.terminating:  # skipPodSchedule
            message = f"skip schedule deleting pod: {pi.key}"
            fwk.recorder.event(pi.pod, "Warning", "FailedScheduling", message)
            self.queue.delete(pi.uid)
            return
        cycle = self.queue.scheduling_cycle
        state = CycleState(pi)
        result = schedule_pod(fwk, state, self)
        self.explanations[pi.key] = result.record
        if result.node is None:
            self._failed(fwk, qpi, state, result, cycle)
            return
        node = result.node
        assumed = self.cache.assume_pod(pi, node)
        status = fwk.run_reserve(state, assumed.pod, node)
        if status.is_success:
            status = fwk.run_permit(state, assumed.pod, node)
            if status.is_success:
                status = fwk.run_bind(state, assumed.pod, node)
            if not status.is_success:
                fwk.run_unreserve(state, assumed.pod, node)
        if not status.is_success:
            self.cache.forget_pod(pi.uid)
            result.node, result.status, result.record.chosen = None, status, None
            self._failed(fwk, qpi, state, result, cycle)
            return
        self.queue.done(pi.uid)
        message = f"Successfully assigned {pi.key} to {node}"
        fwk.recorder.event(pi.pod, "Normal", "Scheduled", message)
        self.cluster.trace.record(self.sim.now, self.name, "schedule", "pods", pi.key, node)

    def _failed(self, fwk: Framework, qpi, state: CycleState, result, cycle: int) -> None:
        """``handleSchedulingFailure``: event, condition, nomination, back to the queue."""
        pi, status = qpi.pod_info, result.status
        nominated = None  # None: leave status.nominatedNodeName as it is; "": clear it
        if status.is_rejected and result.statuses:
            post = ""
            if fwk.points["postFilter"]:
                nominated, post_status = fwk.run_post_filter(state, pi.pod, result.statuses)
                post = "" if post_status.is_success else post_status.message
            message = result.fit_error(post)
        else:
            message = status.message
        result.record.message = message
        qpi.unschedulable_plugins = result.unschedulable_plugins
        self.queue.add_unschedulable(qpi, cycle, error=status.code == Code.ERROR)
        if nominated is not None:
            self.queue.nominate(pi, nominated)
        reason = "Unschedulable" if status.is_rejected else "SchedulerError"
        fwk.recorder.event(pi.pod, "Warning", "FailedScheduling", _truncate(message))
        self.cluster.trace.record(self.sim.now, self.name, "unschedulable", "pods", pi.key, message)
        self._update_pod_status(pi, reason, message, nominated)

    def _update_pod_status(self, pi: PodInfo, reason: str, message: str, nominated) -> None:
        """``updatePod``: PodScheduled=False with the reason, and the nominated node."""
        status = pi.pod.get("status") or {}
        conditions = status.get("conditions") or []
        at = next((i for i, c in enumerate(conditions) if c.get("type") == "PodScheduled"), None)
        old = conditions[at] if at is not None else {}
        ops = []
        if (old.get("status"), old.get("reason"), old.get("message")) != ("False", reason, message):
            since = old.get("lastTransitionTime") if old.get("status") == "False" else None
            condition = {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": since or self.cluster.timestamp(),
                "reason": reason,
                "message": message,
            }
            if at is not None:
                ops.append(
                    {"op": "replace", "path": f"/status/conditions/{at}", "value": condition}
                )
            elif conditions:
                ops.append({"op": "add", "path": "/status/conditions/-", "value": condition})
            else:
                ops.append({"op": "add", "path": "/status/conditions", "value": [condition]})
        if nominated is not None and (status.get("nominatedNodeName") or "") != nominated:
            ops.append(_nominated_op(status, nominated))
        if ops:
            self._patch_status(pi, ops)

    def set_nominated_node(self, pi: PodInfo, node: str) -> None:
        """Set or clear (``""``) a pod's ``status.nominatedNodeName``."""
        self.queue.nominate(pi, node)
        status = pi.pod.get("status") or {}
        if (status.get("nominatedNodeName") or "") != node:
            self._patch_status(pi, [_nominated_op(status, node)])

    def _patch_status(self, pi: PodInfo, ops: list[dict]) -> None:
        """A JSON patch of the status (it can write ``lastProbeTime: null``, which a merge
        patch would take for "delete")."""
        if not (pi.pod.get("status")):
            ops = [{"op": "add", "path": "/status", "value": {}}, *ops]
        try:
            self.client.patch("pods/status", pi.name, ops, pi.namespace, type="json")
        except (APIError, ConnectionRefused):
            pass  # the pod is gone or the API server is away; the next cycle tries again

    # -- explain -----------------------------------------------------------------------------------

    def explain(self, pod: str | dict, namespace: str = "default") -> Explanation:
        """The pod's latest scheduling cycle: chosen node or failure message, and every node ×
        plugin verdict and score (rows built on demand)."""
        if isinstance(pod, dict):
            namespace = pod["metadata"].get("namespace", namespace)
            pod = pod["metadata"]["name"]
        key = f"{namespace}/{pod}"
        record = self.explanations.get(key)
        if record is None:
            raise NotFound(f"kube-scheduler has no scheduling cycle for pod {key}")
        return Explanation(key, record.chosen, record.message, record)

    def what_if(
        self,
        pod: str | dict,
        namespace: str = "default",
        weights: dict[str, int] | None = None,
        scoring_strategy: str | None = None,
    ) -> Explanation:
        """Run a pod's scheduling decision again with other plugin weights or another
        NodeResourcesFit scoring strategy (``LeastAllocated``, ``MostAllocated``…), binding
        nothing: the cluster, the queue and the scheduler's random stream stay as they were."""
        if isinstance(pod, dict):
            namespace = pod["metadata"].get("namespace", namespace)
            pod = pod["metadata"]["name"]
        obj = self.client.get("pods", pod, namespace)
        obj["spec"].pop("nodeName", None)  # a placed pod is decided again as if still pending
        pi = PodInfo(obj)
        profile_name = (obj.get("spec") or {}).get("schedulerName", "default-scheduler")
        profile = _what_if_profile(self.config.profiles[profile_name], weights, scoring_strategy)
        fwk = Framework(self, profile, self.custom.get(profile_name, ()))
        saved = (self.next_start_node_index, self.rng.getstate())
        placed = self.cache.pod_node.get(pi.uid)
        was_assumed = pi.uid in self.cache.assumed
        counted = self.cache.remove_pod(pi.uid)  # decide as if the pod were not placed yet
        try:
            result = schedule_pod(fwk, CycleState(pi), self)
        finally:
            self.next_start_node_index = saved[0]
            self.rng.setstate(saved[1])
            if counted is not None:
                self.cache.add_pod(counted, placed)
                if was_assumed:
                    self.cache.assumed.add(pi.uid)
        record = result.record
        message = record.message or (
            result.fit_error("") if result.node is None and result.statuses else ""
        )
        return Explanation(f"{namespace}/{pod}", result.node, message, record)


def _what_if_profile(profile, weights: dict | None, scoring_strategy: str | None):
    """A copy of a profile with other score weights or another NodeResourcesFit strategy."""
    weights = weights or {}
    args = copy.deepcopy(profile.args)
    if scoring_strategy:
        fit = args.setdefault(
            "NodeResourcesFit", copy.deepcopy(profile.plugin_args("NodeResourcesFit"))
        )
        fit.setdefault("scoringStrategy", {})["type"] = scoring_strategy
    return dataclasses.replace(
        profile,
        multi_point=[(name, weights.get(name, weight)) for name, weight in profile.multi_point],
        args=args,
    )


def _truncate(message: str) -> str:
    """``truncateMessage``: an event note is at most 1024 bytes."""
    if len(message) <= NOTE_LENGTH_LIMIT:
        return message
    return message[: NOTE_LENGTH_LIMIT - 4] + " ..."


def _nominated_op(status: dict, node: str) -> dict:
    if not node:
        return {"op": "remove", "path": "/status/nominatedNodeName"}
    op = "replace" if "nominatedNodeName" in status else "add"
    return {"op": op, "path": "/status/nominatedNodeName", "value": node}


class _LessKey:
    """A heap key for a QueueSort plugin that only has ``less`` (picklable, unlike a closure)."""

    __slots__ = ("less", "qpi")

    def __init__(self, less, qpi) -> None:
        self.less, self.qpi = less, qpi

    def __lt__(self, other: _LessKey) -> bool:
        return self.less(self.qpi, other.qpi)
