"""Clusters with a kubelet on every worker, and small helpers for pod scenarios."""

from __future__ import annotations

import pytest

from k8sedu import cluster as cluster_module


@pytest.fixture(autouse=True)
def _kubelets(monkeypatch):
    # the kubelet is registered in k8sedu.cluster; this keeps these tests independent of it
    monkeypatch.setitem(cluster_module.NODE_PROCESSES, "kubelet", "k8sedu.kubelet:Kubelet")


def pod(name: str, image: str, node: str = "node-1", **container) -> dict:
    """A pod bound to ``node`` at creation (no scheduler needed) with one container ``c``."""
    env = container.pop("env", {})
    spec = {"name": "c", "image": image, **container}
    if env:
        spec["env"] = [{"name": k, "value": str(v)} for k, v in env.items()]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"nodeName": node, "containers": [spec]},
    }


class History:
    """Watches one pod and keeps (time, status) each time the kubelet writes it."""

    def __init__(self, cluster, name: str) -> None:
        self.cluster = cluster
        self.name = name
        self.seen: list[tuple[float, dict]] = []
        cluster.api.watch("pods", self.on_event, field_selector=f"metadata.name={name}")

    def on_event(self, event: dict) -> None:
        self.seen.append((self.cluster.now, event["object"].get("status", {})))

    def times(self, test) -> list[float]:
        """Times at which ``test(status)`` became true (edges only)."""
        out, before = [], False
        for at, status in self.seen:
            now = bool(test(status))
            if now and not before:
                out.append(at)
            before = now
        return out


def container_status(status: dict) -> dict:
    return (status.get("containerStatuses") or [{}])[0]


def restart_count(status: dict) -> int:
    return container_status(status).get("restartCount", 0)


def condition(status: dict, type_: str) -> str | None:
    for c in status.get("conditions") or []:
        if c["type"] == type_:
            return c["status"]
    return None
