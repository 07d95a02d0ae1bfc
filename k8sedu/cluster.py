"""Cluster: the components wired together on one clock, with nodes, faults and recording.

``Cluster(nodes=3)`` is a control-plane machine running etcd, kube-apiserver, kube-scheduler and
kube-controller-manager, plus worker machines ``node-1`` … ``node-3`` each running a kubelet and
kube-proxy (DESIGN "Contract details"); ``Cluster(control_planes=3)`` replicates the control plane
behind a load balancer (``k8sedu/ha.py``). ``Cluster.bare()`` runs only etcd and kube-apiserver, so a
lesson can add the rest one by one. Everything happens on one simulated clock: ``run(30)`` moves
it 30 s; writes from a notebook do not move it (DESIGN decision 11).
"""

from __future__ import annotations

import gc
import importlib
import pickle
from datetime import datetime
from pathlib import Path

from k8sedu import ha, objects
from k8sedu.apiserver.bootstrap import bootstrap
from k8sedu.apiserver.client import Client
from k8sedu.apiserver.server import APIServer
from k8sedu.component import Component
from k8sedu.etcd import Etcd, RealEtcd
from k8sedu.node import Host, node_object
from k8sedu.sim import Sim
from k8sedu.trace import Trace

# Control-plane components besides etcd and kube-apiserver, by name → "module:Class".
# A component's issue adds its line; the cluster starts whatever is listed, in this order.
CONTROL_PLANE: dict[str, str] = {
    "kube-scheduler": "k8sedu.scheduler:Scheduler",
    "kube-controller-manager": "k8sedu.controllers.manager:ControllerManager",
    "cluster-autoscaler": "k8sedu.autoscaler:ClusterAutoscaler",
}
# Processes every worker runs, by name → "module:Class" (constructed with (cluster, host)).
NODE_PROCESSES: dict[str, str] = {
    "kubelet": "k8sedu.kubelet:Kubelet",
    "kube-proxy": "k8sedu.proxy:KubeProxy",
}


def _tune_gc() -> None:
    """Collect young objects less often: a cluster holds many long-lived API-object dicts, and
    with CPython's default threshold (700) cyclic collection time grows with the heap — it costs
    more than half the API server's throughput on a 10,000-pod cluster (benchmarks/RESULTS.md)."""
    first, second, third = gc.get_threshold()
    if first < 50_000:
        gc.set_threshold(50_000, second, third)


def _load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


class EtcdProcess(Component):
    """etcd as a process that can be stopped: while it is down every API request fails."""

    name = "etcd"


class _ClassOrInstance:
    """A method that does one thing when called on the class and another on an instance."""

    def __init__(self, on_class, on_instance) -> None:
        self.on_class = on_class
        self.on_instance = on_instance

    def __get__(self, instance, owner):
        if instance is None:
            return self.on_class.__get__(None, owner)
        return self.on_instance.__get__(instance, owner)


