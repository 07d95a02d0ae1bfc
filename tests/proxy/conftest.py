"""Clusters whose workers run kube-proxy but no kubelet: tests write pod status themselves."""

import pytest

from k8sedu import cluster as cluster_module
from k8sedu.cluster import Cluster


class Objects:
    """Create Services and pods that look Running and Ready, as a kubelet would report them."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.api = cluster.api

    def service(self, name: str = "web", port: int = 80, target=8080, **spec) -> dict:
        body = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name},
            "spec": {"selector": {"app": name}, "ports": [{"port": port, "targetPort": target}]},
        }
        body["spec"].update(spec)
        return self.api.create("services", body)

    def pod(self, name: str, node: str, ip: str, app: str = "web", ready: bool = True) -> dict:
        self.api.create(
            "pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "labels": {"app": app}},
                "spec": {
                    "nodeName": node,
                    "containers": [
                        {
                            "name": "web",
                            "image": "k8sedu/web",
                            "ports": [{"name": "http", "containerPort": 8080}],
                        }
                    ],
                },
            },
        )
        return self.set_ready(name, ip, ready)

    def set_ready(self, name: str, ip: str, ready: bool) -> dict:
        pod = self.api.get("pods", name)
        status = "True" if ready else "False"
        pod["status"] = {
            "phase": "Running",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "conditions": [{"type": "Ready", "status": status}],
        }
        return self.api.update_status("pods", pod)


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    monkeypatch.setattr(cluster_module, "NODE_PROCESSES", {"kube-proxy": "k8sedu.proxy:KubeProxy"})
    return Cluster(nodes=2)


@pytest.fixture
def make(cluster) -> Objects:
    return Objects(cluster)


# chi-square critical value, 2 degrees of freedom, p = 0.001 (any statistics table)
CHI2_2DF_999 = 13.816


def three_backends(cluster, make, **spec):
    svc = make.service(**spec)
    make.pod("web-0", "node-1", "10.244.1.5")
    make.pod("web-1", "node-2", "10.244.2.7")
    make.pod("web-2", "node-2", "10.244.2.9")
    cluster.run(1)
    return svc


def web_service(cluster, nodes: list[str], env: dict | None = None) -> None:
    """On a cluster with kubelets: a Service ``web`` and one real ``k8sedu/web`` pod on each of
    ``nodes`` (``web-0``, ``web-1`` …), with ``env`` for their container."""
    cluster.api.create("services", {"metadata": {"name": "web"}, "spec": {
        "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}})  # fmt: skip
    container = {"name": "web", "image": "k8sedu/web", "ports": [{"containerPort": 8080}]}
    if env:
        container["env"] = [{"name": k, "value": v} for k, v in env.items()]
    for i, node in enumerate(nodes):
        cluster.api.create("pods", {"metadata": {"name": f"web-{i}", "labels": {"app": "web"}},
            "spec": {"nodeName": node, "containers": [container]}})  # fmt: skip
