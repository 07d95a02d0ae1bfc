"""kube-proxy: one per worker, it turns Services and EndpointSlices into the node's iptables rules.

Models ``pkg/proxy/iptables/proxier.go`` and its runner. kube-proxy watches Services and
EndpointSlices through the API server (label selector
``!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless``, as the real
one), notes which Services changed, and syncs: it rewrites the rules of the changed Services
(a *partial* sync) at most once per ``--iptables-min-sync-period`` (1 s); the first change after
a quiet second syncs at once. A sync writes ``iptables-restore`` input; ``rules()`` shows it.

The rules live in the node's kernel, not in the process: stopping kube-proxy leaves them in
place (Services keep working, they just stop following changes); starting it re-lists and does
a full sync. Idle costs nothing: with no change there is no sync.

Simplified: ``--iptables-sync-period`` (30 s) only paces the real proxier's check that nobody
flushed its chains, which cannot happen here, so no periodic sync is modelled. Cluster DNS is
answered from informers kept in this process (see ``dns.py``).
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

from k8sedu.apiserver.client import Client
from k8sedu.client.informer import EventHandler, InformerFactory, key_of
from k8sedu.component import Component
from k8sedu.proxy import iptables
from k8sedu.proxy.dns import ClusterDNS
from k8sedu.proxy.netfilter import CompiledService, Kernel, Packet, Verdict
from k8sedu.proxy.serviceport import (
    SERVICE_NAME_LABEL,
    EndpointInfo,
    ServicePortInfo,
    endpoint_infos,
    service_port_infos,
)

if TYPE_CHECKING:
    from k8sedu.node import Host

MIN_SYNC_PERIOD = 1.0  # --iptables-min-sync-period (pkg/proxy/apis/config/v1alpha1/defaults.go)
SYNC_PERIOD = 30.0  # --iptables-sync-period
PROXY_SELECTOR = "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless"


def index_by_service(eps: dict) -> list[str]:
    """EndpointSlices by the Service they belong to (``ns/name``)."""
    name = (eps["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL)
    return [f"{eps['metadata']['namespace']}/{name}"] if name else []


class RuleSet:
    """One service port's rules, and the matchers compiled from them on first use."""

    def __init__(self, rules: iptables.ServiceRules) -> None:
        self.rules = rules
        self._compiled: CompiledService | None = None

    def compiled(self) -> CompiledService:
        if self._compiled is None:
            self._compiled = CompiledService.of(self.rules)
        return self._compiled


@functools.lru_cache(maxsize=32)  # a few recent versions: a big Service's rules take megabytes
def rule_set(info: ServicePortInfo, endpoints: tuple, large_cluster: bool) -> RuleSet:
    """The rules for a service port and its endpoints. Rules are a pure function of these, so
    nodes that write the same rules share one (immutable) ``RuleSet``: with 3,000 endpoints on
    100 nodes, each change is turned into rules once, not 100 times."""
    return RuleSet(iptables.service_rules(info, list(endpoints), large_cluster))


class Programmed:
    """One service port as last synced into the kernel; rules and matchers made on demand."""

    def __init__(self, info: ServicePortInfo, endpoints: tuple[EndpointInfo, ...]) -> None:
        self.info = info
        self.endpoints = endpoints
        self._rule_sets: dict[bool, RuleSet] = {}

    def same(self, other: Programmed | None) -> bool:
        return other is not None and (self.info, self.endpoints) == (other.info, other.endpoints)

    def rule_set(self, large_cluster: bool) -> RuleSet:
        if large_cluster not in self._rule_sets:
            endpoints = self.endpoints
            if not self.info.uses_local_endpoints:  # then which are local changes no rule
                endpoints = tuple(ep._replace(is_local=False) if ep.is_local else ep
                                  for ep in endpoints)  # fmt: skip
            self._rule_sets[large_cluster] = rule_set(self.info, endpoints, large_cluster)
        return self._rule_sets[large_cluster]

    @functools.cached_property
    def by_address(self) -> dict[str, EndpointInfo]:
        """``ip:port`` → endpoint: what a DNAT verdict names (made when traffic first needs it)."""
        return {str(ep): ep for ep in self.endpoints}

    def rules(self, large_cluster: bool) -> iptables.ServiceRules:
        return self.rule_set(large_cluster).rules

    def compiled(self, large_cluster: bool) -> CompiledService:
        return self.rule_set(large_cluster).compiled()

    def destinations(self) -> list[tuple[str, int, str]]:
        info = self.info
        ips = (info.cluster_ip, *info.external_ips, *info.load_balancer_vips)
        return [(ip, info.port, info.protocol) for ip in ips]


