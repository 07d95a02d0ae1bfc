"""The Deployment controller's arithmetic: fenceposts, new-ReplicaSet size, hash, revisions.

Models ``pkg/controller/deployment/util/deployment_util.go`` and ``ComputeHash`` in
``pkg/controller/controller_utils.go``. Every function here is pure: it reads plain API dicts and
returns numbers, names or booleans, so a lesson can call them on their own.

Worked example (REFERENCE §4.1): 10 replicas, ``maxSurge: 25%``, ``maxUnavailable: 25%``::

    >>> resolve_fenceposts("25%", "25%", 10)   # surge rounds up, unavailable rounds down
    (3, 2)
    >>> resolve_fenceposts("0%", "10%", 5)     # both 0: unavailable becomes 1
    (0, 1)

Simplified: ``pod-template-hash`` is FNV-32a over canonical JSON (DESIGN decision 23); the real
hash feeds FNV a Go ``spew`` dump of the template, which Python cannot reproduce byte for byte, so
the names have the real shape (``web-7b9d6cc8f5``) but not the real letters.
"""

from __future__ import annotations

import json
import math
import struct

from k8sedu import objects
from k8sedu.objects import controller_of

POD_TEMPLATE_HASH = "pod-template-hash"  # apps.DefaultDeploymentUniqueLabelKey
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
CHANGE_CAUSE = "kubernetes.io/change-cause"
# annotations a Deployment never copies to its ReplicaSets (deployment_util.go annotationsToSkip)
ANNOTATIONS_TO_SKIP = (
    LAST_APPLIED,
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
)
MAX_INT32 = 2**31 - 1
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # utilrand alphanums: no vowels, no 0/1/3

# condition reasons (deployment_util.go)
REPLICASET_UPDATED = "ReplicaSetUpdated"
FAILED_RS_CREATE = "ReplicaSetCreateError"
NEW_RS_CREATED = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
MINIMUM_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_UNAVAILABLE = "MinimumReplicasUnavailable"


# --- fenceposts ----------------------------------------------------------------------------------


def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``: an int as-is, ``"25%"`` of ``total`` rounded."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if not value.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a percentage")
    percent = int(value[:-1])
    return math.ceil(percent * total / 100) if round_up else math.floor(percent * total / 100)


def resolve_fenceposts(max_surge, max_unavailable, desired: int) -> tuple[int, int]:
    """``ResolveFenceposts``: (surge, unavailable); when both resolve to 0, unavailable is 1."""
    surge = scaled_value(max_surge, desired, round_up=True)
    unavailable = scaled_value(max_unavailable, desired, round_up=False)
    if surge == 0 and unavailable == 0:
        # validation forbids both 0 explicitly; rounding down can still get there
        unavailable = 1
    return surge, unavailable


def replicas(obj: dict | None) -> int:
    return ((obj or {}).get("spec") or {}).get("replicas", 0) if obj else 0


def is_rolling_update(d: dict) -> bool:
    return (d["spec"].get("strategy") or {}).get("type") == "RollingUpdate"


def _rolling(d: dict) -> dict:
    return (d["spec"].get("strategy") or {}).get("rollingUpdate") or {}


def max_surge(d: dict) -> int:
    """``MaxSurge``: 0 unless RollingUpdate."""
    if not is_rolling_update(d):
        return 0
    rolling = _rolling(d)
    return resolve_fenceposts(rolling.get("maxSurge"), rolling.get("maxUnavailable"), replicas(d))[
        0
    ]


def max_unavailable(d: dict) -> int:
    """``MaxUnavailable``: 0 unless RollingUpdate with replicas > 0; never above replicas."""
    if not is_rolling_update(d) or replicas(d) == 0:
        return 0
    rolling = _rolling(d)
    _, unavailable = resolve_fenceposts(
        rolling.get("maxSurge"), rolling.get("maxUnavailable"), replicas(d)
    )
    return min(unavailable, replicas(d))


