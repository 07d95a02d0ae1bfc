"""Printing unstructured JSON values the way Go does: ``fmt.Print`` (``%v``), ``strconv``
floats and ``encoding/json`` (sorted keys, ``<``, ``>`` and ``&`` escaped).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal


def go_type(value: object) -> str:
    """The Go type an unstructured JSON value has (for error messages)."""
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    return "float64" if isinstance(value, float) else "string"


def go_float(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v also uses: 1.5, 1e+06, 1e-05."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + exponent  # where the decimal point falls in the digit string
    minus = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}e{'+' if point >= 1 else '-'}{abs(point - 1):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return minus + text + "0" * (point - len(text))
    return f"{minus}{text[:point]}.{text[point:]}"


def _json_ready(value: object) -> object:
    """Go's encoding/json prints a whole float64 without a fraction (1, not 1.0)."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def go_json(value: object, indent: int | None = None) -> str:
    """encoding/json: sorted keys, <, > and & escaped as Go does, compact or indented."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(
        _json_ready(value), indent=indent, separators=separators, sort_keys=True, ensure_ascii=False
    )
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)  # these characters only ever occur inside strings
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def go_sprint(value: object) -> str:
    """fmt.Sprint of an unstructured value: ``map[app:web]``, ``[a b]``, ``<nil>``."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    return str(value)


def print_value(value: object) -> str:
    """How jsonpath prints one result: maps and lists as compact JSON, the rest as fmt.Print."""
    if isinstance(value, dict | list):
        return go_json(value)
    return go_sprint(value)
