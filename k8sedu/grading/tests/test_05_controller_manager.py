"""Graded tests of exercise 05 (kube-controller-manager): claiming pods, the scale-down order,
and a ReplicaSet ``reconcile`` running in place of the built-in one.

Expected values follow ``pkg/controller/replicaset/replica_set.go`` and
``pkg/controller/controller_utils.go`` / ``controller_ref_manager.go`` (REFERENCE §4.2): only
active pods count (not Succeeded or Failed, no ``deletionTimestamp``); a ReplicaSet adopts
orphans its selector matches, releases pods it controls but no longer selects, and leaves pods
controlled by others alone; expectations hold back a second sync until the creations and
deletions of the last one are seen; scale-down deletes unassigned < assigned, Pending < Unknown <
Running, not ready < ready first (``ActivePodsWithRanks.Less``, rules 1–3).

Most points are for convergence, expectations and ownership inside a real cluster; fewer for the
ranking.
"""

import pytest

import k8sedu as k

RS_UID = "0f3c2a4e-rs-web"
SA = "system:serviceaccount:kube-system:replicaset-controller"

# -- building blocks ---------------------------------------------------------------------------------


def rs_view(selector=None, uid=RS_UID):
    """A ReplicaSet as the pure functions see it."""
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web-1", "namespace": "default", "uid": uid},
        "spec": {"replicas": 3, "selector": selector or {"matchLabels": {"app": "web"}}},
    }


def ref(uid=RS_UID, kind="ReplicaSet", name="web-1", controller=True):
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "name": name,
        "uid": uid,
        "controller": controller,
    }


def pod(name, labels=None, owners=(), phase="Running", deleting=False, node="node-1", ready=True):
    meta = {
        "name": name,
        "namespace": "default",
        "labels": {"app": "web"} if labels is None else labels,
    }
    if owners:
        meta["ownerReferences"] = list(owners)
    if deleting:
        meta["deletionTimestamp"] = "2025-01-01T00:00:30Z"
    spec = {"containers": [{"name": "web", "image": "k8sedu/web:1.0"}]}
    if node:
        spec["nodeName"] = node
    ready_status = "True" if ready else "False"
    status = {"phase": phase, "conditions": [{"type": "Ready", "status": ready_status}]}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def names(pods) -> list[str]:
    return [p["metadata"]["name"] for p in pods]


def claimed(submission, rs, pods) -> tuple[list[str], list[str], list[str]]:
    mine, to_adopt, to_release = submission.claim(rs, pods)
    return names(mine), names(to_adopt), names(to_release)


# -- part 1: which pods are mine ---------------------------------------------------------------------

CLAIM_CASES = [
    pytest.param([pod("a", owners=[ref()])], (["a"], [], []), id="controlled-and-selected"),
    pytest.param([pod("a")], (["a"], ["a"], []), id="orphan-selected-is-adopted"),
    pytest.param([pod("a", {"app": "db"})], ([], [], []), id="orphan-not-selected"),
    pytest.param(
        [pod("a", {"app": "debug"}, owners=[ref()])], ([], [], ["a"]), id="relabelled-is-released"
    ),
    pytest.param(
        [pod("a", owners=[ref(uid="other-uid", name="web-2")])],
        ([], [], []),
        id="controlled-by-another-replicaset",
    ),
    pytest.param(
        [pod("a", owners=[ref()], deleting=True)], ([], [], []), id="terminating-does-not-count"
    ),
]

CLAIM_HIDDEN_CASES = [
    pytest.param(
        [pod("a", owners=[ref()], phase="Succeeded"), pod("b", owners=[ref()], phase="Failed")],
        ([], [], []),
        id="finished-pods-do-not-count",
    ),
    pytest.param([pod("a", deleting=True)], ([], [], []), id="terminating-orphan-not-adopted"),
    pytest.param(
        [pod("a", owners=[ref(uid="job-uid", kind="Job", name="batch")])],
        ([], [], []),
        id="controlled-by-another-kind",
    ),
    pytest.param(
        [pod("a", owners=[ref(uid="cm-uid", kind="ConfigMap", name="cfg", controller=False)])],
        (["a"], ["a"], []),
        id="non-controller-owner-is-an-orphan",
    ),
    pytest.param(
        [pod("a", {"app": "debug"}, owners=[ref()], deleting=True)],
        ([], [], []),
        id="terminating-relabelled-not-released",
    ),
]


