"""The Deployment controller's arithmetic (REFERENCE §4.1) and single reconciles."""

import pytest

from k8sedu.cluster import Cluster
from k8sedu.controllers.deployment import util
from k8sedu.errors import Conflict
from tests.controllers.conftest import manager_only

SA = "system:serviceaccount:kube-system:deployment-controller"


@pytest.mark.parametrize(
    ("surge", "unavailable", "desired", "expected"),
    [
        pytest.param("25%", "25%", 1, (1, 0), id="1 replica: surge rounds up, unavailable down"),
        pytest.param("25%", "25%", 3, (1, 0), id="3 replicas"),
        pytest.param("25%", "25%", 4, (1, 1), id="4 replicas"),
        pytest.param("25%", "25%", 10, (3, 2), id="10 replicas: 2.5 → 3 and 2"),
        pytest.param("0%", "1%", 2, (0, 1), id="both resolve to 0: unavailable 1"),
        pytest.param("1%", "25%", 2, (1, 0), id="1% surge of 2 rounds up to 1"),
        pytest.param(2, 0, 5, (2, 0), id="integers as they are"),
        pytest.param(0, "50%", 5, (0, 2), id="50% of 5 unavailable: 2"),
    ],
)
def test_resolve_fenceposts(surge, unavailable, desired, expected):
    assert util.resolve_fenceposts(surge, unavailable, desired) == expected


def deployment(replicas: int = 3, surge="25%", unavailable="25%", strategy="RollingUpdate") -> dict:
    labels = {"app": "web"}
    spec = {
        "replicas": replicas,
        "selector": {"matchLabels": labels},
        "strategy": {"type": strategy},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]},
        },
    }
    if strategy == "RollingUpdate":
        spec["strategy"]["rollingUpdate"] = {"maxSurge": surge, "maxUnavailable": unavailable}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": spec,
    }


def rs(replicas: int) -> dict:
    return {"metadata": {"name": f"rs-{replicas}"}, "spec": {"replicas": replicas}}


@pytest.mark.parametrize(
    ("d", "others", "new", "expected"),
    [
        pytest.param(deployment(10), [10], 0, 3, id="10 old: new grows by the surge of 3"),
        pytest.param(deployment(10), [8], 3, 5, id="8 old + 3 new: 2 more fit under 13"),
        pytest.param(deployment(10), [10], 3, 3, id="13 asked for: no room"),
        pytest.param(deployment(4), [1], 2, 4, id="never above replicas"),
        pytest.param(deployment(3, strategy="Recreate"), [3], 0, 3, id="Recreate: all at once"),
    ],
)
def test_new_rs_new_replicas(d, others, new, expected):
    new_rs = rs(new)
    assert util.new_rs_new_replicas(d, [rs(n) for n in others] + [new_rs], new_rs) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        pytest.param(deployment(3, unavailable=5), 3, id="capped at replicas"),
        pytest.param(deployment(0), 0, id="no replicas"),
        pytest.param(deployment(4, strategy="Recreate"), 0, id="Recreate"),
    ],
)
def test_max_unavailable(d, expected):
    assert util.max_unavailable(d) == expected


def test_pod_template_hash_has_the_real_shape():
    template = deployment()["spec"]["template"]
    value = util.compute_hash(template)
    assert 1 <= len(value) <= 10 and set(value) <= set(util.SAFE_ALPHABET)
    assert util.compute_hash(template) == value  # stable
    assert util.compute_hash(template, collision_count=1) != value
    assert util.safe_encode(str(util.fnv32a(b""))) == "65bb57b6b5"  # 2166136261, the FNV offset


def test_equal_ignore_hash():
    a = {"metadata": {"labels": {"app": "web", "pod-template-hash": "abc"}}, "spec": {}}
    b = {"metadata": {"labels": {"app": "web"}}, "spec": {}}
    assert util.equal_ignore_hash(a, b)
    assert not util.equal_ignore_hash(a, {"metadata": {"labels": {"app": "api"}}, "spec": {}})


