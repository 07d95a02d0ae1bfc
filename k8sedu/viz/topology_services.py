"""Services in the topology picture: ovals at the bottom, lines to the pods they send to.

Endpoints come from EndpointSlices (else Endpoints); a dashed line is a not-ready endpoint.
"""

from __future__ import annotations

from matplotlib.collections import LineCollection
from matplotlib.patches import Ellipse

from k8sedu.viz import palette as pal
from k8sedu.viz import state
from k8sedu.widgets.i18n import _


def _endpoints(cluster) -> dict[str, list[tuple[str, bool]]]:
    """Service key → [(pod key or "ip:<address>", ready)], from EndpointSlices (else Endpoints)."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for eps in state.objects(cluster, "endpointslices"):
        svc = eps["metadata"].get("labels", {}).get("kubernetes.io/service-name")
        if not svc:
            continue
        targets = found.setdefault(f"{eps['metadata']['namespace']}/{svc}", [])
        for ep in eps.get("endpoints") or ():
            ready = (ep.get("conditions") or {}).get("ready") is not False
            targets.append((_target(ep.get("targetRef"), ep.get("addresses", [""])[0]), ready))
    for ep in state.objects(cluster, "endpoints"):
        key = state.key_of(ep)
        if key in found:
            continue
        targets = found.setdefault(key, [])
        for subset in ep.get("subsets") or ():
            for field, ready in (("addresses", True), ("notReadyAddresses", False)):
                for addr in subset.get(field) or ():
                    targets.append((_target(addr.get("targetRef"), addr.get("ip", "")), ready))
    return found


def _target(ref: dict | None, ip: str) -> str:
    if ref and ref.get("kind") == "Pod":
        return f"{ref.get('namespace', 'default')}/{ref['name']}"
    return f"ip:{ip}"


def draw(canvas, cluster, centers: dict, apiservers: dict) -> None:
    """Each Service as an oval, with a line to every endpoint: pod ``centers`` by key, API
    servers by ``ip:<address>`` (the ``kubernetes`` Service)."""
    services = state.objects(cluster, "services")
    if not services:
        return
    ax = canvas.ax
    canvas.text(
        1, 10.6, _("viz.topology.services"), static=True, fontsize=pal.FONT, fontweight="bold"
    )
    endpoints = _endpoints(cluster)
    step = 96 / len(services)
    for i, svc in enumerate(services):
        key = state.key_of(svc)
        cx, cy = 1 + step * (i + 0.5), 5.0
        colour = pal.color(i)
        oval = Ellipse(
            (cx, cy),
            min(step - 1, 22),
            7,
            facecolor=pal.WHITE,
            edgecolor=colour,
            linewidth=2,
            gid=f"service:{key}",
        )
        ax.add_artist(oval)
        ip = svc.get("spec", {}).get("clusterIP") or ""
        name = svc["metadata"]["name"]
        canvas.text(cx, cy + 0.9, name, static=True, ha="center", fontsize=pal.FONT)
        canvas.text(cx, cy - 1.6, ip, static=True, ha="center", fontsize=pal.SMALL)
        lines: dict[bool, list] = {True: [], False: []}
        for target, ready in endpoints.get(key, []):
            end = apiservers.get(target) or centers.get(target)
            if end is not None:
                lines[ready].append([(cx, cy + 3.5), end])
        for ready, segs in lines.items():
            if segs:
                coll = LineCollection(
                    segs,
                    colors=colour,
                    linewidths=1.4,
                    alpha=0.8,
                    zorder=3,
                    linestyles="solid" if ready else "dashed",
                    gid=f"endpoints:{key}:{'ready' if ready else 'not-ready'}",
                )
                ax.add_collection(coll, autolim=False)
