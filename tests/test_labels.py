"""k8sedu.labels against apimachinery's labels/selector_test.go and the parser's messages in
selector.go (the expected strings are the Go format strings filled in)."""

import pytest

from k8sedu.labels import (
    Selector,
    format_label_selector,
    label_key_errors,
    label_value_errors,
    parse_selector,
    selector_from_spec,
)

NAME_RULE = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_RULE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
    "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)

# selector text -> labels it matches, labels it does not (TestSelectorMatches and friends)
OPERATORS = {
    "equals": ("x=y", {"x": "y"}, {"x": "z"}),
    "double equals": ("x==y", {"x": "y"}, {}),
    "not equals": ("x!=y,z!=w", {"x": "z", "z": "a"}, {"x": "z", "z": "w"}),
    "not equals missing key": ("x!=y", {}, {"x": "y"}),
    "in": ("x in (foo,bar)", {"x": "bar"}, {"x": "baz"}),
    "in needs the key": ("x in ()", {"x": ""}, {"y": "baz"}),
    "notin": ("x notin (abc,def)", {"x": "xyz"}, {"x": "abc"}),
    "notin missing key": ("x notin ()", {"y": ""}, {"x": ""}),
    "exists": ("x", {"x": "z"}, {"y": "z"}),
    "does not exist": ("!x", {"y": "z"}, {"x": "z"}),
    "greater than": ("x>1", {"x": "2"}, {"x": "0"}),
    "less than": ("x<1", {"x": "0"}, {"x": "2"}),
    "greater than needs an integer": ("z>1", {"z": "2"}, {"z": "v2"}),
    "in/notin are words as values": ("notin=in", {"notin": "in"}, {"notin": "x"}),
    "empty selects everything": ("", {"x": "y"}, None),
}


@pytest.mark.parametrize(("text", "yes", "no"), OPERATORS.values(), ids=OPERATORS.keys())
def test_every_operator_matches_as_in_go(text, yes, no):
    selector = parse_selector(text)
    assert selector.matches(yes)
    if no is not None:
        assert not selector.matches(no)


STRINGS = {
    "sorted by key": ("x=a,a=x", "a=x,x=a"),
    "spaces dropped": ("x= ,z= ", "x=,z="),
    "set values sorted": ("x  notin\t\t(def,abc)", "x notin (abc,def)"),
    "empty value in a set": ("x in (abc,)", "x in (,abc)"),
    "empty set": ("z in ()", "z in ()"),
    "all kinds": (
        "x notin (abc,def),bar,z in (),w,!v,y>2",
        "bar,!v,w,x notin (abc,def),y>2,z in ()",
    ),
    "prefixed key": (
        "this-is-a-dns.domain.com/key-with-dash in (so,what)",
        "this-is-a-dns.domain.com/key-with-dash in (so,what)",
    ),
    "carriage return is a space": ("\rx", "x"),
}


@pytest.mark.parametrize(("text", "expected"), STRINGS.values(), ids=STRINGS.keys())
def test_string_form_is_canonical(text, expected):
    assert str(parse_selector(text)) == expected


