"""How kubectl lays out a server Table: columns, headers, decorations and Go's tabwriter.

Models the HumanReadablePrinter of ``staging/src/k8s.io/cli-runtime/pkg/printers/tableprinter.go``
(``decorateTable``, ``printTable``), the tab writer it prints through
(``tabwriter.NewWriter(out, 6, 4, 3, ' ', RememberWidths)`` from ``printers/tabwriter.go``, the
``liggitt/tabwriter`` fork of Go's ``text/tabwriter``), the blank line and the
``No resources found`` message of ``kubectl get`` (``pkg/cmd/get/get.go``) and the ``--sort-by``
sorter (``pkg/cmd/get/sorter.go``). Simplified: widths count code points (Go counts runes, the
same thing), and ``--sort-by`` takes plain paths (``.a.b[0].c``), not full JSONPath.

How the tab writer aligns (elastic tabstops)::

    NAME\\tREADY\\tSTATUS\\n          NAME    READY   STATUS
    web-1\\tlong-cell\\tRunning\\n  ->  web-1   long-cell   Running

A column is as wide as its widest cell plus 3 (at least 6); the last cell of a line is never
padded, so lines carry no trailing spaces unless the last cell is empty.
"""

from __future__ import annotations

import re
from typing import Any

from k8sedu.apiserver import registry
from k8sedu.apiserver.printers.common import format_labels


class TabWriter:
    """Go's tabwriter with kubectl's settings: minwidth 6, padding 3, space padding, and
    RememberWidths (column widths only grow across flushes, which ``get -w`` relies on).

    ``write`` text with ``\\t`` between cells and ``\\n`` after lines; ``flush`` returns the
    aligned output. A column is a block of contiguous lines that all have a cell there, and
    its width is decided per block.
    """

    def __init__(self, minwidth: int = 6, padding: int = 3, remember_widths: bool = True) -> None:
        self.minwidth = minwidth
        self.padding = padding
        self.remember_widths = remember_widths
        self.remembered_widths: list[int] = []
        self._out: list[str] = []
        self._reset()

    def _reset(self) -> None:
        self._lines: list[list[str]] = [[]]
        self._cell = ""
        self._widths: list[int] = []

    def write(self, text: str) -> None:
        for piece in re.split(r"([\t\n])", text):
            if piece not in ("\t", "\n"):
                self._cell += piece
                continue
            self._lines[-1].append(self._cell)
            self._cell = ""
            if piece == "\n":
                cells = len(self._lines[-1])
                self._lines.append([])
                if cells == 1:
                    # a line without tabs cannot affect later columns: Go flushes here
                    self._flush_buffer()

    def flush(self) -> str:
        """Format everything written so far and return it."""
        self._flush_buffer()
        out, self._out = "".join(self._out), []
        return out

    def _flush_buffer(self) -> None:
        if self._cell:
            self._lines[-1].append(self._cell)
            self._cell = ""
        self._format(0, len(self._lines))
        self._reset()

    def _format(self, line0: int, line1: int) -> None:
        column = len(self._widths)
        this = line0
        while this < line1:
            if column >= len(self._lines[this]) - 1:
                this += 1
                continue
            # a block of lines that have a cell in this column starts here
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            while this < line1 and column < len(self._lines[this]) - 1:
                width = max(width, len(self._lines[this][column]) + self.padding)
                this += 1
            width = self._remember(column, width)
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)

    def _remember(self, column: int, width: int) -> int:
        if not self.remember_widths:
            return width
        known = self.remembered_widths
        if len(known) < column:
            known.extend(self._widths[len(known) :])
        if len(known) == column:
            known.append(width)
        elif known[column] > width:
            width = known[column]
        else:
            known[column] = width
        return width

    def _write_lines(self, line0: int, line1: int) -> None:
        for i in range(line0, line1):
            for j, cell in enumerate(self._lines[i]):
                self._out.append(cell)
                if j < len(self._widths):
                    self._out.append(" " * (self._widths[j] - len(cell)))
            self._out.append(self._cell if i + 1 == len(self._lines) else "\n")


