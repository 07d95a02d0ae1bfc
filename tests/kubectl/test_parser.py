"""The cobra/pflag-like parser: every flag form and kubectl's exact error texts.

Expected texts: pflag ``flag.go`` (``unknown flag: --%s``, ``unknown shorthand flag: %q in -%s``,
``flag needs an argument``, ``invalid argument %q for %q flag: %v``), kubectl's FlagErrorFunc
(``%s\\nSee '%s --help' for usage.``, ``pkg/util/templates/templater.go``) and cobra's
``legacyArgs`` (``unknown command %q for %q``).
"""

from __future__ import annotations

import pytest

from k8sedu.errors import KubectlError
from k8sedu.kubectl.parser import Command, Flag, parse, parse_duration

COMMANDS = {
    "get": Command(
        "get",
        run=None,
        flags=(
            Flag("output", "o", "string"),
            Flag("watch", "w"),
            Flag("all-namespaces", "A"),
            Flag("selector", "l", "string"),
            Flag("label-columns", "L", "strings"),
        ),
    ),
    "create": Command("create", run=None, flags=(Flag("filename", "f", "strings"),)),
    "create deployment": Command(
        "create deployment",
        run=None,
        flags=(Flag("image", kind="strings"), Flag("replicas", "r", "int", default=1)),
        aliases=("deploy",),
    ),
    "delete": Command(
        "delete", run=None, flags=(Flag("timeout", kind="duration"), Flag("wait", default=True))
    ),
}


@pytest.mark.parametrize(
    "argv, output",
    [
        (["get", "pods", "-o", "json"], "json"),
        (["get", "pods", "-ojson"], "json"),
        (["get", "pods", "-o=json"], "json"),
        (["get", "pods", "--output", "json"], "json"),
        (["get", "pods", "--output=json"], "json"),
        (["get", "-o", "json", "pods"], "json"),
        (["-o", "json", "get", "pods"], "json"),
        (
            ["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"],
            "jsonpath={.items[*].metadata.name}",
        ),
    ],
    ids=[
        "space",
        "attached",
        "equals",
        "long-space",
        "long-equals",
        "before-arg",
        "before-command",
        "jsonpath",
    ],
)
def test_output_flag_forms(argv, output):
    parsed = parse(argv, COMMANDS)
    assert (parsed.command.name, parsed.args, parsed.flags["output"]) == ("get", ["pods"], output)


def test_global_namespace_anywhere_and_defaults():
    parsed = parse(["-n", "kube-system", "get", "pods"], COMMANDS)
    assert parsed.flags["namespace"] == "kube-system"
    assert parsed.flags["watch"] is False and parsed.flags["output"] == ""
    assert parse(["get", "pods", "--namespace=dev"], COMMANDS).flags["namespace"] == "dev"
    assert parse(["get", "pods", "--context", "kind-x"], COMMANDS).args == ["pods"]


def test_combined_short_booleans():
    parsed = parse(["get", "pods", "-Aw"], COMMANDS)
    assert parsed.flags["all-namespaces"] and parsed.flags["watch"]
    assert parsed.changed >= {"all-namespaces", "watch"}


def test_bool_value_needs_equals():
    assert parse(["delete", "pod", "x", "--wait=false"], COMMANDS).flags["wait"] is False
    assert parse(["delete", "pod", "x", "--wait"], COMMANDS).flags["wait"] is True


def test_double_dash_ends_flags():
    parsed = parse(
        ["create", "deployment", "web", "--image=busybox", "--", "sleep", "-x"], COMMANDS
    )
    assert parsed.command.name == "create deployment"
    assert parsed.args == ["web", "sleep", "-x"]
    assert parsed.dash_args == ["sleep", "-x"]


def test_subcommand_alias_and_repeated_slice_flag():
    parsed = parse(["create", "deploy", "web", "--image", "a", "--image=b,c", "-r", "3"], COMMANDS)
    assert parsed.command.name == "create deployment"
    assert parsed.flags["image"] == ["a", "b", "c"] and parsed.flags["replicas"] == 3


def test_parent_command_with_flags_only():
    parsed = parse(["create", "-f", "web.yaml"], COMMANDS)
    assert (parsed.command.name, parsed.args, parsed.flags["filename"]) == (
        "create",
        [],
        ["web.yaml"],
    )


@pytest.mark.parametrize(
    "argv, stderr",
    [
        (
            ["get", "pods", "--foo"],
            "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.",
        ),
        (
            ["get", "pods", "-z"],
            "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.",
        ),
        (
            ["get", "pods", "-wz"],
            "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.",
        ),
        (
            ["get", "pods", "-o"],
            "error: flag needs an argument: 'o' in -o\nSee 'kubectl get --help' for usage.",
        ),
        (
            ["get", "pods", "--output"],
            "error: flag needs an argument: --output\nSee 'kubectl get --help' for usage.",
        ),
        (
            ["get", "pods", "---x"],
            "error: bad flag syntax: ---x\nSee 'kubectl get --help' for usage.",
        ),
        (
            ["create", "deployment", "web", "--replicas=abc"],
            'error: invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: parsing "abc": '
            "invalid syntax\nSee 'kubectl create deployment --help' for usage.",
        ),
        (
            ["delete", "pod", "x", "--wait=maybe"],
            'error: invalid argument "maybe" for "--wait" flag: strconv.ParseBool: parsing "maybe": '
            "invalid syntax\nSee 'kubectl delete --help' for usage.",
        ),
        (
            ["delete", "pod", "x", "--timeout=30"],
            'error: invalid argument "30" for "--timeout" flag: time: missing unit in duration "30"'
            "\nSee 'kubectl delete --help' for usage.",
        ),
        (["foo"], 'error: unknown command "foo" for "kubectl"'),
        (
            ["gte", "pods"],
            'error: unknown command "gte" for "kubectl"\n\nDid you mean this?\n\tget\n',
        ),
    ],
    ids=[
        "unknown-long",
        "unknown-short",
        "unknown-in-combined",
        "short-needs-value",
        "long-needs-value",
        "bad-syntax",
        "bad-int",
        "bad-bool",
        "duration-without-unit",
        "unknown-command",
        "suggestion",
    ],
)
def test_errors(argv, stderr):
    with pytest.raises(KubectlError) as caught:
        parse(argv, COMMANDS)
    assert str(caught.value) == stderr
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    "text, seconds",
    [("0", 0.0), ("30s", 30.0), ("1m30s", 90.0), ("1.5h", 5400.0), ("500ms", 0.5)],
    ids=["zero", "seconds", "minutes-seconds", "fraction", "millis"],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)
