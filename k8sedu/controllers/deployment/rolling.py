"""The RollingUpdate strategy: grow the new ReplicaSet, shrink the old ones, within the bounds.

Models ``pkg/controller/deployment/rolling.go`` (REFERENCE §4.1). With ``surge`` and
``unavailable`` from ``ResolveFenceposts``, a rollout never has more than ``replicas + surge`` pods
asked for (Σ spec.replicas) and never fewer than ``replicas − unavailable`` available. One sync
does one move: scale the new ReplicaSet up if it can; otherwise scale old ones down if it can;
otherwise, once complete, clean up history. The watch events of that move start the next sync.

Worked example: 4 replicas, 25 %/25 % → surge 1, unavailable 1, so at most 5 pods asked for
and at least 3 available::

    new 0→1   Σ spec.replicas 5 = 4 + surge
    old 4→3   4 available − 3
    new 1→2   Σ back to 5; then nothing moves until the 2 new pods are available
    old 3→1   5 available − 3
    new 2→4
    old 1→0   once the last 2 new pods are available
"""

from __future__ import annotations

from k8sedu.controllers.deployment import progress, sync, util


def rollout_rolling(dc, d: dict, rs_list: list[dict]) -> None:
    """``rolloutRolling``: scale up, else scale down, else clean up; then report progress."""
    new_rs, old_rss = sync.get_all_replicasets_and_sync_revision(dc, d, rs_list, True)
    all_rss = old_rss + [new_rs]
    if reconcile_new_replicaset(dc, all_rss, new_rs, d):
        progress.sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if reconcile_old_replicasets(dc, all_rss, util.filter_active(old_rss), new_rs, d):
        progress.sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if util.deployment_complete(d, d.get("status") or {}):
        sync.cleanup_deployment(dc, old_rss, d)
    progress.sync_rollout_status(dc, all_rss, new_rs, d)


def reconcile_new_replicaset(dc, all_rss: list[dict], new_rs: dict, d: dict) -> bool:
    """Scale the new ReplicaSet to ``NewRSNewReplicas`` (down to ``replicas`` if above it)."""
    if util.replicas(new_rs) == util.replicas(d):
        return False
    if util.replicas(new_rs) > util.replicas(d):
        scaled, _ = sync.scale_replicaset_and_record_event(dc, new_rs, util.replicas(d), d)
        return scaled
    count = util.new_rs_new_replicas(d, all_rss, new_rs)
    scaled, _ = sync.scale_replicaset_and_record_event(dc, new_rs, count, d)
    return scaled


def reconcile_old_replicasets(
    dc, all_rss: list[dict], old_rss: list[dict], new_rs: dict, d: dict
) -> bool:
    """Scale old ReplicaSets down as far as availability allows.

    ``maxScaledDown = Σ spec.replicas − minAvailable − (new.spec − new.available)``: what may go
    without dropping below ``minAvailable`` even if no unavailable new pod ever becomes ready.
    Unhealthy old replicas go first (they cost no availability), then available ones.
    """
    if util.total_replicas(old_rss) == 0:
        return False
    min_available = util.replicas(d) - util.max_unavailable(d)
    new_unavailable = util.replicas(new_rs) - (new_rs.get("status") or {}).get(
        "availableReplicas", 0
    )
    max_scaled_down = util.total_replicas(all_rss) - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    old_rss, cleaned = cleanup_unhealthy_replicas(dc, old_rss, d, max_scaled_down)
    scaled_down = scale_down_old_replicasets_for_rolling_update(dc, old_rss + [new_rs], old_rss, d)
    return cleaned + scaled_down > 0


def cleanup_unhealthy_replicas(
    dc, old_rss: list[dict], d: dict, max_cleanup: int
) -> tuple[list[dict], int]:
    """Scale each old ReplicaSet (oldest first) down by its unavailable replicas, at most
    ``max_cleanup`` in all: the ReplicaSet controller deletes not-ready pods first."""
    old_rss = util.by_creation(old_rss)
    total = 0
    for i, rs in enumerate(old_rss):
        if total >= max_cleanup:
            break
        available = (rs.get("status") or {}).get("availableReplicas", 0)
        if util.replicas(rs) == 0 or util.replicas(rs) == available:
            continue
        count = min(max_cleanup - total, util.replicas(rs) - available)
        _, old_rss[i] = sync.scale_replicaset_and_record_event(dc, rs, util.replicas(rs) - count, d)
        total += count
    return old_rss, total


def scale_down_old_replicasets_for_rolling_update(
    dc, all_rss: list[dict], old_rss: list[dict], d: dict
) -> int:
    """Scale old ReplicaSets (oldest first) down by ``Σ available − minAvailable``."""
    min_available = util.replicas(d) - util.max_unavailable(d)
    available = util.available_replicas(all_rss)
    if available <= min_available:
        return 0
    to_scale_down = available - min_available
    total = 0
    for rs in util.by_creation(old_rss):
        if total >= to_scale_down:
            break
        if util.replicas(rs) == 0:
            continue
        count = min(util.replicas(rs), to_scale_down - total)
        sync.scale_replicaset_and_record_event(dc, rs, util.replicas(rs) - count, d)
        total += count
    return total
