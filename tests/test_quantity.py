"""k8sedu.quantity against apimachinery's resource tests (quantity_test.go, quantity_golden_test.go)
and component-helpers' helpers_test.go."""

from fractions import Fraction

import pytest

from k8sedu.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    ERR_FORMAT,
    ERR_SUFFIX,
    ZERO,
    Resources,
    canonical,
    cpu_millis,
    format_quantity,
    parse,
    pod_limits,
    pod_requests,
    to_int,
)

F = Fraction

# TestQuantityParse: input -> exact value and format
PARSE_CASES = [
    ("0", 0, DECIMAL_SI),
    ("0Ki", 0, BINARY_SI),
    ("1", 1, DECIMAL_SI),
    ("8Ki", 8 * 1024, BINARY_SI),
    ("7Mi", 7 * 2**20, BINARY_SI),
    ("3Ei", 3 * 2**60, BINARY_SI),
    ("5n", F(5, 10**9), DECIMAL_SI),
    ("4u", F(4, 10**6), DECIMAL_SI),
    ("3m", F(3, 1000), DECIMAL_SI),
    ("50k", 50_000, DECIMAL_SI),
    ("7M", 7 * 10**6, DECIMAL_SI),
    ("6G", 6 * 10**9, DECIMAL_SI),
    ("40T", 40 * 10**12, DECIMAL_SI),
    ("2P", 2 * 10**15, DECIMAL_SI),
    ("1E", 10**18, DECIMAL_SI),
    ("1E-3", F(1, 1000), DECIMAL_EXPONENT),
    ("1e3", 1000, DECIMAL_EXPONENT),
    ("1.3E+6", 1_300_000, DECIMAL_EXPONENT),
    ("0.5e-2", F(5, 1000), DECIMAL_EXPONENT),
    ("100.035k", 100_035, DECIMAL_SI),
    ("0.0005k", F(1, 2), DECIMAL_SI),
    ("-1.025Ti", -F(1025, 1000) * 2**40, BINARY_SI),
    ("+7Mi", 7 * 2**20, BINARY_SI),
    ("3.001n", F(4, 10**9), DECIMAL_SI),  # rounds up to whole nanos
    ("0.00000012345", F(124, 10**9), DECIMAL_SI),
    ("9Ei", 2**63 - 1, BINARY_SI),  # capped at int64
    ("100.035Ki", F(10243584, 100), BINARY_SI),
    ("0.000000000001Ki", F(2, 10**9), DECIMAL_SI),  # rounds up, changes format
    (".001", F(1, 1000), DECIMAL_SI),
    ("1.", 1, DECIMAL_SI),
    ("1.G", 10**9, DECIMAL_SI),
]


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_CASES, ids=[c[0] for c in PARSE_CASES])
def test_parse_exact_value_and_format(text, value, fmt):
    q = parse(text)
    assert (q.value, q.format) == (F(value), fmt)


INVALID = [
    ("1.1.M", ERR_FORMAT),
    ("1+1.0M", ERR_FORMAT),
    ("0.1mi", ERR_SUFFIX),
    ("0.1am", ERR_FORMAT),
    ("aoeu", ERR_FORMAT),
    (".5i", ERR_SUFFIX),
    ("1i", ERR_SUFFIX),
    ("-3.01e-", ERR_SUFFIX),
    (" 1", ERR_FORMAT),
    ("1 ", ERR_FORMAT),
    ("", ERR_FORMAT),
]


@pytest.mark.parametrize(("text", "message"), INVALID, ids=[repr(c[0]) for c in INVALID])
def test_parse_errors_carry_the_real_message(text, message):
    with pytest.raises(ValueError) as error:
        parse(text)
    assert str(error.value) == message


