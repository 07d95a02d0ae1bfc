"""NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory fill up evenly.

Source: ``pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go``. With the pod
placed, each resource's fraction ``min(requested / allocatable, 1)``; the score is
``int((1 - std) * 100)`` where std is ``|f1 - f2| / 2`` for two resources (the usual cpu and
memory) and the population standard deviation for more. It counts **actual** requests
(``useRequested: true``), and PreScore skips BestEffort pods (they request nothing; kubernetes
issue #129138), so that they are not all packed onto one node.
"""

from __future__ import annotations

import math

import numpy as np

from k8sedu.scheduler.framework import MAX_NODE_SCORE, SKIP, Status
from k8sedu.scheduler.plugins.noderesources import DEFAULT_RESOURCES, node_values, table_values

NAME = "NodeResourcesBalancedAllocation"


def balanced_resource_score(requested: list[int], allocatable: list[int]) -> int:
    """``balancedResourceScorer`` for one node (Go's float64 arithmetic, step by step)."""
    fractions = []
    total = 0.0
    for req, alloc in zip(requested, allocatable):
        if alloc == 0:
            continue
        fraction = min(req / alloc, 1.0)
        total += fraction
        fractions.append(fraction)
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = total / len(fractions)
        squares = 0.0
        for fraction in fractions:
            squares = squares + (fraction - mean) * (fraction - mean)
        std = math.sqrt(squares / len(fractions))
    return int((1 - std) * MAX_NODE_SCORE)


def balanced_score(requested: list[np.ndarray], allocatable: list[np.ndarray]) -> np.ndarray:
    """``balanced_resource_score`` for arrays of nodes (the batch twin)."""
    fractions = []
    for req, alloc in zip(requested, allocatable):
        counted = alloc != 0
        fraction = np.minimum(req / np.where(counted, alloc, 1), 1.0)
        fractions.append((counted, fraction))
    if len(fractions) == 2 and fractions[0][0].all() and fractions[1][0].all():
        # the usual case, every node has cpu and memory: std = |f1 - f2| / 2
        std = np.abs((fractions[0][1] - fractions[1][1]) / 2)
        return np.trunc((1 - std) * MAX_NODE_SCORE).astype(np.int64)
    n = len(requested[0])
    count = np.zeros(n, dtype=np.int64)
    first = np.zeros(n)
    second = np.zeros(n)
    total = np.zeros(n)
    for counted, fraction in fractions:  # the first two counted fractions, and their sum
        second = np.where(counted & (count == 1), fraction, second)
        first = np.where(counted & (count == 0), fraction, first)
        total = np.where(counted, total + fraction, total)
        count += counted
    std = np.where(count == 2, np.abs((first - second) / 2), 0.0)
    if (count > 2).any():
        mean = total / np.maximum(count, 1)
        squares = np.zeros(n)
        for counted, fraction in fractions:
            squares = np.where(counted, squares + (fraction - mean) * (fraction - mean), squares)
        std = np.where(count > 2, np.sqrt(squares / np.maximum(count, 1)), std)
    return np.trunc((1 - std) * MAX_NODE_SCORE).astype(np.int64)


class BalancedAllocation:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle
        self.resources = [r["name"] for r in (args or {}).get("resources") or DEFAULT_RESOURCES]

    def pre_score(self, state, pod, nodes) -> Status | None:
        requests = [node_values_of_pod(state.pod_info, r) for r in self.resources]
        return SKIP if not any(requests) else None

    def score(self, state, pod, node_info) -> tuple[int, Status | None]:
        return self._score(state.pod_info, node_info), None

    def _score(self, pod_info, ni) -> int:
        pairs = [node_values(ni, pod_info, r, True) for r in self.resources]
        return balanced_resource_score([r for _, r in pairs], [a for a, _ in pairs])

    def score_batch(self, state, pod_info, table, rows: np.ndarray) -> np.ndarray:
        def compute(some: np.ndarray) -> np.ndarray:
            pairs = [table_values(table, some, pod_info, r, True) for r in self.resources]
            return balanced_score([r for _, r in pairs], [a for a, _ in pairs])

        key = (NAME, tuple(self.resources), pod_info.requests)
        return table.memo_rows(key, compute, lambda i: self._score(pod_info, table.infos[i]))[rows]


def node_values_of_pod(pod_info, resource: str) -> int:
    """The pod's own actual request for one resource."""
    req = pod_info.requests
    named = {"cpu": req.cpu, "memory": req.memory, "ephemeral-storage": req.ephemeral_storage}
    return named[resource] if resource in named else dict(req.scalar).get(resource, 0)
