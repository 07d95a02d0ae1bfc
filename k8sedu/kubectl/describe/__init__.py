"""``kubectl describe``, computed on the client as kubectl does (DESIGN decision 14).

Models ``staging/src/k8s.io/kubectl/pkg/describe/describe.go``: one describer per kind (pods, nodes,
deployments, replicasets, services, endpoints, namespaces, configmaps, horizontalpodautoscalers)
and the generic describer for every other kind, each ending with the Events about the object.
kubectl fetches what a describer needs from other objects itself; here the caller passes it in
``related``:

=============  =====================================================================
describing     ``related`` keys
=============  =====================================================================
replicasets    ``pods`` (the namespace's pods; the ReplicaSet's own are counted)
deployments    ``replicasets`` (the namespace's; old and new are worked out here)
nodes          ``pods`` (any; those bound to the node and not finished are listed),
               ``lease`` (the node's Lease in ``kube-node-lease``, or absent)
services       ``endpointslices`` (the Service's), or else ``endpoints`` (its Endpoints)
namespaces     ``resourcequotas``, ``limitranges``
=============  =====================================================================
"""

from __future__ import annotations

from collections.abc import Iterable

from k8sedu.apiserver.registry import lookup
from k8sedu.kubectl.describe.autoscaling import describe_hpa
from k8sedu.kubectl.describe.core import describe_configmap, describe_generic, describe_namespace
from k8sedu.kubectl.describe.network import (
    describe_endpoints,
    describe_service,
    slices_from_endpoints,
)
from k8sedu.kubectl.describe.node import describe_node
from k8sedu.kubectl.describe.pod import describe_pod
from k8sedu.kubectl.describe.workloads import describe_deployment, describe_replicaset


def events_about(resource: str, obj: dict, events: list[dict]) -> list[dict]:
    """``searchEvents``: events whose involvedObject is ``obj`` (name, namespace, kind and uid;
    a pod's events are not filtered by kind, a node's uid may also be its name)."""
    found = lookup(resource)
    meta = obj.get("metadata") or {}
    kind = "" if found is None or found.kind == "Pod" else found.kind
    uids = {meta["uid"]} if meta.get("uid") else set()
    if uids and found is not None and found.kind == "Node":
        uids.add(meta["name"])
    return [
        e
        for e in events
        if (ref := e.get("involvedObject") or {}).get("name") == meta.get("name")
        and ref.get("namespace", "") == meta.get("namespace", "")
        and (not kind or ref.get("kind") == kind)
        and (not uids or ref.get("uid", "") in uids)
    ]


def describe(
    resource: str,
    obj: dict,
    *,
    now: float,
    events: Iterable[dict] = (),
    related: dict | None = None,
    show_events: bool = True,
) -> str:
    """The text ``kubectl describe <resource> <name>`` prints for ``obj``.

    ``resource`` is what the user typed (``pods``, ``po``, ``deployment.apps``); ``now`` is the
    simulated time in seconds (for ages); ``events`` may hold every Event — those about ``obj``
    are picked out; ``show_events=False`` is ``--show-events=false``.
    """
    found = lookup(resource)
    plural = found.plural if found is not None else resource
    related = related or {}
    about = events_about(plural, obj, list(events)) if show_events else None
    if plural == "pods":
        return describe_pod(obj, about, now)
    if plural == "nodes":
        return describe_node(obj, about, now, related.get("pods") or [], related.get("lease"))
    if plural == "deployments":
        return describe_deployment(obj, about, now, related.get("replicasets") or [])
    if plural == "replicasets":
        return describe_replicaset(obj, about, now, related.get("pods") or [])
    if plural == "services":
        slices = related.get("endpointslices")
        if slices is None:
            slices = slices_from_endpoints(related.get("endpoints"))
        return describe_service(obj, about, now, slices)
    if plural == "endpoints":
        return describe_endpoints(obj, about, now)
    if plural == "namespaces":
        return describe_namespace(
            obj, related.get("resourcequotas") or [], related.get("limitranges") or []
        )
    if plural == "configmaps":
        return describe_configmap(obj, about, now)
    if plural == "horizontalpodautoscalers":
        return describe_hpa(obj, about, now)
    return describe_generic(obj, about, now)
