"""``kubectl describe hpa``: an ``autoscaling/v2`` HorizontalPodAutoscaler, its metrics as
``current / target``, its replica bounds, scaling behavior, conditions and Events.

Models describe.go's ``describeHorizontalPodAutoscalerV2`` and ``printDirectionBehavior``.
A metric's current value is the status entry at the same index, as kubectl pairs them;
``<unknown>`` until the controller has measured it.
Simplified: quantities print as the server stored them, read back through ``Quantity.String()``.
"""

from __future__ import annotations

from k8sedu import quantity
from k8sedu.kubectl.describe.writer import (
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    rfc1123z,
)

UNKNOWN = "<unknown>"


def describe_hpa(hpa: dict, events: list[dict] | None, now: float) -> str:
    meta, spec, status = hpa["metadata"], hpa.get("spec") or {}, hpa.get("status") or {}
    target = spec.get("scaleTargetRef") or {}
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    w.write(0, f"Reference:\t{target.get('kind', '')}/{target.get('name', '')}\n")
    w.write(0, "Metrics:\t( current / target )\n")
    current = status.get("currentMetrics") or []
    for i, metric in enumerate(spec.get("metrics") or []):
        _describe_metric(w, metric, current[i] if i < len(current) else {})
    min_replicas = spec.get("minReplicas")
    w.write(0, f"Min replicas:\t{'<unset>' if min_replicas is None else min_replicas}\n")
    w.write(0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
    behavior = spec.get("behavior")
    if behavior is not None:
        w.write(0, "Behavior:\n")
        _describe_direction(w, "Scale Up", behavior.get("scaleUp"))
        _describe_direction(w, "Scale Down", behavior.get("scaleDown"))
    w.write(0, f"{target.get('kind', '')} pods:\t")
    w.write(
        0,
        f"{status.get('currentReplicas', 0)} current / {status.get('desiredReplicas', 0)} desired\n",
    )
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tReason\tMessage\n")
        w.write(1, "----\t------\t------\t-------\n")
        for c in conditions:
            w.write(
                1,
                f"{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t"
                f"{c.get('message', '')}\n",
            )
    if events is not None:
        describe_events(w, events, now)
    return w.text()


def _quantity(value: str | int | None) -> str:
    """``Quantity.String()`` of a pointer: ``<nil>`` when unset."""
    return "<nil>" if value is None else str(quantity.parse(value))


def _go_quote(text: str) -> str:
    """Go's ``%q`` for the plain ASCII names metrics have."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _current(status: dict, key: str, field: str) -> str:
    """``CurrentMetrics[i].<Key>.Current.<Field>.String()``, ``<unknown>`` without that entry."""
    entry = status.get(key)
    return UNKNOWN if entry is None else _quantity((entry.get("current") or {}).get(field))


def _describe_metric(w: PrefixWriter, metric: dict, status: dict) -> None:
    """One line under ``Metrics:``; ``status`` is the current metric at the same index."""
    kind = metric.get("type", "")
    if kind == "External":
        source = metric.get("external") or {}
        name = _go_quote((source.get("metric") or {}).get("name", ""))
        goal = source.get("target") or {}
        if goal.get("averageValue") is not None:
            now = ((status.get("external") or {}).get("current") or {}).get("averageValue")
            shown = UNKNOWN if now is None else _quantity(now)
            w.write(
                1, f"{name} (target average value):\t{shown} / {_quantity(goal['averageValue'])}\n"
            )
        else:
            shown = _current(status, "external", "value")
            w.write(1, f"{name} (target value):\t{shown} / {_quantity(goal.get('value'))}\n")
    elif kind == "Pods":
        source = metric.get("pods") or {}
        name = _go_quote((source.get("metric") or {}).get("name", ""))
        goal = _quantity((source.get("target") or {}).get("averageValue"))
        w.write(1, f"{name} on pods:\t{_current(status, 'pods', 'averageValue')} / {goal}\n")
    elif kind == "Object":
        source = metric.get("object") or {}
        described = source.get("describedObject") or {}
        name = (source.get("metric") or {}).get("name", "")
        w.write(1, f'"{name}" on {described.get("kind", "")}/{described.get("name", "")} ')
        goal = source.get("target") or {}
        field = "averageValue" if goal.get("type") == "AverageValue" else "value"
        label = "target average value" if field == "averageValue" else "target value"
        shown = _current(status, "object", field)
        w.write(0, f"({label}):\t{shown} / {_quantity(goal.get(field))}\n")
    elif kind == "Resource":
        source = metric.get("resource") or {}
        w.write(1, f"resource {source.get('name', '')} on pods")
        _describe_resource(w, source, status, "resource")
    elif kind == "ContainerResource":
        source = metric.get("containerResource") or {}
        name, container = source.get("name", ""), source.get("container", "")
        w.write(1, f'resource {name} of container "{container}" on pods')
        _describe_resource(w, source, status, "containerResource")
    else:
        w.write(1, f"<unknown metric type {_go_quote(kind)}>\n")


def _describe_resource(w: PrefixWriter, source: dict, status: dict, key: str) -> None:
    """The rest of a (container) resource line: an average value, or a share of the request."""
    goal = source.get("target") or {}
    if goal.get("averageValue") is not None:
        shown = _current(status, key, "averageValue")
        w.write(0, f":\t{shown} / {_quantity(goal['averageValue'])}\n")
        return
    now = (status.get(key) or {}).get("current") or {}
    shown = UNKNOWN
    if now.get("averageUtilization") is not None:
        shown = f"{now['averageUtilization']}% ({_quantity(now.get('averageValue'))})"
    utilization = goal.get("averageUtilization")
    wanted = "<auto>" if utilization is None else f"{utilization}%"
    w.write(1, f"(as a percentage of request):\t{shown} / {wanted}\n")


def _describe_direction(w: PrefixWriter, direction: str, rules: dict | None) -> None:
    """``printDirectionBehavior``: the window, the policy selection and each policy."""
    if rules is None:
        return
    w.write(1, f"{direction}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
    policies = rules.get("policies") or []
    if policies:
        w.write(2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(2, "Policies:\n")
        for p in policies:
            w.write(
                3,
                f"- Type: {p.get('type', '')}\tValue: {p.get('value', 0)}\t"
                f"Period: {p.get('periodSeconds', 0)} seconds\n",
            )
