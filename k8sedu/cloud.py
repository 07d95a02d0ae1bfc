"""The cloud under a cluster: node groups of identical machines, and what they cost.

What the Cluster Autoscaler (``k8sedu/autoscaler.py``) talks to besides the API server, as its
``cloudprovider.NodeGroup`` interface does on AWS, GCP or Azure: a group has a node template and
``min_size`` / ``max_size``; ``increase`` orders machines, which join — their kubelet registers
the Node — after ``provision_delay``; ``delete`` powers a machine off and deletes its Node.
``cluster.add_node_group(...)`` and ``cluster.node_hours()`` are the doors to it.

Simplified: machines are named ``<group>-<suffix>``; the 60 s default ``provision_delay`` is a
typical VM boot and join time, not a Kubernetes value; a machine is billed from its order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from k8sedu import objects
from k8sedu.apiserver import registry
from k8sedu.errors import APIError, ConnectionRefused
from k8sedu.scheduler.nodeinfo import NodeInfo

PROVISION_DELAY = 60.0  # not a Kubernetes default: roughly a cloud VM's boot and join


@dataclass
class NodeGroup:
    """Identical machines the cloud can add or remove (an ASG, a managed instance group)."""

    name: str
    min_size: int
    max_size: int
    cpu: str
    memory: str
    labels: dict = field(default_factory=dict)
    taints: list = field(default_factory=list)
    provision_delay: float = PROVISION_DELAY
    nodes: list[str] = field(default_factory=list)  # machines that joined
    upcoming: list[str] = field(default_factory=list)  # machines still booting

    @property
    def target_size(self) -> int:
        return len(self.nodes) + len(self.upcoming)

    def template(self, n: int = 0) -> NodeInfo:
        """A NodeInfo for one more machine of this group (``TemplateNodeInfo``); the ``n``-th
        of several gets a name and host name of its own, so each is its own topology domain."""
        capacity = {"cpu": self.cpu, "memory": self.memory, "pods": "110"}
        name = f"template-node-for-{self.name}-{n}"
        labels = {"kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux"}
        node = {
            "metadata": {
                "name": name,
                "labels": {**labels, "kubernetes.io/hostname": name, **self.labels},
            },
            "spec": {"taints": list(self.taints)},
            "status": {"allocatable": capacity, "capacity": capacity},
        }
        return NodeInfo(node)


class CloudProvider:
    """The cloud side of a cluster: node groups, their machines, and the bill."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.groups: dict[str, NodeGroup] = {}
        self.launched: dict[str, float] = {}  # machine → when it was ordered
        self.retired_hours = 0.0  # of machines deleted

    def add_group(self, group: NodeGroup) -> NodeGroup:
        """Register a group; it starts with ``min_size`` machines, already joined."""
        if group.name in self.groups:
            raise ValueError(f"a node group named {group.name!r} already exists")
        if not 0 <= group.min_size <= group.max_size:
            raise ValueError(
                f"need 0 <= min_size <= max_size, got {group.min_size}, {group.max_size}"
            )
        self.groups[group.name] = group
        for _ in range(group.min_size):
            self.boot(group.name, self.new_name(group))
        return group

    def group_of(self, node: str) -> NodeGroup | None:
        return next((g for g in self.groups.values() if node in g.nodes), None)

    def new_name(self, group: NodeGroup) -> str:
        rng = self.cluster.sim.rng("cloud")
        while True:
            name = f"{group.name}-{objects.random_suffix(rng)}"
            if name not in self.cluster.hosts and name not in self.launched:
                self.launched[name] = self.cluster.now
                return name

    def increase(self, group: NodeGroup, delta: int) -> None:
        """Order ``delta`` machines; each joins after the group's provisioning delay."""
        for _ in range(delta):
            name = self.new_name(group)
            group.upcoming.append(name)
            self.cluster.sim.schedule(group.provision_delay, self.boot, group.name, name)

    def boot(self, group_name: str, name: str) -> None:
        """The machine is up: its kubelet registers the Node (again 10 s later if it cannot)."""
        group = self.groups[group_name]
        try:
            self.cluster.add_node(
                name,
                cpu=group.cpu,
                memory=group.memory,
                labels=dict(group.labels),
                taints=[dict(t) for t in group.taints],
            )
        except (APIError, ConnectionRefused):
            self.cluster.sim.schedule(10.0, self.boot, group_name, name)
            return
        if name in group.upcoming:
            group.upcoming.remove(name)
        group.nodes.append(name)

    def forget_missing(self) -> None:
        """Machines deleted behind the autoscaler's back (``cluster.remove_node``) leave."""
        for group in self.groups.values():
            group.nodes = [n for n in group.nodes if n in self.cluster.hosts]

    def delete(self, name: str) -> None:
        """Delete a machine: it powers off and its Node object goes (later, if the API server
        cannot be reached now — the node lifecycle controller then sees it NotReady)."""
        group = self.group_of(name)
        if group is not None:
            group.nodes.remove(name)
        self.retired_hours += (self.cluster.now - self.launched.pop(name, 0.0)) / 3600
        try:
            self.cluster.remove_node(name)
        except (APIError, ConnectionRefused):
            pass  # the machine is gone; its Node object stays behind


def cloud(cluster) -> CloudProvider:
    """The cluster's cloud provider (made on first use; it lives beside the cluster)."""
    provider = getattr(cluster, "cloud", None)
    if provider is None:
        provider = cluster.cloud = CloudProvider(cluster)
    return provider


def node_hours(cluster) -> float:
    """Worker machine-hours so far: every worker the cluster runs now, from its launch (or its
    Node's creation), plus the machines the autoscaler deleted. The control plane is not billed.
    Simplified: a worker removed with ``cluster.remove_node`` no longer counts."""
    provider = cloud(cluster)
    hours = provider.retired_hours
    for name in cluster.hosts:
        start = provider.launched.get(name)
        if start is None:
            stored = cluster.etcd.get(registry.resource("nodes").key(name))
            created = json.loads(stored.value)["metadata"]["creationTimestamp"] if stored else None
            start = objects.parse_timestamp(created, cluster.epoch) if created else 0.0
        hours += (cluster.now - start) / 3600
    return hours
