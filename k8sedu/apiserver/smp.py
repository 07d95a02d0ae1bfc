"""Strategic merge patch: the merge engine and the diffs kubectl builds patches with.

A port of ``k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`` over plain dicts, with the
patch strategies and merge keys read from ``schema.Type`` nodes instead of Go struct tags.
``merge_map(server=True)`` is ``StrategicMergeMapPatch`` (what kube-apiserver applies);
``server=False`` is the merge of two patches inside ``CreateThreeWayMergePatch``.
Simplified: Go iterates maps in random order; here keys keep their document order.

A worked example (Deployment containers merge by ``name``)::

    live:   containers: [{name: web, image: nginx:1.26}, {name: log, image: busybox}]
    patch:  $setElementOrder/containers: [{name: web}, {name: log}]
            containers: [{name: web, image: nginx:1.27}]
    result: containers: [{name: web, image: nginx:1.27}, {name: log, image: busybox}]
"""

from __future__ import annotations

from k8sedu.apiserver.schema import ANY, ARRAY, Type
from k8sedu.errors import BadRequest, InternalError, Invalid

DIRECTIVE, RETAIN_KEYS = "$patch", "$retainKeys"
DELETE_PREFIX, ORDER_PREFIX = "$deleteFromPrimitiveList", "$setElementOrder"


class RejectedPatch(Invalid):
    """The generic 422 of ``NewGenericServerResponse``: the real reason is not sent.

    kube-apiserver answers a failed JSON patch operation (and a list of lists in a strategic
    patch) this way; ``detail`` keeps the reason the server drops, for learners.
    """

    def __init__(self, detail: str) -> None:
        super().__init__("the server rejected our request due to an error in our request")
        self.detail = detail

    def __reduce__(self):
        return (RejectedPatch, (self.detail,))


class PatchFailed(InternalError):
    """A plain Go error from the patch code: HTTP 500 with reason ``Unknown``.

    kubectl prints it as ``Error from server: map: map[image:nginx] does not contain declared
    merge key: name``.
    """

    reason = "Unknown"


def go_v(value: object) -> str:
    """Go's ``%v`` of a decoded JSON value (``map[image:nginx name:web]``)."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_v(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_v(v) for v in value) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def _go_type(value: object) -> str:
    """The Go type a decoded JSON value has, as ``reflect.TypeOf`` prints it."""
    names = {dict: "map[string]interface {}", list: "[]interface {}", str: "string", bool: "bool"}
    return names.get(type(value), "float64" if isinstance(value, float) else "int64")


def _same(a: object, b: object) -> bool:
    """Go's ``==`` on interface values: equal type and value (``True != 1``)."""
    return type(a) is type(b) and a == b


def _no_merge_key(item: dict, key: str) -> PatchFailed:
    return PatchFailed(f"map: {go_v(item)} does not contain declared merge key: {key}")


def _field(t: Type | None, key: str) -> tuple[Type | None, bool, str, str]:
    """(child type, retainKeys?, strategy, merge key) of a field, from its patch strategy."""
    if t is None:
        return None, False, "", ""
    strategy, merge_key = t.patch_meta(key)
    parts = strategy.split(",") if strategy else []
    retain = "retainKeys" in parts
    others = [p for p in parts if p != "retainKeys"]
    return t.child(key), retain, (others[0] if others else ""), merge_key


def _elem(t: Type | None) -> Type | None:
    if t is not None and t.tag == ANY:
        return t
    return t.elem if t is not None and t.tag == ARRAY else None


def _elem_kind(*lists: list) -> type:
    """``sliceElementType``: all items share one JSON type, and it is not a list."""
    found = None
    for items in lists:
        for v in items:
            if found is None:
                found = type(v)
                if found is list:
                    raise RejectedPatch("lists of lists are not supported")
            elif type(v) is not found:
                raise PatchFailed(f"list element types are not identical: {go_v(list(lists))}")
    if found is None:
        raise PatchFailed("no elements in any of the given slices")
    return found


def _index(items: list, value: object, merge_key: str, is_map: bool) -> int:
    def val(item: object) -> object:
        return item.get(merge_key) if isinstance(item, dict) else None

    probe = val(value) if is_map else value
    for i, item in enumerate(items):
        if _same(val(item) if is_map else item, probe):
            return i
    return -1


def _find_by_key(items: list, merge_key: str, value: object) -> int:
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise PatchFailed(f"value for key {i} is not a map.")
        if merge_key in item and _same(item[merge_key], value):
            return i
    return -1


def _check_merge_keys(merge_key: str, *lists: list) -> None:
    for items in lists:
        for item in items:
            if not isinstance(item, dict):
                raise PatchFailed(
                    f"expected a map[string]interface {{}}, but received a {_go_type(item)}"
                )
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)


def _is_delete(item: object) -> bool:
    return isinstance(item, dict) and item.get(DIRECTIVE) == "delete"


