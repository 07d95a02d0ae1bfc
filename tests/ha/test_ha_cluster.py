"""Cluster(control_planes=3): the replicated control plane, its failovers, and what keeps serving."""

import math
import re

import pytest

import k8sedu as k

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "k8sedu/web:1.0", ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""
RETRY, JITTER = 2.0, 1.2  # client-go leader election: retryPeriod, JitterFactor
MACHINES = ["control-plane", "control-plane2", "control-plane3"]


def ha_cluster(seed: int = 0, nodes: int = 2) -> k.Cluster:
    return k.Cluster(nodes=nodes, control_planes=3, seed=seed)


def ready_pods(cluster: k.Cluster) -> int:
    pods = cluster.api.list("pods", label_selector="app=web")
    return sum(
        any(
            c["type"] == "Ready" and c["status"] == "True"
            for c in p["status"].get("conditions", [])
        )
        for p in pods
    )


def serving(cluster: k.Cluster, replicas: int = 3) -> k.Cluster:
    cluster.apply(WEB.replace("replicas: 3", f"replicas: {replicas}"))
    cluster.run_until(lambda c: ready_pods(c) == replicas, timeout=120)
    cluster.run(5)  # kube-proxy programs the endpoints
    return cluster


def leadership(trace, lease: str) -> list[tuple[str, float, float]]:
    """(component, from, to): each copy's time holding the Lease, ended by stopped-leading or by
    its process stopping."""
    holding: dict[str, float] = {}
    spans = []
    for r in trace:
        if r.verb == "started-leading" and r.key == f"kube-system/{lease}":
            holding[r.component] = r.time
        elif r.component in holding and (
            r.verb == "stopped-leading" or (r.verb == "stop" and r.key == r.component)
        ):
            spans.append((r.component, holding.pop(r.component), r.time))
    return spans + [(c, t, math.inf) for c, t in holding.items()]


def acts(record, lease: str) -> str | None:
    """The copy of ``lease``'s component that this record shows doing work, if any."""
    copy = record.component.split("/")[0]
    if not copy.startswith(lease + "-"):
        return None
    if lease == "kube-scheduler":
        return copy if record.verb == "schedule" or record.resource == "pods/binding" else None
    # the controllers write under their manager's name
    writes = ("create", "update", "patch", "delete")
    return copy if record.verb in writes and record.resource != "leases" else None


def assert_one_leader_at_a_time(trace, lease: str) -> list[tuple[str, float, float]]:
    """Leadership spans never overlap, and every act of a copy falls inside its own span."""
    spans = sorted(leadership(trace, lease), key=lambda span: span[1])
    for (_, _, end), (_, start, _) in zip(spans, spans[1:]):
        assert end <= start, spans
    for r in trace:
        who = acts(r, lease)
        if who is not None:
            assert any(c == who and start <= r.time <= end for c, start, end in spans), r
    return spans


def test_three_machines_each_run_the_whole_control_plane():
    cluster = ha_cluster()
    cluster.run(5)
    for machine in MACHINES:
        processes = list(cluster.node(machine).processes)
        assert sorted(processes) == sorted(
            ["etcd", "kube-apiserver", "kubelet", "kube-proxy", "kube-scheduler",
             "kube-controller-manager"]
        )  # fmt: skip
    assert "kube-apiserver-control-plane2" in cluster.components
    nodes = [n["metadata"]["name"] for n in cluster.api.list("nodes")]
    assert nodes == [*MACHINES, "node-1", "node-2"]
    assert cluster.node("node-1").ip == "172.18.0.5"
    endpoints = cluster.api.get("endpoints", "kubernetes")["subsets"][0]["addresses"]
    assert [a["ip"] for a in endpoints] == ["172.18.0.2", "172.18.0.3", "172.18.0.4"]
    lines = cluster.kubectl("get leases -n kube-system").splitlines()
    assert lines[0].split() == ["NAME", "HOLDER", "AGE"]
    holder = re.compile(r"control-plane\d?_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-")
    assert [line.split()[0] for line in lines[1:]] == ["kube-controller-manager", "kube-scheduler"]
    assert all(holder.match(line.split()[1]) for line in lines[1:])
    members = cluster.etcd.members()
    assert [(m["name"], m["role"], m["term"]) for m in members] == [
        ("control-plane", "leader", 2),
        ("control-plane2", "follower", 2),
        ("control-plane3", "follower", 2),
    ]
    assert len({m["applied_index"] for m in members}) == 1
    assert members[1]["endpoint"] == "https://172.18.0.3:2379"


