"""The EndpointSlice controller: the endpoints of every Service with a selector, in slices of at
most 100, with per-endpoint conditions ``ready``, ``serving`` and ``terminating``.

Models ``pkg/controller/endpointslice/endpointslice_controller.go`` and the reconciler and
``podToEndpoint`` of ``staging/src/k8s.io/endpointslice``. Unlike Endpoints, terminating pods
stay listed (``terminating: true``, ``ready: false``, ``serving`` = the pod's readiness), which
is what lets kube-proxy fall back to serving-but-terminating endpoints. Endpoints are grouped by
the ports they resolve to; each group fills slices named ``<service>-<random>``, owned by the
Service (so the garbage collector deletes them with it) and labelled
``kubernetes.io/service-name`` and ``endpointslice.kubernetes.io/managed-by``. A Service with no
endpoints gets one empty placeholder slice.

Simplified: an endpoint stays in the slice it is in; new ones fill the first slice with room.
The real reconciler also repacks slices to limit churn. No last-change-trigger-time annotation.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.controllers.endpoints import (
    HEADLESS_LABEL,
    ServiceMembership,
    find_port,
    is_headless,
    owner_pods,
    should_be_in_endpoints,
)
from k8sedu.errors import Forbidden, NotFound

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
MAX_ENDPOINTS_PER_SLICE = 100  # --max-endpoints-per-slice
ZONE_LABEL = "topology.kubernetes.io/zone"


def index_by_service(eps: dict) -> list[str]:
    name = (eps["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL)
    return [f"{eps['metadata']['namespace']}/{name}"] if name else []


class EndpointSliceController(ServiceMembership, Controller):
    resource = "services"
    service_account = "endpointslice-controller"

    def setup(self) -> None:
        self.handle("pods", self.pod_changed, self.pod_updated, self.pod_changed)
        slices = self.handle("endpointslices", on_update=self.slice_updated, on_delete=self.slice)
        slices.add_indexers({"service": index_by_service})
        self.informer("nodes")

    def slice(self, eps: dict) -> None:
        if (eps["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) == CONTROLLER_NAME:
            for key in index_by_service(eps):
                self.queue.add(key)

    def slice_updated(self, old: dict, new: dict) -> None:
        self.slice(new)

    def reconcile(self, key: str) -> None:
        """``syncService``: make the Service's managed slices hold exactly its endpoints."""
        service = self.informer("services").get(key)
        if service is None:
            return  # its slices are owned by it: the garbage collector deletes them
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName" or spec.get("selector") is None:
            return
        desired: dict[tuple, dict[str, dict]] = {}  # ports → {pod uid: endpoint}
        for pod in owner_pods(self, service):
            if should_be_in_endpoints(pod, include_terminating=True):
                ports = tuple(_ports(service, pod))
                desired.setdefault(ports, {})[pod["metadata"]["uid"]] = self._endpoint(service, pod)
        existing = [
            eps
            for eps in self.informer("endpointslices").by_index("service", key)
            if (eps["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) == CONTROLLER_NAME
        ]
        writes, deletes = plan(existing, desired)
        if not writes and not deletes and existing:
            writes = [eps for eps in existing if not _is_current(service, eps)]
        if not desired and not existing:
            writes = [{"ports": None, "endpoints": []}]  # the placeholder
        for eps in writes:
            self._write(service, eps)
        for eps in deletes:
            try:
                self.client.delete("endpointslices", eps["metadata"]["name"], key.split("/")[0])
            except NotFound:
                pass

    def _endpoint(self, service: dict, pod: dict) -> dict:
        """``podToEndpoint``: a terminating pod is never ``ready`` (unless published anyway)."""
        meta, spec = pod["metadata"], pod.get("spec") or {}
        serving = objects.is_pod_ready(pod)
        terminating = bool(meta.get("deletionTimestamp"))
        publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
        ready = publish or (serving and not terminating)
        endpoint: dict = {
            "addresses": [pod["status"]["podIP"]],
            "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
        }
        if (
            is_headless(service)
            and spec.get("hostname")
            and spec.get("subdomain") == service["metadata"].get("name")
        ):
            endpoint["hostname"] = spec["hostname"]
        if spec.get("nodeName"):
            endpoint["nodeName"] = spec["nodeName"]
        endpoint["targetRef"] = {
            "kind": "Pod",
            "namespace": meta["namespace"],
            "name": meta["name"],
            "uid": meta["uid"],
        }
        node = self.informer("nodes").get(spec.get("nodeName") or "")
        zone = ((node or {}).get("metadata", {}).get("labels") or {}).get(ZONE_LABEL)
        if zone:
            endpoint["zone"] = zone
        return endpoint

    def _write(self, service: dict, eps: dict) -> None:
        meta = service["metadata"]
        body = {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": dict(eps.get("metadata") or {}),
            "addressType": "IPv4",
            "endpoints": eps["endpoints"],
        }
        if eps.get("ports") is not None:
            body["ports"] = eps["ports"]
        body["metadata"]["labels"] = slice_labels(service)
        body["metadata"]["ownerReferences"] = [
            objects.owner_reference(service, controller=True, block_owner_deletion=True)
        ]
        try:
            if "name" in body["metadata"]:
                self.client.update("endpointslices", body)
            else:
                body["metadata"]["generateName"] = f"{meta['name']}-"
                self.client.create("endpointslices", body, meta["namespace"])
        except Forbidden:
            pass  # the namespace is terminating


def _ports(service: dict, pod: dict) -> list[tuple]:
    """The slice ports this pod serves: one per Service port it resolves (name "" if unnamed)."""
    ports = []
    for sp in (service.get("spec") or {}).get("ports") or []:
        number = find_port(pod, sp)
        if number is not None:
            port = {"name": sp.get("name", ""), "port": number, "protocol": sp.get("protocol")}
            if sp.get("appProtocol"):
                port["appProtocol"] = sp["appProtocol"]
            ports.append(tuple(port.items()))
    return ports


def slice_labels(service: dict) -> dict:
    """The Service's labels, minus the reserved ones, plus service-name and managed-by."""
    labels = {
        k: v
        for k, v in (service["metadata"].get("labels") or {}).items()
        if k not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL)
    }
    if is_headless(service):
        labels[HEADLESS_LABEL] = ""
    labels[SERVICE_NAME_LABEL] = service["metadata"]["name"]
    labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
    return labels


def _is_current(service: dict, eps: dict) -> bool:
    refs = eps["metadata"].get("ownerReferences") or []
    return eps["metadata"].get("labels") == slice_labels(service) and any(
        r.get("uid") == service["metadata"]["uid"] for r in refs
    )


def plan(existing: list[dict], desired: dict[tuple, dict[str, dict]]) -> tuple[list, list]:
    """Which slices to write (new ones have no metadata name) and which to delete.

    Per port group: keep each endpoint in the slice it is in (updated if its conditions
    changed), drop the gone ones, put new ones in the first slice with room, else a new slice.
    """
    writes, deletes = [], []
    by_ports: dict[tuple, list[dict]] = {}
    for eps in sorted(existing, key=lambda e: e["metadata"]["name"]):
        ports = tuple(tuple(p.items()) for p in eps.get("ports") or [])
        by_ports.setdefault(ports, []).append(eps)
    for ports, slices in by_ports.items():
        if ports not in desired:
            deletes.extend(slices)
    for ports, wanted in desired.items():
        placed: set[str] = set()
        groups = []
        for eps in by_ports.get(ports, []):
            kept = []
            for endpoint in eps.get("endpoints") or []:
                uid = (endpoint.get("targetRef") or {}).get("uid", "")
                if uid in wanted and uid not in placed:
                    kept.append(wanted[uid])
                    placed.add(uid)
            groups.append((eps, kept))
        fresh = [ep for uid, ep in sorted(wanted.items(), key=_by_pod) if uid not in placed]
        for eps, kept in groups:
            while fresh and len(kept) < MAX_ENDPOINTS_PER_SLICE:
                kept.append(fresh.pop(0))
            if not kept:
                deletes.append(eps)
            elif kept != eps.get("endpoints"):
                writes.append({"metadata": eps["metadata"], "ports": eps.get("ports"),
                               "endpoints": kept})  # fmt: skip
        port_list = [dict(p) for p in ports]
        while fresh:
            chunk, fresh = fresh[:MAX_ENDPOINTS_PER_SLICE], fresh[MAX_ENDPOINTS_PER_SLICE:]
            writes.append({"ports": port_list, "endpoints": chunk})
    if not desired and existing:  # keep one placeholder rather than none at all
        placeholder = next((e for e in deletes if not e.get("endpoints")), deletes[0])
        deletes.remove(placeholder)
        if placeholder.get("endpoints") or placeholder.get("ports"):
            writes.append({"metadata": placeholder["metadata"], "ports": None, "endpoints": []})
    return writes, deletes


def _by_pod(item: tuple[str, dict]) -> str:
    return item[1]["targetRef"]["name"]
