"""The cluster as the course's source document draws it: control plane above, workers below.

The control plane shows its four components (``topology_cp.py``; a replicated one, each
machine's with etcd roles, Lease holders and the load balancer); each worker shows its kubelet
and kube-proxy and, inside, the pods bound to it, coloured by phase; Services sit at the bottom
with lines to the pods their EndpointSlices list (``topology_services.py``; dashed: not ready).
A stopped process is hatched grey, a node that is not Ready has a dashed red edge, a powered-off
machine is hatched.

Pods keep their place across redraws: a ``TopologyLayout`` remembers which slot each pod holds
and gives a freed slot to the next new pod, so a dashboard redrawing every tick never shuffles
them. Boxes of one kind are drawn as one collection (``gid`` names it, ``urls`` name its members:
``pods:Running`` holds ``default/web-1`` …), which keeps a 100-pod redraw fast.
Simplified: one picture for every namespace; at most 110 pod slots per node are drawn.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from k8sedu.viz import palette as pal
from k8sedu.viz import state, topology_cp, topology_services
from k8sedu.widgets.i18n import _

NODE_PROCESSES = ("kubelet", "kube-proxy")
# (slots, columns): a node's pod grid grows through these as pods arrive, and never shrinks back
TIERS = ((6, 1), (12, 2), (30, 5), (60, 6), (110, 10))
W, H = 128.0, 72.0  # data units: 1 unit = 10 px at 1280×720
PROCESS_STYLE = {  # state → (face, hatch, linestyle)
    "running": (pal.RUNNING, None, "solid"),
    "stopped": (pal.STOPPED, "xx", "solid"),
    "absent": (pal.WHITE, None, "dashed"),
}


class TopologyLayout:
    """Where nodes and pods sit; keep one across redraws so that nothing jumps."""

    def __init__(self, cache_labels: bool = False) -> None:
        self.cache_labels = cache_labels
        self.labels: list | None = None  # the static labels of the last drawing
        self._overlay: tuple = (None, None)  # (labels, their RGBA rendering)
        self.nodes: list[str] = []
        self.slots: dict[str, dict[str, int]] = {}  # node ("" = unscheduled) → pod key → slot
        self.tier = 0
        self.figure: Figure | None = None

    def axes(self):
        """The canvas to draw on: this layout's figure, emptied (reusing it keeps text sizes
        cached and skips building a new Axes: a faster redraw)."""
        if self.figure is None:
            self.figure = pal.new_figure()
            ax = self.figure.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, W)
            ax.set_ylim(0, H)
            ax.set_axis_off()
        ax = self.figure.axes[0]
        for artist in [*ax.collections, *ax.patches, *ax.texts, *ax.lines]:
            artist.remove()
        return ax

    def png(self) -> bytes:
        """The last drawing as PNG. With ``cache_labels`` the figure lacks its static labels
        (component names, legend …): they are rendered once, kept, and laid over each redraw —
        text is most of what a redraw costs."""
        if not self.labels:
            return pal.png(self.figure)
        if self._overlay[0] != self.labels:
            self._overlay = (list(self.labels), _render_labels(self.labels))
        return pal.png(self.figure, overlay=self._overlay[1])

    def order_nodes(self, names: list[str]) -> list[str]:
        """Known nodes keep their place; new ones join at the end in natural order."""
        live = set(names)
        self.nodes = [n for n in self.nodes if n in live]
        known = set(self.nodes)
        self.nodes += sorted((n for n in names if n not in known), key=state.natural)
        return list(self.nodes)

    def place(self, node: str, keys: list[str]) -> dict[str, int]:
        """Slot per pod key: kept if the pod was here before, else the lowest free one."""
        old = self.slots.get(node, {})
        slots = {k: old[k] for k in keys if k in old}
        used = set(slots.values())
        free = (i for i in range(10**6) if i not in used)
        for key in keys:
            if key not in slots:
                slots[key] = next(free)
        self.slots[node] = slots
        needed = max(slots.values(), default=-1) + 1
        while self.tier < len(TIERS) - 1 and needed > TIERS[self.tier][0]:
            self.tier += 1
        return slots


class _Canvas:
    """Collects boxes by style and draws each style as one collection at the end."""

    def __init__(self, ax, labels: list | None = None) -> None:
        self.ax = ax
        self.labels = labels  # where static texts go when the layout draws them once
        self.groups: dict[str, tuple[dict, list, list, list, list]] = {}

    def box(self, gid: str, rect, url: str, facecolor: str, edgecolor=pal.BLACK, **style) -> None:
        """One rectangle in the collection ``gid``; colours per box, other style per group."""
        x, y, w, h = rect
        group = self.groups.setdefault(gid, (style, [], [], [], []))
        group[1].append(((x, y), (x + w, y), (x + w, y + h), (x, y + h)))
        group[2].append(url)
        group[3].append(facecolor)
        group[4].append(edgecolor)

    def text(self, x, y, s, static: bool = False, **kw) -> None:
        """A label; a ``static`` one (the same on every redraw) may be drawn once and reused."""
        if static and self.labels is not None:
            self.labels.append((x, y, s, tuple(sorted(kw.items()))))
        else:
            self.ax.text(x, y, s, **kw)

    def finish(self) -> None:
        for gid, (style, rects, urls, faces, edges) in self.groups.items():
            coll = PolyCollection(rects, facecolors=faces, edgecolors=edges, gid=gid, **style)
            coll.set_urls(urls)
            self.ax.add_collection(coll, autolim=False)


def topology(cluster, layout: TopologyLayout | None = None) -> Figure:
    """Draw the cluster now. Pass the same ``layout`` on every redraw to keep pods in place;
    the figure is then the layout's own, emptied and drawn again."""
    layout = layout or TopologyLayout()
    ax = layout.axes()
    nodes = {n["metadata"]["name"]: n for n in state.objects(cluster, "nodes")}
    pods = sorted(
        state.objects(cluster, "pods"),
        key=lambda p: (p["metadata"].get("creationTimestamp", ""), state.key_of(p)),
    )
    by_node: dict[str, list[dict]] = {}
    for pod in pods:
        by_node.setdefault(pod.get("spec", {}).get("nodeName") or "", []).append(pod)
    machines = [host.name for host in cluster.control_plane_hosts]
    workers = layout.order_nodes([n for n in nodes if n not in machines])
    slots = {
        name: layout.place(name, [state.key_of(p) for p in by_node.get(name, [])])
        for name in ["", *machines, *workers]
    }

    layout.labels = [] if layout.cache_labels else None
    canvas = _Canvas(ax, layout.labels)
    centers: dict[str, tuple[float, float]] = {}  # pod key → where endpoint lines end

    apiservers, areas = topology_cp.draw(canvas, cluster, nodes, _process)
    for name, area in areas.items():
        _pods(canvas, by_node.get(name, []), slots[name], area, layout.tier, centers)
    _frame(canvas, (87, 52, 40, 13), _("viz.topology.unscheduled"), "unscheduled")
    _pods(canvas, by_node.get("", []), slots[""], (88, 53, 38, 9), layout.tier, centers, widen=3)
    for box, name in zip(_grid(len(workers)), workers):
        _worker(canvas, cluster, name, nodes[name], box)
        x, y, w, h = box
        area = (x + 1, y + 1, w - 2, h - 10)
        _pods(canvas, by_node.get(name, []), slots[name], area, layout.tier, centers)
    topology_services.draw(canvas, cluster, centers, apiservers)
    _titles(ax, cluster, nodes, pods)
    _legend(canvas)
    canvas.finish()
    return ax.figure


