"""PodGC: pods on deleted nodes (after the 40 s quarantine), the out-of-service taint, and the
terminated-pod threshold. Periods from ``pkg/controller/podgc/gc_controller.go``: a pass every
20 s (at 0, 20, 40 …), ``quarantineTime`` 40 s, ``--terminated-pod-gc-threshold`` 12 500.
"""

import pytest

from k8sedu import objects
from k8sedu.cluster import Cluster
from k8sedu.controllers.podgc import TERMINATED_POD_THRESHOLD


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(nodes=2)


def pod(name: str, node: str | None = None) -> dict:
    spec = {"containers": [{"name": "c", "image": "nginx:1.27"}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def exists(cluster: Cluster, name: str) -> bool:
    return bool(cluster.api.list("pods", "default", field_selector=f"metadata.name={name}"))


def test_threshold_default():
    assert TERMINATED_POD_THRESHOLD == 12500


def test_pods_of_a_deleted_node(cluster):
    cluster.api.create("pods", pod("web", "node-2"))
    cluster.run(5)
    watched = []
    cluster.api.watch("pods", watched.append)
    cluster.remove_node("node-2")  # t=5: the pass at 20 notices, the pass at 60 deletes
    cluster.run(54)
    assert exists(cluster, "web")
    cluster.run(1)
    assert not exists(cluster, "web")
    last_status = [e["object"]["status"] for e in watched if e["type"] == "MODIFIED"][-1]
    condition = objects.get_condition(last_status, "DisruptionTarget")
    assert last_status["phase"] == "Failed"
    assert (condition["reason"], condition["message"]) == (
        "DeletionByPodGC",
        "PodGC: node no longer exists",
    )


def test_out_of_service_taint_force_deletes_terminating_pods(cluster):
    cluster.api.create("pods", pod("web", "node-2"))
    cluster.run(30)
    cluster.fail_node("node-2")
    cluster.run(90)  # NotReady by now
    cluster.api.delete("pods", "web")  # graceful: nobody on node-2 will confirm it
    cluster.run(20)
    assert exists(cluster, "web")
    taint = {
        "key": "node.kubernetes.io/out-of-service",
        "value": "nodeshutdown",
        "effect": "NoExecute",
    }
    node = cluster.api.get("nodes", "node-2")
    cluster.api.patch(
        "nodes", "node-2", {"spec": {"taints": [*node["spec"]["taints"], taint]}}, type="merge"
    )
    cluster.run(20)
    assert not exists(cluster, "web")


def test_terminated_pods_beyond_the_threshold(cluster):
    cluster.controller_manager.controller("podgc").terminated_pod_threshold = 2
    for i in range(4):
        created = cluster.api.create("pods", pod(f"done-{i}"))
        created["status"]["phase"] = "Succeeded"
        cluster.api.update_status("pods", created)
        cluster.run(1)
    cluster.run(20)
    left = sorted(p["metadata"]["name"] for p in cluster.api.list("pods", "default"))
    assert left == ["done-2", "done-3"]  # the oldest go first
