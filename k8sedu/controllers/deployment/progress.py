"""Rollout progress: the Progressing condition and the progress deadline.

Models ``pkg/controller/deployment/progress.go``. After each rollout step the controller compares
the new status with the last one: complete → ``Progressing=True, NewReplicaSetAvailable``; any
progress (more updated, fewer old, more ready or available pods) → ``ReplicaSetUpdated`` with a
fresh ``lastUpdateTime``; no progress for ``progressDeadlineSeconds`` (600) since that time →
``Progressing=False, ProgressDeadlineExceeded``. Nothing is rolled back: the deadline only reports.

A Deployment that makes no progress changes nothing in the API, so no watch event would wake the
controller to notice the deadline; it requeues itself for ``lastUpdateTime + deadline − now``
(plus one second against clock skew), as ``requeueStuckDeployment`` does, and not at all once
the condition says ``ProgressDeadlineExceeded``.

Simplified: a Deployment whose rollout completed (``NewReplicaSetAvailable``) and which then lacks
pods (a pod lost, a scale-up) is not requeued. The real controller requeues it rate-limited
(10 per second through the queue) until it is complete again, although those syncs cannot change
anything: ``DeploymentTimedOut`` never fires on ``NewReplicaSetAvailable``.
"""

from __future__ import annotations

from k8sedu.controllers.deployment import sync, util
from k8sedu.controllers.replicaset_utils import clock_now
from k8sedu.objects import parse_timestamp


def sync_rollout_status(dc, all_rss: list[dict | None], new_rs: dict | None, d: dict) -> None:
    """``syncRolloutStatus``: the new status with its Progressing condition, written on change."""
    status = sync.calculate_status(dc, all_rss, new_rs, d)
    if not util.has_progress_deadline(d):
        sync.remove_condition(status, "Progressing")
    current = sync.get_condition(d.get("status") or {}, "Progressing")
    complete_before = (
        status.get("replicas", 0) == status.get("updatedReplicas", 0)
        and current is not None
        and current.get("reason") == util.NEW_RS_AVAILABLE
    )
    subject = (
        f'ReplicaSet "{new_rs["metadata"]["name"]}"'
        if new_rs is not None
        else f'Deployment "{d["metadata"]["name"]}"'
    )
    if util.has_progress_deadline(d) and not complete_before:
        if util.deployment_complete(d, status):
            condition = sync.new_condition(
                dc,
                "Progressing",
                "True",
                util.NEW_RS_AVAILABLE,
                f"{subject} has successfully progressed.",
            )
            sync.set_condition(status, condition)
        elif util.deployment_progressing(d, status):
            condition = sync.new_condition(
                dc, "Progressing", "True", util.REPLICASET_UPDATED, f"{subject} is progressing."
            )
            # unlike set_condition, a same-reason update still refreshes lastUpdateTime
            if current is not None:
                if current["status"] == "True":
                    condition["lastTransitionTime"] = current["lastTransitionTime"]
                sync.remove_condition(status, "Progressing")
            sync.set_condition(status, condition)
        elif deployment_timed_out(dc, d, status):
            condition = sync.new_condition(
                dc, "Progressing", "False", util.TIMED_OUT, f"{subject} has timed out progressing."
            )
            sync.set_condition(status, condition)
    failure = replica_failure(all_rss, new_rs)
    if failure is not None:
        sync.set_condition(status, failure)
    else:
        sync.remove_condition(status, "ReplicaFailure")
    if status == d.get("status"):
        requeue_stuck_deployment(dc, d, status)
        return
    d["status"] = status
    dc.client.update_status("deployments", d)


def deployment_timed_out(dc, d: dict, status: dict) -> bool:
    """``DeploymentTimedOut``: no progress reported for more than ``progressDeadlineSeconds``."""
    if not util.has_progress_deadline(d):
        return False
    condition = sync.get_condition(status, "Progressing")
    if condition is None or condition.get("reason") == util.NEW_RS_AVAILABLE:
        return False
    if condition.get("reason") == util.TIMED_OUT:
        return True
    last = parse_timestamp(condition["lastUpdateTime"])
    return last + d["spec"]["progressDeadlineSeconds"] < clock_now(dc.cluster)


def requeue_stuck_deployment(dc, d: dict, status: dict) -> float:
    """Come back when the deadline would pass; returns the delay (-1: no need, 0: now).

    ``requeueStuckDeployment`` (pkg/controller/deployment/progress.go), plus the simplification of
    the module docstring: a completed rollout's condition never times out, so no requeue."""
    current = sync.get_condition(d.get("status") or {}, "Progressing")
    if not util.has_progress_deadline(d) or current is None:
        return -1
    if util.deployment_complete(d, status) or current.get("reason") == util.TIMED_OUT:
        return -1
    if current.get("reason") == util.NEW_RS_AVAILABLE:  # the simplification: it can't time out
        return -1
    last = parse_timestamp(current["lastUpdateTime"])
    after = last + d["spec"]["progressDeadlineSeconds"] - clock_now(dc.cluster)
    key = f"{d['metadata']['namespace']}/{d['metadata']['name']}"
    if after < 1:
        dc.queue.add_rate_limited(key)
        return 0
    dc.queue.add_after(key, after + 1)
    return after


def replica_failure(all_rss: list[dict | None], new_rs: dict | None) -> dict | None:
    """``getReplicaFailures``: the new ReplicaSet's ReplicaFailure condition, else an old one's,
    as a Deployment condition."""
    ordered = [new_rs] + [rs for rs in all_rss if rs is not new_rs]
    for rs in ordered:
        cond = sync.get_condition((rs or {}).get("status") or {}, "ReplicaFailure")
        if cond is not None:
            when = cond.get("lastTransitionTime")
            return {
                "type": "ReplicaFailure",
                "status": cond["status"],
                "lastUpdateTime": when,
                "lastTransitionTime": when,
                "reason": cond.get("reason", ""),
                "message": cond.get("message", ""),
            }
    return None
