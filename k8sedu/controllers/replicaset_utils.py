"""What the ReplicaSet controller (and the Deployment controller) lean on: expectations, which pods
count, which pod goes first on scale-down, claiming by labels, and the status a ReplicaSet reports.

Models the parts of ``pkg/controller/controller_utils.go`` (``UIDTrackingControllerExpectations``,
``IsPodActive``, ``ActivePodsWithRanks``, ``GetPodFromTemplate``), ``controller_ref_manager.go``
(``ClaimObject``) and ``pkg/controller/replicaset/replica_set_utils.go`` (``calculateStatus``).
Simplified: expectations use the simulated clock; the deletion-cost and logarithmic scale-down
feature gates are on (their v1.34 defaults).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cmp_to_key

from k8sedu.objects import EPOCH, controller_of, get_condition, is_pod_ready, parse_timestamp

EXPECTATIONS_TIMEOUT = 300.0  # controller_utils.go ExpectationsTimeout: 5 min
POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


class ControllerError(Exception):
    """An error a controller makes itself (Go's ``fmt.Errorf``), not one the API server sent."""


# --- expectations --------------------------------------------------------------------------------


@dataclass
class _Expected:
    add: int
    delete: int
    timestamp: float
    deleting: dict[str, None] = field(default_factory=dict)  # pod keys, in order


class Expectations:
    """``UIDTrackingControllerExpectations``: creations and deletions a controller waits to see.

    After creating 3 pods the controller expects 3 ADDED events; until it has seen them (or 5
    minutes pass) its cache is known to be behind, so it must not count pods and create more.
    Deletions are tracked by pod key, so a pod first marked Terminating and later removed is
    counted once.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, _Expected] = {}

    def satisfied(self, key: str, now: float) -> bool:
        exp = self._by_key.get(key)
        if exp is None:
            return True  # never set, or deleted: a fresh controller syncs
        fulfilled = exp.add <= 0 and exp.delete <= 0
        return fulfilled or now - exp.timestamp > EXPECTATIONS_TIMEOUT

    def expect_creations(self, key: str, adds: int, now: float) -> None:
        self._by_key[key] = _Expected(adds, 0, now)

    def expect_deletions(self, key: str, pod_keys: list[str], now: float) -> None:
        self._by_key[key] = _Expected(0, len(pod_keys), now, dict.fromkeys(pod_keys))

    def creation_observed(self, key: str) -> None:
        exp = self._by_key.get(key)
        if exp is not None:
            exp.add -= 1

    def deletion_observed(self, key: str, pod_key: str) -> None:
        exp = self._by_key.get(key)
        if exp is not None and pod_key in exp.deleting:
            del exp.deleting[pod_key]
            exp.delete -= 1

    def delete(self, key: str) -> None:
        self._by_key.pop(key, None)

    def get(self, key: str) -> tuple[int, int] | None:
        """(creations, deletions) still expected, or None."""
        exp = self._by_key.get(key)
        return None if exp is None else (exp.add, exp.delete)


def clock_now(cluster) -> float:
    """Now, as ``parse_timestamp`` counts (seconds since ``objects.EPOCH``), whatever the
    cluster's own epoch: the time every comparison with an object's timestamps uses."""
    return cluster.now + (cluster.epoch - EPOCH).total_seconds()


def recheck_not_deleted(client, plural: str, obj: dict) -> None:
    """``RecheckDeletionTimestamp``: before adopting, an uncached read of the owner — is it still
    the same object, and not being deleted?"""
    meta = obj["metadata"]
    fresh = client.get(plural, meta["name"], meta["namespace"])
    if fresh["metadata"]["uid"] != meta["uid"]:
        raise ControllerError(
            f"original {obj['kind']} {meta['namespace']}/{meta['name']} is gone: "
            f"got uid {fresh['metadata']['uid']}, wanted {meta['uid']}"
        )
    if fresh["metadata"].get("deletionTimestamp"):
        raise ControllerError(
            f"{meta['namespace']}/{meta['name']} has just been deleted at "
            f"{fresh['metadata']['deletionTimestamp']}"
        )


# --- which pods count ----------------------------------------------------------------------------


def is_pod_active(pod: dict) -> bool:
    """``IsPodActive``: not Succeeded or Failed, and not being deleted."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def ready_since(pod: dict) -> float | None:
    """When the pod's Ready condition last turned True, in simulated seconds (None: not ready)."""
    ready = get_condition(pod, "Ready")
    if ready is None or ready.get("status") != "True" or not ready.get("lastTransitionTime"):
        return None
    return parse_timestamp(ready["lastTransitionTime"])


def is_pod_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    """``podutil.IsPodAvailable``: Ready, and Ready for more than ``minReadySeconds``."""
    if not is_pod_ready(pod):
        return False
    if min_ready_seconds == 0:
        return True
    since = ready_since(pod)
    return since is not None and since + min_ready_seconds < now


def pod_key(pod: dict) -> str:
    return f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}"


