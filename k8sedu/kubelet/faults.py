"""Faults injected from outside a container: ``cluster.make_unhealthy`` and ``cluster.kill_container``.

Both find the pod's node through the API (``spec.nodeName``) and act on the container as the
machine would: an unhealthy container keeps running but fails its health checks (HTTP 500, exec
probes fail) until it is restarted; a killed container's main process dies of SIGKILL (exit 137,
reason ``Error``), and the kubelet restarts it as ``restartPolicy`` says.
"""

from __future__ import annotations

from k8sedu.kubelet.podworker import PodWorker, Slot
from k8sedu.kubelet.runtime import SIGKILL


def _target(cluster, pod: str, namespace: str, container: str | None) -> tuple[PodWorker, Slot]:
    obj = cluster.api.get("pods", pod, namespace)
    node = obj["spec"].get("nodeName")
    kubelet = cluster.node(node).kubelet if node else None
    if kubelet is None or not kubelet.running:
        raise RuntimeError(f"pod {namespace}/{pod} is not running on any live kubelet")
    worker = kubelet.worker_for(namespace, pod)
    slots = [s for s in worker.slots if s.current is not None and s.current.running]
    if container is not None:
        slots = [s for s in slots if s.name == container]
    if not slots:
        what = f"container {container!r}" if container else "a running container"
        raise RuntimeError(f"pod {namespace}/{pod} has no {what}")
    return worker, slots[0]


def make_unhealthy(
    cluster, pod: str, namespace: str = "default", container: str | None = None
) -> None:
    """From now on the container fails every health check, until it restarts."""
    worker, slot = _target(cluster, pod, namespace, container)
    slot.current.unhealthy_since = worker.now
    cluster.data_plane_changed()
    for probe in slot.probes.values():
        probe.poke()


def kill_container(
    cluster, pod: str, namespace: str = "default", container: str | None = None
) -> None:
    """SIGKILL the container's main process now (exit code 137)."""
    worker, slot = _target(cluster, pod, namespace, container)
    worker.container_exited(slot.name, slot.current.id, SIGKILL, "Error")
