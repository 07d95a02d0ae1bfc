"""Helpers over API-object dicts: metadata, field selectors, owner references, conditions,
timestamps, ages, and generated names and uids.

Objects are plain Kubernetes JSON dicts. Field selectors follow apimachinery's
``pkg/fields/selector.go`` (parsing, escaping, messages) and accept, per resource, the fields the
real API server does (``pkg/apis/core/v1/conversion.go``). Label selectors live in
``k8sedu.labels`` and are re-exported here. Simplified: a field selector on a resource outside
the small table below accepts only ``metadata.name`` and ``metadata.namespace``, as for any
resource without its own field-label conversion.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import orjson

from k8sedu.errors import BadRequest
from k8sedu.labels import Requirement as Requirement
from k8sedu.labels import Selector as Selector
from k8sedu.labels import format_label_selector as format_label_selector
from k8sedu.labels import parse_selector as parse_selector
from k8sedu.labels import selector_from_spec as selector_from_spec

# --- metadata ----------------------------------------------------------------------------


def clone(obj: dict) -> dict:
    """A deep copy of an API object. Objects are plain JSON, so a JSON round trip copies them,
    and orjson's is several times faster than ``copy.deepcopy``."""
    return orjson.loads(orjson.dumps(obj))


def meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def name_of(obj: dict) -> str:
    return meta(obj).get("name", "")


def namespace_of(obj: dict) -> str:
    return meta(obj).get("namespace", "")


def labels_of(obj: dict) -> dict:
    return meta(obj).get("labels") or {}


def key_of(obj: dict) -> str:
    """The informer cache key: ``"ns/name"``, or ``"name"`` for cluster-scoped objects."""
    namespace = namespace_of(obj)
    return f"{namespace}/{name_of(obj)}" if namespace else name_of(obj)


# --- field selectors (k8s.io/apimachinery/pkg/fields/selector.go) -------------------------


def parse_field_selector(text: str) -> list[tuple[str, str, str]]:
    """``fields.ParseSelector``: sorted ``(field, operator, value)`` terms.

    Operators are ``=``, ``==`` and ``!=``; in a value, ``\\,`` ``\\=`` and ``\\\\`` escape.

    >>> parse_field_selector("status.phase=Running,spec.nodeName!=")
    [('spec.nodeName', '!=', ''), ('status.phase', '=', 'Running')]
    """
    requirements = []
    for term in sorted(_split_terms(text)):
        if term == "":
            continue
        for i in range(len(term)):
            # no escaping on the left: the first operator splits the term
            op = next((op for op in ("!=", "==", "=") if term.startswith(op, i)), None)
            if op:
                requirements.append((term[:i], op, _unescape(term[i + len(op) :])))
                break
        else:
            raise ValueError(f"invalid selector: '{text}'; can't understand '{term}'")
    return requirements


def _split_terms(text: str) -> list[str]:
    """Split at commas that are not escaped; the escapes stay in the terms."""
    if not text:
        return []
    terms, start, escaped = [], 0, False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            terms.append(text[start:i])
            start = i + 1
    return terms + [text[start:]]


def _unescape(value: str) -> str:
    out, escaped = [], False
    for char in value:
        if escaped:
            if char not in "\\,=":
                raise ValueError(f"invalid field selector: invalid escape sequence: \\{char}")
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ",=":  # Go prints the rune as a number: "... in value: 61"
            raise ValueError(f"invalid field selector: unescaped character in value: {ord(char)}")
        else:
            out.append(char)
    if escaped:
        raise ValueError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _get(obj: dict, path: str) -> str:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return "" if obj is None else str(obj)


def _go_bool(obj: dict, path: str) -> str:
    """``strconv.FormatBool`` of a bool field that defaults to false."""
    return "true" if _get(obj, path) == "True" else "false"


def _field(path: str) -> Callable[[dict], str]:
    return lambda obj: _get(obj, path)


def _go_bool_field(path: str) -> Callable[[dict], str]:
    return lambda obj: _go_bool(obj, path)


def _pod_ip(pod: dict) -> str:
    pod_ips = (pod.get("status") or {}).get("podIPs") or []
    return pod_ips[0].get("ip", "") if pod_ips else _get(pod, "status.podIP")


_POD_PLAIN_FIELDS = (
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "status.phase",
    "status.nominatedNodeName",
)
_EVENT_FIELDS = {
    f"involvedObject.{f}": f"involvedObject.{f}"
    for f in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
} | {
    "reason": "reason",
    "reportingComponent": "reportingComponent",
    "source": "source.component",
    "type": "type",
    "metadata.namespace": "metadata.namespace",
    "metadata.name": "metadata.name",
}


