"""``kubectl get``: ask the API server for objects and print its Table, or the objects themselves.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/get/get.go``: the server prints the rows (decision
14, ``k8sedu.apiserver.printers``), kubectl only lays them out (``k8sedu.kubectl.table``).
``-o yaml|json|name|jsonpath=|custom-columns=`` print the objects (``k8sedu.kubectl.output``).
``-w`` watches for a number of simulated seconds (60, or the k8sedu-only ``--watch-seconds``)
and moves the clock by that much; every other ``get`` leaves the clock alone. ``--raw PATH``
prints what the server answers on PATH (``raw.py``).
"""

from __future__ import annotations

from k8sedu.apiserver import printers
from k8sedu.apiserver.registry import Resource
from k8sedu.errors import APIError, KubectlError
from k8sedu.kubectl import output, table
from k8sedu.kubectl.commands import _common, get_watch, raw
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.manifest import from_file
from k8sedu.kubectl.parser import Command, Flag

WATCH_SECONDS = 60

NO_TYPE = (
    'You must specify the type of resource to get. Use "kubectl api-resources" for a complete '
    "list of supported resources.\n\n"
    "error: Required resource not specified.\n"
    'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl '
    "explain pods).\nSee 'kubectl get -h' for help and examples"
)


def run(inv: Invocation) -> None:
    if inv.flags["raw"]:
        raw.run(inv)
        return
    fmt, template = output.parse_output_flag(inv.flags["output"])
    groups = _fetch(inv)  # [(resource, objects)], errors already collected
    if inv.flags["sort-by"]:
        groups = [(res, output.sort_objects(objs, inv.flags["sort-by"])) for res, objs in groups]
    if inv.flags["watch"] or inv.flags["watch-only"]:
        get_watch.watch(inv, groups, fmt, template)
    elif fmt in ("", "wide"):
        _print_tables(inv, groups, wide=fmt == "wide")
    else:
        _print_objects(inv, groups, fmt, template)


def _fetch(inv: Invocation) -> list[tuple[Resource, list[dict]]]:
    if inv.flags["filename"]:
        return _fetch_files(inv)
    if not inv.args:
        raise KubectlError(NO_TYPE)
    targets = _common.parse_targets(inv.args)
    groups: list[tuple[Resource, list[dict]]] = []
    errors: list[Exception] = []
    for res, name in targets:
        objs = _objects(inv, res, name, errors)
        if groups and groups[-1][0] == res:
            groups[-1][1].extend(objs)
        else:
            groups.append((res, objs))
    inv.errors.extend(errors)  # printed after the output, as kubectl does
    return groups


def _objects(inv: Invocation, res: Resource, name: str | None, errors: list) -> list[dict]:
    ns = _common.namespace_for(res, inv)
    if name is not None:
        try:
            return [inv.api.get(res.plural, name, ns)]
        except APIError as error:
            if not (inv.flags["ignore-not-found"] and error.code == 404):
                errors.append(error)
            return []
    listed = inv.api.list(
        res.plural,
        namespace=None if inv.all_namespaces else ns,
        label_selector=inv.flags["selector"] or None,
        field_selector=inv.flags["field-selector"] or None,
    )
    inv.resource_version = listed.resource_version
    return list(listed)


def _fetch_files(inv: Invocation) -> list[tuple[Resource, list[dict]]]:
    groups: list[tuple[Resource, list[dict]]] = []
    errors: list[Exception] = []
    for path in inv.flags["filename"]:
        for doc in from_file(path):
            if doc.error is not None:
                errors.append(doc.error)
                continue
            name = doc.obj.get("metadata", {}).get("name")
            groups.append((doc.resource, _objects(inv, doc.resource, name, errors)))
    inv.errors.extend(errors)
    return groups


def single_item(inv: Invocation) -> bool:
    """kubectl prints one object, not a List, when exactly one name was asked for."""
    args = inv.args
    return (len(args) == 1 and "/" in args[0]) or (
        len(args) == 2 and "," not in args[0] and args[0] != "all"
    )


def _print_tables(inv: Invocation, groups, *, wide: bool) -> None:
    with_kind = _common.multiple_types_requested(inv.args) or bool(inv.flags["show-kind"])
    tables = [
        (
            _common.kind_string(res),
            printers.table(res.plural, objs, now=inv.cluster.now, epoch=inv.cluster.epoch),
        )
        for res, objs in groups
    ]
    text = table.render(
        tables,
        wide=wide,
        no_headers=inv.flags["no-headers"],
        show_labels=inv.flags["show-labels"],
        with_namespace=inv.all_namespaces,
        with_kind=with_kind,
        label_columns=inv.flags["label-columns"],
    )
    inv.out(text)
    if not text and not inv.errors:
        namespaced = any(res.namespaced for res, _ in groups)
        message = table.no_resources_message(
            inv.namespace if namespaced else None, inv.all_namespaces
        )
        inv.err(message.rstrip("\n"))


def _print_objects(inv: Invocation, groups, fmt: str, template: str) -> None:
    pairs = [(res, obj) for res, objs in groups for obj in objs]
    objs = [obj for _, obj in pairs]
    if fmt == "name":
        inv.out("".join(output.name_line(obj, res.plural) + "\n" for res, obj in pairs))
        return
    if fmt == "custom-columns":
        inv.out(output.custom_columns(template, objs, no_headers=inv.flags["no-headers"]))
        return
    if single_item(inv) and len(objs) == 1:
        shown = objs[0]
    else:
        shown = output.as_list(objs)
    if fmt == "json":
        inv.out(output.to_json(shown))
    elif fmt == "yaml":
        inv.out(output.to_yaml(shown))
    elif fmt == "jsonpath":
        inv.out(output.jsonpath_output(template, shown))
    else:
        raise KubectlError(
            f'error: k8sedu does not support "-o {fmt}"; use -o jsonpath or custom-columns'
        )


COMMAND = Command(
    "get",
    run,
    short="Display one or many resources",
    usage="get [(-o|--output=)json|yaml|name|wide|jsonpath=...|custom-columns=...] "
    "(TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
    flags=(
        Flag(
            "output",
            "o",
            "string",
            help="Output format: json, yaml, name, wide, jsonpath=…, custom-columns=…",
        ),
        Flag("selector", "l", "string", help="Selector (label query) to filter on"),
        Flag("field-selector", kind="string", help="Selector (field query) to filter on"),
        Flag("all-namespaces", "A", help="List the requested object(s) across all namespaces"),
        Flag("show-labels", help="When printing, show all labels as the last column"),
        Flag("label-columns", "L", "strings", help="Labels to present as columns"),
        Flag("show-kind", help="List the resource type for the requested object(s)"),
        Flag("no-headers", help="Don't print headers"),
        Flag("sort-by", kind="string", help="Sort list types using this field specification"),
        Flag("filename", "f", "strings", help="Files identifying the resources to get"),
        Flag("raw", kind="string", help="Raw URI to request from the server."),
        Flag("ignore-not-found", help='Treat "resource not found" as a successful retrieval'),
        Flag(
            "watch",
            "w",
            help="After listing, watch for changes (for --watch-seconds of simulated time)",
        ),
        Flag("watch-only", help="Watch for changes without listing first"),
        Flag(
            "watch-seconds",
            kind="int",
            default=WATCH_SECONDS,
            help="k8sedu only: how many simulated seconds -w watches (real kubectl waits for Ctrl-C)",
        ),
    ),
)
COMMANDS = (COMMAND,)
