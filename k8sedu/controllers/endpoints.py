"""The Endpoints controller: for every Service with a selector, an Endpoints object listing the
addresses of its pods, ready ones under ``addresses`` and the rest under ``notReadyAddresses``.

Models ``pkg/controller/endpoint/endpoints_controller.go`` (``syncService``,
``addEndpointSubset``) and ``pkg/api/v1/endpoints/util.go`` (``RepackSubsets``). A pod counts
when its labels match the selector, it has an IP, it is not terminal (Succeeded/Failed) and not
terminating; with ``publishNotReadyAddresses`` every such pod (terminating ones too) is ready.
Each Service port is resolved against the pod (``targetPort`` by number, or by container port
name); a pod without that named port is left out of that port. Services without a selector, and
ExternalName Services, get nothing from this controller. More than 1000 addresses are truncated
and the object annotated ``endpoints.kubernetes.io/over-capacity: truncated``.

Simplified: the real repacking sorts subsets and ports by an md5 of a Go dump; k8sedu sorts
ports by (name, port) and subsets by their first address. No
``endpoints.kubernetes.io/last-change-trigger-time`` annotation. Endpoints are deprecated in
favour of EndpointSlices (v1.33), which kube-proxy reads; the controller still runs.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.client.informer import split_key
from k8sedu.errors import Forbidden, NotFound

HEADLESS_LABEL = "service.kubernetes.io/headless"
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
MAX_CAPACITY = 1000


# -- shared with the EndpointSlice controller -----------------------------------------------------


def selects(service: dict, pod: dict) -> bool:
    """Does the Service's selector (a plain label map) match the pod in its namespace?"""
    selector = (service.get("spec") or {}).get("selector")
    if selector is None or pod["metadata"].get("namespace") != service["metadata"]["namespace"]:
        return False
    labels = pod["metadata"].get("labels") or {}
    return all(labels.get(k) == v for k, v in selector.items())


def should_be_in_endpoints(pod: dict, include_terminating: bool) -> bool:
    """``ShouldPodBeInEndpoints``: has an IP, not terminal, and (unless asked) not terminating."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return False
    if not status.get("podIP") and not status.get("podIPs"):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def find_port(pod: dict, service_port: dict) -> int | None:
    """``podutil.FindPort``: a numeric targetPort as is, a named one from the containers."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol", "TCP") == service_port.get(
                "protocol", "TCP"
            ):
                return port["containerPort"]
    return None


def _sets_hostname(service: dict, pod_spec: dict) -> bool:
    """``ShouldSetHostname``: a headless Service named as the pod's subdomain."""
    named = pod_spec.get("subdomain") == service["metadata"]["name"]
    return bool(pod_spec.get("hostname")) and named and is_headless(service)


def is_headless(service: dict) -> bool:
    return (service.get("spec") or {}).get("clusterIP") in (None, "", "None")


def owner_pods(controller: Controller, service: dict) -> list[dict]:
    """The pods of the Service's namespace its selector matches (from the pod informer)."""
    pods = controller.informer("pods").list(service["metadata"]["namespace"])
    return [pod for pod in pods if selects(service, pod)]


class ServiceMembership:
    """Pod event handlers that enqueue the Services a pod belongs (or belonged) to."""

    def pod_changed(self, pod: dict) -> None:
        for svc in self.informer("services").list(pod["metadata"]["namespace"]):
            if selects(svc, pod):
                self.enqueue(svc)

    def pod_updated(self, old: dict, new: dict) -> None:
        self.pod_changed(old)
        self.pod_changed(new)


# -- the controller ---------------------------------------------------------------------------------