def _paths(*paths: str) -> dict[str, Callable[[dict], str]]:
    return {p: _field(p) for p in paths}


# resource -> selectable field -> how to read it from an object; the API server rejects any
# other field. A watch with a field selector checks every event, so only the fields the
# selector names are read (not all of ``ToSelectableFields``).
_SELECTABLE: dict[str, dict[str, Callable[[dict], str]]] = {
    # pkg/registry/core/pod/strategy.go ``ToSelectableFields``
    "pods": _paths(*_POD_PLAIN_FIELDS)
    | {"spec.hostNetwork": _go_bool_field("spec.hostNetwork"), "status.podIP": _pod_ip},
    "events": {field: _field(path) for field, path in _EVENT_FIELDS.items()},
    "nodes": _paths("metadata.name") | {"spec.unschedulable": _go_bool_field("spec.unschedulable")},
    "namespaces": _paths("metadata.name", "status.phase"),
    "services": _paths("metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"),
    "secrets": _paths("metadata.name", "metadata.namespace", "type"),
}
_DEFAULT_SELECTABLE = _paths("metadata.name", "metadata.namespace")


def check_field_selector(resource: str, requirements: list[tuple[str, str, str]]) -> None:
    """Reject fields the resource does not support, as the API server does before listing:
    ``BadRequest: field label not supported: spec.foo``."""
    supported = _SELECTABLE.get(resource, _DEFAULT_SELECTABLE)
    for field, _, _ in requirements:
        if field in supported:
            continue
        if resource in _SELECTABLE:
            raise BadRequest(f"field label not supported: {field}")
        raise BadRequest(
            f'"{field}" is not a known field selector: only "metadata.name", "metadata.namespace"'
        )


def field_matches(resource: str, obj: dict, requirements: list[tuple[str, str, str]]) -> bool:
    """Whether ``obj`` passes every term; a missing field reads as ``""``, so
    ``spec.nodeName!=`` selects bound pods and ``spec.nodeName=`` unbound ones."""
    check_field_selector(resource, requirements)
    fields = _SELECTABLE.get(resource, _DEFAULT_SELECTABLE)
    return all((fields[f](obj) == v) == (op != "!=") for f, op, v in requirements)


# --- owner references -----------------------------------------------------------------------


def owner_reference(
    owner: dict, *, controller: bool = True, block_owner_deletion: bool = True
) -> dict:
    """An ``ownerReferences`` entry pointing at ``owner`` (``metav1.NewControllerRef``)."""
    return {
        "apiVersion": owner.get("apiVersion", ""),
        "kind": owner.get("kind", ""),
        "name": name_of(owner),
        "uid": meta(owner).get("uid", ""),
        "controller": controller,
        "blockOwnerDeletion": block_owner_deletion,
    }


def controller_of(obj: dict) -> dict | None:
    """``metav1.GetControllerOf``: the owner reference with ``controller: true``, if any."""
    refs = meta(obj).get("ownerReferences") or []
    return next((ref for ref in refs if ref.get("controller")), None)


def is_owned_by(obj: dict, owner_uid: str) -> bool:
    return any(ref.get("uid") == owner_uid for ref in meta(obj).get("ownerReferences") or [])


# --- conditions -----------------------------------------------------------------------------


def get_condition(obj_or_status: dict, type: str) -> dict | None:
    """The condition of ``type`` from an object or from its ``status``."""
    status = obj_or_status.get("status")
    status = status if isinstance(status, dict) else obj_or_status
    for condition in status.get("conditions") or ():
        if condition.get("type") == type:
            return condition
    return None


def set_condition(status: dict, condition: dict, now_iso: str) -> bool:
    """Add or replace the condition of its type; returns whether anything changed.

    As the kubelet's ``UpdatePodCondition``: ``lastTransitionTime`` becomes ``now_iso`` when the
    condition is new or its ``status`` flips, and is kept when the status stays the same.
    """
    conditions = status.setdefault("conditions", [])
    new = dict(condition, lastTransitionTime=now_iso)
    for i, old in enumerate(conditions):
        if old.get("type") == condition.get("type"):
            if old.get("status") == new.get("status"):
                new["lastTransitionTime"] = old.get("lastTransitionTime", now_iso)
            conditions[i] = new
            return new != old
    conditions.append(new)
    return True


