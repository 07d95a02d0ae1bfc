"""``kubectl events``: the namespace's Events, oldest seen first, repeats folded.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/events/events.go``: ``--for kind/name`` filters by
the involved object, ``--types`` by Normal/Warning; the rows come from
``printers.event_rows_for_kubectl_events`` and are laid out like any table (NAMESPACE with ``-A``).
"""

from __future__ import annotations

from k8sedu.apiserver import printers
from k8sedu.errors import KubectlError
from k8sedu.kubectl import table
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag


def _field_selector(inv: Invocation) -> str | None:
    target = inv.flags["for"]
    if not target:
        return None
    kind, sep, name = target.partition("/")
    if not sep or not name:
        raise KubectlError(f"error: --for must be in resource/name form, got {target!r}")
    res = _common.resource_type(kind)
    return f"involvedObject.kind={res.kind},involvedObject.name={name}"


def run(inv: Invocation) -> None:
    types = [t.lower() for t in inv.flags["types"]]
    for t in types:
        if t not in ("normal", "warning"):
            raise KubectlError(f"error: valid --types are Normal or Warning: {t}")
    events = inv.api.list(
        "events",
        namespace=None if inv.all_namespaces else inv.namespace,
        field_selector=_field_selector(inv),
    )
    events = [e for e in events if not types or e.get("type", "").lower() in types]
    if not events:
        where = "." if inv.all_namespaces else f" in {inv.namespace} namespace."
        inv.err(f"No events found{where}")
        return
    rows = printers.event_rows_for_kubectl_events(events, inv.cluster.now, inv.cluster.epoch)
    inv.out(
        table.render(
            [("event", rows)], with_namespace=inv.all_namespaces, no_headers=inv.flags["no-headers"]
        )
    )


COMMANDS = (
    Command(
        "events",
        run,
        short="List events",
        usage="events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning]",
        flags=(
            Flag(
                "all-namespaces",
                "A",
                help="If present, list the requested object(s) across all namespaces.",
            ),
            Flag(
                "for",
                kind="string",
                help="Filter events to only those pertaining to the specified resource.",
            ),
            Flag("types", kind="strings", help="Output only events of given types."),
            Flag("no-headers", help="When using the default output format, don't print headers."),
        ),
    ),
)
