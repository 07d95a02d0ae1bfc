"""A machine of the cluster: its processes and the Node object it registers.

A ``Host`` is a worker (or the control-plane machine) carrying its processes — the kubelet and
kube-proxy on a worker. ``fail()`` stops them all and touches no API object, exactly like pulling
the power cable: the API server learns of it only through missing heartbeats.
Addresses are kind-like (DESIGN decision 19): node InternalIPs from 172.18.0.2 (control plane
first) and pod CIDR ``10.244.<i>.0/24``. Simplified: kube-proxy and cluster DNS run as node
processes, not as pods (kubeadm runs them as a DaemonSet and a Deployment).
"""

from __future__ import annotations

from k8sedu import quantity

CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
KUBELET_VERSION = "v1.34.0"


class Host:
    """One machine: name, index (address), and its processes by name."""

    def __init__(self, cluster, name: str, index: int, *, control_plane: bool = False) -> None:
        self.cluster = cluster
        self.name = name
        self.index = index
        self.control_plane = control_plane
        self.processes: dict = {}
        self.up = True

    @property
    def ip(self) -> str:
        return f"172.18.0.{2 + self.index}"

    @property
    def pod_cidr(self) -> str:
        return f"10.244.{self.index}.0/24"

    @property
    def kubelet(self):
        return self.processes.get("kubelet")

    @property
    def proxy(self):
        return self.processes.get("kube-proxy")

    def fail(self) -> None:
        """Power off: every process stops; no API object is touched."""
        self.up = False
        for proc in self.processes.values():
            proc.stop()
        self.cluster.data_plane_changed()

    def recover(self) -> None:
        self.up = True
        for proc in self.processes.values():
            proc.start()
        self.cluster.data_plane_changed()

    def __repr__(self) -> str:
        return f"<Host {self.name} {self.ip} {'up' if self.up else 'down'}>"


def node_object(
    host: Host,
    *,
    cpu: str,
    memory: str,
    labels: dict | None = None,
    taints: list | None = None,
    zone: str | None = None,
    now: str,
) -> dict:
    """The Node a kubelet registers (``pkg/kubelet/kubelet_node_status.go``), Ready from the start."""
    capacity = {
        "cpu": quantity.canonical(cpu),
        "ephemeral-storage": "100Gi",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": quantity.canonical(memory),
        "pods": "110",
    }
    node_labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": host.name,
        "kubernetes.io/os": "linux",
    }
    if host.control_plane:
        node_labels[CONTROL_PLANE_LABEL] = ""
        node_labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    if zone:
        node_labels["topology.kubernetes.io/zone"] = zone
    node_labels.update(labels or {})
    node_taints = list(taints or [])
    if host.control_plane:
        node_taints.append({"key": CONTROL_PLANE_LABEL, "effect": "NoSchedule"})
    spec = {
        "podCIDR": host.pod_cidr,
        "podCIDRs": [host.pod_cidr],
        "providerID": f"kind://docker/kind/{host.name}",
    }
    if node_taints:
        spec["taints"] = node_taints
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": host.name,
            "labels": node_labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "conditions": node_conditions(now),
            "addresses": [
                {"type": "InternalIP", "address": host.ip},
                {"type": "Hostname", "address": host.name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": "",
                "containerRuntimeVersion": "containerd://2.1.3",
                "kernelVersion": "6.8.0-k8sedu",
                "kubeProxyVersion": "",
                "kubeletVersion": KUBELET_VERSION,
                "machineID": "",
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": "",
            },
            "images": [],
        },
    }


def node_conditions(now: str, ready: bool = True) -> list[dict]:
    """The kubelet's node conditions (``pkg/kubelet/nodestatus/setters.go`` reasons and messages)."""

    def cond(type_: str, status: str, reason: str, message: str) -> dict:
        return {
            "type": type_,
            "status": status,
            "lastHeartbeatTime": now,
            "lastTransitionTime": now,
            "reason": reason,
            "message": message,
        }

    return [
        cond(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        cond(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status")
        if ready
        else cond(
            "Ready",
            "False",
            "KubeletNotReady",
            "container runtime status check may not have completed yet",
        ),
    ]
