"""Event rows: the server's Table for ``kubectl get events`` and the client-side listing of
``kubectl events``.

Models ``printEvent`` in k8s ``pkg/printers/internalversion/printers.go`` and the EventPrinter of
``staging/src/k8s.io/kubectl/pkg/cmd/events/event_printer.go`` (v1.34). The two differ:
``get events`` shows LAST SEEN as a plain age and keeps server order; ``kubectl events`` sorts by
the last time each event was seen and folds repeats into ``5m (x3 over 20m)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from k8sedu.apiserver.printers.common import NAME, Clock, Printer, column, name
from k8sedu.objects import EPOCH


def event_source(event: dict) -> str:
    """``formatEventSource``: component (or reportingController), then host (or instance)."""
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingController") or ""
    host = source.get("host") or event.get("reportingInstance") or ""
    return f"{component}, {host}" if host else component


def _target(event: dict) -> str:
    involved = event.get("involvedObject", {})
    kind = involved.get("kind", "").lower()
    return f"{kind}/{involved['name']}" if involved.get("name") else kind


def event_row(obj: dict, clock: Clock) -> list[Any]:
    first = clock.since(obj.get("firstTimestamp") or obj.get("eventTime"))
    last = clock.since(obj["lastTimestamp"]) if obj.get("lastTimestamp") else first
    count = obj.get("count", 0)
    if obj.get("series"):
        last = clock.since(obj["series"].get("lastObservedTime"))
        count = obj["series"].get("count", 0)
    elif count == 0:
        count = 1  # singleton events of the new API carry no count
    return [
        last,
        obj.get("type", ""),
        obj.get("reason", ""),
        _target(obj),
        obj.get("involvedObject", {}).get("fieldPath", ""),
        event_source(obj),
        obj.get("message", "").strip(),
        first,
        count,
        name(obj),
    ]


EVENT_COLUMNS = [
    column(
        "Last Seen",
        description="The time at which the most recent occurrence of this event was recorded.",
    ),
    column(
        "Type",
        description="Type of this event (Normal, Warning), new types could be added in the future",
    ),
    column(
        "Reason",
        description="This should be a short, machine understandable string that "
        "gives the reason for the transition into the object's current status.",
    ),
    column("Object", description="The object that this event is about."),
    column(
        "Subobject",
        description="If referring to a piece of an object instead of an entire "
        "object, this string should contain a valid JSON/Go field access statement, such as "
        "desiredState.manifest.containers[2].",
        priority=1,
    ),
    column(
        "Source",
        description="The component reporting this event. Should be a short machine "
        "understandable string.",
        priority=1,
    ),
    column("Message", description="A human-readable description of the status of this operation."),
    column(
        "First Seen",
        description="The time at which the event was first recorded. (Time of "
        "server receipt is in TypeMeta.)",
        priority=1,
    ),
    column("Count", description="The number of times this event has occurred.", priority=1),
    {**NAME, "priority": 1},
]

PRINTERS = {"events": Printer(EVENT_COLUMNS, event_row)}


def _last_seen(event: dict) -> str:
    """The time ``kubectl events`` sorts by: series, else lastTimestamp, else eventTime."""
    if event.get("series"):
        return event["series"].get("lastObservedTime", "")
    return event.get("lastTimestamp") or event.get("eventTime") or ""


def _sort_key(event: dict, clock: Clock) -> float:
    seen = _last_seen(event)
    return clock.seconds(seen) if seen else float("-inf")  # Go's zero time sorts first


def _interval(event: dict, clock: Clock) -> str:
    """``getInterval``: ``2m``, or ``2m (x3 over 10m)`` for an event seen more than once."""
    if event.get("eventTime"):
        first = clock.since(event["eventTime"])
    else:
        first = clock.since(event.get("firstTimestamp"))
    if event.get("series"):
        series = event["series"]
        last = clock.since(series.get("lastObservedTime"))
        return f"{last} (x{series.get('count', 0)} over {first})"
    if event.get("count", 0) > 1:
        return f"{clock.since(event.get('lastTimestamp'))} (x{event['count']} over {first})"
    return first


def event_rows_for_kubectl_events(
    events: list[dict], now: float, epoch: datetime | None = None
) -> dict:
    """The ``kubectl events`` listing as a Table: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE.

    Client-side, as in kubectl: sorted by when each event was last seen (stable, so ties keep
    list order), OBJECT is ``Kind/name`` with the kind as written. ``render`` lays it out and adds
    NAMESPACE for ``-A``.
    """
    clock = Clock(now, epoch or EPOCH)
    ordered = sorted(events, key=lambda e: _sort_key(e, clock))
    rows = []
    for event in ordered:
        involved = event.get("involvedObject", {})
        cells = [
            _interval(event, clock),
            event.get("type", ""),
            event.get("reason", ""),
            f"{involved.get('kind', '')}/{involved.get('name', '')}",
            event.get("message", "").strip(),
        ]
        rows.append({"cells": cells, "object": {"metadata": event.get("metadata", {})}})
    columns = [column(title) for title in ("Last Seen", "Type", "Reason", "Object", "Message")]
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {},
        "columnDefinitions": columns,
        "rows": rows,
    }
