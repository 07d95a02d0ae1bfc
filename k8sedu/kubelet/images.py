"""The kubelet's image manager: ``imagePullPolicy``, pulls, ``ErrImagePull`` and its back-off.

Models ``pkg/kubelet/images/image_manager.go`` (``EnsureImageExists``, ``pullImage``): an image
already on the node is used unless the policy is ``Always``; ``Never`` without the image is
``ErrImageNeverPull``; otherwise the kubelet pulls (``Pulling`` → ``Pulled`` with the time and
size) through the node's serial puller. A failed pull is ``ErrImagePull``, and until the pull
back-off (10 s doubling to 300 s, per pod and image) expires the container waits in
``ImagePullBackOff`` with the last error in its message.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from k8sedu import workloads
from k8sedu.kubelet.backoff import go_duration

if TYPE_CHECKING:
    from k8sedu.kubelet.podworker import PodWorker, Slot

PLEG_RESYNC = 1.0  # the kubelet looks at a pod again about a second after a failed sync


def default_policy(image: str) -> str:
    """The API server's default (``SetDefaults_Container``): Always for ``latest`` or no tag."""
    _, tag = workloads.parse_image(image)
    return "Always" if tag == "latest" and "@" not in image else "IfNotPresent"


def ensure(pw: PodWorker, slot: Slot) -> None:
    """Make sure ``slot``'s image is on the node, then start the container."""
    kubelet = pw.kubelet
    image = slot.spec.get("image", "")
    policy = slot.spec.get("imagePullPolicy") or default_policy(image)
    if policy != "Always" and kubelet.images.has(image):
        pw.event("Normal", "Pulled", f'Container image "{image}" already present on machine', slot)
        pw.start_container(slot)
        return
    if policy == "Never":
        message = f'Container image "{image}" is not present with pull policy of Never'
        if not slot.waiting:
            pw.event("Warning", "ErrImageNeverPull", message, slot)
            pw.event("Warning", "Failed", "Error: ErrImageNeverPull", slot)
        slot.waiting = ("ErrImageNeverPull", message)
        return
    key = f"{pw.uid}_{image}"
    if kubelet.backoff.in_backoff_since_update(key, pw.now):
        message = f'Back-off pulling image "{image}"'
        if not slot.waiting or slot.waiting[0] != "ImagePullBackOff":
            pw.event("Normal", "BackOff", message, slot)
            pw.event("Warning", "Failed", "Error: ImagePullBackOff", slot)
            expiry = kubelet.backoff.last_update(key) + kubelet.backoff.delay(key)
            kubelet.at(expiry, pw.sync)
        previous = kubelet.pull_errors.get(key)
        slot.waiting = ("ImagePullBackOff", f"{message}: {previous}" if previous else message)
        return
    pw.event("Normal", "Pulling", f'Pulling image "{image}"', slot)
    slot.busy = True
    end, took, ok = kubelet.images.plan_pull(image, pw.now)
    kubelet.at(end, finish_pull, pw, slot.name, image, pw.now, took, ok)


def finish_pull(pw: PodWorker, name: str, image: str, asked: float, took: float, ok: bool) -> None:
    kubelet = pw.kubelet
    slot = pw.slot(name)
    if slot is None or pw.finished or not kubelet.running:
        return
    slot.busy = False
    if pw.terminating:
        pw.sync()
        return
    if ok:
        kubelet.images.add(image)
        size = workloads.image_size(image)
        pulled, waited = _truncate_ms(took), _truncate_ms(pw.now - asked)
        pw.event(
            "Normal",
            "Pulled",
            f'Successfully pulled image "{image}" in {go_duration(pulled)} '
            f"({go_duration(waited)} including waiting). Image size: {size} bytes.",
            slot,
        )
        pw.start_container(slot)
        return
    error = workloads.pull_error(image)
    key = f"{pw.uid}_{image}"
    pw.event("Warning", "Failed", f'Failed to pull image "{image}": {error}', slot)
    kubelet.backoff.next(key, pw.now)
    kubelet.pull_errors[key] = f"ErrImagePull: {error}"
    pw.event("Warning", "Failed", "Error: ErrImagePull", slot)
    slot.waiting = ("ErrImagePull", error)
    kubelet.at(pw.now + PLEG_RESYNC, pw.sync)
    pw.changed()


def _truncate_ms(seconds: float) -> float:
    return math.floor(round(seconds * 1000, 6)) / 1000