def _render_labels(labels: list) -> np.ndarray:
    """The labels alone on a transparent canvas of the same size: an RGBA array."""
    fig = pal.new_figure()
    fig.patch.set_alpha(0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.set_axis_off()
    ax.patch.set_alpha(0)
    for x, y, s, kw in labels:
        ax.text(x, y, s, **dict(kw))
    pal.draw(fig)
    return np.array(fig.canvas.buffer_rgba())


def _grid(n: int) -> list[tuple[float, float, float, float]]:
    """Boxes for n workers between y = 12 and y = 50, at most five per row."""
    if n == 0:
        return []
    cols = min(n, 5)
    rows = math.ceil(n / cols)
    gap = 1.5
    w = (W - 2 - gap * (cols - 1)) / cols
    h = (38 - gap * (rows - 1)) / rows
    return [
        (1 + (i % cols) * (w + gap), 50 - (i // cols + 1) * h - (i // cols) * gap, w, h)
        for i in range(n)
    ]


def _frame(canvas: _Canvas, rect, title: str, url: str, gid: str = "frames", **style) -> None:
    style = {"facecolor": pal.WHITE, "linewidth": 1.5, **style}
    canvas.box(style.pop("gid", gid), rect, url, zorder=1, **style)
    x, y, w, h = rect
    canvas.text(x + 0.8, y + h - 0.7, title, fontsize=pal.FONT, fontweight="bold", va="top")


def _process(canvas: _Canvas, rect, name: str, url: str, proc) -> tuple[float, float]:
    """One process box: blue when running, hatched grey when stopped, dashed when absent."""
    status = "absent" if proc is None else "running" if proc.running else "stopped"
    face, hatch, style = PROCESS_STYLE[status]
    canvas.box(
        f"processes:{status}",
        rect,
        url,
        facecolor=face,
        edgecolor=pal.BLACK,
        hatch=hatch,
        linestyle=style,
        zorder=2,
    )
    x, y, w, h = rect
    fontsize = pal.FONT if w > 12 and h > 3 else pal.SMALL
    canvas.text(
        x + w / 2, y + h / 2, name, static=True, ha="center", va="center", fontsize=fontsize
    )
    return x + w / 2, y + h / 2


def _worker(canvas: _Canvas, cluster, name: str, node: dict, box) -> None:
    status = state.node_state(node)
    host = cluster.hosts.get(name)
    off = host is not None and not host.up
    words = [name, status]
    if node.get("spec", {}).get("unschedulable"):
        words.append("SchedulingDisabled")
    if off:
        words.append(_("viz.topology.powered_off"))
    if status == "Ready":
        style = {"gid": "nodes:Ready"}
    else:
        style = {
            "gid": f"nodes:{status}",
            "edgecolor": pal.NODE_COLORS[status],
            "linestyle": "dashed",
            "linewidth": 2.5,
        }
    if off:
        style["gid"] += ":off"
        style["hatch"] = "///"
    _frame(canvas, box, " · ".join(words), name, **style)
    x, y, w, h = box
    pw = (w - 3) / 2
    for i, proc_name in enumerate(NODE_PROCESSES):
        proc = host.processes.get(proc_name) if host is not None else None
        rect = (x + 1 + i * (pw + 1), y + h - 8, pw, 5)
        _process(canvas, rect, proc_name, f"{name}/{proc_name}", proc)


def _pods(canvas: _Canvas, pods, slots, area, tier: int, centers: dict, widen: int = 1) -> None:
    """Pods as chips in a fixed grid (``widen`` times the tier's columns), named while room."""
    x, y, w, h = area
    capacity, cols = TIERS[tier]
    cols *= widen
    rows = math.ceil(capacity / cols)
    named = cols <= 2 * widen
    cw, ch = w / cols, min(h / rows, 3.0) if named else h / rows
    max_chars = int(cw * 10 / 6)
    for pod in pods:
        key = state.key_of(pod)
        slot = slots[key]
        if slot >= capacity:
            continue
        px, py = x + (slot % cols) * cw, y + h - (slot // cols + 1) * ch
        phase = state.pod_state(pod)
        not_ready = phase == "Running" and not state.pod_ready(pod)
        canvas.box(
            f"pods:{phase}{':not-ready' if not_ready else ''}",
            (px + 0.15, py + 0.15, cw - 0.3, ch - 0.3),
            key,
            facecolor=pal.PHASE_COLORS[phase],
            edgecolor=pal.BLACK,
            linewidth=0.6,
            hatch="..." if not_ready else None,
            zorder=2,
        )
        centers[key] = (px + cw / 2, py + ch / 2)
        if named and ch >= 2:
            name = pod["metadata"]["name"]
            text = name if len(name) <= max_chars else name[: max_chars - 1] + "…"
            canvas.text(
                px + 0.6,
                py + ch / 2,
                text,
                fontsize=pal.SMALL,
                va="center",
                zorder=3,
                color=pal.WHITE if phase in ("Succeeded", "Running") else pal.BLACK,
            )


def _titles(ax, cluster, nodes: dict, pods: list[dict]) -> None:
    phases = Counter(state.pod_state(p) for p in pods)
    summary = ", ".join(f"{n} {phase}" for phase, n in sorted(phases.items()))
    ready = sum(state.node_state(n) == "Ready" for n in nodes.values())
    ax.text(
        1,
        70.6,
        _("viz.topology.title", seconds=f"{cluster.now:g}"),
        fontsize=14,
        fontweight="bold",
        va="top",
        gid="title",
    )
    subtitle = _(
        "viz.topology.subtitle",
        ready=ready,
        nodes=len(nodes),
        pods=summary or _("viz.topology.no_pods"),
    )
    ax.text(1, 67.6, subtitle, fontsize=pal.FONT, va="top", gid="subtitle")


def _legend(canvas: _Canvas) -> None:
    """A hand-made legend (the offset-box legend costs a fifth of a redraw)."""
    entries = [(p, c, None) for p, c in pal.PHASE_COLORS.items()]
    entries += [
        ("Running, not Ready", pal.GREEN, "..."),
        (_("viz.topology.stopped"), pal.STOPPED, "xx"),
    ]
    for i, (label, colour, hatch) in enumerate(entries):
        x, y = 100 + (i % 2) * 14, 8.5 - (i // 2) * 2.2
        canvas.box(
            f"legend:{hatch or 'plain'}",
            (x, y, 2, 1.4),
            label,
            facecolor=colour,
            edgecolor=pal.BLACK,
            hatch=hatch,
            linewidth=0.6,
        )
        canvas.text(x + 2.6, y + 0.7, label, static=True, fontsize=pal.SMALL, va="center")
