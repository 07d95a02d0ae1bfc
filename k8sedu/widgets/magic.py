"""``%kubectl`` and ``%%kubectl``: kubectl in a notebook cell, against the current cluster.

    %load_ext k8sedu
    %kubectl get pods -o wide
    %%kubectl
    create deployment web --image=k8sedu/web:1.0
    get deployments

Output is shown as a terminal would: stdout, then what kubectl writes to stderr (warnings, or
the error of a failing command — without a Python traceback). The current cluster is the one
``use(cluster)`` chose (a ``ClusterDashboard`` chooses its own), else the notebook's variable
``cluster``, else the only ``Cluster`` among the notebook's variables.
The extension also shows API objects (the dicts ``cluster.api.get`` returns) as compact cards.
"""

from __future__ import annotations

import sys

from k8sedu.errors import KubectlError

_current = None


def use(cluster) -> None:
    """Make ``cluster`` the one ``%kubectl`` talks to."""
    global _current
    _current = cluster


def current_cluster(namespace: dict | None = None):
    """The cluster ``%kubectl`` talks to (see the module docstring for the order)."""
    from k8sedu.cluster import Cluster

    if _current is not None:
        return _current
    namespace = namespace or {}
    if isinstance(namespace.get("cluster"), Cluster):
        return namespace["cluster"]
    found = [v for k, v in namespace.items() if isinstance(v, Cluster) and not k.startswith("_")]
    if len({id(c) for c in found}) == 1:
        return found[0]
    if not found:
        raise LookupError("no cluster yet: create one first, e.g. cluster = k8sedu.Cluster()")
    raise LookupError(
        "several clusters in this notebook: choose one with k8sedu.widgets.magic.use(cluster)"
    )


def run(cluster, command: str) -> int:
    """Run one kubectl line and print it as a terminal would; returns the exit code."""
    try:
        out = cluster.kubectl(command)
    except KubectlError as error:
        if error.stdout:
            sys.stdout.write(error.stdout)
        print(str(error), file=sys.stderr)
        return error.exit_code
    sys.stdout.write(out)
    if out.stderr:
        print(out.stderr, file=sys.stderr)
    return 0


def kubectl(line: str, cell: str | None = None) -> None:
    """The magic: ``line`` is one command; a cell is one command per non-empty line."""
    from IPython import get_ipython

    shell = get_ipython()
    try:
        cluster = current_cluster(shell.user_ns if shell is not None else None)
    except LookupError as error:
        print(f"error: {error}", file=sys.stderr)
        return
    commands = [line] if cell is None else [line, *cell.splitlines()]
    for command in commands:
        command = command.strip()
        if command and not command.startswith("#"):
            run(cluster, command)


def load_ipython_extension(ipython) -> None:
    """``%load_ext k8sedu``: register ``%kubectl`` / ``%%kubectl`` and the API-object cards."""
    from k8sedu.widgets.repr import object_html

    ipython.register_magic_function(kubectl, magic_kind="line_cell", magic_name="kubectl")
    ipython.display_formatter.formatters["text/html"].for_type(dict, object_html)
