"""Service validation: ports, types, session affinity, traffic policies, cluster IPs.

Models ``ValidateService`` / ``ValidateServiceUpdate`` of k8s
``pkg/apis/core/validation/validation.go``, ``NormalizeClusterIPs`` of
``pkg/registry/core/service/strategy.go`` and the node-port range check of the service
allocator (``pkg/registry/core/service/portallocator``), v1.34.
Simplified: loadBalancerSourceRanges, loadBalancerClass and healthCheckNodePort are not checked.
"""

from __future__ import annotations

import copy
import ipaddress
import json

from k8sedu.errors import FieldError

from .containers import port_num_or_name
from .fields import (
    duplicate,
    duplicate_go,
    each,
    forbidden,
    go_strings,
    invalid,
    invalid_go,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_port_num,
    name_is_dns1035_label,
    not_supported,
    required,
)
from .meta import validate_labels, validate_object_meta, validate_object_meta_update

NODE_PORT_RANGE = (30000, 32767)  # --service-node-port-range default
_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]


def _headless(spec: dict) -> bool:
    return spec.get("clusterIPs") == ["None"]


def _valid_ip(value: str, path: str) -> list[FieldError]:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return [
            invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
        ]
    return []


def _port(port: dict, require_name: bool, names: set[str], path: str) -> list[FieldError]:
    """``validateServicePort``."""
    errs: list[FieldError] = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs += each(f"{path}.name", name, is_dns1123_label(name))
        if name in names:
            errs.append(duplicate(f"{path}.name", name))
        names.add(name)
    errs += each(f"{path}.port", port.get("port", 0), is_valid_port_num(port.get("port", 0)))
    protocol = port.get("protocol") or ""
    if not protocol:
        errs.append(required(f"{path}.protocol"))
    elif protocol not in ("SCTP", "TCP", "UDP"):
        errs.append(not_supported(f"{path}.protocol", protocol, ["SCTP", "TCP", "UDP"]))
    errs += port_num_or_name(port.get("targetPort", 0), f"{path}.targetPort")
    if port.get("appProtocol") is not None:
        errs += each(
            f"{path}.appProtocol", port["appProtocol"], is_qualified_name(port["appProtocol"])
        )
    return errs


def _go_service_port(protocol: str, port: int) -> str:
    # Go prints the (protocol, port) key of the duplicate check as a whole core.ServicePort
    return (
        f'core.ServicePort{{Name:"", Protocol:{json.dumps(protocol)}, AppProtocol:(*string)(nil), '
        f'Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, NodePort:0}}'
    )


def _cluster_ips(spec: dict) -> list[FieldError]:
    """``ValidateServiceClusterIPsRelatedFields`` (IP validity and clusterIP/clusterIPs sync)."""
    if spec.get("type") == "ExternalName":
        return []
    errs: list[FieldError] = []
    cluster_ip, cluster_ips = spec.get("clusterIP") or "", spec.get("clusterIPs") or []
    if cluster_ip:
        if not cluster_ips:
            errs.append(required("spec.clusterIPs"))
        elif cluster_ips[0] != cluster_ip:
            errs.append(
                invalid("spec.clusterIPs", cluster_ips, "first value must match `clusterIP`")
            )
    elif cluster_ips:
        errs.append(
            invalid(
                "spec.clusterIPs", cluster_ips, "must be empty when `clusterIP` is not specified"
            )
        )
    for i, family in enumerate(spec.get("ipFamilies") or []):
        if family not in ("IPv4", "IPv6"):
            errs.append(not_supported(f"spec.ipFamilies[{i}]", family, ["IPv4", "IPv6"]))
    policy = spec.get("ipFamilyPolicy")
    policies = ["PreferDualStack", "RequireDualStack", "SingleStack"]
    if policy is not None and policy not in policies:
        errs.append(not_supported("spec.ipFamilyPolicy", policy, policies))
    for i, ip in enumerate(cluster_ips):
        if i == 0 and ip == "None":
            if len(cluster_ips) > 1:
                errs.append(
                    invalid(
                        "spec.clusterIPs", cluster_ips, "'None' must be the first and only value"
                    )
                )
            continue
        errs += _valid_ip(ip, f"spec.clusterIPs[{i}]")
    if len(cluster_ips) > 2:
        errs.append(invalid("spec.clusterIPs", cluster_ips, "may only hold up to 2 values"))
    return errs


