"""Prune the official Kubernetes OpenAPI into k8sedu's small field-schema file.

The schemas come from the PyPI package ``kubernetes-validate`` (a build-time input, not a runtime
dependency): its wheel ships the upstream OpenAPI definitions converted to JSON Schema, with the
``x-kubernetes-patch-strategy`` / ``x-kubernetes-patch-merge-key`` extensions that strategic
merge patch needs. This script keeps, for every kind in ``k8sedu.apiserver.registry.RESOURCES``,
the type tree reachable from it and nothing else (no descriptions, no enums):

    {"source": ..., "kinds": {"Pod": {"group": "", "version": "v1", "type": "<def>"}},
     "types": {"<def>": {"fields": {"name": <type>}, "patch": {"name": [strategy, mergeKey]},
                         "required": [...]}}}

A ``<type>`` is one string: ``string``, ``int32``, ``int64``, ``float64``, ``bool``, ``bytes``
(base64 ``[]byte``), ``time`` (``metav1.Time``), ``quantity``, ``intstr``, ``any`` (free-form
JSON such as ``RawExtension``), ``[]<type>``, ``map[string]<type>`` or a definition name.

Usage: python tools/prune_openapi.py [--wheel kubernetes_validate-1.34.0-py3-none-any.whl]
Without ``--wheel`` it runs ``pip download kubernetes-validate==1.34.0 --no-deps``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "kubernetes-validate==1.34.0"
OUT = ROOT / "k8sedu" / "apiserver" / "schema.json"
_REF = "#/$defs/"


def find_definitions(wheel: zipfile.ZipFile, wanted: str | None) -> tuple[str, dict]:
    """The ``_definitions.json`` of ``wanted`` (``v1.33.0``), else of the newest version shipped."""
    found = {}
    for name in wheel.namelist():
        match = re.search(
            r"kubernetes-json-schema/(v(\d+)\.(\d+)\.(\d+))-local/_definitions\.json$", name
        )
        if match:
            found[match.group(1)] = (tuple(int(x) for x in match.groups()[1:]), name)
    if not found:
        raise SystemExit("no kubernetes-json-schema/*-local/_definitions.json in the wheel")
    version = wanted or max(found, key=lambda v: found[v][0])
    if version not in found:
        raise SystemExit(f"{version} not in the wheel; it has {sorted(found)}")
    return version, json.loads(wheel.read(found[version][1]))["$defs"]


def _nullable(schema: dict) -> str | None:
    """The JSON type of a property, ignoring the ``null`` every optional field allows."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind


def primitive(definition: dict) -> str | None:
    """The leaf type a whole definition stands for, or None if it is a struct."""
    one_of = [_nullable(alt) for alt in definition.get("oneOf", [])]
    if one_of == ["string", "integer"]:
        return "intstr"
    if one_of == ["string", "number"]:
        return "quantity"
    if _nullable(definition) == "string":
        return "time" if definition.get("format") == "date-time" else "string"
    if "properties" not in definition:
        # RawExtension, FieldsV1, apiextensions JSON...: custom decoders that take any JSON
        return "any"
    return None


def type_of(schema: dict, defs: dict, todo: list[str]) -> str:
    """The compact type string of one property schema; queues the definitions it names."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(_REF)
        leaf = primitive(defs[name])
        if leaf:
            return leaf
        todo.append(name)
        return name
    kind = _nullable(schema)
    if kind == "array":
        return "[]" + type_of(schema["items"], defs, todo)
    if kind == "object":
        extra = schema.get("additionalProperties")
        return "map[string]" + type_of(extra, defs, todo) if isinstance(extra, dict) else "any"
    if kind == "string":
        return "bytes" if schema.get("format") == "byte" else "string"
    if kind == "integer":
        return "int32" if schema.get("format") == "int32" else "int64"
    if kind == "number":
        return "float64"
    if kind == "boolean":
        return "bool"
    return "any"


def prune(defs: dict, kinds: list[tuple[str, str, str]]) -> tuple[dict, dict]:
    """Keep the definitions reachable from ``kinds`` (group, version, kind)."""
    by_gvk = {}
    for name, definition in defs.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            by_gvk[(gvk["group"], gvk["version"], gvk["kind"])] = name
    kind_table, types, todo = {}, {}, []
    for group, version, kind in kinds:
        name = by_gvk.get((group, version, kind))
        if name is None:
            raise SystemExit(f"no definition for {group}/{version} {kind}")
        kind_table[kind] = {"group": group, "version": version, "type": name}
        todo.append(name)
    while todo:
        name = todo.pop()
        if name in types:
            continue
        definition = defs[name]
        entry: dict = {"fields": {}}
        for field, schema in definition["properties"].items():
            entry["fields"][field] = type_of(schema, defs, todo)
            strategy = schema.get("x-kubernetes-patch-strategy")
            if strategy:
                key = schema.get("x-kubernetes-patch-merge-key", "")
                entry.setdefault("patch", {})[field] = [strategy, key]
        if definition.get("required"):
            entry["required"] = definition["required"]
        types[name] = entry
    return kind_table, types


def registry_kinds() -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(ROOT))
    from k8sedu.apiserver.registry import RESOURCES

    return [(r.group, r.version, r.kind) for r in RESOURCES]


def download_wheel(into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "-d", str(into)], check=True
    )
    return next(into.glob("kubernetes_validate-*.whl"))


def build(wheel_path: Path, schema_version: str | None = None) -> dict:
    with zipfile.ZipFile(wheel_path) as wheel:
        version, defs = find_definitions(wheel, schema_version)
    kinds, types = prune(defs, registry_kinds())
    source = f"{wheel_path.name}: kubernetes-json-schema/{version}-local/_definitions.json"
    return {"source": source, "kinds": kinds, "types": types}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wheel", type=Path, help="kubernetes_validate wheel (default: pip download)"
    )
    parser.add_argument("--schema-version", help="e.g. v1.33.0 (default: newest in the wheel)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        data = build(wheel, args.schema_version)
    text = json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"
    args.out.write_text(text)
    print(f"{args.out}: {len(data['types'])} types, {len(text) // 1024} KB from {data['source']}")


if __name__ == "__main__":
    main()