@pytest.mark.points(1)
@pytest.mark.parametrize(("pods", "expected"), CLAIM_CASES)
def test_claim(submission, pods, expected):
    """claim() sorts pods by controller reference and labels: mine, to adopt, to release."""
    got = claimed(submission, rs_view(), pods)
    assert got == expected, f"expected (mine, to_adopt, to_release) = {expected}, got {got}"


@pytest.mark.hidden
@pytest.mark.points(1)
@pytest.mark.parametrize(("pods", "expected"), CLAIM_HIDDEN_CASES)
def test_claim_more_cases(submission, pods, expected):
    """Finished and terminating pods take no part; only a controller reference makes an owner."""
    got = claimed(submission, rs_view(), pods)
    assert got == expected, f"expected (mine, to_adopt, to_release) = {expected}, got {got}"


@pytest.mark.points(1)
def test_claim_keeps_the_order_and_sorts_a_mix(submission):
    """A mix of pods: each list keeps the order the pods were given in."""
    pods = [
        pod("c", owners=[ref()]),
        pod("orphan-1"),
        pod("gone", owners=[ref()], deleting=True),
        pod("moved", {"app": "debug"}, owners=[ref()]),
        pod("theirs", owners=[ref(uid="x", name="web-2")]),
        pod("a", owners=[ref()]),
        pod("orphan-2", {"app": "web", "extra": "yes"}),
    ]
    got = claimed(submission, rs_view(), pods)
    expected = (["c", "orphan-1", "a", "orphan-2"], ["orphan-1", "orphan-2"], ["moved"])
    assert got == expected, f"expected {expected}, got {got}"


@pytest.mark.hidden
@pytest.mark.points(1)
def test_claim_with_a_set_based_selector(submission):
    """The selector may use matchExpressions: the ReplicaSet's selector decides, not app=web."""
    selector = {
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "edge"]}]
    }
    pods = [pod("f", {"tier": "front"}), pod("b", {"tier": "back"}), pod("e", {"tier": "edge"})]
    got = claimed(submission, rs_view(selector), pods)
    assert got == (["f", "e"], ["f", "e"], []), f"tier In (front, edge) selects f and e, got {got}"


# -- part 2: who goes first --------------------------------------------------------------------------

ORDER_CASES = [
    pytest.param(
        [pod("placed", node="node-1"), pod("unplaced", node=None, phase="Pending", ready=False)],
        ["unplaced", "placed"],
        id="unassigned-first",
    ),
    pytest.param(
        [pod("running"), pod("pending", phase="Pending", ready=False)],
        ["pending", "running"],
        id="pending-before-running",
    ),
    pytest.param(
        [pod("running"), pod("unknown", phase="Unknown", ready=False)],
        ["unknown", "running"],
        id="unknown-before-running",
    ),
    pytest.param(
        [pod("ready"), pod("not-ready", ready=False)], ["not-ready", "ready"], id="not-ready-first"
    ),
    pytest.param(
        [pod("pending", phase="Pending", ready=False), pod("starting", ready=False), pod("ready")],
        ["pending", "starting", "ready"],
        id="already-in-order",
    ),
]


@pytest.mark.points(1)
@pytest.mark.parametrize(("pods", "expected"), ORDER_CASES)
def test_deletion_order(submission, pods, expected):
    """Rules 1-3 of the scale-down order: unassigned, then by phase, then not ready, first."""
    got = names(submission.deletion_order(pods))
    assert got == expected, f"expected the order {expected}, got {got}"


@pytest.mark.hidden
@pytest.mark.points(1)
def test_deletion_order_rules_in_sequence(submission):
    """An earlier rule wins over a later one; ties keep their order."""
    pods = [
        pod("ready-1"),
        pod("running-not-ready", ready=False),
        pod("pending-on-node", phase="Pending", ready=False),
        pod("ready-2"),
        pod("unknown-ready", phase="Unknown", ready=True),
        pod("unassigned", node=None, phase="Pending", ready=False),
    ]
    expected = [
        "unassigned",
        "pending-on-node",
        "unknown-ready",
        "running-not-ready",
        "ready-1",
        "ready-2",
    ]
    got = names(submission.deletion_order(pods))
    assert got == expected, f"expected {expected}, got {got}"


@pytest.mark.hidden
@pytest.mark.points(1)
def test_deletion_order_phase_before_readiness(submission):
    """A Ready pod still in phase Pending goes before a Running pod that is not Ready."""
    pods = [pod("running-not-ready", ready=False), pod("pending-ready", phase="Pending")]
    got = names(submission.deletion_order(pods))
    assert got == ["pending-ready", "running-not-ready"], f"phase decides first, got {got}"


