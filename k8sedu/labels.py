"""Labels and label selectors, as ``k8s.io/apimachinery/pkg/labels`` has them.

Models ``labels.Parse`` (the string form ``app=web,tier in (a,b),!canary``), metav1
``LabelSelectorAsSelector`` (``matchLabels`` + ``matchExpressions``), matching, the canonical
string form, and label key/value validation, with the v1.34 error messages token for token.
Simplified: selectors are immutable values; there is no ``Add`` or ``RequiresExactMatch``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from k8sedu.errors import go_value

# --- label validation (k8s.io/apimachinery/pkg/util/validation, v1.34 wording) -------------

_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_VALUE_FMT = f"({_NAME_FMT})?"
_VALUE_MSG = "a valid label must be an empty string or " + _NAME_MSG[len("must ") :]
_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN_FMT = rf"{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*"
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    """validation.RegexError, double spaces included."""
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def label_key_errors(key: str) -> list[str]:
    """``IsQualifiedName``: why ``key`` is not a valid label key (empty when it is)."""
    parts = key.split("/")
    if len(parts) > 2:
        example = _regex_error(_NAME_MSG, _NAME_FMT, "MyName", "my.name", "123-abc")
        return [
            f"a qualified name {example} with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')"
        ]
    errors = []
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            if len(prefix) > 253:
                errors.append("prefix part must be no more than 253 characters")
            if not re.fullmatch(_SUBDOMAIN_FMT, prefix):
                errors.append(
                    "prefix part " + _regex_error(_SUBDOMAIN_MSG, _SUBDOMAIN_FMT, "example.com")
                )
    name = parts[-1]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part must be no more than 63 characters")
    if not re.fullmatch(_NAME_FMT, name):
        errors.append(
            "name part " + _regex_error(_NAME_MSG, _NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errors


def label_value_errors(value: str) -> list[str]:
    """``IsValidLabelValue``: why ``value`` is not a valid label value (empty when it is)."""
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not re.fullmatch(_VALUE_FMT, value):
        errors.append(_regex_error(_VALUE_MSG, _VALUE_FMT, "MyValue", "my_value", "12345"))
    return errors


def _invalid(path: str, value: str | list[str] | None, errors: list[str]) -> str:
    """A ``field.Invalid`` error's text; lists print as Go's ``%#v`` of a ``[]string``."""
    if isinstance(value, str):
        shown = go_value(value)
    elif value is None:
        shown = "[]string(nil)"
    else:
        shown = "[]string{" + ", ".join(go_value(v) for v in value) + "}"
    return f"{path}: Invalid value: {shown}: {'; '.join(errors)}"


# --- label selectors (k8s.io/apimachinery/pkg/labels/selector.go) -------------------------

# selection.Operator values; the string form prints them as shown in _OPERATOR_TEXT.
IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS = "in", "notin", "=", "==", "!="
EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN = "exists", "!", "gt", "lt"
_OPERATOR_TEXT = {EQUALS: "=", DOUBLE_EQUALS: "==", NOT_EQUALS: "!=", IN: " in ", NOT_IN: " notin "}
_OPERATOR_TEXT |= {GREATER_THAN: ">", LESS_THAN: "<"}


