"""kubectl's command line: cobra finds the command, pflag parses the flags.

Models ``spf13/cobra`` (``Command.Find`` with ``stripFlags``, ``legacyArgs``) and ``spf13/pflag``
(``parseArgs``, ``parseLongArg``, ``parseSingleShortArg``) as kubectl configures them: flags may
stand anywhere, ``-ojson``, ``-o=json``, ``-o json`` and ``--output=json`` are the same, combined
short booleans (``-Aw``), ``--`` ends the flags. Error texts are pflag's, wrapped as kubectl's
``FlagErrorFunc`` wraps them (``pkg/util/templates/templater.go``) and printed after ``error: ``.
Simplified: only the global flags a learner types (``-n``, ``--context`` and the connection
flags, which are accepted and ignored) exist.

>>> COMMANDS = {"get": Command("get", run=None, flags=(Flag("output", "o", "string"),))}
>>> parsed = parse(["get", "pods", "-ojson", "-n", "kube-system"], COMMANDS)
>>> parsed.command.name, parsed.args, parsed.flags["output"], parsed.flags["namespace"]
('get', ['pods'], 'json', 'kube-system')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from k8sedu.errors import KubectlError


@dataclass(frozen=True)
class Flag:
    """One pflag flag. ``kind`` is ``bool``, ``string``, ``int``, ``duration`` (Go's
    ``time.ParseDuration``, kept as seconds), ``strings`` (repeatable, comma-separated: pflag's
    StringSlice) or ``array`` (repeatable, taken whole: StringArray)."""

    name: str
    short: str = ""
    kind: str = "bool"
    default: Any = None
    help: str = ""

    def initial(self) -> Any:
        if self.default is not None:
            return list(self.default) if self.kind in ("strings", "array") else self.default
        return {"bool": False, "string": "", "int": 0, "duration": 0.0}.get(self.kind, [])


@dataclass(frozen=True)
class Command:
    """A kubectl command: its path (``create deployment``), its runner and its own flags.
    ``run`` is None for a group that only has subcommands (``create`` without ``-f`` does)."""

    name: str
    run: Callable | None
    short: str = ""
    usage: str = ""
    flags: tuple[Flag, ...] = ()
    required: tuple[str, ...] = ()  # cobra's MarkFlagRequired
    aliases: tuple[str, ...] = ()  # other names of the last word (``deploy`` for ``deployment``)


# kubectl's persistent flags (genericclioptions.ConfigFlags), minus the ones nobody types here.
GLOBAL_FLAGS: tuple[Flag, ...] = (
    Flag("namespace", "n", "string", help="If present, the namespace scope for this CLI request"),
    Flag("context", kind="string", help="The name of the kubeconfig context to use (ignored)"),
    Flag("cluster", kind="string", help="The name of the kubeconfig cluster to use (ignored)"),
    Flag("user", kind="string", help="The name of the kubeconfig user to use (ignored)"),
    Flag("kubeconfig", kind="string", help="Path to the kubeconfig file (ignored)"),
    Flag("request-timeout", kind="string", default="0", help="Ignored: requests are instant"),
    Flag("help", "h", help="help for this command"),
)


@dataclass
class Parsed:
    command: Command
    flags: dict[str, Any]
    args: list[str]
    dash_args: list[str] = field(default_factory=list)  # what followed ``--``
    changed: set[str] = field(default_factory=set)  # flags the user set (pflag's Changed)


def parse(argv: list[str], commands: dict[str, Command]) -> Parsed:
    """Find the command and parse its flags; raises :class:`KubectlError` as kubectl fails."""
    path = find(argv, commands)
    command = commands.get(path) or Command(path, run=None)
    flags = GLOBAL_FLAGS + command.flags
    parsed = Parsed(command, {f.name: f.initial() for f in flags}, [])
    try:
        positional = _parse_flags(argv, flags, parsed)
    except _FlagError as e:
        where = f"kubectl {path}" if path else "kubectl"
        raise KubectlError(f"error: {e}\nSee '{where} --help' for usage.") from None
    # the command's own words come first among the positional arguments
    parsed.args = positional[len(path.split()) if path else 0 :]
    return parsed


def find(argv: list[str], commands: dict[str, Command]) -> str:
    """cobra's ``Find``: descend through sub-commands named by the non-flag words."""
    path = ""
    words = argv
    while True:
        known = GLOBAL_FLAGS + (commands[path].flags if path in commands else ())
        stripped = _strip_flags(words, known)
        if not stripped:
            return path
        candidate = _resolve(f"{path} {stripped[0]}".strip(), commands)
        if candidate is None:
            if not path:
                raise KubectlError(
                    f'error: unknown command "{stripped[0]}" for "kubectl"{_suggest(stripped[0], commands)}'
                )
            return path
        path = candidate
        index = words.index(stripped[0])
        words = words[:index] + words[index + 1 :]


def _resolve(path: str, commands: dict[str, Command]) -> str | None:
    if path in commands:
        return path
    head, _, last = path.rpartition(" ")
    for name, command in commands.items():
        if last in command.aliases and name.rpartition(" ")[0] == head:
            return name
    return None


