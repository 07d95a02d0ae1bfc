"""SchedulerExplorer: pick a pod, see why kube-scheduler put it where it did, and ask "what if?".

Shows ``cluster.scheduler.explain(pod)`` as the node × plugin heatmap and the per-plugin table
(filter verdict, raw, normalized and weighted score per node). The weight sliders re-add the
totals with other plugin weights — the framework's own sum, so the answer is exact without
touching the cluster. Changing the NodeResourcesFit scoring strategy needs new raw scores, so
that asks the scheduler itself (``scheduler.what_if(pod, namespace, weights=…,
scoring_strategy=…)``) and is offered only when the scheduler has it.
"""

from __future__ import annotations

from html import escape

import ipywidgets as W

from k8sedu.errors import NotFound
from k8sedu.viz import palette, state
from k8sedu.viz.scheduler import best, scheduler_scores, totals
from k8sedu.widgets.dashboard import css
from k8sedu.widgets.i18n import _

STRATEGIES = ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio")


def weights_of(rows: list[dict]) -> dict[str, int]:
    """Each score plugin's weight, read back from weighted = normalized × weight (1 if unknown)."""
    found: dict[str, int] = {}
    for row in rows:
        if row["weighted"] is not None and row["normalized"]:
            found[row["plugin"]] = row["weighted"] // row["normalized"]
        elif row["weighted"] is not None:
            found.setdefault(row["plugin"], 1)
    return found


class SchedulerExplorer:
    """Explain one pod's scheduling decision; replay it with other weights."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.explanation = None
        self.pod = css(W.Dropdown(description=_("scheduler.pod")), "k8s-scheduler-pod")
        self.pod.observe(lambda _c: self.show(), names="value")
        self.refresh_button = css(
            W.Button(description=_("scheduler.refresh"), icon="refresh"), "k8s-scheduler-refresh"
        )
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.message = css(W.HTML(), "k8s-scheduler-message")
        self.heatmap = css(
            W.Image(format="png", layout=W.Layout(width="100%")), "k8s-scheduler-heatmap"
        )
        self.table = css(W.HTML(), "k8s-scheduler-table")
        self.weights = css(W.VBox(), "k8s-scheduler-weights")
        has_what_if = hasattr(cluster.scheduler, "what_if")
        self.strategy = css(
            W.Dropdown(
                options=STRATEGIES,
                description=_("scheduler.strategy"),
                disabled=not has_what_if,
                tooltip="" if has_what_if else _("scheduler.strategy_unavailable"),
            ),
            "k8s-scheduler-strategy",
        )
        self.rerun_button = css(
            W.Button(description=_("scheduler.rerun"), icon="play"), "k8s-scheduler-rerun"
        )
        self.rerun_button.on_click(lambda _b: self.rerun())
        whatif = W.VBox(
            [
                W.HTML(f"<b>{escape(_('scheduler.weights'))}</b>"),
                self.weights,
                self.strategy,
                self.rerun_button,
            ]
        )
        self.widget = css(
            W.VBox(
                [
                    W.HBox([self.pod, self.refresh_button]),
                    self.message,
                    self.heatmap,
                    W.HBox([self.table, whatif]),
                ]
            ),
            "k8s-scheduler-explorer",
        )
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def refresh(self) -> None:
        """Re-read the pods (pending ones first) and show the selected one's decision."""
        pods = sorted(
            state.objects(self.cluster, "pods"),
            key=lambda p: (bool(p.get("spec", {}).get("nodeName")), state.key_of(p)),
        )
        options = [
            (
                f"{state.key_of(p)} → {p.get('spec', {}).get('nodeName') or 'Pending'}",
                state.key_of(p),
            )
            for p in pods
        ]
        current = self.pod.value
        self.pod.options = options
        if current in [v for _l, v in options]:
            self.pod.value = current
        self.show()

    def show(self) -> None:
        self.explanation = None
        if self.cluster.scheduler is None:
            return self._say(_("scheduler.no_scheduler"))
        if not self.pod.value:
            return self._say(_("scheduler.no_pods"))
        namespace, _sep, name = self.pod.value.partition("/")
        try:
            self.explanation = self.cluster.scheduler.explain(name, namespace=namespace)
        except NotFound:
            return self._say(_("scheduler.never_tried", pod=self.pod.value))
        rows = self.explanation.rows
        self.weights.children = [
            css(
                W.IntSlider(
                    value=w,
                    min=0,
                    max=10,
                    description=plugin,
                    style={"description_width": "220px"},
                    layout=W.Layout(width="420px"),
                ),
                f"k8s-weight-{plugin}",
            )
            for plugin, w in sorted(weights_of(rows).items())
        ]
        self._say(escape(self.explanation.message or ""))
        self.heatmap.value = palette.png(scheduler_scores(self.explanation))
        self.table.value = _table(rows)

    def chosen_weights(self) -> dict[str, int]:
        return {s.description: s.value for s in self.weights.children}

    def rerun(self) -> str | None:
        """Replay the decision with the sliders' weights (and strategy); returns the new node."""
        if self.explanation is None:
            return None
        weights = self.chosen_weights()
        explanation = self.explanation
        if not self.strategy.disabled and self.strategy.value != STRATEGIES[0]:
            namespace, _sep, name = self.pod.value.partition("/")
            explanation = self.cluster.scheduler.what_if(
                name, namespace=namespace, weights=weights, scoring_strategy=self.strategy.value
            )
            weights = None
        scores = totals(explanation.rows, weights)
        winners = best(scores)
        # a tie that still includes the scheduler's pick could have gone either way: keep it
        node = (
            explanation.chosen
            if weights is None or explanation.chosen in winners
            else (winners[0] if winners else None)
        )
        if node is None:
            self._say(_("scheduler.whatif_none"))
        elif node == self.explanation.chosen:
            self._say(_("scheduler.whatif_same", node=node))
        else:
            self._say(_("scheduler.whatif_changed", node=node, old=self.explanation.chosen))
        self.heatmap.value = palette.png(scheduler_scores(explanation, weights))
        return node

    def _say(self, text: str) -> None:
        self.message.value = text
        if self.explanation is None:
            self.heatmap.value = b""
            self.table.value = ""


def _table(rows: list[dict]) -> str:
    """The per-plugin table: one row per node × plugin that did something."""
    head = "".join(
        f"<th>{escape(_(k))}</th>"
        for k in (
            "scheduler.col_node",
            "scheduler.col_plugin",
            "scheduler.col_filter",
            "scheduler.col_score",
            "scheduler.col_normalized",
            "scheduler.col_weighted",
        )
    )
    body = []
    for r in rows:
        if r["filter"] is None and r["weighted"] is None:
            continue
        cells = [
            r["node"],
            r["plugin"],
            r["filter"] or "",
            r["score"],
            r["normalized"],
            r["weighted"],
        ]
        body.append(
            "<tr>"
            + "".join(f"<td>{'' if c is None else escape(str(c))}</td>" for c in cells)
            + "</tr>"
        )
    return (
        "<div style='max-height:320px;overflow:auto'><table class='k8s-table'>"
        f"<tr>{head}</tr>{''.join(body)}</table></div>"
    )
