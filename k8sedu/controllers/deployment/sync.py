"""Syncing a Deployment's ReplicaSets: the new one, scaling, history cleanup, status.

Models ``pkg/controller/deployment/sync.go``. Functions take the controller ``dc`` first, as the
Go methods take their receiver; ``d`` is the controller's private copy of the Deployment, and,
as in Go, a status write does not refresh it: a later write in the same sync may then meet a
``Conflict`` and the Deployment is retried with back-off (a real controller-manager logs the
same "the object has been modified" errors).
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.controllers.deployment import util
from k8sedu.errors import AlreadyExists, NotFound
from k8sedu.objects import owner_reference


def sync_status_only(dc, d: dict, rs_list: list[dict]) -> None:
    """``syncStatusOnly``: a Deployment being deleted only gets its status recomputed."""
    new_rs, old_rss = get_all_replicasets_and_sync_revision(dc, d, rs_list, False)
    sync_deployment_status(dc, old_rss + [new_rs], new_rs, d)


def sync(dc, d: dict, rs_list: list[dict]) -> None:
    """``sync``: a paused Deployment or a scaling event — scale, clean up, write status."""
    new_rs, old_rss = get_all_replicasets_and_sync_revision(dc, d, rs_list, False)
    scale(dc, d, new_rs, old_rss)
    if d["spec"].get("paused"):
        cleanup_deployment(dc, old_rss, d)
    sync_deployment_status(dc, old_rss + [new_rs], new_rs, d)


def check_paused_conditions(dc, d: dict) -> None:
    """``checkPausedConditions``: Progressing=Unknown while paused, so the pause does not count
    against the progress deadline."""
    if not util.has_progress_deadline(d):
        return
    status = d.setdefault("status", {})
    cond = get_condition(status, "Progressing")
    if cond is not None and cond.get("reason") == util.TIMED_OUT:
        return  # a reported lack of progress stays
    paused_cond = cond is not None and cond.get("reason") == util.PAUSED
    if d["spec"].get("paused") and not paused_cond:
        set_condition(
            status, new_condition(dc, "Progressing", "Unknown", util.PAUSED, "Deployment is paused")
        )
    elif not d["spec"].get("paused") and paused_cond:
        set_condition(
            status,
            new_condition(dc, "Progressing", "Unknown", util.RESUMED, "Deployment is resumed"),
        )
    else:
        return
    dc.client.update_status("deployments", d)


def get_all_replicasets_and_sync_revision(
    dc, d: dict, rs_list: list[dict], create: bool
) -> tuple[dict | None, list[dict]]:
    """(the new ReplicaSet — created if ``create`` — and every old one)."""
    _, all_old = util.find_old_replicasets(d, rs_list)
    return get_new_replicaset(dc, d, rs_list, all_old, create), all_old


def get_new_replicaset(dc, d: dict, rs_list: list[dict], old_rss: list[dict], create: bool):
    """``getNewReplicaSet``: find the ReplicaSet of the current template and bring its revision
    up to date — or create it, sized by ``NewRSNewReplicas``, at revision max(old) + 1."""
    existing = util.find_new_replicaset(d, rs_list)
    new_revision = str(util.max_revision(old_rss) + 1)
    status = d.setdefault("status", {})
    if existing is not None:
        rs = objects.clone(existing)
        annotations_changed = util.set_new_replicaset_annotations(d, rs, new_revision, True)
        if annotations_changed or rs["spec"].get("minReadySeconds", 0) != d["spec"].get(
            "minReadySeconds", 0
        ):
            rs["spec"]["minReadySeconds"] = d["spec"].get("minReadySeconds", 0)
            return dc.client.update("replicasets", rs)
        needs_update = set_revision(d, rs["metadata"]["annotations"][util.REVISION])
        if util.has_progress_deadline(d) and get_condition(status, "Progressing") is None:
            message = f'Found new replica set "{rs["metadata"]["name"]}"'
            set_condition(
                status, new_condition(dc, "Progressing", "True", util.FOUND_NEW_RS, message)
            )
            needs_update = True
        if needs_update:
            dc.client.update_status("deployments", d)
        return rs
    if not create:
        return None

    template = objects.clone(d["spec"]["template"])
    pod_hash = util.compute_hash(template, status.get("collisionCount"))
    labels = dict(
        (template.get("metadata") or {}).get("labels") or {}, **{util.POD_TEMPLATE_HASH: pod_hash}
    )
    template.setdefault("metadata", {})["labels"] = labels
    selector = objects.clone(d["spec"]["selector"])
    selector.setdefault("matchLabels", {})[util.POD_TEMPLATE_HASH] = pod_hash
    name = f"{d['metadata']['name']}-{pod_hash}"
    new_rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": d["metadata"]["namespace"],
            "labels": dict(labels),
            "ownerReferences": [owner_reference(d)],
        },
        "spec": {
            "replicas": 0,
            "minReadySeconds": d["spec"].get("minReadySeconds", 0),
            "selector": selector,
            "template": template,
        },
    }
    new_rs["spec"]["replicas"] = count = util.new_rs_new_replicas(d, old_rss + [new_rs], new_rs)
    util.set_new_replicaset_annotations(d, new_rs, new_revision, False)
    already_exists = False
    try:
        created = dc.client.create("replicasets", new_rs)
    except AlreadyExists:
        # a slow cache, or a hash collision with someone else's ReplicaSet of that name
        already_exists = True
        created = dc.informer("replicasets").get(f"{d['metadata']['namespace']}/{name}")
        if created is None:
            raise
        if not (
            util.is_controlled_by(created, d)
            and util.equal_ignore_hash(d["spec"]["template"], created["spec"]["template"])
        ):
            status["collisionCount"] = status.get("collisionCount", 0) + 1
            dc.client.update_status("deployments", d)
            raise
    except Exception as error:
        message = f'Failed to create new replica set "{name}": {error}'
        if util.has_progress_deadline(d):
            set_condition(
                status, new_condition(dc, "Progressing", "False", util.FAILED_RS_CREATE, message)
            )
            dc.client.update_status("deployments", d)
        dc.recorder.event(d, "Warning", util.FAILED_RS_CREATE, message)
        raise
    if not already_exists and count > 0:
        dc.recorder.event(
            d, "Normal", "ScalingReplicaSet", f"Scaled up replica set {name} from 0 to {count}"
        )
    needs_update = set_revision(d, new_revision)
    if not already_exists and util.has_progress_deadline(d):
        message = f'Created new replica set "{name}"'
        set_condition(
            status, new_condition(dc, "Progressing", "True", util.NEW_RS_CREATED, message)
        )
        needs_update = True
    if needs_update:
        dc.client.update_status("deployments", d)
    return created


def set_revision(d: dict, revision: str) -> bool:
    """``SetDeploymentRevision``: the Deployment shows the revision of its new ReplicaSet."""
    annotations = d["metadata"].setdefault("annotations", {})
    if annotations.get(util.REVISION) == revision:
        return False
    annotations[util.REVISION] = revision
    return True


def is_scaling_event(dc, d: dict, rs_list: list[dict]) -> bool:
    """``isScalingEvent``: an active ReplicaSet records another Deployment size than the spec's."""
    new_rs, old_rss = get_all_replicasets_and_sync_revision(dc, d, rs_list, False)
    for rs in util.filter_active(old_rss + [new_rs]):
        desired = (rs["metadata"].get("annotations") or {}).get(util.DESIRED_REPLICAS)
        if desired is not None and desired.isdigit() and int(desired) != util.replicas(d):
            return True
    return False


