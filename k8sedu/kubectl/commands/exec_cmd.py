"""``kubectl exec POD [-c CONTAINER] -- COMMAND [ARGS...]``: run a command in a container.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go``. A simulated container has only a few
commands: ``env``, ``hostname``, ``cat`` of the files the kubelet writes (``/etc/hosts``,
``/etc/resolv.conf``, ``/etc/hostname``, the service-account namespace), ``nslookup NAME`` and
``curl URL`` / ``wget -qO- URL``; ``sh -c "…"`` runs one of those. Anything else fails as
containerd does (``executable file not found in $PATH``). A command's non-zero exit is
kubectl's exit code, with ``command terminated with exit code N`` on stderr.

``nslookup``, ``curl`` and ``wget`` go through cluster DNS and the node's kube-proxy rules
(``k8sedu/proxy/shell.py``).
"""

from __future__ import annotations

import shlex

from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.commands.logs import find_pod, kubelet_slot, pick_container
from k8sedu.kubectl.parser import Command, Flag
from k8sedu.proxy import shell

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DNS_IP = "10.96.0.10"
FIELD_REFS = {
    "metadata.name": lambda pod: pod["metadata"]["name"],
    "metadata.namespace": lambda pod: pod["metadata"]["namespace"],
    "spec.nodeName": lambda pod: pod["spec"].get("nodeName", ""),
    "spec.serviceAccountName": lambda pod: pod["spec"].get("serviceAccountName", ""),
    "status.podIP": lambda pod: pod.get("status", {}).get("podIP", ""),
    "status.hostIP": lambda pod: pod.get("status", {}).get("hostIP", ""),
}


def _service_env(inv: Invocation, pod: dict) -> list[str]:
    """Docker-link-style variables for every Service of the namespace (enableServiceLinks)."""
    services = list(inv.api.list("services", namespace=pod["metadata"]["namespace"]))
    if pod["metadata"]["namespace"] != "default":  # the API server's Service is always linked
        services += [
            s
            for s in inv.api.list("services", namespace="default")
            if s["metadata"]["name"] == "kubernetes"
        ]
    env = []
    for svc in services:
        ip = svc["spec"].get("clusterIP")
        ports = svc["spec"].get("ports") or []
        if not ip or ip == "None" or not ports:
            continue
        name = svc["metadata"]["name"].upper().replace("-", "_")
        first = ports[0]
        env += [f"{name}_SERVICE_HOST={ip}", f"{name}_SERVICE_PORT={first['port']}"]
        for p in ports:
            if p.get("name"):
                env.append(f"{name}_SERVICE_PORT_{p['name'].upper().replace('-', '_')}={p['port']}")
        proto = first.get("protocol", "TCP").lower()
        env.append(f"{name}_PORT={proto}://{ip}:{first['port']}")
        for p in ports:
            proto = p.get("protocol", "TCP")
            prefix = f"{name}_PORT_{p['port']}_{proto}"
            env += [
                f"{prefix}={proto.lower()}://{ip}:{p['port']}",
                f"{prefix}_PROTO={proto.lower()}",
                f"{prefix}_PORT={p['port']}",
                f"{prefix}_ADDR={ip}",
            ]
    return sorted(env)


def _env(inv: Invocation, pod: dict, spec: dict) -> str:
    lines = [f"PATH={PATH}", f"HOSTNAME={pod['spec'].get('hostname') or pod['metadata']['name']}"]
    for e in spec.get("env") or []:
        ref = ((e.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
        value = FIELD_REFS[ref](pod) if ref in FIELD_REFS else e.get("value", "")
        lines.append(f"{e['name']}={value}")
    lines += _service_env(inv, pod)
    lines.append("HOME=/root")
    return "\n".join(lines) + "\n"


def _files(pod: dict) -> dict[str, str]:
    meta, status = pod["metadata"], pod.get("status") or {}
    name = pod["spec"].get("hostname") or meta["name"]
    ns = meta["namespace"]
    hosts = (
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
        "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
        "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
        f"{status.get('podIP', '')}\t{name}\n"
    )
    resolv = (
        f"search {ns}.svc.cluster.local svc.cluster.local cluster.local\n"
        f"nameserver {DNS_IP}\noptions ndots:5\n"
    )
    return {
        "/etc/hostname": f"{name}\n",
        "/etc/hosts": hosts,
        "/etc/resolv.conf": resolv,
        "/var/run/secrets/kubernetes.io/serviceaccount/namespace": ns,
    }


def execute(inv: Invocation, pod: dict, spec: dict, run, argv: list[str]) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) of ``argv`` in the container."""
    command = argv[0].rsplit("/", 1)[-1]
    if command == "sh" and len(argv) == 3 and argv[1] == "-c":
        return execute(inv, pod, spec, run, shlex.split(argv[2]))
    if command == "env":
        return _env(inv, pod, spec), "", 0
    if command == "hostname":
        return (pod["spec"].get("hostname") or pod["metadata"]["name"]) + "\n", "", 0
    if command == "cat":
        files, out, err = _files(pod), "", ""
        for path in argv[1:]:
            if path in files:
                out += files[path]
            else:
                err += f"cat: can't open '{path}': No such file or directory\n"
        return out, err, 1 if err else 0
    if command in ("nslookup", "curl", "wget"):
        return shell.run(inv.cluster, pod, argv)
    raise KubectlError(
        "error: Internal error occurred: error executing command in container: failed to exec in "
        f'container: failed to start exec "{run.id}": OCI runtime exec failed: exec failed: '
        f'unable to start container process: exec: "{argv[0]}": executable file not found in '
        "$PATH: unknown"
    )


def run(inv: Invocation) -> None:
    before_dash = inv.args[: len(inv.args) - len(inv.dash_args)]
    if not before_dash:
        raise KubectlError("error: pod, type/name or --filename must be specified")
    if len(before_dash) > 1:
        raise KubectlError(
            "error: exec [POD] [COMMAND] is not supported anymore. "
            "Use exec [POD] -- [COMMAND] instead"
        )
    if not inv.dash_args:
        raise KubectlError("error: you must specify at least one command for the container")
    pod = find_pod(inv, before_dash[0])
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(
            f"error: cannot exec into a container in a completed pod; current phase is {phase}"
        )
    container = pick_container(inv, pod)
    _, slot = kubelet_slot(inv, pod, container)
    if slot.current is None or not slot.current.running:
        raise KubectlError(
            f'error: unable to upgrade connection: container not found ("{container}")'
        )
    out, err, code = execute(inv, pod, slot.spec, slot.current, list(inv.dash_args))
    inv.out(out)
    if code:
        raise KubectlError(err + f"command terminated with exit code {code}", code, out)
    if err:
        inv.err(err.rstrip("\n"))


COMMANDS = (
    Command(
        "exec",
        run,
        short="Execute a command in a container",
        usage="exec (POD | TYPE/NAME) [-c CONTAINER] -- COMMAND [args...]",
        flags=(
            Flag("container", "c", "string", help="Container name."),
            Flag("stdin", "i", help="Pass stdin to the container (ignored)"),
            Flag("tty", "t", help="Stdin is a TTY (ignored)"),
            Flag("quiet", "q", help="Only print output from the remote session"),
        ),
    ),
)
