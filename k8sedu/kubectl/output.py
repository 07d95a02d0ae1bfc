"""kubectl's non-table output: ``-o yaml|json|name|jsonpath=…|custom-columns=…`` and ``--sort-by``.

Models cli-runtime's printers (``json.go``, ``yaml.go``, ``name.go``, ``jsonpath.go``) and kubectl's
``get/customcolumn.go`` and ``get/sorter.go``. ``-o yaml`` goes the way sigs.k8s.io/yaml goes:
JSON, then go-yaml v2, whose rules decide the quoting (``"80"``, ``"true"``, ``""`` and timestamps
are quoted; plain text is not), the key order (a natural order: ``a2`` before ``a10``) and the
80-column folding of long plain strings; PyYAML's emitter, a port of the same libyaml, writes it.
Simplified: ``--sort-by`` is a stable sort (Go's is not, so kubectl may order ties differently),
and a failing command raises :class:`~k8sedu.errors.KubectlError` whose text has no final newline.
"""

from __future__ import annotations

import functools
import json
import re

import yaml

from k8sedu.apiserver.registry import BY_PLURAL
from k8sedu.errors import KubectlError
from k8sedu.kubectl import jsonpath
from k8sedu.kubectl.table import TabWriter, natural_less
from k8sedu.quantity import parse as parse_quantity

# --- -o json / -o yaml / -o name ------------------------------------------------------------------


def to_json(obj: dict) -> str:
    """``-o json``: encoding/json MarshalIndent with four spaces, keys sorted, and a newline."""
    return jsonpath.go_json(obj, indent=4) + "\n"


def as_list(items: list[dict], resource_version: str = "") -> dict:
    """The ``kind: List`` wrapper kubectl prints around several objects."""
    return {
        "apiVersion": "v1",
        "items": items,
        "kind": "List",
        "metadata": {"resourceVersion": resource_version},
    }


def name_line(obj: dict, resource: str) -> str:
    """``-o name``: ``pod/web``, ``deployment.apps/web`` (lower-case kind, then the group)."""
    found = BY_PLURAL[resource]
    kind = found.kind.lower() + (f".{found.group}" if found.group else "")
    return f"{kind}/{obj['metadata']['name']}"


# go-yaml v2's resolve table: the YAML 1.1 booleans, nulls and special floats.
_YAML_V2_NON_STRINGS = frozenset(
    ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")
    + ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")
    + ("", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN")
    + (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF")
)
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})"
    r"| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?)?$"
)


def _needs_quotes(text: str) -> bool:
    """go-yaml v2's ``resolve``: would this string read back as something other than a string?"""
    if text in _YAML_V2_NON_STRINGS or _BASE60.match(text):
        return True
    if text[0] == ".":
        return bool(_YAML_FLOAT.match(text))
    if text[0] in "+-0123456789":
        plain = text.replace("_", "")
        return bool(_GO_INT.match(plain) or _YAML_FLOAT.match(plain) or _TIMESTAMP.match(text))
    return False