def test_only_the_lease_holders_work():
    cluster = serving(ha_cluster())
    for lease in ("kube-scheduler", "kube-controller-manager"):
        working = {acts(r, lease) for r in cluster.trace} - {None}
        assert working == {f"{lease}-control-plane"}


@pytest.mark.parametrize("lease", ["kube-scheduler", "kube-controller-manager"])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_standby_takes_over_15_to_17_s_plus_jitter_after_the_leader_crashes(lease, seed):
    cluster = serving(ha_cluster(seed), replicas=3)
    leader = cluster.component(lease)
    mark = len(cluster.trace)

    def renewed(c):
        return any(
            r.component == leader.name and r.verb == "update" and r.resource == "leases"
            and r.key == f"kube-system/{lease}"
            for r in list(c.trace)[mark:]
        )  # fmt: skip

    cluster.run_until(renewed, timeout=5)
    crash = cluster.now
    cluster.fail_node(leader.host_name)

    def taken(c):
        return c.component(lease).running and c.component(lease).leading

    took = cluster.run_until(taken, timeout=60)
    # the standby saw the last renew within one jittered retry, and tries again within another
    assert 15 < took < 15 + 2 * RETRY * (1 + JITTER)
    assert cluster.component(lease).name != leader.name
    assert cluster.api.get("leases", lease, "kube-system")["spec"]["leaseTransitions"] == 1
    # and the new leaders work: a scale-up needs the controllers and the scheduler
    cluster.kubectl("scale deployment web --replicas=5")
    cluster.run_until(lambda c: ready_pods(c) == 5, timeout=120)
    spans = assert_one_leader_at_a_time(cluster.trace, lease)
    assert [s[0] for s in spans] == [leader.name, cluster.component(lease).name]
    assert spans[0][2] == crash


@pytest.mark.parametrize("machine", ["control-plane", "control-plane2"])
def test_a_deployment_keeps_serving_through_the_loss_of_a_control_plane_machine(machine):
    cluster = serving(ha_cluster())
    traffic = cluster.load("web", rps=20, duration=90)
    cluster.run(10)
    cluster.fail_node(machine)
    cluster.run(85)
    assert traffic.sent == 1800 and traffic.failed == {}
    # two machines of three keep a quorum: the control plane still works
    cluster.kubectl("scale deployment web --replicas=5")
    cluster.run_until(lambda c: ready_pods(c) == 5, timeout=120)
    assert cluster.etcd.leader in [m for m in MACHINES if m != machine]


def test_the_control_plane_is_not_in_the_data_path():
    cluster = serving(ha_cluster())
    cluster.stop("kube-apiserver")  # every copy
    cluster.stop("etcd")
    cluster.run(60)
    traffic = cluster.request("web", count=100)
    assert traffic.ok == 100 and traffic.failed == {}
    with pytest.raises(k.KubectlError) as error:
        cluster.kubectl("get pods")
    assert str(error.value) == (
        "The connection to the server kind-external-load-balancer:6443 was refused"
        " - did you specify the right host or port?"
    )


def test_without_an_etcd_quorum_the_api_times_out_and_the_leaders_step_down():
    cluster = ha_cluster(nodes=1)
    cluster.run(10)
    cluster.stop("etcd-control-plane2")
    cluster.stop("etcd-control-plane3")
    lost = cluster.now
    with pytest.raises(k.APIError) as error:
        cluster.api.create("configmaps", {"metadata": {"name": "x"}})
    assert (error.value.code, str(error.value)) == (500, "etcdserver: request timed out")
    cluster.run(15)
    stopped = [r for r in cluster.trace if r.verb == "stopped-leading"]
    # renewDeadline (10 s) after the round that began one retryPeriod after the last renew
    assert len(stopped) == 2 and all(lost < r.time <= lost + RETRY + 10 for r in stopped)
    cluster.start("etcd")
    cluster.run(40)
    assert cluster.api.create("configmaps", {"metadata": {"name": "x"}})["metadata"]["name"] == "x"
    assert cluster.scheduler.leading and cluster.controller_manager.leading
    for lease in ("kube-scheduler", "kube-controller-manager"):
        assert len(assert_one_leader_at_a_time(cluster.trace, lease)) == 2