# --- scaling -------------------------------------------------------------------------------------


def scale(dc, d: dict, new_rs: dict | None, old_rss: list[dict]) -> None:
    """``scale``: one active ReplicaSet takes the whole size; a saturated new one empties the old;
    otherwise a rolling Deployment spreads the change over its active ReplicaSets by size."""
    active_or_latest = _active_or_latest(new_rs, old_rss)
    if active_or_latest is not None:
        if util.replicas(active_or_latest) != util.replicas(d):
            scale_replicaset_and_record_event(dc, active_or_latest, util.replicas(d), d)
        return
    if _is_saturated(d, new_rs):
        for old in util.filter_active(old_rss):
            scale_replicaset_and_record_event(dc, old, 0, d)
        return
    if not util.is_rolling_update(d):
        return
    all_rss = util.filter_active(old_rss + [new_rs])
    allowed = util.replicas(d) + util.max_surge(d) if util.replicas(d) > 0 else 0
    to_add = allowed - util.total_replicas(all_rss)
    operation = ""
    if to_add > 0:  # larger first; equal sizes: newer first when growing, older when shrinking
        all_rss.sort(key=lambda rs: _creation(rs), reverse=True)
        all_rss.sort(key=util.replicas, reverse=True)
        operation = "up"
    elif to_add < 0:
        all_rss = util.by_creation(all_rss)
        all_rss.sort(key=util.replicas, reverse=True)
        operation = "down"
    added = 0
    sizes: dict[str, int] = {}
    for rs in all_rss:
        proportion = get_proportion(rs, d, to_add, added) if to_add else 0
        sizes[rs["metadata"]["name"]] = util.replicas(rs) + proportion
        added += proportion
    for i, rs in enumerate(all_rss):
        name = rs["metadata"]["name"]
        if i == 0 and to_add:  # leftovers go to the largest
            sizes[name] = max(sizes[name] + to_add - added, 0)
        scale_replicaset(dc, rs, sizes[name], d, operation)


