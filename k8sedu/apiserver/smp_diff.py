"""Strategic merge patch diffs: the patches kubectl computes before it sends a PATCH.

Models ``CreateTwoWayMergePatch`` (kubectl label/annotate/set image) and
``CreateThreeWayMergePatch`` (client-side ``kubectl apply``) from
``k8s.io/apimachinery/pkg/util/strategicpatch/patch.go``. The three-way patch is the changes
from the live object to the manifest (never deleting what others set), plus the deletions from
the last-applied manifest to the new one, merged into one patch:

    last-applied: {replicas: 2, env: [A, B]}   manifest: {env: [A]}   live: {replicas: 5, env: [A, B]}
    patch:        {replicas: null, $setElementOrder/env: [A], env: [{name: B, $patch: delete}]}

Simplified: ``overwrite`` is always true (kubectl's default), so conflicts are not computed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from k8sedu.apiserver.schema import Type
from k8sedu.apiserver.smp import (
    DELETE_PREFIX,
    DIRECTIVE,
    ORDER_PREFIX,
    RETAIN_KEYS,
    _elem,
    _elem_kind,
    _field,
    _no_merge_key,
    _same,
    _sort_by_order,
    go_v,
    merge_map,
)


@dataclass(frozen=True)
class _Diff:
    """``DiffOptions``."""

    set_element_order: bool = True
    ignore_changes: bool = False  # IgnoreChangesAndAdditions
    ignore_deletions: bool = False
    retain_keys: bool = False  # BuildRetainKeysDirective


def two_way(original: dict, modified: dict, t: Type) -> dict:
    """The patch that turns ``original`` into ``modified``."""
    return _diff_maps(copy.deepcopy(original), copy.deepcopy(modified), t, _Diff())


def three_way(original: dict | None, modified: dict, current: dict, t: Type) -> dict:
    """kubectl apply's patch: ``original`` is the last-applied manifest, ``current`` the live object."""
    delta = _diff_maps(
        copy.deepcopy(current), copy.deepcopy(modified), t, _Diff(ignore_deletions=True)
    )
    deletions = _diff_maps(
        copy.deepcopy(original or {}), copy.deepcopy(modified), t, _Diff(ignore_changes=True)
    )
    return merge_map(deletions, delta, t, server=False)


def _diff_maps(original: dict, modified: dict, t: Type | None, options: _Diff) -> dict:
    patch: dict = {}
    retain = []
    for key, new in modified.items():
        if options.retain_keys and new is not None:
            retain.append(key)
        if key not in original:
            if not options.ignore_changes:
                patch[key] = new
            continue
        old = original[key]
        if key == DIRECTIVE:
            if old != new:
                patch[key] = new
            continue
        if type(old) is not type(new):
            if not options.ignore_changes:
                patch[key] = new
        elif isinstance(old, dict):
            _diff_map_field(key, old, new, patch, t, options)
        elif isinstance(old, list):
            _diff_list_field(key, old, new, patch, t, options)
        elif not options.ignore_changes and not _same(old, new):
            patch[key] = new
    if not options.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    if retain and (patch or any(v is not None and k not in modified for k, v in original.items())):
        patch[RETAIN_KEYS] = sorted(retain, key=go_v)
    return patch


def _diff_map_field(
    key: str, old: dict, new: dict, patch: dict, t: Type | None, options: _Diff
) -> None:
    child, retain, strategy, _ = _field(t, key)
    if strategy == "replace":
        if not options.ignore_changes:
            patch[key] = new
        return
    value = _diff_maps(old, new, child, replace(options, retain_keys=retain))
    if value:
        patch[key] = value


def _diff_list_field(
    key: str, old: list, new: list, patch: dict, t: Type | None, options: _Diff
) -> None:
    child, retain, strategy, merge_key = _field(t, key)
    if strategy != "merge":
        if not options.ignore_changes and old != new:
            patch[key] = new
        return
    options = replace(options, retain_keys=retain)
    additions, deletions, order = _diff_lists(old, new, _elem(child), merge_key, options)
    if additions:
        patch[key] = additions
    if deletions:
        patch[f"{DELETE_PREFIX}/{key}"] = deletions
    if order:
        patch[f"{ORDER_PREFIX}/{key}"] = order


def _diff_lists(old: list, new: list, elem: Type | None, merge_key: str, options: _Diff):
    """``diffLists``: (patch list, parallel deletion list, $setElementOrder list)."""
    if not old:
        return (None if not new or options.ignore_changes else new), None, None
    order = None
    if _elem_kind(old, new) is dict:
        changes, deletions = _diff_lists_of_maps(old, new, elem, merge_key, options)
        changes = _sort_by_order(changes, new, merge_key, True) + deletions
        same_order = len(old) == len(new) and all(
            _same(a.get(merge_key), b.get(merge_key)) for a, b in zip(old, new)
        )
        wanted = (not options.ignore_changes and (changes or not same_order)) or (
            not options.ignore_deletions and changes
        )
        if options.set_element_order and wanted:
            order = [{merge_key: item[merge_key]} for item in new]
        return changes, None, order
    additions, deletions = _diff_lists_of_scalars(old, new, options)
    additions = _sort_by_order(additions, new, merge_key, False)
    wanted = (not options.ignore_deletions and deletions) or (
        not options.ignore_changes and old != new
    )
    if options.set_element_order and wanted:
        order = new
    return additions, deletions, order


def _diff_lists_of_scalars(old: list, new: list, options: _Diff) -> tuple[list, list]:
    """Walk both lists sorted by their ``%v`` text; what only one side has is added or deleted."""
    old_sorted, new_sorted = sorted(old, key=go_v), sorted(new, key=go_v)
    additions, deletions, i, j = [], [], 0, 0
    while i < len(old_sorted) or j < len(new_sorted):
        a = go_v(old_sorted[i]) if i < len(old_sorted) else None
        b = go_v(new_sorted[j]) if j < len(new_sorted) else None
        if a is not None and a == b:
            i, j = i + 1, j + 1
        elif a is None or (b is not None and a > b):
            if not options.ignore_changes:
                additions.append(new_sorted[j])
            j += 1
        else:
            if not options.ignore_deletions:
                deletions.append(old_sorted[i])
            i += 1
    unique = []
    for item in deletions:
        if not any(_same(item, u) for u in unique):
            unique.append(item)
    return additions, unique


def _diff_lists_of_maps(old: list, new: list, elem: Type | None, merge_key: str, options: _Diff):
    """Items matched by merge key: changed ones diffed, new ones added, gone ones ``$patch: delete``."""
    for item in old + new:
        if merge_key not in item:
            raise _no_merge_key(item, merge_key)
    old_sorted = sorted(old, key=lambda m: go_v(m[merge_key]))
    new_sorted = sorted(new, key=lambda m: go_v(m[merge_key]))
    changes, deletions, i, j = [], [], 0, 0
    while i < len(old_sorted) or j < len(new_sorted):
        a = go_v(old_sorted[i][merge_key]) if i < len(old_sorted) else None
        b = go_v(new_sorted[j][merge_key]) if j < len(new_sorted) else None
        if a is not None and a == b:
            value = _diff_maps(old_sorted[i], new_sorted[j], elem, options)
            if value:
                value[merge_key] = new_sorted[j][merge_key]
                changes.append(value)
            i, j = i + 1, j + 1
        elif a is None or (b is not None and a > b):
            if not options.ignore_changes:
                changes.append(new_sorted[j])
            j += 1
        else:
            if not options.ignore_deletions:
                deletions.append({merge_key: old_sorted[i][merge_key], DIRECTIVE: "delete"})
            i += 1
    return changes, deletions