def tolerates(toleration: dict, taint: dict) -> bool:
    """``Toleration.ToleratesTaint`` (staging/src/k8s.io/api/core/v1/toleration.go): an empty
    effect or key matches any; ``Exists`` matches any value.

    >>> tolerates({"key": "gpu", "operator": "Exists"}, {"key": "gpu", "value": "a", "effect": "NoSchedule"})
    True
    >>> tolerates({"key": "a", "value": "y"}, {"key": "a", "value": "x", "effect": "NoExecute"})
    False
    """
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return operator == "Exists"


def is_pod_ready(pod: dict) -> bool:
    ready = get_condition(pod, "Ready")
    return ready is not None and ready.get("status") == "True"


# --- time -----------------------------------------------------------------------------------

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)  # simulated t = 0
_NS_PER_S = 10**9


def _at(seconds: float, epoch: datetime) -> tuple[str, int]:
    """The instant ``seconds`` after ``epoch`` in UTC, truncated to microseconds, as its whole
    second (``2025-01-01T00:00:30``) and the microseconds past it."""
    micros = round(seconds * _NS_PER_S) // 1000  # via whole nanoseconds: 29.9999999999 is 30 s
    micros += epoch.microsecond
    whole, fraction = divmod(micros, 1_000_000)
    key = (epoch, whole)
    text = _SECONDS.get(key)
    if text is None:  # strftime is slow, and the components write the same second many times
        if len(_SECONDS) >= 4096:
            _SECONDS.clear()
        instant = epoch.replace(microsecond=0).astimezone(UTC) + timedelta(seconds=whole)
        text = _SECONDS[key] = instant.strftime("%Y-%m-%dT%H:%M:%S")
    return text, fraction


_SECONDS: dict[tuple[datetime, int], str] = {}


def timestamp(seconds: float, epoch: datetime = EPOCH) -> str:
    """A ``metav1.Time`` (RFC 3339, whole seconds, truncated): ``2025-01-01T00:00:30Z``."""
    return _at(seconds, epoch)[0] + "Z"


def micro_timestamp(seconds: float, epoch: datetime = EPOCH) -> str:
    """A ``metav1.MicroTime`` (six fractional digits): ``2025-01-01T00:00:30.000000Z``."""
    text, fraction = _at(seconds, epoch)
    return f"{text}.{fraction:06d}Z"


def parse_timestamp(text: str, epoch: datetime = EPOCH) -> float:
    """Seconds since ``epoch`` of an RFC 3339 timestamp."""
    return (datetime.fromisoformat(text) - epoch).total_seconds()


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration``: kubectl's AGE column (two or three significant figures).

    >>> [human_duration(s) for s in (-2, 59, 150, 3600, 3 * 86400 + 7200, 800 * 86400)]
    ['<invalid>', '59s', '2m30s', '60m', '3d2h', '2y70d']
    """
    d = round(seconds * _NS_PER_S)  # a Go time.Duration: integer nanoseconds
    whole_seconds = int(d / _NS_PER_S)  # int(d.Seconds()) truncates towards zero
    if whole_seconds < -1:  # up to 2 s in the future is clock skew, shown as now
        return "<invalid>"
    if whole_seconds < 0:
        return "0s"
    if whole_seconds < 120:
        return f"{whole_seconds}s"
    minutes = d // (60 * _NS_PER_S)
    if minutes < 10:
        s = whole_seconds % 60
        return f"{minutes}m{s}s" if s else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        m = minutes % 60
        return f"{hours}h{m}m" if m else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        h = hours % 24
        return f"{days}d{h}h" if h else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    years, extra_days = days // 365, days % 365
    if hours < 24 * 365 * 8 and extra_days:
        return f"{years}y{extra_days}d"
    return f"{years}y"


# --- generated names and uids (DESIGN decision 12) ------------------------------------------

NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # utilrand: no vowels, no 0/1/3, so no words
_MAX_GENERATED_PREFIX = 63 - 5  # names.SimpleNameGenerator: maxNameLength - randomLength


def random_suffix(rng: random.Random, n: int = 5) -> str:
    """``utilrand.String(n)`` from the simulation's seeded generator."""
    return "".join(rng.choice(NAME_ALPHABET) for _ in range(n))


def generate_name(prefix: str, rng: random.Random) -> str:
    """``metadata.generateName`` → ``name``: the prefix (cut to 58 characters) + 5 characters."""
    return prefix[:_MAX_GENERATED_PREFIX] + random_suffix(rng)


def new_uid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the seeded generator, so runs repeat exactly."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