def test_the_format_error_quotes_the_regular_expression():
    assert ERR_FORMAT == (
        "quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


# TestQuantityString / TestQuantityParseEmit / the golden corpus: input -> Quantity.String()
STRING_CASES = [
    ("1024Mi", "1Gi"),
    ("307200Ki", "300Mi"),
    ("1025024Mi", "1001Gi"),
    ("1024Gi", "1Ti"),
    ("5000m", "5"),
    ("0.5", "500m"),
    ("1000M", "1G"),
    ("0.001T", "1G"),
    ("1000u", "1m"),
    ("1.08", "1080m"),
    ("1080000000n", "1080m"),
    (".001e12", "1e9"),
    ("0.001e0", "1e-3"),
    ("1000e-12", "1e-9"),
    ("00", "0"),
    (".001Ki", "1024m"),
    (".000001Ki", "1024u"),
    (".000000000001Ki", "2n"),
    ("0.1", "100m"),
    ("1.5", "1500m"),
    ("1.5Gi", "1536Mi"),
    ("0.000000000000001", "1n"),
    ("1.441", "1.441"),  # the parser keeps inputs that look canonical (#138165)
    ("1.000001", "1.000001"),
    ("100E", "100E"),
    ("1000E", "1e21"),
    ("1e100", "10e99"),
    ("8Ei", "9223372036854775807"),
    ("-20Ei", "-9223372036854775807"),
    ("-9.5Gi", "-9728Mi"),
    ("-9.5000000001Gi", "-10200547328107374183n"),
]


@pytest.mark.parametrize(("text", "expected"), STRING_CASES, ids=[c[0] for c in STRING_CASES])
def test_string_is_the_canonical_form(text, expected):
    assert str(parse(text)) == expected


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (F(1, 1000), DECIMAL_SI, "1m"),  # NewMilliQuantity(1)
        (1234, DECIMAL_SI, "1234"),  # NewMilliQuantity(1234000)
        (F(1024, 1000), BINARY_SI, "1024m"),  # BinarySI below 1024 falls back to decimal
        (1000, DECIMAL_EXPONENT, "1e3"),
        (1000, DECIMAL_SI, "1k"),  # NewQuantity(1000)
        (1024, BINARY_SI, "1Ki"),
        (2**20, BINARY_SI, "1Mi"),
        (10**6, DECIMAL_EXPONENT, "1e6"),
        (0, BINARY_SI, "0"),
    ],
    ids=["1m", "1234", "1024m", "1e3", "1k", "1Ki", "1Mi", "1e6", "zero"],
)
def test_format_quantity_of_constructed_values(value, fmt, expected):
    assert format_quantity(value, fmt) == expected


CANONICAL_CASES = [
    ("0.5", "500m"),
    ("1000m", "1"),
    ("1.5Gi", "1536Mi"),
    ("1024Mi", "1Gi"),
    ("1e3", "1e3"),
    ("100M", "100M"),
    ("0.1", "100m"),
    ("1.0001", "1001m"),  # SetDefaults_ResourceList: RoundUp(Milli)
    ("1.000001", "1001m"),  # rounding also drops the kept input
    ("100u", "1m"),
    (" 250m ", "250m"),  # JSON decoding trims spaces
    (2, "2"),
    (0.25, "250m"),
]


@pytest.mark.parametrize(
    ("text", "expected"), CANONICAL_CASES, ids=[repr(c[0]) for c in CANONICAL_CASES]
)
def test_canonical_is_what_the_api_server_stores(text, expected):
    assert canonical(text) == expected


@pytest.mark.parametrize(
    ("text", "millis", "whole"),
    [
        ("1", 1000, 1),
        ("100m", 100, 1),
        ("0.1", 100, 1),
        ("1.0001", 1001, 2),
        ("1Gi", 2**30 * 1000, 2**30),
        ("1n", 1, 1),
    ],
    ids=["1", "100m", "0.1", "1.0001", "1Gi", "1n"],
)
def test_milli_value_and_value_round_up(text, millis, whole):
    assert (cpu_millis(text), to_int(text)) == (millis, whole)


# --- Resources ----------------------------------------------------------------------------


def test_resources_from_and_to_a_resource_list():
    r = Resources.from_dict({"cpu": "1.5", "memory": "1Gi", "pods": "110", "nvidia.com/gpu": 2})
    assert r == Resources(cpu=1500, memory=2**30, pods=110, scalar=(("nvidia.com/gpu", 2),))
    assert r.to_dict() == {"cpu": "1500m", "memory": "1Gi", "nvidia.com/gpu": "2", "pods": "110"}


def test_resources_arithmetic_and_fit():
    node = Resources.from_dict({"cpu": "2", "memory": "4Gi", "pods": 110})
    pod = Resources.from_dict({"cpu": "1500m", "memory": "1Gi", "pods": 1, "example.com/dongle": 1})
    assert (pod + pod - pod) == pod
    assert not pod.fits_in(node)  # the node has no dongles
    assert (pod + pod).exceeds(node) == ["cpu", "example.com/dongle"]
    assert (node - pod).to_dict() == {
        "cpu": "500m",
        "example.com/dongle": "-1",
        "memory": "3Gi",
        "pods": "109",
    }


