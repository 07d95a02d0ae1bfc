"""Shared pieces of the server-side printers: column definitions, ages and label formatting.

Models the helpers at the top and bottom of k8s ``pkg/printers/internalversion/printers.go``
(``translateTimestampSince``, ``layoutContainerCells``) and apimachinery's ``labels.FormatLabels``.
Simplified: column descriptions that the real server takes from generated Swagger docs are
shortened to their first sentence, except those of ``Name`` and ``Age``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from k8sedu import objects

NAME_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically. "
    "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
    "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
AGE_DESCRIPTION = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients "
    "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
    "system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)
CONTAINERS_DESCRIPTION = "Names of each container in the template."
IMAGES_DESCRIPTION = "Images referenced by each container in the template."


def column(
    name: str, type_: str = "string", description: str = "", *, priority: int = 0, fmt: str = ""
) -> dict:
    """One ``meta.k8s.io/v1`` TableColumnDefinition; priority 1 columns show only with ``-o wide``."""
    return {
        "name": name,
        "type": type_,
        "format": fmt,
        "description": description,
        "priority": priority,
    }


NAME = column("Name", description=NAME_DESCRIPTION, fmt="name")
AGE = column("Age", description=AGE_DESCRIPTION)
WIDE_CONTAINERS = column("Containers", description=CONTAINERS_DESCRIPTION, priority=1)
WIDE_IMAGES = column("Images", description=IMAGES_DESCRIPTION, priority=1)


@dataclass(frozen=True)
class Clock:
    """Simulated "now" and the epoch that RFC 3339 timestamps are read against."""

    now: float
    epoch: datetime = objects.EPOCH

    def seconds(self, timestamp: str) -> float:
        return objects.parse_timestamp(timestamp, self.epoch)

    def since(self, timestamp: str | None) -> str:
        """``translateTimestampSince``: the age of a timestamp, ``<unknown>`` when unset."""
        if not timestamp:
            return "<unknown>"
        return self.since_seconds(self.seconds(timestamp))

    def since_seconds(self, at: float) -> str:
        return objects.human_duration(self.now - at)

    def age(self, obj: dict) -> str:
        return self.since(obj.get("metadata", {}).get("creationTimestamp"))


Row = Callable[[dict, Clock], list[Any]]


class Printer(NamedTuple):
    """The columns of one resource and the function that turns one object into its cells;
    ``conditions`` gives a row's TableRowConditions (only pods have them)."""

    columns: list[dict]
    row: Row
    conditions: Callable[[dict], list[dict]] | None = None


def name(obj: dict) -> str:
    return obj.get("metadata", {}).get("name", "")


def format_labels(labels: dict | None) -> str:
    """``labels.FormatLabels``: ``k=v`` pairs sorted by key, or ``<none>``."""
    if not labels:
        return "<none>"
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels))


def selector_string(selector: dict | None) -> str:
    """``LabelSelectorAsSelector(s).String()``; a nil or empty selector prints as ``""``."""
    return str(objects.selector_from_spec(selector))


def layout_containers(pod_spec: dict | None) -> tuple[str, str]:
    """``layoutContainerCells``: container names and images, each comma-joined."""
    containers = (pod_spec or {}).get("containers", [])
    names = ",".join(c.get("name", "") for c in containers)
    images = ",".join(c.get("image", "") for c in containers)
    return names, images


def template_spec(obj: dict) -> dict:
    return obj.get("spec", {}).get("template", {}).get("spec", {})


def condition_true(conditions: list[dict] | None, type_: str) -> bool:
    """The first condition of ``type_`` has status True (``hasJobCondition`` and friends)."""
    for condition in conditions or []:
        if condition.get("type") == type_:
            return condition.get("status") == "True"
    return False
