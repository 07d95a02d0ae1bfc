"""Server-side printing: the ``meta.k8s.io/v1`` Table the API server returns for
``Accept: application/json;as=Table``.

Models the kube-apiserver's TableConvertor (k8s ``pkg/printers/storage``) over the print
handlers of ``pkg/printers/internalversion/printers.go``. The server always prints the wide
columns (``GenerateOptions{Wide: true}``) and marks them ``priority: 1``; kubectl hides them
unless ``-o wide``. Kinds without a handler get the default table of
``staging/src/k8s.io/apiserver/pkg/registry/rest/table.go`` (NAME, CREATED AT); custom resources
get NAME, AGE as the CRD handler prints them when no ``additionalPrinterColumns`` are set.

Worked example::

    table("pods", [pod], now=90.0)["rows"][0]["cells"]
    # ['web-1', '1/1', 'Running', '0', '90s', '10.244.1.5', 'node-1', '<none>', '<none>']
"""

from __future__ import annotations

from datetime import datetime

from k8sedu.apiserver import registry
from k8sedu.apiserver.printers import cluster, events, network, pods, workloads
from k8sedu.apiserver.printers.common import AGE, NAME, Clock, Printer, column, name
from k8sedu.apiserver.printers.events import event_rows_for_kubectl_events
from k8sedu.objects import EPOCH

__all__ = ["PRINTERS", "event_rows_for_kubectl_events", "table"]

PRINTERS: dict[str, Printer] = {
    **pods.PRINTERS,
    **workloads.PRINTERS,
    **network.PRINTERS,
    **cluster.PRINTERS,
    **events.PRINTERS,
}

DEFAULT_COLUMNS = [NAME, column("Created At", "date", AGE["description"])]
CUSTOM_RESOURCE_COLUMNS = [NAME, {**AGE, "type": "date"}]


def _created_at(obj: dict, clock: Clock) -> list:
    return [name(obj), obj.get("metadata", {}).get("creationTimestamp", "")]


def _custom_resource(obj: dict, clock: Clock) -> list:
    return [name(obj), clock.age(obj)]


def printer_for(resource: str) -> Printer:
    """The print handler of a resource (plural name), or the default for unprinted kinds."""
    if resource in PRINTERS:
        return PRINTERS[resource]
    if resource in registry.BY_PLURAL:
        return Printer(DEFAULT_COLUMNS, _created_at)
    return Printer(CUSTOM_RESOURCE_COLUMNS, _custom_resource)


def _row_object(obj: dict, include_object: str) -> dict | None:
    if include_object == "Object":
        return obj
    if include_object == "None":
        return None
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def table(
    resource: str,
    objects: list[dict],
    *,
    now: float,
    epoch: datetime | None = None,
    include_object: str = "Metadata",
    resource_version: str | None = None,
) -> dict:
    """The Table the API server returns for a list (or a get) of ``resource`` objects.

    ``now`` is simulated seconds since the epoch, against which AGE columns are computed.
    ``include_object`` is the ``includeObject`` query parameter: ``Metadata`` (default, a
    PartialObjectMetadata per row), ``Object`` (the whole object, which ``--sort-by`` needs) or
    ``None``.
    """
    printer = printer_for(resource)
    clock = Clock(now, epoch or EPOCH)
    rows = []
    for obj in objects:
        row: dict = {"cells": printer.row(obj, clock)}
        conditions = printer.conditions(obj) if printer.conditions else []
        if conditions:
            row["conditions"] = conditions
        attached = _row_object(obj, include_object)
        if attached is not None:
            row["object"] = attached
        rows.append(row)
    metadata = {"resourceVersion": resource_version} if resource_version is not None else {}
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": [dict(c) for c in printer.columns],
        "rows": rows,
    }