def _sort_by_order(items: list, order: list, merge_key: str, is_map: bool) -> list:
    """``normalizeSliceOrder``: Go's stable insertion sort with its comparator, kept exact."""
    to_delete = []
    if is_map:
        _check_merge_keys(merge_key, items, order)
        to_delete = [v for v in items if _is_delete(v)]
        items = [v for v in items if not _is_delete(v)]
    items = list(items)

    def less(a: object, b: object) -> bool:  # "less" unless both are in `order`
        ia, ib = _index(order, a, merge_key, is_map), _index(order, b, merge_key, is_map)
        return ia < ib if ia >= 0 and ib >= 0 else True

    for i in range(1, len(items)):
        j = i
        while j > 0 and less(items[j], items[j - 1]):
            items[j], items[j - 1] = items[j - 1], items[j]
            j -= 1
    return items + to_delete


def _merge_sorted(left: list, right: list, order: list, merge_key: str, is_map: bool) -> list:
    """``mergeSortedSlice``: interleave server-only items (left) with patch items (right)."""
    merged, i, j = [], 0, 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            merged.append(right[j])
            j += 1
        elif j >= len(right):
            merged.append(left[i])
            i += 1
        else:
            li, ri = (
                _index(order, left[i], merge_key, is_map),
                _index(order, right[j], merge_key, is_map),
            )
            if li >= 0 and ri >= 0 and li < ri:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                j += 1
    return merged


def _partition(merged: list, by: list, merge_key: str) -> tuple[list, list]:
    """Split ``merged`` into (items present in ``by``, server-only items)."""
    inside, outside = [], []
    for v in merged:
        if merge_key:
            if not isinstance(v, dict):
                raise PatchFailed(
                    f"expected a map[string]interface {{}}, but received a {_go_type(v)}"
                )
            if merge_key not in v:
                raise _no_merge_key(v, merge_key)
            present = _find_by_key(by, merge_key, v[merge_key]) >= 0
        else:
            present = any(_same(v, b) for b in by)
        (inside if present else outside).append(v)
    return inside, outside


def _order(
    patch_items: list,
    server_only: list,
    patch_order: list,
    server_order: list,
    merge_key: str,
    is_map: bool,
) -> list:
    """``normalizeElementOrder``: $setElementOrder > order in the patch > order in the live list."""
    patch_items = _sort_by_order(patch_items, patch_order, merge_key, is_map)
    server_only = _sort_by_order(server_only, server_order, merge_key, is_map)
    return _merge_sorted(server_only, patch_items, server_order, merge_key, is_map)


def _dedupe(items: list) -> list:
    """Go's ``deduplicateScalars`` (it moves the last item into a duplicate's place)."""
    items, last, i = list(items), len(items) - 1, 0
    while i < last:
        j = i + 1
        while j <= last:
            if _same(items[i], items[j]):
                items[j] = items[last]
                items.pop()
                last -= 1
            else:
                j += 1
        i += 1
    return items


# --- merging -------------------------------------------------------------------------------------


def merge_map(original: dict | None, patch: dict, t: Type | None, server: bool) -> dict:
    """``mergeMap``: merge ``patch`` into ``original`` (both are consumed and mutated)."""
    if DIRECTIVE in patch:
        directive = patch[DIRECTIVE]
        if directive == "replace":
            del patch[DIRECTIVE]
            return patch
        if directive == "delete":
            return {}
        raise PatchFailed(f"unknown patch type: {go_v(directive)} in map: {go_v(patch)}")
    original = {} if original is None else original
    _apply_retain_keys(original, patch, server)
    _merge_ordered_lists(original, patch, t, server)
    for key, value in list(patch.items()):
        is_delete_list = key.startswith(DELETE_PREFIX)
        if is_delete_list:
            if not server:
                original[key] = value
                continue
            key = _strip_prefix(key, DELETE_PREFIX)
        if value is None:
            original.pop(key, None)
            if server:
                continue
        if key not in original or type(original[key]) is not type(value):
            if not is_delete_list:
                original[key] = _without_nulls(value) if server else value
            continue
        child, _, strategy, merge_key = _field(t, key)
        if isinstance(value, dict):
            original[key] = (
                value if strategy == "replace" else merge_map(original[key], value, child, server)
            )
        elif isinstance(value, list) and strategy == "merge":
            original[key] = _merge_list(
                original[key], value, _elem(child), merge_key, server, is_delete_list
            )
        else:
            original[key] = value
    return original


