"""``kubectl create service clusterip|nodeport|loadbalancer|externalname NAME``.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/create/create_service.go``: the Service is labelled
``app: NAME`` and selects ``app: NAME`` (a Deployment made by ``kubectl create deployment NAME``
carries that label); each ``--tcp=port[:targetPort]`` becomes a TCP port named after the pair
(``80:8080`` → ``80-8080``), every port gets ``--node-port``; ``--clusterip=None`` makes a headless
Service, which needs no port. The server picks the cluster IP and node ports.
"""

from __future__ import annotations

import re

from k8sedu.apiserver.validation.fields import (
    is_dns1123_subdomain,
    is_valid_port_name,
    is_valid_port_num,
)
from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _create
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag

# the subcommand → the Service type it makes
TYPES = {
    "clusterip": "ClusterIP",
    "nodeport": "NodePort",
    "loadbalancer": "LoadBalancer",
    "externalname": "ExternalName",
}


def parse_port(text: str) -> tuple[int, int | str]:
    """``parsePorts``: ``80`` → (80, 80), ``80:8080`` → (80, 8080), ``80:http`` → (80, "http").

    >>> parse_port("5678:8080"), parse_port("443:https"), parse_port("80")
    ((5678, 8080), (443, 'https'), (80, 80))
    """
    parts = text.split(":")
    # utilsnet.ParsePort(…, allowZero=true) is strconv.ParseUint(port, 10, 16)
    if not parts[0].isdigit():
        raise KubectlError(f'error: strconv.ParseUint: parsing "{parts[0]}": invalid syntax')
    port = int(parts[0])
    if port > 65535:
        raise KubectlError(f'error: strconv.ParseUint: parsing "{parts[0]}": value out of range')
    if len(parts) == 1:
        return port, port
    target = parts[1]
    if re.fullmatch(r"[+-]?[0-9]+", target):  # strconv.Atoi
        problems = is_valid_port_num(int(target))
        value: int | str = int(target)
    else:
        problems = is_valid_port_name(target)
        value = target
    if problems:
        raise KubectlError("error: " + ",".join(problems))
    return port, value


def service_for(inv: Invocation, name: str, service_type: str) -> dict:
    """``createService``: the Service the generator sends (after ``Validate``)."""
    tcp, cluster_ip = inv.flags["tcp"], inv.flags.get("clusterip", "")
    external_name = inv.flags.get("external-name", "")
    if cluster_ip != "None" and not tcp and service_type != "ExternalName":
        raise KubectlError("error: at least one tcp port specifier must be provided")
    if service_type == "ExternalName" and is_dns1123_subdomain(external_name):
        raise KubectlError(f"error: invalid service external name {external_name}")
    ports = []
    for pair in tcp:
        port, target = parse_port(pair)
        entry = {"name": pair.replace(":", "-"), "port": port, "protocol": "TCP"}
        entry["targetPort"] = target
        if inv.flags.get("node-port"):  # an int32 with omitempty: 0 is not sent
            entry["nodePort"] = inv.flags["node-port"]
        ports.append(entry)
    spec: dict = {"selector": {"app": name}, "type": service_type}
    if ports:
        spec["ports"] = ports
    if external_name:
        spec["externalName"] = external_name
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    metadata = _create.metadata(inv, name)
    metadata["labels"] = {"app": name}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def run(inv: Invocation) -> None:
    name = _create.name_from_args(inv)
    _create.check_flags(inv)
    service_type = TYPES[inv.path.split()[-1]]
    service = service_for(inv, name, service_type)
    _create.create(inv, "services", service, f"failed to create {service_type} service")


TCP = Flag("tcp", kind="strings", help="Port pairs can be specified as '<port>:<targetPort>'.")


def _command(kind: str, usage: str, short: str, *flags: Flag, required=()) -> Command:
    return Command(
        f"create service {kind}",
        run,
        short=short,
        usage=f"create service {kind} NAME {usage} [--dry-run=server|client|none]",
        flags=(*_create.FLAGS, *flags),
        required=required,
    )


COMMANDS = (
    Command(
        "create service",
        None,
        short="Create a service using a specified subcommand",
        usage="create service [flags]",
        aliases=("svc",),
    ),
    _command(
        "clusterip",
        "[--tcp=<port>:<targetPort>]",
        "Create a ClusterIP service",
        TCP,
        Flag(
            "clusterip",
            kind="string",
            help="Assign your own ClusterIP or set to 'None' for a 'headless' service "
            "(no loadbalancing).",
        ),
    ),
    _command(
        "nodeport",
        "[--tcp=port:targetPort]",
        "Create a NodePort service",
        TCP,
        Flag(
            "node-port",
            kind="int",
            help="Port used to expose the service on each node in a cluster.",
        ),
    ),
    _command("loadbalancer", "[--tcp=port:targetPort]", "Create a LoadBalancer service", TCP),
    _command(
        "externalname",
        "--external-name external.name",
        "Create an ExternalName service",
        TCP,
        Flag("external-name", kind="string", help="External name of service"),
        required=("external-name",),
    ),
)
