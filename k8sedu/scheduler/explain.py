"""Explain a scheduling decision: every node × plugin verdict and score of a pod's last cycle.

The idea is kube-scheduler-simulator's: show *why* a pod went where it went. Only the latest
cycle of each pod is kept, compactly — the evaluated rows, one small code per row for the filter
verdict, and the score arrays (a constant array is kept as one number) — and the rows are built
only when someone asks, so that keeping explanations costs little even at 5,000 nodes.

``Explanation.rows`` has one dict per node × plugin, in node-tree order and profile plugin order::

    {"node": "node-2", "plugin": "NodeResourcesFit", "filter": "passed",
     "score": 87, "normalized": 87, "weighted": 87}

``filter`` is None where the plugin did not run on that node (not evaluated, skipped, or an
earlier plugin already rejected it), ``"passed"``, or the rejection message. The three scores
are None where the node was not scored (it failed a filter, or it was the only feasible node) or
the plugin returned Skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_NARROW = [(t, np.iinfo(t).min, np.iinfo(t).max) for t in (np.int8, np.int16, np.int32)]


def compact(values: np.ndarray | None, in_range: bool = False):
    """A score array as small as it can be: one int if constant, else the narrowest dtype
    (``in_range``: known to be within 0–100, so one byte each without looking)."""
    if values is None or len(values) == 0:
        return values
    if in_range:
        return values.astype(np.int8)
    lo, hi = int(values.min()), int(values.max())
    if lo == hi:
        return lo
    for dtype, low, high in _NARROW:
        if low <= lo and hi <= high:
            return values.astype(dtype)
    return values


def _expand(stored, n: int) -> list[int] | None:
    if stored is None:
        return None
    if isinstance(stored, int):
        return [stored] * n
    return stored.tolist()


class CycleRecord:
    """One scheduling cycle, stored compactly (see the module docstring)."""

    __slots__ = (
        "names",
        "filters",
        "active",
        "evaluated",
        "codes",
        "statuses",
        "scored",
        "score_plugins",
        "weights",
        "raw",
        "normalized",
        "chosen",
        "message",
    )

    def __init__(self, names: list[str], filters: tuple[str, ...], active: tuple[str, ...]) -> None:
        self.names = names  # the snapshot's node names (shared, never mutated)
        self.filters = filters  # every filter plugin of the profile
        self.active = active  # those not skipped by PreFilter
        self.evaluated = np.zeros(0, dtype=np.int32)
        self.codes = None  # None: every evaluated node passed
        self.statuses: list = [None]
        self.scored = np.zeros(0, dtype=np.int32)
        self.score_plugins: tuple[str, ...] = ()
        self.weights: tuple[int, ...] = ()
        self.raw: list = []
        self.normalized: list = []
        self.chosen: str | None = None
        self.message = ""

    def set_filtered(self, evaluated: np.ndarray, codes: np.ndarray, statuses: list) -> None:
        self.evaluated = evaluated.astype(np.int32)
        self.codes = codes.astype(np.int16) if codes.any() else None
        self.statuses = statuses

    def set_scores(self, rows, plugins, weights, raws, normalized) -> None:
        self.scored = np.asarray(rows, dtype=np.int32)
        self.score_plugins = tuple(plugins)
        self.weights = tuple(weights)
        # most plugins have no NormalizeScore: keep one copy when both are the same
        self.raw = [compact(r, in_range=r is n) for r, n in zip(raws, normalized)]
        self.normalized = [
            None if n is None or n is r else compact(n, in_range=True)
            for r, n in zip(raws, normalized)
        ]


@dataclass
class Explanation:
    """The latest cycle of one pod: where it went (or why not), and every verdict and score."""

    pod: str
    chosen: str | None
    message: str
    record: CycleRecord = field(repr=False)

    @property
    def rows(self) -> list[dict]:
        r = self.record
        plugins = list(r.filters) + [p for p in r.score_plugins if p not in r.filters]
        verdicts: dict[int, dict[str, str | None]] = {}
        codes = r.codes.tolist() if r.codes is not None else [0] * len(r.evaluated)
        for row, code in zip(r.evaluated.tolist(), codes):
            verdicts[row] = self._verdict(r.statuses[code] if code else None)
        scores: dict[int, dict[str, tuple]] = {}
        n = len(r.scored)
        for plugin, weight, raw, norm in zip(r.score_plugins, r.weights, r.raw, r.normalized):
            raw_values = _expand(raw, n)
            norm_values = _expand(norm, n) if norm is not None else raw_values
            for j, row in enumerate(r.scored.tolist()):
                if raw_values is not None:
                    s, ns = raw_values[j], norm_values[j]
                    scores.setdefault(row, {})[plugin] = (s, ns, ns * weight)
        out = []
        for row, node in enumerate(r.names):
            verdict, score = verdicts.get(row, {}), scores.get(row, {})
            for plugin in plugins:
                s, ns, w = score.get(plugin, (None, None, None))
                out.append(
                    {
                        "node": node,
                        "plugin": plugin,
                        "filter": verdict.get(plugin),
                        "score": s,
                        "normalized": ns,
                        "weighted": w,
                    }
                )
        return out

    def _verdict(self, status) -> dict[str, str | None]:
        """Filter outcome per plugin on one node: passed up to the rejecting plugin."""
        out: dict[str, str | None] = {}
        for plugin in self.record.active:
            if status is not None and status.plugin == plugin:
                out[plugin] = status.message
                break
            out[plugin] = "passed"
        return out

    def totals(self) -> dict[str, int]:
        """Each scored node's final score (Σ weight × normalized)."""
        totals: dict[str, int] = {}
        for row in self.rows:
            if row["weighted"] is not None:
                totals[row["node"]] = totals.get(row["node"], 0) + row["weighted"]
        return totals

    def __str__(self) -> str:
        where = f"-> {self.chosen}" if self.chosen else f"unschedulable: {self.message}"
        return f"{self.pod} {where}"