def _creation(rs: dict) -> tuple[str, str]:
    return rs["metadata"].get("creationTimestamp", ""), rs["metadata"]["name"]


def _active_or_latest(new_rs: dict | None, old_rss: list[dict]) -> dict | None:
    """``FindActiveOrLatest``: the only active ReplicaSet, or the newest if none is active."""
    if new_rs is None and not old_rss:
        return None
    newest_first = sorted(old_rss, key=_creation, reverse=True)
    active = util.filter_active(newest_first + [new_rs])
    if len(active) == 1:
        return active[0]
    if not active:
        return new_rs if new_rs is not None else newest_first[0]
    return None


def _is_saturated(d: dict, rs: dict | None) -> bool:
    """``IsSaturated``: the new ReplicaSet has, wants and serves the whole Deployment."""
    if rs is None:
        return False
    desired = (rs["metadata"].get("annotations") or {}).get(util.DESIRED_REPLICAS, "")
    return (
        desired.isdigit()
        and util.replicas(rs) == util.replicas(d) == int(desired)
        and (rs.get("status") or {}).get("availableReplicas", 0) == util.replicas(d)
    )


def get_proportion(rs: dict, d: dict, to_add: int, added: int) -> int:
    """``GetProportion``: this ReplicaSet's share of a scaling event, kept within what is left."""
    if util.replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    if util.replicas(d) == 0:
        fraction = -util.replicas(rs)
    else:
        annotated = (rs["metadata"].get("annotations") or {}).get(util.MAX_REPLICAS, "")
        base = int(annotated) if annotated.isdigit() else (d.get("status") or {}).get("replicas", 0)
        new_size = util.replicas(rs) * (util.replicas(d) + util.max_surge(d)) / base
        fraction = _round_half_away(new_size) - util.replicas(rs)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _round_half_away(x: float) -> int:
    """``integer.RoundToInt32``: Go's ``math.Round`` (halves away from zero)."""
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def scale_replicaset_and_record_event(dc, rs: dict, new_scale: int, d: dict) -> tuple[bool, dict]:
    if util.replicas(rs) == new_scale:
        return False, rs
    operation = "up" if util.replicas(rs) < new_scale else "down"
    return scale_replicaset(dc, rs, new_scale, d, operation)


def scale_replicaset(dc, rs: dict, new_scale: int, d: dict, operation: str) -> tuple[bool, dict]:
    """``scaleReplicaSet``: write the new size and the Deployment's size annotations; record a
    ``ScalingReplicaSet`` event when the size changed."""
    desired, maximum = util.replicas(d), util.replicas(d) + util.max_surge(d)
    size_changed = util.replicas(rs) != new_scale
    if not size_changed and not util.replicas_annotations_need_update(rs, desired, maximum):
        return False, rs
    old_scale = util.replicas(rs)
    copy = objects.clone(rs)
    copy["spec"]["replicas"] = new_scale
    util.set_replicas_annotations(copy, desired, maximum)
    updated = dc.client.update("replicasets", copy)
    if size_changed:
        message = f"Scaled {operation} replica set {rs['metadata']['name']} from {old_scale} to {new_scale}"
        dc.recorder.event(d, "Normal", "ScalingReplicaSet", message)
    return size_changed, updated


