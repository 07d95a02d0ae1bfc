"""The pieces every ``kubectl describe`` shares: the PrefixWriter, label/annotation/taint/toleration
lists, times and ages, and the Events table (``staging/src/k8s.io/kubectl/pkg/describe/describe.go``).

Describe writes tab-separated cells through Go's tabwriter (``tabbedString``: minwidth 0, padding 2);
each level of indentation is two spaces. Simplified: times print in UTC (kubectl prints them in the
local zone of the machine it runs on).
"""

from __future__ import annotations

from datetime import UTC, datetime

from k8sedu.kubectl.table import TabWriter
from k8sedu.objects import human_duration, parse_timestamp

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ZERO_TIME = "Mon, 01 Jan 0001 00:00:00 +0000"  # Go's zero time.Time, formatted
MAX_ANNOTATION_LEN = 140


class PrefixWriter:
    """describe.go's prefixWriter over a tabwriter: ``flush()`` ends an alignment block."""

    def __init__(self) -> None:
        self._blocks: list[list[str]] = [[]]

    def write(self, level: int, text: str) -> None:
        self._blocks[-1].append("  " * level + text)

    def write_line(self, text: str = "") -> None:
        self._blocks[-1].append(text + "\n")

    def flush(self) -> None:
        self._blocks.append([])

    def text(self) -> str:
        out = []
        for block in self._blocks:
            writer = TabWriter(minwidth=0, padding=2, remember_widths=False)
            writer.write("".join(block))
            out.append(writer.flush())
        return "".join(out)


def rfc1123z(ts: str | None) -> str:
    """``Time.Format(time.RFC1123Z)``: ``Wed, 01 Jan 2025 00:00:30 +0000``."""
    if not ts:
        return _ZERO_TIME
    t = datetime.fromisoformat(ts).astimezone(UTC)
    return (
        f"{_DAYS[t.weekday()]}, {t.day:02d} {_MONTHS[t.month - 1]} {t.year:04d} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} +0000"
    )


def since(ts: str | None, now: float) -> str:
    """``translateTimestampSince``: the age of a timestamp, ``<unknown>`` when unset."""
    return human_duration(now - parse_timestamp(ts)) if ts else "<unknown>"


def go_bool(value: object) -> str:
    return "true" if value else "false"


def print_labels(w: PrefixWriter, title: str, labels: dict | None, indent: str = "") -> None:
    """``printLabelsMultilineWithIndent``: one ``key=value`` per line, sorted, aligned."""
    w.write(0, f"{indent}{title}:\t")
    if not labels:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, f"{key}={labels[key]}\n")


def print_annotations(w: PrefixWriter, title: str, annotations: dict | None) -> None:
    """``printAnnotationsMultiline``: ``key: value``; long or multi-line values go below the key,
    shortened to 140 characters; the last-applied-configuration annotation is skipped."""
    w.write(0, f"{title}:\t")
    keys = sorted(
        k for k in annotations or {} if k != "kubectl.kubernetes.io/last-applied-configuration"
    )
    if not keys:
        w.write_line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = annotations[key].removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                short = (
                    line
                    if len(line) <= MAX_ANNOTATION_LEN - 2
                    else line[: MAX_ANNOTATION_LEN - 2] + "..."
                )
                w.write(0, f"\t  {short}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def taint_text(taint: dict) -> str:
    """``Taint.ToString``: ``key=value:Effect``, or ``key:Effect`` without a value."""
    value = taint.get("value", "")
    return f"{taint.get('key', '')}{'=' + value if value else ''}:{taint.get('effect', '')}"


def print_taints(w: PrefixWriter, title: str, taints: list | None) -> None:
    w.write(0, f"{title}:\t")
    if not taints:
        w.write_line("<none>")
        return
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    for i, taint in enumerate(ordered):
        if i:
            w.write(0, "\t")
        w.write(0, taint_text(taint) + "\n")


def print_tolerations(
    w: PrefixWriter, title: str, tolerations: list | None, indent: str = ""
) -> None:
    """``printTolerationsMultilineWithIndent``: ``key=value:Effect op=Exists for 300s``."""
    w.write(0, f"{indent}{title}:\t")
    if not tolerations:
        w.write_line("<none>")
        return
    for i, tol in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, f"{indent}\t")
        key, value, effect = tol.get("key", ""), tol.get("value", ""), tol.get("effect", "")
        text = key + (f"={value}" if value else "") + (f":{effect}" if effect else "")
        if tol.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if tol.get("tolerationSeconds") is not None:
            text += f" for {tol['tolerationSeconds']}s"
        w.write(0, text + "\n")


def describe_events(w: PrefixWriter, events: list[dict], now: float) -> None:
    """``DescribeEvents``: oldest last-seen first; ``2m (x3 over 5m)`` for repeated events."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    ordered = sorted(
        events,
        key=lambda e: parse_timestamp(e["lastTimestamp"]) if e.get("lastTimestamp") else -1e18,
    )
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in ordered:
        first = since(e.get("eventTime") or e.get("firstTimestamp"), now)
        series = e.get("series")
        if series:
            interval = f"{since(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} over {first})"
        elif (e.get("count") or 0) > 1:
            interval = f"{since(e.get('lastTimestamp'), now)} (x{e['count']} over {first})"
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent", "")
        message = (e.get("message") or "").strip()
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t{message}\n")
