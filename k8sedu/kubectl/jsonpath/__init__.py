"""kubectl's JSONPath templates: ``-o jsonpath=``, ``custom-columns`` and ``--sort-by``.

Models client-go's ``util/jsonpath`` (``parser.go``, ``jsonpath.go``) on plain JSON values:
``{.items[*].metadata.name}``, slices ``[1:3]`` and ``[-1:]``, wildcards, recursive ``..``,
filters ``[?(@.type=="Ready")]``, unions ``['name','image']``, ``{range …}{end}``, quoted text
``{"\\n"}``, with the real error messages. Results of one ``{…}`` are joined by a space; maps and
lists print as compact JSON, other values as Go's ``fmt.Print`` would.
Simplified: map wildcards and ``..`` visit keys in sorted order (Go's map order is random), and
``range`` is only recognised at the start of an action (``{range .items[*]}``), as everyone writes it.

>>> parse("{range .items[*]}[{.metadata.name}]{end}").execute(
...     {"items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]})
'[a][b]'
"""

from __future__ import annotations

import re

from k8sedu.kubectl.jsonpath.evaluate import Evaluator
from k8sedu.kubectl.jsonpath.gofmt import go_float, go_json, go_sprint, go_type, print_value
from k8sedu.kubectl.jsonpath.parser import JSONPathError, Parser

__all__ = [
    "JSONPathError",
    "Template",
    "go_float",
    "go_json",
    "go_sprint",
    "go_type",
    "parse",
    "print_value",
    "relaxed",
    "values",
]

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


class Template:
    """A parsed template; ``execute`` renders it against one JSON object."""

    def __init__(self, text: str, nodes: list) -> None:
        self.text = text
        self.nodes = nodes

    def find_results(self, obj: object, *, allow_missing_keys: bool = True) -> list[list]:
        """FindResults: the values each action produced (one list per action and range pass)."""
        return Evaluator(allow_missing_keys).run(self.nodes, obj)

    def execute(self, obj: object, *, allow_missing_keys: bool = True) -> str:
        """The template's output; missing keys print nothing unless ``allow_missing_keys=False``."""
        results = self.find_results(obj, allow_missing_keys=allow_missing_keys)
        return "".join(" ".join(print_value(v) for v in values) for values in results)


def parse(template: str) -> Template:
    """Parse a template such as ``{.items[*].metadata.name}``; raises :class:`JSONPathError`."""
    return Template(template, Parser(template).parse())


def relaxed(expression: str) -> str:
    """RelaxedJSONPathExpression: ``metadata.name``, ``.metadata.name``, ``{metadata.name}`` → ``{.metadata.name}``."""
    if not expression:
        return expression
    match = _RELAXED.match(expression)
    if match is None:
        raise JSONPathError(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
            "'{name1.name2}' or '{.name1.name2}'"
        )
    return "{." + (match.group(1) or match.group(2)) + "}"


def values(expr: str, obj: object) -> list:
    """Every value a relaxed expression finds in ``obj`` (missing keys give ``[]``)."""
    results = parse(relaxed(expr)).find_results(obj)
    return [value for found in results for value in found]
