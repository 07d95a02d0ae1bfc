"""The kubelet: the node agent that turns pods bound to its node into running containers.

Models ``pkg/kubelet/kubelet.go`` as a Component. It watches the pods whose ``spec.nodeName``
is its node through the API server (never the store), admits each one (``maxPods`` and the
node's allocatable resources, ``lifecycle/predicate.go``), hands it to a pod worker
(``podworker.py``), and writes what it observes back through ``pods/status``. Beside that it
renews its Lease and posts node status (``nodestatus.py``), watches memory for node-pressure
eviction (``eviction.py``) and serves resource metrics (``metrics.py``).

A stopped kubelet remembers nothing (design decision 5): on ``recover_node`` it re-lists its pods
and restarts their containers, which died with the machine; those report a last state of
``Unknown`` / exit code 255, as after a real reboot. The image store is the machine's disk and
survives. Simplified: admission counts only requests (no topology or pressure checks).
"""

from __future__ import annotations

from k8sedu import objects, quantity
from k8sedu.apiserver.client import Client
from k8sedu.client.events import EventRecorder
from k8sedu.client.informer import EventHandler, Informer
from k8sedu.component import Component
from k8sedu.errors import APIError, ConnectionRefused
from k8sedu.kubelet import status
from k8sedu.kubelet.backoff import Backoff
from k8sedu.kubelet.eviction import EvictionManager
from k8sedu.kubelet.nodestatus import NodeStatus
from k8sedu.kubelet.podworker import PodWorker
from k8sedu.kubelet.runtime import UNKNOWN_EXIT, Container, Images
from k8sedu.sim import to_ns

MAX_PODS = 110
STATUS_RETRY = 10.0  # the status manager's syncBatch period, for a write that failed