def _yaml_v2_less(a: str, b: str) -> bool:
    """go-yaml v2's ``keyList.Less``: letters after other characters, digit runs by value."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        a_letter, b_letter = a[i].isalpha(), b[i].isalpha()
        if a_letter and b_letter:
            return a[i] < b[i]
        if a_letter or b_letter:
            return b_letter
        a_num = b_num = 0
        if "0" in (a[i], b[i]):
            for j in range(i - 1, -1, -1):
                if not a[j].isdigit():
                    break
                if a[j] != "0":
                    a_num = b_num = 1
                    break
        a_end, b_end = i, i
        while a_end < len(a) and a[a_end] in "0123456789":
            a_num, a_end = a_num * 10 + int(a[a_end]), a_end + 1
        while b_end < len(b) and b[b_end] in "0123456789":
            b_num, b_end = b_num * 10 + int(b[b_end]), b_end + 1
        if a_num != b_num:
            return a_num < b_num
        if a_end != b_end:
            return a_end < b_end
        return a[i] < b[i]
    return len(a) < len(b)


def _compare(less):
    return functools.cmp_to_key(lambda a, b: -1 if less(a, b) else 1 if less(b, a) else 0)


_YAML_KEY = _compare(_yaml_v2_less)


class _Dumper(yaml.SafeDumper):
    """Scalars resolve only as go-yaml v2 prints them, so PyYAML never adds its own quotes."""

    yaml_implicit_resolvers: dict = {}


_Dumper.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^null$"), ["n"])
_Dumper.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(true|false)$"), list("tf"))
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^-?[0-9]+$"), list("-0123456789")
)
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$"),
    list("-0123456789"),
)


def _represent_str(dumper: yaml.Dumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else '"' if _needs_quotes(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_float(dumper: yaml.Dumper, value: float) -> yaml.ScalarNode:
    if value.is_integer():  # JSON carried it as a whole number, so go-yaml reads an int
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", jsonpath.go_float(value))


def _represent_dict(dumper: yaml.Dumper, mapping: dict) -> yaml.MappingNode:
    ordered = sorted(mapping.items(), key=lambda item: _YAML_KEY(item[0]))
    return dumper.represent_mapping("tag:yaml.org,2002:map", ordered)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(float, _represent_float)
_Dumper.add_representer(dict, _represent_dict)


def to_yaml(obj: dict) -> str:
    """``-o yaml``, as kubectl prints it (2-space indent, list items level with their key)."""
    return yaml.dump(obj, Dumper=_Dumper, default_flow_style=False, allow_unicode=True, width=80)


# --- -o jsonpath= ---------------------------------------------------------------------------------


def _go_sharp_v(value: object) -> str:
    """Go's ``%#v`` of an unstructured value, which kubectl prints when a template fails."""
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)}:{_go_sharp_v(value[k])}" for k in sorted(value))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_sharp_v(v) for v in value) + "}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "interface {}(nil)" if value is None else jsonpath.go_sprint(value)


def jsonpath_output(template: str, obj: dict, *, allow_missing_keys: bool = True) -> str:
    """``-o jsonpath=TEMPLATE`` (cli-runtime ``jsonpath_flags.go`` and ``printers/jsonpath.go``)."""
    try:
        parsed = jsonpath.parse(template)
    except jsonpath.JSONPathError as err:
        raise KubectlError(f"error: error parsing jsonpath {template}, {err}") from None
    try:
        return parsed.execute(obj, allow_missing_keys=allow_missing_keys)
    except jsonpath.JSONPathError as err:
        raise KubectlError(
            f"error: error executing jsonpath {json.dumps(template, ensure_ascii=False)}: "
            f"Error executing template: {err}. Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{template}\n"
            f"\tobject given to jsonpath engine was:\n\t\t{_go_sharp_v(obj)}"
        ) from None


# --- -o custom-columns= ---------------------------------------------------------------------------


