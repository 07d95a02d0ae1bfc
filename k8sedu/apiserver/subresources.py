"""Subresources: ``pods/binding``, ``pods/eviction``, ``*/scale``, ``namespaces/finalize``.

Addressed as RBAC does (DESIGN decision 10). Each is a small rule on top of the main verbs:
binding sets ``spec.nodeName`` and the PodScheduled condition (``pkg/registry/core/pod/storage``),
eviction checks PodDisruptionBudgets before a graceful delete (``.../pod/storage/eviction.go``),
scale reads and writes ``spec.replicas`` as an ``autoscaling/v1`` Scale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu import objects
from k8sedu.apiserver.registry import Resource
from k8sedu.apiserver.storage import decode
from k8sedu.errors import APIError, BadRequest, Conflict, TooManyRequests, conflict, not_found

if TYPE_CHECKING:
    from k8sedu.apiserver.server import APIServer

SUCCESS = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def bind(server: APIServer, pods: Resource, body: dict, namespace: str | None) -> dict:
    """Assign a pod to a node, once (``assignPod``/``setPodNodeAndMetadata``)."""
    name = (body.get("metadata") or {}).get("name", "")
    ns = (body.get("metadata") or {}).get("namespace") or namespace or "default"
    target = (body.get("target") or {}).get("name")
    if not target:
        raise BadRequest("Binding target must be a node name")  # real: field error on target.name
    entry = server.cache.get("pods", f"{ns}/{name}")
    if entry is None:
        raise not_found("pods", "", name)
    pod = decode(entry.data, int(entry.object["metadata"]["resourceVersion"]))
    if pod["metadata"].get("deletionTimestamp"):
        raise conflict(
            "pods/binding", "", name, f"pod {name} is being deleted, cannot be assigned to a host"
        )
    if pod["spec"].get("nodeName"):
        raise conflict(
            "pods/binding",
            "",
            name,
            f'pod {name} is already assigned to node "{pod["spec"]["nodeName"]}"',
        )
    pod["spec"]["nodeName"] = target
    objects.set_condition(
        pod.setdefault("status", {}),
        {"type": "PodScheduled", "status": "True", "lastProbeTime": None},
        server.cluster.timestamp(),
    )
    server._store_update(pods, pod, entry)
    return dict(SUCCESS)


def evict(server: APIServer, pods: Resource, body: dict, namespace: str | None, user: dict) -> dict:
    """Delete a pod gracefully unless that would break a PodDisruptionBudget."""
    name = (body.get("metadata") or {}).get("name", "")
    ns = (body.get("metadata") or {}).get("namespace") or namespace or "default"
    entry = server.cache.get("pods", f"{ns}/{name}")
    if entry is None:
        raise not_found("pods", "", name)
    pod = entry.object
    if pod["metadata"].get("deletionTimestamp") is None and pod.get("status", {}).get(
        "phase"
    ) not in (
        "Succeeded",
        "Failed",
    ):
        _check_budgets(server, pod)
    options = body.get("deleteOptions") or {}
    server.delete(pods, name, ns, user, grace_period=options.get("gracePeriodSeconds"))
    return dict(SUCCESS)


def _check_budgets(server: APIServer, pod: dict) -> None:
    ns = pod["metadata"]["namespace"]
    budgets = [
        (k, e)
        for k, e in sorted(server.cache.objects["poddisruptionbudgets"].items())
        if k.startswith(ns + "/")
        and objects.selector_from_spec(e.object.get("spec", {}).get("selector")).matches(
            pod["metadata"].get("labels")
        )
    ]
    if not budgets:
        return
    if len(budgets) > 1:
        raise APIError(
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
        )
    _, entry = budgets[0]
    pdb = decode(entry.data, int(entry.object["metadata"]["resourceVersion"]))
    status = pdb.setdefault("status", {})
    if (
        status.get("observedGeneration", 0) < pdb["metadata"].get("generation", 0)
        or status.get("disruptionsAllowed", 0) <= 0
    ):
        raise TooManyRequests(
            "Cannot evict pod as it would violate the pod's disruption budget.",
            details={
                "causes": [
                    {
                        "reason": "DisruptionBudget",
                        "message": f"The disruption budget {pdb['metadata']['name']} needs {status.get('desiredHealthy', 0)} healthy pods and has {status.get('currentHealthy', 0)} currently",
                    }
                ]
            },
        )
    status["disruptionsAllowed"] -= 1
    status.setdefault("disruptedPods", {})[pod["metadata"]["name"]] = server.cluster.timestamp()
    try:
        server._store_update(server_resource("poddisruptionbudgets"), pdb, entry)
    except Conflict:
        raise TooManyRequests(
            "Operation cannot be fulfilled: the disruption budget changed; retry"
        ) from None


def server_resource(plural: str) -> Resource:
    from k8sedu.apiserver.registry import resource

    return resource(plural)


def scale_of(res: Resource, obj: dict) -> dict:
    """The ``autoscaling/v1`` Scale view of a Deployment, ReplicaSet or StatefulSet."""
    meta = obj["metadata"]
    selector = objects.selector_from_spec(obj.get("spec", {}).get("selector"))
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": obj.get("spec", {}).get("replicas", 0)},
        "status": {"replicas": obj.get("status", {}).get("replicas", 0), "selector": str(selector)},
    }


def update_scale(
    server: APIServer, res: Resource, body: dict, namespace: str | None, user: dict
) -> dict:
    meta = body.get("metadata") or {}
    name = meta.get("name", "")
    ns = meta.get("namespace") or namespace or "default"
    obj = server.get(res, name, ns)
    rv = meta.get("resourceVersion")
    if rv and rv != obj["metadata"]["resourceVersion"]:
        raise conflict(res.plural, res.group, name)
    replicas = (body.get("spec") or {}).get("replicas", 0)
    obj["spec"]["replicas"] = replicas
    updated = server.update(res, obj, ns, user)
    return scale_of(res, updated)


def finalize_namespace(server: APIServer, res: Resource, body: dict, user: dict) -> dict:
    """``namespaces/finalize``: only ``spec.finalizers`` changes (the namespace controller's last step)."""
    name = (body.get("metadata") or {}).get("name", "")
    entry = server.cache.get("namespaces", name)
    if entry is None:
        raise not_found("namespaces", "", name)
    ns = decode(entry.data, int(entry.object["metadata"]["resourceVersion"]))
    ns.setdefault("spec", {})["finalizers"] = list((body.get("spec") or {}).get("finalizers") or [])
    return server._store_update(res, ns, entry)
