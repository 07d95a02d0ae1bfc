"""``kubectl scale deployment web --replicas=3``: write the ``scale`` subresource.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/scale/scale.go``: a merge patch of
``{"spec":{"replicas":N}}`` on ``<resource>/scale``, with ``--current-replicas`` as a
precondition. The controllers then do the work when the cluster runs; scale moves no clock.
"""

from __future__ import annotations

from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag


def run(inv: Invocation) -> None:
    replicas = inv.flags["replicas"]
    if replicas < 0:
        raise KubectlError(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    targets = _common.parse_targets(inv.args)
    if not targets:
        raise KubectlError("error: You must provide one or more resources by argument or filename.")
    for res, name in targets:
        if name is None:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
        if "scale" not in res.subresources:
            raise KubectlError(
                f'error: no scale subresource for "{res.plural}": {res.plural} "{name}" cannot be scaled'
            )
        ns = _common.namespace_for(res, inv)
        current = inv.flags["current-replicas"]
        if current >= 0:
            scale = inv.api.get(f"{res.plural}/scale", name, ns or "default")
            if scale["spec"].get("replicas", 0) != current:
                raise KubectlError(
                    f"error: Expected replicas to be {current}, was {scale['spec'].get('replicas', 0)}"
                )
        inv.api.patch(
            f"{res.plural}/scale",
            name,
            {"spec": {"replicas": replicas}},
            ns or "default",
            type="merge",
        )
        inv.out(_common.object_line(res, name, "scaled"))


COMMANDS = (
    Command(
        "scale",
        run,
        short="Set a new size for a deployment, replica set, replication controller, or stateful set",
        usage="scale [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)",
        flags=(
            Flag(
                "replicas",
                kind="int",
                default=-1,
                help="The new desired number of replicas. Required.",
            ),
            Flag("current-replicas", kind="int", default=-1, help="Precondition for current size."),
        ),
        required=("replicas",),
    ),
)
