"""InterPodAffinity: place pods near (affinity) or away from (anti-affinity) other pods.

Sources: ``pkg/scheduler/framework/plugins/interpodaffinity/{plugin,filtering,scoring}.go``.
A term names pods (namespaces + label selector) and a topology key; "near" means "in the same
topology domain", e.g. the same zone. PreFilter counts, per (topology key, value):

* pods already there that the new pod's required **affinity** terms all match;
* pods there that its required **anti-affinity** terms match;
* pods there whose own required anti-affinity terms match the new pod.

Filter rejects a node whose domain lacks the wanted pods (``node(s) didn't match pod affinity
rules``; a pod matching its own terms may start the group), holds unwanted ones (``node(s)
didn't match pod anti-affinity rules``), or hosts a pod that refuses the new one (``node(s)
didn't satisfy existing pods anti-affinity rules``). Score sums the preferred terms' weights
both ways (and ``hardPodAffinityWeight`` 1 for existing pods' required affinity), per domain,
then scales min..max onto 0..100. Both skip pods and clusters with no affinity at all.
"""

from __future__ import annotations

from k8sedu.scheduler.framework import MAX_NODE_SCORE, SKIP, Code, Status
from k8sedu.scheduler.nodeinfo import AffinityTerm

NAME = "InterPodAffinity"
ERR_AFFINITY = "node(s) didn't match pod affinity rules"
ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"


def matches_all(terms, pod_info) -> bool:
    """``podMatchesAllAffinityTerms`` (no terms: False)."""
    return bool(terms) and all(t.matches(pod_info) for t in terms)


class FilterState:
    """Counts per (topology key, value); ``clone`` for preemption's what-ifs."""

    def __init__(self, terms: dict, ns_labels: dict) -> None:
        self.terms = terms  # the incoming pod's required terms, namespaces resolved
        self.ns_labels = ns_labels
        self.affinity: dict[tuple[str, str], int] = {}
        self.anti: dict[tuple[str, str], int] = {}
        self.existing_anti: dict[tuple[str, str], int] = {}

    def update(self, pod_info, other, node_info, delta: int) -> None:
        """Count ``other`` on ``node_info`` both ways (``updateWithPod``)."""
        self.count_existing(pod_info, other, node_info, delta)
        self.count_incoming(other, node_info, delta)

    def count_existing(self, pod_info, other, node_info, delta: int) -> None:
        """Does ``other``'s required anti-affinity refuse the incoming pod?"""
        labels = node_info.labels
        for t in other.affinity["required_anti"] if other.has_affinity else ():
            if t.matches(pod_info, self.ns_labels) and t.topology_key in labels:
                _add(self.existing_anti, (t.topology_key, labels[t.topology_key]), delta)

    def count_incoming(self, other, node_info, delta: int) -> None:
        """Does ``other`` match the incoming pod's required (anti-)affinity terms?"""
        labels = node_info.labels
        if matches_all(self.terms["required"], other):
            for t in self.terms["required"]:
                if t.topology_key in labels:
                    _add(self.affinity, (t.topology_key, labels[t.topology_key]), delta)
        for t in self.terms["required_anti"]:
            if t.matches(other) and t.topology_key in labels:
                _add(self.anti, (t.topology_key, labels[t.topology_key]), delta)

    def clone(self) -> FilterState:
        copy = FilterState(self.terms, self.ns_labels)
        copy.affinity, copy.anti = dict(self.affinity), dict(self.anti)
        copy.existing_anti = dict(self.existing_anti)
        return copy


def _add(counts: dict, pair: tuple[str, str], delta: int) -> None:
    left = counts.get(pair, 0) + delta
    if left:
        counts[pair] = left
    else:
        counts.pop(pair, None)


