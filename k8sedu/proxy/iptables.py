"""The iptables rules kube-proxy writes for Services: chain names, endpoint choice, rule text.

Models ``pkg/proxy/iptables/proxier.go`` (``syncProxyRules``, ``writeServiceToEndpointRules``,
``portProtoHash``, ``computeProbability``). A sync turns every service port and its endpoints into lines of
``iptables-restore`` input: a ``*filter`` part (REJECT/DROP for services without usable
endpoints) and a ``*nat`` part (``KUBE-SERVICES`` → ``KUBE-SVC-…`` → ``KUBE-SEP-…`` → DNAT).

A chain name is a prefix plus the first 16 characters of base32(sha256(service port name +
protocol [+ endpoint])), because iptables chain names are at most 28 characters::

    >>> service_chain("default/web", "tcp")
    'KUBE-SVC-LOLE4ISW44XBNF3G'
    >>> probability(3)
    '0.3333333333'

Simplified: the real proxier iterates a Go map, so the order of services in its output changes
from sync to sync; k8sedu writes them sorted by service port name. Partial syncs are not shown:
the text is always what a full sync writes. nfacct counters and IPv6 are not modelled. The node runs kind's configuration: ``--cluster-cidr
10.244.0.0/16`` (local-traffic detection), masquerade bit 14, localhost NodePorts allowed.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from typing import NamedTuple

from k8sedu.proxy.serviceport import EndpointInfo, ServicePortInfo, categorize_endpoints

KUBE_SERVICES = "KUBE-SERVICES"
KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES"
KUBE_NODEPORTS = "KUBE-NODEPORTS"
KUBE_POSTROUTING = "KUBE-POSTROUTING"
KUBE_MARK_MASQ = "KUBE-MARK-MASQ"
KUBE_FORWARD = "KUBE-FORWARD"
KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL"
KUBE_FIREWALL = "KUBE-FIREWALL"
SERVICE_CHAIN_PREFIXES = ("KUBE-SVC-", "KUBE-SVL-", "KUBE-SEP-", "KUBE-FW-", "KUBE-EXT-")

CLUSTER_CIDR = "10.244.0.0/16"  # kind's podSubnet: what "from a pod" means to the rules
# 1 << masqueradeBit(14) printed with Go's "%#08x", which pads the digits (not the "0x") to 8
MASQUERADE_MARK = "0x00004000"
LARGE_CLUSTER_ENDPOINTS = 1000  # largeClusterEndpointsThreshold: comments are dropped above it

Rule = tuple[str, ...]  # one line of iptables-restore input, as its tokens


# -- names ---------------------------------------------------------------------------------------


# Chain names and probabilities are pure functions that every sync of every node asks for again
# (3,000 endpoints × 100 nodes × each sync): hashed once, then remembered.
@functools.lru_cache(maxsize=4096)
def port_proto_hash(service_port_name: str, protocol: str) -> str:
    digest = hashlib.sha256((service_port_name + protocol).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def service_chain(service_port_name: str, protocol: str) -> str:
    """``KUBE-SVC-…``: the chain that spreads traffic over all usable endpoints (Cluster policy)."""
    return "KUBE-SVC-" + port_proto_hash(service_port_name, protocol)


def local_chain(service_port_name: str, protocol: str) -> str:
    """``KUBE-SVL-…``: the same, over this node's endpoints only (Local policy)."""
    return "KUBE-SVL-" + port_proto_hash(service_port_name, protocol)


def external_chain(service_port_name: str, protocol: str) -> str:
    """``KUBE-EXT-…``: where NodePort, external-IP and load-balancer traffic enters."""
    return "KUBE-EXT-" + port_proto_hash(service_port_name, protocol)


def firewall_chain(service_port_name: str, protocol: str) -> str:
    """``KUBE-FW-…``: ``loadBalancerSourceRanges`` filtering."""
    return "KUBE-FW-" + port_proto_hash(service_port_name, protocol)