def _strip_flags(args: list[str], flags: tuple[Flag, ...]) -> list[str]:
    """cobra's ``stripFlags``: the non-flag words, skipping the value of ``--flag value``."""
    bools = {f.name for f in flags if f.kind == "bool"}
    short_bools = {f.short for f in flags if f.kind == "bool" and f.short}
    words: list[str] = []
    rest = list(args)
    while rest:
        s = rest.pop(0)
        if s == "--":
            break
        takes_value = (s.startswith("--") and "=" not in s and s[2:] not in bools) or (
            s.startswith("-") and not s.startswith("--") and len(s) == 2 and s[1] not in short_bools
        )
        if takes_value:
            if len(rest) <= 1:
                break
            rest.pop(0)
        elif s and not s.startswith("-"):
            words.append(s)
    return words


def _suggest(typed: str, commands: dict[str, Command]) -> str:
    """cobra's ``findSuggestions``: names within Levenshtein distance 2, or with the prefix."""
    names = sorted({name.split()[0] for name in commands})
    close = [
        n for n in names if _distance(typed.lower(), n.lower()) <= 2 or n.startswith(typed.lower())
    ]
    if not close:
        return ""
    return "\n\nDid you mean this?\n" + "".join(f"\t{n}\n" for n in close)


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


class _FlagError(Exception):
    pass


def _parse_flags(argv: list[str], flags: tuple[Flag, ...], parsed: Parsed) -> list[str]:
    """pflag's ``parseArgs`` with interspersed flags; returns the positional arguments."""
    by_name = {f.name: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    positional: list[str] = []
    args = list(argv)
    while args:
        s = args.pop(0)
        if len(s) < 2 or s[0] != "-":
            positional.append(s)
        elif s == "--":
            parsed.dash_args = list(args)
            positional.extend(args)
            break
        elif s.startswith("--"):
            args = _long(s, args, by_name, parsed)
        else:
            shorts = s[1:]
            while shorts:
                shorts, args = _short(shorts, args, by_short, parsed)
    return positional


def _long(s: str, args: list[str], by_name: dict[str, Flag], parsed: Parsed) -> list[str]:
    name = s[2:]
    if not name or name[0] in "-=":
        raise _FlagError(f"bad flag syntax: {s}")
    name, has_value, value = name.partition("=")
    flag = by_name.get(name.replace("_", "-"))
    if flag is None:
        raise _FlagError(f"unknown flag: --{name}")
    if not has_value:
        if flag.kind == "bool":
            value = "true"
        elif args:
            value = args.pop(0)
        else:
            raise _FlagError(f"flag needs an argument: {s}")
    _set(flag, value, parsed)
    return args


def _short(shorts: str, args: list[str], by_short: dict[str, Flag], parsed: Parsed):
    c, rest = shorts[0], shorts[1:]
    flag = by_short.get(c)
    if flag is None:
        raise _FlagError(f"unknown shorthand flag: '{c}' in -{shorts}")
    if len(shorts) > 2 and shorts[1] == "=":
        value, rest = shorts[2:], ""
    elif flag.kind == "bool":
        value = "true"
    elif rest:
        value, rest = rest, ""
    elif args:
        value = args.pop(0)
    else:
        raise _FlagError(f"flag needs an argument: '{c}' in -{shorts}")
    _set(flag, value, parsed)
    return rest, args


def _set(flag: Flag, value: str, parsed: Parsed) -> None:
    try:
        converted = _convert(flag.kind, value)
    except ValueError as e:
        shown = f"-{flag.short}, --{flag.name}" if flag.short else f"--{flag.name}"
        raise _FlagError(f'invalid argument "{value}" for "{shown}" flag: {e}') from None
    if flag.kind in ("strings", "array"):
        # a repeated slice flag appends; its first use replaces the default
        previous = parsed.flags[flag.name] if flag.name in parsed.changed else []
        converted = previous + converted
    parsed.flags[flag.name] = converted
    parsed.changed.add(flag.name)


_GO_BOOLS = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}


def _convert(kind: str, value: str) -> Any:
    if kind == "bool":
        if value not in _GO_BOOLS:
            raise ValueError(f'strconv.ParseBool: parsing "{value}": invalid syntax')
        return _GO_BOOLS[value]
    if kind == "int":
        if not re.fullmatch(r"[-+]?[0-9]+", value):
            raise ValueError(f'strconv.ParseInt: parsing "{value}": invalid syntax')
        return int(value)
    if kind == "duration":
        return parse_duration(value)
    if kind == "strings":
        return value.split(",") if value else []
    if kind == "array":
        return [value]
    return value


_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)?")


def parse_duration(text: str) -> float:
    """Go's ``time.ParseDuration`` in seconds: ``30s``, ``1m30s``, ``0``; ``30`` has no unit."""
    body = text.lstrip("+-")
    if body == "0":
        return 0.0
    total, pos = 0.0, 0
    if not body:
        raise ValueError(f'time: invalid duration "{text}"')
    while pos < len(body):
        match = _DURATION_PART.match(body, pos)
        if match is None:
            raise ValueError(f'time: invalid duration "{text}"')
        if match.group(2) is None:
            raise ValueError(f'time: missing unit in duration "{text}"')
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    return -total if text.startswith("-") else total
