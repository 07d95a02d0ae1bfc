"""PodTopologySpread: keep matching pods evenly spread over zones, nodes, or any topology.

Sources: ``pkg/scheduler/framework/plugins/podtopologyspread/{plugin,common,filtering,scoring}.go``
and ``plugins/helper/spread.go`` (``DefaultSelector``).

Filter (``whenUnsatisfiable: DoNotSchedule``), per constraint::

    skew = matching pods in the node's domain + (1 if the pod matches its own selector)
           - min over eligible domains (0 when fewer than minDomains domains exist)
    reject if skew > maxSkew   ("node(s) didn't match pod topology spread constraints")

Score (``ScheduleAnyway``): per constraint ``count * log(domains + 2) + (maxSkew - 1)``, summed
and rounded; fewer matching pods is better after normalization. A pod without constraints of its
own gets the **system defaults** — hostname maxSkew 3 and zone maxSkew 5, both ScheduleAnyway —
when a Service, ReplicaSet or StatefulSet selects it; the selector is theirs. Counting honours
``nodeAffinityPolicy`` (default Honor) and ``nodeTaintsPolicy`` (default Ignore); terminating pods
are not counted.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from k8sedu import labels as labelsel
from k8sedu.objects import controller_of
from k8sedu.scheduler.framework import MAX_NODE_SCORE, SKIP, Code, Status
from k8sedu.scheduler.plugins.nodeaffinity import RequiredNodeAffinity
from k8sedu.scheduler.plugins.tainttoleration import find_untolerated_taint

NAME = "PodTopologySpread"
HOSTNAME = "kubernetes.io/hostname"
ERR_REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints"
ERR_REASON_LABEL = ERR_REASON_CONSTRAINTS + " (missing required label)"
SYSTEM_DEFAULT_CONSTRAINTS = (
    {"topologyKey": HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "maxSkew": 5,
    },
)
MAX_INT32 = 2**31 - 1


class Constraint(NamedTuple):
    max_skew: int
    topology_key: str
    selector: labelsel.Selector
    min_domains: int
    honor_affinity: bool
    honor_taints: bool

    def counts_node(self, pod_info, node_info, required: RequiredNodeAffinity) -> bool:
        """``matchNodeInclusionPolicies``."""
        if self.honor_affinity and not required.matches(node_info.labels, node_info.name):
            return False
        return not (
            self.honor_taints and find_untolerated_taint(node_info.taints, pod_info.tolerations)
        )


def count_matching(node_info, selector: labelsel.Selector, namespace: str) -> int:
    """``countPodsMatchSelector``: same namespace, not terminating, labels selected (remembered
    on the node until its pods change: every cycle asks again for every node)."""
    if selector.empty:
        return 0
    key = (NAME, selector, namespace)
    count = node_info.pod_memo.get(key)
    if count is None:
        count = node_info.pod_memo[key] = sum(
            1
            for p in node_info.pod_infos()
            if p.namespace == namespace and not p.terminating and selector.matches(p.labels)
        )
    return count


def has_all_keys(labels: dict, constraints) -> bool:
    return all(c.topology_key in labels for c in constraints)


class PodTopologySpread:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle
        args = args or {}
        self.system_defaulted = args.get("defaultingType", "System") == "System"
        raw = (
            SYSTEM_DEFAULT_CONSTRAINTS
            if self.system_defaulted
            else tuple(args.get("defaultConstraints") or ())
        )
        # parsed once; their selectors come from DefaultSelector, per pod
        self.defaults = {a: _parse(raw, {}, a) for a in ("DoNotSchedule", "ScheduleAnyway")}
        self._services_seen: tuple = (None, [])

    # -- constraints -----------------------------------------------------------------------------

    def constraints(self, pod_info, action: str) -> list[Constraint]:
        """The pod's constraints for ``action``, or the defaults with ``DefaultSelector``."""
        own = (pod_info.pod.get("spec") or {}).get("topologySpreadConstraints") or []
        if own:
            return _parse(own, pod_info.labels, action)
        chosen = self.defaults[action]
        if not chosen:
            return chosen
        selector = self.default_selector(pod_info)
        if selector.empty:
            return []
        return [c._replace(selector=selector) for c in chosen]

    def default_selector(self, pod_info) -> labelsel.Selector:
        """``helper.DefaultSelector``: the selectors of the Services and the owning ReplicaSet or
        StatefulSet that select this pod, merged."""
        requirements: dict[str, labelsel.Requirement] = {}
        for selector in self._service_selectors(pod_info.namespace):
            if all(pod_info.labels.get(k) == v for k, v in selector.items()):
                for k, v in selector.items():
                    requirements[k] = labelsel.Requirement(k, labelsel.EQUALS, (v,))
        reqs = sorted(requirements.values(), key=lambda r: r.key)
        owner = controller_of(pod_info.pod)
        plural = {"ReplicaSet": "replicasets", "StatefulSet": "statefulsets"}.get(
            (owner or {}).get("kind", "")
        )
        if plural and (owner.get("apiVersion") == "apps/v1"):
            obj = self.handle.informer(plural).get(f"{pod_info.namespace}/{owner['name']}")
            if obj is not None:
                spec = (obj.get("spec") or {}).get("selector")
                reqs += list(labelsel.selector_from_spec(spec).requirements)
        return labelsel.Selector(tuple(reqs))

    def _service_selectors(self, namespace: str) -> list[dict]:
        """The selectors of the Services in a namespace, re-read only when Services change."""
        services = self.handle.informer("services")
        key = (namespace, services.resource_version)
        if self._services_seen[0] != key:
            selectors = [
                (svc.get("spec") or {}).get("selector") for svc in services.list(namespace)
            ]
            self._services_seen = (key, [s for s in selectors if s])
        return self._services_seen[1]

    # -- filter -----------------------------------------------------------------------------------

    def pre_filter(self, state, pod) -> Status | None:
        pi = state.pod_info
        constraints = self.constraints(pi, "DoNotSchedule")
        if not constraints:
            return SKIP
        required = RequiredNodeAffinity(pi.pod)
        counts: dict[tuple[str, str], int] = {}
        for ni in self.handle.cache.table().infos:
            if not has_all_keys(ni.labels, constraints):
                continue
            for c in constraints:
                if c.counts_node(pi, ni, required):
                    pair = (c.topology_key, ni.labels[c.topology_key])
                    counts[pair] = counts.get(pair, 0) + count_matching(
                        ni, c.selector, pi.namespace
                    )
        state.write("PreFilter" + NAME, FilterState(constraints, counts, required))
        return None

    def filter(self, state, pod, node_info) -> Status | None:
        s: FilterState = state.read("PreFilter" + NAME)
        labels = node_info.labels
        for c in s.constraints:
            value = labels.get(c.topology_key)
            if value is None:
                return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_LABEL)
            self_match = 1 if c.selector.matches(state.pod_info.labels) else 0
            skew = s.counts.get((c.topology_key, value), 0) + self_match - s.min_match(c)
            if skew > c.max_skew:
                return Status(Code.UNSCHEDULABLE, ERR_REASON_CONSTRAINTS)
        return None

    def pre_filter_add_pod(self, state, pod, added, node_info) -> None:
        state.read("PreFilter" + NAME).update(state.pod_info, added, node_info, 1)

    def pre_filter_remove_pod(self, state, pod, removed, node_info) -> None:
        state.read("PreFilter" + NAME).update(state.pod_info, removed, node_info, -1)

    # -- score ------------------------------------------------------------------------------------

    def pre_score(self, state, pod, nodes) -> Status | None:
        pi = state.pod_info
        constraints = self.constraints(pi, "ScheduleAnyway")
        if not constraints:
            return SKIP
        own = bool((pi.pod.get("spec") or {}).get("topologySpreadConstraints"))
        require_all = own or not self.system_defaulted
        ignored = {
            ni.name for ni in nodes if require_all and not has_all_keys(ni.labels, constraints)
        }
        counts: list[dict[str, int]] = [{} for _ in constraints]
        for ni in nodes:
            if ni.name not in ignored:
                for i, c in enumerate(constraints):
                    if c.topology_key != HOSTNAME:
                        counts[i].setdefault(ni.labels.get(c.topology_key, ""), 0)
        weights = [
            math.log(
                (len(nodes) - len(ignored) if c.topology_key == HOSTNAME else len(counts[i])) + 2
            )
            for i, c in enumerate(constraints)
        ]
        required = RequiredNodeAffinity(pi.pod)
        for ni in self.handle.cache.table().infos:
            if require_all and not has_all_keys(ni.labels, constraints):
                continue
            for i, c in enumerate(constraints):
                value = ni.labels.get(c.topology_key, "")
                if value in counts[i] and c.counts_node(pi, ni, required):
                    counts[i][value] += count_matching(ni, c.selector, pi.namespace)
        state.write("PreScore" + NAME, (constraints, ignored, counts, weights))
        return None

    def score(self, state, pod, node_info) -> tuple[int, Status | None]:
        constraints, ignored, counts, weights = state.read("PreScore" + NAME)
        if node_info.name in ignored:
            return 0, None
        total = 0.0
        for i, c in enumerate(constraints):
            value = node_info.labels.get(c.topology_key)
            if value is not None:
                if c.topology_key == HOSTNAME:
                    cnt = count_matching(node_info, c.selector, state.pod_info.namespace)
                else:
                    cnt = counts[i][value]
                total += cnt * weights[i] + (c.max_skew - 1)
        return _go_round(total), None

    def normalize_score(self, state, pod, scores: dict[str, int]) -> Status | None:
        ignored = state.read("PreScore" + NAME)[1]
        valid = [s for name, s in scores.items() if name not in ignored]
        lowest, highest = min(valid, default=0), max(max(valid, default=0), 0)
        for name, s in scores.items():
            if name in ignored:
                scores[name] = 0
            elif highest == 0:
                scores[name] = MAX_NODE_SCORE
            else:
                scores[name] = MAX_NODE_SCORE * (highest + lowest - s) // highest
        return None


