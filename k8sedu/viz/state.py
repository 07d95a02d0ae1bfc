"""What the pictures read: the cluster's objects straight from etcd, and small views of them.

Pictures read the stored objects the way ``etcdctl get --prefix /registry/pods/`` would, not
through the API: drawing never appears in the audit trail (the traffic picture stays about the
components), and it still works while kube-apiserver is stopped — the store is the truth.
"""

from __future__ import annotations

import json
import re

from k8sedu.apiserver.registry import resource


def objects(cluster, plural: str) -> list[dict]:
    """Every stored object of a resource (``"pods"``), decoded, in key order."""
    prefix = resource(plural).key_prefix + "/"
    return [json.loads(kv.value) for kv in cluster.etcd.range(prefix)]


def key_of(obj: dict) -> str:
    """``namespace/name`` (or ``name`` for cluster-scoped objects), as the trace writes keys."""
    meta = obj["metadata"]
    ns = meta.get("namespace")
    return f"{ns}/{meta['name']}" if ns else meta["name"]


def pod_state(pod: dict) -> str:
    """The pod's phase, or ``Terminating`` once its deletion started (as kubectl's STATUS)."""
    if pod["metadata"].get("deletionTimestamp"):
        return "Terminating"
    return pod.get("status", {}).get("phase") or "Pending"


def pod_ready(pod: dict) -> bool:
    return condition(pod, "Ready") == "True"


def node_state(node: dict) -> str:
    """``Ready``, ``NotReady`` or ``Unknown`` from the Node's Ready condition (kubectl's STATUS)."""
    status = condition(node, "Ready")
    return {"True": "Ready", "False": "NotReady"}.get(status, "Unknown")


def condition(obj: dict, type_: str) -> str | None:
    for cond in obj.get("status", {}).get("conditions") or ():
        if cond.get("type") == type_:
            return cond.get("status")
    return None


def owner(obj: dict, kind: str) -> str | None:
    """The name of the controlling owner of the given kind, if any."""
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("kind") == kind and ref.get("controller"):
            return ref["name"]
    return None


def natural(name: str) -> tuple:
    """Sort key that puts node-2 before node-10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))
