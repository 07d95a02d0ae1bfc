"""A recording of the cluster over simulated time, for timelines and the rollout player.

``record(cluster)`` attaches a ``History``: it reads the current objects, then watches etcd (as
``etcdctl watch --prefix`` would, not through the API, so recording adds nothing to the audit
trail) and notes every change at the simulated instant it commits: pods by phase, node Ready
status, ReplicaSet and Deployment replicas, HPA metric, target and replicas, and the Events worth
marking on a timeline. A history travels with its cluster: ``snapshot()`` pickles it too.

Simplified: only what the timelines draw is kept, one sample per change instant.
"""

from __future__ import annotations

import json
import weakref
from collections import Counter

from k8sedu.apiserver.registry import resource
from k8sedu.viz import state

WATCHED = ("pods", "nodes", "replicasets", "deployments", "horizontalpodautoscalers", "events")
# Event reasons that mark a timeline (kubelet/controller reasons as the real components emit them)
MARK_REASONS = frozenset(
    {
        "ScalingReplicaSet",
        "SuccessfulRescale",
        "NodeNotReady",
        "RemovingNode",
        "TaintManagerEviction",
        "Preempted",
        "Evicted",
        "OOMKilling",
    }
)

_HISTORIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def record(cluster) -> History:
    """Start recording ``cluster`` (or return the history already recording it)."""
    history = _HISTORIES.get(cluster)
    if history is None:
        history = History(cluster)
    return history


def history_of(cluster) -> History | None:
    return _HISTORIES.get(cluster)


class History:
    """What changed and when, since ``start`` (simulated seconds)."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.start = cluster.now
        self._prefixes = [(resource(p).key_prefix + "/", p) for p in WATCHED]
        self._pods: dict[str, str] = {}  # pod key → state
        self.phases: list[tuple[float, dict[str, int]]] = []  # (t, state → count)
        self.nodes: dict[str, list[tuple[float, str]]] = {}  # node → [(t, Ready/NotReady/…)]
        self.replicasets: dict[
            str, list[tuple[float, int, int]]
        ] = {}  # key → [(t, desired, ready)]
        self.rs_owner: dict[str, str] = {}  # ReplicaSet key → Deployment key
        self.deployments: dict[str, list[tuple[float, int, int]]] = {}  # key → [(t, spec, ready)]
        self.hpas: dict[str, list[tuple[float, float | None, float | None, int]]] = {}
        self.marks: list[tuple[float, str, str]] = []  # (t, reason, object name)
        for plural in WATCHED:
            if plural != "events":  # only events from now on mark the timeline
                for obj in state.objects(cluster, plural):
                    self._note(plural, state.key_of(obj), obj)
        self._handles = [cluster.etcd.watch(prefix, self.on_event) for prefix, _ in self._prefixes]
        _HISTORIES[cluster] = self

    def __setstate__(self, saved: dict) -> None:
        # a restored snapshot carries its history: it becomes the one its cluster records into
        self.__dict__.update(saved)
        _HISTORIES[self.cluster] = self

    def stop(self) -> None:
        for handle in self._handles:
            handle.cancel()
        if _HISTORIES.get(self.cluster) is self:
            del _HISTORIES[self.cluster]

    def on_event(self, event) -> None:
        """An etcd watch event: decode the object and note what the timelines need."""
        key = event.kv.key
        plural = next(p for prefix, p in self._prefixes if key.startswith(prefix))
        if event.type == "DELETE":
            self._note(plural, _object_key(key, plural), None)
        else:
            obj = json.loads(event.kv.value)
            self._note(plural, state.key_of(obj), obj)

    # -- per resource -------------------------------------------------------------------------

    def _note(self, plural: str, key: str, obj: dict | None) -> None:
        t = self.cluster.now
        if plural == "pods":
            self._pod(t, key, obj)
        elif plural == "nodes":
            _append(self.nodes.setdefault(key, []), t, state.node_state(obj) if obj else "Gone")
        elif plural == "replicasets":
            if obj is not None:
                deployment = state.owner(obj, "Deployment")
                if deployment:
                    self.rs_owner[key] = f"{obj['metadata']['namespace']}/{deployment}"
            _append(self.replicasets.setdefault(key, []), t, *_replicas(obj))
        elif plural == "deployments":
            _append(self.deployments.setdefault(key, []), t, *_replicas(obj))
        elif plural == "horizontalpodautoscalers":
            if obj is not None:
                _append(self.hpas.setdefault(key, []), t, *_hpa(obj))
        elif obj is not None and obj.get("reason") in MARK_REASONS:
            name = obj.get("involvedObject", {}).get("name", "")
            self.marks.append((t, obj["reason"], name))

    def _pod(self, t: float, key: str, pod: dict | None) -> None:
        new = state.pod_state(pod) if pod is not None else None
        if self._pods.get(key) == new:
            return
        if new is None:
            del self._pods[key]
        else:
            self._pods[key] = new
        counts = dict(sorted(Counter(self._pods.values()).items()))
        if self.phases and self.phases[-1][0] == t:
            self.phases[-1] = (t, counts)
        else:
            self.phases.append((t, counts))


def _object_key(etcd_key: str, plural: str) -> str:
    return etcd_key[len(resource(plural).key_prefix) + 1 :]


def _append(series: list, t: float, *values) -> None:
    """Add a sample if the values changed; several changes at one instant keep the last."""
    if series and tuple(series[-1][1:]) == values:
        return
    if series and series[-1][0] == t:
        series[-1] = (t, *values)
    else:
        series.append((t, *values))


def _replicas(obj: dict | None) -> tuple[int, int]:
    if obj is None:
        return 0, 0
    return obj.get("spec", {}).get("replicas", 1), obj.get("status", {}).get("readyReplicas", 0)


def _hpa(hpa: dict) -> tuple[float | None, float | None, int]:
    """(current, target, replicas) of the first metric, autoscaling/v2 shape."""
    target = current = None
    metrics = hpa.get("spec", {}).get("metrics") or []
    if metrics and metrics[0].get("type") == "Resource":
        goal = metrics[0]["resource"].get("target", {})
        target = goal.get("averageUtilization")
    for metric in hpa.get("status", {}).get("currentMetrics") or []:
        if metric.get("type") == "Resource":
            current = metric["resource"].get("current", {}).get("averageUtilization")
            break
    return current, target, hpa.get("status", {}).get("currentReplicas", 0)