def test_zero_is_false_and_fits_everywhere():
    assert not ZERO and not Resources.from_dict({"cpu": "0"}) and ZERO.fits_in(ZERO)
    assert Resources(memory=1)


# --- pod requests and limits (helpers_test.go) ---------------------------------------------


def container(name="c", requests=None, limits=None, restart_policy=None):
    c = {"name": name, "resources": {"requests": requests or {}, "limits": limits or {}}}
    if restart_policy:
        c["restartPolicy"] = restart_policy
    return c


def pod(containers, init=(), overhead=None):
    spec = {"containers": list(containers), "initContainers": list(init)}
    if overhead:
        spec["overhead"] = overhead
    return {"spec": spec}


def cpu(n):
    return {"cpu": n}


SIDECAR = "Always"
REQUEST_CASES = {
    "larger init container": (
        pod([container(requests=cpu("1"))], [container(requests=cpu("4"))]),
        4000,
    ),
    "larger containers": (
        pod(
            [container(requests=cpu("2")), container(requests=cpu("3"))],
            [container(requests=cpu("2"))],
        ),
        5000,
    ),
    "overhead added": (pod([container(requests=cpu("2"))], overhead=cpu("1")), 3000),
    "restartable init container": (
        pod([container(requests=cpu("1"))], [container(requests=cpu("1"), restart_policy=SIDECAR)]),
        2000,
    ),
    # max(5, sidecars 3+2+1 + regular 1) = 7
    "multiple restartable init containers": (
        pod(
            [container(requests=cpu("1"))],
            [
                container(requests=cpu("5")),
                container(requests=cpu("1"), restart_policy=SIDECAR),
                container(requests=cpu("2"), restart_policy=SIDECAR),
                container(requests=cpu("3"), restart_policy=SIDECAR),
            ],
        ),
        7000,
    ),
    # init-2 needs 5 + the sidecars started before it (1+2) = 8
    "multiple restartable and regular init containers": (
        pod(
            [container(requests=cpu("1"))],
            [
                container(requests=cpu("5")),
                container(requests=cpu("1"), restart_policy=SIDECAR),
                container(requests=cpu("2"), restart_policy=SIDECAR),
                container(requests=cpu("5")),
                container(requests=cpu("3"), restart_policy=SIDECAR),
            ],
        ),
        8000,
    ),
    "restartable-init, init and regular": (
        pod(
            [container(requests=cpu("100"))],
            [container(requests=cpu("10"), restart_policy=SIDECAR), container(requests=cpu("200"))],
        ),
        210_000,
    ),
    "request defaults from the limit": (pod([container(limits=cpu("9"))]), 9000),
}


@pytest.mark.parametrize(("spec", "millis"), REQUEST_CASES.values(), ids=REQUEST_CASES.keys())
def test_pod_requests(spec, millis):
    assert pod_requests(spec).cpu == millis


def test_pod_limits_add_overhead_only_to_set_limits():
    # "pod overhead included": overhead is only added to non-zero limits
    p = pod(
        [container(limits=cpu("2")), container(limits=cpu("3"))],
        [container(limits=cpu("2"))],
        overhead={"cpu": "1", "memory": "1Gi"},
    )
    assert pod_limits(p) == Resources(cpu=6000)


def test_pod_limits_with_sidecars():
    p = pod(
        [container(limits=cpu("100"))],
        [container(limits=cpu("10"), restart_policy=SIDECAR), container(limits=cpu("200"))],
    )
    assert pod_limits(p).cpu == 210_000


def test_non_zero_requests_replace_only_missing_values():
    # REFERENCE 3.4: no cpu request counts 100m, no memory request 200Mi; an explicit 0 stays 0
    p = pod(
        [
            container(),
            container(requests={"cpu": "0", "memory": "0"}),
            container(requests=cpu("250m")),
        ]
    )
    assert pod_requests(p) == Resources(cpu=250)
    assert pod_requests(p, non_zero=True) == Resources(cpu=100 + 0 + 250, memory=2 * 209_715_200)


def test_requests_sum_exactly_before_rounding_to_millis():
    # two 100u containers are 200u = 0.2m, which MilliValue rounds up once to 1m
    p = pod([container(requests=cpu("100u")), container(requests=cpu("100u"))])
    assert pod_requests(p).cpu == 1


def test_doctests():
    import doctest

    import k8sedu.quantity

    assert doctest.testmod(k8sedu.quantity).failed == 0
