"""``kubectl set image deployment/web nginx=nginx:1.26``: change container images in a template.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/set/set_image.go``: arguments with ``=`` are
``CONTAINER=IMAGE`` pairs (``*`` means every container), the rest name the objects; the change is
a strategic merge patch of the pod template (or of a Pod's own spec). An image that is already set
makes an empty patch, and nothing is printed. The Deployment controller does the rollout when the
cluster runs; this command moves no clock. Simplified: objects are named on the command line
(no ``-f``, ``--all``, ``-l``, ``--local`` or ``--dry-run``).
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.apiserver.patch import two_way_merge_patch
from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command


def pod_spec_of(obj: dict) -> dict | None:
    """``UpdatePodSpecForObject``: the pod spec inside a workload, or a Pod's own."""
    kind = obj.get("kind")
    if kind == "Pod":
        return obj["spec"]
    if kind in (
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "StatefulSet",
        "Job",
        "ReplicationController",
    ):
        return obj["spec"]["template"]["spec"]
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def set_image(containers: list[dict], name: str, image: str) -> bool:
    """``setImage``: update the named container (or every one for ``*``); was one found?"""
    found = False
    for container in containers:
        if name in (container.get("name"), "*"):
            container["image"] = image
            found = True
    return found


def _split(args: list[str]) -> tuple[list[str], dict[str, str]]:
    resources = [a for a in args if "=" not in a]
    images: dict[str, str] = {}
    for pair in (a for a in args if "=" in a):
        parts = pair.split("=")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise KubectlError(f'error: invalid image update "{pair}"')
        images[parts[0]] = parts[1]
    return resources, images


def run(inv: Invocation) -> None:
    resources, images = _split(inv.args)
    problems = []
    if not resources:
        problems.append(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    if not images:
        problems.append("at least one image update is required")
    elif len(images) > 1 and "*" in images:
        problems.append(
            "all containers are already specified by *, but saw more than one "
            "container_name=container_image pairs"
        )
    if problems:
        raise KubectlError("\n".join(f"error: {p}" for p in problems))
    for res, name in _common.parse_targets(resources):
        if name is None:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
        ns = _common.namespace_for(res, inv) or "default"
        obj = inv.api.get(res.plural, name, ns)
        modified = objects.clone(obj)
        spec = pod_spec_of(modified)
        if spec is None:
            kind = f"{res.kind}.{res.group}" if res.group else res.kind
            inv.errors.append(KubectlError(f"error: {res.plural}/{name} {kind} is not supported"))
            continue
        for container, image in images.items():
            found = [
                set_image(spec.get(field) or [], container, image)
                for field in ("initContainers", "containers", "ephemeralContainers")
            ]
            if not any(found):
                inv.errors.append(
                    KubectlError(f'error: unable to find container named "{container}"')
                )
        patch = two_way_merge_patch(obj, modified, res.kind)
        if not patch:
            continue  # already that image: no patch, no output
        inv.api.patch(res.plural, name, patch, ns, type="strategic")
        inv.out(_common.object_line(res, name, "image updated"))


COMMANDS = (
    Command("set", None, short="Set specific features on objects", usage="set SUBCOMMAND"),
    Command(
        "set image",
        run,
        short="Update the image of a pod template",
        usage="set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... "
        "CONTAINER_NAME_N=CONTAINER_IMAGE_N",
    ),
)
