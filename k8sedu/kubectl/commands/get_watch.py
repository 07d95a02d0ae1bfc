"""``kubectl get -w``: list, then print one row per change while simulated time runs.

Models the watch branch of ``pkg/cmd/get/get.go``: the watch starts at the list's
resourceVersion, every event is a one-row Table printed at the instant it happens (so its AGE is
that instant's), headers come once, with the first row, and the tab writer remembers column widths
across events, so later rows line up with the header until a wider cell arrives.
Simplified: a real ``kubectl get -w`` runs until Ctrl-C; here it runs the cluster for
``--watch-seconds`` simulated seconds (default 60) and returns what it printed.
"""

from __future__ import annotations

from k8sedu.apiserver import printers
from k8sedu.apiserver.printers.common import format_labels
from k8sedu.apiserver.registry import Resource
from k8sedu.errors import KubectlError
from k8sedu.kubectl import output, table
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation


def watch(
    inv: Invocation, groups: list[tuple[Resource, list[dict]]], fmt: str, template: str
) -> None:
    if len(groups) != 1:
        raise KubectlError(
            "error: watch is only supported on individual resources and resource collections, "
            f"but {len(groups)} resources were found"
        )
    res, objs = groups[0]
    printer = _Printer(inv, res, fmt, template)
    if not inv.flags["watch-only"]:
        printer.print(objs)
    names = [a.partition("/")[2] or a for a in inv.args[1:]] if len(inv.args) > 1 else []
    if len(inv.args) == 1 and "/" in inv.args[0]:
        names = [inv.args[0].partition("/")[2]]
    field_selector = inv.flags["field-selector"] or None
    start = inv.resource_version or None
    if names:
        field_selector = f"metadata.name={names[0]}"
        start = objs[0]["metadata"]["resourceVersion"] if objs else None
    ns = _common.namespace_for(res, inv)
    handle = inv.api.watch(
        res.plural,
        printer.on_event,
        namespace=None if inv.all_namespaces else ns,
        resource_version=start,
        label_selector=inv.flags["selector"] or None,
        field_selector=field_selector,
    )
    try:
        inv.cluster.run(inv.flags["watch-seconds"])
    finally:
        handle.stop()


class _Printer:
    """Prints objects as they come: table rows through one remembering tab writer, or the
    object in the chosen ``-o`` format."""

    def __init__(self, inv: Invocation, res: Resource, fmt: str, template: str) -> None:
        self.inv, self.res, self.fmt, self.template = inv, res, fmt, template
        self.writer = table.TabWriter()
        self.printed_headers = bool(inv.flags["no-headers"])
        self.count = 0

    def on_event(self, event: dict) -> None:
        self.print([event["object"]])

    def print(self, objs: list[dict]) -> None:
        if self.fmt in ("", "wide"):
            self._rows(objs)
            return
        for obj in objs:
            if self.fmt == "name":
                self.inv.out(output.name_line(obj, self.res.plural) + "\n")
            elif self.fmt == "json":
                self.inv.out(output.to_json(obj))
            elif self.fmt == "yaml":
                self.inv.out(("---\n" if self.count else "") + output.to_yaml(obj))
            elif self.fmt == "jsonpath":
                self.inv.out(output.jsonpath_output(self.template, obj))
            else:
                raise KubectlError(f'error: k8sedu does not support "-o {self.fmt}" with --watch')
            self.count += 1

    def _rows(self, objs: list[dict]) -> None:
        tbl = printers.table(
            self.res.plural, objs, now=self.inv.cluster.now, epoch=self.inv.cluster.epoch
        )
        if not tbl["rows"]:
            return
        wide = self.fmt == "wide"
        shown = [wide or col.get("priority", 0) == 0 for col in tbl["columnDefinitions"]]
        namespaced = self.inv.all_namespaces and self.res.namespaced
        labels = self.inv.flags["show-labels"]
        lines = []
        if not self.printed_headers:
            headers = [col["name"].upper() for col, s in zip(tbl["columnDefinitions"], shown) if s]
            lines.append(["NAMESPACE"] * namespaced + headers + ["LABELS"] * labels)
            self.printed_headers = True
        for row, obj in zip(tbl["rows"], objs):
            cells = [table.cell_text(c) for c, s in zip(row["cells"], shown) if s]
            meta = obj.get("metadata", {})
            prefix = [meta.get("namespace", "")] if namespaced else []
            suffix = [format_labels(meta.get("labels"))] if labels else []
            lines.append(prefix + cells + suffix)
        self.writer.write("".join("\t".join(line) + "\n" for line in lines))
        self.inv.out(self.writer.flush())