def new_rs_new_replicas(d: dict, all_rss: list[dict], new_rs: dict) -> int:
    """``NewRSNewReplicas``: how big the new ReplicaSet may be now.

    RollingUpdate: grow by what the surge leaves (``replicas + surge − Σ spec.replicas``), never
    past ``replicas``. Recreate: all of ``replicas`` at once (old pods are gone by then).
    """
    strategy = (d["spec"].get("strategy") or {}).get("type")
    if strategy == "Recreate":
        return replicas(d)
    if strategy != "RollingUpdate":
        raise ValueError(f"deployment type {strategy} isn't supported")
    surge = scaled_value(_rolling(d).get("maxSurge"), replicas(d), round_up=True)
    current = total_replicas(all_rss)
    max_total = replicas(d) + surge
    if current >= max_total:
        return replicas(new_rs)
    scale_up = min(max_total - current, replicas(d) - replicas(new_rs))
    return replicas(new_rs) + scale_up


# --- sums over ReplicaSets -----------------------------------------------------------------------


def total_replicas(rss: list[dict | None]) -> int:
    """``GetReplicaCountForReplicaSets``: Σ spec.replicas."""
    return sum(replicas(rs) for rs in rss if rs)


def _status_sum(rss: list[dict | None], field: str) -> int:
    return sum((rs.get("status") or {}).get(field, 0) for rs in rss if rs)


def actual_replicas(rss: list[dict | None]) -> int:
    return _status_sum(rss, "replicas")


def ready_replicas(rss: list[dict | None]) -> int:
    return _status_sum(rss, "readyReplicas")


def available_replicas(rss: list[dict | None]) -> int:
    return _status_sum(rss, "availableReplicas")


def filter_active(rss: list[dict | None]) -> list[dict]:
    """``FilterActiveReplicaSets``: those with spec.replicas > 0."""
    return [rs for rs in rss if rs and replicas(rs) > 0]


def by_creation(rss: list[dict]) -> list[dict]:
    """``ReplicaSetsByCreationTimestamp``: oldest first, ties by name."""
    return sorted(rss, key=lambda rs: (rs["metadata"].get("creationTimestamp", ""), _name(rs)))


def _name(obj: dict) -> str:
    return obj["metadata"]["name"]


# --- the new and the old ReplicaSets -------------------------------------------------------------


def without_hash(template: dict | None) -> dict:
    """A copy of the template without its ``pod-template-hash`` label."""
    template = objects.clone(template or {})
    labels = (template.get("metadata") or {}).get("labels")
    if labels is not None:
        labels.pop(POD_TEMPLATE_HASH, None)
    return template


def equal_ignore_hash(t1: dict | None, t2: dict | None) -> bool:
    """``EqualIgnoreHash``: the two pod templates are equal but for ``pod-template-hash``."""
    return without_hash(t1) == without_hash(t2)


def find_new_replicaset(d: dict, rss: list[dict]) -> dict | None:
    """``FindNewReplicaSet``: the oldest ReplicaSet whose template is the Deployment's."""
    for rs in by_creation(rss):
        if equal_ignore_hash(rs["spec"].get("template"), d["spec"].get("template")):
            return rs
    return None