@dataclass(frozen=True)
class Requirement:
    """One ANDed condition: a key, an operator, and its values."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: dict) -> bool:
        if self.operator in (IN, EQUALS, DOUBLE_EQUALS):
            return self.key in labels and labels[self.key] in self.values
        if self.operator in (NOT_IN, NOT_EQUALS):  # a missing key is "not in" anything
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == EXISTS:
            return self.key in labels
        if self.operator == DOES_NOT_EXIST:
            return self.key not in labels
        # gt / lt compare integers; a missing or non-integer label never matches
        have, want = _go_int(labels.get(self.key)), _go_int(self.values[0])
        if have is None or want is None:
            return False
        return have > want if self.operator == GREATER_THAN else have < want

    def __str__(self) -> str:
        if self.operator == EXISTS:
            return self.key
        if self.operator == DOES_NOT_EXIST:
            return "!" + self.key
        values = ",".join(sorted(self.values))
        if self.operator in (IN, NOT_IN):
            values = f"({values})"
        return f"{self.key}{_OPERATOR_TEXT[self.operator]}{values}"


def new_requirement(key: str, operator: str, values: list[str] | None) -> Requirement:
    """``labels.NewRequirement``: validates the key, the value count and every value.

    ``values=None`` stands for a Go nil slice (it prints as ``[]string(nil)`` in errors).
    """
    errors = []
    if key_problems := label_key_errors(key):
        errors.append(_invalid("key", key, key_problems))
    given = values or []
    if operator in (IN, NOT_IN) and not given:
        problem = "for 'in', 'notin' operators, values set can't be empty"
    elif operator in (EXISTS, DOES_NOT_EXIST) and given:
        problem = "values set must be empty for exists and does not exist"
    elif operator in (GREATER_THAN, LESS_THAN) and len(given) != 1:
        problem = "for 'Gt', 'Lt' operators, exactly one value is required"
    elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS) and len(given) != 1:
        problem = "exact-match compatibility requires one single value"
    else:
        problem = ""
    if problem:
        errors.append(_invalid("values", values, [problem]))
    if operator in (GREATER_THAN, LESS_THAN):
        not_integer = "for 'Gt', 'Lt' operators, the value must be an integer"
        for i, value in enumerate(given):
            if _go_int(value) is None:
                errors.append(_invalid(f"values[{i}]", value, [not_integer]))
    for i, value in enumerate(given):
        if value_problems := label_value_errors(value):
            errors.append(_invalid(f"values[{i}][{key}]", value, value_problems))
    if errors:
        raise ValueError(_aggregate(errors))
    return Requirement(key, operator, tuple(given))


def _go_int(text: str | None) -> int | None:
    """``strconv.ParseInt(text, 10, 64)``, or None (stricter than Python's ``int``)."""
    if text is None or not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def _aggregate(messages: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message alone, several in ``[a, b]``."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


@dataclass(frozen=True)
class Selector:
    """A label selector: requirements sorted by key, all of which must match.

    ``Selector()`` selects everything; ``Selector(nothing=True)`` (from a nil LabelSelector)
    selects nothing.
    """

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    def matches(self, labels: dict | None) -> bool:
        return not self.nothing and all(r.matches(labels or {}) for r in self.requirements)

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict anything (``labels.Everything()``)."""
        return not self.nothing and not self.requirements

    def __str__(self) -> str:
        return ",".join(map(str, self.requirements))


def _selector(requirements: list[Requirement]) -> Selector:
    return Selector(tuple(sorted(requirements, key=lambda r: r.key)))


def parse_selector(text: str) -> Selector:
    """``labels.Parse``: ``app=web,tier in (a,b),!canary``.

    >>> str(parse_selector("tier in (b,a), app==web"))
    'app==web,tier in (a,b)'
    >>> parse_selector("app=web,")
    Traceback (most recent call last):
    ...
    ValueError: found '', expected: identifier after ','
    """
    return _selector(_Parser(text).parse())


def selector_from_spec(spec: dict | None) -> Selector:
    """``metav1.LabelSelectorAsSelector``: ``None`` selects nothing, ``{}`` everything."""
    if spec is None:
        return Selector(nothing=True)
    requirements = [
        new_requirement(k, EQUALS, [v]) for k, v in (spec.get("matchLabels") or {}).items()
    ]
    operators = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}
    for expression in spec.get("matchExpressions") or []:
        operator = expression.get("operator", "")
        if operator not in operators:
            raise ValueError(f"{go_value(operator)} is not a valid label selector operator")
        values = expression.get("values")
        requirements.append(
            new_requirement(
                expression.get("key", ""), operators[operator], list(values) if values else None
            )
        )
    return _selector(requirements)


def format_label_selector(spec: dict | None) -> str:
    """``metav1.FormatLabelSelector``, as ``kubectl get -o wide`` prints a SELECTOR column."""
    try:
        text = str(selector_from_spec(spec))
    except ValueError:
        return "<error>"
    return text or "<none>"


_END, _IDENT = "end of string", "identifier"
_SPECIAL = "=!(),><"
_WHITESPACE = " \t\r\n"
_SYMBOLS = {")", ",", "!", "==", "=", ">", "<", "!=", "("}
_BINARY_OPERATORS = {IN: IN, NOT_IN: NOT_IN, "=": EQUALS, "==": DOUBLE_EQUALS, "!=": NOT_EQUALS}
_BINARY_OPERATORS |= {">": GREATER_THAN, "<": LESS_THAN}


def _lex(text: str) -> list[tuple[str, str]]:
    """The selector Lexer: (token, literal) pairs; a token is the symbol or keyword itself,
    ``identifier``, or ``end of string``."""
    tokens, pos = [], 0
    while True:
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        if pos == len(text):
            return tokens + [(_END, "")]
        start = pos
        if text[pos] in _SPECIAL:  # the longest run of symbols that is still one token
            while pos < len(text) and text[start : pos + 1] in _SYMBOLS:
                pos += 1
            tokens.append((text[start:pos], text[start:pos]))
            continue
        while pos < len(text) and text[pos] not in _SPECIAL + _WHITESPACE:
            pos += 1
        word = text[start:pos]
        tokens.append((word if word in (IN, NOT_IN) else _IDENT, word))


class _Parser:
    """The recursive-descent selector Parser; in a value position ``in``/``notin`` are plain words."""

    def __init__(self, text: str) -> None:
        self.tokens = _lex(text)
        self.position = 0

    def lookahead(self, values: bool = True) -> tuple[str, str]:
        token, literal = self.tokens[self.position]
        return (_IDENT if values and token in (IN, NOT_IN) else token), literal

    def consume(self, values: bool = True) -> tuple[str, str]:
        item = self.lookahead(values)
        self.position += 1
        return item

    def parse(self) -> list[Requirement]:
        requirements = []
        while True:
            token, literal = self.lookahead()
            if token == _END:
                return requirements
            if token not in (_IDENT, "!"):
                raise ValueError(f"found '{literal}', expected: !, identifier, or 'end of string'")
            try:
                requirements.append(self.requirement())
            except ValueError as error:
                raise ValueError(f"unable to parse requirement: {error}") from None
            token, literal = self.consume()
            if token == _END:
                return requirements
            if token != ",":
                raise ValueError(f"found '{literal}', expected: ',' or 'end of string'")
            token, literal = self.lookahead()
            if token not in (_IDENT, "!"):
                raise ValueError(f"found '{literal}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        token, key = self.consume()
        negated = token == "!"
        if negated:
            token, key = self.consume()
        if token != _IDENT:
            raise ValueError(f"found '{key}', expected: identifier")
        if problems := label_key_errors(key):
            raise ValueError(_invalid("<nil>", key, problems))  # the parser passes a nil path
        if negated:  # "!key" takes no operator; anything after it is the caller's problem
            return new_requirement(key, DOES_NOT_EXIST, [])
        if self.lookahead()[0] in (_END, ","):
            return new_requirement(key, EXISTS, [])
        token, literal = self.consume(values=False)
        if token not in _BINARY_OPERATORS:
            raise ValueError(f"found '{literal}', expected: in, notin, =, ==, !=, gt, lt")
        operator = _BINARY_OPERATORS[token]
        values = self.set_values() if operator in (IN, NOT_IN) else self.exact_value()
        return new_requirement(key, operator, sorted(values))

    def set_values(self) -> set[str]:
        token, literal = self.consume()
        if token != "(":
            raise ValueError(f"found '{literal}' expected: '('")
        token, literal = self.lookahead()
        if token == ")":  # "()" is the set holding the empty string
            self.consume()
            return {""}
        if token not in (_IDENT, ","):
            raise ValueError(f"found '{literal}', expected: ',', ')' or identifier")
        values = self.identifiers()
        if self.consume()[0] != ")":
            raise ValueError(f"found '{literal}', expected: ')'")
        return values

    def identifiers(self) -> set[str]:
        """A comma-separated list in which empty items are the empty string: ``(a,,b)``."""
        values: set[str] = set()
        while True:
            token, literal = self.consume()
            if token == _IDENT:
                values.add(literal)
                following, text = self.lookahead()
                if following == ")":
                    return values
                if following != ",":
                    raise ValueError(f"found '{text}', expected: ',' or ')'")
            elif token == ",":
                following = self.lookahead()[0]
                if not values or following in (")", ","):
                    values.add("")
                if following == ")":
                    return values
            else:
                raise ValueError(f"found '{literal}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.lookahead()[0] in (_END, ","):
            return {""}
        token, literal = self.consume()
        if token != _IDENT:
            raise ValueError(f"found '{literal}', expected: identifier")
        return {literal}
