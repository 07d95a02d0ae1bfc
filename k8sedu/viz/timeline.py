"""What changed over simulated time: pods by phase, replicas, the HPA, node Ready status.

Drawn from a ``History`` (``k8sedu.viz.record(cluster)`` starts one), one panel per thing the
cluster has, sharing the time axis: pods stacked by phase; desired replicas per ReplicaSet (a
rollout shows the new one climbing as the old one falls) with each Deployment's ready replicas
dashed; an HPA's metric against its target, with replicas on the right axis; each node's Ready
status as a coloured band. Vertical lines mark what happened: a component stopped or started,
a node went down, Events such as ``ScalingReplicaSet`` or ``NodeNotReady``.
"""

from __future__ import annotations

from collections import defaultdict

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from k8sedu.viz import palette as pal
from k8sedu.viz.history import History, history_of
from k8sedu.viz.state import natural
from k8sedu.widgets.i18n import _

MAX_MARKS = 14


def timeline(
    source,
    *,
    since: float | None = None,
    until: float | None = None,
    deployment: str | None = None,
    cursor: float | None = None,
) -> Figure:
    """Draw a history (or the history recording a cluster) between ``since`` and ``until``.

    ``deployment`` ("web" or "ns/web") keeps only that Deployment's ReplicaSets; ``cursor`` draws
    a vertical line at that instant (the rollout player's current step).
    """
    history = source if isinstance(source, History) else history_of(source)
    if history is None:
        raise ValueError(_("viz.timeline.not_recording"))
    start = history.start if since is None else since
    end = history.cluster.now if until is None else until
    end = max(end, start + 1)
    replicasets = _replicasets(history, deployment)
    panels = ["pods"]
    if replicasets:
        panels.append("replicasets")
    panels += [f"hpa:{key}" for key in sorted(history.hpas)]
    if history.nodes:
        panels.append("nodes")

    fig = pal.new_figure()
    heights = [1.5 if p == "nodes" else 2 for p in panels]
    axes = fig.subplots(
        len(panels),
        1,
        sharex=True,
        height_ratios=heights,
        gridspec_kw={"left": 0.07, "right": 0.8, "top": 0.9, "bottom": 0.08, "hspace": 0.35},
    )
    axes = list(axes) if len(panels) > 1 else [axes]
    for ax, panel in zip(axes, panels):
        ax.set_gid(f"panel:{panel}")
        ax.tick_params(labelsize=pal.SMALL)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if panel == "pods":
            _pods(ax, history, end)
        elif panel == "replicasets":
            _replicaset_panel(ax, history, replicasets, deployment, end)
        elif panel == "nodes":
            _nodes(ax, history, end)
        else:
            _hpa(ax, history, panel.partition(":")[2], end)
    axes[-1].set_xlim(start, end)
    axes[-1].set_xlabel(_("viz.timeline.time"), fontsize=pal.FONT)
    _marks(axes, history, start, end)
    if cursor is not None:
        for ax in axes:
            ax.axvline(cursor, color=pal.VERMILLION, linewidth=2, gid="cursor")
    fig.text(
        0.01,
        0.985,
        _("viz.timeline.title", start=f"{start:g}", end=f"{end:g}"),
        fontsize=14,
        fontweight="bold",
        va="top",
        gid="title",
    )
    return fig


def _steps(series: list[tuple], end: float, index: int) -> tuple[list[float], list]:
    """Times and values of a step series, held until ``end``."""
    times = [s[0] for s in series] + [end]
    values = [s[index] for s in series]
    return times, values + values[-1:]


def _pods(ax, history: History, end: float) -> None:
    ax.set_title(_("viz.timeline.pods"), fontsize=pal.FONT, loc="left")
    samples = history.phases or [(history.start, {})]
    times = [t for t, _c in samples] + [end]
    bottom = [0] * len(times)
    for phase, colour in pal.PHASE_COLORS.items():
        counts = [c.get(phase, 0) for _t, c in samples]
        if not any(counts):
            continue
        counts.append(counts[-1])
        top = [b + n for b, n in zip(bottom, counts)]
        ax.fill_between(
            times, bottom, top, step="post", color=colour, label=phase, gid=f"phase:{phase}"
        )
        bottom = top
    ax.set_ylim(0, max(max(bottom), 1) * 1.15)
    _legend(ax)


def _replicasets(history: History, deployment: str | None) -> list[str]:
    if deployment is None:
        return sorted(history.replicasets)
    wanted = deployment if "/" in deployment else f"default/{deployment}"
    return sorted(k for k, owner in history.rs_owner.items() if owner == wanted)


