"""What the ``kubectl create <kind> NAME`` generators share: one NAME, ``--dry-run`` and ``-o``.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/create/create.go`` (``NameFromCommandArgs``),
``pkg/cmd/util/helpers.go`` (``UsageErrorf``, ``GetDryRunStrategy``,
``PrintFlagsWithDryRunStrategy``: ``service/web created (dry run)``) and the printers
``genericclioptions.PrintFlags`` gives a create command (no table, so no ``wide``). A generator
builds the whole typed object as Go would serialize it (``creationTimestamp: null``, the zero
``status``), which is what ``--dry-run=client -o yaml`` prints.
Simplified: ``--dry-run=server`` is refused (k8sedu's API server has no dry-run requests) and of
the template printers only ``-o jsonpath=…`` prints.
"""

from __future__ import annotations

from k8sedu.apiserver.registry import BY_PLURAL
from k8sedu.errors import APIError, KubectlError
from k8sedu.kubectl import output
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Flag

FLAGS = (
    Flag(
        "dry-run",
        kind="string",
        default="none",
        help='Must be "none", "server", or "client". If client strategy, only print the object '
        "that would be sent, without sending it.",
    ),
    Flag(
        "output",
        "o",
        "string",
        help="Output format. One of: (json, yaml, name, go-template, go-template-file, template, "
        "templatefile, jsonpath, jsonpath-as-json, jsonpath-file).",
    ),
)
# PrintFlags.AllowedFormats of a create command, sorted as NoCompatiblePrinterError prints them
FORMATS = (
    "go-template",
    "go-template-file",
    "json",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "name",
    "template",
    "templatefile",
    "yaml",
)


def name_from_args(inv: Invocation) -> str:
    """``NameFromCommandArgs``: exactly one argument before ``--``."""
    count = len(inv.args) - len(inv.dash_args)
    if count != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {count}\n"
            f"See 'kubectl {inv.path} -h' for help and examples"
        )
    return inv.args[0]


def metadata(inv: Invocation, name: str) -> dict:
    """The new object's metadata: the namespace only when ``-n`` names it (``EnforceNamespace``)."""
    meta: dict = {"creationTimestamp": None, "name": name}
    if "namespace" in inv.changed:
        meta["namespace"] = inv.namespace
    return meta


def check_flags(inv: Invocation) -> None:
    """``Complete``'s checks of ``--dry-run`` and ``-o``, made before the generator's own."""
    dry_run = inv.flags["dry-run"]
    if dry_run == "server":
        raise KubectlError("error: k8sedu does not simulate --dry-run=server")
    if dry_run not in ("none", "client"):
        raise KubectlError(
            f'error: Invalid dry-run value ({dry_run}). Must be "none", "server", or "client".'
        )
    fmt = inv.flags["output"].partition("=")[0]
    if fmt and fmt not in FORMATS:
        raise KubectlError(
            f'error: unable to match a printer suitable for the output format "{fmt}", '
            f"allowed formats are: {','.join(FORMATS)}"
        )
    output.parse_output_flag(inv.flags["output"])  # a template format without its template


def create(inv: Invocation, plural: str, obj: dict, failure: str | None) -> None:
    """Send ``obj`` (unless ``--dry-run=client``) and print it as ``-o`` asks; an API error
    becomes ``error: <failure>: <message>``, as the generator's ``fmt.Errorf`` wraps it (with no
    ``failure``, the server's error as it is: ``create namespace`` returns it unwrapped)."""
    dry_run = inv.flags["dry-run"] == "client"
    if not dry_run:
        try:
            obj = inv.api.create(plural, obj, inv.namespace)
        except APIError as error:
            if failure is None:
                raise
            raise KubectlError(f"error: {failure}: {error}") from None
    fmt, template = output.parse_output_flag(inv.flags["output"])
    if fmt == "":
        line = _common.object_line(BY_PLURAL[plural], obj["metadata"]["name"], "created")
        inv.out(line.replace("\n", " (dry run)\n") if dry_run else line)
    elif fmt == "name":
        inv.out(output.name_line(obj, plural) + "\n")
    elif fmt == "json":
        inv.out(output.to_json(obj))
    elif fmt == "yaml":
        inv.out(output.to_yaml(obj))
    elif fmt == "jsonpath":
        inv.out(output.jsonpath_output(template, obj))
    else:
        raise KubectlError(f'error: k8sedu does not support "-o {fmt}"; use -o jsonpath')
