"""Building blocks of validation: field errors, the format checks, and Go's value printing.

Models ``k8s.io/apimachinery/pkg/util/validation`` (``IsDNS1123Label``, ``IsQualifiedName`` …) and
``util/validation/field`` (``Required``, ``Invalid``, ``NotSupported`` …) with their exact messages.
Simplified: a field path is a plain string (``spec.containers[0].image``) instead of a ``*field.Path``.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from k8sedu.errors import FieldError

# --- field errors (util/validation/field/errors.go) -------------------------------------------


@dataclass(frozen=True)
class GoSyntaxError(FieldError):
    """A field error whose bad value Go prints with ``%#v`` or a ``String()`` method (maps,
    slices, structs, IntOrString): ``value`` already holds that text and is printed as is."""

    def body(self) -> str:
        text = f"{self.type}: {self.value}"
        return f"{text}: {self.detail}" if self.detail else text


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(path, "Required value", "", detail)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(path, "Forbidden", "", detail)


def invalid(path: str, value: object, detail: str) -> FieldError:
    """``field.Invalid``; dict and list values are printed the way Go's ``%#v`` prints them."""
    if isinstance(value, dict):
        return GoSyntaxError(path, "Invalid value", go_map(value), detail)
    if isinstance(value, list):
        return GoSyntaxError(path, "Invalid value", go_strings(value), detail)
    return FieldError(path, "Invalid value", value, detail)


def invalid_go(path: str, go_text: str, detail: str) -> FieldError:
    """``field.Invalid`` whose value is a Go struct already rendered (see the ``go_*`` helpers)."""
    return GoSyntaxError(path, "Invalid value", go_text, detail)


def _supported(values: list[str]) -> str:
    return "supported values: " + ", ".join(json.dumps(v) for v in values)


def not_supported(path: str, value: object, supported: list[str]) -> FieldError:
    return FieldError(
        path, "Unsupported value", "" if value is None else value, _supported(supported)
    )


def not_supported_go(path: str, go_text: str, supported: list[str]) -> FieldError:
    return GoSyntaxError(path, "Unsupported value", go_text, _supported(supported))


def duplicate(path: str, value: object) -> FieldError:
    return FieldError(path, "Duplicate value", value)


def duplicate_go(path: str, go_text: str, detail: str = "") -> FieldError:
    return GoSyntaxError(path, "Duplicate value", go_text, detail)


def not_found(path: str, value: object) -> FieldError:
    return FieldError(path, "Not found", value)


def too_long(path: str, max_length: int) -> FieldError:
    return FieldError(path, "Too long", "", f"must have at most {max_length} bytes")


# --- Go value printing --------------------------------------------------------------------------


def go_map(labels: dict | None) -> str:
    """``map[string]string{"app":"web", "tier":"fe"}``: Go's ``%#v`` (keys sorted, as fmt does)."""
    if labels is None:
        return "map[string]string(nil)"
    items = ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(labels.items()))
    return "map[string]string{" + items + "}"


def go_strings(values: list | None) -> str:
    if values is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(json.dumps(v) for v in values) + "}"


def go_selector(selector: dict | None) -> str:
    """A ``metav1.LabelSelector`` as ``%#v`` prints it (the form in every "field is immutable")."""
    selector = selector or {}
    exprs = selector.get("matchExpressions")
    if exprs is None:
        exprs_text = "[]v1.LabelSelectorRequirement(nil)"
    else:
        parts = [
            f"v1.LabelSelectorRequirement{{Key:{json.dumps(e.get('key', ''))}, "
            f"Operator:{json.dumps(e.get('operator', ''))}, Values:{go_strings(e.get('values'))}}}"
            for e in exprs
        ]
        exprs_text = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    return (
        f"v1.LabelSelector{{MatchLabels:{go_map(selector.get('matchLabels'))}, "
        f"MatchExpressions:{exprs_text}}}"
    )


def go_pointer(type_name: str, value: object) -> str:
    """A pointer field inside ``%#v``: Go prints ``(*T)(nil)`` or an address; the address is
    random in Go, so k8sedu prints a fixed one."""
    return f"(*{type_name})(nil)" if value is None else f"(*{type_name})(0xc000010000)"


def int_or_string(value: object) -> str:
    """An ``IntOrString`` prints through its ``String()`` method: ``25%`` or ``1``, unquoted."""
    return str(value)


