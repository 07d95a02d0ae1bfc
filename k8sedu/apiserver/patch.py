"""PATCH bodies: JSON patch (RFC 6902), JSON merge patch (RFC 7386), strategic merge patch.

Models kube-apiserver's three patch types and kubectl's client-side apply patch. JSON patch
follows evanphx/json-patch v4 (negative indexes allowed, ``replace`` of a missing object key
adds it); the server answers any failed operation with one generic 422 and drops the reason,
which ``RejectedPatch.detail`` keeps for learners. Strategic merge patch is a port of
``k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`` (``smp.py`` merges, ``smp_diff.py``
builds kubectl's patches) driven by the ``schema`` module's patch strategies and merge keys.
"""

from __future__ import annotations

import copy
import json
import re

from k8sedu.apiserver import schema, smp_diff
from k8sedu.apiserver.smp import PatchFailed, RejectedPatch, merge_map
from k8sedu.errors import BadRequest

__all__ = [
    "PatchFailed",
    "RejectedPatch",
    "json_patch",
    "merge_patch",
    "strategic_merge_patch",
    "three_way_merge_patch",
    "two_way_merge_patch",
]

# --- JSON patch (gopkg.in/evanphx/json-patch.v4/patch.go) ------------------------------------

_INDEX = re.compile(r"[+-]?[0-9]+")


def json_patch(doc: dict, ops: list) -> dict:
    """Apply RFC 6902 operations to a copy of ``doc``.

    >>> json_patch({"spec": {"replicas": 1}}, [{"op": "replace", "path": "/spec/replicas", "value": 3}])
    {'spec': {'replicas': 3}}
    """
    if not isinstance(ops, list):
        raise BadRequest(
            f"json: cannot unmarshal {_json_kind(ops)} into Go value of type jsonpatch.Patch"
        )
    for op in ops:
        if not isinstance(op, dict):
            raise BadRequest(
                f"json: cannot unmarshal {_json_kind(op)} into Go value of type jsonpatch.Operation"
            )
    result = copy.deepcopy(doc)
    for op in ops:
        result = _json_patch_op(result, op)
    return result


def _json_kind(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "bool"}.get(type(value), "number")


def _json_patch_op(doc: dict, op: dict) -> dict:
    kind = op.get("op") if isinstance(op.get("op"), str) else "unknown"
    path = op.get("path") if isinstance(op.get("path"), str) else None
    value = copy.deepcopy(op.get("value"))
    if kind not in ("add", "remove", "replace", "move", "copy", "test"):
        raise RejectedPatch(f"Unexpected kind: {kind}")
    if path is None:
        raise RejectedPatch(f"{kind} operation failed to decode path: missing value")
    if kind == "replace" and path == "":
        if not isinstance(value, dict | list):
            raise RejectedPatch("replace operation value must be object or array")
        return value
    if kind == "test" and path == "":
        return (
            doc if _json_equal(doc, value) else _fail(f"testing value {path} failed: test failed")
        )
    if kind in ("move", "copy"):
        source = op.get("from")
        found = _find(doc, source) if isinstance(source, str) else None
        if found is None:
            raise RejectedPatch(
                f"{kind} operation does not apply: doc is missing from path: {source}: missing value"
            )
        value = copy.deepcopy(_get(*found, f"error in {kind} for path: '{source}'"))
        if kind == "move":
            _remove(*found, f"error in move for path: '{found[1]}'")
        kind = "add"
    found = _find(doc, path)
    if found is None:
        if kind == "test":
            raise RejectedPatch(
                f"test operation does not apply: is missing path: {path}: missing value"
            )
        raise RejectedPatch(
            f'{kind} operation does not apply: doc is missing path: "{path}": missing value'
        )
    container, key = found
    if kind == "add":
        _add(container, key, value, f"error in add for path: '{path}'")
    elif kind == "remove":
        _remove(container, key, f"error in remove for path: '{path}'")
    elif kind == "replace":
        try:
            _get(container, key, "")
        except RejectedPatch:
            raise RejectedPatch(
                f"replace operation does not apply: doc is missing key: {path}: missing value"
            ) from None
        container[_list_index(container, key, "") if isinstance(container, list) else key] = value
    else:  # test
        current = _get(container, key, f"error in test for path: '{path}'")
        if current is None and ("value" not in op or op["value"] is None):
            return doc
        if current is None or "value" not in op or not _json_equal(current, value):
            _fail(f"testing value {path} failed: test failed")
    return doc


