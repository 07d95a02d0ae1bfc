"""The kernel's walk of kube-proxy's rules, and sampled routing from the walk's distribution."""

import pytest

from k8sedu.proxy.netfilter import Packet
from tests.proxy.conftest import CHI2_2DF_999, three_backends

# xt_statistic keeps lround(p * 2^31): the kernel's 1/3 (REFERENCE: "0.33333333349")
P3 = round(2**31 / 3) / 2**31


def route_sampled(cluster, svc, rng):
    proxy = cluster.node("node-1").proxy
    node_ip = cluster.node("node-1").ip
    packet = Packet(node_ip, svc["spec"]["clusterIP"], 80, src_local=True)
    verdict, _ = proxy.route(packet, rng, cluster.now, sampled=True)
    compiled = proxy.programmed["default/web"].compiled(proxy.large_cluster)
    return verdict, compiled.distributions[packet[1:]]  # the source does not decide here


def test_the_distribution_has_the_kernels_probabilities(cluster, make):
    svc = three_backends(cluster, make)
    verdict, distribution = route_sampled(cluster, svc, cluster.sim.rng("test"))
    assert [v.to for v in distribution.verdicts] == [
        "10.244.1.5:8080",
        "10.244.2.7:8080",
        "10.244.2.9:8080",
    ]
    assert distribution.cumulative == pytest.approx([P3, P3 + (1 - P3) / 2, 1.0], abs=1e-12)
    assert verdict.action == "DNAT"


def test_rules_that_remember_clients_are_always_walked(cluster, make):
    svc = three_backends(cluster, make, sessionAffinity="ClientIP")
    _, distribution = route_sampled(cluster, svc, cluster.sim.rng("test"))
    assert distribution is None
    traffic = cluster.request("web", 300, from_node="node-1", rate=1000)  # sampled routing
    assert list(traffic.per_backend.values()) == [300]


def test_high_rate_traffic_splits_evenly_over_three_pods(cluster, make):
    three_backends(cluster, make)
    traffic = cluster.request("web", 6000, from_node="node-1", rate=1000)
    expected = 6000 / 3
    chi2 = sum((n - expected) ** 2 / expected for n in traffic.per_backend.values())
    assert traffic.ok == 6000 and sorted(traffic.per_backend) == ["web-0", "web-1", "web-2"]
    assert chi2 < CHI2_2DF_999