def _replicaset_panel(ax, history: History, keys: list[str], deployment, end: float) -> None:
    ax.set_title(_("viz.timeline.replicasets"), fontsize=pal.FONT, loc="left")
    for i, key in enumerate(keys):
        times, desired = _steps(history.replicasets[key], end, 1)
        ax.step(
            times,
            desired,
            where="post",
            color=pal.color(i),
            linewidth=2.5,
            label=key.split("/")[-1],
            gid=f"replicaset:{key}",
        )
    owners = sorted({history.rs_owner[k] for k in keys if k in history.rs_owner})
    for key in owners:
        if key in history.deployments:
            times, ready = _steps(history.deployments[key], end, 2)
            ax.step(
                times,
                ready,
                where="post",
                color=pal.BLACK,
                linestyle="dashed",
                label=f"{key.split('/')[-1]} ready",
                gid=f"deployment-ready:{key}",
            )
    ax.set_ylim(bottom=0)
    _legend(ax)


def _hpa(ax, history: History, key: str, end: float) -> None:
    ax.set_title(_("viz.timeline.hpa", name=key.split("/")[-1]), fontsize=pal.FONT, loc="left")
    series = history.hpas[key]
    times, current = _steps(series, end, 1)
    _t, target = _steps(series, end, 2)
    _t, replicas = _steps(series, end, 3)
    ax.step(
        times,
        [c if c is not None else float("nan") for c in current],
        where="post",
        color=pal.BLUE,
        linewidth=2,
        label=_("viz.timeline.metric"),
        gid="hpa:current",
    )
    ax.step(
        times,
        [g if g is not None else float("nan") for g in target],
        where="post",
        color=pal.BLUE,
        linestyle="dashed",
        label=_("viz.timeline.target"),
        gid="hpa:target",
    )
    right = ax.twinx()
    right.step(
        times,
        replicas,
        where="post",
        color=pal.ORANGE,
        linewidth=2,
        label=_("viz.timeline.replicas"),
        gid="hpa:replicas",
    )
    right.set_ylim(bottom=0)
    right.tick_params(labelsize=pal.SMALL)
    lines = ax.get_lines() + right.get_lines()
    ax.legend(
        lines,
        [line.get_label() for line in lines],
        loc="upper left",
        bbox_to_anchor=(1.06, 1.0),
        fontsize=pal.SMALL,
        frameon=False,
    )


def _nodes(ax, history: History, end: float) -> None:
    ax.set_title(_("viz.timeline.nodes"), fontsize=pal.FONT, loc="left")
    names = sorted(history.nodes, key=natural)
    for row, name in enumerate(names):
        series = history.nodes[name]
        bounds = [s[0] for s in series] + [end]
        for (t, status), t_next in zip(series, bounds[1:]):
            if status == "Gone":
                continue
            ax.broken_barh(
                [(t, t_next - t)],
                (row - 0.4, 0.8),
                facecolors=pal.NODE_COLORS.get(status, pal.GREY),
                hatch=None if status == "Ready" else "//",
                gid=f"node:{name}:{status}",
            )
    ax.set_yticks(range(len(names)), names, fontsize=pal.SMALL)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.invert_yaxis()
    handles = [
        Patch(facecolor=colour, hatch=None if s == "Ready" else "//", label=s)
        for s, colour in pal.NODE_COLORS.items()
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=pal.SMALL,
        frameon=False,
    )


def _marks(axes, history: History, start: float, end: float) -> None:
    """Vertical lines where something happened; labels on the top panel."""
    found: dict[float, list[str]] = defaultdict(list)
    for t, label in _process_marks(history):
        found[t].append(label)
    for t, reason, name in history.marks:
        label = f"{reason} {name}"
        if label not in found[t]:
            found[t].append(label)
    times = [t for t in sorted(found) if start <= t <= end][-MAX_MARKS:]
    top = axes[0]
    for t in times:
        for ax in axes:
            ax.axvline(t, color=pal.GREY, linestyle="dotted", linewidth=1, gid="mark")
        text = "\n".join(found[t][:3]) + (" …" if len(found[t]) > 3 else "")
        top.annotate(
            text,
            (t, 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            va="top",
            ha="left",
            xytext=(2, -2),
            textcoords="offset points",
            gid="mark-label",
            bbox={"boxstyle": "square,pad=0.1", "fc": pal.WHITE, "ec": "none", "alpha": 0.8},
        )


def _process_marks(history: History) -> list[tuple[float, str]]:
    """Processes stopped or started, from the trace: a node's two processes read as the node."""
    groups: dict[tuple[float, str], list[str]] = defaultdict(list)
    for rec in history.cluster.trace.filter(resource="process", since=history.start):
        if rec.verb in ("stop", "start") and rec.time > history.start:
            groups[rec.time, rec.verb].append(rec.component)
    marks = []
    for (t, verb), names in groups.items():
        present = set(names)
        nodes = {n.split("/")[1] for n in names if n.startswith("kubelet/")}
        for name in names:
            parent, _sep, child = name.partition("/")
            if child and (parent in present or (parent == "kube-proxy" and child in nodes)):
                continue  # a controller inside a stopped manager, or kube-proxy beside kubelet
            label = f"{child} down" if verb == "stop" and parent == "kubelet" else f"{name} {verb}"
            if verb == "start" and parent == "kubelet":
                label = f"{child} up"
            marks.append((t, label))
    return sorted(marks)


def _legend(ax) -> None:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=pal.SMALL, frameon=False)
