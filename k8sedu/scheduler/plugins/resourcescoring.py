"""NodeResourcesFit's scoring strategies, per node and (the batch twin) over arrays of nodes.

Sources: ``pkg/scheduler/framework/plugins/noderesources/least_allocated.go``,
``most_allocated.go``, ``requested_to_capacity_ratio.go`` and ``helper/shape_score.go``.
Per resource, with the pod placed (``requested`` includes it):

* LeastAllocated: ``(allocatable - requested) * 100 // allocatable`` (0 if it does not fit)
* MostAllocated: ``min(requested, allocatable) * 100 // allocatable``
* RequestedToCapacityRatio: the broken line ``shape`` at ``requested * 100 // allocatable``
  (shape scores are 0–10, scaled ×10)

then the weighted average over the resources the node has (integer division; the ratio
strategy rounds, and leaves out resources that score 0).
"""

from __future__ import annotations

import math

import numpy as np

from k8sedu.scheduler.framework import MAX_NODE_SCORE, go_div

MAX_UTILIZATION = 100
MAX_CUSTOM_PRIORITY_SCORE = 10  # config.MaxCustomPriorityScore


def least_requested_score(requested: int, capacity: int) -> int:
    """``leastRequestedScore``."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def most_requested_score(requested: int, capacity: int) -> int:
    """``mostRequestedScore``: a pod counted with default requests may overshoot: clamp."""
    if capacity == 0:
        return 0
    return min(requested, capacity) * MAX_NODE_SCORE // capacity


def broken_linear(shape: list[tuple[int, int]], p: int) -> int:
    """``BuildBrokenLinearFunction``: interpolate [(utilization, score)] at ``p``."""
    for i, (util, score) in enumerate(shape):
        if p <= util:
            if i == 0:
                return score
            u0, s0 = shape[i - 1]
            return s0 + int(go_div((score - s0) * (p - u0), util - u0))
    return shape[-1][1]


class Strategy:
    """One ``scoringStrategy``: ``score`` for one node, ``score_batch`` for arrays of nodes."""

    def __init__(self, kind: str, shape: list[dict] | None = None) -> None:
        if kind not in ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"):
            raise ValueError(f"scoringStrategy.type {kind!r} is not supported")
        if kind == "RequestedToCapacityRatio" and not shape:
            raise ValueError("RequestedToCapacityRatio needs requestedToCapacityRatio.shape")
        self.kind = kind
        scale = MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE
        self.shape = [(int(p["utilization"]), int(p["score"]) * scale) for p in shape or ()]

    # -- one node -------------------------------------------------------------------------------

    def resource_score(self, requested: int, capacity: int) -> int:
        if self.kind == "LeastAllocated":
            return least_requested_score(requested, capacity)
        if self.kind == "MostAllocated":
            return most_requested_score(requested, capacity)
        if capacity == 0 or requested > capacity:
            return broken_linear(self.shape, MAX_UTILIZATION)
        return broken_linear(self.shape, requested * MAX_UTILIZATION // capacity)

    def score(self, requested: list[int], allocatable: list[int], weights: list[int]) -> int:
        node_score = weight_sum = 0
        for req, alloc, weight in zip(requested, allocatable, weights):
            if alloc == 0:  # a resource the node does not have is left out
                continue
            score = self.resource_score(req, alloc)
            if self.kind == "RequestedToCapacityRatio" and score <= 0:
                continue
            node_score += score * weight
            weight_sum += weight
        if weight_sum == 0:
            return 0
        if self.kind == "RequestedToCapacityRatio":
            return math.floor(node_score / weight_sum + 0.5)  # math.Round (non-negative)
        return node_score // weight_sum

    # -- many nodes -----------------------------------------------------------------------------

    def resource_scores(self, req: np.ndarray, alloc: np.ndarray) -> np.ndarray:
        safe = np.where(alloc == 0, 1, alloc)
        if self.kind == "LeastAllocated":
            return np.where((alloc == 0) | (req > alloc), 0, (alloc - req) * MAX_NODE_SCORE // safe)
        if self.kind == "MostAllocated":
            return np.where(alloc == 0, 0, np.minimum(req, alloc) * MAX_NODE_SCORE // safe)
        full = (alloc == 0) | (req > alloc)
        p = np.where(full, MAX_UTILIZATION, req * MAX_UTILIZATION // safe)
        out = np.full_like(p, self.shape[-1][1])
        done = np.zeros(p.shape, dtype=bool)
        for i, (util, score) in enumerate(self.shape):
            here = ~done & (p <= util)
            if i == 0:
                value = np.full_like(p, score)
            else:
                u0, s0 = self.shape[i - 1]
                value = s0 + go_div((score - s0) * (p - u0), util - u0)
            out = np.where(here, value, out)
            done |= here
        return out

    def score_batch(self, requested: list, allocatable: list, weights: list[int]) -> np.ndarray:
        node_score = np.zeros(len(requested[0]), dtype=np.int64)
        weight_sum = np.zeros(len(requested[0]), dtype=np.int64)
        for req, alloc, weight in zip(requested, allocatable, weights):
            score = self.resource_scores(req, alloc)
            counted = alloc != 0
            if self.kind == "RequestedToCapacityRatio":
                counted &= score > 0
            node_score += np.where(counted, score * weight, 0)
            weight_sum += counted * weight
        safe = np.maximum(weight_sum, 1)
        if self.kind == "RequestedToCapacityRatio":
            rounded = np.floor(node_score / safe + 0.5).astype(np.int64)
            return np.where(weight_sum == 0, 0, rounded)
        return np.where(weight_sum == 0, 0, node_score // safe)
