"""``kubectl describe TYPE [NAME | -l label]``: the client-side description with its Events.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/describe/describe.go``: objects by name, by
selector, or every object of the type (a name prefix also matches, as kubectl's does), each
described by ``k8sedu.kubectl.describe`` with what that describer reads from other objects
(a Deployment's ReplicaSets, a Node's pods and Lease, a Service's EndpointSlices), two blank lines
between objects.
"""

from __future__ import annotations

from k8sedu.apiserver.registry import Resource
from k8sedu.errors import APIError, KubectlError
from k8sedu.kubectl import describe as describer
from k8sedu.kubectl import table
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag


def related(api, res: Resource, obj: dict) -> dict:
    """What the describer of ``res`` needs from other objects (see ``k8sedu.kubectl.describe``)."""
    ns = obj["metadata"].get("namespace")
    name = obj["metadata"]["name"]
    if res.plural == "replicasets":
        return {"pods": api.list("pods", namespace=ns)}
    if res.plural == "deployments":
        return {"replicasets": api.list("replicasets", namespace=ns)}
    if res.plural == "nodes":
        leases = api.list(
            "leases", namespace="kube-node-lease", field_selector=f"metadata.name={name}"
        )
        pods = api.list("pods", field_selector=f"spec.nodeName={name}")
        return {"pods": pods, "lease": leases[0] if leases else None}
    if res.plural == "services":
        selector = f"kubernetes.io/service-name={name}"
        return {"endpointslices": api.list("endpointslices", namespace=ns, label_selector=selector)}
    if res.plural == "namespaces":
        return {
            "resourcequotas": api.list("resourcequotas", namespace=name),
            "limitranges": api.list("limitranges", namespace=name),
        }
    return {}


def _objects(inv: Invocation, res: Resource, name: str | None) -> list[dict]:
    ns = _common.namespace_for(res, inv)
    if name is None:
        return list(
            inv.api.list(
                res.plural,
                namespace=None if inv.all_namespaces else ns,
                label_selector=inv.flags["selector"] or None,
            )
        )
    try:
        return [inv.api.get(res.plural, name, ns or "default")]
    except APIError as error:
        if error.code != 404:
            raise
        # kubectl describe falls back to every object whose name starts with NAME
        matches = [
            o
            for o in inv.api.list(res.plural, namespace=ns)
            if o["metadata"]["name"].startswith(name)
        ]
        if not matches:
            raise
        return matches


def run(inv: Invocation) -> None:
    if not inv.args:
        raise KubectlError(
            'You must specify the type of resource to describe. Use "kubectl api-resources" for a '
            "complete list of supported resources.\n\nerror: Required resource not specified.\n"
            "See 'kubectl describe -h' for help and examples"
        )
    texts = []
    for res, name in _common.parse_targets(inv.args):
        try:
            objs = _objects(inv, res, name)
        except APIError as error:
            inv.errors.append(error)
            continue
        events = inv.api.list("events") if inv.flags["show-events"] else []
        for obj in objs:
            texts.append(
                describer.describe(
                    res.plural,
                    obj,
                    now=inv.cluster.now,
                    events=events,
                    related=related(inv.api, res, obj),
                    show_events=inv.flags["show-events"],
                )
            )
    if not texts and not inv.errors:
        namespaced = any(res.namespaced for res, _ in _common.parse_targets(inv.args))
        message = table.no_resources_message(
            inv.namespace if namespaced else None, inv.all_namespaces
        )
        inv.err(message.rstrip("\n"))
    inv.out("\n\n".join(texts))


COMMANDS = (
    Command(
        "describe",
        run,
        short="Show details of a specific resource or group of resources",
        usage="describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
        flags=(
            Flag("selector", "l", "string", help="Selector (label query) to filter on"),
            Flag(
                "all-namespaces",
                "A",
                help="If present, list the requested object(s) across all namespaces.",
            ),
            Flag(
                "show-events",
                default=True,
                help="If true, display events related to the described object.",
            ),
        ),
    ),
)