ERRORS = {
    "two operators": ("x==a==b", "found '==', expected: ',' or 'end of string'"),
    "operator after not": ("!x=a", "found '=', expected: ',' or 'end of string'"),
    "pipes are part of a value": (
        "x=a||y=b",
        f'unable to parse requirement: values[0][x]: Invalid value: "a||y": {VALUE_RULE}',
    ),
    "missing operator": (
        "a b",
        "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    ),
    "starts with an operator": ("=x", "found '=', expected: !, identifier, or 'end of string'"),
    "trailing comma": ("a=b,", "found '', expected: identifier after ','"),
    "not followed by a word": ("!=", "found '!=', expected: !, identifier, or 'end of string'"),
    "negation without key": ("!,a", "unable to parse requirement: found ',', expected: identifier"),
    "in without parenthesis": ("a in b", "unable to parse requirement: found 'b' expected: '('"),
    "set with an operator": (
        "a in (=)",
        "unable to parse requirement: found '=', expected: ',', ')' or identifier",
    ),
    "set missing comma": (
        "a in (b c)",
        "unable to parse requirement: found 'c', expected: ',' or ')'",
    ),
    "set ends early": (
        "a in (b,",
        "unable to parse requirement: found '', expected: ',', or identifier",
    ),
    "value is an operator": ("a=(", "unable to parse requirement: found '(', expected: identifier"),
    "gt needs an integer": (
        "x<a",
        'unable to parse requirement: values[0]: Invalid value: "a": '
        "for 'Gt', 'Lt' operators, the value must be an integer",
    ),
    "bad key": (
        "a$b=c",
        f'unable to parse requirement: <nil>: Invalid value: "a$b": name part {NAME_RULE}',
    ),
    "bad value": (
        "a=b$c",
        f'unable to parse requirement: values[0][a]: Invalid value: "b$c": {VALUE_RULE}',
    ),
}


@pytest.mark.parametrize(("text", "message"), ERRORS.values(), ids=ERRORS.keys())
def test_parse_errors_carry_the_real_message(text, message):
    with pytest.raises(ValueError) as error:
        parse_selector(text)
    assert str(error.value) == message


KEY_ERRORS = {
    "valid plain": ("app", []),
    "valid prefixed": ("app.kubernetes.io/name", []),
    "empty name": ("a/", ["name part must be non-empty", f"name part {NAME_RULE}"]),
    "empty prefix": ("/a", ["prefix part must be non-empty"]),
    "too long": ("x" * 64, ["name part must be no more than 63 characters"]),
    "two slashes": (
        "a/b/c",
        [
            f"a qualified name {NAME_RULE} with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')"
        ],
    ),
    "uppercase prefix": (
        "Example.com/a",
        [
            "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
            "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            "'example.com', regex used for validation is "
            r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ],
    ),
}


@pytest.mark.parametrize(("key", "errors"), KEY_ERRORS.values(), ids=KEY_ERRORS.keys())
def test_label_key_validation(key, errors):
    assert label_key_errors(key) == errors


def test_label_value_validation():
    assert label_value_errors("") == []
    assert label_value_errors("v" * 64) == ["must be no more than 63 characters"]
    assert label_value_errors("-x") == [VALUE_RULE]


# --- metav1.LabelSelector -------------------------------------------------------------------


def test_nil_selects_nothing_and_empty_selects_everything():
    nothing, everything = selector_from_spec(None), selector_from_spec({})
    assert not nothing.matches({}) and not nothing.empty and str(nothing) == ""
    assert everything.matches({"a": "b"}) and everything.empty and everything == Selector()


def test_match_labels_and_expressions():
    selector = selector_from_spec(
        {
            "matchLabels": {"tier": "web", "app": "shop"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "canary"]},
                {"key": "track", "operator": "NotIn", "values": ["beta"]},
                {"key": "team", "operator": "Exists"},
                {"key": "legacy", "operator": "DoesNotExist"},
            ],
        }
    )
    assert str(selector) == "app=shop,env in (canary,prod),!legacy,team,tier=web,track notin (beta)"
    labels = {"app": "shop", "tier": "web", "env": "prod", "team": "a"}
    assert selector.matches(labels)
    assert not selector.matches(labels | {"legacy": "yes"})
    assert not selector.matches(labels | {"track": "beta"})


SPEC_ERRORS = {
    "in without values": (
        {"key": "a", "operator": "In"},
        "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    ),
    "exists with values": (
        {"key": "a", "operator": "Exists", "values": ["x"]},
        'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    ),
    "unknown operator": (
        {"key": "a", "operator": "Equals"},
        '"Equals" is not a valid label selector operator',
    ),
    "bad key": (
        {"key": "a b", "operator": "Exists"},
        f'key: Invalid value: "a b": name part {NAME_RULE}',
    ),
}


@pytest.mark.parametrize(("expression", "message"), SPEC_ERRORS.values(), ids=SPEC_ERRORS.keys())
def test_label_selector_errors(expression, message):
    with pytest.raises(ValueError) as error:
        selector_from_spec({"matchExpressions": [expression]})
    assert str(error.value) == message


def test_format_label_selector_as_kubectl_wide():
    assert format_label_selector({"matchLabels": {"app": "web"}}) == "app=web"
    assert format_label_selector({}) == "<none>"
    assert (
        format_label_selector({"matchExpressions": [{"key": "a", "operator": "Bad"}]}) == "<error>"
    )


def test_doctests():
    import doctest

    import k8sedu.labels

    assert doctest.testmod(k8sedu.labels).failed == 0
