"""Field schemas of the API kinds: strict decoding and strategic-merge-patch metadata.

Models what the real API server learns from its Go structs: which fields each kind has, their
JSON types, and for lists the patch strategy and merge key (``containers`` merge by ``name``).
The tree is pruned from the official OpenAPI by ``tools/prune_openapi.py`` into ``schema.json``
and resolved once, at import, into linked ``Type`` nodes.

``strict_decode`` answers like kube-apiserver with ``fieldValidation=Strict`` (kubectl's default):
unknown fields are listed with their paths, and a JSON value of the wrong type fails as Go's
``encoding/json`` does. Simplified: named Go string types (``v1.RestartPolicy``) are shown as
``string``, and timestamps are checked for type but not for RFC 3339 format.
Sources: k8s ``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go``
(``transformDecodeError``), ``vendor/sigs.k8s.io/json/internal/golang/encoding/json/decode.go``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from k8sedu.errors import BadRequest

STRUCT, ARRAY, MAP, STRING, INT32, INT64, FLOAT64, BOOL, BYTES, TIME, QUANTITY, INTSTR, ANY = range(
    13
)
_LEAVES = {
    "string": (STRING, "string"),
    "int32": (INT32, "int32"),
    "int64": (INT64, "int64"),
    "float64": (FLOAT64, "float64"),
    "bool": (BOOL, "bool"),
    "bytes": (BYTES, "[]uint8"),
    "time": (TIME, "v1.Time"),
    "quantity": (QUANTITY, "resource.Quantity"),
    "intstr": (INTSTR, "intstr.IntOrString"),
    "any": (ANY, "interface {}"),
}
_RANGE = {INT32: (-(2**31), 2**31 - 1), INT64: (-(2**63), 2**63 - 1)}


class Type:
    """One node of the type tree. ``fields``/``patch`` for structs, ``elem`` for lists and maps.

    ``go`` is the Go type as ``encoding/json`` prints it (``[]v1.Container``); ``name`` is a
    struct's bare Go name (``PodSpec``).
    """

    __slots__ = ("tag", "go", "name", "fields", "patch", "elem", "required")

    def __init__(self, tag: int, go: str, name: str = "", elem: Type | None = None) -> None:
        self.tag, self.go, self.name, self.elem = tag, go, name, elem
        self.fields: dict[str, Type] = {}
        self.patch: dict[str, tuple[str, str]] = {}
        self.required: tuple[str, ...] = ()

    def child(self, key: str) -> Type | None:
        """The type under ``key``: a struct field, a map value, anything inside free-form JSON."""
        if self.tag == STRUCT:
            return self.fields.get(key)
        if self.tag == MAP:
            return self.elem
        return self if self.tag == ANY else None

    def patch_meta(self, key: str) -> tuple[str, str]:
        """``(patchStrategy, patchMergeKey)`` of a struct field, ``("", "")`` when it has none."""
        return self.patch.get(key, ("", ""))

    def __repr__(self) -> str:
        return f"Type({self.go})"


def _load() -> tuple[dict[str, dict], dict[str, Type], str]:
    data = json.loads((Path(__file__).parent / "schema.json").read_text())
    structs = {}
    for name in data["types"]:
        go = ".".join(name.split(".")[-2:])  # io.k8s.api.core.v1.PodSpec -> v1.PodSpec
        structs[name] = Type(STRUCT, go, go.split(".")[1])
    parsed: dict[str, Type] = {}

    def parse(expr: str) -> Type:
        if expr not in parsed:
            if expr.startswith("[]"):
                elem = parse(expr[2:])
                parsed[expr] = Type(ARRAY, "[]" + elem.go, elem=elem)
            elif expr.startswith("map[string]"):
                elem = parse(expr[11:])
                # every map of quantities in these kinds is the named type v1.ResourceList
                go = "v1.ResourceList" if elem.tag == QUANTITY else "map[string]" + elem.go
                parsed[expr] = Type(MAP, go, elem=elem)
            elif expr in _LEAVES:
                parsed[expr] = Type(*_LEAVES[expr])
            else:
                parsed[expr] = structs[expr]
        return parsed[expr]

    for name, entry in data["types"].items():
        struct = structs[name]
        struct.fields = {key: parse(expr) for key, expr in entry["fields"].items()}
        struct.patch = {key: (s, k) for key, (s, k) in entry.get("patch", {}).items()}
        struct.required = tuple(entry.get("required", ()))
    kinds = {kind: structs[info["type"]] for kind, info in data["kinds"].items()}
    return data["kinds"], kinds, data["source"]


_KIND_INFO, _ROOTS, SOURCE = _load()


def root(kind: str) -> Type:
    """The type tree of a kind (``Pod``); KeyError for kinds without a schema."""
    return _ROOTS[kind]


def group_version(kind: str) -> str:
    """The ``apiVersion`` a kind is served at: ``v1``, ``apps/v1``."""
    info = _KIND_INFO[kind]
    return f"{info['group']}/{info['version']}" if info["group"] else info["version"]


def merge_info(kind: str, path: tuple[str, ...]) -> tuple[str, str]:
    """Patch strategy and merge key of the field at ``path`` (list items are stepped through).

    >>> merge_info("Deployment", ("spec", "template", "spec", "containers", "ports"))
    ('merge', 'containerPort')
    """
    node, meta = root(kind), ("", "")
    for key in path:
        while node.tag == ARRAY:
            node = node.elem
        meta = node.patch_meta(key) if node.tag == STRUCT else ("", "")
        node = node.child(key)
        if node is None:
            return ("", "")
    return meta


def field_type(kind: str, dotted_path: str) -> str | None:
    """The Go type of a field (``spec.containers`` -> ``[]v1.Container``), None if unknown."""
    node: Type | None = root(kind)
    for key in dotted_path.split("."):
        while node.tag == ARRAY:
            node = node.elem
        node = node.child(key)
        if node is None:
            return None
    return node.go


# --- strict decoding ---------------------------------------------------------------------------


def _fits(t: Type, v: object) -> bool:
    """The fast path: True when ``v`` decodes into ``t`` with no error and no unknown field."""
    tag, kind = t.tag, type(v)
    if tag == STRUCT:
        if kind is not dict:
            return False
        fields = t.fields
        for key, item in v.items():
            f = fields.get(key)
            if f is None:
                return False
            if item is None:
                continue
            if f.tag == STRING or f.tag == TIME:  # most fields: checked here, without a call
                if type(item) is not str:
                    return False
            elif not _fits(f, item):
                return False
        return True
    if tag == STRING:
        return kind is str
    if tag in (ARRAY, MAP):
        if kind is not (list if tag == ARRAY else dict):
            return False
        elem = t.elem
        for item in v if tag == ARRAY else v.values():
            if item is not None and not _fits(elem, item):
                return False
        return True
    if tag in (INT32, INT64):
        low, high = _RANGE[tag]
        return kind is int and low <= v <= high
    if tag == BOOL:
        return kind is bool
    if tag == FLOAT64:
        return kind is int or kind is float
    if tag == INTSTR:
        return kind is str or (kind is int and -(2**31) <= v < 2**31)
    if tag == QUANTITY:
        return _quantity_error(v) is None
    if tag == BYTES:
        return kind is str and _base64_error(v) is None
    if tag == TIME:
        return kind is str
    return True  # ANY


class _Abort(Exception):
    """An error from a type's own UnmarshalJSON: Go stops decoding at once."""


