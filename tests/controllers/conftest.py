"""What the controller tests share: a cluster whose only control-plane process is
kube-controller-manager, so that a test plays the scheduler and the kubelets itself."""

from k8sedu import cluster as cluster_module
from k8sedu.cluster import Cluster

MANAGER = "k8sedu.controllers.manager:ControllerManager"


def manager_only(monkeypatch, nodes: int = 1, stop: tuple[str, ...] = ("nodelifecycle",)):
    """Such a cluster with ``nodes`` workers, without the controllers in ``stop`` (by default
    the node lifecycle controller: no kubelet sends heartbeats here)."""
    monkeypatch.setattr(cluster_module, "CONTROL_PLANE", {"kube-controller-manager": MANAGER})
    monkeypatch.setattr(cluster_module, "NODE_PROCESSES", {})
    cluster = Cluster(nodes=nodes)
    for name in stop:
        if name in cluster.controller_manager.controllers:
            cluster.stop(f"kube-controller-manager/{name}")
    return cluster
