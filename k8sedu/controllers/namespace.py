"""The namespace controller: empties a Terminating namespace, then lets the API server delete it.

Models ``pkg/controller/namespace`` (``namespace_controller.go``, ``deletion/
namespaced_resources_deleter.go``). Deleting a Namespace only marks it (``deletionTimestamp``,
phase ``Terminating``) because its ``spec.finalizers`` holds ``kubernetes``. The controller waits
5 s (``namespaceDeletionGracePeriod``), deletes every namespaced object in it — every namespaced
resource in the registry, events last — and once nothing remains it calls the
``namespaces/finalize`` subresource without ``kubernetes``, so the server removes the namespace.

Pods that are bound to a node stay ``Terminating`` until their kubelet confirms; while content
remains the controller looks again after ``estimate / 2 + 1`` seconds, the estimate being the
longest ``terminationGracePeriodSeconds`` of the namespace's pods (or 15 s for objects held by
finalizers).

Simplified: ``deletecollection`` is a list and one delete per object; the status conditions
(``NamespaceContentRemaining`` …) are not written.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.apiserver.registry import RESOURCES, Resource
from k8sedu.client.controller import Controller
from k8sedu.client.workqueue import (
    BucketRateLimiter,
    ItemExponentialFailureRateLimiter,
    MaxOfRateLimiter,
)
from k8sedu.errors import MethodNotAllowed, NotFound

DELETION_GRACE_PERIOD = 5  # namespaceDeletionGracePeriod: let HA API servers see the deletion
FINALIZER_ESTIMATE = 15  # finalizerEstimateSeconds
FINALIZER = "kubernetes"

# every namespaced resource a namespace can hold (bindings are only a verb on pods), events last
CONTENT: tuple[Resource, ...] = tuple(
    sorted(
        (r for r in RESOURCES if r.namespaced and r.plural != "bindings"),
        key=lambda r: (r.plural == "events", r.group, r.plural),
    )
)


class ResourcesRemainingError(Exception):
    """Some content is still there: look again in ``estimate / 2 + 1`` seconds."""

    def __init__(self, estimate: int) -> None:
        super().__init__(
            f"some content remains in the namespace, estimate {estimate} seconds before it is removed"
        )
        self.estimate = estimate


class NamespaceController(Controller):
    service_account = "namespace-controller"

    def setup(self) -> None:
        self.handle("namespaces", self.enqueue_namespace, self.namespace_updated)

    def rate_limiter(self):
        # nsControllerRateLimiter: retries at least every minute
        return MaxOfRateLimiter(
            ItemExponentialFailureRateLimiter(0.005, 60), BucketRateLimiter(self.sim, 10, 100)
        )

    def enqueue_namespace(self, ns: dict) -> None:
        if ns["metadata"].get("deletionTimestamp"):
            self.queue.add_after(ns["metadata"]["name"], DELETION_GRACE_PERIOD)

    def namespace_updated(self, old: dict, new: dict) -> None:
        self.enqueue_namespace(new)

    def handle_error(self, key: str, error: Exception) -> None:
        if isinstance(error, ResourcesRemainingError):
            self.queue.add_after(key, error.estimate // 2 + 1)
        else:
            self.queue.add_rate_limited(key)

    def reconcile(self, key: str) -> None:
        if self.informer("namespaces").get(key) is None:
            return  # the namespace has been deleted
        try:
            ns = self.client.get("namespaces", key)  # the latest state, as the deleter reads it
        except NotFound:
            return
        if not ns["metadata"].get("deletionTimestamp"):
            return
        if FINALIZER not in (ns.get("spec") or {}).get("finalizers", []):
            return  # already finalized by us; other finalizers are someone else's
        estimate = self.delete_all_content(ns)
        if estimate > 0:
            raise ResourcesRemainingError(estimate)
        finalizers = [f for f in ns["spec"]["finalizers"] if f != FINALIZER]
        body = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": ns["metadata"],
            "spec": dict(ns["spec"], finalizers=finalizers),
        }
        try:
            self.client.update("namespaces/finalize", body)
        except NotFound:
            pass

    def delete_all_content(self, ns: dict) -> int:
        """Delete everything in the namespace; the seconds to wait if something remains."""
        name = ns["metadata"]["name"]
        deleted_for = self.sim.now - objects.parse_timestamp(
            ns["metadata"]["deletionTimestamp"], self.cluster.epoch
        )
        estimate = 0
        for res in CONTENT:
            estimate = max(estimate, self._delete_resource(res, name, deleted_for))
        return estimate

    def _delete_resource(self, res: Resource, namespace: str, deleted_for: float) -> int:
        """``deleteAllContentForGroupVersionResource``: delete each item, then count what is left."""
        grace = self._pod_estimate(namespace, deleted_for) if res.plural == "pods" else 0
        for obj in self.client.list(res.plural, namespace, shared=True):
            try:
                self.client.delete(
                    res.plural, obj["metadata"]["name"], namespace, propagation_policy="Background"
                )
            except (NotFound, MethodNotAllowed):
                pass
        remaining = self.client.list(res.plural, namespace, shared=True)
        if not remaining:
            return 0
        if grace:
            return grace
        if any(obj["metadata"].get("finalizers") for obj in remaining):
            return FINALIZER_ESTIMATE
        group_version = f"{res.group}/{res.version}"
        raise RuntimeError(
            f"unexpected items still remain in namespace: {namespace} for gvr: {group_version}, Resource={res.plural}"
        )

    def _pod_estimate(self, namespace: str, deleted_for: float) -> int:
        """``estimateGracefulTerminationForPods``: the longest grace period, 0 once it has passed."""
        estimate = 0
        for pod in self.client.list("pods", namespace, shared=True):
            if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                continue
            estimate = max(estimate, int(pod["spec"].get("terminationGracePeriodSeconds") or 0))
        return 0 if deleted_for >= estimate else estimate
