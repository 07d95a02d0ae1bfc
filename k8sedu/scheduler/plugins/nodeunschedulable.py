"""NodeUnschedulable: a cordoned node (``spec.unschedulable: true``) takes no new pods.

Source: ``pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go``. A pod that
tolerates the ``node.kubernetes.io/unschedulable:NoSchedule`` taint may still go there (as
DaemonSet pods do); any other is rejected as UnschedulableAndUnresolvable.
"""

from __future__ import annotations

import numpy as np

from k8sedu.scheduler.framework import Code, Status
from k8sedu.scheduler.plugins.tainttoleration import tolerated

NAME = "NodeUnschedulable"
ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
_REJECTED = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON_UNSCHEDULABLE)


class NodeUnschedulable:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle

    def filter(self, state, pod, node_info) -> Status | None:
        if node_info.unschedulable and not tolerated(
            state.pod_info.tolerations, UNSCHEDULABLE_TAINT
        ):
            return _REJECTED
        return None

    def filter_batch(self, state, pod_info, table):
        cordoned = table.memo.get(NAME)
        if cordoned is None:
            cordoned = table.memo[NAME] = table.unschedulable.any()
        if not cordoned or tolerated(pod_info.tolerations, UNSCHEDULABLE_TAINT):
            return None, [None]
        return table.unschedulable.astype(np.int32), [None, _REJECTED]
