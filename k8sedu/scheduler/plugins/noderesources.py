"""NodeResourcesFit: does the pod fit in what the node has left, and how full would it be?

Sources: ``pkg/scheduler/framework/plugins/noderesources/fit.go`` (filter, ``fitsRequest``) and
``resource_allocation.go`` (what is counted). Filter, with the pod's **actual** requests:
``pods + 1 <= allocatable pods`` (``Too many pods``), then for cpu, memory, ephemeral-storage and
extended resources ``requested + request <= allocatable`` (``Insufficient cpu`` …); every
shortfall is listed. Score, with the **non-zero** requests (a container without a cpu / memory
request counts 100m / 200Mi), by the configured strategy (``resourcescoring.py``; default
LeastAllocated, cpu and memory weighted 1 each).

The batch twins remember each pod shape's answers per node (``NodeTable.memo_rows``): a cycle
recomputes only the nodes whose pods changed since, with the per-node code.
"""

from __future__ import annotations

import numpy as np

from k8sedu.scheduler.framework import Code, Status
from k8sedu.scheduler.plugins.resourcescoring import Strategy

NAME = "NodeResourcesFit"
DEFAULT_RESOURCES = ({"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1})
_BITS = {"pods": 1, "cpu": 2, "memory": 4, "ephemeral-storage": 8}
_REASONS = {
    "pods": "Too many pods",
    "cpu": "Insufficient cpu",
    "memory": "Insufficient memory",
    "ephemeral-storage": "Insufficient ephemeral-storage",
}


# -- what is counted (resource_allocation.go) -----------------------------------------------------


def node_values(ni, pod_info, resource: str, use_requested: bool) -> tuple[int, int]:
    """(allocatable, requested with the pod) of one node for one resource."""
    node_req = ni.requested if use_requested else ni.non_zero_requested
    pod_req = pod_info.requests if use_requested else pod_info.non_zero
    if resource == "cpu":
        return ni.allocatable.cpu, node_req.cpu + pod_req.cpu
    if resource == "memory":
        return ni.allocatable.memory, node_req.memory + pod_req.memory
    if resource == "ephemeral-storage":
        return ni.allocatable.ephemeral_storage, ni.requested.ephemeral_storage + (
            pod_info.requests.ephemeral_storage
        )
    wanted = dict(pod_info.requests.scalar).get(resource, 0)
    if not wanted:  # an extended resource the pod does not ask for is not scored
        return 0, 0
    return dict(ni.allocatable.scalar).get(resource, 0), dict(ni.requested.scalar).get(
        resource, 0
    ) + wanted


def table_values(table, rows, pod_info, resource: str, use_requested: bool):
    """``node_values`` for the table rows ``rows``, as two arrays."""
    pod_req = pod_info.requests if use_requested else pod_info.non_zero
    if resource == "cpu":
        node_req = table.req_cpu if use_requested else table.nz_cpu
        return table.alloc_cpu[rows], node_req[rows] + pod_req.cpu
    if resource == "memory":
        node_req = table.req_mem if use_requested else table.nz_mem
        return table.alloc_mem[rows], node_req[rows] + pod_req.memory
    if resource == "ephemeral-storage":
        return table.alloc_eph[rows], table.req_eph[rows] + pod_info.requests.ephemeral_storage
    pairs = [node_values(table.infos[i], pod_info, resource, use_requested) for i in rows]
    alloc = np.array([a for a, _ in pairs], dtype=np.int64)
    return alloc, np.array([r for _, r in pairs], dtype=np.int64)


# -- the plugin ------------------------------------------------------------------------------------


class Fit:
    """``NodeResourcesFit`` with ``args`` shaped like ``NodeResourcesFitArgs``."""

    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle
        args = args or {}
        strategy = args.get("scoringStrategy") or {}
        self.resources = [r["name"] for r in strategy.get("resources") or DEFAULT_RESOURCES]
        self.weights = [
            int(r.get("weight", 1)) for r in strategy.get("resources") or DEFAULT_RESOURCES
        ]
        shape = (strategy.get("requestedToCapacityRatio") or {}).get("shape")
        self.strategy = Strategy(strategy.get("type", "LeastAllocated"), shape)
        # what the remembered scores depend on besides the pod (see NodeTable.memo_rows)
        self.score_key = (
            NAME,
            self.strategy.kind,
            tuple(self.strategy.shape),
            tuple(self.resources),
            tuple(self.weights),
        )
        self.ignored = set(args.get("ignoredResources") or ())
        self.ignored_groups = set(args.get("ignoredResourceGroups") or ())

    # -- filter ------------------------------------------------------------------------------

    def _scalar_requests(self, pod_info) -> list[tuple[str, int]]:
        return [
            (name, amount)
            for name, amount in pod_info.requests.scalar
            if name not in self.ignored and name.split("/")[0] not in self.ignored_groups
        ]

    def insufficient(self, pod_info, ni) -> list[str]:
        """``fitsRequest``: the names of the resources the node is short of."""
        short = []
        if len(ni) + 1 > ni.allocatable.pods:
            short.append("pods")
        req, alloc, used = pod_info.requests, ni.allocatable, ni.requested
        if not (req.cpu or req.memory or req.ephemeral_storage or req.scalar):
            return short
        if alloc.cpu < req.cpu + used.cpu:
            short.append("cpu")
        if alloc.memory < req.memory + used.memory:
            short.append("memory")
        if alloc.ephemeral_storage < req.ephemeral_storage + used.ephemeral_storage:
            short.append("ephemeral-storage")
        have, taken = dict(alloc.scalar), dict(used.scalar)
        for name, amount in self._scalar_requests(pod_info):
            if have.get(name, 0) < amount + taken.get(name, 0):
                short.append(name)
        return short

    def filter(self, state, pod, node_info) -> Status | None:
        short = self.insufficient(state.pod_info, node_info)
        return _status(short) if short else None

    def filter_batch(self, state, pod_info, table):
        scalars = tuple(self._scalar_requests(pod_info))
        codes = table.memo_rows(
            (NAME, pod_info.requests, scalars),
            lambda rows: self._codes(pod_info, scalars, table, rows),
            lambda i: _code(self.insufficient(pod_info, table.infos[i]), scalars),
        )
        return codes, _Statuses(scalars)

    def _codes(self, pod_info, scalars, table, rows: np.ndarray) -> np.ndarray:
        """Bit ``_BITS[r]`` set where resource r is short (bits 16, 32 … for extended ones)."""
        req = pod_info.requests
        codes = (table.pod_count[rows] + 1 > table.alloc_pods[rows]).astype(np.int32)
        if not (req.cpu or req.memory or req.ephemeral_storage or req.scalar):
            return codes
        codes |= (table.alloc_cpu[rows] < req.cpu + table.req_cpu[rows]) * _BITS["cpu"]
        codes |= (table.alloc_mem[rows] < req.memory + table.req_mem[rows]) * _BITS["memory"]
        short_eph = table.alloc_eph[rows] < req.ephemeral_storage + table.req_eph[rows]
        codes |= short_eph * _BITS["ephemeral-storage"]
        for j, (name, amount) in enumerate(scalars):
            short = [
                dict(table.infos[i].allocatable.scalar).get(name, 0)
                < amount + dict(table.infos[i].requested.scalar).get(name, 0)
                for i in rows.tolist()
            ]
            codes |= np.array(short, dtype=np.int32) << (4 + j)
        return codes

    # -- score -------------------------------------------------------------------------------

    def score(self, state, pod, node_info) -> tuple[int, Status | None]:
        return self._score(state.pod_info, node_info), None

    def _score(self, pod_info, ni) -> int:
        pairs = [node_values(ni, pod_info, r, False) for r in self.resources]
        return self.strategy.score([r for _, r in pairs], [a for a, _ in pairs], self.weights)

    def score_batch(self, state, pod_info, table, rows: np.ndarray) -> np.ndarray:
        def compute(some: np.ndarray) -> np.ndarray:
            pairs = [table_values(table, some, pod_info, r, False) for r in self.resources]
            return self.strategy.score_batch(
                [r for _, r in pairs], [a for a, _ in pairs], self.weights
            )

        key = (self.score_key, pod_info.non_zero, pod_info.requests)
        return table.memo_rows(key, compute, lambda i: self._score(pod_info, table.infos[i]))[rows]


class _Statuses:
    """The Status for each filter code, made when first asked for."""

    def __init__(self, scalars: tuple) -> None:
        self.scalars = scalars
        self.made: dict[int, Status] = {}

    def __getitem__(self, code: int) -> Status:
        status = self.made.get(code)
        if status is None:
            names = [n for n, bit in _BITS.items() if code & bit]
            names += [name for j, (name, _) in enumerate(self.scalars) if code & (16 << j)]
            status = self.made[code] = _status(names)
        return status


def _code(short: list[str], scalars: tuple) -> int:
    extra = {name: 16 << j for j, (name, _) in enumerate(scalars)}
    return sum(_BITS.get(name) or extra[name] for name in short)


def _status(short: list[str]) -> Status:
    return Status(Code.UNSCHEDULABLE, *(_REASONS.get(n, f"Insufficient {n}") for n in short))