# --- history and status --------------------------------------------------------------------------


def cleanup_deployment(dc, old_rss: list[dict], d: dict) -> None:
    """``cleanupDeployment``: delete the oldest revisions beyond ``revisionHistoryLimit`` —
    only ReplicaSets that are empty and whose emptiness the ReplicaSet controller has seen."""
    if not util.has_revision_history_limit(d):
        return
    alive = [rs for rs in old_rss if rs and not rs["metadata"].get("deletionTimestamp")]
    diff = len(alive) - d["spec"]["revisionHistoryLimit"]
    if diff <= 0:
        return
    alive.sort(key=lambda rs: (util.revision(rs), *_creation(rs)))  # ReplicaSetsByRevision
    for rs in alive[:diff]:
        status = rs.get("status") or {}
        if (
            status.get("replicas", 0) != 0
            or util.replicas(rs) != 0
            or rs["metadata"].get("generation", 0) > status.get("observedGeneration", 0)
        ):
            continue
        try:
            dc.client.delete("replicasets", rs["metadata"]["name"], rs["metadata"]["namespace"])
        except NotFound:
            pass


def sync_deployment_status(dc, all_rss: list[dict | None], new_rs: dict | None, d: dict) -> None:
    """``syncDeploymentStatus``: write the status if it changed."""
    status = calculate_status(dc, all_rss, new_rs, d)
    if status != d.get("status"):
        d["status"] = status
        dc.client.update_status("deployments", d)


def calculate_status(dc, all_rss: list[dict | None], new_rs: dict | None, d: dict) -> dict:
    """``calculateStatus``: counts summed over the ReplicaSets, and the Available condition."""
    available = util.available_replicas(all_rss)
    old = d.get("status") or {}
    counts = {
        "observedGeneration": d["metadata"].get("generation", 0),
        "replicas": util.actual_replicas(all_rss),
        "updatedReplicas": util.actual_replicas([new_rs]),
        "readyReplicas": util.ready_replicas(all_rss),
        "availableReplicas": available,
        "unavailableReplicas": max(util.total_replicas(all_rss) - available, 0),
    }
    status = {k: v for k, v in counts.items() if v}  # omitempty
    status["conditions"] = [dict(c) for c in old.get("conditions") or []]
    if available >= util.replicas(d) - util.max_unavailable(d):
        cond = new_condition(
            dc, "Available", "True", util.MINIMUM_AVAILABLE, "Deployment has minimum availability."
        )
    else:
        cond = new_condition(
            dc,
            "Available",
            "False",
            util.MINIMUM_UNAVAILABLE,
            "Deployment does not have minimum availability.",
        )
    set_condition(status, cond)
    if old.get("collisionCount") is not None:
        status["collisionCount"] = old["collisionCount"]
    return status


# --- conditions (deployment_util.go) -------------------------------------------------------------


def new_condition(dc, type: str, status: str, reason: str, message: str) -> dict:
    now = dc.cluster.timestamp()
    return {
        "type": type,
        "status": status,
        "lastUpdateTime": now,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    }


def get_condition(status: dict, type: str) -> dict | None:
    return next((c for c in status.get("conditions") or [] if c.get("type") == type), None)


def set_condition(status: dict, condition: dict) -> None:
    """``SetDeploymentCondition``: same status and reason → unchanged; same status → keep its
    lastTransitionTime; the condition moves to the end of the list."""
    conditions = status.setdefault("conditions", [])
    current = next((c for c in conditions if c.get("type") == condition["type"]), None)
    if current is not None and (current["status"], current["reason"]) == (
        condition["status"],
        condition["reason"],
    ):
        return
    if current is not None and current["status"] == condition["status"]:
        condition = dict(condition, lastTransitionTime=current["lastTransitionTime"])
    conditions[:] = [c for c in conditions if c.get("type") != condition["type"]] + [condition]


def remove_condition(status: dict, type: str) -> None:
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != type]
    status.pop("conditions", None)
    if conditions:
        status["conditions"] = conditions