class Kubelet(Component):
    """One node's kubelet: ``Kubelet(cluster, host)``, named ``kubelet/<node>``."""

    def __init__(self, cluster, host) -> None:
        super().__init__(cluster, f"kubelet/{host.name}")
        self.host = host
        self.node_name = host.name
        self.user = f"system:node:{host.name}"
        self.client = Client(cluster, self.user, self.name, ("system:nodes",))
        self.recorder = EventRecorder(self.client, "kubelet", host.name)
        self.images = Images()  # the machine's disk: kept across restarts
        self._forget()

    def _forget(self) -> None:
        """Everything a kubelet process holds in memory."""
        self.workers: dict[str, PodWorker] = {}  # pod uid -> worker
        self.by_ip: dict[str, str] = {}  # pod IP -> pod uid
        self.next_ip = 2
        self.backoff = Backoff()
        self.pull_errors: dict[str, str] = {}
        self.allocatable = quantity.Resources.from_dict({})
        # one informer, not a factory: it re-lists when the API server ends its watch
        self.pods = Informer(
            self, self.client, "pods", field_selector=f"spec.nodeName={self.node_name}"
        )
        self.node_status = NodeStatus(self)
        self.eviction = EvictionManager(self)

    # -- lifecycle ------------------------------------------------------------------------------

    def on_start(self) -> None:
        self._forget()
        try:
            node = self.client.get("nodes", self.node_name)
            self.allocatable = quantity.Resources.from_dict(node["status"].get("allocatable"))
            self.capacity = node["status"].get("capacity") or {}
            self.node_uid = node["metadata"]["uid"]
        except (APIError, ConnectionRefused):
            self.capacity, self.node_uid = {}, ""
        self.pods.add_handler(EventHandler(self.pod_added, self.pod_updated, self.pod_deleted))
        self.node_status.start()
        self.pods.start()

    def on_stop(self) -> None:
        self.pods.stop()
        self._forget()

    def at(self, when: float, callback, *args):
        """A timer at an absolute simulated time (seconds), owned by this process."""
        return self._own(self.sim.schedule_at(to_ns(when), callback, *args))

    # -- pods from the API ----------------------------------------------------------------------

    def pod_added(self, pod: dict) -> None:
        uid = pod["metadata"]["uid"]
        if uid in self.workers or pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return
        worker = PodWorker(self, pod)
        self.workers[uid] = worker
        self._recover(worker)
        if not self._admit(worker):
            worker.finish()
            self.write_status(worker)
            return
        worker.sync()

    def pod_updated(self, old: dict, new: dict) -> None:
        worker = self.workers.get(new["metadata"]["uid"])
        if worker is None:
            self.pod_added(new)
            return
        worker.pod = new
        if new["metadata"].get("deletionTimestamp") != old["metadata"].get("deletionTimestamp"):
            worker.sync()

    def pod_deleted(self, pod: dict) -> None:
        worker = self.workers.pop(pod["metadata"]["uid"], None)
        if worker is not None and not worker.finished:
            worker.lost()

    def _admit(self, worker: PodWorker) -> bool:
        """``canAdmitPod``: room for one more pod and for its requests."""
        others = [w for w in self.workers.values() if w is not worker and not w.finished]
        if len(others) >= MAX_PODS:
            return self._reject(worker, "OutOfpods", "pods", 1, len(others), MAX_PODS)
        wanted = quantity.pod_requests(worker.pod).amounts()
        used: dict[str, int] = {}
        for other in others:
            for name, amount in quantity.pod_requests(other.pod).amounts().items():
                used[name] = used.get(name, 0) + amount
        have = self.allocatable.amounts()
        for name in ("cpu", "memory"):
            if name in have and wanted.get(name, 0) + used.get(name, 0) > have[name]:
                return self._reject(
                    worker, f"OutOf{name}", name, wanted[name], used.get(name, 0), have[name]
                )
        return True

    def _reject(self, worker, reason, resource, requested, used, capacity) -> bool:
        worker.rejected = True
        worker.reason = reason
        worker.message = (
            f"Pod was rejected: Node didn't have enough resource: {resource}, "
            f"requested: {requested}, used: {used}, capacity: {capacity}"
        )
        worker.event("Warning", reason, worker.message)
        return False

    def _recover(self, worker: PodWorker) -> None:
        """A pod this node ran before it went down: its containers died with the machine."""
        old = worker.pod.get("status") or {}
        if old.get("podIP"):
            self.by_ip[old["podIP"]] = worker.uid
            worker.ip = old["podIP"]
        if old.get("startTime"):
            worker.start_time = _seconds(self.cluster, old["startTime"])
        for entry in old.get("initContainerStatuses", []) + old.get("containerStatuses", []):
            slot = worker.slot(entry["name"])
            if slot is None or not entry.get("containerID"):
                continue
            slot.base_restarts = entry.get("restartCount", 0) + (0 if slot.init else 1)
            if slot.init:
                continue
            cid = entry["containerID"].partition("://")[2]
            run = Container(
                cid, worker.uid, slot.spec, self.sim.now, slot.base_restarts - 1, worker.ip
            )
            started = (entry.get("state", {}).get("running") or {}).get("startedAt")
            run.started = _seconds(self.cluster, started) if started else self.sim.now
            run.finished, run.exit_code, run.reason = self.sim.now, UNKNOWN_EXIT, "Unknown"
            slot.current = run

    # -- what pod workers ask of the kubelet -------------------------------------------------------

    def allocate_ip(self, uid: str) -> str:
        """host-local IPAM: the next free address of the node's pod CIDR (.1 is the gateway)."""
        for ip, owner in self.by_ip.items():
            if owner == uid:
                return ip
        prefix = self.host.pod_cidr.rsplit(".", 1)[0]
        for _ in range(253):
            ip = f"{prefix}.{self.next_ip}"
            self.next_ip = self.next_ip + 1 if self.next_ip < 254 else 2
            if ip not in self.by_ip:
                self.by_ip[ip] = uid
                return ip
        raise RuntimeError(f"no free pod IP on {self.node_name}")

    def release(self, worker: PodWorker) -> None:
        if worker.ip and self.by_ip.get(worker.ip) == worker.uid:
            del self.by_ip[worker.ip]
        self.containers_changed()

    def new_container_id(self) -> str:
        return f"{self.sim.rng(f'containerd/{self.node_name}').getrandbits(256):064x}"

    def containers_changed(self) -> None:
        self.eviction.recheck()
        self.cluster.data_plane_changed()

    def flush_status(self, uid: str) -> None:
        worker = self.workers.get(uid)
        if worker is not None and worker.dirty:
            worker.dirty = False
            self.write_status(worker)

    def write_status(self, worker: PodWorker) -> None:
        """Write the pod's status if it differs from what the API server has."""
        cached = self.pods.get(worker.key)
        if cached is None or cached["metadata"]["uid"] != worker.uid:
            return
        old = cached.get("status") or {}
        new = status.pod_status(worker, old)
        if new == old:
            return
        meta = cached["metadata"]
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"]},
            "status": new,
        }
        try:
            self.client.update("pods/status", body)
        except (APIError, ConnectionRefused):
            worker.dirty = True
            self.schedule(STATUS_RETRY, self.flush_status, worker.uid)

    def delete_pod(self, worker: PodWorker) -> None:
        """The status manager's last word on a terminated pod: delete it, grace 0, same uid."""
        meta = worker.pod["metadata"]
        try:
            self.client.delete(
                "pods",
                meta["name"],
                meta["namespace"],
                grace_period=0,
                preconditions={"uid": worker.uid},
            )
        except (APIError, ConnectionRefused):
            pass

    # -- the data plane and fault injection -------------------------------------------------------

    def lookup(self, ip: str, port: int) -> Container | None:
        """The running container of the pod at ``ip`` that serves ``port`` (None if none does)."""
        worker = self.workers.get(self.by_ip.get(ip, ""))
        if worker is None:
            return None
        for slot in worker.slots:  # as worker.running(), without a list: every request asks
            run = slot.current
            if run is not None and run.running and port in run.behaviour.ports:
                return run
        return None

    def worker_for(self, namespace: str, name: str) -> PodWorker:
        for worker in self.workers.values():
            meta = worker.pod["metadata"]
            if meta["name"] == name and meta.get("namespace", "default") == namespace:
                return worker
        raise KeyError(f"pod {namespace}/{name} is not running on {self.node_name}")


def _seconds(cluster, text: str) -> float:
    return objects.parse_timestamp(text, cluster.epoch)
