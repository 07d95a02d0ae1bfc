"""One scheduling decision as a heatmap: nodes × plugins, filter failures marked, winner framed.

Reads an ``Explanation`` (``cluster.scheduler.explain(pod)``): its ``rows`` give, per node and
plugin, the filter verdict and the raw, normalized and weighted scores. A cell's colour is the
normalized score (0–100, the same scale for every plugin), its text the weighted score that
adds up to the node's total; a hatched cell is the filter that rejected the node, with its
reason. The chosen node's row is framed. Filters that passed on every node they ran on are left
out (they decided nothing) and the title says how many.

``weights`` re-adds the totals with other plugin weights — exactly what the framework does
(total = Σ weight × normalized, REFERENCE §3.1) — for the scheduler explorer's "what if?".
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from k8sedu.viz import palette as pal
from k8sedu.widgets.i18n import _

MAX_ROWS = 20


def totals(rows: list[dict], weights: dict[str, int] | None = None) -> dict[str, int]:
    """Each scored node's total; ``weights`` replaces a plugin's weight (normalized × weight)."""
    found: dict[str, int] = {}
    for row in rows:
        if row["weighted"] is None:
            continue
        if weights and row["plugin"] in weights:
            value = row["normalized"] * weights[row["plugin"]]
        else:
            value = row["weighted"]
        found[row["node"]] = found.get(row["node"], 0) + value
    return found


def best(scores: dict[str, int]) -> list[str]:
    """The nodes with the highest total (more than one is a tie the scheduler breaks at random)."""
    top = max(scores.values(), default=None)
    return [node for node, total in scores.items() if total == top]


def scheduler_scores(explanation, weights: dict[str, int] | None = None) -> Figure:
    """Draw the explanation's node × plugin scores, the filter failures and the chosen node."""
    rows = explanation.rows
    nodes = list(dict.fromkeys(r["node"] for r in rows))
    plugins = list(dict.fromkeys(r["plugin"] for r in rows))
    cell = {(r["node"], r["plugin"]): r for r in rows}
    scored = [
        p
        for p in plugins
        if any(cell[n, p]["weighted"] is not None for n in nodes if (n, p) in cell)
    ]
    rejecting = [
        p for p in plugins if p not in scored and any(_failed(cell.get((n, p))) for n in nodes)
    ]
    columns = rejecting + scored
    hidden = len(plugins) - len(columns)
    total = totals(rows, weights)
    chosen = explanation.chosen if weights is None else (best(total) or [None])[0]
    order = sorted(nodes, key=lambda n: (n not in total, -total.get(n, 0)))[:MAX_ROWS]

    height = min(pal.HEIGHT, 2.4 + 0.42 * len(order))
    fig = pal.new_figure(height=height)
    ax = fig.add_axes((0.16, 0.25 / height, 0.8, 1 - 2.0 / height))  # margins in inches
    values = np.full((len(order), len(columns) + 1), np.nan)
    for i, node in enumerate(order):
        for j, plugin in enumerate(columns):
            row = cell.get((node, plugin))
            if row is not None and row["normalized"] is not None:
                values[i, j] = row["normalized"]
    image = ax.imshow(values, cmap="cividis", vmin=0, vmax=100, aspect="auto")
    image.set_gid("scores")
    for i, node in enumerate(order):
        for j, plugin in enumerate(columns):
            _cell(ax, i, j, cell.get((node, plugin)), weights)
        ax.text(
            len(columns),
            i,
            str(total[node]) if node in total else "–",
            ha="center",
            va="center",
            fontsize=pal.FONT,
            fontweight="bold",
            gid=f"total:{node}",
        )
    if chosen in order:
        i = order.index(chosen)
        ax.add_patch(
            Rectangle(
                (-0.5, i - 0.5),
                len(columns) + 1,
                1,
                fill=False,
                linewidth=3.5,
                edgecolor=pal.VERMILLION,
                gid="chosen",
            )
        )
    ax.set_xticks(
        range(len(columns) + 1),
        [*columns, _("viz.scheduler.total")],
        fontsize=pal.SMALL,
        rotation=20,
        ha="right",
    )
    ax.xaxis.tick_top()
    ax.set_yticks(
        range(len(order)), [f"★ {n}" if n == chosen else n for n in order], fontsize=pal.FONT
    )
    bar = fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    bar.set_label(_("viz.scheduler.colorbar"), fontsize=pal.SMALL)
    pod = getattr(explanation, "pod", "") or ""
    if chosen:
        title = _("viz.scheduler.title_chosen", node=chosen, pod=pod)
    else:
        title = _("viz.scheduler.title_none", pod=pod)
    fig.text(0.01, 0.99, title, fontsize=14, fontweight="bold", va="top", gid="title")
    notes = [] if chosen or not explanation.message else [explanation.message]
    tied = best(total)
    if chosen in tied and len(tied) > 1:
        notes.append(_("viz.scheduler.tie", nodes=", ".join(tied)))
    notes.append(_("viz.scheduler.legend"))
    if hidden:
        notes.append(_("viz.scheduler.hidden", count=hidden))
    if notes:
        fig.text(
            0.01,
            0.99 - 0.5 / fig.get_figheight(),
            "\n".join(textwrap.fill(n, 150) for n in notes),
            fontsize=pal.SMALL,
            va="top",
        )
    return fig


def _failed(row: dict | None) -> bool:
    return row is not None and row["filter"] not in (None, "passed")


def _cell(ax, i: int, j: int, row: dict | None, weights) -> None:
    if _failed(row):
        ax.add_patch(
            Rectangle(
                (j - 0.5, i - 0.5),
                1,
                1,
                facecolor=pal.LIGHT_GREY,
                hatch="xx",
                edgecolor=pal.VERMILLION,
                gid=f"failed:{row['node']}:{j}",
            )
        )
        reason = "\n".join(textwrap.wrap(row["filter"], 26)[:4])
        ax.text(
            j,
            i,
            reason,
            ha="center",
            va="center",
            fontsize=7,
            color=pal.BLACK,
            bbox={"boxstyle": "square,pad=0.1", "fc": pal.WHITE, "ec": "none"},
        )
    elif row is not None and row["weighted"] is not None:
        weighted = row["weighted"]
        if weights and row["plugin"] in weights:
            weighted = row["normalized"] * weights[row["plugin"]]
        dark = row["normalized"] < 55  # cividis is dark at the low end: white text there
        ax.text(
            j,
            i,
            str(weighted),
            ha="center",
            va="center",
            fontsize=pal.FONT,
            color=pal.WHITE if dark else pal.BLACK,
        )
    elif row is not None and row["filter"] == "passed":
        ax.text(j, i, _("viz.scheduler.passed"), ha="center", va="center", fontsize=pal.FONT)
    else:
        ax.text(j, i, "–", ha="center", va="center", fontsize=pal.SMALL, color=pal.GREY)


__all__ = ["best", "scheduler_scores", "totals"]