def find_old_replicasets(d: dict, rss: list[dict]) -> tuple[list[dict], list[dict]]:
    """``FindOldReplicaSets``: (old ones with replicas, all old ones)."""
    new = find_new_replicaset(d, rss)
    all_old = [rs for rs in rss if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
    return [rs for rs in all_old if replicas(rs) != 0], all_old


def is_controlled_by(obj: dict, owner: dict) -> bool:
    ref = controller_of(obj)
    return ref is not None and ref.get("uid") == owner["metadata"]["uid"]


# --- pod-template-hash ---------------------------------------------------------------------------


def fnv32a(data: bytes) -> int:
    """The 32-bit FNV-1a hash (Go's ``hash/fnv.New32a``)."""
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(text: str) -> str:
    """``rand.SafeEncodeString``: each character mapped into the vowel-free alphabet.

    >>> safe_encode("1234567890")
    '56789bcdf4'
    """
    return "".join(SAFE_ALPHABET[ord(c) % len(SAFE_ALPHABET)] for c in text)


def compute_hash(template: dict, collision_count: int | None = None) -> str:
    """``controller.ComputeHash``: the ``pod-template-hash`` of a template.

    The collision count, when set, is hashed as 8 little-endian bytes (a uint32 then zeros).
    """
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count is not None:
        data += struct.pack("<I", collision_count & 0xFFFFFFFF) + bytes(4)
    return safe_encode(str(fnv32a(data)))


# --- revisions and annotations -------------------------------------------------------------------


def revision(obj: dict | None) -> int:
    """``Revision``: the ``deployment.kubernetes.io/revision`` annotation, 0 when absent."""
    value = ((obj or {}).get("metadata", {}).get("annotations") or {}).get(REVISION)
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return -1


def max_revision(rss: list[dict]) -> int:
    return max([revision(rs) for rs in rss] + [0])


def set_replicas_annotations(rs: dict, desired: int, maximum: int) -> bool:
    """``SetReplicasAnnotations``: record the Deployment's size and its size plus surge."""
    annotations = rs["metadata"].setdefault("annotations", {})
    wanted = {DESIRED_REPLICAS: str(desired), MAX_REPLICAS: str(maximum)}
    changed = any(annotations.get(k) != v for k, v in wanted.items())
    annotations.update(wanted)
    return changed


def replicas_annotations_need_update(rs: dict, desired: int, maximum: int) -> bool:
    annotations = rs["metadata"].get("annotations") or {}
    return annotations.get(DESIRED_REPLICAS) != str(desired) or annotations.get(
        MAX_REPLICAS
    ) != str(maximum)


def set_new_replicaset_annotations(d: dict, rs: dict, new_revision: str, exists: bool) -> bool:
    """``SetNewReplicaSetAnnotations``: copy the Deployment's annotations, bump the revision
    (remembering earlier ones in ``revision-history`` when a ReplicaSet comes back)."""
    annotations = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in ((d["metadata"].get("annotations")) or {}).items():
        if key not in ANNOTATIONS_TO_SKIP and annotations.get(key) != value:
            annotations[key] = value
            changed = True
    old_revision = annotations.get(REVISION)
    # Go compares the revision strings, so "10" < "9": kept as it is
    if old_revision is None or old_revision < new_revision:
        annotations[REVISION] = new_revision
        changed = True
    if old_revision is not None and changed:
        history = annotations.get(REVISION_HISTORY, "")
        annotations[REVISION_HISTORY] = f"{history},{old_revision}" if history else old_revision
    if not exists and set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)):
        changed = True
    return changed


# --- progress ------------------------------------------------------------------------------------


def has_progress_deadline(d: dict) -> bool:
    deadline = d["spec"].get("progressDeadlineSeconds")
    return deadline is not None and deadline != MAX_INT32


def has_revision_history_limit(d: dict) -> bool:
    limit = d["spec"].get("revisionHistoryLimit")
    return limit is not None and limit != MAX_INT32


def deployment_complete(d: dict, status: dict) -> bool:
    """``DeploymentComplete``: every replica updated, none old, enough available, observed."""
    want = replicas(d)
    return (
        status.get("updatedReplicas", 0) == want
        and status.get("replicas", 0) == want
        and status.get("availableReplicas", 0) >= want - max_unavailable(d)
        and status.get("observedGeneration", 0) >= d["metadata"].get("generation", 0)
    )


def deployment_progressing(d: dict, new_status: dict) -> bool:
    """``DeploymentProgressing``: more updated, fewer old, or more ready or available pods."""
    old = d.get("status") or {}
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = new_status.get("replicas", 0) - new_status.get("updatedReplicas", 0)
    return (
        new_status.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
        or new_old < old_old
        or new_status.get("readyReplicas", 0) > old.get("readyReplicas", 0)
        or new_status.get("availableReplicas", 0) > old.get("availableReplicas", 0)
    )
