"""High availability: a replicated control plane behind a load balancer.

``Cluster(control_planes=3)`` builds what ``kind`` builds with three control-plane nodes — kubeadm's
"stacked etcd" topology (https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/):
the machines ``control-plane``, ``control-plane2`` and ``control-plane3`` each run an etcd member,
kube-apiserver, kube-scheduler and kube-controller-manager (named as kubeadm's static pods are,
``kube-apiserver-control-plane2``), plus a kubelet and kube-proxy like every node.

* **etcd** is one Raft cluster of the three members (``k8sedu/etcd/raft.py``); each API server
  talks to its own machine's member only.
* **kube-apiserver** is active-active: every client (kubectl, kubelets, controllers, ``cluster.api``)
  goes through kind's external load balancer (haproxy), which keeps a client on one API server
  while that one is healthy and otherwise moves it to the next healthy one, round-robin.
  Healthy = running, with an etcd member that hears a leader with a quorum (``/readyz``).
  Each API server has its own watch cache, fed as etcd commits.
* **kube-scheduler and kube-controller-manager** run on all three machines, but only the holder of
  the Lease ``kube-system/<component>`` works (``k8sedu/client/leaderelection.py``). A single
  control plane elects them the same way (kubeadm's ``--leader-elect=true``): its only copy
  takes the Lease at start.

Faults: ``fail_node("control-plane2")`` powers a machine off; ``stop("kube-apiserver")`` stops every
API server (``stop("kube-apiserver-control-plane2")`` one); ``cluster.partition([...], [...])``
cuts the etcd network between machines and ``cluster.heal()`` restores it.

Simplified: the load balancer knows every backend's health at once (haproxy polls every few
seconds); a partition cuts only etcd's peer traffic (clients still reach every API server); the
``kubernetes`` Service lists every control-plane address and is not reconciled afterwards.
"""

from __future__ import annotations

import importlib

from k8sedu.apiserver.client import Client
from k8sedu.apiserver.server import APIServer
from k8sedu.component import Component
from k8sedu.errors import ConnectionRefused
from k8sedu.etcd.raft import EtcdTimeout
from k8sedu.etcd.replicated import ReplicatedEtcd
from k8sedu.node import Host

REPLICATED = ("kube-scheduler", "kube-controller-manager")  # the components that elect a leader
PER_MACHINE = ("etcd", "kube-apiserver", *REPLICATED)  # what every control-plane machine runs
LOAD_BALANCER = "kind-external-load-balancer:6443"  # kind's controlPlaneEndpoint


def machine_names(count: int) -> list[str]:
    """kind's control-plane names: ``control-plane``, ``control-plane2``, ``control-plane3`` …"""
    return ["control-plane"] + [f"control-plane{i}" for i in range(2, count + 1)]


def replicated_etcd(cluster, count: int) -> ReplicatedEtcd:
    """``cluster.etcd`` for ``count`` control-plane machines (member ``i`` on 172.18.0.<2+i>)."""
    names = machine_names(count)
    endpoints = {name: f"https://172.18.0.{2 + i}:2379" for i, name in enumerate(names)}
    return ReplicatedEtcd(cluster.sim, names, trace=cluster.trace, endpoints=endpoints)


class EtcdMember(Component):
    """One etcd member as a process on its machine (kubeadm's static Pod ``etcd-<machine>``)."""

    def __init__(self, cluster, machine: str) -> None:
        super().__init__(cluster, f"etcd-{machine}")
        self.member = machine

    def on_start(self) -> None:
        self.cluster.etcd.start_member(self.member)

    def on_stop(self) -> None:
        self.cluster.etcd.stop_member(self.member)


class ReplicaAPIServer(APIServer):
    """kube-apiserver on one control-plane machine, talking to that machine's etcd member."""

    def __init__(self, cluster, machine: str) -> None:
        super().__init__(cluster)
        self.name = f"kube-apiserver-{machine}"
        self.etcd = cluster.etcd.member(machine, serializable=True)

    def compact(self) -> None:
        """A compaction etcd cannot commit now waits for the next interval (``compact.go``)."""
        try:
            super().compact()
        except EtcdTimeout as error:
            self.trace.record(self.sim.now, self.name, "compact-failed", "etcd", "", str(error))


