"""Kubernetes resource quantities (``250m``, ``1.5Gi``, ``1e3``) and the ``Resources`` arithmetic.

Models ``k8s.io/apimachinery/pkg/api/resource`` (quantity.go, amount.go, suffix.go): the same
scanner, suffixes, error messages, nano-precision rounding and canonical strings, computed on exact
``Fraction`` values (never floats). It also models the pod's resource request and limit as the
scheduler and kubelet compute them (``component-helpers/resource/helpers.go``).

Simplified: values are unbounded Python numbers, so sums never saturate at int64 the way Go's
accessors do; pod-level ``spec.resources`` and in-place resize status are not taken into account.

>>> canonical("0.5"), canonical("1.5Gi"), canonical("1000m"), canonical("1e3")
('500m', '1536Mi', '1', '1e3')
>>> cpu_millis("250m"), to_int("1Gi")
(250, 1073741824)
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction

DECIMAL_SI = "DecimalSI"  # 12M = 12 * 10^6
BINARY_SI = "BinarySI"  # 12Mi = 12 * 2^20
DECIMAL_EXPONENT = "DecimalExponent"  # 12e6

# The three errors of ParseQuantity, word for word.
ERR_FORMAT = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
ERR_SUFFIX = "unable to parse quantity's suffix"

_DIGITS = "0123456789"
_SUFFIX_CHARS = "eEinumkKMGTP"
_DECIMAL_SUFFIXES = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_BY_EXPONENT = {e: s for s, e in _DECIMAL_SUFFIXES.items()}
_BINARY_BY_POWER = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]  # powers of 1024
_MAX_INT64 = 2**63 - 1
_NANO = 10**9


@dataclass(frozen=True)
class Quantity:
    """An exact quantity and the suffix family it was written in.

    ``text`` is the input itself when the Go parser keeps it as the canonical string (its fast
    path for inputs that already look canonical, which also keeps quirks such as ``+1`` or
    ``1.500``, kubernetes/kubernetes#138165); otherwise ``str()`` computes the canonical form.
    """

    value: Fraction
    format: str = DECIMAL_SI
    text: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        return self.text or format_quantity(self.value, self.format)

    def round_up_milli(self) -> Quantity:
        """``RoundUp(Milli)``, which API defaulting applies to every ResourceList value."""
        value = Fraction(_ceil_away(self.value * 1000), 1000)
        return Quantity(value, self.format, self.text if value == self.value else "")


@functools.lru_cache(maxsize=4096, typed=True)  # the same few strings are parsed all day long
def parse(text: str | int | float) -> Quantity:
    """``resource.ParseQuantity``: the exact value, rounded up to nano precision.

    >>> parse("1.5Gi")
    Quantity(value=Fraction(1610612736, 1), format='BinarySI')
    >>> parse("12e")
    Traceback (most recent call last):
    ...
    ValueError: unable to parse quantity's suffix
    """
    if isinstance(text, bool):  # a JSON true/false reaches the Go parser as text
        text = "true" if text else "false"
    elif isinstance(text, int | float):
        text = repr(text)
    if text == "":
        raise ValueError(ERR_FORMAT)
    if text == "0":
        return Quantity(Fraction(0), DECIMAL_SI, "0")
    positive, num, denom, suffix = _scan(text)
    base, exponent, fmt = _interpret(suffix)

    magnitude = Fraction(int(num + denom), 10 ** len(denom)) * Fraction(base) ** exponent
    # Non-zero values round *up* to 1n: "if you want some resources, you should get some".
    magnitude = Fraction(math.ceil(magnitude * _NANO), _NANO)
    if fmt == BINARY_SI and magnitude > _MAX_INT64:
        magnitude = Fraction(_MAX_INT64)  # the only cap the parser applies
    if fmt == BINARY_SI and 0 < magnitude < 1:
        fmt = DECIMAL_SI
    kept = text if _parser_keeps_text(num, denom, exponent, fmt) else ""
    return Quantity(magnitude if positive else -magnitude, fmt, kept)


def _scan(text: str) -> tuple[bool, str, str, str]:
    """``parseQuantityString``: sign, integer digits, fraction digits, suffix."""
    pos, end = 0, len(text)
    positive = text[0] != "-"
    if text[0] in "+-":
        pos = 1
    while pos < end and text[pos] == "0":  # leading zeros; "-" or "000" alone mean 0
        pos += 1
    if pos == end:
        return positive, "0", "", ""
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    num = text[start:pos] or "0"
    denom = ""
    if pos < end and text[pos] == ".":
        start = pos = pos + 1
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[start:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise ValueError(ERR_FORMAT)
    return positive, num, denom, text[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, str]:
    """suffix.go ``interpret``: (base, exponent, format) of a suffix."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        try:
            return 10, int(suffix[1:]), DECIMAL_EXPONENT
        except ValueError:
            pass
    raise ValueError(ERR_SUFFIX)


def _parser_keeps_text(num: str, denom: str, exponent: int, fmt: str) -> bool:
    """ParseQuantity's int64 fast path, which reuses the input when it "looks" canonical."""
    if fmt == BINARY_SI:
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        return not denom and precision >= 0 and int(num) & 0x07 != 0
    shifted, scale = num + denom, exponent - len(denom)
    return (
        len(shifted) <= 18  # maxInt64Factors
        and scale >= -9
        and scale % 3 == 0
        and not shifted.endswith("000")
        and shifted[0] != "0"
    )


def format_quantity(value: Fraction | int, fmt: str = DECIMAL_SI) -> str:
    """``Quantity.String()`` of a value (``CanonicalizeBytes``): the largest suffix that loses
    no precision, with no fractional digits.

    >>> format_quantity(1500, BINARY_SI), format_quantity(Fraction(1, 10)), format_quantity(10**21)
    ('1500', '100m', '1e21')
    """
    value = Fraction(value)
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    # BinarySI only for whole numbers of at least 1Ki; anything else would need rounding.
    if fmt == BINARY_SI and magnitude >= 1024 and magnitude.denominator == 1:
        number, power = int(magnitude), 0
        while number % 1024 == 0 and power < len(_BINARY_BY_POWER) - 1:
            number, power = number // 1024, power + 1
        return f"{sign}{number}{_BINARY_BY_POWER[power]}"
    mantissa, exponent = _ceil_away(magnitude * _NANO), -9
    while mantissa % 10 == 0:
        mantissa, exponent = mantissa // 10, exponent + 1
    shift = exponent % 3  # lower the exponent to a multiple of 3
    mantissa, exponent = mantissa * 10**shift, exponent - shift
    if fmt == DECIMAL_EXPONENT:
        suffix = f"e{exponent}" if exponent else ""
    else:
        # Beyond E there is no SI suffix; newer releases fall back to "e21" (#140459).
        suffix = _DECIMAL_BY_EXPONENT.get(exponent, f"e{exponent}")
    return f"{sign}{mantissa}{suffix}"


@functools.lru_cache(maxsize=4096)
def canonical(text: str | int | float) -> str:
    """The string the API server stores for a ResourceList value such as a container request.

    JSON decoding trims spaces, defaulting rounds up to milli precision (``SetDefaults_ResourceList``,
    pkg/apis/core/v1/defaults.go), and the encoder writes ``Quantity.String()``.

    >>> canonical("0.1"), canonical("1024Mi"), canonical("1.0001"), canonical("100M")
    ('100m', '1Gi', '1001m', '100M')
    """
    if isinstance(text, str):
        text = text.strip()
    return str(parse(text).round_up_milli())


def _ceil_away(value: Fraction) -> int:
    """Round away from zero, as Quantity rounding does."""
    return math.ceil(value) if value >= 0 else math.floor(value)


def _as_quantity(q: Quantity | str | int | float) -> Quantity:
    return q if isinstance(q, Quantity) else parse(q)


def cpu_millis(q: Quantity | str | int | float) -> int:
    """``MilliValue()``: millicores, rounded up. ``cpu_millis("0.1") == 100``."""
    return _ceil_away(_as_quantity(q).value * 1000)


def to_int(q: Quantity | str | int | float) -> int:
    """``Value()``: the whole number (bytes for memory), rounded up. ``to_int("1Ki") == 1024``."""
    return _ceil_away(_as_quantity(q).value)


# --- Resources: the typed view components compute on ----------------------------------------

_NAMED = ("cpu", "memory", "ephemeral-storage", "pods")


@dataclass(frozen=True)
class Resources:
    """cpu in millicores, memory and ephemeral storage in bytes, a pod count, and extended
    resources (``nvidia.com/gpu``, ``hugepages-2Mi``) as sorted ``(name, amount)`` pairs.

    >>> r = Resources.from_dict({"cpu": "500m", "memory": "1Gi", "nvidia.com/gpu": "1"})
    >>> (r + r).to_dict()
    {'cpu': '1', 'memory': '2Gi', 'nvidia.com/gpu': '2'}
    """

    cpu: int = 0
    memory: int = 0
    ephemeral_storage: int = 0
    pods: int = 0
    scalar: tuple[tuple[str, int], ...] = ()

    @classmethod
    def from_dict(cls, resources: dict | None) -> Resources:
        """From a ResourceList (``{"cpu": "500m", "memory": "1Gi"}``); values may be Quantities."""
        return cls._from_amounts({k: _as_quantity(v).value for k, v in (resources or {}).items()})

    @classmethod
    def _from_amounts(cls, amounts: dict[str, Fraction]) -> Resources:
        # cpu keeps milli precision (MilliValue); everything else is counted whole (Value).
        ints = {
            name: _ceil_away(v * 1000) if name == "cpu" else _ceil_away(v)
            for name, v in amounts.items()
        }
        return cls(
            cpu=ints.get("cpu", 0),
            memory=ints.get("memory", 0),
            ephemeral_storage=ints.get("ephemeral-storage", 0),
            pods=ints.get("pods", 0),
            scalar=_scalars({k: v for k, v in ints.items() if k not in _NAMED}),
        )

    def amounts(self) -> dict[str, int]:
        """Every non-zero resource by its API name, in the order fit checks report them."""
        named = {
            "pods": self.pods,
            "cpu": self.cpu,
            "memory": self.memory,
            "ephemeral-storage": self.ephemeral_storage,
        }
        return {k: v for k, v in named.items() if v} | dict(self.scalar)

    def to_dict(self) -> dict[str, str]:
        """Canonical quantity strings by resource name, sorted as JSON prints a ResourceList;
        memory and storage are written BinarySI (as the kubelet reports capacity)."""
        out = {}
        for name, amount in sorted(self.amounts().items()):
            if name == "cpu":
                out[name] = format_quantity(Fraction(amount, 1000))
            elif name in ("memory", "ephemeral-storage"):
                out[name] = format_quantity(amount, BINARY_SI)
            else:
                out[name] = format_quantity(amount)
        return out

    def __add__(self, other: Resources) -> Resources:
        return self._combine(other, 1)

    def __sub__(self, other: Resources) -> Resources:
        return self._combine(other, -1)

    def _combine(self, other: Resources, sign: int) -> Resources:
        scalars = dict(self.scalar)
        for name, amount in other.scalar:
            scalars[name] = scalars.get(name, 0) + sign * amount
        return Resources(
            cpu=self.cpu + sign * other.cpu,
            memory=self.memory + sign * other.memory,
            ephemeral_storage=self.ephemeral_storage + sign * other.ephemeral_storage,
            pods=self.pods + sign * other.pods,
            scalar=_scalars(scalars),
        )

    def exceeds(self, other: Resources) -> list[str]:
        """Names of the resources where ``self`` is more than ``other`` (pods, cpu, memory,
        ephemeral-storage, then extended resources by name)."""
        limit = other.amounts()
        return [name for name, amount in self.amounts().items() if amount > limit.get(name, 0)]

    def fits_in(self, other: Resources) -> bool:
        return not self.exceeds(other)

    def __bool__(self) -> bool:
        return bool(self.amounts())


def _scalars(amounts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((k, v) for k, v in amounts.items() if v))


ZERO = Resources()

# The scheduler's stand-ins for a missing request when scoring (pkg/scheduler/util/pod_resources.go).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024

# --- a pod's requests and limits (component-helpers/resource/helpers.go) ----------------------


def pod_requests(pod: dict, *, non_zero: bool = False) -> Resources:
    """``PodRequests``: max(sum of app containers and sidecars, the largest init step) + overhead.

    A sidecar (an init container with ``restartPolicy: Always``) keeps running, so it counts
    towards the app containers and towards every init container that starts after it. A request
    missing where a limit is set takes the limit (API defaulting). With ``non_zero=True`` a
    container without a cpu or memory request counts 100m / 200Mi, as the scheduler's scoring
    does; an explicit ``0`` stays 0.
    """
    defaults = {}
    if non_zero:
        defaults = {
            "cpu": Fraction(DEFAULT_MILLI_CPU_REQUEST, 1000),
            "memory": Fraction(DEFAULT_MEMORY_REQUEST),
        }
    spec = pod.get("spec") or {}
    total = _aggregate(spec, lambda res: _requests_of(res, defaults))
    _add(total, _amounts(spec.get("overhead")))
    return Resources._from_amounts(total)


def pod_limits(pod: dict) -> Resources:
    """``PodLimits``: the same aggregation over limits; overhead is added only to limits that
    are set and non-zero."""
    spec = pod.get("spec") or {}
    total = _aggregate(spec, lambda res: _amounts(res.get("limits")))
    for name, amount in _amounts(spec.get("overhead")).items():
        if total.get(name):
            total[name] += amount
    return Resources._from_amounts(total)


def _aggregate(spec: dict, resources_of) -> dict[str, Fraction]:
    total: dict[str, Fraction] = {}
    for container in spec.get("containers") or []:
        _add(total, resources_of(container.get("resources") or {}))
    sidecars: dict[str, Fraction] = {}
    init_peak: dict[str, Fraction] = {}
    for container in spec.get("initContainers") or []:
        step = resources_of(container.get("resources") or {})
        if container.get("restartPolicy") == "Always":
            _add(total, step)
            _add(sidecars, step)
            step = dict(sidecars)
        else:
            _add(step, sidecars)  # earlier sidecars still run while this init container does
        _max(init_peak, step)
    _max(total, init_peak)
    return total


def _requests_of(resources: dict, defaults: dict[str, Fraction]) -> dict[str, Fraction]:
    requests = _amounts(resources.get("limits")) | _amounts(resources.get("requests"))
    return defaults | requests


def _amounts(resource_list: dict | None) -> dict[str, Fraction]:
    return {name: _as_quantity(q).value for name, q in (resource_list or {}).items()}


def _add(into: dict[str, Fraction], other: dict[str, Fraction]) -> None:
    for name, amount in other.items():
        into[name] = into.get(name, 0) + amount


def _max(into: dict[str, Fraction], other: dict[str, Fraction]) -> None:
    for name, amount in other.items():
        if name not in into or amount > into[name]:
            into[name] = amount
