"""``kubectl describe`` for Namespaces and ConfigMaps, and the generic describer kubectl uses for
every other kind (describe.go: ``describeNamespace``, ``ConfigMapDescriber``,
``genericDescriber``/``printUnstructuredContent``).
"""

from __future__ import annotations

import base64
import re

from k8sedu.kubectl.describe.writer import (
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    rfc1123z,
)
from k8sedu.kubectl.jsonpath import go_sprint

_QUOTA_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited "
    "lifespan on a node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually "
    "include long running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a "
    "best effort quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods "
    "have a burstable or guaranteed quality of service.",
}
_CAMEL_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+|[^A-Za-z0-9]+")
_ACRONYMS = ("API", "URL", "UID", "GUID")


def describe_namespace(ns: dict, quotas: list[dict], limit_ranges: list[dict]) -> str:
    meta, status = ns["metadata"], ns.get("status") or {}
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(
                1,
                f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}\t"
                f"{c.get('reason', '')}\t{c.get('message', '')}\n",
            )
    w.write(0, "\n")
    if not quotas:
        w.write(0, "No resource quota.\n")
    else:
        w.write(0, "Resource Quotas\n")
        for q in sorted(quotas, key=lambda q: q["metadata"]["name"]):
            _describe_quota(w, q)
    w.write(0, "\n")
    if not limit_ranges:
        w.write(0, "No LimitRange resource.\n")
    else:
        w.write(
            0,
            "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
        )
        w.write(
            0,
            " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
        )
        for lr in limit_ranges:
            _describe_limit_range(w, lr)
    return w.text()


def _describe_quota(w: PrefixWriter, quota: dict) -> None:
    spec, status = quota.get("spec") or {}, quota.get("status") or {}
    w.write(1, f"Name:\t{quota['metadata']['name']}\n")
    scopes = sorted(spec.get("scopes") or [])
    if scopes:
        w.write(1, f"Scopes:\t{', '.join(scopes)}\n")
        for scope in scopes:
            if scope in _QUOTA_SCOPE_HELP:
                w.write(1, f"* {_QUOTA_SCOPE_HELP[scope]}\n")
    w.write(1, "Resource\tUsed\tHard\n")
    w.write(1, "--------\t---\t---\n")
    hard, used = status.get("hard") or {}, status.get("used") or {}
    for name in sorted(hard):
        w.write(1, f"{name}\t{used.get(name, '0')}\t{hard[name]}\n")


def _describe_limit_range(w: PrefixWriter, limit_range: dict) -> None:
    # kubectl walks a Go map here, so its row order is random; k8sedu sorts by resource name.
    for item in (limit_range.get("spec") or {}).get("limits") or []:
        columns = ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
        names = sorted({name for c in columns for name in item.get(c) or {}})
        for name in names:
            values = [(item.get(c) or {}).get(name, "-") for c in columns]
            w.write(0, f" {item.get('type', '')}\t{name}\t" + "\t".join(values) + "\n")


def describe_configmap(cm: dict, events: list[dict] | None, now: float) -> str:
    meta = cm["metadata"]
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, "\nData\n====\n")
    data = cm.get("data") or {}
    for key in sorted(data):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{data[key]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for key in sorted(binary):
        w.write(0, f"{key}: {len(base64.b64decode(binary[key]))} bytes\n")
    w.write(0, "\n")
    if events is not None:
        describe_events(w, events, now)
    return w.text()


def smart_label(field: str) -> str:
    """``smartLabelFor``: ``apiVersion`` → ``API Version``, ``podCIDRs`` → ``Pod CIDRs``."""
    if any(not (c.isalpha() or c == "-") for c in field):
        return field
    parts = _CAMEL_PARTS.findall(field)
    merged: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else ""
        if len(part) >= 2 and part.isupper() and nxt[:1].isupper():
            merged.append(part + nxt)
            i += 2
            continue
        merged.append(part)
        i += 1
    words = []
    for part in merged:
        if part == "_":
            continue
        if part.upper() in _ACRONYMS:
            part = part.upper()
        elif part.lower() == part:
            part = part.title()
        words.append(part)
    return " ".join(words)


_SKIPPED = (
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
)


def _print_content(w: PrefixWriter, level: int, content: dict, prefix: str) -> None:
    for key in sorted(content):
        value, path = content[key], f"{prefix}.{key}"
        if path in _SKIPPED:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(key)}:\n")
            _print_content(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(key)}:\n")
            for child in value:
                if isinstance(child, dict):
                    _print_content(w, level + 1, child, path)
                else:
                    w.write(level + 1, f"{go_sprint(child)}\n")
        else:
            w.write(level, f"{smart_label(key)}:\t{go_sprint(value)}\n")


def describe_generic(obj: dict, events: list[dict] | None, now: float) -> str:
    """The generic describer: name, namespace, labels, annotations, then every other field."""
    meta = obj.get("metadata") or {}
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    _print_content(w, 0, obj, "")
    if events is not None:
        describe_events(w, events, now)
    return w.text()