# --- scale-down order (ActivePodsWithRanks.Less, REFERENCE §4.2) --------------------------------


def _deletion_cost(pod: dict) -> int:
    value = (pod["metadata"].get("annotations") or {}).get(POD_DELETION_COST, "0")
    try:
        return int(value)
    except ValueError:
        return 0


def _max_restarts(pod: dict) -> int:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return max([s.get("restartCount", 0) for s in statuses] + [0])


def _log_rank(t: float, now: float) -> int:
    """``logarithmicRankDiff``'s bucket: log2 of the age in nanoseconds (-1 if not in the past)."""
    age_ns = round((now - t) * 1e9)
    return int(math.log2(age_ns)) if age_ns > 0 else -1


def _newer_first(t1: float | None, t2: float | None, uid1: str, uid2: str, now: float) -> int:
    """Rules 6 and 8: a zero time first, then the younger one — compared in log2 buckets of age,
    ties broken by uid, so equal-aged pods go in a pseudo-random but stable order."""
    if t1 is None or t2 is None:
        return -1 if t1 is None else 1
    rank = _log_rank(t1, now) - _log_rank(t2, now)
    if rank == 0:
        return -1 if uid1 < uid2 else 1
    return -1 if rank < 0 else 1


def compare_for_deletion(a: tuple[dict, int], b: tuple[dict, int], now: float) -> int:
    """Negative when pod ``a`` should be deleted before pod ``b``; each comes with its rank (how
    many active pods of the same owner share its node)."""
    (p, rank_p), (q, rank_q) = a, b
    node_p, node_q = p["spec"].get("nodeName", ""), q["spec"].get("nodeName", "")
    if node_p != node_q and (not node_p or not node_q):  # 1. unassigned first
        return -1 if not node_p else 1
    phase_p = _PHASE_ORDINAL.get((p.get("status") or {}).get("phase"), 0)
    phase_q = _PHASE_ORDINAL.get((q.get("status") or {}).get("phase"), 0)
    if phase_p != phase_q:  # 2. Pending < Unknown < Running
        return phase_p - phase_q
    if is_pod_ready(p) != is_pod_ready(q):  # 3. not ready first
        return -1 if not is_pod_ready(p) else 1
    if _deletion_cost(p) != _deletion_cost(q):  # 4. lower pod-deletion-cost first
        return -1 if _deletion_cost(p) < _deletion_cost(q) else 1
    if rank_p != rank_q:  # 5. more doubled-up first
        return -1 if rank_p > rank_q else 1
    uid_p, uid_q = p["metadata"].get("uid", ""), q["metadata"].get("uid", "")
    if is_pod_ready(p) and is_pod_ready(q) and ready_since(p) != ready_since(q):
        return _newer_first(ready_since(p), ready_since(q), uid_p, uid_q, now)  # 6. ready less long
    if _max_restarts(p) != _max_restarts(q):  # 7. more restarts first
        return -1 if _max_restarts(p) > _max_restarts(q) else 1
    created_p, created_q = _created(p), _created(q)
    if created_p != created_q:  # 8. newer first
        return _newer_first(created_p, created_q, uid_p, uid_q, now)
    return 0


def _created(pod: dict) -> float | None:
    ts = pod["metadata"].get("creationTimestamp")
    return parse_timestamp(ts) if ts else None


