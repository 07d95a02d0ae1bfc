"""What kube-proxy knows about a Service port and its endpoints, and which endpoints it uses.

Models the proxy's change trackers (``pkg/proxy/serviceport.go``, ``endpoint.go``,
``endpointslicecache.go``): a Service becomes one ``ServicePortInfo`` per port, named
``ns/svc:port-name`` (``ns/svc`` for an unnamed port); its EndpointSlices become a list of
``EndpointInfo`` per port, deduplicated by ``ip:port`` and sorted by that string.
``categorize_endpoints`` is ``pkg/proxy/topology.go``'s ``CategorizeEndpoints``.

Simplified: topology-aware routing (zone and node hints) is not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True)
class ServicePortInfo:
    """One port of one Service, as kube-proxy's service change tracker keeps it."""

    name: str  # ServicePortName: "ns/svc" or "ns/svc:port-name"
    protocol: str  # lower case: "tcp"
    cluster_ip: str
    port: int
    node_port: int = 0
    external_ips: tuple[str, ...] = ()
    load_balancer_vips: tuple[str, ...] = ()
    load_balancer_source_ranges: tuple[str, ...] = ()
    health_check_node_port: int = 0
    affinity_seconds: int = 0  # sessionAffinity ClientIP timeout; 0 = no affinity
    internal_policy_local: bool = False
    external_policy_local: bool = False

    @property
    def service_key(self) -> str:
        return self.name.partition(":")[0]

    @property
    def port_name(self) -> str:
        return self.name.partition(":")[2]

    @property
    def externally_accessible(self) -> bool:
        return bool(self.node_port or self.load_balancer_vips or self.external_ips)

    @property
    def uses_cluster_endpoints(self) -> bool:
        # even with Local external policy, Cluster endpoints serve the short-circuit rules
        return not self.internal_policy_local or self.externally_accessible

    @property
    def uses_local_endpoints(self) -> bool:
        return self.internal_policy_local or (
            self.external_policy_local and self.externally_accessible
        )


class EndpointInfo(NamedTuple):
    """One endpoint of a service port, from an EndpointSlice (a tuple: every sync of every node
    builds and compares thousands of them)."""

    ip: str
    port: int
    is_local: bool = False  # its nodeName is this node
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    pod: str = ""  # targetRef "ns/name", so traffic can say which pod answered

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    def __str__(self) -> str:
        return self.address


def service_port_infos(service: dict) -> list[ServicePortInfo]:
    """The proxied ports of a Service; none for headless and ExternalName Services."""
    spec = service.get("spec") or {}
    cluster_ip = spec.get("clusterIP") or ""
    if cluster_ip in ("", "None") or spec.get("type") == "ExternalName":
        return []
    meta = service["metadata"]
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    vips = tuple(i["ip"] for i in ingress if i.get("ip") and i.get("ipMode", "VIP") == "VIP")
    external_ips = tuple(spec.get("externalIPs") or ())
    affinity = 0
    if spec.get("sessionAffinity") == "ClientIP":
        config = (spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}
        affinity = config.get("timeoutSeconds", 10800)
    infos = []
    for port in spec.get("ports") or []:
        name = f"{meta['namespace']}/{meta['name']}"
        if port.get("name"):
            name += f":{port['name']}"
        node_port = port.get("nodePort") or 0
        accessible = bool(node_port or vips or external_ips)
        infos.append(
            ServicePortInfo(
                name=name,
                protocol=port.get("protocol", "TCP").lower(),
                cluster_ip=cluster_ip,
                port=port["port"],
                node_port=node_port,
                external_ips=external_ips,
                load_balancer_vips=vips,
                load_balancer_source_ranges=tuple(spec.get("loadBalancerSourceRanges") or ()),
                health_check_node_port=spec.get("healthCheckNodePort") or 0,
                affinity_seconds=affinity,
                internal_policy_local=spec.get("internalTrafficPolicy") == "Local",
                external_policy_local=accessible and spec.get("externalTrafficPolicy") == "Local",
            )
        )
    return infos


def categorize_endpoints(
    endpoints: list[EndpointInfo], svc: ServicePortInfo
) -> tuple[list[EndpointInfo], list[EndpointInfo], list[EndpointInfo], bool]:
    """``CategorizeEndpoints``: (cluster, local, all reachable from this node, any anywhere?).

    Usable means Ready; if none is Ready, serving-but-terminating endpoints are used instead
    (independently for Cluster and Local), so connections are not dropped during a rollout.
    """
    cluster: list[EndpointInfo] = []
    local: list[EndpointInfo] = []
    has_any = False
    if svc.uses_cluster_endpoints:
        cluster = [ep for ep in endpoints if ep.ready]
        if not cluster:
            cluster = [ep for ep in endpoints if ep.serving and ep.terminating]
        has_any = bool(cluster)
    if not svc.uses_local_endpoints:
        return cluster, local, cluster, has_any
    local_ready = local_terminating = False
    for ep in endpoints:
        if ep.ready:
            has_any = True
            local_ready = local_ready or ep.is_local
        elif ep.serving and ep.terminating:
            has_any = True
            local_terminating = local_terminating or ep.is_local
    if local_ready:
        local = [ep for ep in endpoints if ep.is_local and ep.ready]
    elif local_terminating:
        local = [ep for ep in endpoints if ep.is_local and ep.serving and ep.terminating]
    if not svc.uses_cluster_endpoints:
        return cluster, local, local, has_any
    if not local_terminating or local_ready:
        return cluster, local, cluster, has_any  # cluster is a superset of local
    merged = {str(ep): ep for ep in cluster + local}
    return cluster, local, [merged[k] for k in sorted(merged)], has_any


def endpoint_infos(slices: list[dict], node_name: str) -> dict[tuple[str, str], list[EndpointInfo]]:
    """``(port name, protocol)`` → endpoints, from all the EndpointSlices of one Service.

    An endpoint seen twice (moving between slices) is kept once, preferring a non-terminating
    copy; missing conditions mean ready and serving (``endpointslicecache.go``).
    """
    by_port: dict[tuple[str, str], dict[str, EndpointInfo]] = {}
    for eps in slices:
        for port in eps.get("ports") or []:
            if not port.get("port"):
                continue
            found = by_port.setdefault((port.get("name") or "", port.get("protocol", "TCP")), {})
            for ep in eps.get("endpoints") or []:
                if not ep.get("addresses"):
                    continue
                cond = ep.get("conditions") or {}
                ref = ep.get("targetRef") or {}
                info = EndpointInfo(
                    ip=ep["addresses"][0],
                    port=port["port"],
                    is_local=bool(node_name) and ep.get("nodeName") == node_name,
                    ready=cond.get("ready") is not False,
                    serving=cond.get("serving") is not False,
                    terminating=cond.get("terminating") is True,
                    pod=f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else "",
                )
                address = info.address
                if address not in found or not info.terminating:
                    found[address] = info
    return {key: [eps[k] for k in sorted(eps)] for key, eps in by_port.items() if eps}
