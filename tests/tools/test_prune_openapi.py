"""tools/prune_openapi.py on a tiny OpenAPI-as-JSON-Schema sample (the shape kubernetes-validate
ships), and the checked-in schema.json it produced."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("prune_openapi", ROOT / "tools" / "prune_openapi.py")
prune_openapi = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(prune_openapi)

REF = "#/$defs/"
DEFS = {
    "io.k8s.api.core.v1.Pod": {
        "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Pod"}],
        "properties": {
            "metadata": {"$ref": REF + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
            "spec": {"$ref": REF + "io.k8s.api.core.v1.PodSpec", "description": "dropped"},
        },
    },
    "io.k8s.api.core.v1.PodSpec": {
        "required": ["containers"],
        "properties": {
            "containers": {
                "type": ["array", "null"],
                "items": {"$ref": REF + "io.k8s.api.core.v1.Container"},
                "x-kubernetes-patch-merge-key": "name",
                "x-kubernetes-patch-strategy": "merge",
            },
            "priority": {"type": ["integer", "null"], "format": "int32"},
            "overhead": {"type": ["object", "null"], "additionalProperties": {"$ref": REF + "q"}},
        },
    },
    "io.k8s.api.core.v1.Container": {"properties": {"port": {"$ref": REF + "intstr"}}},
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
        "properties": {"creationTimestamp": {"$ref": REF + "time"}, "raw": {"$ref": REF + "raw"}}
    },
    "io.k8s.api.core.v1.Unused": {"properties": {"x": {"type": "string"}}},
    "q": {"oneOf": [{"type": ["string", "null"]}, {"type": ["number", "null"]}]},
    "intstr": {"oneOf": [{"type": ["string", "null"]}, {"type": ["integer", "null"]}]},
    "time": {"type": ["string", "null"], "format": "date-time"},
    "raw": {"type": ["object", "null"]},
}


def test_prune_keeps_what_the_kinds_reach():
    kinds, types = prune_openapi.prune(DEFS, [("", "v1", "Pod")])
    assert kinds == {"Pod": {"group": "", "version": "v1", "type": "io.k8s.api.core.v1.Pod"}}
    assert sorted(types) == [
        "io.k8s.api.core.v1.Container",
        "io.k8s.api.core.v1.Pod",
        "io.k8s.api.core.v1.PodSpec",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    ]
    assert types["io.k8s.api.core.v1.PodSpec"] == {
        "fields": {
            "containers": "[]io.k8s.api.core.v1.Container",
            "priority": "int32",
            "overhead": "map[string]quantity",
        },
        "patch": {"containers": ["merge", "name"]},
        "required": ["containers"],
    }
    assert types["io.k8s.api.core.v1.Container"]["fields"] == {"port": "intstr"}
    meta = types["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["fields"]
    assert meta == {"creationTimestamp": "time", "raw": "any"}


def test_missing_kind_is_an_error():
    with pytest.raises(SystemExit, match="no definition for apps/v1 Deployment"):
        prune_openapi.prune(DEFS, [("apps", "v1", "Deployment")])


def test_checked_in_schema_is_small_and_sorted():
    text = (ROOT / "k8sedu" / "apiserver" / "schema.json").read_text()
    data = json.loads(text)
    assert len(text) < 400_000
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"
    assert data["kinds"]["Deployment"]["type"] == "io.k8s.api.apps.v1.Deployment"
