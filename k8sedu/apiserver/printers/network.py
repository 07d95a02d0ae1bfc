"""Rows of the networking objects: Services, Endpoints, EndpointSlices, Ingresses and
NetworkPolicies.

Models ``printService`` (with ``getServiceExternalIP`` and ``makePortString``),
``formatEndpoints``, ``printEndpointSlice``, ``printIngress`` and ``printNetworkPolicy`` in k8s
``pkg/printers/internalversion/printers.go`` (v1.34). The server always prints wide, so a
load balancer's addresses are never clipped to 16 characters in its Table.
"""

from __future__ import annotations

from typing import Any

from k8sedu.apiserver.printers.common import (
    AGE,
    NAME,
    Clock,
    Printer,
    column,
    format_labels,
    name,
)
from k8sedu.labels import format_label_selector

MORE_AFTER = 3  # formatEndpoints and friends show three entries, then "+ N more..."


def _load_balancer_addresses(status: dict) -> list[str]:
    """The IPs (else hostnames) of ``status.loadBalancer.ingress``, sorted and unique."""
    found = {entry.get("ip") or entry.get("hostname") for entry in status.get("ingress", [])}
    return sorted(address for address in found if address)


def external_ip(service: dict) -> str:
    spec = service.get("spec", {})
    external = spec.get("externalIPs", [])
    kind = spec.get("type", "ClusterIP")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        balancers = _load_balancer_addresses(service.get("status", {}).get("loadBalancer", {}))
        if external:
            return ",".join(balancers + external)
        return ",".join(balancers) if balancers else "<pending>"
    if kind == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def port_string(ports: list[dict]) -> str:
    """``makePortString``: ``80/TCP``, or ``80:30080/TCP`` when a node port is allocated."""
    pieces = []
    for port in ports:
        protocol = port.get("protocol", "TCP")
        if port.get("nodePort", 0) > 0:
            pieces.append(f"{port.get('port')}:{port['nodePort']}/{protocol}")
        else:
            pieces.append(f"{port.get('port')}/{protocol}")
    return ",".join(pieces)


def service_row(obj: dict, clock: Clock) -> list[Any]:
    spec = obj.get("spec", {})
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [
        name(obj),
        spec.get("type", "ClusterIP"),
        cluster_ips[0] if cluster_ips else "<none>",
        external_ip(obj),
        port_string(spec.get("ports", [])) or "<none>",
        clock.age(obj),
        format_labels(spec.get("selector")),
    ]


SERVICE_COLUMNS = [
    NAME,
    column("Type", description="type determines how the Service is exposed."),
    column(
        "Cluster-IP",
        description="clusterIP is the IP address of the service and is usually assigned randomly.",
    ),
    column(
        "External-IP",
        description="externalIPs is a list of IP addresses for which nodes in "
        "the cluster will also accept traffic for this service.",
    ),
    column("Port(s)", description="The list of ports that are exposed by this service."),
    AGE,
    column(
        "Selector",
        description="Route service traffic to pods with label keys and values "
        "matching this selector.",
        priority=1,
    ),
]


def format_endpoints(endpoints: dict) -> str:
    """``formatEndpoints``: ``ip:port`` for every port of every subset, three shown at most."""
    subsets = endpoints.get("subsets", [])
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    for subset in subsets:
        addresses = [a.get("ip", "") for a in subset.get("addresses", [])]
        # a headless service may have no ports: list the bare addresses
        ports = [p.get("port") for p in subset.get("ports", [])] or [None]
        for port in ports:
            count += len(addresses)
            for ip in addresses:
                if len(shown) == MORE_AFTER:
                    break
                # net.JoinHostPort brackets IPv6 addresses
                host = f"[{ip}]" if ":" in ip else ip
                shown.append(ip if port is None else f"{host}:{port}")
    text = ",".join(shown)
    if count > MORE_AFTER:
        return f"{text} + {count - MORE_AFTER} more..."
    return text


def endpoints_row(obj: dict, clock: Clock) -> list[Any]:
    return [name(obj), format_endpoints(obj), clock.age(obj)]


ENDPOINTS_COLUMNS = [
    NAME,
    column("Endpoints", description="The set of all endpoints is the union of all subsets."),
    AGE,
]


def _list_with_more(items: list[str]) -> str:
    """``listWithMoreString``: three items, ``+ N more...``, or ``<unset>`` for none."""
    if len(items) > MORE_AFTER:
        return f"{','.join(items[:MORE_AFTER])} + {len(items) - MORE_AFTER} more..."
    return ",".join(items) or "<unset>"


def endpointslice_row(obj: dict, clock: Clock) -> list[Any]:
    ports = []
    for port in obj.get("ports") or []:
        if port.get("port") is not None:
            ports.append(str(port["port"]))
        else:
            ports.append(port.get("name") or "*")
    addresses = [a for e in obj.get("endpoints") or [] for a in e.get("addresses", [])]
    return [
        name(obj),
        obj.get("addressType", ""),
        _list_with_more(ports),
        _list_with_more(addresses),
        clock.age(obj),
    ]


ENDPOINTSLICE_COLUMNS = [
    NAME,
    column(
        "AddressType",
        description="addressType specifies the type of address carried by this EndpointSlice.",
    ),
    column(
        "Ports",
        description="ports specifies the list of network ports exposed by each "
        "endpoint in this slice.",
    ),
    column("Endpoints", description="endpoints is a list of unique endpoints in this slice."),
    AGE,
]


def _ingress_hosts(rules: list[dict]) -> str:
    """``formatHosts``: up to three hosts, ``+ N more...`` counting rules, ``*`` if none."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == MORE_AFTER:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    if not hosts:
        return "*"
    if more:
        return f"{','.join(hosts)} + {len(rules) - MORE_AFTER} more..."
    return ",".join(hosts)


def ingress_row(obj: dict, clock: Clock) -> list[Any]:
    spec = obj.get("spec", {})
    balancers = _load_balancer_addresses(obj.get("status", {}).get("loadBalancer", {}))
    return [
        name(obj),
        spec.get("ingressClassName") or "<none>",
        _ingress_hosts(spec.get("rules", [])),
        ",".join(balancers),
        "80, 443" if spec.get("tls") else "80",
        clock.age(obj),
    ]


INGRESS_COLUMNS = [
    NAME,
    column(
        "Class",
        description="The name of the IngressClass resource that should be used for "
        "additional configuration",
    ),
    column(
        "Hosts",
        description="Hosts that incoming requests are matched against before the ingress rule",
    ),
    column(
        "Address", description="Address is a list containing ingress points for the load-balancer"
    ),
    column("Ports", description="Ports of TLS configurations that open"),
    AGE,
]


def networkpolicy_row(obj: dict, clock: Clock) -> list[Any]:
    selector = obj.get("spec", {}).get("podSelector")
    return [name(obj), format_label_selector(selector), clock.age(obj)]


NETWORKPOLICY_COLUMNS = [
    NAME,
    column(
        "Pod-Selector", description="Selects the pods to which this NetworkPolicy object applies."
    ),
    AGE,
]


PRINTERS = {
    "services": Printer(SERVICE_COLUMNS, service_row),
    "endpoints": Printer(ENDPOINTS_COLUMNS, endpoints_row),
    "endpointslices": Printer(ENDPOINTSLICE_COLUMNS, endpointslice_row),
    "ingresses": Printer(INGRESS_COLUMNS, ingress_row),
    "networkpolicies": Printer(NETWORKPOLICY_COLUMNS, networkpolicy_row),
}