def test_a_partitioned_machine_is_taken_out_of_the_load_balancer():
    cluster = serving(ha_cluster(), replicas=2)
    cluster.partition(["control-plane"], ["control-plane2", "control-plane3"])
    cluster.run(5)
    assert cluster.etcd.leader in ("control-plane2", "control-plane3")
    ready = {b["machine"]: b["ready"] for b in cluster.api_load_balancer.backends()}
    assert ready == {"control-plane": False, "control-plane2": True, "control-plane3": True}
    cluster.kubectl("scale deployment web --replicas=3")  # served by a healthy API server
    cluster.run_until(lambda c: ready_pods(c) == 3, timeout=120)
    cluster.heal()
    cluster.run(1)
    assert all(b["ready"] for b in cluster.api_load_balancer.backends())
    assert len({m["raft_index"] for m in cluster.etcd.members()}) == 1
    cluster.etcd.raft.check()


def test_same_seed_same_history_and_a_snapshot_replays_it():
    def story():
        cluster = serving(ha_cluster(seed=3), replicas=2)
        cluster.fail_node("control-plane")
        snap = cluster.snapshot()
        cluster.run(30)
        restored = k.Cluster.restore(snap)
        restored.run(30)
        assert list(restored.trace) == list(cluster.trace)
        return list(cluster.trace)

    assert story() == story()


def test_a_single_control_plane_elects_its_leaders_at_once():
    # kubeadm's static pods run --leader-elect=true on one control plane too: the Leases exist,
    # taken at start (there was none), so the first pod is scheduled without waiting
    cluster = k.Cluster(nodes=1)
    assert cluster.api_load_balancer is None
    assert cluster.scheduler.leading and cluster.controller_manager.leading
    cluster.api.create("pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "web", "image": "k8sedu/web:1.0"}]},
    })  # fmt: skip
    cluster.run(1)
    assert cluster.api.get("pods", "web")["spec"]["nodeName"] == "node-1"
    lines = cluster.kubectl("get leases -n kube-system").splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["kube-controller-manager", "kube-scheduler"]
    assert all(line.split()[1].startswith("control-plane_") for line in lines[1:])
    assert list(cluster.components)[:4] == [
        "etcd", "kube-apiserver", "kube-scheduler", "kube-controller-manager"
    ]  # fmt: skip
    assert list(cluster.node("control-plane").processes) == ["kubelet", "kube-proxy"]
    with pytest.raises(ValueError, match="control_planes=3"):
        cluster.partition(["control-plane"], ["node-1"])


@pytest.mark.parametrize("component", ["kube-scheduler", "kube-controller-manager"])
def test_a_restarted_single_component_waits_for_its_old_lease(component):
    # cluster.stop is a crash: the Lease is not released; the new process (a new identity) takes
    # it once it has seen it unchanged for leaseDuration, by its own clock
    cluster = k.Cluster(nodes=1)
    cluster.run(5)
    cluster.stop(component)
    cluster.start(component)
    took = cluster.run_until(lambda c: c.component(component).leading, timeout=60)
    assert 15 <= took <= 15 + 2 * RETRY * (1 + JITTER)
    lease = cluster.api.get("leases", component, "kube-system")
    assert lease["spec"]["leaseTransitions"] == 1
    assert lease["spec"]["holderIdentity"] == cluster.component(component).elector.identity


def test_a_powered_off_leader_does_not_release():
    cluster = ha_cluster()
    cluster.run(5)
    leader = cluster.component("kube-scheduler")
    identity = leader.elector.identity
    cluster.fail_node(leader.host_name)  # a crash: nothing is written; the Lease must expire
    cluster.run(5)  # etcd elects a new leader among the two left
    lease = cluster.api.get("leases", "kube-scheduler", "kube-system")
    assert lease["spec"]["holderIdentity"] == identity


def test_kubectl_top_measures_every_control_plane_machine():
    cluster = ha_cluster(nodes=0)
    cluster.api.create("pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "cp3"},
        "spec": {"nodeName": "control-plane3",
                 "containers": [{"name": "web", "image": "k8sedu/web:1.0"}]},
    })  # fmt: skip
    cluster.run(90)
    assert [line.split()[0] for line in cluster.kubectl("top pods").splitlines()] == ["NAME", "cp3"]
    nodes = [line.split()[0] for line in cluster.kubectl("top nodes").splitlines()[1:]]
    assert nodes == MACHINES
