"""Reading manifests as kubectl's resource builder does: YAML text, a file, a dict or a list.

Models ``cli-runtime/pkg/resource`` (``StreamVisitor``, ``mapper.infoForData``) over
``apimachinery/pkg/util/yaml`` (documents split at ``---`` lines, each converted to JSON on its
own): a document that does not parse stops the stream (those before it are still used), one
without ``kind`` or of a kind the server does not serve is an error of its own, and ``kind: List``
is flattened into its items. Error texts are kubectl's, with go-yaml's wording for the common
syntax errors (PyYAML is a port of the same libyaml, but rephrased some messages).
Simplified: only the common YAML syntax errors are reworded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from k8sedu.apiserver import registry
from k8sedu.apiserver.registry import Resource
from k8sedu.errors import KubectlError
from k8sedu.kubectl.jsonpath import go_json

STDIN = "STDIN"


@dataclass
class Document:
    """One object to act on, where it came from, and the resource it maps to; or the error
    kubectl reports for it (``error`` set, ``obj`` possibly None)."""

    obj: dict | None
    source: str
    resource: Resource | None = None
    error: KubectlError | None = None


class _Loader(yaml.SafeLoader):
    """YAML as sigs.k8s.io/yaml reads it into JSON: timestamps stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# PyYAML's wording → go-yaml's (both come from libyaml's scanner.c and parser.c)
_GO_YAML_PROBLEMS = {
    "mapping values are not allowed here": "mapping values are not allowed in this context",
    "could not find expected ':'": "could not find expected ':'",
    "found character '\\t' that cannot start any token": "found character that cannot start any token",
}
_DOCUMENT_SEPARATOR = re.compile(r"^---\s*(#.*)?$")


def documents(manifest, *, source: str | None = None) -> Iterator[Document]:
    """Every object in ``manifest``: YAML/JSON text, a path (``str`` naming a file, or ``Path``),
    a dict, or a list of any of these."""
    if isinstance(manifest, dict):
        yield from _from_object(manifest, source or STDIN)
    elif isinstance(manifest, list | tuple):
        for item in manifest:
            yield from documents(item, source=source)
    elif isinstance(manifest, Path) or (isinstance(manifest, str) and _is_path(manifest)):
        yield from from_file(str(manifest))
    elif isinstance(manifest, str):
        yield from from_text(manifest, source or STDIN)
    else:
        raise TypeError(
            f"a manifest is YAML text, a path, a dict or a list, not {type(manifest).__name__}"
        )


def from_file(path: str) -> Iterator[Document]:
    """``-f PATH``: the documents of one file, or of every .yaml/.yml/.json file in a folder."""
    target = Path(path)
    if target.is_dir():
        for child in sorted(target.iterdir()):
            if child.suffix in (".yaml", ".yml", ".json"):
                yield from from_text(child.read_text(), str(child))
        return
    if not target.exists():
        raise KubectlError(f'error: the path "{path}" does not exist')
    yield from from_text(target.read_text(), path)


def from_text(text: str, source: str = STDIN) -> Iterator[Document]:
    for chunk in _split(text):
        try:
            data = yaml.load(chunk, Loader=_Loader)
        except yaml.YAMLError as e:
            message = (
                f"error: error parsing {source}: error converting YAML to JSON: {_go_yaml_error(e)}"
            )
            yield Document(None, source, error=KubectlError(message))
            return
        if data is None:
            continue
        yield from _from_object(data, source)


def _split(text: str) -> list[str]:
    """``YAMLReader``: documents end at a line that is ``---`` (maybe with a comment)."""
    chunks, current = [], []
    for line in text.splitlines(keepends=True):
        if _DOCUMENT_SEPARATOR.match(line.rstrip("\n")):
            chunks.append("".join(current))
            current = []
        else:
            current.append(line)
    chunks.append("".join(current))
    return [c for c in chunks if c.strip()]


def _go_yaml_error(error: yaml.YAMLError) -> str:
    """go-yaml's ``yaml: line N: problem`` (``parser.fail``): the context mark's line if it
    has one, else the problem mark's; scanner errors count lines from 1."""
    problem = getattr(error, "problem", None) or "unknown problem parsing YAML content"
    problem = _GO_YAML_PROBLEMS.get(problem, problem)
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 0
    return f"yaml: line {line}: {problem}" if line else f"yaml: {problem}"


def _from_object(data, source: str) -> Iterator[Document]:
    if not isinstance(data, dict):
        message = (
            f'error: unable to decode "{source}": json: cannot unmarshal {_go_type(data)} into '
            "Go value of type map[string]interface {}"
        )
        yield Document(None, source, error=KubectlError(message))
        return
    if not data.get("kind"):
        message = (
            f"error: unable to decode \"{source}\": Object 'Kind' is missing in '{go_json(data)}'"
        )
        yield Document(data, source, error=KubectlError(message))
        return
    if data["kind"] == "List" and data.get("apiVersion") == "v1":
        for item in data.get("items") or []:
            yield from _from_object(item, source)
        return
    found = registry.for_kind(data["kind"], data.get("apiVersion", ""))
    if found is None:
        meta = data.get("metadata") or {}
        message = (
            f'error: resource mapping not found for name: "{meta.get("name", "")}" namespace: '
            f'"{meta.get("namespace", "")}" from "{source}": no matches for kind "{data["kind"]}" '
            f'in version "{data.get("apiVersion", "")}"\nensure CRDs are installed first'
        )
        yield Document(data, source, error=KubectlError(message))
        return
    yield Document(data, source, resource=found)


def _go_type(value) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "array"


def _is_path(text: str) -> bool:
    return "\n" not in text and (text.endswith((".yaml", ".yml", ".json")) or Path(text).is_file())
