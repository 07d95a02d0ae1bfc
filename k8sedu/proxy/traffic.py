"""Traffic: requests sent to a Service the way a client in (or outside) the cluster sends them.

``request(cluster, "web", count=100)`` resolves ``web`` through cluster DNS, opens a TCP
connection from a worker (``from_node``, or one picked by the seeded generator per request),
and lets that node's kube-proxy rules choose the endpoint (``netfilter.py``); the pod then
answers or not. ``connections=n`` reuses n keep-alive connections, so balancing happens per
connection, as in iptables mode: two connections reach at most two pods.

A target is a Service name (``web``, ``web.prod``, ``web.prod.svc.cluster.local``, with an
optional ``:port``), or an address ``IP:port`` / URL: a node address with a NodePort, a
load-balancer IP or a pod IP. For node and load-balancer addresses with ``from_node=None`` the
client is outside the cluster; a load balancer sends each connection to a node that passes its
health check (with ``externalTrafficPolicy: Local``, only nodes with a local endpoint).

Failures are counted by reason, as curl reports them: ``connection refused`` (REJECT, or
nothing listening), ``connection timed out`` (DROP, a dead node), ``could not resolve host``.

The backend: the node owning the pod IP (by pod CIDR) finds the container listening there with
``kubelet.lookup(ip, port)``; ``container.serve(port, now)`` answers (slower when throttled,
``HTTP 500`` when unhealthy, ``connection refused`` when not listening). Sending at a rate sets
``container.rps``, the request rate that drives its CPU use (and so the HPA). Without a kubelet
on that node, an endpoint kube-proxy routed to answers in ``BASE_LATENCY``. Network time is
added: ``LOCAL_HOP`` on the same node, ``REMOTE_HOP`` across nodes.

Requests sent at one instant see the same cluster, so what they share (the nodes that are up,
the DNS answer, which node owns a pod IP, what a container answers now) is looked up once per
batch. From ``HIGH_RATE`` on, a load is counted by its statistics (``steady.py``): one table of
outcomes while nothing changes, the requests split over it with one multinomial draw - which is
what makes a day of steady traffic cost no more than its changes. Loads that need
per-connection state are sent request by request even then, each new connection's endpoint drawn
from the distribution the rules give instead of walking them (``netfilter.py``): the same
probabilities, one random number per connection instead of one per ``statistic`` rule passed.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import math
from typing import NamedTuple

from k8sedu.proxy.netfilter import Packet
from k8sedu.sim import NS, to_ns

LOCAL_HOP = 0.0001  # s: pod-to-pod on one node
REMOTE_HOP = 0.0005  # s: across the node network
BASE_LATENCY = 0.002  # s: a simulated container's answer when no kubelet models it
TICK = 0.1  # s: with a rate, requests due within one tick are sent together
HIGH_RATE = 10.0  # requests/s: from here on loads are counted by statistics (or sampled)
RATE_WINDOW = 1.0  # s: request by request, containers learn their rate averaged over this
EXTERNAL_CLIENT = "172.18.0.1"  # a client outside the cluster (kind's docker host)
POD_NETWORK = ipaddress.ip_network("10.244.0.0/16")
SERVICE_NETWORK = ipaddress.ip_network("10.96.0.0/12")
POD_PREFIX = "10.244."
INSIDE = (POD_NETWORK, SERVICE_NETWORK)  # addresses only reachable from inside the cluster


class Traffic:
    """What happened to the requests: per pod, ok, failures by reason, latencies (s).

    A background load fills it in as time runs; reading it counts every request sent so far."""

    def __init__(self, target: str, sender: Sender | None = None) -> None:
        self.target = target
        self.sender = sender
        self._per_backend: dict[str, int] = {}
        self._ok = 0
        self._failed: dict[str, int] = {}
        self._latencies: list[float] = []  # of the successful requests

    def _caught_up(self) -> Traffic:
        if self.sender is not None:
            self.sender.catch_up()
        return self

    @property
    def per_backend(self) -> dict[str, int]:
        """Pod name → requests routed there."""
        return self._caught_up()._per_backend

    @property
    def ok(self) -> int:
        return self._caught_up()._ok

    @property
    def failed(self) -> dict[str, int]:
        """Failure reason (``connection refused``) → requests."""
        return self._caught_up()._failed

    @property
    def latencies(self) -> list[float]:
        """Latencies of the successful requests, in seconds."""
        return self._caught_up()._latencies

    @property
    def sent(self) -> int:
        return self.ok + sum(self._failed.values())

    @property
    def success_rate(self) -> float:
        return self.ok / self.sent if self.sent else 0.0

    @property
    def p95(self) -> float | None:
        """95th-percentile latency of the successful requests (nearest rank)."""
        return percentile95(self.latencies)

    def stop(self) -> None:
        """Stop a background ``load`` early."""
        if self.sender is not None:
            self.sender.stop()

    def __str__(self) -> str:
        p95 = "-" if self.p95 is None else f"{self.p95 * 1000:.1f}ms"
        failed = ", ".join(f"{n} {reason}" for reason, n in sorted(self.failed.items()))
        return f"{self.target}: {self.ok}/{self.sent} ok ({self.success_rate:.1%}), p95 {p95}" + (
            f"; failed: {failed}" if failed else ""
        )

    def __repr__(self) -> str:
        return f"<Traffic {self}>"


def percentile95(values: list[float]) -> float | None:
    """The nearest-rank 95th percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


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


