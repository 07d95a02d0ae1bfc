"""``kubectl run NAME --image=IMAGE``: one Pod, labelled ``run: NAME``.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/run/run.go`` with the ``run-pod/v1`` generator
(``pkg/generate/versioned/run.go``): one container named like the pod, ``--port`` as its
containerPort, ``--env``, ``--labels`` (replacing ``run=NAME``), ``--restart``, and a command
(``--command -- cmd args``) or arguments (``-- args``).
Simplified: no ``--expose``, ``--rm``, ``-i``/``-t`` or ``--overrides``.
"""

from __future__ import annotations

from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag


def pod_for(name: str, flags: dict, dash_args: list[str]) -> dict:
    """The Pod ``kubectl run`` sends."""
    container: dict = {"image": flags["image"], "name": name, "resources": {}}
    if dash_args:
        container["command" if flags["command"] else "args"] = list(dash_args)
    if flags["env"]:
        container["env"] = [_env(item) for item in flags["env"]]
    if flags["port"] >= 0:
        container["ports"] = [{"containerPort": flags["port"]}]
    labels = _labels(flags["labels"]) if flags["labels"] else {"run": name}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": labels, "name": name},
        "spec": {
            "containers": [container],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": flags["restart"],
        },
        "status": {},
    }


def _env(item: str) -> dict:
    name, sep, value = item.partition("=")
    if not sep:
        raise KubectlError(f"error: invalid env: {item}")
    return {"name": name, "value": value}


def _labels(text: str) -> dict:
    labels = {}
    for pair in text.split(","):
        key, sep, value = pair.partition("=")
        if not sep:
            raise KubectlError(f"error: invalid label spec: {pair}")
        labels[key] = value
    return labels


def run(inv: Invocation) -> None:
    if not inv.args:
        raise KubectlError(
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples"
        )
    if inv.flags["restart"] not in ("Always", "OnFailure", "Never"):
        raise KubectlError(f"error: invalid restart policy: {inv.flags['restart']}")
    name = inv.args[0]
    created = inv.api.create("pods", pod_for(name, inv.flags, inv.dash_args), inv.namespace)
    inv.out(f"pod/{created['metadata']['name']} created\n")


COMMANDS = (
    Command(
        "run",
        run,
        short="Run a particular image on the cluster",
        usage='run NAME --image=image [--env="key=value"] [--port=port] [--command] -- [COMMAND] [args...]',
        flags=(
            Flag("image", kind="string", help="The image for the container to run."),
            Flag("port", kind="int", default=-1, help="The port that this container exposes."),
            Flag("env", kind="array", help="Environment variables to set in the container."),
            Flag("labels", "l", "string", help="Comma separated labels to apply to the pod."),
            Flag(
                "restart", kind="string", default="Always", help="The restart policy for this Pod."
            ),
            Flag("command", help="Use the extra arguments as the command instead of the args."),
        ),
        required=("image",),
    ),
)
