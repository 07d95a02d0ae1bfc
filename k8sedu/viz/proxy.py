"""kube-proxy's rules as a graph: Service address → KUBE-SVC → KUBE-SEP → pod.

Reads the ``nat`` table kube-proxy last wrote on a node (``node.proxy.rules()``, its
``iptables-restore`` input, in the shape of ``pkg/proxy/iptables/proxier.go``) and draws the
jumps a packet can take: ``KUBE-SERVICES`` matches the Service's address and jumps to its
``KUBE-SVC-…`` chain, whose rules pick an endpoint with ``--probability`` (each rule takes its
share of what the rules above it left: ``1/n``, ``1/(n-1)`` …, the last one takes the rest), and
each ``KUBE-SEP-…`` chain rewrites the destination to a pod (``DNAT --to-destination``).
Edge labels give the rule's probability and the share of all traffic it ends up with.
Simplified: the masquerade bookkeeping (``KUBE-MARK-MASQ``, ``KUBE-POSTROUTING``) is left out.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import networkx as nx
from matplotlib.figure import Figure

from k8sedu.viz import palette as pal
from k8sedu.viz import state
from k8sedu.widgets.i18n import _

ENTRY_CHAINS = ("KUBE-SERVICES", "KUBE-NODEPORTS")
SERVICE_CHAINS = ("KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-")
LAYERS = {
    "entry": 0,
    "KUBE-EXT-": 1,
    "KUBE-FW-": 1,
    "KUBE-SVC-": 2,
    "KUBE-SVL-": 2,
    "KUBE-SEP-": 3,
    "pod": 4,
}


@dataclass
class Rule:
    chain: str
    target: str
    comment: str = ""
    destination: str = ""  # -d
    port: str = ""  # --dport
    probability: float | None = None
    to: str = ""  # DNAT --to-destination


def parse(text: str) -> list[Rule]:
    """The ``-A`` lines of an ``iptables-restore`` input, in order."""
    rules = []
    for line in text.splitlines():
        if not line.startswith("-A "):
            continue
        words = shlex.split(line)
        rule = Rule(chain=words[1], target="")
        for flag, value in zip(words, words[1:]):
            if flag == "-j":
                rule.target = value
            elif flag == "--comment":
                rule.comment = value
            elif flag == "-d":
                rule.destination = value.removesuffix("/32")
            elif flag == "--dport":
                rule.port = value
            elif flag == "--probability":
                rule.probability = float(value)
            elif flag == "--to-destination":
                rule.to = value
        rules.append(rule)
    return rules


def graph(rules: list[Rule]) -> nx.DiGraph:
    """Chains and endpoints as nodes; each jump an edge with its probability and share."""
    g = nx.DiGraph()
    left: dict[str, float] = {}  # chain → probability that a packet is still in it
    for rule in rules:
        if rule.chain in ENTRY_CHAINS and rule.target.startswith(SERVICE_CHAINS):
            entry = f"{rule.destination}:{rule.port}" if rule.destination else f":{rule.port}"
            name = rule.comment.split(" ")[0]
            g.add_node(entry, layer=LAYERS["entry"], label=f"{name}\n{entry}")
            _chain(g, rule.target)
            g.add_edge(entry, rule.target, label="", share=1.0)
        elif rule.chain.startswith(SERVICE_CHAINS) and rule.target.startswith(
            ("KUBE-SEP-", *SERVICE_CHAINS)
        ):
            remaining = left.get(rule.chain, 1.0)
            p = 1.0 if rule.probability is None else rule.probability
            left[rule.chain] = remaining * (1 - p)
            _chain(g, rule.chain)
            _chain(g, rule.target)
            label = f"p={rule.probability:.4f}" if rule.probability is not None else "rest"
            g.add_edge(
                rule.chain, rule.target, label=f"{label} → {remaining * p:.0%}", share=remaining * p
            )
        elif rule.chain.startswith("KUBE-SEP-") and rule.target == "DNAT":
            _chain(g, rule.chain)
            g.add_node(rule.to, layer=LAYERS["pod"], label=rule.to)
            g.add_edge(rule.chain, rule.to, label="DNAT", share=1.0)
    return g


def _chain(g: nx.DiGraph, chain: str) -> None:
    if chain not in g:
        prefix = next(p for p in (*SERVICE_CHAINS, "KUBE-SEP-") if chain.startswith(p))
        g.add_node(chain, layer=LAYERS[prefix], label=chain)


def kube_proxy_rules(node, cluster=None) -> Figure:
    """Draw a node's kube-proxy rules. ``node`` is a node (``cluster.node("node-1")``), its
    kube-proxy, or the rules text itself; pods are named when the cluster is known."""
    name = getattr(node, "name", "")
    cluster = cluster or getattr(node, "cluster", None)
    if isinstance(node, str):
        text = node
    else:
        proxy = getattr(node, "proxy", node)
        if proxy is None or not hasattr(proxy, "rules"):
            raise ValueError(f"{name or repr(node)} runs no kube-proxy")
        text = proxy.rules()
    g = graph(parse(text))
    if cluster is not None:
        _name_pods(g, cluster)

    fig = pal.new_figure()
    ax = fig.add_axes((0.01, 0.02, 0.98, 0.84))
    ax.set_axis_off()
    if len(g) == 0:
        ax.text(0.5, 0.5, _("viz.proxy.no_rules"), ha="center", fontsize=pal.FONT)
    else:
        pos = nx.multipartite_layout(g, subset_key="layer", align="vertical")
        pos = {n: (x, -y) for n, (x, y) in pos.items()}  # a chain's first rule on top
        colours = [_colour(g.nodes[n]["layer"]) for n in g]
        nx.draw_networkx_nodes(
            g, pos, ax=ax, node_color=colours, node_shape="s", node_size=900, edgecolors=pal.BLACK
        )
        arrows = nx.draw_networkx_edges(
            g,
            pos,
            ax=ax,
            arrows=True,
            arrowsize=12,
            node_size=900,
            width=[1 + 3 * g.edges[e]["share"] for e in g.edges],
        )
        for arrow, (a, b) in zip(arrows, g.edges):
            arrow.set_gid(f"{a}->{b}")
        above = {n: (x, y + 0.07) for n, (x, y) in pos.items()}  # names over the squares
        labels = {n: g.nodes[n]["label"] for n in g}
        nx.draw_networkx_labels(g, above, labels=labels, ax=ax, font_size=pal.SMALL)
        ax.margins(0.08, 0.15)
        nx.draw_networkx_edge_labels(
            g,
            pos,
            ax=ax,
            font_size=7,
            edge_labels={e: g.edges[e]["label"] for e in g.edges if g.edges[e]["label"]},
        )
    fig.text(
        0.01,
        0.985,
        _("viz.proxy.title", node=name or "—"),
        fontsize=14,
        fontweight="bold",
        va="top",
        gid="title",
    )
    fig.text(0.01, 0.935, _("viz.proxy.subtitle"), fontsize=pal.FONT, va="top")
    return fig


def _colour(layer: int) -> str:
    return {0: pal.SKY_BLUE, 1: pal.YELLOW, 2: pal.ORANGE, 3: pal.PURPLE, 4: pal.GREEN}[layer]


def _name_pods(g: nx.DiGraph, cluster) -> None:
    """Label DNAT destinations with the pod that has that IP."""
    by_ip = {}
    for pod in state.objects(cluster, "pods"):
        ip = pod.get("status", {}).get("podIP")
        if ip:
            by_ip[ip] = pod["metadata"]["name"]
    for n in g:
        if g.nodes[n]["layer"] == LAYERS["pod"]:
            ip = n.rsplit(":", 1)[0]
            if ip in by_ip:
                g.nodes[n]["label"] = f"{by_ip[ip]}\n{n}"
