"""``kubectl apply -f``, ``kubectl create -f``, ``kubectl create deployment|namespace``.

Models ``pkg/cmd/apply/apply.go``, ``pkg/cmd/create/create.go``, ``create_deployment.go`` and
``create_namespace.go``: ``create deployment`` builds the Deployment exactly as kubectl does
(labels ``app: NAME``, one container per ``--image`` named after the image, ``--replicas``,
``--port``, a command after ``--``). Kinds k8sedu stores but does not simulate get a warning on
stderr. Errors are collected and printed after the lines that worked, as kubectl does.
"""

from __future__ import annotations

from pathlib import Path

from k8sedu import objects
from k8sedu.errors import APIError, KubectlError
from k8sedu.kubectl import apply as applier
from k8sedu.kubectl.commands import _common, _create
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.manifest import documents
from k8sedu.kubectl.parser import Command, Flag

FILENAME = Flag("filename", "f", "strings", help="The files that contain the configurations")


def _documents(inv: Invocation):
    if not inv.flags["filename"]:
        raise KubectlError("error: must specify one of -f and -k")
    return [doc for path in inv.flags["filename"] for doc in documents(Path(path))]


def run_apply(inv: Invocation) -> None:
    docs = _documents(inv)
    enforce = "namespace" in inv.changed
    for outcome in applier.apply_all(inv.cluster, docs, inv.namespace, enforce_namespace=enforce):
        if outcome.warning:
            inv.err(outcome.warning)
        if outcome.error is None:
            inv.out(outcome.line + "\n")
        else:
            inv.errors.append(outcome.shown)


def run_create(inv: Invocation) -> None:
    for doc in _documents(inv):
        if doc.error is not None:
            inv.errors.append(doc.error)
            continue
        obj = applier.prepare(doc, inv.namespace, "namespace" in inv.changed)
        if not doc.resource.simulated:
            inv.err(_common.not_simulated_warning(doc.resource))
        try:
            created = inv.api.create(doc.resource.plural, obj, obj["metadata"].get("namespace"))
        except APIError as error:
            inv.errors.append(_common.with_source("creating", doc.source, error))
            continue
        inv.out(_common.object_line(doc.resource, created["metadata"]["name"], "created"))


def container_name(image: str) -> str:
    """``buildPodSpec``: the image's last path part without tag or digest."""
    name = image.split("/")[-1].split(":")[0].split("@")[0]
    return name


def run_create_deployment(inv: Invocation) -> None:
    _create.check_flags(inv)
    name = _create.name_from_args(inv)
    labels = {"app": name}
    containers = []
    for image in inv.flags["image"]:
        container = {"image": image, "name": _sanitize(inv, container_name(image)), "resources": {}}
        containers.append(container)
    if inv.dash_args:
        containers[0]["command"] = list(inv.dash_args)
    if inv.flags["port"] >= 0:
        containers[0]["ports"] = [{"containerPort": inv.flags["port"]}]
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {**_create.metadata(inv, name), "labels": labels},
        "spec": {
            "replicas": inv.flags["replicas"],
            "selector": {"matchLabels": dict(labels)},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": dict(labels)},
                "spec": {"containers": containers},
            },
        },
        "status": {},
    }
    _create.create(inv, "deployments", deployment, "failed to create deployment")


def _sanitize(inv: Invocation, name: str) -> str:
    """``sanitizeAndUniquify``: ``_`` and ``.`` become ``-`` plus a random suffix."""
    if "_" not in name and "." not in name:
        return name
    suffix = objects.random_suffix(inv.cluster.sim.rng("kubectl/names"))
    return f"{name.replace('_', '-').replace('.', '-')}-{suffix}"


def run_create_namespace(inv: Invocation) -> None:
    _create.check_flags(inv)
    name = _create.name_from_args(inv)
    # create_namespace.go: the typed object as Go serializes it, with its empty spec and status
    metadata = {"creationTimestamp": None, "name": name}
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata, "spec": {}, "status": {}}
    _create.create(inv, "namespaces", body, None)


COMMANDS = (
    Command(
        "apply",
        run_apply,
        short="Apply a configuration to a resource by file name",
        usage="apply (-f FILENAME) [flags]",
        flags=(FILENAME,),
    ),
    Command(
        "create",
        run_create,
        short="Create a resource from a file",
        usage="create -f FILENAME [flags]",
        flags=(FILENAME,),
    ),
    Command(
        "create deployment",
        run_create_deployment,
        short="Create a deployment with the specified name",
        usage="create deployment NAME --image=image -- [COMMAND] [args...] [options]",
        flags=(
            Flag(
                "image",
                kind="strings",
                help="Image names to run. A deployment can have multiple images.",
            ),
            Flag(
                "replicas",
                "r",
                "int",
                default=1,
                help="Number of replicas to create. Default is 1.",
            ),
            Flag(
                "port",
                kind="int",
                default=-1,
                help="The containerPort that this deployment exposes.",
            ),
            *_create.FLAGS,
        ),
        required=("image",),
        aliases=("deploy",),
    ),
    Command(
        "create namespace",
        run_create_namespace,
        short="Create a namespace with the specified name",
        usage="create namespace NAME [options]",
        flags=_create.FLAGS,
        aliases=("ns",),
    ),
)
