"""``kubectl expose deployment|replicaset|pod|service NAME --port=80``: a Service in front of it.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/expose/expose.go``: the selector is the target's
(``spec.selector.matchLabels`` of a Deployment or ReplicaSet, a Pod's labels, a Service's
selector), the Service takes the target's labels and name, ports come from ``--port`` or from the
target's container ports (named ``port-1``, ``port-2`` … when several), ``targetPort`` defaults to
the port. Simplified: no ``--session-affinity``, ``--cluster-ip`` or ``--overrides``.
"""

from __future__ import annotations

from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag

EXPOSABLE = ("pods", "services", "deployments", "replicasets")


def _selector(res_plural: str, obj: dict) -> dict:
    if res_plural == "pods":
        return dict(obj["metadata"].get("labels") or {})
    if res_plural == "services":
        return dict(obj.get("spec", {}).get("selector") or {})
    selector = obj.get("spec", {}).get("selector") or {}
    if selector.get("matchExpressions"):
        raise KubectlError(
            f'error: couldn\'t convert expressions - "{selector["matchExpressions"]}" to map-based selector format'
        )
    return dict(selector.get("matchLabels") or {})


def _ports(res_plural: str, obj: dict) -> list[str]:
    """``PortsForObject``: the container ports of the pod template, or the Service's ports."""
    if res_plural == "services":
        return [str(p["port"]) for p in obj.get("spec", {}).get("ports", [])]
    spec = (
        obj.get("spec", {})
        if res_plural == "pods"
        else obj["spec"].get("template", {}).get("spec", {})
    )
    return [str(p["containerPort"]) for c in spec.get("containers", []) for p in c.get("ports", [])]


def service_for(res_plural: str, obj: dict, flags: dict) -> dict:
    """The Service ``kubectl expose`` sends for ``obj``."""
    ports = flags["port"].split(",") if flags["port"] else _ports(res_plural, obj)
    if not ports:
        raise KubectlError("error: couldn't find port via --port flag or introspection")
    selector = _selector(res_plural, obj)
    if flags["selector"]:
        selector = dict(pair.split("=", 1) for pair in flags["selector"].split(","))
    if not selector:
        raise KubectlError(
            "error: couldn't retrieve selectors via --selector flag or introspection"
        )
    service_ports = []
    for i, port in enumerate(ports):
        if not port.isdigit():
            raise KubectlError(f'error: strconv.Atoi: parsing "{port}": invalid syntax')
        entry = {"port": int(port), "protocol": flags["protocol"] or "TCP"}
        if len(ports) > 1:
            entry["name"] = f"port-{i + 1}"
        target = flags["target-port"] or port
        entry["targetPort"] = int(target) if target.isdigit() else target
        service_ports.append(entry)
    labels = obj["metadata"].get("labels")
    meta = {"name": flags["name"] or obj["metadata"]["name"]}
    if labels:
        meta["labels"] = dict(labels)
    spec: dict = {"ports": service_ports, "selector": selector}
    if flags["type"]:
        spec["type"] = flags["type"]
    if flags["external-ip"]:
        spec["externalIPs"] = [flags["external-ip"]]
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}


def run(inv: Invocation) -> None:
    targets = _common.parse_targets(inv.args)
    if not targets or targets[0][1] is None:
        raise KubectlError(
            "error: You must provide the resource type and name to expose (e.g. 'kubectl expose deployment nginx')"
        )
    for res, name in targets:
        if res.plural not in EXPOSABLE:
            raise KubectlError(f"error: cannot expose a {res.qualified_kind}")
        obj = inv.api.get(res.plural, name, inv.namespace)
        service = service_for(res.plural, obj, inv.flags)
        created = inv.api.create("services", service, inv.namespace)
        inv.out(f"service/{created['metadata']['name']} exposed\n")


COMMANDS = (
    Command(
        "expose",
        run,
        short="Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
        usage="expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] "
        "[--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type]",
        flags=(
            Flag("port", kind="string", help="The port that the service should serve on."),
            Flag(
                "target-port", kind="string", help="Name or number for the port on the container."
            ),
            Flag(
                "type",
                kind="string",
                help="Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName.",
            ),
            Flag("name", kind="string", help="The name for the newly created object."),
            Flag(
                "protocol",
                kind="string",
                help="The network protocol for the service to be created.",
            ),
            Flag("selector", kind="string", help="A label selector to use for this service."),
            Flag(
                "external-ip",
                kind="string",
                help="Additional external IP address to accept for the service.",
            ),
        ),
    ),
)
