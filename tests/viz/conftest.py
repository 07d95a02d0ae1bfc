"""Scenario clusters the picture tests draw (headless: plain pytest uses matplotlib's Agg)."""

import pytest

import k8sedu as k


def pod(name: str, node: str | None = None, **spec) -> dict:
    body = {"containers": [{"name": "web", "image": "k8sedu/web:1.0"}], **spec}
    if node:
        body["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "web"}},
        "spec": body,
    }


@pytest.fixture
def web_cluster():
    """3 workers; web-0/web-2 on node-1, web-1 on node-2, behind Service web; `stuck` Pending."""
    cluster = k.Cluster(nodes=3)
    for i, node in enumerate(["node-1", "node-2", "node-1"]):
        cluster.api.create("pods", pod(f"web-{i}", node))
    cluster.api.create("pods", pod("stuck", nodeSelector={"disk": "none"}))
    cluster.kubectl("expose pod web-0 --port 80 --target-port 8080 --name web --selector app=web")
    cluster.run(30)
    return cluster
