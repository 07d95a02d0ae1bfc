"""One scheduling attempt for one pod: filter, score, pick (``schedulePod`` in
``pkg/scheduler/schedule_one.go``).

1. PreFilter plugins look at the pod once (and may Skip their filter).
2. A pod already nominated by preemption tries its nominated node first.
3. Filter plugins check nodes round-robin from where the last cycle stopped, until
   ``num_feasible_nodes_to_find`` nodes fit (not all nodes: in a big cluster the scheduler only
   looks at a sample; REFERENCE §3.2).
4. One feasible node wins outright; otherwise Score plugins rate each, NormalizeScore scales to
   0–100, the weighted sum decides, and ties are broken at random (the cluster's seeded stream).
5. No feasible node: the failure message counts the reasons,
   ``0/3 nodes are available: 1 node(s) had untolerated taint {…}, 2 Insufficient cpu.``

Filtering uses the plugins' batch twins when every active filter has one (all nodes at once,
then the first fitting ones in round-robin order); a learner's plugin, or a node with nominated
pods, makes it walk node by node instead — same rules, same answers.

Simplified: nodes are checked in order, not by 16 goroutines, so the sample is exactly the
first fitting nodes from the start index (the real one may check a few more in parallel).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from k8sedu.scheduler.explain import CycleRecord
from k8sedu.scheduler.framework import SUCCESS, Code, CycleState, Status

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
NO_NODE_AVAILABLE = "0/{} nodes are available"  # framework.NoNodeAvailableMsg
ERR_NO_NODES = "no nodes available to schedule pods"  # ErrNoNodesAvailable


def num_feasible_nodes_to_find(percentage: int | None, global_percentage: int, n: int) -> int:
    """How many feasible nodes are enough (``numFeasibleNodesToFind``).

    >>> [num_feasible_nodes_to_find(None, 0, n) for n in (50, 100, 500, 1000, 5000, 6000)]
    [50, 100, 230, 420, 500, 300]
    """
    if n < MIN_FEASIBLE_NODES_TO_FIND:
        return n
    pct = percentage if percentage is not None else global_percentage
    if pct == 0:
        pct = max(50 - n // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(n * pct // 100, MIN_FEASIBLE_NODES_TO_FIND)


@dataclass
class ScheduleResult:
    """What one attempt found: the node, or why not (per-node statuses for preemption)."""

    node: str | None
    status: Status
    record: CycleRecord
    statuses: dict[str, Status] = field(default_factory=dict)  # Diagnosis.NodeToStatus
    unschedulable_plugins: frozenset[str] = frozenset()
    num_all_nodes: int = 0
    pre_filter_message: str = ""

    def fit_error(self, post_filter_message: str = "") -> str:
        """``FitError.Error()``: the sorted histogram of reasons, then PostFilter's message."""
        msg = NO_NODE_AVAILABLE.format(self.num_all_nodes) + ":"
        if self.pre_filter_message:
            msg += f" {self.pre_filter_message}."
        else:
            counts: dict[str, int] = {}
            for status in self.statuses.values():
                for reason in status.reasons:
                    counts[reason] = counts.get(reason, 0) + 1
            histogram = sorted(f"{n} {reason}" for reason, n in counts.items())
            if histogram:
                msg += f" {', '.join(histogram)}."
        if post_filter_message:
            msg += f" {post_filter_message}"
        return msg


def schedule_pod(fwk, state: CycleState, scheduler) -> ScheduleResult:
    """Find a node for ``state.pod_info`` with the profile ``fwk``; never writes to the API."""
    pi = state.pod_info
    pod = pi.pod
    table = scheduler.cache.table()
    n = len(table)
    filters = tuple(p.name for p in fwk.points["filter"])
    record = CycleRecord(table.names, filters, filters)
    if n == 0:
        status = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_NO_NODES)
        return ScheduleResult(None, status, record)
    pre = fwk.run_pre_filter(state, pod)
    record.active = tuple(p.name for p in fwk.active_filters(state))
    if not pre.is_success:
        result = ScheduleResult(None, pre, record, num_all_nodes=n)
        if pre.is_rejected:  # every node shares the PreFilter verdict
            result.statuses = dict.fromkeys(table.names, pre)
            result.pre_filter_message = pre.message
            result.unschedulable_plugins = frozenset([pre.plugin])
        return result

    nominated = (pod.get("status") or {}).get("nominatedNodeName")
    if nominated in table.index:
        row = table.index[nominated]
        if fwk.run_filter_with_nominated(state, pod, table.infos[row]).is_success:
            record.set_filtered(np.array([row]), np.zeros(1, np.int32), [None])
            return _chosen(record, table, row)

    has_scoring = bool(fwk.points["score"])
    wanted = (
        num_feasible_nodes_to_find(
            fwk.percentage_of_nodes_to_score, scheduler.percentage_of_nodes_to_score, n
        )
        if has_scoring
        else 1
    )
    start = scheduler.next_start_node_index % n
    feasible, evaluated, codes, statuses = find_feasible(fwk, state, pod, table, start, wanted)
    scheduler.next_start_node_index = (start + len(evaluated)) % n
    record.set_filtered(evaluated, codes, statuses)
    errors = [s for s in statuses[1:] if s.code == Code.ERROR]
    if errors:
        return ScheduleResult(None, errors[0], record, num_all_nodes=n)
    if len(feasible) == 0:
        by_node = {
            table.names[row]: statuses[code]
            for row, code in zip(evaluated.tolist(), codes.tolist())
        }
        plugins = frozenset(s.plugin for s in statuses[1:])
        status = Status(Code.UNSCHEDULABLE, plugin="")
        return ScheduleResult(None, status, record, by_node, plugins, n)
    if len(feasible) == 1:
        return _chosen(record, table, int(feasible[0]))

    scored = fwk.prioritize(state, pod, table, feasible)
    if isinstance(scored, Status):
        return ScheduleResult(None, scored, record, num_all_nodes=n)
    plugins, raws, normalized, total = scored
    weights = [fwk.weights.get(p, 1) for p in plugins]
    record.set_scores(feasible, plugins, weights, raws, normalized)
    return _chosen(record, table, int(feasible[select_host(total, scheduler.rng)]))