class LoadBalancer:
    """kind's external load balancer in front of the API servers."""

    def __init__(self, cluster, servers: list[ReplicaAPIServer]) -> None:
        self.cluster = cluster
        self.servers = servers
        self.address = LOAD_BALANCER
        self.admission = SharedAdmission(servers)
        self._backend: dict[str, APIServer] = {}  # client component -> its connection's server
        self._turn = 0
        self._ready = {server.name: True for server in servers}
        cluster.etcd.raft.listeners.append(self.on_etcd_change)

    def __repr__(self) -> str:
        up = sum(1 for s in self.servers if self.healthy(s))
        return f"<LoadBalancer {self.address} {up}/{len(self.servers)} healthy>"

    def healthy(self, server: APIServer) -> bool:
        return server.running and server.etcd.ready()

    def pick(self, client, *, ready: bool = True) -> APIServer:
        """The API server a request of ``client`` reaches. With no ready one, a request that
        needs etcd times out; one that does not (``ready=False``: ``/readyz``, ``/version``)
        is answered by a running one."""
        server = self._backend.get(client.component)
        if server is not None and self.healthy(server):
            return server
        healthy = [s for s in self.servers if self.healthy(s)]
        if not healthy:
            running = [s for s in self.servers if s.running]
            if not running:
                raise ConnectionRefused(self.address)
            if ready:
                raise EtcdTimeout()  # API servers answer, but none has an etcd quorum
            return server if server in running else running[0]
        self._turn += 1
        server = self._backend[client.component] = healthy[self._turn % len(healthy)]
        return server

    def backends(self) -> list[dict]:
        """Each API server: name, machine, running, ready (``/readyz``), clients connected."""
        counts = {s.name: 0 for s in self.servers}
        for server in self._backend.values():
            counts[server.name] += 1
        return [
            {
                "name": s.name,
                "machine": s.etcd.name,
                "running": s.running,
                "ready": self.healthy(s),
                "clients": counts[s.name],
            }
            for s in self.servers
        ]

    def on_etcd_change(self) -> None:
        """Feed each ready API server's watch cache; a server whose member lost its leader
        ends its watches (its etcd watch fails with "no leader"), so clients move away."""
        for server in self.servers:
            ready = self.healthy(server)
            if ready:
                server.sync()
            elif self._ready[server.name] and server.running:
                server.watchers.stop_all()
                self.cluster.trace.record(
                    self.cluster.now, server.name, "watch-error", "etcd", server.etcd.name,
                    "etcdserver: no leader",
                )  # fmt: skip
            self._ready[server.name] = ready


class SharedAdmission:
    """``cluster.api.admission`` in HA: a plugin registers on every API server."""

    def __init__(self, servers: list[APIServer]) -> None:
        self.servers = servers

    def register(self, name: str, mutate=None, validate=None) -> None:
        for server in self.servers:
            server.admission.register(name, mutate, validate)

    def unregister(self, name: str) -> None:
        for server in self.servers:
            server.admission.unregister(name)

    @property
    def names(self) -> list[str]:
        return self.servers[0].admission.names


def build_control_plane(cluster, count: int) -> None:
    """The control-plane machines with their etcd members and API servers (before bootstrap)."""
    hosts = cluster.control_plane_hosts
    for i, name in enumerate(machine_names(count)[1:], start=1):
        hosts.append(Host(cluster, name, i, control_plane=True))
    servers = []
    for host in hosts:
        member = EtcdMember(cluster, host.name)
        host.processes["etcd"] = member
        cluster._add_component(member)
        server = ReplicaAPIServer(cluster, host.name)
        if servers:  # Service IPs and ports are allocated cluster-wide (etcd-backed in Kubernetes)
            server.allocator = servers[0].allocator
        host.processes["kube-apiserver"] = server
        cluster._add_component(server)
        servers.append(server)
    cluster.apiserver = servers[0]
    cluster.api_load_balancer = LoadBalancer(cluster, servers)
    cluster.apiserver_host = cluster.api_load_balancer.address


def start_components(cluster, table: dict[str, str]) -> None:
    """Start the ``CONTROL_PLANE`` components: a leader-electing copy of each replicated one on
    every control-plane machine (kubeadm's static pods run ``--leader-elect=true`` even on a
    single control plane), one of the others."""
    replicated = cluster.api_load_balancer is not None
    for name, path in table.items():
        module, _, attr = path.partition(":")
        cls = getattr(importlib.import_module(module), attr)
        if name not in REPLICATED:
            cluster._add_component(cls(cluster))
            continue
        for host in cluster.control_plane_hosts:
            component = cls(cluster, name=f"{name}-{host.name}" if replicated else name)
            component.leader_elect = True
            component.host_name = host.name
            if replicated:  # the machine carries it, as it carries its etcd and API server
                host.processes[name] = component
            cluster._add_component(component)
    if replicated:
        _publish_endpoints(cluster)


def _publish_endpoints(cluster) -> None:
    """Every API server's address in the ``kubernetes`` Endpoints and EndpointSlice."""
    api = Client(cluster, "system:apiserver", "kube-apiserver", ("system:masters",))
    addresses = [host.ip for host in cluster.control_plane_hosts]
    endpoints = api.get("endpoints", "kubernetes")
    endpoints["subsets"][0]["addresses"] = [{"ip": ip} for ip in addresses]
    api.update("endpoints", endpoints)
    eps = api.get("endpointslices", "kubernetes")
    eps["endpoints"] = [{"addresses": [ip], "conditions": {"ready": True}} for ip in addresses]
    api.update("endpointslices", eps)


def replicas(cluster, base: str) -> list[Component]:
    """The copies of ``base`` (``kube-scheduler``, ``etcd`` …), one per control-plane machine."""
    if base not in PER_MACHINE:
        return []
    return [h.processes[base] for h in cluster.control_plane_hosts if base in h.processes]


def active(cluster, base: str) -> Component | None:
    """The copy of ``base`` that works: the leader, else the first running, else the first."""
    found = replicas(cluster, base)
    for test in (_leading, _running):
        chosen = next((c for c in found if test(c)), None)
        if chosen is not None:
            return chosen
    return found[0] if found else None


def _leading(component: Component) -> bool:
    return component.running and getattr(component, "leading", False)


def _running(component: Component) -> bool:
    return component.running


def partition(cluster, *groups: list[str]) -> None:
    if cluster.api_load_balancer is None:
        raise ValueError("a partition needs a replicated control plane: Cluster(control_planes=3)")
    cluster.etcd.partition(*groups)


def heal(cluster) -> None:
    if cluster.api_load_balancer is not None:
        cluster.etcd.heal()
