"""``kubectl patch deployment web -p '{"spec":{"replicas":3}}'``: send a patch to the API server.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/patch/patch.go``: the patch is JSON or YAML text,
``--type`` picks strategic (the default), merge or json, ``--subresource`` patches ``status`` or
``scale``, and the line ends in ``patched``, or ``patched (no change)`` when nothing changed.
"""

from __future__ import annotations

import yaml

from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag

TYPES = ("json", "merge", "strategic")


def run(inv: Invocation) -> None:
    text = inv.flags["patch"]
    if not text:
        raise KubectlError("error: must specify -p to patch")
    kind = inv.flags["type"]
    if kind not in TYPES:
        raise KubectlError(f'error: --type must be one of [{" ".join(TYPES)}], not "{kind}"')
    try:  # kubectl reads the patch as YAML, of which JSON is a part
        body = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise KubectlError(f'error: unable to parse "{text}": {error}') from None
    if kind == "json" and not isinstance(body, list):
        raise KubectlError("error: unable to parse the JSON patch: it must be a list of operations")
    targets = _common.parse_targets(inv.args)
    if len(targets) != 1 or targets[0][1] is None:
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    res, name = targets[0]
    sub = inv.flags["subresource"]
    if sub and sub not in res.subresources:
        raise KubectlError(
            f'error: the server does not support subresource "{sub}" for {res.plural}'
        )
    ns = _common.namespace_for(res, inv) or "default"
    resource = f"{res.plural}/{sub}" if sub else res.plural
    before = inv.api.get(res.plural, name, ns)["metadata"]["resourceVersion"]
    inv.api.patch(resource, name, body, ns, type=kind)
    after = inv.api.get(res.plural, name, ns)["metadata"]["resourceVersion"]
    inv.out(_common.object_line(res, name, "patched" if after != before else "patched (no change)"))


COMMANDS = (
    Command(
        "patch",
        run,
        short="Update fields of a resource",
        usage="patch (-f FILENAME | TYPE NAME) [-p PATCH] [--type=strategic|merge|json]",
        flags=(
            Flag("patch", "p", "string", help="The patch to be applied to the resource JSON file."),
            Flag("type", "", "string", "strategic", "The type of patch being provided."),
            Flag("subresource", "", "string", help="If specified, patch will operate on it."),
        ),
    ),
)
