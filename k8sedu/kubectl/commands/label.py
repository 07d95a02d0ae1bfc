"""``kubectl label`` and ``kubectl annotate``: set (``key=value``) or remove (``key-``) metadata.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/label/label.go`` and ``annotate/annotate.go``: the
arguments are resources first, then changes (``GetResourcesAndPairs``); a key that already has
another value needs ``--overwrite``; the change goes as a JSON merge patch. ``label`` prints
``labeled``, ``unlabeled`` or ``not labeled`` by comparing the object's JSON before and after
(``updateDataChangeMsg``); ``annotate`` always prints ``annotated``.
"""

from __future__ import annotations

import copy

from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.jsonpath import go_json
from k8sedu.kubectl.parser import Command, Flag


def split_pairs(args: list[str], kind: str) -> tuple[list[str], dict[str, str], list[str]]:
    """``GetResourcesAndPairs`` then ``parseLabels``: resources, keys to set, keys to remove."""
    resources, pairs = [], []
    for arg in args:
        is_pair = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if is_pair:
            pairs.append(arg)
        elif pairs:
            raise KubectlError(
                f"error: all resources must be specified before {kind} changes: {arg}"
            )
        else:
            resources.append(arg)
    to_set, to_remove = {}, []
    for pair in pairs:
        if "=" in pair:
            key, _, value = pair.partition("=")
            to_set[key] = value
        else:
            to_remove.append(pair[:-1])
    if not to_set and not to_remove:
        raise KubectlError(f"error: at least one {kind} update is required")
    return resources, to_set, to_remove


def _targets(inv: Invocation, resources: list[str]):
    if not resources:
        raise KubectlError(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    for res, name in _common.parse_targets(resources):
        ns = _common.namespace_for(res, inv)
        if name is not None:
            yield res, inv.api.get(res.plural, name, ns)
        elif inv.flags["all"] or inv.flags["selector"]:
            yield from (
                (res, obj)
                for obj in inv.api.list(
                    res.plural,
                    namespace=None if inv.all_namespaces else ns,
                    label_selector=inv.flags["selector"] or None,
                )
            )
        else:
            raise KubectlError("error: resource(s) were provided, but no name was specified")


def _change(inv: Invocation, field: str, kind: str) -> None:
    resources, to_set, to_remove = split_pairs(inv.args, kind)
    for res, obj in _targets(inv, resources):
        current = obj["metadata"].get(field) or {}
        if not inv.flags["overwrite"]:
            for key, value in to_set.items():
                if key in current and current[key] != value:
                    raise KubectlError(
                        f"error: '{key}' already has a value ({current[key]}), and --overwrite is false"
                    )
        updated = {k: v for k, v in {**current, **to_set}.items() if k not in to_remove}
        patch = {"metadata": {field: {**to_set, **{k: None for k in to_remove if k in current}}}}
        inv.api.patch(
            res.plural,
            obj["metadata"]["name"],
            patch,
            obj["metadata"].get("namespace") or "default",
            type="merge",
        )
        if kind == "annotation":
            operation = "annotated"
        else:
            operation = _label_message(obj, updated, inv.flags["overwrite"])
        inv.out(_common.object_line(res, obj["metadata"]["name"], operation))


def _label_message(old: dict, labels: dict, overwrite: bool) -> str:
    """``updateDataChangeMsg``: unchanged → ``not labeled``; shorter JSON → ``unlabeled``."""
    before = copy.deepcopy(old)
    after = copy.deepcopy(old)
    after["metadata"]["labels"] = labels
    if after == before:
        return "not labeled"
    if not overwrite and len(go_json(after)) < len(go_json(before)):
        return "unlabeled"
    return "labeled"


def run_label(inv: Invocation) -> None:
    _change(inv, "labels", "label")


def run_annotate(inv: Invocation) -> None:
    _change(inv, "annotations", "annotation")


_FLAGS = (
    Flag("overwrite", help="If true, allow the change to overwrite existing values."),
    Flag("all", help="Select all resources, in the namespace of the specified resource types"),
    Flag("all-namespaces", "A", help="If true, check the specified action in all namespaces."),
    Flag("selector", "l", "string", help="Selector (label query) to filter on."),
)

COMMANDS = (
    Command(
        "label",
        run_label,
        short="Update the labels on a resource",
        usage="label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N",
        flags=_FLAGS,
    ),
    Command(
        "annotate",
        run_annotate,
        short="Update the annotations on a resource",
        usage="annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N",
        flags=_FLAGS,
    ),
)
