"""The path of one request: cluster DNS, the client's node, that node's rules, the container.

A target is a Service name (``web``, ``web.prod``, ``web.prod.svc.cluster.local``, with an
optional ``:port``), or an address ``IP:port`` / URL: a node address with a NodePort, a
load-balancer IP or a pod IP. ``Path.connect`` resolves it, picks the client's node
(``from_node``, or a worker picked by the seeded generator per connection) and lets that node's
kube-proxy rules choose the endpoint (``netfilter.py``). For node and load-balancer addresses
with ``from_node=None`` the client is outside the cluster; a load balancer sends each connection
to a node that passes its health check (with ``externalTrafficPolicy: Local``, only nodes with a
local endpoint).

Failures are named as curl reports them: ``connection refused`` (REJECT, or nothing listening),
``connection timed out`` (DROP, a dead node), ``could not resolve host``.

The backend (``Path.serve``): the node owning the pod IP (by pod CIDR) finds the container
listening there with ``kubelet.lookup(ip, port)``; ``container.serve(port, now)`` answers
(slower when throttled, ``HTTP 500`` when unhealthy, ``connection refused`` when not
listening). Without a kubelet on that node, an endpoint kube-proxy routed to answers in
``BASE_LATENCY``. Network time is added: ``LOCAL_HOP`` on the same node, ``REMOTE_HOP`` across
nodes. Requests sent at one instant see the same cluster, so what they share (the nodes that are
up, the DNS answer, which node owns a pod IP, what a container answers now) is looked up once
per instant (``Batch``).
"""

from __future__ import annotations

import contextlib
import ipaddress
from typing import NamedTuple

from k8sedu.proxy.netfilter import Packet

LOCAL_HOP = 0.0001  # s: pod-to-pod on one node
REMOTE_HOP = 0.0005  # s: across the node network
BASE_LATENCY = 0.002  # s: a simulated container's answer when no kubelet models it
EXTERNAL_CLIENT = "172.18.0.1"  # a client outside the cluster (kind's docker host)
POD_NETWORK = ipaddress.ip_network("10.244.0.0/16")
SERVICE_NETWORK = ipaddress.ip_network("10.96.0.0/12")
POD_PREFIX = "10.244."
INSIDE = (POD_NETWORK, SERVICE_NETWORK)  # addresses only reachable from inside the cluster


class Connection:
    """An open TCP connection: the conntrack entry fixed its endpoint at connect time."""

    def __init__(self, client_host, ip: str, port: int, pod: str) -> None:
        self.client_host = client_host
        self.ip, self.port, self.pod = ip, port, pod


class Outcome(NamedTuple):
    """What one request ends in: the pod it reached (``ns/name``, "" if none), the failure
    reason ("" when it succeeded) and its latency in seconds."""

    pod: str
    reason: str
    latency: float


class Served(NamedTuple):
    """What one request on an open connection got: the failure reason ("" if it succeeded),
    its latency, the container that was asked, and whether the request reached it."""

    reason: str
    latency: float
    container: object | None = None
    reached: bool = False
    hop: float = 0.0  # of the latency: the network's part


class Batch:
    """What every request sent at one instant shares: looked up once, not once per request."""

    def __init__(self, cluster) -> None:
        self.up = [h for h in cluster.hosts.values() if h.up]
        hosts = [cluster.control_plane, *cluster.hosts.values()]  # pods run on both
        self.by_cidr = {h.pod_cidr: h for h in hosts}
        self.destination: tuple | None = None  # the DNS answer: every node asks the same DNS
        self.packets: dict[tuple, Packet] = {}  # (entry node, dst, dport, external) → packet
        self.replies: dict[tuple[str, int], tuple] = {}  # (pod ip, port) → (container, reply)