def pods_to_delete(pods: list[dict], related: list[dict], diff: int, now: float) -> list[dict]:
    """``getPodsToDelete``: the ``diff`` pods to remove first, ranked against ``related`` pods
    (every pod of the same Deployment) on the same node."""
    if diff >= len(pods):
        return list(pods)
    on_node: dict[str, int] = {}
    for pod in related:
        if is_pod_active(pod):
            node = pod["spec"].get("nodeName", "")
            on_node[node] = on_node.get(node, 0) + 1
    ranked = [(pod, on_node.get(pod["spec"].get("nodeName", ""), 0)) for pod in pods]
    ranked.sort(key=cmp_to_key(lambda a, b: compare_for_deletion(a, b, now)))
    return [pod for pod, _ in ranked[:diff]]


# --- claiming by labels (ControllerRefManager) ---------------------------------------------------


def claim(
    owner: dict,
    matches: Callable[[dict], bool],
    objs: list[dict],
    adopt: Callable[[dict], None],
    release: Callable[[dict], None],
) -> list[dict]:
    """``ClaimObject`` for each object: keep what ``owner`` controls and still selects, adopt
    orphans it selects, release what it controls but no longer selects. Returns the claimed."""
    claimed = []
    owner_deleting = bool(owner["metadata"].get("deletionTimestamp"))
    for obj in objs:
        ref = controller_of(obj)
        if ref is not None:
            if ref.get("uid") != owner["metadata"]["uid"]:
                continue  # someone else's
            if matches(obj):
                claimed.append(obj)
            elif not owner_deleting:
                release(obj)
            continue
        if owner_deleting or not matches(obj) or obj["metadata"].get("deletionTimestamp"):
            continue
        adopt(obj)
        claimed.append(obj)
    return claimed


def adopt_patch(owner: dict, obj: dict) -> dict:
    """``ownerRefControllerPatch``: add ``owner`` as controller (the uid is a precondition)."""
    ref = {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }
    return {"metadata": {"ownerReferences": [ref], "uid": obj["metadata"]["uid"]}}


def release_patch(owner: dict, obj: dict) -> dict:
    """``deleteOwnerRefStrategicMergePatch``: drop the owner's reference."""
    drop = {"$patch": "delete", "uid": owner["metadata"]["uid"]}
    return {"metadata": {"ownerReferences": [drop], "uid": obj["metadata"]["uid"]}}


# --- status --------------------------------------------------------------------------------------


def calculate_status(
    rs: dict, pods: list[dict], error: Exception | None, now: float, stamp: str
) -> dict:
    """``calculateStatus``: counts over the claimed active pods, and ReplicaFailure on errors
    (``stamp`` is now as an RFC 3339 time). Zero counts are omitted, as Go's ``omitempty`` does."""
    template_labels = ((rs["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
    min_ready = rs["spec"].get("minReadySeconds", 0)
    labeled = ready = available = 0
    for pod in pods:
        labels = pod["metadata"].get("labels") or {}
        if all(labels.get(k) == v for k, v in template_labels.items()):
            labeled += 1
        if is_pod_ready(pod):
            ready += 1
            if is_pod_available(pod, min_ready, now):
                available += 1
    status = dict(rs.get("status") or {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "ReplicaFailure"]
    failure = get_condition(status, "ReplicaFailure")
    if error is not None:
        if failure is None:
            diff = len(pods) - rs["spec"].get("replicas", 0)
            reason = "FailedCreate" if diff < 0 else "FailedDelete" if diff > 0 else ""
            failure = {"type": "ReplicaFailure", "status": "True", "lastTransitionTime": stamp}
            failure.update(reason=reason, message=str(error))
        conditions.append(failure)
    status.pop("conditions", None)
    if conditions:
        status["conditions"] = conditions
    counts = {
        "fullyLabeledReplicas": labeled,
        "readyReplicas": ready,
        "availableReplicas": available,
    }
    status["replicas"] = len(pods)
    for name, count in counts.items():
        status.pop(name, None)
        if count:
            status[name] = count
    return status