class EndpointsController(ServiceMembership, Controller):
    resource = "services"
    service_account = "endpoint-controller"

    def setup(self) -> None:
        self.handle("pods", self.pod_changed, self.pod_updated, self.pod_changed)
        self.handle("endpoints", on_delete=self.enqueue)

    def reconcile(self, key: str) -> None:
        """``syncService``: make ``Endpoints/<service>`` list the Service's pods."""
        namespace, name = split_key(key)
        service = self.informer("services").get(key)
        if service is None:
            try:
                self.client.delete("endpoints", name, namespace)
            except NotFound:
                pass
            return
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName" or spec.get("selector") is None:
            return
        subsets = desired_subsets(service, owner_pods(self, service))
        labels = dict(service["metadata"].get("labels") or {})
        current = self.informer("endpoints").get(key)
        if current is not None:
            current_labels = dict(current["metadata"].get("labels") or {})
            current_labels.pop(HEADLESS_LABEL, None)
            if current.get("subsets", []) == subsets and current_labels == labels:
                return
        if is_headless(service):
            labels[HEADLESS_LABEL] = ""
        self._write(service, current, subsets, labels)

    def _write(self, service: dict, current: dict | None, subsets: list, labels: dict) -> None:
        meta = dict(current["metadata"]) if current else {"name": service["metadata"]["name"]}
        annotations = dict(meta.get("annotations") or {})
        annotations.pop(OVER_CAPACITY, None)
        if truncate(subsets):
            annotations[OVER_CAPACITY] = "truncated"
        meta["labels"] = labels
        meta["annotations"] = annotations
        for field in ("labels", "annotations"):
            if not meta[field]:
                del meta[field]  # Go's nil maps: omitted
        body = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
        if subsets:
            body["subsets"] = subsets
        namespace = service["metadata"]["namespace"]
        try:
            if current is None:
                self.client.create("endpoints", body, namespace)
            else:
                self.client.update("endpoints", body)
        except Forbidden:
            return  # the namespace is terminating: creates keep failing, drop the key
        except Exception as error:
            verb = "create endpoint for service" if current is None else "update endpoint"
            reason = "FailedToCreateEndpoint" if current is None else "FailedToUpdateEndpoint"
            self.recorder.event(
                body, "Warning", reason, f"Failed to {verb} {namespace}/{meta['name']}: {error}"
            )
            raise


def desired_subsets(service: dict, pods: list[dict]) -> list[dict]:
    """The repacked subsets: addresses grouped by the exact set of ports they serve."""
    spec = service.get("spec") or {}
    publish = bool(spec.get("publishNotReadyAddresses"))
    ports_of: dict[str, tuple] = {}  # address key → the ports it serves
    addresses: dict[str, tuple[dict, bool]] = {}
    for pod in pods:
        if not should_be_in_endpoints(pod, publish):
            continue
        address = _address(service, pod)
        ready = publish or objects.is_pod_ready(pod)
        served = []
        for sp in spec.get("ports") or []:
            number = find_port(pod, sp)
            if number is not None:
                served.append(_endpoint_port(sp, number))
        if spec.get("ports") and not served:
            continue
        key = f"{address['ip']}/{address['targetRef']['uid']}"
        addresses[key] = (address, ready)
        ports_of[key] = tuple(sorted(served, key=_port_order))
    groups: dict[tuple, list[str]] = {}
    for key in sorted(addresses):
        groups.setdefault(ports_of[key], []).append(key)
    subsets = []
    for ports, keys in groups.items():
        subset: dict = {}
        ready = [addresses[k][0] for k in keys if addresses[k][1]]
        not_ready = [addresses[k][0] for k in keys if not addresses[k][1]]
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        if ports:
            subset["ports"] = [dict(p) for p in ports]
        subsets.append(subset)
    return sorted(subsets, key=_first_address)


def _address(service: dict, pod: dict) -> dict:
    meta, spec = pod["metadata"], pod.get("spec") or {}
    address = {"ip": pod["status"].get("podIP") or pod["status"]["podIPs"][0]["ip"]}
    if _sets_hostname(service, spec):
        address["hostname"] = spec["hostname"]
    if spec.get("nodeName"):
        address["nodeName"] = spec["nodeName"]
    address["targetRef"] = {
        "kind": "Pod",
        "namespace": meta["namespace"],
        "name": meta["name"],
        "uid": meta.get("uid", ""),
    }
    return address


def _endpoint_port(service_port: dict, number: int) -> tuple:
    port = {"port": number, "protocol": service_port.get("protocol", "TCP")}
    if service_port.get("name"):
        port = {"name": service_port["name"], **port}
    if service_port.get("appProtocol"):
        port["appProtocol"] = service_port["appProtocol"]
    return tuple(port.items())


def _port_order(port: tuple) -> tuple:
    fields = dict(port)
    return (fields.get("name", ""), fields["port"])


def _first_address(subset: dict) -> tuple:
    first = (subset.get("addresses") or subset.get("notReadyAddresses") or [{}])[0]
    return (first.get("ip", ""), first.get("targetRef", {}).get("uid", ""))


def truncate(subsets: list[dict]) -> bool:
    """Keep at most ``MAX_CAPACITY`` addresses, ready ones first; True if any were cut."""
    total = sum(len(s.get("addresses", [])) + len(s.get("notReadyAddresses", [])) for s in subsets)
    if total <= MAX_CAPACITY:
        return False
    room = MAX_CAPACITY
    for field in ("addresses", "notReadyAddresses"):
        for subset in subsets:
            kept = subset.get(field, [])[:room]
            room -= len(kept)
            if field in subset:
                subset[field] = kept
    return True