def _columns(spec: str) -> list[tuple[str, jsonpath.Template]]:
    if not spec:
        raise KubectlError("error: custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, expr = part.partition(":")
        if not sep:
            raise KubectlError(
                f"error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        try:
            columns.append((header, jsonpath.parse(jsonpath.relaxed(expr))))
        except jsonpath.JSONPathError as err:
            raise KubectlError(f"error: {err}") from None
    return columns


def custom_columns(spec: str, objects: list[dict], *, no_headers: bool = False) -> str:
    """``-o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName`` (``<none>`` when missing)."""
    columns = _columns(spec)
    rows = [] if no_headers else ["\t".join(header for header, _ in columns)]
    for obj in objects:
        cells = []
        for _, template in columns:
            found = template.find_results(obj)
            shown = ["<none>"] if not found or not found[0] else []
            shown += [jsonpath.go_sprint(v) for values in found for v in values]
            cells.append(",".join(shown))
        rows.append("\t".join(cells))
    writer = TabWriter()  # printers.GetNewTabWriter: minwidth 6, padding 3
    writer.write("".join(row + "\n" for row in rows))
    return writer.flush()


# --- --sort-by ------------------------------------------------------------------------------------


def _sort_less(a: object, b: object, field: str) -> bool:
    """``isLess`` on two unstructured values (sorter.go): numbers by value, quantities by amount."""
    if a is None or b is None:
        return a is None and b is not None
    if isinstance(a, str) and isinstance(b, str):
        try:
            return parse_quantity(a).value < parse_quantity(b).value
        except ValueError:
            return natural_less(a, b)
    numeric = (int, float)
    if type(a) is type(b) and isinstance(a, numeric) and not isinstance(a, bool):
        return a < b
    problem = (
        f"unsortable type: {jsonpath.go_type(a)}"
        if isinstance(a, bool | dict | list)
        else "unsortable interface: interface"
    )
    raise KubectlError(
        f"Field {field} in *unstructured.Unstructured is an unsortable type: interface, err: {problem}"
    )


def sort_objects(objects: list[dict], sort_by: str) -> list[dict]:
    """``--sort-by=.metadata.creationTimestamp``: objects missing the field come first."""
    try:
        field = jsonpath.relaxed(sort_by)
        template = jsonpath.parse(field)
    except jsonpath.JSONPathError as err:
        raise KubectlError(f"error: {err}") from None
    keys = []
    for obj in objects:
        try:
            found = template.find_results(obj)
        except jsonpath.JSONPathError as err:
            raise KubectlError(f"error: {err}") from None
        keys.append(found[0][0] if found and found[0] else _MISSING)
    if objects and all(key is _MISSING for key in keys):
        raise KubectlError(
            f'error: couldn\'t find any field with path "{field}" in the list of objects'
        )

    def less(i: int, j: int) -> bool:
        if keys[i] is _MISSING:
            return keys[j] is not _MISSING
        return keys[j] is not _MISSING and _sort_less(keys[i], keys[j], field)

    order = sorted(range(len(objects)), key=_compare(less))
    return [objects[i] for i in order]


_MISSING = object()

# --- -o parsing -----------------------------------------------------------------------------------

# kubectl get's printers in v1.34 (KYAML needs KUBECTL_KYAML=true, which k8sedu does not model).
ALLOWED_FORMATS = (
    "custom-columns",
    "custom-columns-file",
    "go-template",
    "go-template-file",
    "json",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "name",
    "template",
    "templatefile",
    "wide",
    "yaml",
)
_TEMPLATE_FORMATS = {
    "custom-columns": "custom-columns format specified but no custom columns given",
    "custom-columns-file": "custom-columns format specified but no custom columns given",
    "jsonpath": "template format specified but no template given",
    "jsonpath-file": "template format specified but no template given",
    "jsonpath-as-json": "template format specified but no template given",
    "go-template": "template format specified but no template given",
    "go-template-file": "template format specified but no template given",
    "template": "template format specified but no template given",
    "templatefile": "template format specified but no template given",
}


def parse_output_flag(value: str) -> tuple[str, str]:
    """Split ``-o`` into ``(format, argument)``: ``"jsonpath={.a}"`` → ``("jsonpath", "{.a}")``,
    ``""`` → ``("", "")`` (the default table). Unknown formats get kubectl's error."""
    name, sep, arg = value.partition("=")
    if sep and name in _TEMPLATE_FORMATS:
        if not arg:
            raise KubectlError(f"error: {_TEMPLATE_FORMATS[name]}")
        return name, arg
    if value in _TEMPLATE_FORMATS:
        raise KubectlError(f"error: {_TEMPLATE_FORMATS[value]}")
    if value == "" or value in ALLOWED_FORMATS:
        return value, ""
    raise KubectlError(
        f'error: unable to match a printer suitable for the output format "{value}", '
        f"allowed formats are: {','.join(ALLOWED_FORMATS)}"
    )