def _fail(detail: str) -> dict:
    raise RejectedPatch(detail)


def _json_equal(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _find(doc: object, path: str) -> tuple[dict | list, str] | None:
    """evanphx ``findObject``: the container of the path's last segment, and that segment."""
    parts = path.split("/")
    if len(parts) < 2:
        return None
    container = doc
    for part in parts[1:-1]:
        try:
            container = _get(container, _unescape(part), "")
        except RejectedPatch:
            return None
        if not isinstance(container, dict | list):
            return None
    return container, _unescape(parts[-1])


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _list_index(items: list, key: str, context: str, extra: int = 0) -> int:
    """Parse an array index; negative indexes count from the end (evanphx v4 allows them)."""
    if not _INDEX.fullmatch(key):
        raise RejectedPatch(
            f'{context}: strconv.Atoi: parsing "{key}": invalid syntax'.lstrip(": ")
        )
    index = int(key)
    size = len(items) + extra
    if index >= size or index < -size:
        raise RejectedPatch(
            f"{context}: Unable to access invalid index: {index}: invalid index referenced".lstrip(
                ": "
            )
        )
    return index + size if index < 0 else index


def _get(container: dict | list, key: str, context: str) -> object:
    if isinstance(container, dict):
        return container.get(key)
    return container[_list_index(container, key, context)]


def _add(container: dict | list, key: str, value: object, context: str) -> None:
    if isinstance(container, dict):
        container[key] = value
    elif key == "-":
        container.append(value)
    else:
        container.insert(_list_index(container, key, context, extra=1), value)


def _remove(container: dict | list, key: str, context: str) -> None:
    if isinstance(container, list):
        del container[_list_index(container, key, context)]
    elif key in container:
        del container[key]
    else:
        raise RejectedPatch(f"{context}: Unable to remove nonexistent key: {key}: missing value")


# --- JSON merge patch (RFC 7386) -----------------------------------------------------------------


def merge_patch(doc: dict, patch: object) -> dict:
    """RFC 7386: objects merge recursively, ``null`` deletes a key, anything else replaces.

    >>> merge_patch({"a": 1, "b": {"c": 2}}, {"a": None, "b": {"d": 3}})
    {'b': {'c': 2, 'd': 3}}
    """
    if patch is None:
        raise BadRequest("Invalid JSON Patch")
    return _merge_json(copy.deepcopy(doc), copy.deepcopy(patch))


def _merge_json(target: object, patch: object) -> object:
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = _merge_json(target.get(key), value)
    return target


# --- strategic merge patch -----------------------------------------------------------------------


def strategic_merge_patch(doc: dict, patch: dict, kind: str) -> dict:
    """Apply a strategic merge patch to a copy of ``doc`` as kube-apiserver does.

    Lists with strategy ``merge`` merge items by their merge key (``containers`` by ``name``);
    other lists are replaced. Directives: ``$patch: replace|delete`` (maps and list items),
    ``$retainKeys``, ``$deleteFromPrimitiveList/<field>``, ``$setElementOrder/<field>``.
    """
    if not isinstance(patch, dict):
        raise BadRequest("invalid JSON document")
    return merge_map(copy.deepcopy(doc), copy.deepcopy(patch), schema.root(kind), server=True)


def three_way_merge_patch(original: dict | None, modified: dict, current: dict, kind: str) -> dict:
    """kubectl client-side apply's ``CreateThreeWayMergePatch``.

    ``original`` is the ``kubectl.kubernetes.io/last-applied-configuration`` (None on first
    apply), ``modified`` the new manifest, ``current`` the live object. Applying the result with
    ``strategic_merge_patch`` removes what the manifest dropped and keeps what others set.
    """
    return smp_diff.three_way(original, modified, current, schema.root(kind))


def two_way_merge_patch(original: dict, modified: dict, kind: str) -> dict:
    """``CreateTwoWayMergePatch``: the patch that turns ``original`` into ``modified``."""
    return smp_diff.two_way(original, modified, schema.root(kind))