class KubeProxy(Component):
    """The kube-proxy process of one node (``cluster.node("node-1").proxy``)."""

    user = "system:kube-proxy"

    def __init__(self, cluster, host: Host) -> None:
        super().__init__(cluster, f"kube-proxy/{host.name}")
        self.host = host
        # the node's kernel state: it survives a kube-proxy restart
        self.kernel = Kernel()
        self.programmed: dict[str, Programmed] = {}  # service port name → what is in the kernel
        self.stale_chains: list[str] = []  # deleted by the last sync (its "-X" lines)
        self.large_cluster = False
        self.syncs = 0
        self._by_destination: dict[tuple[str, int, str], str] = {}
        self._by_node_port: dict[tuple[int, str], str] = {}
        self._text: tuple[str, str] | None = None
        # the process's memory: gone when it stops
        self.client: Client | None = None
        self.informers: InformerFactory | None = None
        self.dns: ClusterDNS | None = None
        self._changed: dict[str, None] = {}
        self._full_sync = True
        self._sync_timer = None
        self._last_sync = -math.inf

    # -- the process ------------------------------------------------------------------------------

    def on_start(self) -> None:
        self.client = Client(self.cluster, self.user, self.name)
        self.informers = InformerFactory(self, self.client)
        services = self.informers.informer("services", label_selector=PROXY_SELECTOR)
        slices = self.informers.informer("endpointslices", label_selector=PROXY_SELECTOR)
        slices.add_indexers({"service": index_by_service})
        services.add_handler(EventHandler(self._changed_obj, self._updated, self._changed_obj))
        slices.add_handler(
            EventHandler(self._changed_slice, self._updated_slice, self._changed_slice)
        )
        self.dns = ClusterDNS(self.informers)
        self._full_sync = True
        self.informers.start()
        self.request_sync()
        self.cluster.data_plane_changed()

    def on_stop(self) -> None:
        if self.informers is not None:
            self.informers.stop()
        self.client = self.informers = self.dns = self._sync_timer = None
        self._changed = {}
        self._last_sync = -math.inf
        self.cluster.data_plane_changed()

    def _changed_obj(self, svc: dict) -> None:
        self._changed[key_of(svc)] = None
        self.request_sync()
        self.cluster.data_plane_changed()  # what cluster DNS answers

    def _updated(self, old: dict, new: dict) -> None:
        self._changed_obj(new)

    def _changed_slice(self, eps: dict) -> None:
        for key in index_by_service(eps):
            self._changed[key] = None
        self.request_sync()

    def _updated_slice(self, old: dict, new: dict) -> None:
        self._changed_slice(new)

    # -- syncing (the BoundedFrequencyRunner) ----------------------------------------------------

    def request_sync(self) -> None:
        """Sync now, or as soon as ``MIN_SYNC_PERIOD`` has passed since the last sync."""
        if self._sync_timer is None and self.running:
            delay = max(0.0, self._last_sync + MIN_SYNC_PERIOD - self.sim.now)
            self._sync_timer = self.schedule(delay, self.sync)

    def sync(self) -> None:
        """``syncProxyRules``: rewrite the rules of every Service that changed since last time."""
        self._sync_timer = None
        services = self.informers.informer("services", label_selector=PROXY_SELECTOR)
        slices = self.informers.informer("endpointslices", label_selector=PROXY_SELECTOR)
        if not (services.synced and slices.synced):
            return  # "Not syncing iptables until Services and Endpoints have been received"
        self._last_sync = self.sim.now
        if self._full_sync:
            keys = dict.fromkeys(sorted({*services.items, *self._service_keys()}))
            self._full_sync = False
        else:
            keys = self._changed
        self._changed = {}
        self.stale_chains = []
        for key in keys:
            self._sync_service(key, services.get(key), slices.by_index("service", key))
        total = sum(len(p.endpoints) for p in self.programmed.values())
        self.large_cluster = total > iptables.LARGE_CLUSTER_ENDPOINTS
        self._text = None
        self.syncs += 1
        self.cluster.trace.count(self.name, "sync", "iptables")

    def _service_keys(self) -> set[str]:
        return {p.info.service_key for p in self.programmed.values()}

    def _sync_service(self, key: str, svc: dict | None, slices: list[dict]) -> None:
        old = {n: p for n, p in self.programmed.items() if p.info.service_key == key}
        endpoints = endpoint_infos(slices, self.host.name)
        new: dict[str, Programmed] = {}
        for info in service_port_infos(svc) if svc else []:
            eps = endpoints.get((info.port_name, info.protocol.upper()), [])
            fresh = Programmed(info, tuple(eps))
            new[info.name] = old[info.name] if fresh.same(old.get(info.name)) else fresh
        if new.keys() == old.keys() and all(new[n] is old[n] for n in new):
            return
        old_chains = {c for p in old.values() for c in p.rules(self.large_cluster).nat_chains}
        new_chains = {c for p in new.values() for c in p.rules(self.large_cluster).nat_chains}
        self.stale_chains.extend(sorted(old_chains - new_chains))
        for name, gone in old.items():
            del self.programmed[name]
            for dest in gone.destinations():
                self._by_destination.pop(dest, None)
            if gone.info.node_port:
                self._by_node_port.pop((gone.info.node_port, gone.info.protocol), None)
        for name, programmed in new.items():
            self.programmed[name] = programmed
            for dest in programmed.destinations():
                self._by_destination[dest] = name
            if programmed.info.node_port:
                self._by_node_port[(programmed.info.node_port, programmed.info.protocol)] = name
        self.cluster.data_plane_changed()

    # -- what it wrote --------------------------------------------------------------------------

    def rules(self, table: str = "nat") -> str:
        """The ``iptables-restore`` input of the last sync: ``"nat"``, ``"filter"`` or ``"all"``."""
        if self._text is None:
            blocks = [self.programmed[n].rules(self.large_cluster) for n in sorted(self.programmed)]
            self._text = iptables.restore_input(blocks, self.stale_chains)
        flt, nat = self._text
        tables = {"nat": nat, "filter": flt, "all": flt + nat}
        if table not in tables:
            raise ValueError(f"table must be one of nat, filter, all (got {table!r})")
        return tables[table]

    def route(
        self, packet: Packet, rng, now: float, sampled: bool = False
    ) -> tuple[Verdict, EndpointInfo | None]:
        """The kernel's decision for the first packet of a connection, and the endpoint it hit
        (``sampled``: drawn from the rules' distribution, see ``Kernel.route``)."""
        programmed = self._programmed_for(packet)
        if programmed is None:
            return Verdict(""), None
        verdict = self.kernel.route(
            programmed.compiled(self.large_cluster), packet, rng, now, sampled
        )
        if verdict.action != "DNAT":
            return verdict, None
        return verdict, programmed.by_address[verdict.to]

    def routes(self, packet: Packet) -> list[tuple[float, Verdict, EndpointInfo | None]] | None:
        """Every decision ``route`` can make for ``packet``, with its probability (None when
        it depends on earlier connections: ClientIP affinity's ``recent`` lists)."""
        programmed = self._programmed_for(packet)
        if programmed is None:
            return [(1.0, Verdict(""), None)]
        distribution = self.kernel.distribution(programmed.compiled(self.large_cluster), packet)
        if distribution is None:
            return None
        return [
            (p, v, programmed.by_address[v.to] if v.action == "DNAT" else None)
            for p, v in distribution.shares()
        ]

    def routes_basis(self, packet: Packet):
        """What ``routes(packet)`` is made from: the rules' distribution, one object for every
        node whose rules are the same (None with ``recent`` rules; this kube-proxy if no rule
        matches)."""
        programmed = self._programmed_for(packet)
        if programmed is None:
            return self
        return self.kernel.distribution(programmed.compiled(self.large_cluster), packet)

    def _programmed_for(self, packet: Packet) -> Programmed | None:
        name = self._by_destination.get((packet.dst, packet.dport, packet.protocol))
        if name is None and packet.dst_local:
            name = self._by_node_port.get((packet.dport, packet.protocol))
        return None if name is None else self.programmed[name]

    def service_at(self, ip: str, port: int, protocol: str = "tcp") -> Programmed | None:
        """The service port programmed for a cluster, external or load-balancer address."""
        name = self._by_destination.get((ip, port, protocol))
        return self.programmed.get(name) if name else None

    def has_local_endpoints(self, ip: str, port: int, protocol: str = "tcp") -> bool:
        """What ``healthCheckNodePort`` answers a load balancer: does this node serve it?"""
        programmed = self.service_at(ip, port, protocol)
        if programmed is None:
            return False
        if not programmed.info.external_policy_local:
            return True
        return any(ep.is_local and (ep.ready or ep.serving) for ep in programmed.endpoints)