def _what(v: object, literal: bool = False) -> str:
    """How encoding/json names a JSON value in an UnmarshalTypeError."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number " + json.dumps(v) if literal else "number"
    return {dict: "object", list: "array", str: "string"}.get(type(v), "string")


class _Decoder:
    """The slow path: walks like the Go decoder and words the errors as it does."""

    def __init__(self) -> None:
        self.saved: str | None = None  # the first saved error wins, as in decodeState.saveError
        self.unknown: list[str] = []

    def save(self, v: object, t: Type, ctx: tuple[str, str], literal: bool = False) -> None:
        if self.saved is None:
            where = f"Go struct field {ctx[0]}.{ctx[1]}" if ctx[0] else "Go value"
            self.saved = f"json: cannot unmarshal {_what(v, literal)} into {where} of type {t.go}"

    def value(self, t: Type, v: object, path: str, ctx: tuple[str, str]) -> None:
        tag = t.tag
        if v is None or tag == ANY:
            return
        if tag == STRUCT:
            if type(v) is not dict:
                return self.save(v, t, ctx)
            for key, item in v.items():
                sub = f"{path}.{key}" if path else key
                f = t.fields.get(key)
                if f is None:
                    if sub not in self.unknown and len(self.unknown) < 100:
                        self.unknown.append(sub)
                    continue
                self.value(f, item, sub, (t.name, f"{ctx[1]}.{key}" if ctx[1] else key))
        elif tag in (ARRAY, MAP):
            if type(v) is not (list if tag == ARRAY else dict):
                return self.save(v, t, ctx)
            items = enumerate(v) if tag == ARRAY else v.items()
            for key, item in items:
                sub = f"{path}[{key}]" if tag == ARRAY else f"{path}.{key}"
                self.value(t.elem, item, sub, ctx)
        elif tag == QUANTITY:
            if (message := _quantity_error(v)) is not None:
                raise _Abort(message)
        elif tag == INTSTR:
            if not _fits(t, v):
                # IntOrString.UnmarshalJSON decodes a non-string into a bare int32
                raise _Abort(f"json: cannot unmarshal {_what(v, True)} into Go value of type int32")
        elif tag == TIME:
            if not isinstance(v, str):  # Time.UnmarshalJSON decodes into a bare string first
                raise _Abort(f"json: cannot unmarshal {_what(v)} into Go value of type string")
        elif tag == BYTES and isinstance(v, str):
            if self.saved is None:
                self.saved = _base64_error(v)
        elif not _fits(t, v):
            numeric = (
                tag in (INT32, INT64) and isinstance(v, int | float) and not isinstance(v, bool)
            )
            self.save(v, t, ctx, literal=numeric)


# Plain quantities ("250m", "1Gi", "2") that ParseQuantity always accepts: skip the full parser.
_PLAIN_QUANTITY = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?")


def _quantity_error(v: object) -> str | None:
    if (type(v) is str and _PLAIN_QUANTITY.fullmatch(v)) or type(v) is int:
        return None
    from k8sedu import quantity  # imported late, as the API server's decoder is a leaf module

    text = v if isinstance(v, str) else json.dumps(v)
    try:
        quantity.parse(text.strip())
    except ValueError as error:
        return str(error)
    return None


_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def _base64_error(text: str) -> str | None:
    """Go's ``base64.StdEncoding.Decode`` error (``illegal base64 data at input byte 4``)."""
    src, si = text.encode(), 0
    while si < len(src):  # one decodeQuantum per pass, as in encoding/base64
        j = 0
        while j < 4:
            if si == len(src):
                return None if j == 0 else _corrupt(si - j)
            c = src[si]
            si += 1
            if c in _B64:
                j += 1
            elif c in b"\r\n":
                continue
            elif c != ord("=") or j < 2:
                return _corrupt(si - 1)
            else:
                if j == 2:  # "==" expected; the first "=" is consumed
                    si = _skip_newlines(src, si)
                    if si == len(src):
                        return _corrupt(len(src))
                    if src[si] != ord("="):
                        return _corrupt(si - 1)
                    si += 1
                si = _skip_newlines(src, si)
                return _corrupt(si) if si < len(src) else None
    return None