@pytest.mark.parametrize(
    ("status", "complete"),
    [
        pytest.param(
            {"updatedReplicas": 4, "replicas": 4, "availableReplicas": 4, "observedGeneration": 1},
            True,
            id="all updated and available",
        ),
        pytest.param(
            {"updatedReplicas": 4, "replicas": 4, "availableReplicas": 3, "observedGeneration": 1},
            True,
            id="available ≥ replicas − maxUnavailable",
        ),
        pytest.param(
            {"updatedReplicas": 4, "replicas": 5, "availableReplicas": 4, "observedGeneration": 1},
            False,
            id="an old pod remains",
        ),
        pytest.param(
            {"updatedReplicas": 4, "replicas": 4, "availableReplicas": 4, "observedGeneration": 0},
            False,
            id="spec not observed",
        ),
    ],
)
def test_deployment_complete(status, complete):
    d = deployment(4)
    d["metadata"]["generation"] = 1
    assert util.deployment_complete(d, status) is complete


# --- one reconcile -------------------------------------------------------------------------------


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    return manager_only(monkeypatch, stop=("deployment",))


def reconcile(cluster: Cluster, key: str = "default/web") -> list[tuple[str, str, int]]:
    """One reconcile of the stopped controller; its API writes as (verb, resource, code). A
    returned error (here: a Conflict, the controller's copy being stale after its own first
    status write, exactly as in Go) would requeue the key; the test only records it."""
    cluster.run(0)
    controller = cluster.controller_manager.controller("deployment")
    if not controller.running:
        cluster.start("kube-controller-manager/deployment")
    mark = cluster.trace.total
    try:
        controller.reconcile(key)
    except Conflict:
        pass
    records = list(cluster.trace)[len(cluster.trace) - (cluster.trace.total - mark) :]
    return [
        (r.verb, r.resource, r.detail["code"])
        for r in records
        if isinstance(r.detail, dict) and r.detail.get("user") == SA and r.resource != "events"
    ]


def test_a_new_deployment_gets_its_first_replicaset(cluster):
    cluster.api.create("deployments", deployment(3))
    assert reconcile(cluster) == [
        ("create", "replicasets", 201),
        ("update", "deployments/status", 200),  # revision, Progressing=NewReplicaSetCreated
        ("update", "deployments/status", 409),  # Available, from the stale copy: retried later
    ]
    (created,) = cluster.api.list("replicasets", namespace="default")
    pod_hash = created["metadata"]["labels"]["pod-template-hash"]
    assert created["metadata"]["name"] == f"web-{pod_hash}"
    assert created["spec"]["replicas"] == 3
    assert created["spec"]["selector"]["matchLabels"] == {
        "app": "web",
        "pod-template-hash": pod_hash,
    }
    assert created["metadata"]["annotations"] == {
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
        "deployment.kubernetes.io/revision": "1",
    }
    assert created["metadata"]["ownerReferences"][0]["kind"] == "Deployment"
    progressing = cluster.api.get("deployments", "web")["status"]["conditions"][0]
    assert (progressing["reason"], progressing["message"]) == (
        "NewReplicaSetCreated",
        f'Created new replica set "web-{pod_hash}"',
    )


def test_adopts_an_orphan_replicaset_it_selects(cluster):
    d = deployment(2)
    template = d["spec"]["template"]
    orphan = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web-orphan", "labels": {"app": "web"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template},
    }
    cluster.api.create("replicasets", orphan)
    cluster.api.create("deployments", d)
    actions = reconcile(cluster)
    assert actions[:2] == [("get", "deployments", 200), ("patch", "replicasets", 200)]
    assert ("create", "replicasets", 201) not in actions  # the adopted one has the template
    ref = cluster.api.get("replicasets", "web-orphan")["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"]) == ("Deployment", "web")


def test_a_paused_deployment_creates_no_replicaset(cluster):
    d = deployment(2)
    d["spec"]["paused"] = True
    cluster.api.create("deployments", d)
    assert [verb for verb, res, _ in reconcile(cluster) if res == "replicasets"] == []
    progressing = cluster.api.get("deployments", "web")["status"]["conditions"][0]
    assert (progressing["status"], progressing["reason"], progressing["message"]) == (
        "Unknown",
        "DeploymentPaused",
        "Deployment is paused",
    )


def test_selecting_everything_is_refused(cluster):
    d = deployment(1)
    cluster.api.create("deployments", d)
    cluster.run(0)
    controller = cluster.controller_manager.controller("deployment")
    cluster.start("kube-controller-manager/deployment")
    cached = controller.informer("deployments").get("default/web")
    everything = dict(cached, spec=dict(cached["spec"], selector={}))
    controller.informer("deployments").items["default/web"] = everything  # a fake cache entry
    controller.reconcile("default/web")
    warnings = [e["message"] for e in cluster.events if e["reason"] == "SelectingAll"]
    assert warnings == ["This deployment is selecting all pods. A non-empty selector is required."]