@functools.lru_cache(maxsize=65536)
def endpoint_chain(service_port_name: str, protocol: str, endpoint: str) -> str:
    """``KUBE-SEP-…``: the DNAT to one endpoint (``ip:port``)."""
    digest = hashlib.sha256((service_port_name + protocol + endpoint).encode()).digest()
    return "KUBE-SEP-" + base64.b32encode(digest).decode()[:16]


@functools.lru_cache(maxsize=65536)
def probability(n: int) -> str:
    """``computeProbability``: 1/n printed ``%0.10f``."""
    return f"{1.0 / n:0.10f}"


def chain_line(chain: str) -> str:
    """``MakeChainLine``: declares (and flushes) a chain in iptables-restore input."""
    return f":{chain} - [0:0]"


# -- one service port's rules --------------------------------------------------------------------


class ServiceRules(NamedTuple):
    """What one service port contributes to a sync, in the order the proxier writes it."""

    nat_chains: tuple[str, ...]
    nat_rules: tuple[Rule, ...]
    filter_rules: tuple[Rule, ...]


def _rule(chain: str, comment: str | None, *args: str) -> Rule:
    """``-A chain [-m comment --comment TEXT] ARGS…``"""
    head = (
        ("-A", chain) if comment is None else ("-A", chain, "-m", "comment", "--comment", comment)
    )
    return head + args


def service_rules(
    svc: ServicePortInfo, endpoints: list[EndpointInfo], large_cluster: bool = False
) -> ServiceRules:
    """The rules of one service port: a transcription of the loop body of ``syncProxyRules``."""
    name, proto = svc.name, svc.protocol
    cluster_eps, local_eps, reachable, has_endpoints = categorize_endpoints(endpoints, svc)
    svc_chain, svl_chain = service_chain(name, proto), local_chain(name, proto)
    ext_chain, fw_chain = external_chain(name, proto), firewall_chain(name, proto)

    internal_chain, has_internal = svc_chain, has_endpoints
    if svc.internal_policy_local:
        internal_chain, has_internal = svl_chain, has_endpoints and bool(local_eps)
    external_policy_chain, has_external = svc_chain, has_endpoints
    if svc.external_policy_local:
        external_policy_chain, has_external = svl_chain, has_endpoints and bool(local_eps)
    uses_ext = has_endpoints and svc.externally_accessible
    uses_fw = has_endpoints and bool(svc.load_balancer_vips and svc.load_balancer_source_ranges)
    lb_chain = fw_chain if uses_fw else ext_chain

    if not has_endpoints:  # REJECT: the client hears "connection refused" at once
        internal_target = external_target = "REJECT"
        internal_comment = external_comment = f'"{name} has no endpoints"'
    else:  # DROP: endpoints exist, just not on this node; the client times out
        internal_target = "" if has_internal else "DROP"
        external_target = "" if has_external else "DROP"
        internal_comment = external_comment = f'"{name} has no local endpoints"'

    def match(dst: str, port: int) -> Rule:
        return ("-m", proto, "-p", proto, "-d", dst, "--dport", str(port))

    chains: list[str] = []
    nat: list[Rule] = []
    flt: list[Rule] = []
    cip = match(svc.cluster_ip, svc.port)
    if has_internal:
        nat.append(_rule(KUBE_SERVICES, f'"{name} cluster IP"', *cip, "-j", internal_chain))
    else:
        flt.append(_rule(KUBE_SERVICES, internal_comment, *cip, "-j", internal_target))
    for ip in svc.external_ips:
        if has_endpoints:
            nat.append(_rule(KUBE_SERVICES, f'"{name} external IP"', *match(ip, svc.port),
                             "-j", ext_chain))  # fmt: skip
        if not has_external:
            flt.append(_rule(KUBE_EXTERNAL_SERVICES, external_comment, *match(ip, svc.port),
                             "-j", external_target))  # fmt: skip
    for ip in svc.load_balancer_vips:
        if has_endpoints:
            nat.append(_rule(KUBE_SERVICES, f'"{name} loadbalancer IP"', *match(ip, svc.port),
                             "-j", lb_chain))  # fmt: skip
        if uses_fw:
            flt.append(_rule(KUBE_PROXY_FIREWALL, f'"{name} traffic not accepted by {fw_chain}"',
                             *match(ip, svc.port), "-j", "DROP"))  # fmt: skip
    if not has_external:
        for ip in svc.load_balancer_vips:
            flt.append(_rule(KUBE_EXTERNAL_SERVICES, external_comment, *match(ip, svc.port),
                             "-j", external_target))  # fmt: skip
    if svc.node_port:
        dport = ("-m", proto, "-p", proto, "--dport", str(svc.node_port))
        if has_endpoints:
            nat.append(_rule(KUBE_NODEPORTS, name, *dport, "-j", ext_chain))
        if not has_external:
            flt.append(_rule(KUBE_EXTERNAL_SERVICES, external_comment, *LOCAL_DST, *dport,
                             "-j", external_target))  # fmt: skip
    if svc.health_check_node_port:
        flt.append(_rule(KUBE_NODEPORTS, f'"{name} health check node port"', "-m", "tcp",
                         "-p", "tcp", "--dport", str(svc.health_check_node_port),
                         "-j", "ACCEPT"))  # fmt: skip

    if has_internal:  # masquerade off-cluster traffic to the cluster IP (it may bounce off-node)
        nat.append(_rule(internal_chain, f'"{name} cluster IP"', *cip, "!", "-s", CLUSTER_CIDR,
                         "-j", KUBE_MARK_MASQ))  # fmt: skip
    if uses_ext:
        chains.append(ext_chain)
        nat.extend(_external_rules(svc, ext_chain, svc_chain, external_policy_chain, has_external))
    if uses_fw:
        chains.append(fw_chain)
        nat.extend(_firewall_rules(svc, fw_chain, ext_chain))
    if cluster_eps and svc.uses_cluster_endpoints:
        chains.append(svc_chain)
        nat.extend(_balance(svc, svc_chain, cluster_eps, large_cluster))
    if local_eps and svc.uses_local_endpoints:
        chains.append(svl_chain)
        nat.extend(_balance(svc, svl_chain, local_eps, large_cluster))
    for ep in reachable:
        sep = endpoint_chain(name, proto, str(ep))
        chains.append(sep)
        comment = None if large_cluster else name
        nat.append(_rule(sep, comment, "-s", ep.ip, "-j", KUBE_MARK_MASQ))  # a pod reaching itself
        recent = ("-m", "recent", "--name", sep, "--set") if svc.affinity_seconds else ()
        nat.append(_rule(sep, comment, *recent, "-m", proto, "-p", proto, "-j", "DNAT",
                         "--to-destination", str(ep)))  # fmt: skip
    return ServiceRules(tuple(chains), tuple(nat), tuple(flt))


