"""Per-kind rules the registry applies around a write (``pkg/registry/*/strategy.go``).

``prepare_create`` fills what the server owns on create: a pod's status starts ``Pending`` with its
QoS class; a Namespace starts ``Active``; objects that track ``metadata.generation`` start at 1.
``prepare_update`` keeps what a main update may not change (status, for kinds with a status
subresource) or what a status update may not change (spec and metadata), and bumps the
generation when the spec changed.
"""

from __future__ import annotations

import functools

from k8sedu import quantity

# kinds whose strategy sets metadata.generation (pods track it since v1.33's PodObservedGenerationTracking)
TRACKS_GENERATION = frozenset(
    {
        "pods",
        "deployments",
        "replicasets",
        "daemonsets",
        "statefulsets",
        "jobs",
        "cronjobs",
        "horizontalpodautoscalers",
        "poddisruptionbudgets",
        "ingresses",
        "networkpolicies",
        "customresourcedefinitions",
    }
)

# metadata fields only the server sets; a client's values are ignored
SYSTEM_METADATA = (
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "selfLink",
    "managedFields",
)


def qos_class(pod: dict) -> str:
    """Guaranteed, Burstable or BestEffort (REFERENCE §5.2; ``pkg/apis/core/v1/helper/qos/qos.go``)."""
    spec = pod.get("spec", {})
    containers = list(spec.get("initContainers") or []) + list(spec.get("containers") or [])
    requests: dict[str, int] = {}
    limits: dict[str, int] = {}
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        c_req = {
            n: _value(n, v)
            for n, v in (res.get("requests") or {}).items()
            if n in ("cpu", "memory")
        }
        c_lim = {
            n: _value(n, v) for n, v in (res.get("limits") or {}).items() if n in ("cpu", "memory")
        }
        for n, v in c_req.items():
            if v:
                requests[n] = requests.get(n, 0) + v
        for n, v in c_lim.items():
            if v:
                limits[n] = limits.get(n, 0) + v
        if set(c_lim) != {"cpu", "memory"} or any(
            c_req.get(n, c_lim[n]) != c_lim[n] for n in c_lim
        ):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


@functools.lru_cache(maxsize=4096)
def _value(name: str, text) -> int:
    q = quantity.parse(text)
    return quantity.cpu_millis(q) if name == "cpu" else quantity.to_int(q)


def prepare_create(resource: str, obj: dict) -> None:
    meta = obj["metadata"]
    if resource in TRACKS_GENERATION:
        meta["generation"] = 1
    if resource == "pods":
        obj["status"] = {"phase": "Pending", "qosClass": qos_class(obj)}
    elif resource == "namespaces":
        obj["status"] = {"phase": "Active"}
    elif resource in (
        "deployments",
        "replicasets",
        "daemonsets",
        "statefulsets",
        "jobs",
        "horizontalpodautoscalers",
    ):
        obj.pop("status", None)
        if resource != "jobs":
            obj["status"] = {}


def spec_of(obj: dict) -> dict:
    """Everything but metadata and status: what a generation counts changes of."""
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def prepare_update(resource: str, has_status: bool, new: dict, old: dict) -> None:
    """A main-resource update: keep stored status and server-owned metadata; bump generation."""
    meta, old_meta = new["metadata"], old["metadata"]
    for field in SYSTEM_METADATA:
        if field == "resourceVersion":
            continue
        if field in old_meta:
            meta[field] = old_meta[field]
        else:
            meta.pop(field, None)
    if has_status:
        if "status" in old:
            new["status"] = old["status"]
        else:
            new.pop("status", None)
    if resource in TRACKS_GENERATION and spec_of(new) != spec_of(old):
        meta["generation"] = old_meta.get("generation", 0) + 1


def prepare_status_update(resource: str, new: dict, old: dict) -> dict:
    """A status update keeps the stored spec and metadata (``ResetObjectMetaForStatus``).

    Deployments are the exception the Deployment controller relies on: their status strategy
    resets only the spec and labels, so the controller can write the
    ``deployment.kubernetes.io/revision`` annotation with a status update
    (``pkg/registry/apps/deployment/strategy.go``).
    """
    result = dict(old)
    result["metadata"] = dict(old["metadata"])
    new_meta = new.get("metadata", {})
    if "resourceVersion" in new_meta:
        result["metadata"]["resourceVersion"] = new_meta["resourceVersion"]
    if resource == "deployments":
        if new_meta.get("annotations"):
            result["metadata"]["annotations"] = new_meta["annotations"]
        else:
            result["metadata"].pop("annotations", None)
    result["status"] = new.get("status", {})
    return result
