"""Steady loads: high-rate requests counted by their statistics, table by table."""

import pytest

from k8sedu import cluster as cluster_module
from k8sedu.cluster import Cluster
from k8sedu.proxy import load, steady, traffic
from k8sedu.proxy.path import Path
from k8sedu.proxy.traffic import HIGH_RATE, Sender
from tests.proxy.conftest import CHI2_2DF_999, Objects, three_backends, web_service


def test_a_steady_load_splits_like_requests_sent_one_by_one(cluster, make):
    three_backends(cluster, make)
    traffic = load(cluster, "web", rps=1000, duration=10, from_node="node-1")
    assert traffic.sender.steady is not None
    cluster.run(11)
    assert traffic.ok == 10_000 and traffic.sent == 10_000
    expected = 10_000 / 3
    chi2 = sum((n - expected) ** 2 / expected for n in traffic.per_backend.values())
    assert sorted(traffic.per_backend) == ["web-0", "web-1", "web-2"]
    assert chi2 < CHI2_2DF_999


def test_its_cost_does_not_grow_with_the_rate(monkeypatch):
    """Timers, tables and requests served one by one are the same at 20 and 20,000 requests
    per second: three (one per backend, for both client nodes, whose rules decide alike)."""
    monkeypatch.setattr(cluster_module, "NODE_PROCESSES", {"kube-proxy": "k8sedu.proxy:KubeProxy"})
    calls = {"table": 0, "serve": 0}
    real_table, real_serve = steady.table, Path.serve

    def counted(name, fn):
        return lambda *a: calls.__setitem__(name, calls[name] + 1) or fn(*a)

    monkeypatch.setattr(steady, "table", counted("table", real_table))
    monkeypatch.setattr(Path, "serve", counted("serve", real_serve))
    work = []
    for rps in (20, 20_000):
        cluster = Cluster(nodes=2)
        three_backends(cluster, Objects(cluster))
        start = cluster.sim.processed
        calls.update(table=0, serve=0)
        traffic = load(cluster, "web", rps=rps, duration=20)
        cluster.run(21)
        assert traffic.sent == rps * 20
        work.append((cluster.sim.processed - start, calls["table"], calls["serve"]))
    assert work[0] == work[1]
    assert work[0][1:] == (1, 3)  # nothing changed: one table for the whole load


def test_requests_after_a_node_fails_time_out_and_those_before_do_not(cluster, make):
    three_backends(cluster, make)  # web-1 and web-2 run on node-2
    traffic = load(cluster, "web", rps=100, duration=10, from_node="node-1")
    cluster.run(5)
    assert (traffic.ok, traffic.failed) == (501, {})  # ticks at 0, 0.1 … 5.0
    cluster.fail_node("node-2")
    cluster.run(6)
    timed_out = traffic.failed["connection timed out"]
    assert traffic.ok + timed_out == 1000
    # the other 499 go to node-2's pods with probability 2/3: mean 333, sd 10.5
    assert abs(timed_out - 499 * 2 / 3) < 5 * 10.5


def test_a_container_gets_requests_once_it_listens():
    """A server that takes 5 s to start refuses connections until then, and no longer."""
    cluster = Cluster(nodes=1)
    web_service(cluster, ["node-1"], env={"STARTUP_SECONDS": "30"})
    cluster.run_until(lambda c: c.api.get("pods", "web-0").get("status", {}).get("podIP"), 30)
    cluster.run(5)  # Ready without a readiness probe: in the Service while still starting
    started = cluster.node("node-1").kubelet.workers
    (worker,) = started.values()
    listens_at = worker.slots[0].current.started + 30
    traffic = load(cluster, "web", rps=10, duration=60)
    cluster.run(60)
    refused = traffic.failed["connection refused"]
    assert traffic.ok + refused == 600
    assert refused == pytest.approx((listens_at - (cluster.now - 60)) * 10, abs=1.5)


