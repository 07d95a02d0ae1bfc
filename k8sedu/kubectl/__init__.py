"""kubectl: the command-line client, as kubectl parses, asks and prints.

``run(cluster, "get pods -o wide")`` returns what kubectl writes to stdout, as a ``str`` with
``.stderr`` and ``.exit_code``; a failing command raises :class:`~k8sedu.errors.KubectlError`
whose ``str()`` is what kubectl writes to stderr (and whose ``stdout`` keeps what it printed
before failing), exit code 1. Warnings go to ``.stderr``, never into the returned text. The
commands live in ``k8sedu.kubectl.commands``, one small module per family; the parser is cobra's
and pflag's (``k8sedu.kubectl.parser``). Only the commands that block on a real cluster
(``delete`` waiting, ``get -w``) move the simulated clock.
"""

from __future__ import annotations

import itertools
import shlex

from k8sedu.apiserver.registry import BY_PLURAL
from k8sedu.errors import APIError, ConnectionRefused, KubectlError
from k8sedu.kubectl import parser
from k8sedu.kubectl.commands import COMMANDS, NOT_SIMULATED
from k8sedu.kubectl.commands._common import Invocation, errors_text

__all__ = ["Output", "run"]


class Output(str):
    """kubectl's stdout, with the stderr it wrote beside it and its exit code."""

    stderr: str = ""
    exit_code: int = 0

    def __new__(cls, stdout: str, stderr: str = "", exit_code: int = 0) -> Output:
        text = super().__new__(cls, stdout)
        text.stderr = stderr
        text.exit_code = exit_code
        return text


def run(cluster, command: str | list[str]) -> Output:
    """Run one kubectl command line (with or without the leading ``kubectl``) on ``cluster``."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv and argv[0] == "kubectl":
        argv = argv[1:]
    inv = Invocation(cluster, {}, [])
    requests_before = cluster.trace.total
    try:
        _dispatch(inv, argv)
    except (APIError, ConnectionRefused, KubectlError) as error:
        inv.errors.append(error)
    inv.stderr[:0] = _warnings(cluster, requests_before)
    stdout = "".join(inv.stdout)
    if inv.errors:
        stderr = "\n".join([*inv.stderr, errors_text(inv.errors)])
        # one failure keeps its own exit code (`kubectl exec … -- false` exits 1, `cat /nope` 1…)
        code = getattr(inv.errors[0], "exit_code", 1) if len(inv.errors) == 1 else 1
        raise KubectlError(stderr, code, stdout)
    return Output(stdout, "\n".join(inv.stderr), 0)


def _dispatch(inv: Invocation, argv: list[str]) -> None:
    words = [w for w in argv if not w.startswith("-")]
    if words and words[0] in NOT_SIMULATED and words[0] not in COMMANDS:
        raise KubectlError(f'error: k8sedu does not simulate "kubectl {words[0]}" yet')
    parsed = parser.parse(argv, COMMANDS)
    command = parsed.command
    inv.flags, inv.args, inv.path = parsed.flags, parsed.args, command.name
    inv.dash_args, inv.changed = parsed.dash_args, parsed.changed
    if parsed.flags["help"] or command.run is None:
        inv.out(help_text(command))
        return
    missing = [name for name in command.required if name not in parsed.changed]
    if missing:
        raise KubectlError(
            "error: required flag(s) " + ", ".join(f'"{m}"' for m in missing) + " not set"
        )
    command.run(inv)


def help_text(command: parser.Command) -> str:
    """A short ``--help``: what the command does, its usage, its subcommands and its flags."""
    if not command.name:
        lines = [
            "kubectl controls the Kubernetes cluster manager (simulated by k8sedu).",
            "",
            "Commands:",
        ]
        lines += [f"  {name:<16} {c.short}" for name, c in COMMANDS.items() if " " not in name]
        lines += ["", "Usage:", "  kubectl [flags] [options]"]
        return "\n".join(lines) + "\n"
    lines = [command.short or command.name, ""]
    subcommands = [c for name, c in COMMANDS.items() if name.startswith(command.name + " ")]
    if subcommands:
        lines += ["Available Commands:"]
        lines += [f"  {c.name.split()[-1]:<20} {c.short}" for c in subcommands]
        lines += [""]
    if command.flags:
        lines += ["Options:"]
        for flag in command.flags:
            short = f"-{flag.short}, " if flag.short else "    "
            lines.append(f"    {short}--{flag.name}: {flag.help}")
        lines += [""]
    lines += ["Usage:", f"  kubectl {command.usage or command.name} [options]"]
    return "\n".join(lines) + "\n"


def _warnings(cluster, since: int) -> list[str]:
    """``Warning: …`` for each deprecation warning the API server sent with kubectl's requests
    since trace record ``since``, once each (kubectl's default warning handler deduplicates)."""
    trace, user = cluster.trace, cluster.api.component
    new = itertools.islice(reversed(trace.records), min(trace.total - since, len(trace)))
    found = []
    for record in reversed(list(new)):
        res = BY_PLURAL.get(record.resource.partition("/")[0])
        if record.component == user and res is not None and res.warning:
            found.append(f"Warning: {res.warning}")
    return list(dict.fromkeys(found))
