"""The kubectl command table: each module below defines its commands in ``COMMANDS``.

Adding a command is one small module with a ``COMMANDS`` tuple of
:class:`~k8sedu.kubectl.parser.Command` and one line in ``MODULES``.
"""

from __future__ import annotations

from k8sedu.kubectl.commands import (
    create,
    delete,
    describe_cmd,
    events,
    expose,
    get,
    info,
    label,
    node,
    run_pod,
    scale,
)
from k8sedu.kubectl.parser import Command

MODULES = (
    get,
    create,
    run_pod,
    expose,
    delete,
    describe_cmd,
    label,
    scale,
    node,
    events,
    info,
)

COMMANDS: dict[str, Command] = {c.name: c for module in MODULES for c in module.COMMANDS}

# Real kubectl commands k8sedu does not simulate (yet): named so that the error says so.
NOT_SIMULATED = (
    "alpha",
    "api-versions",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "cp",
    "debug",
    "diff",
    "drain",
    "edit",
    "exec",
    "explain",
    "kustomize",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "set",
    "top",
    "wait",
)
