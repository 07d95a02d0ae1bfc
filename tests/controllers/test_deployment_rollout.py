"""Rollouts through a running cluster, step by step, with the bounds of REFERENCE §4.1.

The test plays the scheduler and the kubelet (``Nodes.step``: bind pending pods, make them Ready,
finish terminating ones), so it decides exactly when pods become available; a watch records, at
every ReplicaSet and pod event, the pods asked for (Σ spec.replicas) and the pods available.
"""

import re

import pytest

from k8sedu import cluster as cluster_module
from k8sedu.cluster import Cluster
from k8sedu.objects import timestamp
from tests.controllers.conftest import manager_only


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    return manager_only(monkeypatch)


def deployment(replicas: int, image: str = "nginx:1.25", **spec) -> dict:
    labels = {"app": "web"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "nginx", "image": image}]},
            },
            **spec,
        },
    }


class Nodes:
    """The scheduler and kubelet stand-in. Pods whose image is in ``broken`` never get Ready."""

    def __init__(self, cluster: Cluster, broken: tuple[str, ...] = ()) -> None:
        self.cluster, self.broken = cluster, broken

    def step(self) -> None:
        api = self.cluster.api
        for pod in api.list("pods", namespace="default"):
            name = pod["metadata"]["name"]
            if pod["metadata"].get("deletionTimestamp"):
                api.delete("pods", name, grace_period=0)  # the kubelet confirms the kill
            elif not pod["spec"].get("nodeName"):
                api.bind(name, "node-1")
                if pod["spec"]["containers"][0]["image"] not in self.broken:
                    body = api.get("pods", name)
                    ready = {"type": "Ready", "status": "True"}
                    ready["lastTransitionTime"] = self.cluster.timestamp()
                    body["status"].update(phase="Running", conditions=[ready])
                    api.update_status("pods", body)

    def run(self, seconds: int) -> None:
        for _ in range(seconds):
            self.step()
            self.cluster.run(1)


class Bounds:
    """Pods asked for and pods available, after every ReplicaSet and pod event."""

    def __init__(self, cluster: Cluster) -> None:
        self.sizes = {
            rs["metadata"]["name"]: rs["spec"]["replicas"] for rs in cluster.api.list("replicasets")
        }
        self.available = {
            p["metadata"]["name"]: self._available(p) for p in cluster.api.list("pods")
        }
        self.max_asked = sum(self.sizes.values())
        self.min_available = sum(self.available.values())
        cluster.api.watch("replicasets", self.on_replicaset)
        cluster.api.watch("pods", self.on_pod)

    @staticmethod
    def _available(pod: dict) -> bool:
        conditions = pod.get("status", {}).get("conditions") or []
        ready = any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)
        return ready and not pod["metadata"].get("deletionTimestamp")

    def on_replicaset(self, event: dict) -> None:
        name = event["object"]["metadata"]["name"]
        self.sizes[name] = 0 if event["type"] == "DELETED" else event["object"]["spec"]["replicas"]
        self.max_asked = max(self.max_asked, sum(self.sizes.values()))

    def on_pod(self, event: dict) -> None:
        obj = event["object"]
        self.available[obj["metadata"]["name"]] = event["type"] != "DELETED" and self._available(
            obj
        )
        self.min_available = min(self.min_available, sum(self.available.values()))


def scaling(cluster: Cluster, new_rs: str, since: float = 0) -> list[str]:
    """The ScalingReplicaSet events, with the new ReplicaSet called "new" and others "old"."""
    steps = []
    for event in cluster.events:
        if event["reason"] != "ScalingReplicaSet" or event["lastTimestamp"] < timestamp(since):
            continue
        m = re.match(r"Scaled (up|down) replica set (\S+) from (\d+) to (\d+)", event["message"])
        which = "new" if m.group(2) == new_rs else "old"
        steps.append(f"{which} {m.group(3)}→{m.group(4)}")
    return steps


def new_replicaset(cluster: Cluster) -> dict:
    return max(
        cluster.api.list("replicasets", namespace="default"),
        key=lambda rs: int(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]),
    )


