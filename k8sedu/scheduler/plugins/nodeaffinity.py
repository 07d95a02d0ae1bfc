"""NodeAffinity: ``nodeSelector`` and node affinity, required (filter) and preferred (score).

Sources: ``pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go`` and
``k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go``. A node passes when
it has every ``nodeSelector`` label AND matches at least one required term (terms are ORed, the
expressions inside a term ANDed; an empty term matches nothing). Operators: In, NotIn, Exists,
DoesNotExist, Gt, Lt on labels; ``matchFields`` on ``metadata.name``. The score is the sum of the
weights of the preferred terms the node matches, normalized so the best node gets 100.
PreFilter and PreScore skip pods that set none of this.
"""

from __future__ import annotations

import numpy as np

from k8sedu import labels as labelsel
from k8sedu.scheduler.framework import SKIP, Code, Status, default_normalize_score

NAME = "NodeAffinity"
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
_REJECTED = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_POD)
_OPERATORS = {
    "In": labelsel.IN,
    "NotIn": labelsel.NOT_IN,
    "Exists": labelsel.EXISTS,
    "DoesNotExist": labelsel.DOES_NOT_EXIST,
    "Gt": labelsel.GREATER_THAN,
    "Lt": labelsel.LESS_THAN,
}


def _requirements(expressions: list | None) -> list[labelsel.Requirement] | None:
    """Parsed requirements; None when an operator is unknown (the term then never matches)."""
    out = []
    for e in expressions or ():
        operator = _OPERATORS.get(e.get("operator", ""))
        if operator is None:
            return None
        out.append(labelsel.Requirement(e.get("key", ""), operator, tuple(e.get("values") or ())))
    return out


class NodeSelectorTerm:
    """One ``NodeSelectorTerm``: label expressions AND ``metadata.name`` field expressions."""

    def __init__(self, term: dict) -> None:
        self.exprs = _requirements(term.get("matchExpressions"))
        self.fields = _requirements(term.get("matchFields"))
        self.empty = not term.get("matchExpressions") and not term.get("matchFields")

    def matches(self, labels: dict, name: str) -> bool:
        if self.empty or self.exprs is None or self.fields is None:
            return False
        fields = {"metadata.name": name}
        return all(r.matches(labels) for r in self.exprs) and all(
            r.matches(fields) for r in self.fields
        )

    def rows(self, table) -> np.ndarray:
        """The same test for every table row at once: a boolean mask."""
        if self.empty or self.exprs is None or self.fields is None:
            return np.zeros(len(table), dtype=bool)
        mask = np.ones(len(table), dtype=bool)
        for r in self.exprs:
            mask &= requirement_rows(r, table)
        for r in self.fields:
            names = np.array(table.names, dtype=object)
            mask &= np.fromiter((r.matches({"metadata.name": n}) for n in names), bool, len(names))
        return mask


def requirement_rows(r: labelsel.Requirement, table) -> np.ndarray:
    """Rows whose label ``r.key`` satisfies ``r``, judged once per distinct label value."""
    index = table.label_index(r.key)
    mask = np.zeros(len(table), dtype=bool)
    for value, rows in index.items():
        if r.matches({} if value is None else {r.key: value}):
            mask[rows] = True
    return mask


class RequiredNodeAffinity:
    """``GetRequiredNodeAffinity``: the pod's ``nodeSelector`` plus its required terms."""

    def __init__(self, pod: dict) -> None:
        spec = pod.get("spec") or {}
        self.selector = spec.get("nodeSelector") or None
        affinity = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
        self.terms = None
        if affinity is not None:
            self.terms = [NodeSelectorTerm(t) for t in affinity.get("nodeSelectorTerms") or ()]

    @property
    def empty(self) -> bool:
        return self.selector is None and self.terms is None

    def matches(self, labels: dict, name: str) -> bool:
        if self.selector and any(labels.get(k) != v for k, v in self.selector.items()):
            return False
        return self.terms is None or any(t.matches(labels, name) for t in self.terms)

    def rows(self, table) -> np.ndarray:
        mask = np.ones(len(table), dtype=bool)
        for key, value in (self.selector or {}).items():
            mask &= requirement_rows(labelsel.Requirement(key, labelsel.EQUALS, (value,)), table)
        if self.terms is not None:
            any_term = np.zeros(len(table), dtype=bool)
            for term in self.terms:
                any_term |= term.rows(table)
            mask &= any_term
        return mask


def preferred_terms(pod: dict) -> list[tuple[int, NodeSelectorTerm]]:
    """``NewPreferredSchedulingTerms``: weighted terms, skipping weight 0 and empty terms."""
    spec = pod.get("spec") or {}
    raw = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "preferredDuringSchedulingIgnoredDuringExecution"
    )
    terms = [(t.get("weight", 0), NodeSelectorTerm(t.get("preference") or {})) for t in raw or ()]
    return [(w, t) for w, t in terms if w and not t.empty]


class NodeAffinity:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle

    def pre_filter(self, state, pod) -> Status | None:
        required = RequiredNodeAffinity(pod)
        if required.empty:
            return SKIP
        state.write("PreFilter" + NAME, required)
        return None

    def filter(self, state, pod, node_info) -> Status | None:
        required = state.read("PreFilter" + NAME)
        return None if required.matches(node_info.labels, node_info.name) else _REJECTED

    def filter_batch(self, state, pod_info, table):
        matched = state.read("PreFilter" + NAME).rows(table)
        return (None if matched.all() else (~matched).astype(np.int32)), [None, _REJECTED]

    def pre_score(self, state, pod, nodes) -> Status | None:
        terms = preferred_terms(pod)
        if not terms:
            return SKIP
        state.write("PreScore" + NAME, terms)
        return None

    def score(self, state, pod, node_info) -> tuple[int, Status | None]:
        terms = state.read("PreScore" + NAME)
        labels, name = node_info.labels, node_info.name
        return sum(w for w, t in terms if t.matches(labels, name)), None

    def score_batch(self, state, pod_info, table, rows: np.ndarray) -> np.ndarray:
        total = np.zeros(len(table), dtype=np.int64)
        for weight, term in state.read("PreScore" + NAME):
            total += term.rows(table) * weight
        return total[rows]

    def normalize_batch(self, state, pod_info, scores: np.ndarray, rows) -> np.ndarray:
        return default_normalize_score(scores)