def _without_nulls(value: object) -> object:
    """A new field's value loses its nulls on the server, so patch and create agree (#123304)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _strip_prefix(key: str, prefix: str) -> str:
    head, _, rest = key.partition("/")
    if head != prefix or not rest:
        raise BadRequest(
            "invalid patch format of primitive list"
            if prefix == DELETE_PREFIX
            else "invalid patch format of setElementOrder list"
        )
    return rest


def _apply_retain_keys(original: dict, patch: dict, server: bool) -> None:
    """``$retainKeys``: clear the original's keys missing from the list (server side)."""
    if RETAIN_KEYS not in patch:
        return
    keep = patch.pop(RETAIN_KEYS)
    if not server:  # merging two patches: both must carry the same list
        if RETAIN_KEYS in original and original[RETAIN_KEYS] != keep:
            raise PatchFailed(f"{go_v(original[RETAIN_KEYS])} and {go_v(keep)} are not deep equal")
        original[RETAIN_KEYS] = keep
        return
    if not isinstance(keep, list):
        raise BadRequest("invalid patch format of retainKeys")
    for key, value in patch.items():
        directive = key.startswith((DELETE_PREFIX, ORDER_PREFIX))
        if value is not None and not directive and key not in keep:
            raise BadRequest("invalid patch format of retainKeys")
    for key in [k for k in original if k not in keep]:
        del original[key]


def _merge_ordered_lists(original: dict, patch: dict, t: Type | None, server: bool) -> None:
    """``mergePatchIntoOriginal``: merge each list that has a ``$setElementOrder`` and order it."""
    for key in [k for k in patch if k.startswith(ORDER_PREFIX)]:
        order = patch.pop(key)
        if not server:
            if key in original and original[key] != order:
                raise BadRequest("invalid patch format of setElementOrder list")
            original[key] = order
        if not isinstance(order, list):
            raise PatchFailed(f"expected a []interface {{}}, but received a {_go_type(order)}")
        name = _strip_prefix(key, ORDER_PREFIX)
        in_original, in_patch = name in original, name in patch
        live, wanted = original.get(name, []), patch.get(name, [])
        if not isinstance(live, list) or not isinstance(wanted, list):
            bad = live if not isinstance(live, list) else wanted
            raise PatchFailed(f"expected a []interface {{}}, but received a {_go_type(bad)}")
        child, _, strategy, merge_key = _field(t, name)
        _check_order(wanted, order, merge_key)
        if not in_original and not in_patch:
            continue
        if in_original and in_patch:
            merged = (
                _merge_list(live, wanted, _elem(child), merge_key, server, False)
                if strategy == "merge"
                else wanted
            )
        else:
            merged = live if in_original else wanted
        inside, outside = _partition(merged, order, merge_key)
        is_map = _elem_kind(live, wanted) is dict
        original[name] = _order(inside, outside, order, live, merge_key, is_map)
        patch.pop(name, None)


def _check_order(patch_list: list, order: list, merge_key: str) -> None:
    """``validatePatchWithSetOrderList``: the patch's items appear in $setElementOrder's order."""
    if not order or not patch_list:
        return
    items = [v for v in patch_list if not (merge_key and _is_delete(v))]
    p = o = 0
    while p < len(items) and o < len(order):
        if isinstance(items[p], dict) and DIRECTIVE in items[p]:
            p += 1
            continue
        if merge_key:
            _check_merge_keys(merge_key, [items[p], order[o]])
            equal = _same(items[p][merge_key], order[o][merge_key])
        else:
            equal = _same(items[p], order[o])
        p += equal
        o += 1
    if p < len(items):
        raise PatchFailed(
            f"The order in patch list:\n{go_v(patch_list)}\n doesn't match $setElementOrder list:\n{go_v(order)}\n"
        )


def _merge_list(
    original: list,
    patch: list,
    elem: Type | None,
    merge_key: str,
    server: bool,
    is_delete_list: bool,
) -> list:
    """``mergeSlice`` for a list whose strategy is ``merge``."""
    if not original and not patch:
        return original
    is_map = _elem_kind(original, patch) is dict
    if not is_map:
        if server and is_delete_list:
            return [v for v in original if not any(_same(v, d) for d in patch)]
        merged = _dedupe(original + patch)
    else:
        if not merge_key:
            raise PatchFailed("cannot merge lists without merge key for type struct")
        original, patch = _special_elements(original, patch, merge_key)
        merged = list(original)  # `original` stays the live order the result is sorted by
        for item in patch:
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)
            at = _find_by_key(merged, merge_key, item[merge_key])
            if at >= 0:
                merged[at] = merge_map(merged[at], item, elem, server)
            else:
                merged.append(item)
    inside, outside = _partition(merged, patch, merge_key)
    return _order(inside, outside, patch, original, merge_key, is_map)


def _special_elements(original: list, patch: list, merge_key: str) -> tuple[list, list]:
    """``mergeSliceWithSpecialElements``: apply ``$patch: delete|replace`` list items."""
    plain, replace_all = [], False
    for item in patch:
        if DIRECTIVE not in item:
            plain.append(item)
        elif item[DIRECTIVE] == "delete":
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)
            original = [
                v
                for v in original
                if not (isinstance(v, dict) and _same(v.get(merge_key), item[merge_key]))
            ]
        elif item[DIRECTIVE] == "replace":
            replace_all = True
        elif item[DIRECTIVE] == "merge":
            raise PatchFailed("merging lists cannot yet be specified in the patch")
        else:
            raise PatchFailed(f"unknown patch type: {go_v(item[DIRECTIVE])} in map: {go_v(item)}")
    return (plain, []) if replace_all else (original, plain)
