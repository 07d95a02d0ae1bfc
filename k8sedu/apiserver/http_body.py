"""Request bodies over HTTP: JSON or YAML, and ``fieldValidation`` for unknown fields.

Models kube-apiserver's body decoding (``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/
rest.go``, ``create.go``): a missing Content-Type is read as JSON (the Python client 37 sends
none); ``fieldValidation=Strict`` (kubectl 1.27+) leaves unknown fields for the simulated API
server's strict decoding to reject with ``strict decoding error: unknown field "spec.foo"``;
``Warn`` (the server default) drops them and says so in a ``Warning`` header; ``Ignore`` drops
them silently. Simplified: duplicate JSON fields are not detected.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from k8sedu.apiserver import schema
from k8sedu.apiserver.registry import Resource
from k8sedu.errors import APIError, BadRequest


class UnsupportedMediaType(APIError):
    code, reason = 415, "UnsupportedMediaType"


def load(req) -> Any:
    """JSON (also when no Content-Type was sent, as the Python client 37 does) or YAML."""
    text = req.body.decode("utf-8", errors="replace")
    try:
        if "yaml" in req.headers.get("content-type", ""):
            return yaml.safe_load(text)
        return json.loads(text)
    except (ValueError, yaml.YAMLError) as error:
        raise BadRequest(f"error decoding request body: {error}") from None


def decode_body(res: Resource, req, sub: str = "") -> tuple[dict, dict[str, str]]:
    """The request object, and the ``Warning`` header for unknown fields it dropped.

    ``fieldValidation=Strict`` (kubectl 1.27+) leaves unknown fields for the API server's strict
    decoding to reject; ``Warn`` (the default) drops them with a warning; ``Ignore`` drops them.
    """
    body = load(req)
    if not isinstance(body, dict):
        raise BadRequest(
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json, application/yaml"
        )
    mode = req.query.get("fieldValidation", "Warn")
    if mode == "Strict" or sub not in ("", "status"):
        return body, {}
    try:
        root = schema.root(res.kind)
    except KeyError:
        return body, {}
    dropped: list[str] = []
    _prune(root, body, "", dropped)
    if mode == "Ignore" or not dropped:
        return body, {}
    return body, {"Warning": ", ".join(f'299 - "unknown field \\"{p}\\""' for p in dropped)}


def _prune(node: schema.Type, value: Any, path: str, dropped: list[str]) -> None:
    """Remove the fields the schema does not know (patch directives such as ``$patch`` stay)."""
    if node.tag == schema.STRUCT and isinstance(value, dict):
        for key in list(value):
            child = node.fields.get(key)
            sub = f"{path}.{key}" if path else key
            if child is None and not key.startswith("$"):
                dropped.append(sub)
                del value[key]
            elif child is not None:
                _prune(child, value[key], sub, dropped)
    elif node.tag == schema.ARRAY and isinstance(value, list):
        for i, item in enumerate(value):
            _prune(node.elem, item, f"{path}[{i}]", dropped)
    elif node.tag == schema.MAP and isinstance(value, dict):
        for key, item in value.items():
            _prune(node.elem, item, f"{path}.{key}", dropped)
