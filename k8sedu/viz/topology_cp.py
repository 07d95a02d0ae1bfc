"""The control plane in the topology picture: one machine, or several behind a load balancer.

One control-plane machine is drawn as its four components side by side. A replicated control
plane (``Cluster(control_planes=3)``, ``k8sedu/ha.py``) is drawn as one frame per machine, each
with its etcd member's Raft role (``leader``, ``follower``, ``candidate``, or ``down``), its API
server, and its kube-scheduler and kube-controller-manager, the copy that holds the Lease marked
``leader``; above them kind's load balancer, with a line to every API server (dashed: not
ready, so it sends nothing there).
"""

from __future__ import annotations

from matplotlib.collections import LineCollection

from k8sedu.viz import palette as pal
from k8sedu.viz import state
from k8sedu.widgets.i18n import _

COMPONENTS = ("etcd", "kube-apiserver", "kube-scheduler", "kube-controller-manager")
AREA = (1, 52, 84, 13)  # where the control plane is drawn (x, y, w, h)
BALANCER = (88, 65.6, 39, 4.4)
CP_PODS = 6.5  # width of a machine's pod column


def draw(canvas, cluster, nodes: dict, process) -> tuple[dict, dict]:
    """Draw the control plane with ``process(canvas, rect, label, url, proc)``. Returns
    ("ip:<address>" of each API server → its centre, machine → its pod area)."""
    if cluster.api_load_balancer is None:
        return _single(canvas, cluster, nodes, process)
    return _replicated(canvas, cluster, nodes, process)


def _single(canvas, cluster, nodes: dict, process) -> tuple[dict, dict]:
    name = cluster.control_plane.name
    _machine_frame(canvas, AREA, name, nodes.get(name))
    centers = {
        comp: process(canvas, (2 + i * 19, 53.5, 18, 7), comp, comp, cluster.components.get(comp))
        for i, comp in enumerate(COMPONENTS)
    }
    x, y, w, h = AREA
    pods = (x + w - CP_PODS - 0.5, y + 1, CP_PODS, h - 5)
    return {f"ip:{cluster.control_plane.ip}": centers["kube-apiserver"]}, {name: pods}


def _replicated(canvas, cluster, nodes: dict, process) -> tuple[dict, dict]:
    roles = {m["name"]: m["role"] if m["up"] else "down" for m in cluster.etcd.members()}
    hosts = cluster.control_plane_hosts
    x0, y, w_all, h = AREA
    gap = 1.0
    w = (w_all - gap * (len(hosts) - 1)) / len(hosts)
    apiservers, pod_areas = {}, {}
    for i, host in enumerate(hosts):
        x = x0 + i * (w + gap)
        _machine_frame(canvas, (x, y, w, h), host.name, nodes.get(host.name), host.up)
        for row, comp in enumerate(COMPONENTS):
            proc = host.processes.get(comp)
            rect = (x + 1, y + 0.8 + (3 - row) * 2.65, 13, 2.3)
            center = process(canvas, rect, comp, f"{host.name}/{comp}", proc)
            role = _role(comp, proc, roles)
            if role:
                canvas.text(x + 14.5, center[1], role, fontsize=pal.SMALL, va="center",
                            fontweight="bold" if role == "leader" else "normal")  # fmt: skip
            if comp == "kube-apiserver":
                apiservers[f"ip:{host.ip}"] = center
        pod_areas[host.name] = (x + w - CP_PODS - 0.5, y + 0.8, CP_PODS, h - 3.3)
    _balancer(canvas, cluster, apiservers)
    return apiservers, pod_areas


def _role(comp: str, proc, roles: dict) -> str:
    """The Raft role (or ``down``) of an etcd member, ``leader`` for the Lease holder."""
    if comp == "etcd" and proc is not None:
        return roles.get(proc.member, "down")
    if proc is not None and proc.running and getattr(proc, "leading", False):
        return "leader"
    return ""


def _machine_frame(canvas, rect, name: str, node: dict | None, up: bool = True) -> None:
    status = state.node_state(node) if node else "Unknown"
    style = {"facecolor": pal.WHITE, "linewidth": 1.5}
    if up:
        canvas.box("control-plane", rect, name, zorder=1, **style)
    else:
        canvas.box("control-plane:off", rect, name, zorder=1, hatch="///", **style)
    x, y, w, h = rect
    if w > 40:  # one machine: the whole title
        title, size = _("viz.topology.control_plane", node=f"{name} · {status}"), pal.FONT
    else:
        words = [name, status] if up else [name, status, _("viz.topology.powered_off")]
        title, size = " · ".join(words), pal.SMALL
    canvas.text(x + 0.8, y + h - 0.7, title, fontsize=size, fontweight="bold", va="top")


def _balancer(canvas, cluster, apiservers: dict) -> None:
    """kind's external load balancer, with a line to each API server it may send requests to."""
    balancer = cluster.api_load_balancer
    backends = balancer.backends()
    ready = sum(b["ready"] for b in backends)
    canvas.box("load-balancer", BALANCER, balancer.address, facecolor=pal.WHITE, zorder=2)
    x, y, w, h = BALANCER
    text = f"{balancer.address} · {ready}/{len(backends)} ready"
    canvas.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=pal.SMALL)
    ips = {host.name: host.ip for host in cluster.control_plane_hosts}
    lines: dict[bool, list] = {True: [], False: []}
    for backend in backends:
        end = apiservers[f"ip:{ips[backend['machine']]}"]
        lines[backend["ready"]].append([(x, y + 0.4), end])
    for ok, segs in lines.items():
        if segs:
            coll = LineCollection(
                segs,
                colors=pal.BLACK,
                linewidths=1.2,
                alpha=0.7,
                zorder=1.5,  # under the process boxes, over the machine frames
                linestyles="solid" if ok else "dashed",
                gid=f"backends:{'ready' if ok else 'not-ready'}",
            )
            canvas.ax.add_collection(coll, autolim=False)
