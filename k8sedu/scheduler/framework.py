"""The scheduling framework's vocabulary: Status, its codes, CycleState and the plugin shape.

Models ``pkg/scheduler/framework/interface.go`` and ``cycle_state.go``. A plugin is any object
with a ``name`` and one or more extension-point methods, in the order a scheduling cycle calls
them::

    pre_filter(state, pod) -> Status | None           once per cycle; Skip drops its filter
    filter(state, pod, node_info) -> Status | None    per node: can the pod run there?
    post_filter(state, pod, statuses) -> (node, Status)   only when no node fits (preemption)
    pre_score(state, pod, nodes) -> Status | None     once; Skip drops its score
    score(state, pod, node_info) -> (int, Status)     per feasible node: how good is it?
    normalize_score(state, pod, scores) -> Status | None  scores: {node name: score}, in place
    reserve(state, pod, node) / permit(state, pod, node) / bind(state, pod, node)

``None`` stands for Success. Every normalized score lies in [0, 100] (``MaxNodeScore``) and is
multiplied by the plugin's weight. ``CycleState`` carries what ``pre_*`` computed to the per-node
calls, keyed by plugin name, as in the real framework.

Simplified: no ``Pending`` plugins (DRA), no PreBind/PostBind, permit never waits.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

MAX_NODE_SCORE = 100  # framework.MaxNodeScore (MinNodeScore is 0)


class Code(IntEnum):
    """``framework.Code``, with the real values and names."""

    SUCCESS = 0
    ERROR = 1
    UNSCHEDULABLE = 2
    UNSCHEDULABLE_AND_UNRESOLVABLE = 3
    WAIT = 4
    SKIP = 5
    PENDING = 6

    def __str__(self) -> str:
        return _CODE_NAMES[self]


_CODE_NAMES = {
    Code.SUCCESS: "Success",
    Code.ERROR: "Error",
    Code.UNSCHEDULABLE: "Unschedulable",
    Code.UNSCHEDULABLE_AND_UNRESOLVABLE: "UnschedulableAndUnresolvable",
    Code.WAIT: "Wait",
    Code.SKIP: "Skip",
    Code.PENDING: "Pending",
}


class Status:
    """The outcome of one plugin call: a code, the reasons, and the plugin that said so.

    >>> s = Status(Code.UNSCHEDULABLE, "Insufficient cpu", "Insufficient memory")
    >>> s.message, s.is_rejected
    ('Insufficient cpu, Insufficient memory', True)
    """

    __slots__ = ("code", "reasons", "plugin")

    def __init__(self, code: Code = Code.SUCCESS, *reasons: str, plugin: str = "") -> None:
        self.code = Code(code)
        self.reasons = reasons
        self.plugin = plugin

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)

    @property
    def is_success(self) -> bool:
        return self.code == Code.SUCCESS

    @property
    def is_skip(self) -> bool:
        return self.code == Code.SKIP

    @property
    def is_rejected(self) -> bool:
        """Unschedulable or UnschedulableAndUnresolvable (``IsRejected``)."""
        return self.code in (Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE)

    def with_plugin(self, plugin: str) -> Status:
        return Status(self.code, *self.reasons, plugin=plugin)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Status) and self.code == other.code and self.reasons == other.reasons
        )

    def __hash__(self) -> int:
        return hash((self.code, self.reasons))

    def __repr__(self) -> str:
        who = f" [{self.plugin}]" if self.plugin else ""
        return (
            f"<Status {self.code}{who}: {self.message}>"
            if self.reasons
            else f"<Status {self.code}{who}>"
        )


SUCCESS = Status()
SKIP = Status(Code.SKIP)


def as_status(result: Any, plugin: str) -> Status:
    """What a plugin returned, as a Status tagged with the plugin's name (``None`` = Success)."""
    if result is None:
        return SUCCESS
    if isinstance(result, Status):
        return result if result.plugin or result.is_success else result.with_plugin(plugin)
    return Status(Code.ERROR, f"plugin {plugin} returned {result!r}, not a Status", plugin=plugin)


class CycleState:
    """Data shared by the plugins during one scheduling cycle (``framework.CycleState``).

    ``pod_info`` is the parsed pod being scheduled; ``skip_filter`` / ``skip_score`` name the
    plugins whose PreFilter / PreScore returned Skip.
    """

    def __init__(self, pod_info=None) -> None:
        self.pod_info = pod_info
        self.data: dict[str, Any] = {}
        self.skip_filter: set[str] = set()
        self.skip_score: set[str] = set()

    def write(self, key: str, value: Any) -> None:
        self.data[key] = value

    def read(self, key: str) -> Any:
        """The value under ``key``; ``KeyError`` if no plugin wrote it (``ErrNotFound``)."""
        return self.data[key]

    def clone(self) -> CycleState:
        """A copy whose values are cloned where they know how (``StateData.Clone``)."""
        copy = CycleState(self.pod_info)
        copy.data = {k: v.clone() if hasattr(v, "clone") else v for k, v in self.data.items()}
        copy.skip_filter = set(self.skip_filter)
        copy.skip_score = set(self.skip_score)
        return copy


def default_normalize_score(scores: np.ndarray, reverse: bool = False) -> np.ndarray:
    """``helper.DefaultNormalizeScore(MaxNodeScore, reverse, scores)``: scale to [0, 100] by the
    largest score (integer division); ``reverse`` turns "more is worse" into "more is better".

    >>> default_normalize_score(np.array([1, 2, 4])).tolist()
    [25, 50, 100]
    >>> default_normalize_score(np.array([0, 1, 2]), reverse=True).tolist()
    [100, 50, 0]
    """
    scores = np.asarray(scores, dtype=np.int64)
    max_count = max(int(scores.max(initial=0)), 0)
    if max_count == 0:
        return np.full_like(scores, MAX_NODE_SCORE) if reverse else scores.copy()
    scaled = go_div(MAX_NODE_SCORE * scores, max_count)
    return MAX_NODE_SCORE - scaled if reverse else scaled


def go_div(a, b):
    """Go's integer division, which truncates toward zero (Python's ``//`` floors)."""
    a = np.asarray(a, dtype=np.int64)
    q = np.abs(a) // np.abs(np.asarray(b, dtype=np.int64))
    return np.where((a < 0) != (np.asarray(b) < 0), -q, q)
