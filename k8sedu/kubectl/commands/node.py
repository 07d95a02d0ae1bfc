"""``kubectl cordon``, ``uncordon`` and ``taint``: the node commands that only write the Node.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/drain/cordon.go`` (``spec.unschedulable``) and
``pkg/cmd/taint/taint.go`` with ``utils.go`` (``parseTaint``, ``reorganizeTaints``): a taint is
``key=value:Effect`` or ``key:Effect``; ``key:Effect-`` or ``key-`` removes; an existing key with
the same effect needs ``--overwrite``. The scheduler and the node-lifecycle controller react when
the cluster runs; these commands move no clock.
"""

from __future__ import annotations

from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _nodes(inv: Invocation, args: list[str]) -> list[dict]:
    if inv.flags.get("selector") or inv.flags.get("all"):
        return list(inv.api.list("nodes", label_selector=inv.flags.get("selector") or None))
    names = [a.partition("/")[2] if "/" in a else a for a in args]
    return [inv.api.get("nodes", name) for name in names]


def _set_unschedulable(inv: Invocation, unschedulable: bool) -> None:
    verb = "cordoned" if unschedulable else "uncordoned"
    if not inv.args and not inv.flags.get("selector"):
        raise KubectlError(
            f"error: USAGE: {'cordon' if unschedulable else 'uncordon'} NODE [flags]\nSee 'kubectl {'cordon' if unschedulable else 'uncordon'} -h' for help and examples"
        )
    for node in _nodes(inv, inv.args):
        name = node["metadata"]["name"]
        if bool(node.get("spec", {}).get("unschedulable")) == unschedulable:
            inv.out(f"node/{name} already {verb}\n")
            continue
        patch = {"spec": {"unschedulable": True if unschedulable else None}}
        inv.api.patch("nodes", name, patch, type="strategic")
        inv.out(f"node/{name} {verb}\n")


def run_cordon(inv: Invocation) -> None:
    _set_unschedulable(inv, True)


def run_uncordon(inv: Invocation) -> None:
    _set_unschedulable(inv, False)


# --- taint ----------------------------------------------------------------------------------------


def parse_taint(spec: str) -> dict:
    """``parseTaint``: ``key``, ``key:Effect`` or ``key=value:Effect`` → a taint dict."""
    parts = spec.split(":")
    if len(parts) > 2:
        raise KubectlError(f"error: invalid taint spec: {spec}")
    taint = {}
    if len(parts) == 2:
        if parts[1] not in EFFECTS:
            raise KubectlError(f"error: invalid taint effect: {parts[1]}, unsupported taint effect")
        key_value = parts[0].split("=")
        if len(key_value) > 2:
            raise KubectlError(f"error: invalid taint spec: {spec}")
        taint["key"] = key_value[0]
        if len(key_value) == 2:
            taint["value"] = key_value[1]
        taint["effect"] = parts[1]
    else:
        taint["key"] = parts[0]
    if not taint["key"]:
        raise KubectlError(f"error: invalid taint spec: {spec}, name part must be non-empty")
    return taint


def taint_string(taint: dict) -> str:
    """``Taint.ToString``: ``key=value:Effect``, ``key:Effect`` or ``key``."""
    text = taint["key"] + (f"={taint['value']}" if taint.get("value") else "")
    return text + (f":{taint['effect']}" if taint.get("effect") else "")


def split_taint_args(args: list[str]) -> tuple[list[str], list[dict], list[dict]]:
    resources, specs = [], []
    for arg in args:
        is_taint = "=" in arg or ":" in arg or arg.endswith("-")
        if is_taint:
            specs.append(arg)
        elif specs:
            raise KubectlError(
                f"error: all resources must be specified before taint changes: {arg}"
            )
        else:
            resources.append(arg)
    if not resources:
        raise KubectlError("error: one or more resources must be specified as <resource> <name>")
    if not specs:
        raise KubectlError("error: at least one taint update is required")
    to_add, to_remove = [], []
    for spec in specs:
        if spec.endswith("-"):
            to_remove.append(parse_taint(spec[:-1]))
        else:
            taint = parse_taint(spec)
            if "effect" not in taint:
                raise KubectlError(f"error: unknown taint spec: {spec}")
            to_add.append(taint)
    return resources, to_add, to_remove


def reorganize(
    old: list[dict], overwrite: bool, to_add: list[dict], to_remove: list[dict]
) -> tuple[str, list[dict]]:
    """``reorganizeTaints``: the new list and whether the node was tainted, untainted or modified."""
    new = [dict(t) for t in to_add]
    for taint in old:
        if not any(
            t["key"] == taint["key"] and t.get("effect") == taint.get("effect") for t in new
        ):
            new.append(taint)
    added = len(old) != len(new)
    deleted = False
    for removal in to_remove:
        kept = [
            t
            for t in new
            if not (
                t["key"] == removal["key"]
                and (not removal.get("effect") or t.get("effect") == removal["effect"])
            )
        ]
        deleted = len(kept) != len(new)
        if not deleted:
            raise KubectlError(f'error: taint "{taint_string(removal)}" not found')
        new = kept
    if (added and deleted) or overwrite:
        return "modified", new
    return ("tainted" if added else "untainted"), new


def run_taint(inv: Invocation) -> None:
    resources, to_add, to_remove = split_taint_args(inv.args)
    kind = resources[0].partition("/")[0].lower()
    if kind not in ("node", "nodes"):
        raise KubectlError(
            f'error: invalid resource type {resources[0]}, only ["node" "nodes"] are supported'
        )
    names = resources if "/" in resources[0] else resources[1:]
    if not names and not (inv.flags["all"] or inv.flags["selector"]):
        raise KubectlError(
            "error: at least one resource name must be specified since 'all' parameter is not set"
        )
    for node in _nodes(inv, names):
        name = node["metadata"]["name"]
        old = node.get("spec", {}).get("taints") or []
        if not inv.flags["overwrite"]:
            existing = [
                t["key"]
                for t in to_add
                for o in old
                if t["key"] == o["key"] and t["effect"] == o.get("effect")
            ]
            if existing:
                raise KubectlError(
                    f"error: node {name} already has {','.join(existing)} taint(s) with same effect(s) "
                    "and --overwrite is false"
                )
        operation, new = reorganize(old, inv.flags["overwrite"], to_add, to_remove)
        inv.api.patch("nodes", name, {"spec": {"taints": new or None}}, type="merge")
        inv.out(_common.object_line(_common.resource_type("nodes"), name, operation))


_SELECTOR = Flag("selector", "l", "string", help="Selector (label query) to filter on")

COMMANDS = (
    Command(
        "cordon",
        run_cordon,
        short="Mark node as unschedulable",
        usage="cordon NODE",
        flags=(_SELECTOR,),
    ),
    Command(
        "uncordon",
        run_uncordon,
        short="Mark node as schedulable",
        usage="uncordon NODE",
        flags=(_SELECTOR,),
    ),
    Command(
        "taint",
        run_taint,
        short="Update the taints on one or more nodes",
        usage="taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
        flags=(
            _SELECTOR,
            Flag(
                "overwrite",
                help="If true, allow taints to be overwritten, otherwise reject taint updates that overwrite existing taints.",
            ),
            Flag("all", help="Select all nodes in the cluster"),
        ),
    ),
)