def _skip_newlines(src: bytes, si: int) -> int:
    while si < len(src) and src[si] in b"\r\n":
        si += 1
    return si


def _corrupt(offset: int) -> str:
    return f"illegal base64 data at input byte {offset}"


def decode_error(kind: str, obj: dict) -> str | None:
    """The Go decoder's error for ``obj`` as a ``kind`` in strict mode, or None if it is clean.

    ``strict decoding error: unknown field "spec.containers[0].foo"`` lists every unknown field
    (document order); a wrong JSON type or a bad quantity takes precedence over unknown fields.
    """
    t = root(kind)
    if _fits(t, obj):
        return None
    decoder = _Decoder()
    try:
        decoder.value(t, obj, "", ("", ""))
    except _Abort as error:
        return str(error)
    if decoder.saved:
        return decoder.saved
    return "strict decoding error: " + ", ".join(f'unknown field "{p}"' for p in decoder.unknown)


def strict_decode(kind: str, obj: dict) -> None:
    """Raise ``BadRequest`` as kube-apiserver does when ``obj`` fails strict decoding.

    ``Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"``
    """
    message = decode_error(kind, obj)
    if message is not None:
        api_version = obj.get("apiVersion")
        if not isinstance(api_version, str) or not api_version:
            api_version = group_version(kind)
        version = api_version.rsplit("/", 1)[-1]
        raise BadRequest(f'{kind} in version "{version}" cannot be handled as a {kind}: {message}')
