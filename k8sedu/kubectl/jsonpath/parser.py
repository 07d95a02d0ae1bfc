"""The JSONPath template parser (client-go ``util/jsonpath/parser.go`` and ``node.go``).

A template is a list of nodes: ``Text`` outside braces, and one ``ListNode`` per ``{…}`` action
holding fields, array slices, filters, unions and the ``range``/``end`` identifiers. Go's parser is
a set of mutually recursive functions; here they are loops over the same positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TERMINATORS = set(" \t\r\n.,[]$@{}")
_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


class JSONPathError(Exception):
    """A template that does not parse, or fails on the object (message as client-go words it)."""


# --- the parse tree (node.go) -------------------------------------------------------------------


@dataclass
class ListNode:
    nodes: list = field(default_factory=list)


@dataclass
class Text:
    text: str


@dataclass
class Field:
    name: str


@dataclass
class Identifier:
    name: str


@dataclass
class Array:
    params: tuple  # three (value, known) pairs: start, end, step; end may be "derived" from start
    derived_end: bool = False


@dataclass
class Filter:
    left: ListNode
    right: ListNode
    operator: str


@dataclass
class Literal:  # IntNode, FloatNode and BoolNode
    value: object


@dataclass
class Wildcard:
    pass


@dataclass
class Recursive:
    pass


@dataclass
class Union:
    lists: list


# --- the parser (parser.go), written as loops instead of Go's mutual recursion -------------------


class Parser:
    """parser.go's Parser: ``Parser(text).parse()`` returns the template's top-level nodes."""

    def __init__(self, text: str) -> None:
        self.input, self.pos, self.start = text, 0, 0

    def next(self) -> str:
        if self.pos >= len(self.input):
            self.pos += 1  # remembered so that backup() is symmetric at the end
            return ""
        self.pos += 1
        return self.input[self.pos - 1]

    def backup(self) -> None:
        self.pos -= 1

    def consume(self) -> str:
        value = self.input[self.start : self.pos]
        self.start = self.pos
        return value

    def parse(self) -> list:
        root: list = []
        while True:
            brace = self.input.find("{", self.pos)
            if brace < 0:
                if self.start < len(self.input):
                    root.append(Text(self.input[self.start :]))
                return root
            if brace > self.start:
                root.append(Text(self.input[self.start : brace]))
            self.pos = self.start = brace + 1
            action = ListNode()
            root.append(action)
            self.parse_action(action)

    def parse_action(self, cur: ListNode) -> None:
        while True:
            rest = self.input[self.pos :]
            if rest.startswith("}"):
                self.pos += 1
                self.consume()
                return
            if rest.startswith("[?("):
                self.parse_filter(cur)
                continue
            if rest.startswith(".."):
                self.parse_recursive(cur)
                continue
            r = self.next()
            if r in ("", "\r", "\n"):
                raise JSONPathError("unclosed action")
            if r in " @$":  # spaces and the current object are skipped
                self.consume()
            elif r == "[":
                self.parse_array(cur)
            elif r in "\"'":
                self.parse_quote(cur, r)
            elif r == ".":
                self.parse_field(cur)
            elif r in "+-" or r.isdigit():
                self.backup()
                self.parse_number(cur)
            elif r == "_" or r.isalnum():
                self.backup()
                self.parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: U+{ord(r):04X} {r!r}")

    def parse_identifier(self, cur: ListNode) -> None:
        while self.pos < len(self.input) and self.input[self.pos] not in _TERMINATORS:
            self.pos += 1
        value = self.consume()
        cur.nodes.append(
            Literal(value == "true") if value in ("true", "false") else Identifier(value)
        )

    def parse_recursive(self, cur: ListNode) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], Recursive):
            raise JSONPathError("invalid multiple recursive descent")
        self.pos += 2
        self.consume()
        cur.nodes.append(Recursive())
        peek = self.input[self.pos : self.pos + 1]
        if peek and (peek == "_" or peek.isalnum()):
            self.parse_field(cur)

    def parse_number(self, cur: ListNode) -> None:
        if self.input[self.pos : self.pos + 1] in ("+", "-"):
            self.pos += 1
        while self.pos < len(self.input) and (
            self.input[self.pos] == "." or self.input[self.pos].isdigit()
        ):
            self.pos += 1
        value = self.consume()
        try:
            cur.nodes.append(Literal(int(value)))
            return
        except ValueError:
            pass
        try:
            cur.nodes.append(Literal(float(value)))
        except ValueError:
            raise JSONPathError(f"cannot parse number {value}") from None

    def parse_array(self, cur: ListNode) -> None:
        end = self.pos
        while end < len(self.input) and self.input[end] not in "]\n":
            end += 1
        if end >= len(self.input) or self.input[end] == "\n":
            raise JSONPathError("unterminated array")
        self.pos = end + 1
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            cur.nodes.append(Union([_parse_action_text(f"[{part.strip(' ')}]") for part in parts]))
            return
        key = _DICT_KEY.match(text)
        if key:
            cur.nodes.extend(_parse_action_text(f".{key.group(1)}").nodes)
            return
        match = _SLICE.match(text)
        if not match:
            raise JSONPathError(f"invalid array index {text}")
        params, derived = [], False
        for i, raw in enumerate(match.groups(default="")):
            if raw and i > 0:
                raw = raw[1:]
                if not raw:
                    params.append((0, False))
                    continue
            if raw:
                try:
                    params.append((int(raw), True))
                except ValueError:
                    raise JSONPathError(f"array index {raw} is not a number") from None
            elif i == 1:  # "[3]" means "[3:4]": the end is derived from the start
                params.append((params[0][0] + 1, True))
                derived = True
            else:
                params.append((0, False))
        cur.nodes.append(Array(tuple(params), derived))

    def parse_filter(self, cur: ListNode) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = ""
        while True:
            r = self.next()
            if r in ("", "\n"):
                raise JSONPathError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin, pair = True, r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")" and begin == end:
                break
        if self.next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self.consume()[:-2]
        match = _FILTER.match(text)
        if match is None:
            cur.nodes.append(Filter(_parse_action_text(text), ListNode(), "exists"))
        else:
            left, op, right = match.groups()
            cur.nodes.append(Filter(_parse_action_text(left), _parse_action_text(right), op))

    def parse_quote(self, cur: ListNode, quote: str) -> None:
        while True:
            r = self.next()
            if r in ("", "\n"):
                raise JSONPathError("unterminated quoted string")
            if r == quote and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        cur.nodes.append(Text(_unquote(value)))

    def parse_field(self, cur: ListNode) -> None:
        self.consume()
        while self.pos < len(self.input):
            r = self.input[self.pos]
            if r == "\\":
                self.pos += 2
            elif r in _TERMINATORS:
                break
            else:
                self.pos += 1
        self.pos = min(self.pos, len(self.input))
        value = self.consume()
        cur.nodes.append(Wildcard() if value == "*" else Field(value.replace("\\", "")))


def _parse_action_text(text: str) -> ListNode:
    """parseAction: the nodes of ``{text}`` (used for unions, dict keys and filter operands)."""
    return Parser("{" + text + "}").parse()[0]


def _unquote(value: str) -> str:
    """UnquoteExtend: strconv.Unquote that also accepts single quotes."""
    quote, body = value[0], value[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == quote:
            raise JSONPathError(f"unquote string {value} error invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        esc = body[i + 1 : i + 2]
        if esc in _ESCAPES or esc == quote:
            out.append(_ESCAPES.get(esc, esc))
            i += 2
        elif esc in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise JSONPathError(f"unquote string {value} error invalid syntax")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        else:
            raise JSONPathError(f"unquote string {value} error invalid syntax")
    return "".join(out)
