"""The ReplicaSet controller, one reconcile at a time (sample-controller style).

The controller is stopped while the test puts objects into the API and lets the shared informer
caches catch up (``run(0)``); then one ``reconcile(key)`` runs and the test reads the API actions
it issued from the audit trail in ``cluster.trace``. No kubelet runs: the test sets pod status.
"""

import pytest

from k8sedu.client.controller import Controller
from k8sedu.cluster import Cluster
from k8sedu.controllers.replicaset import pod_from_template
from k8sedu.errors import Forbidden
from k8sedu.labels import selector_from_spec
from tests.controllers.conftest import manager_only

SA = "system:serviceaccount:kube-system:replicaset-controller"


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    return manager_only(monkeypatch, stop=("nodelifecycle", "replicaset"))


def replicaset(replicas: int, name: str = "web", min_ready: int = 0) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "minReadySeconds": min_ready,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name, "tier": "front"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


def pod(name: str, labels: dict, owner: dict | None = None) -> dict:
    meta = {"name": name, "labels": labels}
    if owner is not None:
        meta["ownerReferences"] = [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": owner["metadata"]["name"],
                "uid": owner["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }


def make_ready(cluster: Cluster, name: str, at: float | None = None) -> None:
    """Stand in for the scheduler and the kubelet: bind to node-1, Running and Ready."""
    cluster.api.bind(name, "node-1")
    body = cluster.api.get("pods", name)
    ready_at = cluster.timestamp() if at is None else cluster.timestamp(at - cluster.now)
    body["status"].update(
        phase="Running",
        conditions=[{"type": "Ready", "status": "True", "lastTransitionTime": ready_at}],
    )
    cluster.api.update_status("pods", body)


def reconcile(
    cluster: Cluster, key: str = "default/web", raises: type | None = None
) -> list[tuple[str, str, int]]:
    """One reconcile of the (stopped) controller; its API calls as (verb, resource, code).
    ``raises``: the error it must return (a Go controller's returned error)."""
    cluster.run(0)  # the informer caches catch up with what the test wrote
    controller = cluster.controller_manager.controller("replicaset")
    if not controller.running:
        cluster.start("kube-controller-manager/replicaset")  # client and queue; no clock moves
    mark = cluster.trace.total
    if raises is None:
        controller.reconcile(key)
    else:
        with pytest.raises(raises):
            controller.reconcile(key)
    records = list(cluster.trace)[len(cluster.trace) - (cluster.trace.total - mark) :]
    return [
        (r.verb, r.resource, r.detail["code"])
        for r in records
        if isinstance(r.detail, dict) and r.detail.get("user") == SA and r.resource != "events"
    ]


def pod_names(cluster: Cluster) -> list[str]:
    return [
        p["metadata"]["name"]
        for p in cluster.api.list("pods", namespace="default")
        if not p["metadata"].get("deletionTimestamp")
    ]


def test_creates_the_missing_pods_and_reports_status(cluster):
    cluster.api.create("replicasets", replicaset(3))
    assert reconcile(cluster) == [("create", "pods", 201)] * 3 + [
        ("update", "replicasets/status", 200)
    ]
    created = cluster.api.list("pods", namespace="default")
    assert [p["metadata"]["generateName"] for p in created] == ["web-"] * 3
    assert all(p["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet" for p in created)
    # the cache had no pods yet when it counted
    assert cluster.api.get("replicasets", "web")["status"] == {
        "replicas": 0,
        "observedGeneration": 1,
    }


def test_expectations_hold_back_a_second_sync_until_the_creations_are_seen(cluster):
    cluster.api.create("replicasets", replicaset(3))
    reconcile(cluster)
    controller = cluster.controller_manager.controller("replicaset")
    controller.reconcile(
        "default/web"
    )  # the cache still shows no pods: without expectations, 3 more
    assert len(cluster.api.list("pods", namespace="default")) == 3
    cluster.run(0)  # the ADDED events arrive: expectations met
    assert controller.expectations.get("default/web") == (0, 0)


@pytest.mark.parametrize(
    ("allowed", "attempts"),
    [
        pytest.param(0, [403], id="first batch of 1 fails: nothing more tried"),
        pytest.param(3, [201] * 3 + [403] * 4, id="batches 1, 2 succeed; batch of 4 fails"),
        pytest.param(7, [201] * 7 + [403] * 3, id="batches 1, 2, 4 succeed; last 3 fail"),
    ],
)
def test_slow_start_stops_after_the_first_failing_batch(cluster, allowed, attempts):
    created = []

    def quota(request):
        if request["resource"]["resource"] == "pods" and request["operation"] == "CREATE":
            if len(created) >= allowed:
                raise Forbidden('pods "web" is forbidden: exceeded quota: pods')
            created.append(1)

    cluster.apiserver.admission.register("Quota", validate=quota)
    cluster.api.create("replicasets", replicaset(10))
    actions = reconcile(cluster, raises=Forbidden)
    assert [code for verb, res, code in actions if res == "pods"] == attempts
    failure = cluster.api.get("replicasets", "web")["status"]["conditions"][0]
    assert (failure["type"], failure["reason"]) == ("ReplicaFailure", "FailedCreate")
    assert failure["message"] == 'pods "web" is forbidden: exceeded quota: pods'
    warnings = [e["message"] for e in cluster.events if e["reason"] == "FailedCreate"]
    assert warnings == ['Error creating: pods "web" is forbidden: exceeded quota: pods']


def test_at_most_500_creations_per_sync(cluster):
    cluster.api.create("replicasets", replicaset(520))
    actions = reconcile(cluster)
    assert sum(res == "pods" for _, res, _ in actions) == 500


def test_adopts_an_orphan_whose_labels_match(cluster):
    cluster.api.create("replicasets", replicaset(1))
    cluster.api.create("pods", pod("stray", {"app": "web"}))
    assert reconcile(cluster) == [
        ("get", "replicasets", 200),  # the uncached recheck before adopting
        ("patch", "pods", 200),
        ("update", "replicasets/status", 200),
    ]
    ref = cluster.api.get("pods", "stray")["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["controller"]) == ("ReplicaSet", "web", True)


def test_releases_an_owned_pod_whose_labels_no_longer_match(cluster):
    rs = cluster.api.create("replicasets", replicaset(1))
    cluster.api.create("pods", pod("web-old", {"app": "other"}, owner=rs))
    assert reconcile(cluster) == [
        ("patch", "pods", 200),  # release
        ("create", "pods", 201),  # then it has none: make one
        ("update", "replicasets/status", 200),
    ]
    assert not cluster.api.get("pods", "web-old")["metadata"].get("ownerReferences")


def test_ignores_pods_another_controller_owns(cluster):
    rs = cluster.api.create("replicasets", replicaset(1))
    other = cluster.api.create("replicasets", replicaset(0, name="other"))
    cluster.api.create("pods", pod("theirs", {"app": "web"}, owner=other))
    assert ("patch", "pods", 200) not in reconcile(cluster)
    assert len(pod_names(cluster)) == 2
    assert rs["metadata"]["uid"] != other["metadata"]["uid"]


def test_status_counts_labeled_ready_and_available_pods(cluster):
    rs = cluster.api.create("replicasets", replicaset(3, min_ready=30))
    cluster.api.create("pods", pod("a", {"app": "web", "tier": "front"}, owner=rs))
    cluster.api.create("pods", pod("b", {"app": "web", "tier": "front"}, owner=rs))
    cluster.api.create("pods", pod("c", {"app": "web"}, owner=rs))  # misses tier: not fully labeled
    cluster.run(100)
    make_ready(cluster, "a", at=10)  # ready for 90 s > minReadySeconds 30: available
    make_ready(cluster, "b")  # ready just now: not available yet
    reconcile(cluster)
    status = cluster.api.get("replicasets", "web")["status"]
    assert status == {
        "replicas": 3,
        "fullyLabeledReplicas": 2,
        "readyReplicas": 2,
        "availableReplicas": 1,
        "observedGeneration": 1,
    }


def test_scale_down_deletes_the_least_useful_pods(cluster):
    rs = cluster.api.create("replicasets", replicaset(1))
    for name in ("pending", "ready", "unbound"):
        cluster.api.create("pods", pod(name, {"app": "web"}, owner=rs))
    cluster.run(10)
    cluster.api.bind("pending", "node-1")
    make_ready(cluster, "ready")
    assert reconcile(cluster) == [("delete", "pods", 200)] * 2 + [
        ("update", "replicasets/status", 200)
    ]
    assert pod_names(cluster) == ["ready"]
    deleted = [e["message"] for e in cluster.events if e["reason"] == "SuccessfulDelete"]
    assert deleted == ["Deleted pod: unbound", "Deleted pod: pending"]  # unassigned first


def test_a_deleted_replicaset_forgets_its_expectations(cluster):
    cluster.api.create("replicasets", replicaset(2))
    reconcile(cluster)
    cluster.api.delete("replicasets", "web", propagation_policy="Orphan")
    assert reconcile(cluster) == []
    assert (
        cluster.controller_manager.controller("replicaset").expectations.get("default/web") is None
    )


def test_converges_when_it_runs(cluster):
    cluster.start("kube-controller-manager/replicaset")
    cluster.api.create("replicasets", replicaset(3))
    cluster.run(1)
    assert len(pod_names(cluster)) == 3
    cluster.api.patch("replicasets", "web", {"spec": {"replicas": 1}})
    cluster.run(1)
    assert len(pod_names(cluster)) == 1
    assert cluster.api.get("replicasets", "web")["status"]["replicas"] == 1


class NaiveReplicaSets(Controller):
    """A learner's first attempt (exercise 05): count pods, create the difference."""

    resource = "replicasets"

    def reconcile(self, key: str) -> None:
        rs = self.informer("replicasets").get(key)
        if rs is None:
            return
        selector = selector_from_spec(rs["spec"]["selector"])
        pods = [
            p
            for p in self.informer("pods").list("default")
            if selector.matches(p["metadata"].get("labels"))
        ]
        for _ in range(rs["spec"]["replicas"] - len(pods)):
            self.client.create("pods", pod_from_template(rs))


def test_a_learners_controller_replaces_the_real_one(cluster):
    replaced = cluster.controller_manager.replace("replicaset", NaiveReplicaSets)
    cluster.start("kube-controller-manager/replicaset")  # the fixture had stopped the real one
    assert cluster.component("kube-controller-manager/replicaset") is replaced
    assert replaced.running
    cluster.api.create("replicasets", replicaset(2))
    cluster.run(1)
    # without expectations it may overshoot; with the cache caught up it makes at least 2
    assert len(pod_names(cluster)) >= 2
    creators = {r.detail["user"] for r in cluster.trace.filter(verb="create", resource="pods")}
    assert creators == {SA}  # same name, same identity: it took the real one's place