LOCAL_DST = ("-m", "addrtype", "--dst-type", "LOCAL")
LOCAL_SRC = ("-m", "addrtype", "--src-type", "LOCAL")


def _external_rules(
    svc: ServicePortInfo, ext: str, svc_chain: str, policy_chain: str, has_external: bool
) -> list[Rule]:
    name = svc.name
    if not svc.external_policy_local:  # endpoints may be on other nodes: SNAT to come back
        rules = [_rule(ext, f'"masquerade traffic for {name} external destinations"',
                       "-j", KUBE_MARK_MASQ)]  # fmt: skip
    else:  # pods and the node itself reach the service as if through the load balancer
        rules = [
            _rule(ext, f'"pod traffic for {name} external destinations"',
                  "-s", CLUSTER_CIDR, "-j", svc_chain),
            _rule(ext, f'"masquerade LOCAL traffic for {name} external destinations"',
                  *LOCAL_SRC, "-j", KUBE_MARK_MASQ),
            _rule(ext, f'"route LOCAL traffic for {name} external destinations"',
                  *LOCAL_SRC, "-j", svc_chain),
        ]  # fmt: skip
    if has_external:
        rules.append(_rule(ext, None, "-j", policy_chain))
    return rules


def _firewall_rules(svc: ServicePortInfo, fw: str, ext: str) -> list[Rule]:
    comment = f'"{svc.name} loadbalancer IP"'
    rules = [_rule(fw, comment, "-s", cidr, "-j", ext) for cidr in svc.load_balancer_source_ranges]
    # a packet reaching the end was not DNATed, so KUBE-PROXY-FIREWALL (filter) drops it
    rules.append(_rule(fw, f'"other traffic to {svc.name} will be dropped by KUBE-PROXY-FIREWALL"'))
    return rules


