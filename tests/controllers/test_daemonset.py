"""The DaemonSet controller: one pod per eligible node, tolerations, a new node, rolling update.

The daemon pods go through kube-scheduler (their ``matchFields`` affinity names the node) and
the kubelets run them.
Expected values: ``pkg/controller/daemon/util/daemonset_util.go`` (the daemon tolerations) and
``update.go`` (maxUnavailable 1).
"""

import pytest

from k8sedu import objects
from k8sedu.cluster import Cluster
from k8sedu.controllers.daemonset import daemon_tolerations, should_run, target_node


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(nodes=2)


def daemonset(image: str = "nginx:1.27", **template_spec) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "kube-system"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "agent", "image": image}], **template_spec},
            },
        },
    }


def agent_pods(cluster: Cluster) -> list[dict]:
    return [
        p
        for p in cluster.api.list("pods", namespace="kube-system", label_selector="app=agent")
        if not p["metadata"].get("deletionTimestamp")
    ]


def all_ready(cluster: Cluster, count: int) -> bool:
    pods = agent_pods(cluster)
    return len(pods) == count and all(objects.is_pod_ready(p) for p in pods)


def nodes_of(cluster: Cluster) -> list[str]:
    return sorted(target_node(p) for p in agent_pods(cluster))


def node(name: str, taints=None, labels=None) -> dict:
    return {"metadata": {"name": name, "labels": labels or {}}, "spec": {"taints": taints or []}}


@pytest.mark.parametrize(
    ("template_spec", "node_obj", "expected"),
    [
        pytest.param({}, node("n"), (True, True), id="plain node"),
        pytest.param(
            {},
            node("n", [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
            (False, True),
            id="control-plane NoSchedule: not placed, kept",
        ),
        pytest.param(
            {},
            node("n", [{"key": "dedicated", "value": "db", "effect": "NoExecute"}]),
            (False, False),
            id="untolerated NoExecute: removed",
        ),
        pytest.param(
            {},
            node("n", [{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]),
            (True, True),
            id="unreachable tolerated by the daemon tolerations",
        ),
        pytest.param(
            {},
            node("n", [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]),
            (True, True),
            id="cordoned node still runs daemons",
        ),
        pytest.param(
            {"nodeSelector": {"disk": "ssd"}}, node("n"), (False, False), id="nodeSelector"
        ),
        pytest.param(
            {"nodeSelector": {"disk": "ssd"}},
            node("n", labels={"disk": "ssd"}),
            (True, True),
            id="nodeSelector matches",
        ),
    ],
)
def test_should_run(template_spec, node_obj, expected):
    assert should_run(daemonset(**template_spec), node_obj) == expected


def test_daemon_tolerations_added():
    keys = [(t["key"], t["effect"]) for t in daemon_tolerations({})]
    assert keys == [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]
    assert all("tolerationSeconds" not in t for t in daemon_tolerations({}))


def test_one_pod_per_worker_and_a_new_node(cluster):
    cluster.api.create("daemonsets", daemonset())
    cluster.run(0)
    pods = agent_pods(cluster)
    assert nodes_of(cluster) == ["node-1", "node-2"]  # not the tainted control-plane
    terms = pods[0]["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]
    assert terms == {
        "nodeSelectorTerms": [
            {
                "matchFields": [
                    {"key": "metadata.name", "operator": "In", "values": [target_node(pods[0])]}
                ]
            }
        ]
    }
    cluster.run_until(lambda c: all_ready(c, 2), 300)
    cluster.add_node("node-3")
    cluster.run(0)
    assert nodes_of(cluster) == ["node-1", "node-2", "node-3"]
    cluster.run_until(lambda c: all_ready(c, 3), 300)
    status = cluster.api.get("daemonsets", "agent", "kube-system")["status"]
    assert (status["desiredNumberScheduled"], status["currentNumberScheduled"]) == (3, 3)
    assert (status["numberReady"], status["numberAvailable"], status["numberMisscheduled"]) == (
        3,
        3,
        0,
    )
    assert status["updatedNumberScheduled"] == 3
    assert cluster.kubectl("get ds -n kube-system").splitlines()[1].split()[1:6] == ["3"] * 5


def test_rolling_update_one_node_at_a_time(cluster):
    cluster.add_node("node-3")
    cluster.api.create("daemonsets", daemonset())
    cluster.run_until(lambda c: all_ready(c, 3), 300)
    old_hash = agent_pods(cluster)[0]["metadata"]["labels"]["controller-revision-hash"]
    ds = cluster.api.get("daemonsets", "agent", "kube-system")
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    cluster.api.update("daemonsets", ds)
    most_unavailable = 0
    for _ in range(600):
        cluster.run(1)
        ready_nodes = {target_node(p) for p in agent_pods(cluster) if objects.is_pod_ready(p)}
        most_unavailable = max(most_unavailable, 3 - len(ready_nodes))
        hashes = {p["metadata"]["labels"]["controller-revision-hash"] for p in agent_pods(cluster)}
        if all_ready(cluster, 3) and old_hash not in hashes:
            break
    assert most_unavailable == 1  # maxUnavailable 1: one node at a time
    assert {p["spec"]["containers"][0]["image"] for p in agent_pods(cluster)} == {"nginx:1.28"}