def roll_out(cluster: Cluster, nodes: Nodes, image: str, seconds: int = 20) -> None:
    cluster.api.patch(
        "deployments",
        "web",
        {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": image}]}}}},
    )
    nodes.run(seconds)


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "steps"),
    [
        pytest.param(1, 1, 0, ["new 0→1", "old 1→0"], id="1 replica"),
        pytest.param(
            3,
            1,
            0,
            ["new 0→1", "old 3→2", "new 1→2", "old 2→1", "new 2→3", "old 1→0"],
            id="3 replicas",
        ),
        pytest.param(
            4,
            1,
            1,
            ["new 0→1", "old 4→3", "new 1→2", "old 3→1", "new 2→4", "old 1→0"],
            id="4 replicas",
        ),
        pytest.param(
            10,
            3,
            2,
            ["new 0→3", "old 10→8", "new 3→5", "old 8→3", "new 5→10", "old 3→0"],
            id="10 replicas",
        ),
    ],
)
def test_rolling_update_stays_within_surge_and_unavailability(
    cluster, replicas, surge, unavailable, steps
):
    nodes = Nodes(cluster)
    cluster.api.create("deployments", deployment(replicas))
    nodes.run(3)
    bounds = Bounds(cluster)
    start = cluster.now
    roll_out(cluster, nodes, "nginx:1.26")
    assert scaling(cluster, new_replicaset(cluster)["metadata"]["name"], since=start) == steps
    assert bounds.max_asked == replicas + surge
    assert bounds.min_available >= replicas - unavailable
    status = cluster.api.get("deployments", "web")["status"]
    assert (status["updatedReplicas"], status["availableReplicas"]) == (replicas, replicas)
    assert status["conditions"][-1]["reason"] == "NewReplicaSetAvailable"


def test_a_stuck_rollout_reports_its_progress_deadline(cluster):
    nodes = Nodes(cluster, broken=("nginx:broken",))
    cluster.api.create("deployments", deployment(3, progressDeadlineSeconds=60))
    nodes.run(2)
    start = cluster.now  # 2 s
    cluster.api.patch(
        "deployments",
        "web",
        {
            "spec": {
                "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:broken"}]}}
            }
        },
    )

    def timed_out(c: Cluster) -> bool:
        conditions = c.api.get("deployments", "web")["status"]["conditions"]
        return any(x["reason"] == "ProgressDeadlineExceeded" for x in conditions)

    nodes.step()
    taken = start + cluster.run_until(timed_out, timeout=120)
    assert taken == start + 60 + 1  # last progress at 2 s, deadline 60 s, requeued 1 s after
    new = new_replicaset(cluster)
    progressing = cluster.api.get("deployments", "web")["status"]["conditions"][-1]
    assert (progressing["status"], progressing["message"]) == (
        "False",
        f'ReplicaSet "{new["metadata"]["name"]}" has timed out progressing.',
    )
    assert [rs["spec"]["replicas"] for rs in cluster.api.list("replicasets")] != []
    assert new["spec"]["replicas"] == 1  # the surge, and no more: the old pods keep serving
    assert cluster.api.get("deployments", "web")["status"]["availableReplicas"] == 3


