"""Probes: liveness kills after failureThreshold, readiness flips Ready, startup gates both."""

import pytest

from k8sedu import Cluster
from k8sedu.kubelet.probes import ProbeWorker, outcome
from k8sedu.kubelet.runtime import Container
from tests.kubelet.conftest import History, condition, pod, restart_count

PULL = 12_400_000 / 34_000_000  # k8sedu/web:1.0 pulls in 0.364 s: the container starts then


def reasons(cluster, name):
    return [
        (e["reason"], e["message"], e["count"])
        for e in cluster.events
        if e["involvedObject"]["name"] == name and e["reason"] in ("Unhealthy", "Killing")
    ]


def test_liveness_kills_after_three_failed_probes():
    cluster = Cluster(nodes=1)
    http = {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 5}
    cluster.api.create("pods", pod("web", "k8sedu/web:1.0", livenessProbe=http))
    history = History(cluster, "web")
    cluster.run(100)
    cluster.make_unhealthy("web")
    cluster.run(60)
    restarted = history.times(lambda s: restart_count(s) == 1)
    # probes tick every 10 s from the start; failures at the ticks after t=100, kill at the 3rd
    assert restarted == [pytest.approx(PULL + 120, abs=1e-3)]
    assert reasons(cluster, "web") == [
        ("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500", 3),
        ("Killing", "Container c failed liveness probe, will be restarted", 1),
    ]
    assert condition(history.seen[-1][1], "Ready") == "True"  # the new container is healthy


def test_readiness_failure_removes_ready_without_restart():
    cluster = Cluster(nodes=1)
    body = pod(
        "flaky",
        "k8sedu/flaky:1.0",
        env={"UNHEALTHY_AFTER": 30, "UNHEALTHY_FOR": 30},
        readinessProbe={"httpGet": {"path": "/", "port": 8080}},
    )
    cluster.api.create("pods", body)
    history = History(cluster, "flaky")
    cluster.run(100)
    pull = 12_500_000 / 34_000_000  # k8sedu/flaky:1.0
    ready = [round(t - pull, 3) for t in history.times(lambda s: condition(s, "Ready") == "True")]
    unready = [
        round(t - pull, 3) for t in history.times(lambda s: condition(s, "Ready") == "False")
    ]
    # not listening at the first probe (startup 2 s): ready at 10; bad from 30: 3 failures -> 50
    assert ready == [10, 60]
    assert unready[1:] == [50]  # (the first is the pod's creation, before any probe)
    assert restart_count(history.seen[-1][1]) == 0


def test_startup_probe_holds_liveness_back():
    cluster = Cluster(nodes=1)
    probe = {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 1, "failureThreshold": 30}
    body = pod(
        "slow",
        "k8sedu/web:1.0",
        env={"STARTUP_SECONDS": 12},
        startupProbe=probe,
        livenessProbe={"httpGet": {"path": "/", "port": 8080}, "failureThreshold": 1},
    )
    cluster.api.create("pods", body)
    cluster.run(30)
    status = cluster.api.get("pods", "slow")["status"]
    assert status["containerStatuses"][0]["started"] is True
    assert status["containerStatuses"][0]["restartCount"] == 0


def test_a_startup_probe_that_never_passes_kills_the_container():
    cluster = Cluster(nodes=1)
    probe = {"tcpSocket": {"port": 9999}, "periodSeconds": 2, "failureThreshold": 3}
    cluster.api.create("pods", pod("never", "k8sedu/web:1.0", startupProbe=probe))
    cluster.run(5)
    assert ("Killing", "Container c failed startup probe, will be restarted", 1) in reasons(
        cluster, "never"
    )
    # 3 failures kill it; the restarted container (same instant) fails its first probe too
    assert (
        "Unhealthy",
        "Startup probe failed: dial tcp 10.244.1.2:9999: connect: connection refused",
        4,
    ) in reasons(cluster, "never")


def _container(**spec):
    run = Container(
        "id", "uid", {"name": "c", "image": "k8sedu/web:1.0", **spec}, 0.0, 0, "10.244.1.7"
    )
    return run


@pytest.mark.parametrize(
    "probe, at, unhealthy, expected",
    [
        (
            {"httpGet": {"path": "/ready", "port": 8080}},
            1.0,
            False,
            (
                False,
                'Get "http://10.244.1.7:8080/ready": dial tcp 10.244.1.7:8080: connect: connection refused',
            ),
        ),
        (
            {"httpGet": {"path": "/", "port": 8080}},
            5.0,
            True,
            (False, "HTTP probe failed with statuscode: 500"),
        ),
        ({"httpGet": {"path": "/", "port": 8080}}, 5.0, False, (True, "")),
        ({"tcpSocket": {"port": 8080}}, 5.0, True, (True, "")),
        (
            {"exec": {"command": ["cat", "/tmp/healthy"]}},
            5.0,
            True,
            (False, "cat: can't open '/tmp/healthy': No such file or directory\n"),
        ),
        (
            {"grpc": {"port": 8080}},
            5.0,
            True,
            (False, 'service unhealthy (responded with "NOT_SERVING")'),
        ),
    ],
    ids=["http-refused", "http-500", "http-ok", "tcp-open-even-if-unhealthy", "exec-cat", "grpc"],
)
def test_probe_outcomes(probe, at, unhealthy, expected):
    run = _container()
    if unhealthy:
        run.unhealthy_since = 0.0
    assert outcome(run, probe, at) == expected


def test_healthy_probes_cost_nothing_over_hours(monkeypatch):
    ticks = []
    real_tick = ProbeWorker.tick
    monkeypatch.setattr(
        ProbeWorker, "tick", lambda self: (ticks.append(self.kind), real_tick(self))
    )
    cluster = Cluster(nodes=1)
    probe = {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 1}
    cluster.api.create(
        "pods", pod("web", "k8sedu/web:1.0", readinessProbe=probe, livenessProbe=probe)
    )
    cluster.run(60)
    before = len(ticks)
    cluster.run(3 * 3600)
    assert len(ticks) == before  # not 21,600 probes: nothing about their outcome changes
    assert condition(cluster.api.get("pods", "web")["status"], "Ready") == "True"
