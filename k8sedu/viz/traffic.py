"""Who talked to whom through the API server: the hub-and-spoke picture, from the audit trail.

Every client of kube-apiserver is a spoke; kube-apiserver is the hub and the only one that
talks to etcd. A solid arrow is the client's requests (width grows with their number, label =
count); a dashed arrow back to the client is its watch streams, labelled with how many
streams it opened and how many events they delivered. Nothing joins two components directly —
that absence is the point of the picture.

Counts come from the trace: with ``since=None`` from its exact per-(component, verb, resource)
counters (the whole run), otherwise from the records kept in its ring. The API server's own
bootstrap writes (client ``kube-apiserver``) are left out: a hub does not talk to itself.
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
from matplotlib.figure import Figure

from k8sedu.viz import palette as pal
from k8sedu.widgets.i18n import _

API_VERBS = ("create", "get", "list", "update", "patch", "delete", "deletecollection", "watch")
HUB, STORE = "kube-apiserver", "etcd"
KIND_COLORS = {
    "kubernetes-admin": pal.VERMILLION,
    "kube-scheduler": pal.ORANGE,
    "kube-controller-manager": pal.BLUE,
    "kubelet": pal.GREEN,
    "kube-proxy": pal.PURPLE,
}
NODE_SIZE = 4000
MAX_SPOKES = 12  # beyond this, per-node clients merge into one spoke per kind


def talk(cluster, since: float | None = None) -> dict[str, dict[str, int]]:
    """Client → {"requests", "watches", "events"} counted from the trace."""
    found: dict[str, Counter] = {}
    if since is None:
        items = ((c, v, n) for (c, v, _r), n in cluster.trace.counts.items())
    else:
        items = (
            (r.component, r.verb, 1)
            for r in cluster.trace.since(since)
            if isinstance(r.detail, dict) and "code" in r.detail
        )
    for component, verb, n in items:
        if component == HUB:
            continue
        if verb == "watch":
            found.setdefault(component, Counter())["watches"] += n
        elif verb == "watch-event":
            found.setdefault(component, Counter())["events"] += n
        if verb in API_VERBS:
            found.setdefault(component, Counter())["requests"] += n
    return {c: dict(found[c]) for c in sorted(found) if found[c]["requests"]}


def _merge_per_node(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """``kubelet/node-1`` … ``kubelet/node-10`` → one ``kubelet (10 nodes)`` spoke."""
    merged: dict[str, Counter] = {}
    members: Counter = Counter()
    for client, numbers in counts.items():
        kind = client.split("/")[0]
        merged.setdefault(kind, Counter()).update(numbers)
        members[kind] += 1
    return {
        (f"{kind} ({members[kind]} nodes)" if members[kind] > 1 else kind): dict(numbers)
        for kind, numbers in merged.items()
    }


def traffic(cluster, since: float | None = None) -> Figure:
    """Draw who talked to kube-apiserver (since ``since`` simulated seconds, else ever)."""
    counts = talk(cluster, since)
    if len(counts) > MAX_SPOKES:
        counts = _merge_per_node(counts)
    graph = nx.DiGraph()
    graph.add_node(HUB)
    graph.add_node(STORE)
    clients = list(counts)
    for client in clients:
        graph.add_edge(client, HUB, kind="requests", count=counts[client]["requests"])
        if counts[client].get("watches"):
            graph.add_edge(HUB, client, kind="watch", count=counts[client]["watches"])
    graph.add_edge(HUB, STORE, kind="storage", count=0)

    pos = {HUB: (0.0, 0.0), STORE: (0.0, -0.45)}
    for i, client in enumerate(clients):  # spokes on the upper arc and the sides, never on etcd
        angle = math.pi * (1.15 - 1.3 * (i + 0.5) / max(len(clients), 1))
        pos[client] = (math.cos(angle), math.sin(angle) * 0.9)

    fig = pal.new_figure()
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.86))
    ax.set_axis_off()
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-0.6, 1.05)
    biggest = max((c["requests"] for c in counts.values()), default=1)

    def width(n: int) -> float:
        return 1 + 5 * math.log1p(n) / math.log1p(biggest)

    requests = [(c, HUB) for c in clients]
    watches = [(HUB, c) for c in clients if graph.has_edge(HUB, c)]
    colours = {c: KIND_COLORS.get(c.split("/")[0].split(" ")[0], pal.GREY) for c in clients}
    for edges, style, label_of in (
        (requests, "solid", lambda c: _("viz.traffic.requests", count=counts[c]["requests"])),
        (
            watches,
            "dashed",
            lambda c: _(
                "viz.traffic.watches", count=counts[c]["watches"], events=counts[c].get("events", 0)
            ),
        ),
    ):
        if not edges:
            continue
        client_of = [e[0] if e[1] == HUB else e[1] for e in edges]
        arrows = nx.draw_networkx_edges(
            graph,
            pos,
            edgelist=edges,
            ax=ax,
            style=style,
            arrows=True,
            arrowsize=14,
            width=[width(counts[c]["requests"]) if style == "solid" else 1.5 for c in client_of],
            edge_color=[colours[c] for c in client_of],
            connectionstyle="arc3,rad=0.12",
            node_size=NODE_SIZE,
        )
        for arrow, client in zip(arrows, client_of):
            arrow.set_gid(f"{'requests' if style == 'solid' else 'watch'}:{client}")
        nx.draw_networkx_edge_labels(
            graph,
            pos,
            edge_labels={e: label_of(c) for e, c in zip(edges, client_of)},
            ax=ax,
            font_size=pal.SMALL,
            connectionstyle="arc3,rad=0.12",
            label_pos=0.6,
            bbox={"boxstyle": "round", "fc": pal.WHITE, "ec": "none", "alpha": 0.8},
        )
    storage = nx.draw_networkx_edges(
        graph,
        pos,
        edgelist=[(HUB, STORE)],
        ax=ax,
        width=4,
        edge_color=pal.BLACK,
        arrows=True,
        node_size=3000,
    )
    storage[0].set_gid("storage")
    nx.draw_networkx_edge_labels(
        graph,
        pos,
        ax=ax,
        font_size=pal.SMALL,
        edge_labels={(HUB, STORE): _("viz.traffic.storage", revision=cluster.etcd.revision)},
    )
    node_colours = [pal.RUNNING if n in (HUB, STORE) else pal.WHITE for n in graph.nodes]
    nx.draw_networkx_nodes(
        graph,
        pos,
        ax=ax,
        node_size=3000,
        node_color=node_colours,
        edgecolors=pal.BLACK,
        node_shape="s",
    )
    names = {n: _label(n) for n in graph.nodes}
    nx.draw_networkx_labels(graph, pos, labels=names, ax=ax, font_size=pal.SMALL)
    when = _("viz.traffic.since", seconds=f"{since:g}") if since is not None else ""
    fig.text(
        0.01,
        0.97,
        _("viz.traffic.title", since=when),
        fontsize=14,
        fontweight="bold",
        va="top",
        gid="title",
    )
    fig.text(0.01, 0.925, _("viz.traffic.subtitle"), fontsize=pal.FONT, va="top")
    return fig


def _label(client: str) -> str:
    if client == "kubernetes-admin":
        return _("viz.traffic.you")
    # short lines inside the square: "kube-controller-\nmanager", "kubelet\nnode-1"
    return client.replace("/", "\n").replace(" (", "\n(").replace("controller-", "controller-\n")