def cell_text(value: Any) -> str:
    """A cell as kubectl prints it: Go's ``fmt.Sprint``, cut at the first line break with
    ``...``, escape characters shown as ``^[``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    cut = re.search(r"[\f\n\r]", text)
    if cut:
        text = text[: cut.start()] + "..."
    return text.replace("\x1b", "^[")


def _label_header(key: str) -> str:
    return key.split("/")[-1].upper()


def _decorate(
    table: dict,
    kind: str,
    with_namespace: bool,
    show_labels: bool,
    label_columns: list[str],
) -> tuple[list[dict], list[list[Any]]]:
    """``decorateTable``: NAMESPACE first, ``-L`` columns and LABELS last, ``kind/`` names."""
    columns = list(table.get("columnDefinitions", []))
    name_column = -1
    if kind:
        for i, col in enumerate(columns):
            if col.get("format") == "name" and col.get("type") == "string":
                name_column = i
                break
    added = [{"name": _label_header(key), "type": "string"} for key in label_columns]
    if show_labels:
        added.append({"name": "Labels", "type": "string"})
    prefix = [{"name": "Namespace", "type": "string"}] if with_namespace else []
    width = len(prefix) + len(columns) + len(added)
    rows = []
    for row in table.get("rows", []):
        cells = list(row.get("cells", []))
        if name_column != -1:
            cells[name_column] = f"{kind.lower()}/{cell_text(cells[name_column])}"
        metadata = (row.get("object") or {}).get("metadata")
        if metadata is None:
            # nothing to read namespace and labels from: empty cells, as kubectl pads them
            cells = [None] * len(prefix) + cells
            cells += [None] * (width - len(cells))
        else:
            if with_namespace:
                cells = [metadata.get("namespace", "")] + cells
            labels = metadata.get("labels") or {}
            cells += [labels.get(key, "") for key in label_columns]
            if show_labels:
                cells.append(format_labels(labels))
        rows.append(cells)
    return prefix + columns + added, rows


def _table_text(columns: list[dict], rows: list[list[Any]], wide: bool, no_headers: bool) -> str:
    """``printTable`` into a fresh tab writer: hidden wide columns, upper-cased headers."""
    visible = [wide or col.get("priority", 0) == 0 for col in columns]
    writer = TabWriter()
    if not no_headers:
        if not rows:
            return ""  # kubectl prints no header over an empty table
        headers = [col["name"].upper() for col, shown in zip(columns, visible) if shown]
        writer.write("\t".join(headers) + "\n")
    for cells in rows:
        shown = [cell_text(c) for c, v in zip(cells[: len(columns)], visible) if v]
        writer.write("\t".join(shown) + "\n")
    return writer.flush()


def _namespaced(kind: str) -> bool:
    found = registry.lookup(kind) if kind else None
    return found.namespaced if found else True


def render(
    tables: list[tuple[str, dict]] | dict,
    *,
    wide: bool = False,
    no_headers: bool = False,
    show_labels: bool = False,
    with_namespace: bool = False,
    with_kind: bool = False,
    label_columns: list[str] | tuple[str, ...] = (),
) -> str:
    """kubectl's stdout for one Table, or for several (``get all``, ``get pods,svc``).

    ``tables`` is a Table dict or a list of ``(kind, table)`` pairs, kind as kubectl names it
    with ``with_kind`` (``pod``, ``deployment.apps``). Each table is laid out on its own, and a
    blank line separates tables that printed something (not with ``no_headers``). NAMESPACE is
    added only for namespaced kinds, as kubectl does for ``-A``.
    """
    if isinstance(tables, dict):
        tables = [("", tables)]
    chunks: list[str] = []
    for kind, table in tables:
        columns, rows = _decorate(
            table,
            kind if with_kind else "",
            with_namespace and _namespaced(kind),
            show_labels,
            list(label_columns),
        )
        text = _table_text(columns, rows, wide, no_headers)
        if not text:
            continue
        if chunks and not no_headers:
            chunks.append("\n")
        chunks.append(text)
    return "".join(chunks)


def no_resources_message(namespace: str | None, all_namespaces: bool) -> str:
    """kubectl's stderr line when ``get`` printed nothing (newline included).

    ``namespace`` is None when a requested kind is cluster-scoped.
    """
    if namespace is None or all_namespaces:
        return "No resources found\n"
    return f"No resources found in {namespace} namespace.\n"


# --- --sort-by (output.sort_objects) ----------------------------------------------------


def natural_less(a: str, b: str) -> bool:
    """``sortorder.NaturalLess``: digit runs compare as numbers (``pod-2`` < ``pod-10``)."""
    i = j = 0
    while i < len(a) and j < len(b):
        da, db = a[i].isdigit(), b[j].isdigit()
        if da != db:
            return da
        if not da:
            if a[i] != b[j]:
                return a[i] < b[j]
            i, j = i + 1, j + 1
            continue
        zi, zj = i, j
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        si, sj = i, j
        while i < len(a) and a[i].isdigit():
            i += 1
        while j < len(b) and b[j].isdigit():
            j += 1
        if i - si != j - sj:
            return i - si < j - sj
        if a[si:i] != b[sj:j]:
            return a[si:i] < b[sj:j]
        if si - zi != sj - zj:
            return si - zi < sj - zj
    return len(a) < len(b)
