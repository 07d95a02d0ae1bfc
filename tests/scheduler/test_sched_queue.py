"""The scheduling queue: PrioritySort order, backoff 1-2-4-8-10 s, the 5-minute flush, events."""

import pytest

import k8sedu as k
from k8sedu.component import Component
from k8sedu.scheduler.nodeinfo import PodInfo
from k8sedu.scheduler.plugins.queuesort import PrioritySort
from k8sedu.scheduler.queue import SchedulingQueue, backoff_duration
from tests.scheduler.conftest import make_pod


@pytest.mark.parametrize("attempts,seconds", [(1, 1), (2, 2), (3, 4), (4, 8), (5, 10), (9, 10)])
def test_backoff_duration(attempts, seconds):
    """REFERENCE §3.1: podInitialBackoffSeconds 1, podMaxBackoffSeconds 10."""
    assert backoff_duration(attempts) == seconds


@pytest.fixture
def queue():
    owner = Component(k.Cluster.bare(), "test-scheduler")
    owner.start()
    return SchedulingQueue(owner, PrioritySort().sort_key, lambda: None)


def test_priority_then_arrival(queue):
    for name, prio in [("low", 0), ("high", 100), ("low2", 0), ("mid", 50)]:
        queue.add(PodInfo(make_pod(name, priority=prio)))
    order = []
    while (qpi := queue.pop()) is not None:
        order.append(qpi.pod_info.name)
    assert order == ["high", "mid", "low", "low2"]


def test_backoff_timings(queue):
    """A pod failing while cluster events keep coming is retried 1, 2, 4, 8, 10 s later."""
    sim = queue.sim
    pod = PodInfo(make_pod("p"))
    queue.add(pod)
    retried_at = []
    for _ in range(5):
        qpi = queue.pop()
        retried_at.append(sim.now)
        cycle = queue.scheduling_cycle
        queue.move_all("NodeAdd")  # something changed during the cycle
        qpi.unschedulable_plugins = frozenset({"NodeResourcesFit"})
        queue.add_unschedulable(qpi, cycle)
        sim.run_until(lambda: queue.where(pod.uid) == "active", timeout=60)
    retried_at.append(sim.now)
    assert [b - a for a, b in zip(retried_at, retried_at[1:])] == [1, 2, 4, 8, 10]


def test_unschedulable_pool_and_flush(queue):
    sim = queue.sim
    queue.add(PodInfo(make_pod("p")))
    qpi = queue.pop()
    qpi.unschedulable_plugins = frozenset({"NodeResourcesFit"})
    queue.add_unschedulable(qpi, queue.scheduling_cycle)
    assert queue.where(qpi.pod_info.uid) == "unschedulable"
    queue.move_all("AssignedPodAdd")  # cannot help a pod rejected for lack of cpu
    assert queue.where(qpi.pod_info.uid) == "unschedulable"
    sim.run(299)
    assert queue.where(qpi.pod_info.uid) == "unschedulable"
    sim.run(1)
    assert queue.where(qpi.pod_info.uid) == "active"


def test_relevant_event_releases(queue):
    queue.add(PodInfo(make_pod("p")))
    qpi = queue.pop()
    qpi.unschedulable_plugins = frozenset({"NodeResourcesFit"})
    queue.add_unschedulable(qpi, queue.scheduling_cycle)
    queue.sim.run(5)
    queue.move_all("AssignedPodDelete")  # freed resources may help; backoff (1 s) is over
    assert queue.where(qpi.pod_info.uid) == "active"


def test_cluster_retries_when_a_node_arrives():
    cluster = k.Cluster(nodes=1, node_cpu="1")
    cluster.api.create("pods", make_pod("big", "2"))
    cluster.run(0.5)
    assert not cluster.api.get("pods", "big")["spec"].get("nodeName")
    cluster.add_node("node-2", cpu="4")
    cluster.run_until(lambda c: c.api.get("pods", "big")["spec"].get("nodeName"), timeout=5)
    # the failure at t=0 backs the pod off for 1 s; the node came at 0.5 s
    assert cluster.now == 1.0
    assert cluster.api.get("pods", "big")["spec"]["nodeName"] == "node-2"


def test_higher_priority_scheduled_first():
    cluster = k.Cluster(nodes=1)
    cluster.stop("kube-scheduler")
    for name, prio in [("a", 0), ("b", 1000), ("c", 0), ("d", 500)]:
        cluster.api.create("pods", make_pod(name, "100m", priority=prio))
    cluster.start("kube-scheduler")
    cluster.run_until(lambda c: c.scheduler.leading, timeout=30)  # its old Lease expires first
    cluster.run(1)
    order = [
        r.key for r in cluster.trace if r.component == "kube-scheduler" and r.verb == "schedule"
    ]
    assert order == ["default/b", "default/d", "default/a", "default/c"]
