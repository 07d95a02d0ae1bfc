"""Node heartbeats, node failure and recovery, node-pressure eviction, snapshots."""

import re

import pytest

from k8sedu import Cluster, objects
from tests.kubelet.conftest import container_status, pod


def renew_time(cluster, node="node-1"):
    lease = cluster.api.get("leases", node, "kube-node-lease")
    return objects.parse_timestamp(lease["spec"]["renewTime"]), lease["spec"][
        "leaseDurationSeconds"
    ]


def test_the_lease_is_renewed_every_10_seconds():
    cluster = Cluster(nodes=1)
    cluster.run(35)
    assert renew_time(cluster) == (30.0, 40)
    lease = cluster.api.get("leases", "node-1", "kube-node-lease")
    assert lease["spec"]["holderIdentity"] == "node-1"
    assert lease["metadata"]["ownerReferences"][0]["kind"] == "Node"


def test_node_status_is_posted_only_when_changed_or_every_5_minutes():
    cluster = Cluster(nodes=1)
    cluster.run(1)
    first = cluster.api.get("nodes", "node-1")["metadata"]["resourceVersion"]
    cluster.run(200)
    assert cluster.api.get("nodes", "node-1")["metadata"]["resourceVersion"] == first
    cluster.run(110)
    ready = objects.get_condition(cluster.api.get("nodes", "node-1")["status"], "Ready")
    assert objects.parse_timestamp(ready["lastHeartbeatTime"]) == 300.0


def test_a_failed_node_stops_heartbeats_and_its_containers_restart_on_recovery():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("web", "k8sedu/web:1.0"))
    cluster.run(25)
    cluster.fail_node("node-1")
    cluster.run(60)
    assert renew_time(cluster)[0] == 20.0
    cluster.recover_node("node-1")
    cluster.run(5)
    assert renew_time(cluster)[0] == 85.0
    status = container_status(cluster.api.get("pods", "web")["status"])
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["reason"] == "Unknown"
    assert status["lastState"]["terminated"]["exitCode"] == 255
    assert "running" in status["state"]
    # the image survived on the machine's disk
    reasons = [e["reason"] for e in cluster.events if e["involvedObject"]["name"] == "web"]
    assert reasons.count("Pulling") == 1


def test_node_images_are_reported():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("web", "nginx:1.27"))
    cluster.run(15)
    images = cluster.api.get("nodes", "node-1")["status"]["images"]
    assert images[0]["names"][1] == "docker.io/library/nginx:1.27"
    assert images[0]["sizeBytes"] == 72_000_000


def test_memory_pressure_evicts_best_effort_first():
    cluster = Cluster(nodes=1, node_memory="1Gi")
    guaranteed = {"limits": {"cpu": "100m", "memory": "200Mi"}}
    cluster.api.create(
        "pods", pod("steady", "k8sedu/busy:1.0", env={"MEMORY": "150Mi"}, resources=guaranteed)
    )
    cluster.api.create("pods", pod("leak", "k8sedu/leak:1.0", env={"LEAK_PER_SECOND": "10Mi"}))
    cluster.run(120)
    leak = cluster.api.get("pods", "leak")["status"]
    assert (leak["phase"], leak["reason"]) == ("Failed", "Evicted")
    assert leak["message"].startswith(
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: "
    )
    assert "Container c was using" in leak["message"]
    # memory comes in 4 KiB pages, so the kubelet's figures print in Ki (e.g. "available: 94712Ki")
    figures = re.findall(r"(?:available:|using) (\S+?)[,.]", leak["message"])
    assert len(figures) == 2 and all(f.endswith("Ki") or f.endswith("Mi") for f in figures)
    assert cluster.api.get("pods", "steady")["status"]["phase"] == "Running"
    node = cluster.api.get("nodes", "node-1")["status"]
    assert objects.get_condition(node, "MemoryPressure")["status"] == "True"
    cluster.run(400)
    node = cluster.api.get("nodes", "node-1")["status"]
    assert objects.get_condition(node, "MemoryPressure")["status"] == "False"


def test_snapshot_mid_scenario_replays_the_same_history():
    cluster = Cluster(nodes=2)
    cluster.api.create("pods", pod("crash", "k8sedu/crash:1.0", env={"CRASH_AFTER": 3}))
    cluster.api.create(
        "pods",
        pod("web", "k8sedu/web:1.0", node="node-2", readinessProbe={"tcpSocket": {"port": 8080}}),
    )
    cluster.run(30)
    copy = Cluster.restore(cluster.snapshot())
    for c in (cluster, copy):
        c.run(200)
    assert [tuple(r[:5]) for r in cluster.trace][-200:] == [tuple(r[:5]) for r in copy.trace][-200:]
    assert cluster.kubectl("get pods") == copy.kubectl("get pods")


@pytest.mark.parametrize("policy", ["Always", "Never"])
def test_kill_container_restarts_per_policy(policy):
    cluster = Cluster(nodes=1)
    body = pod("web", "k8sedu/web:1.0")
    body["spec"]["restartPolicy"] = policy
    cluster.api.create("pods", body)
    cluster.run(5)
    cluster.kill_container("web")
    cluster.run(1)
    status = container_status(cluster.api.get("pods", "web")["status"])
    if policy == "Always":
        assert status["restartCount"] == 1 and "running" in status["state"]
        assert status["lastState"]["terminated"]["exitCode"] == 137
    else:
        assert status["state"]["terminated"]["exitCode"] == 137


def test_the_kubelet_watches_again_after_an_api_server_restart():
    cluster = Cluster(nodes=1)
    cluster.run(5)
    cluster.stop("kube-apiserver")
    cluster.run(30)
    cluster.start("kube-apiserver")
    cluster.api.create("pods", pod("web", "k8sedu/web:1.0"))
    # the closed watch is noticed at 5 s and the re-list retries with the reflector's back-off
    # (0.8 s doubling): the last try while the server was down was at 29.8 s, the next one lists
    # the new pod at 55.4 s
    took = cluster.run_until(
        lambda c: c.api.get("pods", "web")["status"]["phase"] == "Running", timeout=60
    )
    assert cluster.now == pytest.approx(35 + took) and 55.4 < cluster.now < 56
