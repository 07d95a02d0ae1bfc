"""Compact HTML cards, so that a bare ``cluster`` or API object at the end of a cell says something.

``cluster_html(cluster)`` backs ``Cluster._repr_html_``: the clock, the nodes, the pods by phase
and which control-plane components run. ``object_html(obj)`` shows an API object (a dict with
``apiVersion``, ``kind`` and ``metadata``) as kind, name and the status a ``kubectl get`` row would
give; for any other dict it returns None, so IPython shows the dict as usual.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from k8sedu.viz import palette as pal
from k8sedu.viz import state

CARD = (
    "<div class='k8s-card' style='border:1px solid {edge};border-left:6px solid {edge};"
    "border-radius:4px;padding:6px 10px;margin:2px 0;font-family:sans-serif;font-size:13px;"
    "max-width:640px'>{body}</div>"
)


def _badge(text: str, colour: str) -> str:
    return (
        f"<span style='background:{colour};color:#000;border-radius:3px;padding:0 5px;"
        f"margin-right:4px'>{escape(text)}</span>"
    )


def cluster_html(cluster) -> str:
    nodes = state.objects(cluster, "nodes")
    pods = state.objects(cluster, "pods")
    ready = sum(state.node_state(n) == "Ready" for n in nodes)
    phases = Counter(state.pod_state(p) for p in pods)
    components = [
        _badge(
            f"{name} {'running' if comp.running else 'stopped'}",
            pal.RUNNING if comp.running else pal.STOPPED,
        )
        for name, comp in cluster.components.items()
    ]
    pod_badges = [
        _badge(f"{n} {phase}", pal.PHASE_COLORS[phase]) for phase, n in sorted(phases.items())
    ] or ["no pods"]
    body = (
        f"<b>Cluster</b> · t = {cluster.now:g} s · seed {cluster.seed}<br>"
        f"Nodes: {ready} of {len(nodes)} Ready · Pods: {' '.join(pod_badges)}<br>"
        f"{' '.join(components)}"
    )
    return CARD.format(edge=pal.BLUE, body=body)


def object_html(obj) -> str | None:
    """A card for an API object, None for any other value (IPython then prints it as usual)."""
    if not (
        isinstance(obj, dict)
        and "kind" in obj
        and "apiVersion" in obj
        and isinstance(obj.get("metadata"), dict)
        and "name" in obj["metadata"]
    ):
        return None
    meta = obj["metadata"]
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    status, colour = _status(obj)
    labels = " ".join(
        f"<code>{escape(k)}={escape(str(v))}</code>"
        for k, v in sorted((meta.get("labels") or {}).items())
    )
    body = (
        f"<b>{escape(obj['kind'])}</b> {escape(where + meta['name'])} "
        f"<span style='color:#555'>({escape(obj['apiVersion'])})</span><br>"
        f"{_badge(status, colour) if status else ''}{labels}"
    )
    return CARD.format(edge=colour, body=body)


def _status(obj: dict) -> tuple[str, str]:
    kind, spec, status = obj["kind"], obj.get("spec") or {}, obj.get("status") or {}
    if kind == "Pod":
        phase = state.pod_state(obj)
        statuses = status.get("containerStatuses") or []
        ready = sum(bool(c.get("ready")) for c in statuses)
        node = spec.get("nodeName") or "not scheduled"
        return (
            f"{phase} · {ready}/{len(spec.get('containers', []))} ready · {node}",
            pal.PHASE_COLORS[phase],
        )
    if kind == "Node":
        ready = state.node_state(obj)
        return ready, pal.NODE_COLORS[ready]
    if kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        want, have = spec.get("replicas", 1), status.get("readyReplicas", 0)
        return f"{have}/{want} ready", pal.GREEN if have == want else pal.ORANGE
    if kind == "Service":
        ports = ",".join(str(p.get("port")) for p in spec.get("ports") or [])
        return f"{spec.get('type', 'ClusterIP')} {spec.get('clusterIP', '')} {ports}", pal.BLUE
    return "", pal.GREY
