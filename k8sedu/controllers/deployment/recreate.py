"""The Recreate strategy: every old pod goes before any new pod starts.

Models ``pkg/controller/deployment/recreate.go``: scale all old ReplicaSets to 0; wait until
none of their pods is left running (terminal pods do not count); only then create the new
ReplicaSet and scale it straight to ``replicas``. There is a moment with no pod at all — the
price of never running two versions side by side.
"""

from __future__ import annotations

from k8sedu.controllers.deployment import progress, sync, util


def rollout_recreate(dc, d: dict, rs_list: list[dict], pod_map: dict[str, list[dict]]) -> None:
    # never create the new ReplicaSet first: that would scale up before scaling down
    new_rs, old_rss = sync.get_all_replicasets_and_sync_revision(dc, d, rs_list, False)
    all_rss = old_rss + [new_rs]
    if scale_down_old_replicasets(dc, util.filter_active(old_rss), d):
        progress.sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if old_pods_running(new_rs, old_rss, pod_map):
        progress.sync_rollout_status(dc, all_rss, new_rs, d)
        return
    if new_rs is None:
        new_rs, old_rss = sync.get_all_replicasets_and_sync_revision(dc, d, rs_list, True)
        all_rss = old_rss + [new_rs]
    sync.scale_replicaset_and_record_event(dc, new_rs, util.replicas(d), d)
    if util.deployment_complete(d, d.get("status") or {}):
        sync.cleanup_deployment(dc, old_rss, d)
    progress.sync_rollout_status(dc, all_rss, new_rs, d)


def scale_down_old_replicasets(dc, old_rss: list[dict], d: dict) -> bool:
    scaled = False
    for rs in old_rss:
        if util.replicas(rs) != 0:
            changed, _ = sync.scale_replicaset_and_record_event(dc, rs, 0, d)
            scaled = scaled or changed
    return scaled


def old_pods_running(
    new_rs: dict | None, old_rss: list[dict], pod_map: dict[str, list[dict]]
) -> bool:
    """``oldPodsRunning``: an old ReplicaSet still reports pods, or one of its pods is not in a
    terminal phase (Unknown counts as running: it may be)."""
    if util.actual_replicas(old_rss) > 0:
        return True
    new_uid = new_rs["metadata"]["uid"] if new_rs is not None else None
    for rs_uid, pods in pod_map.items():
        if rs_uid == new_uid:
            continue
        if any((p.get("status") or {}).get("phase") not in ("Failed", "Succeeded") for p in pods):
            return True
    return False