class Path:
    """How requests from a client reach one target (all state pickles)."""

    def __init__(self, cluster, target: str, *, namespace, port, from_node, rng) -> None:
        self.cluster = cluster
        self.target = target
        self.namespace = namespace
        self.port = port
        self.from_node = from_node
        self.rng = rng
        self.address = self._address(target)
        self.batch: Batch | None = None  # while requests are sent at one instant

    @contextlib.contextmanager
    def instant(self):
        """While requests are sent at this instant: what they share (``Batch``)."""
        self.batch = Batch(self.cluster)
        try:
            yield self.batch
        finally:
            self.batch = None

    def connect(self, now: float, sampled: bool = False) -> Connection | str:
        """Open a connection: resolve, pick the client, walk the rules (``sampled``: draw from
        their distribution, ``netfilter.py``). A str is a failure."""
        client = self.client_host()
        if isinstance(client, str):
            return client
        aim = self.aim(client)
        if isinstance(aim, str):
            return aim
        entry, packet, pods = aim
        proxy = entry.proxy
        verdict, endpoint = proxy.route(packet, self.rng, now, sampled) if proxy else (None, None)
        return self.connection(entry, packet, pods, verdict, endpoint)

    def routes_from(self, client) -> tuple | str | None:
        """Where connections from ``client`` can go: ``(entry, packet, pods, basis)``, the
        node's rules deciding alike for every client with the same ``basis`` (``routes`` of
        ``entry.proxy``); a str if none can open, None if the rules remember connections."""
        aim = self.aim(client)
        if isinstance(aim, str):
            return aim
        entry, packet, pods = aim
        basis = entry.proxy.routes_basis(packet) if entry.proxy else entry
        return None if basis is None else (entry, packet, pods, basis)

    def aim(self, client) -> tuple | str:
        """The node the connection enters and its first packet, with the DNS answer's pods
        (``(entry, packet, pods)``), or why there is none."""
        batch = self.batch
        if batch.destination is None:
            batch.destination = self.destination(client)
        dst, dport, pods, answers = batch.destination
        if len(answers) > 1:  # a headless name: every connection picks one of its addresses
            dst = self.rng.choice(answers)
        if not dst:
            return "could not resolve host"
        external = client is None
        entry = client if client is not None else self.entry_node(dst, dport)
        if entry is None:
            return "connection timed out"
        packet = batch.packets.get((entry.name, dst, dport, external))
        if packet is None:
            owned = {entry.ip, *self.load_balancer_ips(entry, dst, dport)}
            packet = batch.packets[(entry.name, dst, dport, external)] = Packet(
                src=EXTERNAL_CLIENT if external else entry.ip,
                dst=dst,
                dport=dport,
                src_local=not external,
                dst_local=dst in owned,
            )
        return entry, packet, pods

    def connection(self, entry, packet: Packet, pods: dict, verdict, endpoint) -> Connection | str:
        """The connection the kernel's verdict opens, or why none opens."""
        if verdict is not None and verdict.action == "REJECT":
            return "connection refused"
        if verdict is not None and verdict.action == "DROP":
            return "connection timed out"
        if endpoint is not None:
            return Connection(entry, endpoint.ip, endpoint.port, endpoint.pod)
        if packet.dst.startswith(POD_PREFIX):  # straight to a pod: no NAT
            return Connection(
                entry, packet.dst, packet.dport, pods.get(packet.dst) or self.pod_at(packet.dst)
            )
        return "connection timed out"  # nobody owns that address

    def clients(self) -> list[tuple[object, float]] | None:
        """The client nodes of new connections with their shares (a str: no client can send),
        or None when a connection's path depends on more than its client node (``steady.py``)."""
        if self.from_node is not None:
            clients = [self.client_host()]
        elif self.outside():
            return None  # a client outside the cluster: a load balancer picks the node
        else:
            clients = self.batch.up or ["connection timed out"]
        sender = next((c for c in clients if not isinstance(c, str)), None)
        if sender is not None:
            self.batch.destination = self.destination(sender)
            if len(self.batch.destination[3]) > 1:
                return None  # a headless name
        return [(c, 1 / len(clients)) for c in clients]

    def pod_at(self, ip: str) -> str:
        """The pod (``ns/name``) with this IP, as the kubelet of the node owning it knows."""
        host = self.owner_of(ip)
        kubelet = host.kubelet if host is not None else None
        worker = kubelet.workers.get(kubelet.by_ip.get(ip, "")) if kubelet is not None else None
        if worker is None:
            return ""
        meta = worker.pod["metadata"]
        return f"{meta.get('namespace', 'default')}/{meta['name']}"

    def client_host(self):
        """The node the client runs on; None for a client outside the cluster."""
        if self.from_node is not None:
            host = self.cluster.node(self.from_node)
            return host if host.up else "connection timed out"
        if self.outside():
            return None
        up = self.batch.up
        return self.rng.choice(up) if up else "connection timed out"

    def outside(self) -> bool:
        """Is the target a node or load-balancer address, so the client is outside?"""
        address = self.address[0]
        return bool(address) and not any(ipaddress.ip_address(address) in n for n in INSIDE)

    def destination(self, client) -> tuple[str, int, dict[str, str], tuple[str, ...]]:
        """``(ip, port, {pod ip: pod}, all addresses)`` of the target, through DNS for a name."""
        host, port = self.address
        if host:
            return host, port or self.port or 80, {}, (host,)
        name, _, port_text = self.target.partition(":")
        dns = cluster_dns(self.cluster, client)
        answer = dns.resolve(name, self.namespace) if dns else None
        if answer is None or not answer.addresses:
            return "", 0, {}, ()
        svc = dns.services.get(f"{answer.name.split('.')[1]}/{answer.name.split('.')[0]}")
        port = self.service_port(svc, port_text or self.port)
        pods = dict(zip(answer.addresses, answer.pods, strict=False))
        return answer.addresses[0], port, pods, answer.addresses

    @staticmethod
    def service_port(svc: dict | None, wanted) -> int:
        ports = ((svc or {}).get("spec") or {}).get("ports") or []
        if wanted in (None, ""):
            return ports[0]["port"] if ports else 80
        for p in ports:
            if str(p["port"]) == str(wanted) or p.get("name") == wanted:
                return p["port"]
        return int(wanted)

    @staticmethod
    def _address(target: str) -> tuple[str, int]:
        """``http://10.96.0.5:80/x`` or ``172.18.0.3:30080`` → (ip, port); names → ("", 0)."""
        rest = target.split("://", 1)[-1].split("/", 1)[0]
        host, _, port = rest.partition(":")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return "", 0
        return host, int(port) if port else 0

    @staticmethod
    def load_balancer_ips(host, dst: str, dport: int) -> list[str]:
        """A VIP-mode load-balancer IP is delivered to the node as its own address."""
        programmed = host.proxy.service_at(dst, dport) if host.proxy else None
        return [dst] if programmed and dst in programmed.info.load_balancer_vips else []

    def entry_node(self, dst: str, dport: int):
        """Where an outside client's connection enters: the node owning the address, or for a
        load-balancer IP a node passing the health check, picked by the seeded generator."""
        workers = [self.cluster.hosts[n] for n in sorted(self.cluster.hosts)]
        # kube-proxy on the control-plane node serves NodePorts on its address too (as in kind);
        # it is left out of load balancers by its exclude-from-external-load-balancers label
        for host in [self.cluster.control_plane, *workers]:
            if host.ip == dst:
                return host if host.up else None
        healthy = [
            h for h in workers if h.up and h.proxy and h.proxy.has_local_endpoints(dst, dport)
        ]
        return self.rng.choice(healthy) if healthy else None

    def serve(self, conn: Connection, now: float) -> Served:
        """One request on an open connection: the container listening there answers."""
        host = self.owner_of(conn.ip)
        if host is None or not host.up:
            return Served("connection timed out", 0.0)
        hop = LOCAL_HOP if host is conn.client_host else REMOTE_HOP
        lookup = getattr(host.kubelet, "lookup", None)
        if lookup is None:  # no kubelet models containers here: the endpoint just answers
            return Served("", BASE_LATENCY + hop, hop=hop)
        known = self.batch.replies.get((conn.ip, conn.port))
        if known is None:  # a container answers every request of one instant alike
            container = lookup(conn.ip, conn.port)
            reply = container.serve(conn.port, now) if container is not None else None
            known = self.batch.replies[(conn.ip, conn.port)] = (container, reply)
        container, reply = known
        if container is None:
            return Served("connection refused", 0.0)
        if reply.error:
            return Served(reply.error, 0.0, container)
        if reply.status >= 500:
            return Served(f"HTTP {reply.status}", reply.latency + hop, container, True, hop)
        return Served("", reply.latency + hop, container, True, hop)

    def owner_of(self, pod_ip: str):
        """The node whose pod CIDR (``10.244.<i>.0/24``) holds the address: the pod network's
        route."""
        return self.batch.by_cidr.get(pod_ip.rsplit(".", 1)[0] + ".0/24")


def cluster_dns(cluster, client):
    """The DNS cache of the client's node, else of any node whose kube-proxy runs."""
    if client is not None and client.up and client.proxy is not None and client.proxy.dns:
        return client.proxy.dns
    for name in sorted(cluster.hosts):
        host = cluster.hosts[name]
        if host.up and host.proxy is not None and host.proxy.dns is not None:
            return host.proxy.dns
    return None
