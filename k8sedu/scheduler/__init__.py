"""kube-scheduler: the scheduling queue, the framework and its default plugins, preemption and
``explain``. Start reading at ``scheduler.py`` (the process) and ``algorithm.py`` (one cycle);
``framework.py`` defines what a plugin is, ``plugins/`` holds the real ones.
"""

from k8sedu.scheduler.explain import Explanation
from k8sedu.scheduler.framework import MAX_NODE_SCORE, Code, CycleState, Status
from k8sedu.scheduler.nodeinfo import NodeInfo, PodInfo
from k8sedu.scheduler.scheduler import Scheduler

__all__ = [
    "MAX_NODE_SCORE",
    "Code",
    "CycleState",
    "Explanation",
    "NodeInfo",
    "PodInfo",
    "Scheduler",
    "Status",
]
