"""kubectl's JSONPath templates: syntax, printing and errors (client-go util/jsonpath)."""

import pytest

from k8sedu.kubectl.jsonpath import JSONPathError, go_float, parse, relaxed, values

POD = {
    "kind": "Pod",
    "metadata": {
        "name": "web",
        "labels": {"app": "web", "app.kubernetes.io/name": "shop"},
    },
    "spec": {
        "nodeName": "node-1",
        "containers": [
            {"name": "app", "image": "nginx", "ports": [{"containerPort": 80}]},
            {"name": "sidecar", "image": "busybox"},
        ],
    },
    "status": {
        "conditions": [
            {"type": "Ready", "status": "True", "lastProbeTime": None},
            {"type": "PodScheduled", "status": "True"},
        ],
        "containerStatuses": [{"name": "app", "restartCount": 3, "ready": True}],
    },
}
LIST = {
    "kind": "List",
    "items": [
        {"metadata": {"name": "a"}, "spec": {"replicas": 1}},
        {"metadata": {"name": "b"}, "spec": {"replicas": 3}},
        {"metadata": {"name": "c"}, "spec": {"replicas": 2}},
    ],
}


@pytest.mark.parametrize(
    "template, obj, expected",
    [
        pytest.param("{.metadata.name}", POD, "web", id="field"),
        pytest.param(
            "{.items[*].metadata.name}", LIST, "a b c", id="wildcard-index-joined-by-space"
        ),
        pytest.param("{.items[0].metadata.name}", LIST, "a", id="index"),
        pytest.param("{.items[1:3].metadata.name}", LIST, "b c", id="slice"),
        pytest.param("{.items[-1:].metadata.name}", LIST, "c", id="negative-slice"),
        pytest.param("{.items[-1].metadata.name}", LIST, "c", id="negative-index"),
        pytest.param("{.items[0:3:2].metadata.name}", LIST, "a c", id="step"),
        pytest.param("{.items[5:5].metadata.name}", LIST, "", id="empty-slice-allowed"),
        pytest.param(
            "{.spec.containers[0]}",
            POD,
            '{"image":"nginx","name":"app","ports":[{"containerPort":80}]}',
            id="map-as-compact-json",
        ),
        pytest.param(
            "{.metadata.labels}",
            POD,
            '{"app":"web","app.kubernetes.io/name":"shop"}',
            id="labels-json",
        ),
        pytest.param(
            r"{.metadata.labels.app\.kubernetes\.io/name}", POD, "shop", id="escaped-dots"
        ),
        pytest.param(
            "{.spec.containers[*]['name','image']}", POD, "app sidecar nginx busybox", id="union"
        ),
        pytest.param(
            "{.spec.containers[*].ports[*].containerPort}", POD, "80", id="nested-wildcards"
        ),
        pytest.param("{..image}", POD, "nginx busybox", id="recursive-descent"),
        pytest.param(
            '{.status.conditions[?(@.type=="Ready")].status}', POD, "True", id="filter-eq"
        ),
        pytest.param(
            '{.status.conditions[?(@.type!="Ready")].type}', POD, "PodScheduled", id="filter-ne"
        ),
        pytest.param("{.items[?(@.spec.replicas>1)].metadata.name}", LIST, "b c", id="filter-gt"),
        pytest.param("{.items[?(@.spec.replicas<=2)].metadata.name}", LIST, "a c", id="filter-le"),
        pytest.param("{.items[?(@.spec.replicas>=3)].metadata.name}", LIST, "b", id="filter-ge"),
        pytest.param("{.items[?(@.spec.replicas<2)].metadata.name}", LIST, "a", id="filter-lt"),
        pytest.param("{.spec.containers[?(@.ports)].name}", POD, "app", id="filter-exists"),
        pytest.param(
            "{.status.containerStatuses[?(@.ready==true)].name}", POD, "app", id="filter-bool"
        ),
        pytest.param(
            "{range .items[*]}{.metadata.name}{'\\t'}{.spec.replicas}{'\\n'}{end}",
            LIST,
            "a\t1\nb\t3\nc\t2\n",
            id="range-with-quoted-tab-and-newline",
        ),
        pytest.param(
            '{range .items[*]}[{.metadata.name}]{end}{"done"}',
            LIST,
            "[a][b][c]done",
            id="text-after-end",
        ),
        pytest.param("{range .nothing[*]}{.x}{end}after", LIST, "after", id="empty-range"),
        pytest.param(
            "name: {.metadata.name}!", POD, "name: web!", id="literal-text-outside-braces"
        ),
        pytest.param("{.metadata.missing}", POD, "", id="missing-key-prints-nothing"),
        pytest.param(
            "{.status.conditions[0].lastProbeTime}", POD, "<nil>", id="null-prints-go-nil"
        ),
        pytest.param("{.status.containerStatuses[0].ready}", POD, "true", id="bool"),
        pytest.param("{@}", {"a": 1}, '{"a":1}', id="current-object"),
        pytest.param("{.x}", {"x": 1.5}, "1.5", id="float"),
        pytest.param("{.x}", {"x": "<b>"}, "<b>", id="string-raw"),
        pytest.param("{.x}", {"x": ["<b>"]}, '["\\u003cb\\u003e"]', id="json-escapes-html-like-go"),
    ],
)
def test_templates(template, obj, expected):
    assert parse(template).execute(obj) == expected