class InterPodAffinity:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle
        self.hard_pod_affinity_weight = int((args or {}).get("hardPodAffinityWeight", 1))

    def _resolve(self, terms) -> tuple[AffinityTerm, ...]:
        """``mergeAffinityTermNamespacesIfNotEmpty``: a namespace selector becomes the names of
        the namespaces it selects (an empty selector keeps meaning "every namespace")."""
        out = []
        for t in terms:
            if t.namespace_selector is not None and not t.namespace_selector.empty:
                chosen = [
                    ns["metadata"]["name"]
                    for ns in self.handle.informer("namespaces").list()
                    if t.namespace_selector.matches(ns["metadata"].get("labels"))
                ]
                t = t._replace(namespaces=t.namespaces | frozenset(chosen), namespace_selector=None)
            out.append(t)
        return tuple(out)

    def _namespace_labels(self, namespace: str) -> dict:
        ns = self.handle.informer("namespaces").get(namespace)
        return ((ns or {}).get("metadata") or {}).get("labels") or {}

    # -- filter -----------------------------------------------------------------------------------

    def pre_filter(self, state, pod) -> Status | None:
        pi = state.pod_info
        cache = self.handle.cache
        terms = (
            {k: self._resolve(pi.affinity[k]) for k in ("required", "required_anti")}
            if pi.has_affinity
            else {"required": (), "required_anti": ()}
        )
        if not terms["required"] and not terms["required_anti"] and not cache.anti_affinity_nodes:
            return SKIP
        infos = cache.table().infos
        anti_nodes = [cache.nodes[name] for name in cache.anti_affinity_nodes]
        s = FilterState(terms, self._namespace_labels(pi.namespace))
        for ni in anti_nodes:
            for other in ni.pod_infos():
                s.count_existing(pi, other, ni, 1)
        if terms["required"] or terms["required_anti"]:
            for ni in infos:
                for other in ni.pod_infos():
                    s.count_incoming(other, ni, 1)
        state.write("PreFilter" + NAME, s)
        return None

    def filter(self, state, pod, node_info) -> Status | None:
        s: FilterState = state.read("PreFilter" + NAME)
        labels = node_info.labels
        if not self._satisfies_affinity(s, state.pod_info, labels):
            return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_AFFINITY)
        for t in s.terms["required_anti"]:
            if s.anti.get((t.topology_key, labels.get(t.topology_key)), 0) > 0:
                return Status(Code.UNSCHEDULABLE, ERR_ANTI_AFFINITY)
        if any(s.existing_anti.get((k, v), 0) > 0 for k, v in labels.items()):
            return Status(Code.UNSCHEDULABLE, ERR_EXISTING_ANTI_AFFINITY)
        return None

    @staticmethod
    def _satisfies_affinity(s: FilterState, pod_info, labels: dict) -> bool:
        """``satisfyPodAffinity``, including the first-pod-of-its-group exception."""
        pods_exist = True
        for t in s.terms["required"]:
            if t.topology_key not in labels:
                return False
            if s.affinity.get((t.topology_key, labels[t.topology_key]), 0) <= 0:
                pods_exist = False
        if pods_exist:
            return True
        return not s.affinity and matches_all(s.terms["required"], pod_info)

    def pre_filter_add_pod(self, state, pod, added, node_info) -> None:
        state.read("PreFilter" + NAME).update(state.pod_info, added, node_info, 1)

    def pre_filter_remove_pod(self, state, pod, removed, node_info) -> None:
        state.read("PreFilter" + NAME).update(state.pod_info, removed, node_info, -1)

    # -- score ------------------------------------------------------------------------------------

    def pre_score(self, state, pod, nodes) -> Status | None:
        pi = state.pod_info
        cache = self.handle.cache
        aff = pi.affinity if pi.has_affinity else _EMPTY
        preferred = self._resolve(aff["preferred"])
        preferred_anti = self._resolve(aff["preferred_anti"])
        has_constraints = bool(preferred or preferred_anti)
        if not has_constraints and not cache.affinity_nodes:
            return SKIP
        ns_labels = self._namespace_labels(pi.namespace)
        scores: dict[str, dict[str, int]] = {}

        def process(terms, target, labels_of_target_ns, node_labels, multiplier, weight=None):
            for t in terms:
                if t.matches(target, labels_of_target_ns) and t.topology_key in node_labels:
                    by_value = scores.setdefault(t.topology_key, {})
                    value = node_labels[t.topology_key]
                    w = t.weight if weight is None else weight
                    by_value[value] = by_value.get(value, 0) + w * multiplier

        if has_constraints:
            hosts = cache.table().infos
        else:  # only pods with affinity of their own can matter
            hosts = [cache.nodes[name] for name in cache.affinity_nodes]
        for ni in hosts:
            labels = ni.labels
            if not labels or ni.node is None:
                continue
            for other in ni.pod_infos():
                if not has_constraints and not other.has_affinity:
                    continue
                process(preferred, other, None, labels, 1)
                process(preferred_anti, other, None, labels, -1)
                aff = other.affinity if other.has_affinity else _EMPTY
                if self.hard_pod_affinity_weight > 0:
                    process(
                        aff["required"], pi, ns_labels, labels, 1, self.hard_pod_affinity_weight
                    )
                process(aff["preferred"], pi, ns_labels, labels, 1)
                process(aff["preferred_anti"], pi, ns_labels, labels, -1)
        if not scores:
            return SKIP
        state.write("PreScore" + NAME, scores)
        return None

    def score(self, state, pod, node_info) -> tuple[int, Status | None]:
        scores = state.read("PreScore" + NAME)
        labels = node_info.labels
        return sum(v.get(labels[k], 0) for k, v in scores.items() if k in labels), None

    def normalize_score(self, state, pod, scores: dict[str, int]) -> Status | None:
        if not scores:
            return None
        lowest, highest = min(scores.values()), max(scores.values())
        spread = highest - lowest
        for name, s in scores.items():
            scores[name] = int(MAX_NODE_SCORE * ((s - lowest) / spread)) if spread > 0 else 0
        return None


_EMPTY = {"required": (), "required_anti": (), "preferred": (), "preferred_anti": ()}