def validate_service_spec(service: dict) -> list[FieldError]:
    """``ValidateService``, in Go's order."""
    errs = validate_object_meta(service.get("metadata") or {}, True, name_is_dns1035_label)
    spec = service.get("spec") or {}
    kind, ports = spec.get("type") or "", spec.get("ports") or []
    if not ports and not _headless(spec) and kind != "ExternalName":
        errs.append(required("spec.ports"))
    if kind in ("LoadBalancer", "NodePort") and _headless(spec):
        errs.append(
            invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {kind} services")
        )
    if kind == "ExternalName":
        for field in ("clusterIPs", "ipFamilies"):
            if spec.get(field):
                errs.append(forbidden(f"spec.{field}", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(
                forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services")
            )
        cname = (spec.get("externalName") or "").removesuffix(".")
        if cname:
            errs += each("spec.externalName", cname, is_dns1123_subdomain(cname))
        else:
            errs.append(required("spec.externalName"))
    names: set[str] = set()
    for i, port in enumerate(ports):
        errs += _port(port, len(ports) > 1, names, f"spec.ports[{i}]")
    if spec.get("selector") is not None:
        errs += validate_labels(spec["selector"], "spec.selector")
    errs += _session_affinity(spec)
    errs += _cluster_ips(spec)
    for i, ip in enumerate(spec.get("externalIPs") or []):
        errs += _valid_ip(ip, f"spec.externalIPs[{i}]")
    if not kind:
        errs.append(required("spec.type"))
    elif kind not in _TYPES:
        errs.append(not_supported("spec.type", kind, _TYPES))
    if kind == "ClusterIP":
        for i, port in enumerate(ports):
            if port.get("nodePort"):
                errs.append(
                    forbidden(
                        f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"
                    )
                )
    errs += _duplicate_ports(ports)
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        detail = "may only be used when `type` is 'LoadBalancer'"
        errs.append(forbidden("spec.allocateLoadBalancerNodePorts", detail))
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(required("allocateLoadBalancerNodePorts"))  # sic: Go's path has no "spec."
    return errs + _traffic_policies(spec, kind)


def _session_affinity(spec: dict) -> list[FieldError]:
    affinity, config = spec.get("sessionAffinity") or "", spec.get("sessionAffinityConfig")
    if not affinity:
        return [required("spec.sessionAffinity")]
    if affinity not in ("ClientIP", "None"):
        return [not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"])]
    path = "spec.sessionAffinityConfig"
    if affinity == "None":
        return (
            [forbidden(path, "must not be set when session affinity is None")]
            if config is not None
            else []
        )
    when = "when session affinity type is ClientIP"
    if config is None:
        return [required(path, when)]
    if config.get("clientIP") is None:
        return [required(f"{path}.clientIP", when)]
    timeout = config["clientIP"].get("timeoutSeconds")
    if timeout is None:
        return [required(f"{path}.clientIP.timeoutSeconds", when)]
    if not 0 < timeout <= 86400:
        return [
            invalid(
                f"{path}.clientIP.timeoutSeconds",
                timeout,
                "must be greater than 0 and less than 86400",
            )
        ]
    return []


def _duplicate_ports(ports: list) -> list[FieldError]:
    errs: list[FieldError] = []
    node_ports: set[tuple] = set()
    for i, port in enumerate(ports):
        if not port.get("nodePort"):
            continue
        key = (port.get("protocol"), port["nodePort"])
        if key in node_ports:
            errs.append(duplicate(f"spec.ports[{i}].nodePort", port["nodePort"]))
        node_ports.add(key)
    seen: set[tuple] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol") or "", port.get("port", 0))
        if key in seen:
            errs.append(duplicate_go(f"spec.ports[{i}]", _go_service_port(*key)))
        seen.add(key)
    return errs


def _traffic_policies(spec: dict, kind: str) -> list[FieldError]:
    errs: list[FieldError] = []
    external = spec.get("externalTrafficPolicy") or ""
    if kind not in ("NodePort", "LoadBalancer"):
        if external:
            detail = "may only be set for externally-accessible services"
            errs.append(invalid("spec.externalTrafficPolicy", external, detail))
    elif not external:
        errs.append(required("spec.externalTrafficPolicy"))
    elif external not in ("Cluster", "Local"):
        errs.append(not_supported("spec.externalTrafficPolicy", external, ["Cluster", "Local"]))
    internal = spec.get("internalTrafficPolicy")
    if internal is None and kind in ("NodePort", "LoadBalancer", "ClusterIP"):
        errs.append(required("spec.internalTrafficPolicy"))
    if internal is not None and internal not in ("Cluster", "Local"):
        errs.append(not_supported("spec.internalTrafficPolicy", internal, ["Cluster", "Local"]))
    return errs


def node_port_range_errors(service: dict) -> list[FieldError]:
    """The allocator's answer for a requested nodePort outside the range; it runs (and fails)
    before validation, so its error comes alone."""
    low, high = NODE_PORT_RANGE
    detail = f"provided port is not in the valid range. The range of valid ports is {low}-{high}"
    return [
        invalid(f"spec.ports[{i}].nodePort", port["nodePort"], detail)
        for i, port in enumerate((service.get("spec") or {}).get("ports") or [])
        if port.get("nodePort") and not low <= port["nodePort"] <= high
    ]


def normalize_cluster_ips(service: dict, old: dict) -> None:
    """``NormalizeClusterIPs`` on update: keep ``clusterIP`` and ``clusterIPs`` in step."""
    spec, old_spec = service.setdefault("spec", {}), old.get("spec") or {}
    same_ip = old_spec.get("clusterIP") == spec.get("clusterIP")
    if old_spec.get("clusterIPs") and not spec.get("clusterIPs") and same_ip:
        spec["clusterIPs"] = old_spec["clusterIPs"]  # an old client that only knows clusterIP
    if old_spec.get("clusterIP") != spec.get("clusterIP"):
        same = old_spec.get("clusterIPs") == spec.get("clusterIPs")
        if old_spec.get("clusterIP") and not spec.get("clusterIP"):
            if same:
                spec.pop("clusterIPs", None)
        elif same:
            spec["clusterIPs"] = [spec.get("clusterIP")]


def _upgrade_downgrade_cluster_ips(spec: dict, old_spec: dict) -> list[FieldError]:
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return []
    if _headless(spec) and _headless(old_spec):
        return []
    new_ips, old_ips = spec.get("clusterIPs"), old_spec.get("clusterIPs") or []
    shown = go_strings(new_ips)
    changed = "may not change once set"
    if len(old_ips) == len(new_ips or []):
        return [
            invalid_go(f"spec.clusterIPs[{i}]", shown, changed)
            for i, ip in enumerate(old_ips)
            if ip != new_ips[i]
        ]
    errs: list[FieldError] = []
    if len(old_ips) > len(new_ips or []):
        if not new_ips:
            errs.append(
                invalid_go("spec.clusterIPs[0]", shown, "primary clusterIP can not be unset")
            )
        elif new_ips[0] != old_ips[0]:
            errs.append(invalid_go("spec.clusterIPs[0]", shown, changed))
    elif old_ips and new_ips[0] != old_ips[0]:
        errs.append(invalid_go("spec.clusterIPs[0]", shown, changed))
    return errs


def validate_service(service: dict, old: dict | None) -> list[FieldError]:
    if old is None:
        return node_port_range_errors(service) or validate_service_spec(service)
    service = copy.deepcopy(service)
    normalize_cluster_ips(service, old)
    errs = validate_object_meta_update(service.get("metadata") or {}, old.get("metadata") or {})
    errs += _upgrade_downgrade_cluster_ips(service.get("spec") or {}, old.get("spec") or {})
    return errs + validate_service_spec(service)