# --- format checks (util/validation/validation.go); each returns a list of messages -----------


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``RegexError``; the double space before ``or`` is in the real messages too."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    text = msg + " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            text += " or "
        text += f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?"
CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
PERCENT_FMT = "[0-9]+%"

_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character"
)
_DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character"
)
_QUALIFIED_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character"
)


def _memo(check):
    """Cache a name check (the same label keys are checked on every pod); callers get a fresh list."""
    cached = functools.lru_cache(maxsize=8192)(lambda value: tuple(check(value)))

    @functools.wraps(check)
    def wrapper(value: str) -> list[str]:
        return list(cached(value))

    return wrapper


def _full(fmt: str, value: str) -> bool:
    return re.fullmatch(fmt, value) is not None


@_memo
def is_dns1123_label(value: str) -> list[str]:
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _full(DNS1123_LABEL_FMT, value):
        if _full(DNS1123_SUBDOMAIN_FMT, value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


@_memo
def is_dns1123_subdomain(value: str) -> list[str]:
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not _full(DNS1123_SUBDOMAIN_FMT, value):
        errs.append(regex_error(_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


@_memo
def is_dns1035_label(value: str) -> list[str]:
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _full(DNS1035_LABEL_FMT, value):
        errs.append(regex_error(_DNS1035_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


@_memo
def is_qualified_name(value: str) -> list[str]:
    """Label keys, annotation keys, finalizers: an optional DNS-subdomain prefix and a name."""
    parts = value.split("/")
    errs: list[str] = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs += ["prefix part " + m for m in is_dns1123_subdomain(prefix)]
    else:
        return [
            "a qualified name "
            + regex_error(_QUALIFIED_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not _full(QUALIFIED_NAME_FMT, name):
        errs.append(
            "name part "
            + regex_error(_QUALIFIED_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


@_memo
def is_label_value(value: str) -> list[str]:
    errs = [max_len_error(63)] if len(value) > 63 else []
    if not _full(LABEL_VALUE_FMT, value):
        errs.append(regex_error(_LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def is_valid_port_num(port: object) -> list[str]:
    ok = isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= 65535
    return [] if ok else [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    errs = [max_len_error(15)] if len(port) > 15 else []
    if not _full("[-a-z0-9]+", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_config_map_key(value: str) -> list[str]:
    errs = [max_len_error(253)] if len(value) > 253 else []
    if not _full(CONFIG_MAP_KEY_FMT, value):
        msg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
        errs.append(regex_error(msg, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def is_valid_percent(value: str) -> list[str]:
    if _full(PERCENT_FMT, value):
        return []
    msg = "a valid percent string must be a numeric string followed by an ending '%'"
    return [regex_error(msg, PERCENT_FMT, "1%", "93%")]


def is_relaxed_env_var_name(value: str) -> list[str]:
    """v1.34 validates env names relaxed (RelaxedEnvironmentVariableValidation is on)."""
    if not value:
        return ["environment variable name must be non-empty"]
    if any(ord(c) > 126 or ord(c) < 32 or c == "=" for c in value):
        return [
            "a valid environment variable name must consist only of printable ASCII characters other than '='"
        ]
    return []


def _mask_trailing_dash(name: str, prefix: bool) -> str:
    """``maskTrailingDash``: a generateName may end in '-' (a suffix follows); Go drops the last
    two characters and appends "a" before checking, and so does this."""
    if prefix and len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def is_valid_path_segment_name(name: str) -> list[str]:
    """``IsValidPathSegmentName``: a name that must fit in one URL path segment."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def name_is_dns_subdomain(name: str, prefix: bool = False) -> list[str]:
    return is_dns1123_subdomain(_mask_trailing_dash(name, prefix))


def name_is_dns_label(name: str, prefix: bool = False) -> list[str]:
    return is_dns1123_label(_mask_trailing_dash(name, prefix))


def name_is_dns1035_label(name: str, prefix: bool = False) -> list[str]:
    return is_dns1035_label(_mask_trailing_dash(name, prefix))


def each(path: str, value: object, messages: list[str]) -> list[FieldError]:
    """One ``Invalid`` error per message, as the Go loops ``for _, msg := range …`` append them."""
    return [invalid(path, value, m) for m in messages]


def nonnegative(path: str, value: int | None) -> list[FieldError]:
    """``ValidateNonnegativeField`` (``IsNegativeErrorMsg``)."""
    if value is not None and value < 0:
        return [invalid(path, value, "must be greater than or equal to 0")]
    return []
