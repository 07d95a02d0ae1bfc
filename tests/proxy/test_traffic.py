"""Requests routed by the rules kube-proxy wrote: balancing, affinity, policies, DNS, failures."""

import pytest

from k8sedu.cluster import Cluster
from k8sedu.proxy import load
from k8sedu.proxy.traffic import percentile95
from tests.proxy.conftest import CHI2_2DF_999, three_backends, web_service


def test_new_connections_split_evenly_over_three_pods(cluster, make):
    three_backends(cluster, make)
    traffic = cluster.request("web", 10_000, from_node="node-1")
    assert traffic.ok == 10_000 and traffic.success_rate == 1.0
    expected = 10_000 / 3
    chi2 = sum((n - expected) ** 2 / expected for n in traffic.per_backend.values())
    assert sorted(traffic.per_backend) == ["web-0", "web-1", "web-2"]
    assert chi2 < CHI2_2DF_999


def test_keep_alive_connections_pin_requests_to_their_pods(cluster, make):
    three_backends(cluster, make)
    traffic = cluster.request("web", 1000, from_node="node-1", connections=2)
    assert traffic.ok == 1000 and len(traffic.per_backend) <= 2


def test_client_ip_affinity_sends_one_client_to_one_pod(cluster, make):
    three_backends(cluster, make, sessionAffinity="ClientIP")
    traffic = cluster.request("web", 300, from_node="node-1")
    assert list(traffic.per_backend.values()) == [300]


def test_local_policy_drops_at_nodes_without_an_endpoint(cluster, make):
    svc = make.service(type="NodePort", externalTrafficPolicy="Local")
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    node_port = svc["spec"]["ports"][0]["nodePort"]
    node1, node2 = cluster.node("node-1").ip, cluster.node("node-2").ip
    served = cluster.request(f"{node1}:{node_port}", 50)
    dropped = cluster.request(f"{node2}:{node_port}", 50)
    assert served.per_backend == {"web-0": 50} and served.ok == 50
    assert dropped.failed == {"connection timed out": 50}


def test_cluster_policy_forwards_from_any_node(cluster, make):
    svc = make.service(type="NodePort")
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    node_port = svc["spec"]["ports"][0]["nodePort"]
    traffic = cluster.request(f"{cluster.node('node-2').ip}:{node_port}", 20)
    assert traffic.per_backend == {"web-0": 20}


def test_internal_local_policy_drops_cluster_ip_traffic_without_a_local_pod(cluster, make):
    make.service(internalTrafficPolicy="Local")
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    assert cluster.request("web", 10, from_node="node-1").ok == 10
    assert cluster.request("web", 10, from_node="node-2").failed == {"connection timed out": 10}


def test_no_endpoints_means_connection_refused(cluster, make):
    make.service()
    cluster.run(1)
    assert cluster.request("web", 5).failed == {"connection refused": 5}


def test_terminating_pods_still_serve_when_no_pod_is_ready(cluster, make):
    make.service()
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    cluster.api.delete("pods", "web-0")  # no kubelet confirms: it stays Terminating, serving
    cluster.run(1)
    (eps,) = [
        s for s in cluster.api.list("endpointslices") if s["metadata"]["name"] != "kubernetes"
    ]
    assert eps["endpoints"][0]["conditions"] == {
        "ready": False,
        "serving": True,
        "terminating": True,
    }
    assert cluster.request("web", 10).per_backend == {"web-0": 10}


@pytest.mark.parametrize(
    "name",
    ["web", "web.default", "web.default.svc", "web.default.svc.cluster.local", "web:80"],
)
def test_cluster_dns_names_reach_the_service(cluster, make, name):
    three_backends(cluster, make)
    assert cluster.request(name, 3).ok == 3


def test_unknown_names_do_not_resolve(cluster, make):
    three_backends(cluster, make)
    assert cluster.request("nope", 2).failed == {"could not resolve host": 2}
    assert cluster.request("web", 2, namespace="kube-system").failed == {
        "could not resolve host": 2
    }


def test_a_rate_runs_the_cluster_for_count_over_rate_seconds(cluster, make):
    three_backends(cluster, make)
    start = cluster.now
    traffic = cluster.request("web", 10, rate=5)
    assert cluster.now - start == pytest.approx(2.0) and traffic.sent == 10


def test_load_runs_in_the_background(cluster, make):
    three_backends(cluster, make)
    traffic = load(cluster, "web", rps=20, duration=10)
    assert traffic.sent == 0
    cluster.run(5)
    assert 95 <= traffic.sent <= 101
    cluster.run(10)
    assert traffic.sent == 200 and traffic.p95 is not None


