import pytest

from k8sedu import cluster as cluster_module
from k8sedu.cluster import Cluster
from k8sedu.component import Component

MANAGER = "k8sedu.controllers.manager:ControllerManager"


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    """A one-worker cluster with kube-controller-manager (whatever CONTROL_PLANE lists)."""
    monkeypatch.setitem(cluster_module.CONTROL_PLANE, "kube-controller-manager", MANAGER)
    return Cluster(nodes=1)


@pytest.fixture
def owner() -> Component:
    """A bare cluster's running component, to own informers, queues and their timers."""
    component = Component(Cluster.bare(), "test-owner")
    component.start()
    return component