# -- part 3: the controller in a cluster -------------------------------------------------------------

WEB = {"containers": [{"name": "web", "image": "k8sedu/web:1.0"}]}
# `sleep` is PID 1 and ignores SIGTERM: a deleted pod stays Terminating for its 30 s grace period
SLEEPER = {"containers": [{"name": "main", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}


def replicaset(name="web", replicas=3, spec=WEB, labels=None):
    labels = labels or {"app": "web"}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": labels}, "spec": spec},
        },
    }


def bare_pod(name, labels=None, spec=WEB):
    meta = {"name": name, "labels": labels or {"app": "web"}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def with_controller(submission) -> k.Cluster:
    cluster = k.Cluster(nodes=2)
    cluster.controller_manager.replace("replicaset", submission.MyReplicaSetController)
    return cluster


def live_pods(cluster) -> list[dict]:
    """The pods not being deleted."""
    return [p for p in cluster.api.list("pods") if not p["metadata"].get("deletionTimestamp")]


def controlled_by(cluster, rs_name: str) -> list[str]:
    uid = cluster.api.get("replicasets", rs_name)["metadata"]["uid"]
    found = []
    for p in live_pods(cluster):
        refs = [r for r in p["metadata"].get("ownerReferences") or [] if r.get("controller")]
        if refs and refs[0]["uid"] == uid:
            found.append(p["metadata"]["name"])
    return found


def errors(cluster) -> list[str]:
    return [f"{r.key}: {r.detail}" for r in cluster.trace.filter(verb="reconcile-error")]


def creations(cluster) -> int:
    return sum(
        1
        for r in cluster.trace.filter(verb="create", resource="pods")
        if isinstance(r.detail, dict) and r.detail.get("user") == SA and r.detail.get("code") == 201
    )


@pytest.mark.points(3)
@pytest.mark.hint("Compare spec.replicas with the pods you count, and create the difference.")
def test_creates_the_replicas(submission):
    """A new ReplicaSet gets exactly spec.replicas pods, which it controls, and they run."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=3))
    cluster.run(10)
    assert not errors(cluster), f"reconcile raised: {errors(cluster)[:3]}"
    mine = controlled_by(cluster, "web")
    assert len(live_pods(cluster)) == 3, f"expected 3 pods, found {names(live_pods(cluster))}"
    assert len(mine) == 3, f"the ReplicaSet should control its 3 pods, it controls {mine}"
    running = [p for p in live_pods(cluster) if p["status"].get("phase") == "Running"]
    assert len(running) == 3, "the scheduler and the kubelets run what you create: 3 Running"


@pytest.mark.points(3)
@pytest.mark.parametrize(
    "steps", [pytest.param([5, 2], id="up-then-down"), pytest.param([1, 4, 0], id="down-up-zero")]
)
def test_follows_scale_changes(submission, steps):
    """Scaled up and down, the ReplicaSet ends with exactly spec.replicas live pods each time."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=3))
    cluster.run(10)
    for replicas in steps:
        cluster.kubectl(f"scale replicaset web --replicas={replicas}")
        cluster.run(10)
        live = names(live_pods(cluster))
        assert len(live) == replicas, f"after scaling to {replicas}: {len(live)} live pods {live}"
    assert not errors(cluster), f"reconcile raised: {errors(cluster)[:3]}"


@pytest.mark.points(2)
def test_replaces_a_deleted_pod(submission):
    """A deleted pod is replaced by a new one with a new name."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=3))
    cluster.run(10)
    victim = names(live_pods(cluster))[0]
    cluster.api.delete("pods", victim)
    cluster.run(10)
    live = names(live_pods(cluster))
    assert len(live) == 3 and victim not in live, f"expected 3 pods without {victim}, got {live}"


@pytest.mark.points(3)
@pytest.mark.hint(
    "Before creating, expect_creations(); skip counting until expectations are satisfied()."
)
def test_no_double_create_while_the_cache_lags(submission):
    """Two reconciles before the watch delivers the new pods create the pods once, not twice."""
    cluster = with_controller(submission)
    cluster.stop("kube-controller-manager/replicaset")
    cluster.api.create("replicasets", replicaset(replicas=3))
    cluster.run(0)  # the shared caches see the ReplicaSet
    cluster.start("kube-controller-manager/replicaset")
    controller = cluster.controller_manager.controller("replicaset")
    controller.reconcile("default/web")
    controller.reconcile("default/web")  # the cache still shows no pods
    cluster.run(5)
    assert creations(cluster) == 3, (
        f"the ReplicaSet created {creations(cluster)} pods for replicas: 3 — the second reconcile "
        "counted a cache that had not caught up yet"
    )
    assert len(live_pods(cluster)) == 3, f"expected 3 pods, got {names(live_pods(cluster))}"


@pytest.mark.points(3)
@pytest.mark.hint(
    "Expectations are per ReplicaSet key and must be satisfied again after each sync."
)
def test_no_double_create_after_a_scale_up(submission):
    """The same after a scale-up from 2 to 5: 3 more pods, once; and the controller goes on."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=2))
    cluster.run(5)
    cluster.stop("kube-controller-manager/replicaset")
    cluster.kubectl("scale replicaset web --replicas=5")
    cluster.run(0)
    cluster.start("kube-controller-manager/replicaset")
    controller = cluster.controller_manager.controller("replicaset")
    controller.reconcile("default/web")
    controller.reconcile("default/web")
    cluster.run(5)
    assert creations(cluster) == 5, (
        f"2 pods, then 3 more: 5 creations in all, not {creations(cluster)} — the second "
        "reconcile counted a cache that had not caught up yet"
    )
    assert len(live_pods(cluster)) == 5, f"expected 5 pods, got {names(live_pods(cluster))}"
    cluster.kubectl("scale replicaset web --replicas=6")
    cluster.run(5)
    assert len(live_pods(cluster)) == 6, "once the pods were seen, the next scale-up must work"


@pytest.mark.points(2)
@pytest.mark.hint("An orphan whose labels match is adopted and counted: create only the rest.")
def test_adopts_matching_orphans(submission):
    """Two bare pods with matching labels exist first: the ReplicaSet adopts them, creates one."""
    cluster = with_controller(submission)
    cluster.api.create("pods", bare_pod("orphan-1"))
    cluster.api.create("pods", bare_pod("orphan-2"))
    cluster.run(5)
    cluster.api.create("replicasets", replicaset(replicas=3))
    cluster.run(10)
    live = names(live_pods(cluster))
    assert len(live) == 3, f"2 adopted orphans + 1 new pod make 3, got {live}"
    mine = controlled_by(cluster, "web")
    assert {"orphan-1", "orphan-2"} <= set(mine), (
        f"the orphans must now carry its ownerReference: {mine}"
    )


@pytest.mark.points(2)
@pytest.mark.hint("A pod it controls but no longer selects is released, then replaced.")
def test_releases_a_relabelled_pod(submission):
    """A pod relabelled app=debug is let go (kept running, no owner) and replaced."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=3))
    cluster.run(10)
    moved = names(live_pods(cluster))[0]
    cluster.kubectl(f"label pod {moved} app=debug --overwrite")
    cluster.run(10)
    body = cluster.api.get("pods", moved)
    assert not body["metadata"].get("deletionTimestamp"), "a released pod is not deleted"
    owners = [r for r in body["metadata"].get("ownerReferences") or [] if r.get("controller")]
    assert not owners, f"{moved} should have no controller any more, it has {owners}"
    mine = controlled_by(cluster, "web")
    assert len(mine) == 3 and moved not in mine, f"3 other pods should be its own now: {mine}"


@pytest.mark.points(2)
@pytest.mark.hint("A pod with a deletionTimestamp is on its way out: do not count it.")
def test_terminating_pods_do_not_count(submission):
    """A deleted pod that takes 30 s to stop is replaced at once, not after it is gone."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=3, spec=SLEEPER))
    cluster.run(10)
    victim = names(live_pods(cluster))[0]
    cluster.api.delete("pods", victim)
    cluster.run(2)
    terminating = cluster.api.get("pods", victim)
    assert terminating["metadata"].get("deletionTimestamp"), "test setup: the pod is Terminating"
    live = names(live_pods(cluster))
    assert len(live) == 3, f"3 live pods besides the Terminating {victim}, got {live}"


@pytest.mark.points(2)
@pytest.mark.hint("Count only the pods whose controller reference has your ReplicaSet's uid.")
def test_pods_of_another_replicaset_do_not_count(submission):
    """Two ReplicaSets with overlapping selectors each keep their own pods."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset("a", 2, labels={"app": "web", "team": "a"}))
    cluster.run(5)
    cluster.api.create("replicasets", replicaset("b", 2, labels={"app": "web", "team": "b"}))
    cluster.run(10)
    a, b = controlled_by(cluster, "a"), controlled_by(cluster, "b")
    assert (len(a), len(b)) == (2, 2), f"each ReplicaSet controls 2 pods: a={a}, b={b}"
    assert len(live_pods(cluster)) == 4, f"4 pods in all, got {names(live_pods(cluster))}"


@pytest.mark.points(2)
@pytest.mark.hint("Delete in deletion_order(): pods that never got a node go first.")
def test_scale_down_removes_unscheduled_pods_first(submission):
    """Scaled down from 4 to 2, the ReplicaSet deletes its two unscheduled pods, not running ones."""
    cluster = with_controller(submission)
    nowhere = dict(WEB, nodeSelector={"disk": "none-has-this"})
    cluster.api.create("pods", bare_pod("stuck-1", spec=nowhere))  # older, and Pending
    cluster.api.create("pods", bare_pod("stuck-2", spec=nowhere))
    cluster.run(5)
    cluster.api.create("replicasets", replicaset(replicas=4))
    cluster.run(10)
    assert len(live_pods(cluster)) == 4, f"test setup: 4 pods, got {names(live_pods(cluster))}"
    cluster.kubectl("scale replicaset web --replicas=2")
    cluster.run(10)
    live = names(live_pods(cluster))
    assert len(live) == 2 and not {"stuck-1", "stuck-2"} & set(live), (
        f"the unscheduled stuck-1 and stuck-2 should go first; left: {live}"
    )


@pytest.mark.points(1)
@pytest.mark.hint("Call self.write_status(rs, pods) at the end of every reconcile.")
def test_status_reports_the_pods(submission):
    """status (what kubectl get rs prints) counts the pods: 3 current, 3 ready."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=3))
    cluster.run(15)
    status = cluster.api.get("replicasets", "web").get("status") or {}
    got = (status.get("replicas"), status.get("readyReplicas"), status.get("availableReplicas"))
    assert got == (3, 3, 3), f"expected replicas, readyReplicas, availableReplicas = 3, got {got}"


@pytest.mark.points(1)
@pytest.mark.hint("When informer('replicasets').get(key) is None, forget the key and return.")
def test_a_missing_replicaset_is_not_an_error(submission):
    """A key whose ReplicaSet is gone (deleted meanwhile) is not an error."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=2))
    cluster.run(5)
    cluster.api.delete("replicasets", "web")
    cluster.run(40)
    controller = cluster.controller_manager.controller("replicaset")
    controller.reconcile("default/never-existed")
    assert not errors(cluster), f"reconcile raised: {errors(cluster)[:3]}"
    assert not live_pods(cluster), "the garbage collector removes the pods of a deleted ReplicaSet"


@pytest.mark.hidden
@pytest.mark.points(2)
def test_a_deployment_rolls_out_on_your_controller(submission):
    """The real Deployment controller drives your ReplicaSets through a rolling update."""
    cluster = with_controller(submission)
    cluster.kubectl("create deployment web --image=k8sedu/web:1.0 --replicas=4")
    cluster.run(10)
    cluster.kubectl("set image deployment/web web=k8sedu/web:2.0")
    cluster.run(60)
    out = cluster.kubectl("rollout status deployment/web --timeout=1s")
    assert "successfully rolled out" in out, f"the rollout did not finish: {out}"
    images = sorted(p["spec"]["containers"][0]["image"] for p in live_pods(cluster))
    assert images == ["k8sedu/web:2.0"] * 4, f"4 pods of the new image, got {images}"


@pytest.mark.hidden
@pytest.mark.points(2)
def test_keeps_converging_through_a_busy_minute(submission):
    """Scale, delete and relabel in quick succession: the count is right at the end."""
    cluster = with_controller(submission)
    cluster.api.create("replicasets", replicaset(replicas=4))
    cluster.run(0)
    cluster.kubectl("scale replicaset web --replicas=6")
    cluster.run(1)
    pods = names(live_pods(cluster))
    cluster.api.delete("pods", pods[0])
    cluster.kubectl(f"label pod {pods[1]} app=other --overwrite")
    cluster.kubectl("scale replicaset web --replicas=3")
    cluster.run(30)
    mine = controlled_by(cluster, "web")
    assert len(mine) == 3, f"3 pods controlled by web at the end, got {mine}"
    assert not errors(cluster), f"reconcile raised: {errors(cluster)[:3]}"
