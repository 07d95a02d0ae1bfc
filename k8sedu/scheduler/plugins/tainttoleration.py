"""TaintToleration: a node's taints repel pods that do not tolerate them.

Source: ``pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go`` and
``k8s.io/api/core/v1/toleration.go`` (``ToleratesTaint``). Filter: the first ``NoSchedule`` or
``NoExecute`` taint the pod does not tolerate rejects the node (UnschedulableAndUnresolvable,
``node(s) had untolerated taint {key: value}``). Score: the number of ``PreferNoSchedule`` taints
not tolerated, reversed by ``DefaultNormalizeScore`` (fewer is better).
"""

from __future__ import annotations

import numpy as np

from k8sedu.objects import tolerates
from k8sedu.scheduler.framework import Code, Status, default_normalize_score

NAME = "TaintToleration"
DO_NOT_SCHEDULE = ("NoSchedule", "NoExecute")


def tolerated(tolerations: list[dict], taint: dict) -> bool:
    """``TolerationsTolerateTaint``."""
    return any(tolerates(t, taint) for t in tolerations)


def find_untolerated_taint(taints: list[dict], tolerations: list[dict]) -> dict | None:
    """``FindMatchingUntoleratedTaint`` with ``DoNotScheduleTaintsFilterFunc``."""
    for taint in taints:
        if taint.get("effect") in DO_NOT_SCHEDULE and not tolerated(tolerations, taint):
            return taint
    return None


def untolerated_status(taint: dict) -> Status:
    reason = f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}"
    return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reason)


class TaintToleration:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle

    # -- filter ------------------------------------------------------------------------------

    def filter(self, state, pod, node_info) -> Status | None:
        taint = find_untolerated_taint(node_info.taints, state.pod_info.tolerations)
        return None if taint is None else untolerated_status(taint)

    def filter_batch(self, state, pod_info, table):
        key = (NAME, "filter", pod_info.tolerations_key)
        found = table.memo.get(key)
        if found is None:  # decide once per distinct taint list, for these tolerations
            group_of, groups = table.taint_groups()
            statuses: list[Status | None] = [None]
            verdict = np.zeros(len(groups), dtype=np.int32)
            for g, taints in enumerate(groups):
                as_dicts = [{"key": k, "value": v, "effect": e} for k, v, e in taints]
                taint = find_untolerated_taint(as_dicts, pod_info.tolerations)
                if taint is not None:
                    statuses.append(untolerated_status(taint))
                    verdict[g] = len(statuses) - 1
            codes = verdict[group_of] if verdict.any() else None
            found = table.memo[key] = (codes, statuses)
        return found

    # -- score -------------------------------------------------------------------------------

    def pre_score(self, state, pod, nodes) -> Status | None:
        # tolerations with effect PreferNoSchedule or none at all (which means every effect)
        prefer = [
            t
            for t in state.pod_info.tolerations
            if (t.get("effect") or "PreferNoSchedule") == "PreferNoSchedule"
        ]
        state.write("PreScore" + NAME, prefer)
        return None

    def score(self, state, pod, node_info) -> tuple[int, Status | None]:
        prefer = state.read("PreScore" + NAME)
        count = sum(
            1
            for taint in node_info.taints
            if taint.get("effect") == "PreferNoSchedule" and not tolerated(prefer, taint)
        )
        return count, None

    def score_batch(self, state, pod_info, table, rows: np.ndarray) -> np.ndarray:
        prefer = state.read("PreScore" + NAME)
        key = (NAME, "score", tuple(tuple(sorted(t.items())) for t in prefer))
        counts = table.memo.get(key)
        if counts is None:
            group_of, groups = table.taint_groups()
            per_group = np.array(
                [
                    sum(
                        1
                        for k, v, e in taints
                        if e == "PreferNoSchedule"
                        and not tolerated(prefer, {"key": k, "value": v, "effect": e})
                    )
                    for taints in groups
                ],
                dtype=np.int64,
            )
            counts = table.memo[key] = per_group[group_of]
        return counts[rows]

    def normalize_batch(self, state, pod_info, scores: np.ndarray, rows) -> np.ndarray:
        return default_normalize_score(scores, reverse=True)
