"""NodeName: a pod that names its node (``spec.nodeName``) fits only that node.

Source: ``pkg/scheduler/framework/plugins/nodename/node_name.go``. The scheduler only sees pods
without a node, so this plugin matters when the framework runs for other callers (preemption,
learners' experiments); it is kept because it is in the default profile.
"""

from __future__ import annotations

import numpy as np

from k8sedu.scheduler.framework import Code, Status

NAME = "NodeName"
ERR_REASON = "node(s) didn't match the requested node name"
_REJECTED = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, ERR_REASON)


class NodeName:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle

    def filter(self, state, pod, node_info) -> Status | None:
        wanted = state.pod_info.node_name
        return _REJECTED if wanted and wanted != node_info.name else None

    def filter_batch(self, state, pod_info, table):
        if not pod_info.node_name:
            return None, [None]
        codes = np.ones(len(table), dtype=np.int32)
        i = table.index.get(pod_info.node_name)
        if i is not None:
            codes[i] = 0
        return codes, [None, _REJECTED]
