"""Evaluating a parsed template on JSON values (client-go ``util/jsonpath/jsonpath.go``).

Each action yields a list of values; ``{range}`` repeats its body for each value it yields. Values
are compared as the forked text/template does: only the same kinds compare, and ``>`` is "not
``<=``". Map wildcards visit keys in sorted order (Go's map order is random).
"""

from __future__ import annotations

from k8sedu.kubectl.jsonpath.gofmt import go_sprint, go_type
from k8sedu.kubectl.jsonpath.parser import (
    Array,
    Field,
    Filter,
    Identifier,
    JSONPathError,
    ListNode,
    Literal,
    Recursive,
    Text,
    Union,
    Wildcard,
)


def _children(value: object) -> list:
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):  # Go indexes a string by bytes
        return list(value.encode())
    return []


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise JSONPathError("invalid type for comparison")


def _equal(a: object, b: object) -> bool:
    if _kind(a) != _kind(b):
        raise JSONPathError("incompatible types for comparison")
    return a == b


def _less(a: object, b: object) -> bool:
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        raise JSONPathError("incompatible types for comparison")
    if ka == "bool":
        raise JSONPathError("invalid type for comparison")
    return a < b


# The forked text/template comparisons: > is "not <=", >= is "not <".
_OPERATORS = {
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    "<": _less,
    "<=": lambda a, b: _less(a, b) or _equal(a, b),
    ">": lambda a, b: not (_less(a, b) or _equal(a, b)),
    ">=": lambda a, b: not _less(a, b),
}


class Evaluator:
    """jsonpath.go's walk over the nodes; ``run`` is ``FindResults``."""

    def __init__(self, allow_missing_keys: bool) -> None:
        self.allow_missing_keys = allow_missing_keys

    def walk(self, values: list, node: object) -> list:
        if isinstance(node, ListNode):
            for child in node.nodes:
                values = self.walk(values, child)
            return values
        if isinstance(node, Text):
            return [node.text]
        if isinstance(node, Literal):
            return [node.value for _ in values]
        if isinstance(node, Field):
            return self.field(values, node.name)
        if isinstance(node, Array):
            return self.array(values, node)
        if isinstance(node, Filter):
            return self.filter(values, node)
        if isinstance(node, Wildcard):
            return [child for v in values if v is not None for child in _children(v)]
        if isinstance(node, Recursive):
            return self.recursive(values)
        if isinstance(node, Union):
            return [result for part in node.lists for result in self.walk(values, part)]
        if node.name == "end":
            raise JSONPathError("not in range, nothing to end")
        raise JSONPathError(f"unrecognized identifier {node.name}")

    def field(self, values: list, name: str) -> list:
        found = [v[name] for v in values if isinstance(v, dict) and name in v]
        if values and not found and not self.allow_missing_keys:
            raise JSONPathError(f"{name} is not found")
        return found

    def array(self, values: list, node: Array) -> list:
        result = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{go_type(value)} is not array or slice")
            length = len(value)
            (start, _), (end, end_known), (step, step_known) = node.params
            start = start + length if start < 0 else start
            end = end if end_known else length
            if end < 0 or (end == 0 and node.derived_end):
                end += length
            if end == start:
                return result
            if start >= length or start < 0:
                raise JSONPathError(f"array index out of bounds: index {start}, length {length}")
            if end > length or end < 0:
                raise JSONPathError(f"array index out of bounds: index {end - 1}, length {length}")
            if start > end:
                raise JSONPathError(f"starting index {start} is greater than ending index {end}")
            if step_known and step <= 0:
                raise JSONPathError("step must be > 0")
            result.extend(value[start : end : step if step_known else 1])
        return result

    def filter(self, values: list, node: Filter) -> list:
        results = []
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(
                    f"{go_sprint(value)} is not array or slice and cannot be filtered"
                )
            for item in value:
                try:
                    lefts = self.walk([item], node.left)
                except JSONPathError:
                    if node.operator == "exists":
                        continue
                    raise
                if node.operator == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self.walk([item], node.right) if lefts else []
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                compare = _OPERATORS.get(node.operator)
                if compare is None:
                    raise JSONPathError(f"unrecognized filter operator {node.operator}")
                if compare(lefts[0], rights[0]):
                    results.append(item)
        return results

    def recursive(self, values: list) -> list:
        result = []
        for value in values:
            children = _children(value) if value is not None else []
            if children:
                result.append(value)
                result.extend(self.recursive(children))
        return result

    def run(self, nodes: list, data: object) -> list[list]:
        """FindResults: one result list per action; ``{range}`` repeats its body per item."""
        results: list[list] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if _is_keyword(node, "range"):
                end = _matching_end(nodes, i)
                items = self.walk([data], ListNode(node.nodes[1:]))
                for item in items:
                    results.extend(self.run(nodes[i + 1 : end], item))
                i = end + 1
                continue
            results.append(self.walk([data], node))
            i += 1
        return results


def _is_keyword(node: object, name: str) -> bool:
    return isinstance(node, ListNode) and bool(node.nodes) and node.nodes[0] == Identifier(name)


def _matching_end(nodes: list, start: int) -> int:
    depth = 0
    for i in range(start + 1, len(nodes)):
        if _is_keyword(nodes[i], "range"):
            depth += 1
        elif _is_keyword(nodes[i], "end"):
            if depth == 0:
                return i
            depth -= 1
    return len(nodes)  # a range without {end} repeats everything after it