def test_container_rates_are_the_expected_share():
    cluster = Cluster(nodes=2)
    web_service(cluster, ["node-1", "node-2"])
    cluster.run(30)
    traffic = load(cluster, "web", rps=40, duration=60)
    cluster.run(10)
    containers = [w.slots[0].current for h in cluster.hosts.values() for w in h.kubelet.workers.values()]  # fmt: skip
    assert [c.rps for c in containers] == [pytest.approx(20.0)] * 2
    cluster.run(60)
    assert traffic.sent == 2400 and [c.rps for c in containers] == [0.0, 0.0]


def test_affinity_is_sent_request_by_request(cluster, make):
    three_backends(cluster, make, sessionAffinity="ClientIP")
    traffic = load(cluster, "web", rps=HIGH_RATE * 5, duration=10, from_node="node-1")
    assert traffic.sender.steady is None
    cluster.run(11)
    assert list(traffic.per_backend.values()) == [500]


def test_switching_affinity_on_falls_back_to_request_by_request(cluster, make):
    three_backends(cluster, make)
    traffic = load(cluster, "web", rps=100, duration=20, from_node="node-1")
    cluster.run(10)
    assert traffic.sender.steady is not None
    svc = cluster.api.get("services", "web")
    svc["spec"]["sessionAffinity"] = "ClientIP"
    cluster.api.update("services", svc)
    cluster.run(5)
    assert traffic.sender.steady is None and traffic.sender.timer is not None
    before = dict(traffic.per_backend)
    cluster.run(6)
    added = {pod: n - before.get(pod, 0) for pod, n in traffic.per_backend.items()}
    assert traffic.sent == 2000 and sorted(added.values())[-1] == sum(added.values())


def test_same_seed_same_counts():
    def play():
        cluster = Cluster(nodes=2, seed=7)
        web_service(cluster, ["node-1", "node-2", "node-1"])
        cluster.run(30)
        traffic = load(cluster, "web", rps=50, duration=60)
        cluster.run(20)
        cluster.fail_node("node-2")
        cluster.run(41)
        return traffic.per_backend, traffic.failed, traffic.latencies

    assert play() == play()


def test_a_snapshot_of_a_steady_load_replays_the_same_counts(cluster, make):
    three_backends(cluster, make)
    traffic = load(cluster, "web", rps=50, duration=20)
    cluster.run(5)
    restored = Cluster.restore(cluster.snapshot())
    (copy,) = [load.sender.traffic for load in restored.steady_loads]
    cluster.run(20)
    restored.run(20)
    assert (copy.per_backend, copy.ok, copy.latencies) == (
        traffic.per_backend,
        traffic.ok,
        traffic.latencies,
    )
    assert isinstance(copy.sender, Sender)


def _failover(monkeypatch, one_by_one: bool) -> dict:
    """50 rps for 3 minutes at three pods on two nodes; node-2 (two of them) fails at 30 s."""
    if one_by_one:
        monkeypatch.setattr(traffic, "HIGH_RATE", float("inf"))
    cluster = Cluster(nodes=2, seed=3)
    web_service(cluster, ["node-1", "node-2", "node-2"])
    cluster.run(30)
    sent = load(cluster, "web", rps=50, duration=180)
    assert (sent.sender.steady is None) == one_by_one
    cluster.run(30)
    cluster.fail_node("node-2")
    cluster.run(151)
    return {"ok": sent.ok, **sent.failed}


def test_a_steady_load_meets_a_failure_as_requests_one_by_one_do(monkeypatch):
    """The same failover counted by statistics and sent request by request: the requests lost
    to the dead node (until its pods leave the Service, ~50 s) agree within the noise."""
    steady_counts = _failover(monkeypatch, one_by_one=False)
    one_by_one = _failover(monkeypatch, one_by_one=True)
    assert steady_counts["ok"] + steady_counts["connection timed out"] == 9000
    lost = one_by_one["connection timed out"]
    assert lost > 1000  # ~2/3 of 50 rps for the ~40-50 s before the endpoints change
    assert abs(steady_counts["connection timed out"] - lost) < 5 * lost**0.5
