"""``kubectl describe`` for Services and Endpoints (describe.go: ``describeService``,
``formatEndpointSlices``, ``describeEndpoints``).

kubectl v1.34 reads a Service's endpoints from its EndpointSlices; when only the Endpoints object
is at hand, its subsets are read the same way (ready addresses count, not-ready ones do not).
"""

from __future__ import annotations

from k8sedu.kubectl.describe.writer import (
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
)


def slices_from_endpoints(endpoints: dict | None) -> list[dict]:
    """The EndpointSlices an Endpoints object's subsets correspond to (one per subset; an
    Endpoints without subsets still has its Service's one empty slice)."""
    if endpoints is not None and not endpoints.get("subsets"):
        return [{"endpoints": []}]
    slices = []
    for subset in (endpoints or {}).get("subsets") or []:
        ready = [
            {"addresses": [a["ip"]], "conditions": {"ready": True}}
            for a in subset.get("addresses") or []
        ]
        not_ready = [
            {"addresses": [a["ip"]], "conditions": {"ready": False}}
            for a in subset.get("notReadyAddresses") or []
        ]
        slices.append({"ports": subset.get("ports") or [], "endpoints": ready + not_ready})
    return slices


def format_endpoints(slices: list[dict], port_name: str | None) -> str:
    """``formatEndpointSlices``: up to three ready ``ip:port`` then ``+ N more...``."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    more, count = False, 0
    for eps in slices:
        ports = eps.get("ports") or [None]  # a headless Service without ports lists bare addresses
        for port in ports:
            if port is not None and port_name is not None and port.get("name", "") != port_name:
                continue
            for endpoint in eps.get("endpoints") or []:
                if len(shown) == 3:
                    more = True
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue
                if not more:
                    address = endpoint["addresses"][0]
                    host = f"[{address}]" if ":" in address else address
                    shown.append(host if port is None else f"{host}:{port.get('port')}")
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


def describe_service(
    service: dict, events: list[dict] | None, now: float, slices: list[dict]
) -> str:
    meta, spec = service["metadata"], service.get("spec") or {}
    lb = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    selector = spec.get("selector") or {}
    formatted = ",".join(f"{k}={selector[k]}" for k in sorted(selector)) or "<none>"  # FormatLabels
    w.write(0, f"Selector:\t{formatted}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    if lb:
        ingress = ", ".join(
            i["ip"] + (f" ({i['ipMode']})" if i.get("ipMode") else "")
            if i.get("ip")
            else i.get("hostname", "")
            for i in lb
        )
        w.write(0, f"LoadBalancer Ingress:\t{ingress}\n")
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol", "")
        w.write(0, f"Port:\t{name}\t{port.get('port', 0)}/{protocol}\n")
        w.write(0, f"TargetPort:\t{port.get('targetPort', 0)}/{protocol}\n")
        if port.get("appProtocol"):
            w.write(0, f"AppProtocol:\t{port['appProtocol']}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{format_endpoints(slices, port.get('name', ''))}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution"):
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
    if events is not None:
        describe_events(w, events, now)
    return w.text()


def describe_endpoints(endpoints: dict, events: list[dict] | None, now: float) -> str:
    meta = endpoints["metadata"]
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, "Subsets:\n")
    for subset in endpoints.get("subsets") or []:
        for title, key in (("Addresses", "addresses"), ("NotReadyAddresses", "notReadyAddresses")):
            ips = ",".join(a.get("ip", "") for a in subset.get(key) or [])
            w.write(1, f"{title}:\t{ips or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(
                    2,
                    f"{port.get('name') or '<unset>'}\t{port.get('port', 0)}\t{port.get('protocol', '')}\n",
                )
        w.write(0, "\n")
    if events is not None:
        describe_events(w, events, now)
    return w.text()