class Sender:
    """Sends requests to one target; with a rate, over simulated time (all state pickles)."""

    def __init__(self, cluster, target: str, *, namespace, port, from_node, connections) -> None:
        self.cluster = cluster
        self.target = target
        self.namespace = namespace
        self.port = port
        self.from_node = from_node
        self.pool: list[Connection | None] = [None] * connections if connections else []
        self.traffic = Traffic(target, sender=self)
        self.rng = cluster.sim.rng("traffic")
        self.sent = 0
        self.timer = None
        self.steady = None  # a SteadyLoad while counted by statistics (``steady.py``)
        self.address = self._address(target)
        self.sampled = False  # route new connections by sampling (at HIGH_RATE and above)
        self.batch: Batch | None = None  # while a batch is being sent
        # container id → (container, requests this tick); what this sender adds to its rps
        self.hits: dict[str, tuple] = {}
        self.rates: dict[str, tuple] = {}

    # -- over time --------------------------------------------------------------------------------

    def start(self, count: int, rate: float) -> None:
        """Send ``count`` requests at ``rate`` per second: those due are sent every tick, from
        now on; at ``HIGH_RATE`` and above they are counted by their statistics if they can be."""
        self.count, self.rate, self.start_time = count, rate, self.cluster.now
        self.start_ns = self.cluster.sim.now_ns
        self.sampled = rate >= HIGH_RATE
        self.interval = max(1.0 / rate, TICK)
        self.step_ns = to_ns(self.interval)
        self.window_start = self.start_time
        if self.sampled and not self.pool:
            from k8sedu.proxy.steady import SteadyLoad  # steady.py builds on this module

            self.steady = SteadyLoad(self)
            if self.steady.start():
                return
            self.steady = None
        self.timer = self.cluster.sim.every(self.interval, self.tick, first=0)

    def due(self, now: float) -> int:
        """How many requests are sent by the tick at ``now``."""
        return min(self.count, math.floor((now - self.start_time) * self.rate) + 1)

    def tick_ns(self, i: int) -> int:
        return self.start_ns + i * self.step_ns

    def due_at(self, now_ns: int) -> int:
        """How many requests are sent by the last tick at or before ``now_ns``."""
        if now_ns < self.start_ns:
            return 0
        return self.due(self.tick_ns((now_ns - self.start_ns) // self.step_ns) / NS)

    def last_tick(self) -> int:
        """The tick that sends the last request."""
        i = max(0, math.ceil((self.count - 1) / self.rate / self.interval) - 1)
        while self.due(self.tick_ns(i) / NS) < self.count:
            i += 1
        return i

    def one_by_one(self) -> None:
        """Send request by request from the next tick on (a steady load that cannot go on)."""
        self.steady = None
        now_ns = self.cluster.sim.now_ns
        following = self.tick_ns((now_ns - self.start_ns) // self.step_ns + 1)
        self.window_start = following / NS
        self.timer = self.cluster.sim.every(
            self.interval, self.tick, first=(following - now_ns) / NS
        )

    def tick(self) -> None:
        now = self.cluster.now
        due = self.due(now)
        if due > self.sent:
            self.send(due - self.sent)
        elapsed = now + self.interval - self.window_start
        if elapsed >= RATE_WINDOW - 1e-9:  # the rate each container saw over the last window
            self.set_rates({cid: (c, n / elapsed) for cid, (c, n) in self.hits.items()})
            self.hits, self.window_start = {}, now + self.interval
        if self.sent >= self.count:
            self.stop()

    def catch_up(self) -> None:
        """Count a steady load's requests sent up to now."""
        if self.steady is not None:
            self.steady.count_until(self.cluster.sim.now_ns)

    def set_rates(self, rates: dict[str, tuple]) -> None:
        """Tell each container how many requests per second this sender now brings it
        (``Container.rps`` drives its CPU use, and so the HPA)."""
        if rates == self.rates:
            return
        touched = {cid: c for cid, (c, _) in (self.rates | rates).items()}
        before = {cid: c.rps for cid, c in touched.items()}
        for container, rps in self.rates.values():
            container.rps = max(0.0, container.rps - rps)
        for container, rps in rates.values():
            container.rps += rps
        self.rates = rates
        if any(
            c.cpu_limit is not None and abs(c.rps - before[cid]) > 1e-9
            for cid, c in touched.items()
        ):  # a throttled container answers slower: steady loads need new tables
            self.cluster.data_plane_changed()

    def stop(self) -> None:
        if self.steady is not None:
            steady, self.steady = self.steady, None
            steady.stop()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.set_rates({})

    # -- one batch at this instant -----------------------------------------------------------------

    @contextlib.contextmanager
    def instant(self):
        """While requests are sent at this instant: what they share (``Batch``)."""
        self.batch = Batch(self.cluster)
        try:
            yield self.batch
        finally:
            self.batch = None

    def send(self, n: int) -> None:
        with self.instant():
            self._send(n, self.cluster.now)
        self.sent += n

    def _send(self, n: int, now: float) -> None:
        for i in range(n):
            slot = (self.sent + i) % len(self.pool) if self.pool else None
            conn = self.pool[slot] if slot is not None else None
            if conn is None:
                conn = self.connect(now)
                if isinstance(conn, str):
                    self.record(Outcome("", conn, 0.0))
                    continue
            served = self.serve(conn, now)
            if served.reached:
                hit = self.hits.get(served.container.id, (None, 0))[1] + 1
                self.hits[served.container.id] = (served.container, hit)
            self.record(Outcome(conn.pod, served.reason, served.latency))
            if slot is not None:
                self.pool[slot] = None if served.reason else conn  # a broken one is opened again

    def record(self, outcome: Outcome, times: int = 1) -> None:
        traffic = self.traffic
        if outcome.pod:
            name = outcome.pod.partition("/")[2]
            traffic._per_backend[name] = traffic._per_backend.get(name, 0) + times
        if outcome.reason:
            traffic._failed[outcome.reason] = traffic._failed.get(outcome.reason, 0) + times
        else:
            traffic._ok += times
            traffic._latencies.extend(itertools.repeat(outcome.latency, times))

    def connect(self, now: float) -> Connection | str:
        """Open a connection: resolve, pick the client, walk the rules. A str is a failure."""
        client = self.client_host()
        if isinstance(client, str):
            return client
        aim = self.aim(client)
        if isinstance(aim, str):
            return aim
        entry, packet, pods = aim
        proxy = entry.proxy
        verdict, endpoint = (
            proxy.route(packet, self.rng, now, self.sampled) if proxy else (None, None)
        )
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
        """The client nodes of a steady load with their shares (a str: no client can send),
        or None when a request's path depends on more than its client node (``steady.py``)."""
        if self.pool:
            return None  # keep-alive connections
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


def request(
    cluster,
    service: str,
    count: int = 1,
    *,
    namespace: str = "default",
    port: int | str | None = None,
    rate: float | None = None,
    from_node: str | None = None,
    connections: int | None = None,
) -> Traffic:
    """Send ``count`` requests; with a ``rate`` (per second) the cluster runs ``count / rate`` s."""
    sender = Sender(
        cluster, service, namespace=namespace, port=port, from_node=from_node,
        connections=connections,
    )  # fmt: skip
    if rate is None:
        sender.send(count)
        return sender.traffic
    sender.start(count, rate)
    cluster.run(count / rate)
    sender.stop()
    return sender.traffic


def load(
    cluster,
    service: str,
    rps: float,
    duration: float,
    *,
    namespace: str = "default",
    port: int | str | None = None,
    from_node: str | None = None,
    connections: int | None = None,
) -> Traffic:
    """Send ``rps`` requests per second for ``duration`` s in the background, as time runs.

    Returns at once; the ``Traffic`` fills in as ``cluster.run`` advances (``stop()`` ends it)."""
    sender = Sender(
        cluster, service, namespace=namespace, port=port, from_node=from_node,
        connections=connections,
    )  # fmt: skip
    sender.start(round(rps * duration), rps)
    return sender.traffic