def _balance(
    svc: ServicePortInfo, chain: str, endpoints: list[EndpointInfo], large_cluster: bool
) -> list[Rule]:
    """``writeServiceToEndpointRules``: affinity checks first, then rule i of n matches with
    probability 1/(n-i), so each endpoint gets 1/n of new connections; the last always matches."""
    rules: list[Rule] = []
    seps = [endpoint_chain(svc.name, svc.protocol, str(ep)) for ep in endpoints]
    comments = [None if large_cluster else f'"{svc.name} -> {ep}"' for ep in endpoints]
    if svc.affinity_seconds:
        for comment, sep in zip(comments, seps, strict=True):
            rules.append(_rule(chain, comment, "-m", "recent", "--name", sep, "--rcheck",
                               "--seconds", str(svc.affinity_seconds), "--reap", "-j", sep))  # fmt: skip
    n = len(endpoints)
    for i, (comment, sep) in enumerate(zip(comments, seps, strict=True)):
        stat = ("-m", "statistic", "--mode", "random", "--probability", probability(n - i))
        rules.append(_rule(chain, comment, *(stat if i < n - 1 else ()), "-j", sep))
    return rules


# -- the whole restore input ---------------------------------------------------------------------


def restore_input(blocks: list[ServiceRules], stale_chains: list[str]) -> tuple[str, str]:
    """The ``*filter`` and ``*nat`` parts of one full sync, each ending in ``COMMIT``."""
    flt = [
        ":" + c + " - [0:0]"
        for c in (
            KUBE_SERVICES,
            KUBE_EXTERNAL_SERVICES,
            KUBE_FORWARD,
            KUBE_NODEPORTS,
            KUBE_PROXY_FIREWALL,
            KUBE_FIREWALL,
        )
    ]
    flt.append(
        f'-A {KUBE_FIREWALL} -m comment --comment "block incoming localnet connections" '
        "-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT "
        "-j DROP"
    )
    flt.extend(" ".join(rule) for block in blocks for rule in block.filter_rules)
    mark = f"{MASQUERADE_MARK}/{MASQUERADE_MARK}"
    flt += [
        f"-A {KUBE_FORWARD} -m conntrack --ctstate INVALID -j DROP",
        f'-A {KUBE_FORWARD} -m comment --comment "kubernetes forwarding rules" -m mark --mark '
        f"{mark} -j ACCEPT",
        f'-A {KUBE_FORWARD} -m comment --comment "kubernetes forwarding conntrack rule" '
        "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    ]
    nat = [chain_line(c) for c in (KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ)]
    nat.extend(chain_line(c) for block in blocks for c in block.nat_chains)
    nat.extend(chain_line(c) for c in stale_chains)
    nat += [
        f"-A {KUBE_POSTROUTING} -m mark ! --mark {mark} -j RETURN",
        f"-A {KUBE_POSTROUTING} -j MARK --xor-mark {MASQUERADE_MARK}",
        f'-A {KUBE_POSTROUTING} -m comment --comment "kubernetes service traffic requiring SNAT" '
        "-j MASQUERADE --random-fully",
        f"-A {KUBE_MARK_MASQ} -j MARK --or-mark {MASQUERADE_MARK}",
    ]
    nat.extend(" ".join(rule) for block in blocks for rule in block.nat_rules)
    nat.extend(f"-X {c}" for c in stale_chains)
    nat.append(NODEPORTS_JUMP)
    return (
        "*filter\n" + "\n".join(flt) + "\nCOMMIT\n",
        "*nat\n" + "\n".join(nat) + "\nCOMMIT\n",
    )


NODEPORTS_JUMP = (
    f'-A {KUBE_SERVICES} -m comment --comment "kubernetes service nodeports; NOTE: this must be '
    f'the last rule in this chain" -m addrtype --dst-type LOCAL -j {KUBE_NODEPORTS}'
)
