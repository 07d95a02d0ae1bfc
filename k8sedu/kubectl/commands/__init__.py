"""The kubectl command table: each module below defines its commands in ``COMMANDS``.

Adding a command is one small module with a ``COMMANDS`` tuple of
:class:`~k8sedu.kubectl.parser.Command` and one line in ``MODULES``.
"""

from __future__ import annotations

from k8sedu.kubectl.commands import (
    autoscale,
    create,
    create_pdb,
    create_service,
    delete,
    describe_cmd,
    drain,
    events,
    exec_cmd,
    expose,
    get,
    info,
    label,
    logs,
    node,
    patch,
    rollout,
    run_pod,
    scale,
    set_image,
    top,
)
from k8sedu.kubectl.parser import Command

MODULES = (
    get,
    create,
    create_service,
    create_pdb,
    run_pod,
    expose,
    delete,
    describe_cmd,
    label,
    patch,
    scale,
    autoscale,
    rollout,
    set_image,
    node,
    drain,
    events,
    info,
    logs,
    exec_cmd,
    top,
)

COMMANDS: dict[str, Command] = {c.name: c for module in MODULES for c in module.COMMANDS}

# Real kubectl commands k8sedu does not simulate (yet): named so that the error says so.
NOT_SIMULATED = (
    "alpha",
    "api-versions",
    "attach",
    "auth",
    "certificate",
    "cluster-info",
    "completion",
    "cp",
    "debug",
    "diff",
    "edit",
    "explain",
    "kustomize",
    "options",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "wait",
)