class Cluster:
    def __init__(
        self,
        nodes: int = 3,
        node_cpu: str = "4",
        node_memory: str = "8Gi",
        seed: int = 0,
        zones: list[str] | None = None,
        *,
        epoch: datetime | str | None = None,
        control_planes: int = 1,
        bare: bool = False,
        load_balancer_range: str | None = None,
        etcd: str | RealEtcd | None = None,
    ) -> None:
        if control_planes < 1:
            raise ValueError(f"control_planes must be at least 1, got {control_planes}")
        _tune_gc()
        self.seed = seed
        self.epoch = objects.EPOCH if epoch is None else _as_datetime(epoch)
        self.sim = Sim(seed)
        self._stamp: tuple = (None, "")
        self.trace = Trace()
        self.steady_loads: list = []  # background loads counted by statistics (proxy/steady.py)
        if control_planes > 1:  # an etcd member on every control-plane machine (k8sedu/ha.py)
            self.etcd = ha.replicated_etcd(self, control_planes)
        elif etcd is None:
            self.etcd = Etcd(self.sim)
        else:  # a real etcd server (k8sedu/etcd/real.py): its URL, or one RealEtcd.start() launched
            self.etcd = RealEtcd(etcd, self.sim) if isinstance(etcd, str) else etcd.attach(self.sim)
        self.hosts: dict[str, Host] = {}
        self.components: dict[str, Component] = {}
        self.control_plane = Host(self, "control-plane", 0, control_plane=True)
        self.apiserver_host = f"{self.control_plane.ip}:6443"
        self.control_plane_hosts = [self.control_plane]
        self.api_load_balancer: ha.LoadBalancer | None = None  # HA: in front of the API servers
        if control_planes == 1:
            self._add_component(EtcdProcess(self))
            self.apiserver = APIServer(self)
            self._add_component(self.apiserver)
        else:
            ha.build_control_plane(self, control_planes)
        self.api = Client(self, "kubernetes-admin", "kubernetes-admin", ("kubeadm:cluster-admins",))
        bootstrap(
            Client(self, "system:apiserver", "kube-apiserver", ("system:masters",)),
            self.control_plane.ip,
        )
        # addresses for LoadBalancer Services (k8sedu/proxy/loadbalancer.py); None: <pending>
        self.load_balancer_range = load_balancer_range
        self.zones = list(zones or [])
        if not bare:
            for host in self.control_plane_hosts:
                self._register(host, node_cpu, node_memory, None, None, None)
                # as in kind, a control-plane machine runs a kubelet and kube-proxy too
                self._start_processes(host)
            for i in range(nodes):
                zone = self.zones[i % len(self.zones)] if self.zones else None
                self.add_node(f"node-{i + 1}", cpu=node_cpu, memory=node_memory, zone=zone)
            ha.start_components(self, CONTROL_PLANE)

    @classmethod
    def bare(cls, seed: int = 0, **kwargs) -> Cluster:
        """Only etcd and kube-apiserver, with the system namespaces and no nodes at all."""
        return cls(nodes=0, seed=seed, bare=True, **kwargs)

    # -- time ---------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Simulated seconds since the start."""
        return self.sim.now

    def run(self, seconds: float) -> Cluster:
        """Advance simulated time, processing everything due up to ``now + seconds``."""
        self.sim.run(seconds)
        return self

    def run_until(self, cond, timeout: float = 600) -> float:
        """Run until ``cond(cluster)`` holds; returns the simulated seconds it took."""
        return self.sim.run_until(lambda: bool(cond(self)), timeout)

    def timestamp(self, offset: float = 0) -> str:
        """RFC 3339 time of ``now + offset`` on this cluster's epoch."""
        key = (self.sim.now_ns, offset)
        if self._stamp[0] != key:  # many writes share one instant: format it once
            self._stamp = (key, objects.timestamp(self.sim.now + offset, self.epoch))
        return self._stamp[1]

    # -- components ---------------------------------------------------------------------------

    def _add_component(self, component: Component) -> None:
        self.components[component.name] = component
        component.start()

    def component(self, name: str) -> Component:
        """A control-plane component (``kube-scheduler``) or a controller (``kube-controller-manager/replicaset``)."""
        top, _, sub = name.partition("/")
        comp = self.components.get(top)
        if comp is None and self.api_load_balancer is not None:
            comp = ha.active(self, top)  # HA: the copy that leads (k8sedu/ha.py)
        if comp is None:
            known = ", ".join(self.components)
            raise KeyError(f"no component {name!r} in this cluster (it has: {known})")
        return comp.controller(sub) if sub else comp

    def stop(self, name: str) -> None:
        """Stop a control-plane component or one controller, as if its process died (with a
        replicated control plane, ``kube-apiserver`` stops every copy)."""
        for comp in self._copies(name):
            comp.stop()

    def start(self, name: str) -> None:
        for comp in self._copies(name):
            comp.start()

    def _copies(self, name: str) -> list[Component]:
        found = ha.replicas(self, name) if name not in self.components else []
        return found or [self.component(name)]

    def partition(self, *groups: list[str]) -> None:
        """Cut the etcd network between groups of control-plane machines (a replicated control
        plane only): ``partition(["control-plane"], ["control-plane2", "control-plane3"])``."""
        ha.partition(self, *groups)

    def heal(self) -> None:
        """Undo every partition."""
        ha.heal(self)

    @property
    def scheduler(self):
        return self.components.get("kube-scheduler") or ha.active(self, "kube-scheduler")

    @property
    def controller_manager(self):
        name = "kube-controller-manager"
        return self.components.get(name) or ha.active(self, name)

    # -- nodes --------------------------------------------------------------------------------

    def add_node(
        self,
        name: str | None = None,
        cpu: str = "4",
        memory: str = "8Gi",
        labels: dict | None = None,
        taints: list | None = None,
        zone: str | None = None,
    ) -> Host:
        """Add a worker machine: its kubelet registers the Node, kube-proxy starts."""
        index = len(self.hosts) + len(self.control_plane_hosts)
        name = name or f"node-{index}"
        if name in self.hosts or any(h.name == name for h in self.control_plane_hosts):
            raise ValueError(f"a node named {name!r} already exists")
        host = Host(self, name, index)
        self._register(host, cpu, memory, labels, taints, zone)
        self.hosts[name] = host
        self._start_processes(host)
        return host

    def _start_processes(self, host: Host) -> None:
        for proc_name, path in NODE_PROCESSES.items():
            proc = _load(path)(self, host)
            host.processes[proc_name] = proc
            proc.start()

    def _register(self, host: Host, cpu, memory, labels, taints, zone) -> None:
        body = node_object(
            host,
            cpu=cpu,
            memory=memory,
            labels=labels,
            taints=taints,
            zone=zone,
            now=self.timestamp(),
        )
        Client(self, f"system:node:{host.name}", f"kubelet/{host.name}", ("system:nodes",)).create(
            "nodes", body
        )

    def remove_node(self, name: str) -> None:
        """Stop the machine and delete its Node object."""
        host = self.node(name)
        host.fail()
        del self.hosts[name]
        self.api.delete("nodes", name)

    def node(self, name: str) -> Host:
        for host in self.control_plane_hosts:
            if host.name == name:
                return host
        try:
            return self.hosts[name]
        except KeyError:
            raise KeyError(f"no node {name!r} (nodes: {', '.join(self.hosts) or 'none'})") from None

    def add_node_group(
        self,
        name: str,
        min_size: int,
        max_size: int,
        cpu: str = "4",
        memory: str = "8Gi",
        labels: dict | None = None,
        taints: list | None = None,
        provision_delay: float = 60.0,
    ):
        """A cloud node group the cluster autoscaler grows and shrinks (``k8sedu/cloud.py``)."""
        from k8sedu import cloud

        group = cloud.NodeGroup(
            name, min_size, max_size, cpu, memory, dict(labels or {}), list(taints or []),
            provision_delay,
        )  # fmt: skip
        return cloud.cloud(self).add_group(group)

    def node_hours(self) -> float:
        """Worker machine-hours so far: the capstone's cost (``k8sedu/cloud.py``)."""
        from k8sedu import cloud

        return cloud.node_hours(self)

    def fail_node(self, name: str) -> None:
        """Power a worker off: its processes stop, no API object changes."""
        self.node(name).fail()

    def recover_node(self, name: str) -> None:
        self.node(name).recover()

    def data_plane_changed(self) -> None:
        """Something requests meet changed (a node, kube-proxy's rules, a container): steady
        loads count what they sent so far and make a new table (``k8sedu/proxy/steady.py``)."""
        for load in tuple(self.steady_loads):
            load.invalidate()

    def make_unhealthy(self, pod: str, namespace: str = "default", container: str | None = None):
        """Make a running container fail its health checks until it restarts."""
        from k8sedu.kubelet import faults

        faults.make_unhealthy(self, pod, namespace, container)

    def kill_container(self, pod: str, namespace: str = "default", container: str | None = None):
        """SIGKILL a running container (exit 137); its kubelet restarts it per restartPolicy."""
        from k8sedu.kubelet import faults

        faults.kill_container(self, pod, namespace, container)

    # -- the user's doors ---------------------------------------------------------------------

    def kubectl(self, command: str) -> str:
        """Run a kubectl command: returns its stdout; a failure raises ``KubectlError`` (stderr)."""
        from k8sedu.kubectl import run

        return run(self, command)

    def apply(self, manifest) -> list[str]:
        """``kubectl apply``: YAML text, a path, a dict or a list of dicts → kubectl's lines."""
        from k8sedu.kubectl.apply import apply

        return apply(self, manifest)

    def serve(self, port: int = 0, mode: str = "realtime", speed: float = 1.0, **options):
        """Serve the Kubernetes REST API on 127.0.0.1 for real kubectl → a running ``Server``
        (``url``, ``kubeconfig``, ``stop()``; a context manager); see ``k8sedu/serve.py``."""
        from k8sedu.serve import Server

        return Server(self, port, mode, speed, **options).start()

    def request(
        self,
        service: str,
        count: int = 1,
        *,
        namespace: str = "default",
        port: int | str | None = None,
        rate: float | None = None,
        from_node: str | None = None,
        connections: int | None = None,
    ):
        """Send requests to a Service through kube-proxy's rules → ``Traffic`` (per_backend, ok,
        failed, latencies, success_rate, p95); see ``k8sedu/proxy/traffic.py``."""
        from k8sedu.proxy.traffic import request

        return request(
            self, service, count, namespace=namespace, port=port, rate=rate,
            from_node=from_node, connections=connections,
        )  # fmt: skip

    @property
    def events(self) -> list[dict]:
        """core/v1 Events from every namespace, oldest first."""
        items = self.api.list("events")
        return sorted(items, key=_event_order)

    # -- checkpoints --------------------------------------------------------------------------

    def snapshot(self) -> bytes:
        """The whole simulation, pickled: store, clock, random state, every component."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def restore(snapshot: bytes) -> Cluster:
        return pickle.loads(snapshot)

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.snapshot())

    def _load_traffic(self, service: str, rps: float, duration: float, **options):
        """Background traffic over simulated time → a ``Traffic`` that fills in as the cluster runs."""
        from k8sedu.proxy.traffic import load

        return load(self, service, rps, duration, **options)

    @staticmethod
    def _load_file(path: str | Path) -> Cluster:
        return Cluster.restore(Path(path).read_bytes())

    # DESIGN names two things ``load``: ``Cluster.load(path)`` reads a checkpoint and
    # ``cluster.load(service, rps, duration)`` sends background traffic. Called on the class it is
    # the first, on a cluster the second.
    load = _ClassOrInstance(_load_file, _load_traffic)

    def _repr_html_(self) -> str:
        from k8sedu.widgets.repr import cluster_html

        return cluster_html(self)

    def __repr__(self) -> str:
        return f"<Cluster {len(self.hosts)} workers, t={self.now:g}s, seed={self.seed}>"


def _event_order(ev: dict) -> tuple:
    when = (
        ev.get("lastTimestamp")
        or ev.get("eventTime")
        or ev["metadata"].get("creationTimestamp")
        or ""
    )
    return (objects.parse_timestamp(when) if when else 0.0, int(ev["metadata"]["resourceVersion"]))


def _as_datetime(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
