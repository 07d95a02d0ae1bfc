"""``kubectl api-resources``, ``kubectl version`` and ``kubectl config``.

Models ``pkg/cmd/apiresources/apiresources.go`` (every resource of the registry, stably sorted
by API group, in the columns NAME SHORTNAMES APIVERSION NAMESPACED KIND), ``pkg/cmd/version``
(client, Kustomize and server versions) and ``pkg/cmd/config`` (``set-context --current
--namespace`` changes the namespace later commands on this cluster use).
"""

from __future__ import annotations

import json

from k8sedu.apiserver import registry
from k8sedu.errors import KubectlError
from k8sedu.kubectl import table
from k8sedu.kubectl.commands import raw
from k8sedu.kubectl.commands._common import CONTEXT, Invocation, set_current_namespace
from k8sedu.kubectl.parser import Command, Flag

CLIENT_VERSION = "v1.34.0"
KUSTOMIZE_VERSION = "v5.7.1"
SERVER_VERSION = "v1.34.0"


def run_api_resources(inv: Invocation) -> None:
    # kubectl sorts by group (stably); discovery lists a group's resources alphabetically
    resources = sorted(registry.RESOURCES, key=lambda r: (r.group, r.plural))
    if "namespaced" in inv.changed:
        resources = [r for r in resources if r.namespaced == inv.flags["namespaced"]]
    if inv.flags["output"] == "name":
        inv.out("".join(f"{r.plural}{'.' + r.group if r.group else ''}\n" for r in resources))
        return
    lines = ["NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND"]
    for r in resources:
        lines.append(
            f"{r.plural}\t{','.join(r.short_names)}\t{r.api_version}\t{str(r.namespaced).lower()}\t{r.kind}"
        )
    writer = table.TabWriter()
    writer.write("".join(line + "\n" for line in lines))
    inv.out(writer.flush())


def run_version(inv: Invocation) -> None:
    inv.out(f"Client Version: {CLIENT_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n")
    if inv.flags["client"]:
        return
    # the discovery client's GET /version, answered by the API server the request reaches
    status, content_type, body = raw.get(inv, "/version")
    if status >= 300:
        raise raw.response_error(status, content_type, body)
    inv.out(f"Server Version: {json.loads(body)['gitVersion']}\n")


def run_set_context(inv: Invocation) -> None:
    if not inv.flags["current"] and not inv.args:
        raise KubectlError("error: you must specify a non-empty context name or --current")
    if inv.args and inv.args[0] != CONTEXT:
        raise KubectlError(f'error: k8sedu has one context, "{CONTEXT}"')
    if "namespace" in inv.changed:
        set_current_namespace(inv.cluster, inv.flags["namespace"])
    inv.out(f'Context "{CONTEXT}" modified.\n')


def run_current_context(inv: Invocation) -> None:
    inv.out(CONTEXT + "\n")


COMMANDS = (
    Command(
        "api-resources",
        run_api_resources,
        short="Print the supported API resources on the server",
        usage="api-resources [flags]",
        flags=(
            Flag("namespaced", help="If false, non-namespaced resources will be returned."),
            Flag("output", "o", "string", help="Output format. One of: (wide, name)."),
        ),
    ),
    Command(
        "version",
        run_version,
        short="Print the client and server version information",
        usage="version [flags]",
        flags=(Flag("client", help="If true, shows client version only (no server required)."),),
    ),
    Command("config", None, short="Modify kubeconfig files", usage="config SUBCOMMAND"),
    Command(
        "config set-context",
        run_set_context,
        short="Set a context entry in kubeconfig",
        usage="config set-context [NAME | --current] [--namespace=namespace]",
        flags=(Flag("current", help="Modify the current context"),),
    ),
    Command(
        "config current-context",
        run_current_context,
        short="Display the current-context",
        usage="config current-context",
    ),
)