class FilterState:
    """PreFilter's counts: matching pods per (topology key, value) over eligible nodes."""

    def __init__(self, constraints, counts, required) -> None:
        self.constraints = constraints
        self.counts = counts
        self.required = required

    def min_match(self, c: Constraint) -> int:
        domains = [n for (key, _), n in self.counts.items() if key == c.topology_key]
        if len(domains) < c.min_domains:
            return 0
        return min(domains, default=MAX_INT32)

    def update(self, pod_info, other, node_info, delta: int) -> None:
        """``updateWithPod``: a pod added to or removed from a node during preemption."""
        if other.namespace != pod_info.namespace or not has_all_keys(
            node_info.labels, self.constraints
        ):
            return
        for c in self.constraints:
            if c.selector.matches(other.labels) and c.counts_node(
                pod_info, node_info, self.required
            ):
                pair = (c.topology_key, node_info.labels[c.topology_key])
                self.counts[pair] = self.counts.get(pair, 0) + delta

    def clone(self) -> FilterState:
        return FilterState(self.constraints, dict(self.counts), self.required)


def _parse(raw: list | tuple, pod_labels: dict, action: str) -> list[Constraint]:
    """``filterTopologySpreadConstraints``: those for ``action``, with ``matchLabelKeys``."""
    out = []
    for c in raw:
        if c.get("whenUnsatisfiable", "DoNotSchedule") != action:
            continue
        selector = labelsel.selector_from_spec(c.get("labelSelector"))
        extra = [
            labelsel.Requirement(k, labelsel.EQUALS, (pod_labels[k],))
            for k in c.get("matchLabelKeys") or ()
            if k in pod_labels
        ]
        if extra:
            selector = labelsel.Selector(
                tuple(sorted([*extra, *selector.requirements], key=lambda r: r.key))
            )
        out.append(
            Constraint(
                int(c.get("maxSkew", 1)),
                c.get("topologyKey", ""),
                selector,
                int(c.get("minDomains") or 1),
                c.get("nodeAffinityPolicy", "Honor") == "Honor",
                c.get("nodeTaintsPolicy", "Ignore") == "Honor",
            )
        )
    return out


def _go_round(x: float) -> int:
    """``math.Round``: halves away from zero (Python's ``round`` goes to even)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))
