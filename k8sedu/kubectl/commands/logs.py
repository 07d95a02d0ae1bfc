"""``kubectl logs POD [-c CONTAINER] [--tail N] [-p] [-f]``: what a container printed.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go`` and the API server's
``pods/log`` errors (``pkg/registry/core/pod/strategy.go``: ``LogLocation``). The lines come
from the node's kubelet (``/containerLogs``), so a node that is down answers with a refused
connection. ``TYPE/NAME`` of a workload picks one of its pods (``Found 3 pods, using pod/…``).
Simplified: ``-f`` runs the cluster ``--follow-seconds`` simulated seconds (default 60) or until
the container stops, then returns everything printed; ``--since`` is not supported.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.errors import APIError, BadRequest, KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag

PULL_REASONS = ("ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName")


def find_pod(inv: Invocation, arg: str) -> dict:
    """``NAME``, ``pod/NAME`` or ``TYPE/NAME`` of something with a selector (its first pod)."""
    kind, _, name = arg.partition("/") if "/" in arg else ("pods", "", arg)
    res = _common.resource_type(kind)
    if res.plural == "pods":
        return inv.api.get("pods", name, inv.namespace)
    owner = inv.api.get(res.plural, name, inv.namespace)
    selector = objects.selector_from_spec((owner.get("spec") or {}).get("selector"))
    pods = [
        p
        for p in inv.api.list("pods", namespace=inv.namespace)
        if selector.matches(p["metadata"].get("labels"))
    ]
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    if len(pods) > 1:
        inv.err(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}")
    return pods[0]


def pick_container(inv: Invocation, pod: dict) -> str:
    """``-c``, else the default-container annotation, else the first container (with a note)."""
    spec = pod["spec"]
    if inv.flags.get("container"):
        return inv.flags["container"]
    names = [c["name"] for c in spec.get("containers") or []]
    annotated = (pod["metadata"].get("annotations") or {}).get(
        "kubectl.kubernetes.io/default-container"
    )
    if annotated in names:
        return annotated
    everyone = names + [f"{c['name']} (init)" for c in spec.get("initContainers") or []]
    if len(everyone) > 1:
        inv.err(f'Defaulted container "{names[0]}" out of: {", ".join(everyone)}')
    return names[0]


def kubelet_slot(inv: Invocation, pod: dict, container: str):
    """The kubelet's record of ``container`` in ``pod``; raises the API server's errors."""
    spec, meta = pod["spec"], pod["metadata"]
    all_names = [c["name"] for c in (spec.get("initContainers") or []) + spec.get("containers", [])]
    if container not in all_names:
        raise BadRequest(f"container {container} is not valid for pod {meta['name']}")
    node = spec.get("nodeName")
    host = _machine(inv.cluster, node)
    kubelet = host.kubelet if host is not None else None
    if kubelet is None or not kubelet.running:
        if node and host is not None:
            url = f"https://{host.ip}:10250/containerLogs/{meta['namespace']}/{meta['name']}/{container}"
            raise APIError(f'Get "{url}": dial tcp {host.ip}:10250: connect: connection refused')
        raise BadRequest(_waiting(pod, container))
    try:
        worker = kubelet.worker_for(meta["namespace"], meta["name"])
    except KeyError:
        raise BadRequest(_waiting(pod, container)) from None
    return kubelet, worker.slot(container)


def _machine(cluster, node: str | None):
    try:
        return cluster.node(node) if node else None
    except KeyError:  # a Node object with no machine behind it
        return None


def _waiting(pod: dict, container: str) -> str:
    reason = "ContainerCreating"
    status = pod.get("status") or {}
    for cs in status.get("initContainerStatuses", []) + status.get("containerStatuses", []):
        if cs["name"] == container:
            reason = (cs.get("state", {}).get("waiting") or {}).get("reason") or reason
    if reason in PULL_REASONS:
        reason = "trying and failing to pull image"
    return (
        f'container "{container}" in pod "{pod["metadata"]["name"]}" is waiting to start: {reason}'
    )


def _lines(inv: Invocation, run) -> list[str]:
    epoch = inv.cluster.epoch
    out = []
    for at, text in run.logs(inv.cluster.now):
        stamp = objects.timestamp(at, epoch)
        line = f"{stamp[:10].replace('-', '/')} {stamp[11:19]} {text}"
        if inv.flags["timestamps"]:
            line = objects.micro_timestamp(at, epoch).replace("Z", "000Z") + " " + line
        out.append(line + "\n")
    return out


def run(inv: Invocation) -> None:
    if not inv.args:
        raise KubectlError(
            "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
            "POD or TYPE/NAME is a required argument for the logs command\n"
            "See 'kubectl logs -h' for help and examples"
        )
    pod = find_pod(inv, inv.args[0])
    container = pick_container(inv, pod)
    kubelet, slot = kubelet_slot(inv, pod, container)
    if inv.flags["previous"]:
        run_ = slot.previous
        if run_ is None:
            raise BadRequest(
                f'previous terminated container "{container}" in pod "{pod["metadata"]["name"]}" not found'
            )
    else:
        run_ = slot.current
        if run_ is None:
            raise BadRequest(_waiting(pod, container))
    if inv.flags["follow"] and run_.running:
        seconds = inv.flags["follow-seconds"]
        try:
            inv.cluster.run_until(lambda cluster: not run_.running, timeout=seconds)
        except TimeoutError:
            pass
    lines = _lines(inv, run_)
    tail = inv.flags["tail"]
    if tail >= 0:
        lines = lines[len(lines) - tail :] if tail else []
    inv.out("".join(lines))


COMMANDS = (
    Command(
        "logs",
        run,
        short="Print the logs for a container in a pod",
        usage="logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]",
        flags=(
            Flag("container", "c", "string", help="Print the logs of this container"),
            Flag("follow", "f", help="Specify if the logs should be streamed."),
            Flag(
                "previous", "p", help="Print the logs for the previous instance of the container."
            ),
            Flag("tail", kind="int", default=-1, help="Lines of recent log file to display."),
            Flag("timestamps", help="Include timestamps on each line in the log output"),
            Flag(
                "follow-seconds",
                kind="int",
                default=60,
                help="k8sedu: simulated seconds that -f follows for (real kubectl: until Ctrl-C)",
            ),
        ),
    ),
)
