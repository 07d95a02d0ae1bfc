"""PrioritySort: the order pending pods are tried in.

Source: ``pkg/scheduler/framework/plugins/queuesort/priority_sort.go``: a pod with a higher
``spec.priority`` goes first; at equal priority, the one that entered the queue earlier.
"""

from __future__ import annotations

NAME = "PrioritySort"


class PrioritySort:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle

    def less(self, a, b) -> bool:
        """Should queued pod ``a`` be tried before ``b``?"""
        pa, pb = a.pod_info.priority, b.pod_info.priority
        return pa > pb or (pa == pb and a.timestamp < b.timestamp)

    def sort_key(self, qpi) -> tuple[int, int]:
        """The same order as ``less``, as a heap key."""
        return (-qpi.pod_info.priority, qpi.timestamp)