@pytest.mark.parametrize(
    "template, message",
    [
        pytest.param("{.foo", "unclosed action", id="unclosed-action"),
        pytest.param("{.items[0}", "unterminated array", id="unterminated-array"),
        pytest.param('{.a[?(@.x=="1"}', "unterminated filter", id="unterminated-filter"),
        pytest.param('{.a[?(@.x=="1")}', "unclosed array expect ]", id="filter-without-bracket"),
        pytest.param('{"abc}', "unterminated quoted string", id="unterminated-quote"),
        pytest.param("{.items[x]}", "invalid array index x", id="bad-index"),
        pytest.param("{.items[1:-]}", "array index - is not a number", id="index-not-number"),
        pytest.param("{!}", "unrecognized character in action: U+0021 '!'", id="bad-character"),
        pytest.param("{1.2.3}", "cannot parse number 1.2.3", id="bad-number"),
        pytest.param("{....a}", "invalid multiple recursive descent", id="double-recursive"),
    ],
)
def test_parse_errors(template, message):
    with pytest.raises(JSONPathError) as err:
        parse(template)
    assert str(err.value) == message


@pytest.mark.parametrize(
    "template, obj, message",
    [
        pytest.param(
            "{.items[5]}", LIST, "array index out of bounds: index 5, length 3", id="out-of-bounds"
        ),
        pytest.param(
            "{.items[2:1]}",
            LIST,
            "starting index 2 is greater than ending index 1",
            id="reversed-slice",
        ),
        pytest.param(
            "{.metadata[0]}", POD, "map[string]interface {} is not array or slice", id="index-a-map"
        ),
        pytest.param("{.items[::0]}", LIST, "step must be > 0", id="zero-step"),
        pytest.param("{end}", LIST, "not in range, nothing to end", id="end-outside-range"),
        pytest.param("{foo}", LIST, "unrecognized identifier foo", id="unknown-identifier"),
        pytest.param(
            '{.items[?(@.spec.replicas=="1")].metadata.name}',
            LIST,
            "incompatible types for comparison",
            id="compare-int-with-string",
        ),
    ],
)
def test_execution_errors(template, obj, message):
    with pytest.raises(JSONPathError) as err:
        parse(template).execute(obj)
    assert str(err.value) == message


def test_missing_key_is_an_error_when_keys_are_not_allowed_missing():
    # --allow-missing-template-keys=false
    with pytest.raises(JSONPathError, match="^missing is not found$"):
        parse("{.metadata.missing}").execute(POD, allow_missing_keys=False)


@pytest.mark.parametrize(
    "expr, expected",
    [
        pytest.param("metadata.name", "{.metadata.name}", id="bare"),
        pytest.param(".metadata.name", "{.metadata.name}", id="leading-dot"),
        pytest.param("{metadata.name}", "{.metadata.name}", id="braces"),
        pytest.param("{.metadata.name}", "{.metadata.name}", id="complete"),
    ],
)
def test_relaxed_expressions(expr, expected):
    assert relaxed(expr) == expected


def test_relaxed_rejects_two_actions():
    with pytest.raises(JSONPathError, match="unexpected path string, expected a 'name1.name2'"):
        relaxed("{.a}{.b}")


def test_values_for_sort_and_columns():
    assert values(".spec.containers[*].name", POD) == ["app", "sidecar"]
    assert values("metadata.missing", POD) == []


@pytest.mark.parametrize(
    "value, expected",
    [
        (1.5, "1.5"),
        (1e6, "1e+06"),
        (123456.0, "123456"),
        (1e-05, "1e-05"),
        (0.0001, "0.0001"),
        (-2.5, "-2.5"),
    ],
    ids=["plain", "large", "six-digits", "small", "four-zeros", "negative"],
)
def test_go_float_formatting(value, expected):
    # strconv.FormatFloat(f, 'g', -1, 64): %e below 1e-4 and from 1e6 on
    assert go_float(value) == expected
