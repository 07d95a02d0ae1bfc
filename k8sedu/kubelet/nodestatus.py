"""Node heartbeats: the Lease in ``kube-node-lease`` and the Node's status.

Models the kubelet's two heartbeats (``pkg/kubelet/kubelet_node_status.go``,
``component-helpers/apimachinery/lease/controller.go``):

* the Lease named after the node, ``leaseDurationSeconds: 40``, renewed every 10 s
  (0.25 × 40) - a real write each time, which is what the node lifecycle controller watches;
* the Node's ``status`` (conditions, images), computed every 10 s
  (``nodeStatusUpdateFrequency``) but posted only when it changed or 5 min
  (``nodeStatusReportFrequency``) after the last post; each post moves every condition's
  ``lastHeartbeatTime``.

A condition that changes is announced with an Event (``NodeReady``, ``NodeHasInsufficientMemory``
…, message ``Node node-1 status is now: …``), as the status setters do.
Simplified: both heartbeats share one 10 s timer; a failed renewal waits for the next tick
(client-go retries after 200 ms … 7 s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu import objects
from k8sedu.errors import APIError, ConnectionRefused, NotFound
from k8sedu.node import node_conditions

if TYPE_CHECKING:
    from k8sedu.kubelet.kubelet import Kubelet

LEASE_NAMESPACE = "kube-node-lease"
LEASE_DURATION = 40
RENEW_INTERVAL = 10.0  # nodeLeaseRenewIntervalFraction 0.25 × 40 s
STATUS_REPORT = 300.0  # nodeStatusReportFrequency

# condition type -> (event when True, event when False)
CONDITION_EVENTS = {
    "MemoryPressure": ("NodeHasInsufficientMemory", "NodeHasSufficientMemory"),
    "Ready": ("NodeReady", "NodeNotReady"),
}


class NodeStatus:
    """The Lease and Node status of one kubelet."""

    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.lease: dict | None = None
        self.posted: tuple | None = None  # what the last post said, to see a change
        self.last_post: float | None = None

    def node_ref(self) -> dict:
        """The kubelet's nodeRef: a Node whose uid is its name."""
        name = self.kubelet.node_name
        return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": name}}

    def start(self) -> None:
        self.kubelet.recorder.event(self.node_ref(), "Normal", "Starting", "Starting kubelet.")
        self.tick()
        self.kubelet.every(RENEW_INTERVAL, self.tick)

    def tick(self) -> None:
        self.renew_lease()
        self.update_status()

    # -- the Lease ------------------------------------------------------------------------------

    def renew_lease(self) -> None:
        kubelet = self.kubelet
        now = objects.micro_timestamp(kubelet.sim.now, kubelet.cluster.epoch)
        client = kubelet.client
        try:
            if self.lease is None:
                try:
                    self.lease = client.get("leases", kubelet.node_name, LEASE_NAMESPACE)
                except NotFound:
                    self.lease = client.create("leases", self.new_lease(now), LEASE_NAMESPACE)
                    return
            self.lease["spec"]["renewTime"] = now
            self.lease = client.update("leases", self.lease)
        except (APIError, ConnectionRefused):
            self.lease = None  # read it again next time (a conflict, or the server is gone)

    def new_lease(self, now: str) -> dict:
        name = self.kubelet.node_name
        meta = {"name": name, "namespace": LEASE_NAMESPACE}
        uid = self.kubelet.node_uid
        if uid:
            meta["ownerReferences"] = [
                {"apiVersion": "v1", "kind": "Node", "name": name, "uid": uid}
            ]
        spec = {
            "holderIdentity": name,
            "leaseDurationSeconds": LEASE_DURATION,
            "renewTime": now,
        }
        return {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": meta,
            "spec": spec,
        }

    # -- the Node status ------------------------------------------------------------------------

    def desired(self) -> tuple:
        pressure = self.kubelet.eviction.memory_pressure
        images = tuple(self.kubelet.images.present)
        return (pressure, images)

    def update_status(self) -> None:
        kubelet = self.kubelet
        now = kubelet.sim.now
        desired = self.desired()
        if (
            self.last_post is not None
            and desired == self.posted
            and now - self.last_post < STATUS_REPORT
        ):
            return
        try:
            node = kubelet.client.get("nodes", kubelet.node_name)
            node["status"]["conditions"] = self.conditions(node["status"].get("conditions") or [])
            node["status"]["images"] = kubelet.images.node_images()
            kubelet.client.update_status("nodes", node)
        except (APIError, ConnectionRefused):
            return
        self.posted, self.last_post = desired, now

    def conditions(self, old: list[dict]) -> list[dict]:
        """Fresh conditions with this heartbeat; transition times kept where nothing flipped."""
        kubelet = self.kubelet
        now = kubelet.cluster.timestamp()
        new = node_conditions(now)
        if kubelet.eviction.memory_pressure:
            new[0].update(
                status="True",
                reason="KubeletHasInsufficientMemory",
                message="kubelet has insufficient memory available",
            )
        before = {c["type"]: c for c in old}
        for cond in new:
            prior = before.get(cond["type"])
            if prior is not None and prior.get("status") == cond["status"]:
                cond["lastTransitionTime"] = prior.get("lastTransitionTime", now)
            elif prior is not None and cond["type"] in CONDITION_EVENTS:
                reason = CONDITION_EVENTS[cond["type"]][cond["status"] != "True"]
                message = f"Node {kubelet.node_name} status is now: {reason}"
                kubelet.recorder.event(self.node_ref(), "Normal", reason, message)
        return new