def test_undo_reuses_the_old_replicaset(cluster):
    nodes = Nodes(cluster)
    cluster.api.create("deployments", deployment(2))
    nodes.run(3)
    first = new_replicaset(cluster)["metadata"]["name"]
    roll_out(cluster, nodes, "nginx:1.26", seconds=10)
    assert cluster.kubectl("rollout undo deployment/web") == "deployment.apps/web rolled back\n"
    nodes.run(10)
    replicasets = {rs["metadata"]["name"]: rs for rs in cluster.api.list("replicasets")}
    assert len(replicasets) == 2
    back = replicasets[first]
    assert back["spec"]["replicas"] == 2
    assert back["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    assert back["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "1"
    image = cluster.api.get("deployments", "web")["spec"]["template"]["spec"]["containers"][0][
        "image"
    ]
    assert image == "nginx:1.25"


def test_revision_history_limit_deletes_the_oldest_empty_replicasets(cluster):
    nodes = Nodes(cluster)
    cluster.api.create("deployments", deployment(1, revisionHistoryLimit=1))
    nodes.run(3)
    for image in ("nginx:1.26", "nginx:1.27"):
        roll_out(cluster, nodes, image, seconds=6)
    images = sorted(
        rs["spec"]["template"]["spec"]["containers"][0]["image"]
        for rs in cluster.api.list("replicasets")
    )
    assert images == ["nginx:1.26", "nginx:1.27"]


def test_recreate_removes_every_old_pod_before_creating_new_ones(cluster):
    nodes = Nodes(cluster)
    cluster.api.create("deployments", deployment(3, strategy={"type": "Recreate"}))
    nodes.run(3)
    bounds = Bounds(cluster)
    start = cluster.now
    roll_out(cluster, nodes, "nginx:1.26", seconds=6)
    assert scaling(cluster, new_replicaset(cluster)["metadata"]["name"], since=start) == [
        "old 3→0",
        "new 0→3",
    ]
    assert bounds.min_available == 0  # the price of Recreate
    assert bounds.max_asked == 3


def test_min_ready_seconds_delays_availability(cluster):
    nodes = Nodes(cluster)
    cluster.api.create("deployments", deployment(2, minReadySeconds=10))
    cluster.run(1.25)  # the pods are created at t = 0
    nodes.step()  # bound and Ready at t = 1.25: lastTransitionTime 00:00:01 (whole seconds)
    cluster.run(9.95)
    assert cluster.api.get("deployments", "web")["status"].get("availableReplicas", 0) == 0
    cluster.run(0.05)  # t = 11.25: the ReplicaSet re-checks minReadySeconds after its last sync
    assert cluster.api.get("deployments", "web")["status"]["availableReplicas"] == 2


def test_a_paused_deployment_waits_for_resume(cluster):
    nodes = Nodes(cluster)
    cluster.api.create("deployments", deployment(2))
    nodes.run(3)
    assert cluster.kubectl("rollout pause deployment/web") == "deployment.apps/web paused\n"
    roll_out(cluster, nodes, "nginx:1.26", seconds=5)
    assert len(cluster.api.list("replicasets")) == 1
    progressing = cluster.api.get("deployments", "web")["status"]["conditions"][-1]
    assert (progressing["status"], progressing["reason"]) == ("Unknown", "DeploymentPaused")
    cluster.kubectl("rollout resume deployment/web")
    nodes.run(10)
    assert (
        new_replicaset(cluster)["spec"]["template"]["spec"]["containers"][0]["image"]
        == "nginx:1.26"
    )
    assert cluster.api.get("deployments", "web")["status"]["updatedReplicas"] == 2


def test_scaling_in_the_middle_of_a_rollout_is_proportional(cluster):
    nodes = Nodes(cluster, broken=("nginx:broken",))
    cluster.api.create("deployments", deployment(10))
    nodes.run(3)
    roll_out(cluster, nodes, "nginx:broken", seconds=3)
    sizes = sorted(rs["spec"]["replicas"] for rs in cluster.api.list("replicasets"))
    assert sizes == [5, 8]  # new 0→3 (surge), old 10→8, new 3→5; then stuck
    cluster.api.patch("deployments", "web", {"spec": {"replicas": 20}})
    nodes.run(2)
    sizes = sorted(rs["spec"]["replicas"] for rs in cluster.api.list("replicasets"))
    # 25 allowed (20 + surge 5), 13 asked: 12 more, shared by size against max-replicas 13:
    # old 8·25/13 = 15.4 → 15 (+7), new 5·25/13 = 9.6 → 10 (+5)
    assert sizes == [10, 15]


WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: k8sedu/web:1.0}]}
"""


@pytest.mark.skipif(
    "kube-scheduler" not in cluster_module.CONTROL_PLANE
    or "kubelet" not in cluster_module.NODE_PROCESSES,
    reason="needs the real scheduler and kubelet",
)
def test_end_to_end_with_the_real_scheduler_and_kubelets():
    cluster = Cluster(nodes=3)
    assert cluster.apply(WEB) == ["deployment.apps/web created"]
    cluster.run(30)
    rows = cluster.kubectl("get pods").splitlines()[1:]
    assert [row.split()[1:3] for row in rows] == [["1/1", "Running"]] * 3
    assert (
        cluster.kubectl("set image deployment/web web=k8sedu/web:2.0")
        == "deployment.apps/web image updated\n"
    )
    out = cluster.kubectl("rollout status deployment/web")
    assert out.splitlines()[-1] == 'deployment "web" successfully rolled out'
    assert (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...'
        in out
    )
    images = {
        p["spec"]["containers"][0]["image"] for p in cluster.api.list("pods", namespace="default")
    }
    assert images == {"k8sedu/web:2.0"}
    assert cluster.kubectl("get deploy web").splitlines()[1].split()[1:4] == ["3/3", "3", "3"]


@pytest.mark.skipif(
    "kube-scheduler" not in cluster_module.CONTROL_PLANE
    or "kubelet" not in cluster_module.NODE_PROCESSES,
    reason="needs the real scheduler and kubelet",
)
def test_a_snapshot_mid_rollout_continues_exactly_like_the_original():
    cluster = Cluster(nodes=2)
    cluster.apply(WEB)
    cluster.run(20)
    cluster.kubectl("set image deployment/web web=k8sedu/web:2.0")
    cluster.run(0.5)
    copy = Cluster.restore(cluster.snapshot())
    for c in (cluster, copy):
        c.run(30)
    assert [tuple(r) for r in copy.trace.since(20)] == [tuple(r) for r in cluster.trace.since(20)]
    assert copy.kubectl("get rs") == cluster.kubectl("get rs")


def test_the_deployment_carries_the_revision_of_its_new_replicaset(cluster):
    nodes = Nodes(cluster)
    cluster.api.create("deployments", deployment(1))
    nodes.run(3)
    roll_out(cluster, nodes, "nginx:1.26", seconds=5)
    annotations = cluster.api.get("deployments", "web")["metadata"]["annotations"]
    assert annotations["deployment.kubernetes.io/revision"] == "2"