def find_feasible(fwk, state: CycleState, pod: dict, table, start: int, wanted: int):
    """Filter from row ``start`` round-robin until ``wanted`` nodes fit.

    Returns (feasible rows, evaluated rows, a code per evaluated row, statuses) where code 0
    means "fits" and code c names ``statuses[c]``. As in ``findNodesThatPassFilters`` the
    search ends at the next fitting node after ``wanted`` of them, which is not kept.
    """
    n = len(table)
    active = fwk.active_filters(state)
    statuses: list[Status | None] = [None]
    index: dict[tuple, int] = {}
    batch = {}
    for p in active:
        if hasattr(p, "filter_batch"):
            batch[p.name] = p.filter_batch(state, state.pod_info, table)
    nominated = _nominated_rows(fwk, table, state.pod_info)
    if len(batch) == len(active) and not nominated:
        fail = np.zeros(n, dtype=np.int32)
        for p in active:
            codes, found = batch[p.name]
            if codes is None:  # the plugin passed every node
                continue
            rejected = np.flatnonzero(codes)
            rejected = rejected[fail[rejected] == 0]  # the first rejection counts
            if len(rejected) == 0:
                continue
            values = codes[rejected]
            for code in sorted(set(values.tolist())):
                statuses.append(found[code].with_plugin(p.name))
                fail[rejected[values == code]] = len(statuses) - 1
        # the rows in round-robin order from `start`, a window at a time (most nodes usually fit)
        size = min(n, 2 * wanted + 64)
        while True:
            window = np.arange(start, start + size) % n
            fits = np.flatnonzero(fail[window] == 0)
            if len(fits) > wanted or size == n:
                break
            size = min(n, size * 4)
        count = int(fits[wanted]) if len(fits) > wanted else n
        evaluated = window[:count]
        return evaluated[fits[:wanted]], evaluated, fail[evaluated], statuses
    feasible, evaluated, codes = [], [], []
    for j in range(n):
        i = (start + j) % n
        if i in nominated:
            status = fwk.run_filter_with_nominated(state, pod, table.infos[i])
        else:
            status = _status_at(fwk, state, pod, table, i, active, batch)
        if status.is_success:
            if len(feasible) == wanted:
                break
            feasible.append(i)
            codes.append(0)
        else:
            key = (status.plugin, status.code, status.reasons)
            if key not in index:
                statuses.append(status)
                index[key] = len(statuses) - 1
            codes.append(index[key])
        evaluated.append(i)
    as_rows = np.array(evaluated, dtype=np.int64)
    return np.array(feasible, dtype=np.int64), as_rows, np.array(codes, np.int32), statuses


def _status_at(fwk, state, pod, table, i: int, active: list, batch: dict) -> Status:
    for p in active:
        if p.name in batch:
            codes, found = batch[p.name]
            if codes is not None and codes[i]:
                return found[int(codes[i])].with_plugin(p.name)
            continue
        status = fwk.call(p, "filter", state, pod, table.infos[i])
        if status.code == Code.ERROR:
            message = f'running "{p.name}" filter plugin: {status.message}'
            return Status(Code.ERROR, message, plugin=p.name)
        if not status.is_success:
            return status
    return SUCCESS


def _nominated_rows(fwk, table, pod_info) -> set[int]:
    nominator = fwk.nominator
    if nominator is None or not nominator.nominated:
        return set()
    rows = set()
    for node, pods in nominator.nominated.items():
        if node in table.index and any(
            q.uid != pod_info.uid and q.priority >= pod_info.priority for q in pods.values()
        ):
            rows.add(table.index[node])
    return rows


def select_host(total: np.ndarray, rng) -> int:
    """``selectHost``: the highest total; a tie is broken at random."""
    best = np.flatnonzero(total == total.max())
    return int(best[0]) if len(best) == 1 else int(best[rng.randrange(len(best))])


def _chosen(record: CycleRecord, table, row: int) -> ScheduleResult:
    record.chosen = table.names[row]
    return ScheduleResult(record.chosen, Status(), record)
