"""``kubectl drain``: cordon, filters, evictions that a PodDisruptionBudget blocks and then allows.

Expected lines are kubectl's (``staging/src/k8s.io/kubectl/pkg/drain/drain.go``, ``filters.go``,
``pkg/cmd/drain/drain.go``); the scheduler places the pods and the kubelets run them.
"""

import pytest

from k8sedu import cluster as cluster_module
from k8sedu.cluster import Cluster
from k8sedu.errors import KubectlError

MANAGER = "k8sedu.controllers.manager:ControllerManager"
PDB_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget."


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    monkeypatch.setitem(cluster_module.CONTROL_PLANE, "kube-controller-manager", MANAGER)
    return Cluster(nodes=2)


def replicaset(replicas: int) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
    }


PDB = {
    "apiVersion": "policy/v1",
    "kind": "PodDisruptionBudget",
    "metadata": {"name": "web"},
    "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
}


def pod_on(cluster: Cluster, node: str, selector: str = "app=web") -> dict:
    pods = cluster.api.list("pods", label_selector=selector, field_selector=f"spec.nodeName={node}")
    assert len(pods) == 1
    return pods[0]


def scale_web(cluster: Cluster, replicas: int) -> None:
    rs = cluster.api.get("replicasets", "web")
    rs["spec"]["replicas"] = replicas
    cluster.api.update("replicasets", rs)


def test_drain_blocked_by_pdb_until_a_replacement_is_ready(cluster):
    cluster.api.create("replicasets", replicaset(2))
    cluster.api.create("poddisruptionbudgets", PDB)
    cluster.run(5)
    name = pod_on(cluster, "node-1")["metadata"]["name"]
    status = cluster.api.get("poddisruptionbudgets", "web")["status"]
    assert (status["currentHealthy"], status["desiredHealthy"], status["disruptionsAllowed"]) == (
        2,
        2,
        0,
    )
    start = cluster.now
    cluster.sim.schedule(12, scale_web, cluster, 3)  # someone scales up while drain waits
    out = cluster.kubectl("drain node-1")
    assert out == (
        "node/node-1 cordoned\n"
        + f"evicting pod default/{name}\n" * 4  # tries at +0, +5, +10 refused; +15 allowed
        + f"pod/{name} evicted\n"
        + "node/node-1 drained\n"
    )
    retry = f'error when evicting pods/"{name}" -n "default" (will retry after 5s): {PDB_MESSAGE}'
    assert out.stderr == "\n".join([retry] * 3)
    assert cluster.now - start == 15
    assert cluster.api.get("nodes", "node-1")["spec"]["unschedulable"] is True


def test_drain_times_out(cluster):
    cluster.api.create("replicasets", replicaset(2))
    cluster.api.create("poddisruptionbudgets", PDB)
    cluster.run(5)
    name = pod_on(cluster, "node-1")["metadata"]["name"]
    start = cluster.now
    with pytest.raises(KubectlError) as failure:
        cluster.kubectl("drain node-1 --timeout=12s")
    error = f'error when evicting pods/"{name}" -n "default": global timeout reached: 12s'
    assert failure.value.stdout == "node/node-1 cordoned\n" + f"evicting pod default/{name}\n" * 4
    assert str(failure.value).splitlines()[-6:] == [
        f'There are pending pods in node "node-1" when an error occurred: {error}',
        f"pod/{name}",
        f'error: unable to drain node "node-1" due to error: {error}, continuing command...',
        "There are pending nodes to be drained:",
        " node-1",
        error,
    ]
    assert cluster.now - start == 15  # the 5 s sleep after the third refusal ends past 12 s


DAEMONSET = {
    "apiVersion": "apps/v1",
    "kind": "DaemonSet",
    "metadata": {"name": "agent", "namespace": "kube-system"},
    "spec": {
        "selector": {"matchLabels": {"app": "agent"}},
        "template": {
            "metadata": {"labels": {"app": "agent"}},
            "spec": {"containers": [{"name": "agent", "image": "nginx"}]},
        },
    },
}


def bare_pod(name: str, node: str, **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}], **spec},
    }


def test_daemonset_pods_need_ignore_daemonsets(cluster):
    cluster.api.create("daemonsets", DAEMONSET)
    cluster.run(2)
    agent = pod_on(cluster, "node-1", "app=agent")["metadata"]["name"]
    with pytest.raises(KubectlError) as failure:
        cluster.kubectl("drain node-1")
    message = (
        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): "
        f"kube-system/{agent}"
    )
    assert failure.value.stdout == "node/node-1 cordoned\n"
    assert str(failure.value) == "\n".join(
        [
            f'error: unable to drain node "node-1" due to error: {message}, continuing command...',
            "There are pending nodes to be drained:",
            " node-1",
            message,
        ]
    )
    out = cluster.kubectl("drain node-1 --ignore-daemonsets")
    assert out == "node/node-1 already cordoned\nnode/node-1 drained\n"
    assert out.stderr == f"Warning: ignoring DaemonSet-managed Pods: kube-system/{agent}"


@pytest.mark.parametrize(
    ("flags", "spec", "expected_error"),
    [
        pytest.param(
            "",
            {},
            "cannot delete Pods that declare no controller (use --force to override): default/lone",
            id="bare pod needs --force",
        ),
        pytest.param(
            "--force",
            {"volumes": [{"name": "scratch", "emptyDir": {}}]},
            "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/lone",
            id="emptyDir needs --delete-emptydir-data",
        ),
        pytest.param(
            "--force --delete-emptydir-data",
            {"volumes": [{"name": "s", "emptyDir": {}}]},
            None,
            id="both",
        ),
    ],
)
def test_filters(cluster, flags, spec, expected_error):
    cluster.api.create("pods", bare_pod("lone", "node-1", **spec))
    cluster.run(1)
    if expected_error is None:
        out = cluster.kubectl(f"drain node-1 {flags}")
        assert (
            out
            == "node/node-1 cordoned\nevicting pod default/lone\npod/lone evicted\nnode/node-1 drained\n"
        )
        assert out.stderr == "Warning: deleting Pods that declare no controller: default/lone"
        return
    with pytest.raises(KubectlError) as failure:
        cluster.kubectl(f"drain node-1 {flags}")
    assert str(failure.value).splitlines()[-1] == expected_error