def test_load_balancer_ip_pending_without_a_range(cluster, make):
    make.service(type="LoadBalancer")
    cluster.run(1)
    assert "<pending>" in cluster.kubectl("get svc web")


def test_load_balancer_gets_an_address_from_the_range(monkeypatch):
    from k8sedu import cluster as cluster_module

    monkeypatch.setattr(cluster_module, "NODE_PROCESSES", {"kube-proxy": "k8sedu.proxy:KubeProxy"})
    cluster = Cluster(nodes=2, load_balancer_range="172.18.255.200-172.18.255.250")
    svc = cluster.api.create("services", {"metadata": {"name": "web"}, "spec": {
        "type": "LoadBalancer", "selector": {"app": "web"},
        "ports": [{"port": 80, "targetPort": 8080}]}})  # fmt: skip
    cluster.run(1)
    status = cluster.api.get("services", "web")["status"]
    assert status["loadBalancer"]["ingress"] == [{"ip": "172.18.255.200", "ipMode": "VIP"}]
    reasons = [e["reason"] for e in cluster.events if e["involvedObject"]["name"] == "web"]
    assert reasons == ["EnsuringLoadBalancer", "EnsuredLoadBalancer"]
    assert svc["spec"]["ports"][0]["nodePort"]
    pod = {"metadata": {"name": "web-0", "labels": {"app": "web"}}, "spec": {"nodeName": "node-2",
           "containers": [{"name": "web", "image": "k8sedu/web"}]}}  # fmt: skip
    cluster.api.create("pods", pod)
    body = cluster.api.get("pods", "web-0")
    body["status"] = {"phase": "Running", "podIP": "10.244.2.4", "podIPs": [{"ip": "10.244.2.4"}],
                      "conditions": [{"type": "Ready", "status": "True"}]}  # fmt: skip
    cluster.api.update_status("pods", body)
    cluster.run(1)
    assert cluster.request("172.18.255.200:80", 10).per_backend == {"web-0": 10}


def test_a_real_kubelet_serves_the_requests():
    cluster = Cluster(nodes=2)
    web_service(cluster, ["node-1", "node-2"])
    cluster.run(30)
    traffic = cluster.request("web", 100, from_node="node-1")
    assert traffic.ok == 100 and sorted(traffic.per_backend) == ["web-0", "web-1"]
    wrong_port = cluster.request(f"{cluster.api.get('pods', 'web-0')['status']['podIP']}:9999", 3)
    assert wrong_port.failed == {"connection refused": 3}


def test_a_pod_on_the_control_plane_is_reached_like_any_other():
    """kind's control plane runs a kubelet and kube-proxy: a pod tolerating its taint serves, and
    its address takes NodePort traffic like a worker's."""
    cluster = Cluster(nodes=1)
    cluster.api.create("services", {"metadata": {"name": "web"}, "spec": {"type": "NodePort",
        "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}})  # fmt: skip
    cluster.api.create("pods", {"metadata": {"name": "cp-web", "labels": {"app": "web"}},
        "spec": {"nodeName": "control-plane", "containers": [{"name": "web",
        "image": "k8sedu/web", "ports": [{"containerPort": 8080}]}]}})  # fmt: skip
    cluster.run(30)
    traffic = cluster.request("web", 10)
    assert (traffic.ok, traffic.per_backend) == (10, {"cp-web": 10})
    node_port = cluster.api.get("services", "web")["spec"]["ports"][0]["nodePort"]
    for node in ("control-plane", "node-1"):
        traffic = cluster.request(f"{cluster.node(node).ip}:{node_port}", 5)
        assert (traffic.ok, traffic.per_backend) == (5, {"cp-web": 5})


def test_a_snapshot_taken_under_load_replays_the_same_traffic(cluster, make):
    three_backends(cluster, make, sessionAffinity="ClientIP")
    traffic = load(cluster, "web", rps=50, duration=20)
    cluster.run(5)
    restored = Cluster.restore(cluster.snapshot())
    (copy,) = [s.traffic for s in _senders(restored)]
    cluster.run(20)
    restored.run(20)
    assert (copy.per_backend, copy.ok, copy.latencies) == (
        traffic.per_backend,
        traffic.ok,
        traffic.latencies,
    )


def _senders(cluster):
    from k8sedu.proxy.traffic import Sender

    return [t.callback.__self__ for _, _, _, t in cluster.sim._heap
            if isinstance(getattr(t.callback, "__self__", None), Sender)]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([], None, id="none"),
        pytest.param([0.002], 0.002, id="one"),
        pytest.param([i / 1000 for i in range(1, 21)], 0.019, id="nearest-rank-of-20"),
    ],
)
def test_percentile95_is_nearest_rank(values, expected):
    assert percentile95(values) == expected
