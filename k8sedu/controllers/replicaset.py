"""The ReplicaSet controller: keep ``spec.replicas`` pods running that match the selector.

Models ``pkg/controller/replicaset/replica_set.go``. ``reconcile(key)`` is the whole idea:

1. read the ReplicaSet and the namespace's pods from the informer caches;
2. keep the active pods (not finished, not being deleted) and *claim* them: adopt orphans whose
   labels match, release pods it owns whose labels no longer match;
3. if its **expectations** are met (every create and delete it issued last time has come back
   through the watch), create or delete the difference — creations in slow-start batches
   1, 2, 4 … (a failure stops the rest), at most 500 per sync, deletions in the scale-down order
   of REFERENCE §4.2;
4. write ``status`` (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
   observedGeneration).

Expectations matter because the cache lags the API: right after creating 3 pods the cache may
still show none, and a controller that trusted it would create 3 more.

Simplified: one worker; creations within a batch are sequential (Go runs them in parallel, with
the same outcome); no ReplicationController variant; a namespace being terminated is not treated
specially.
"""

from __future__ import annotations

from k8sedu.client.controller import Controller
from k8sedu.client.informer import key_of
from k8sedu.controllers.replicaset_utils import (
    ControllerError,
    Expectations,
    adopt_patch,
    calculate_status,
    claim,
    clock_now,
    is_pod_active,
    pod_key,
    pods_to_delete,
    recheck_not_deleted,
    release_patch,
)
from k8sedu.errors import APIError, NotFound
from k8sedu.labels import Selector, selector_from_spec
from k8sedu.objects import controller_of, is_pod_ready, owner_reference

BURST_REPLICAS = 500  # replica_set.go BurstReplicas: creations or deletions per sync
SLOW_START_INITIAL_BATCH_SIZE = 1  # controller_utils.go


def index_by_controller_uid(obj: dict) -> list[str]:
    """The ``controllerUID`` index: ReplicaSets by the uid of their controller (a Deployment)."""
    ref = controller_of(obj)
    return [ref["uid"]] if ref else []


def pod_from_template(rs: dict) -> dict:
    """``GetPodFromTemplate``: a pod named ``<rs>-<random>``, owned by the ReplicaSet."""
    template = rs["spec"].get("template") or {}
    meta = template.get("metadata") or {}
    pod_meta = {
        "generateName": f"{rs['metadata']['name']}-",
        "namespace": rs["metadata"]["namespace"],
    }
    for field in ("labels", "annotations", "finalizers"):
        if meta.get(field):
            pod_meta[field] = dict(meta[field]) if field != "finalizers" else list(meta[field])
    pod_meta["ownerReferences"] = [owner_reference(rs)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": template.get("spec")}


class ReplicaSetController(Controller):
    resource = "replicasets"
    burst_replicas = BURST_REPLICAS

    def __init__(self, manager) -> None:
        super().__init__(manager)
        self.expectations = Expectations()

    def on_start(self) -> None:
        self.expectations = Expectations()  # a restarted process remembers nothing
        super().on_start()

    def setup(self) -> None:
        self.informer("replicasets").add_indexers({"controller-uid": index_by_controller_uid})
        self.handle("pods", self.add_pod, self.update_pod, self.delete_pod)

    # -- reconcile ------------------------------------------------------------------------------

    def reconcile(self, key: str) -> None:
        rs = self.informer("replicasets").get(key)
        if rs is None:
            self.expectations.delete(key)
            return
        needs_sync = self.expectations.satisfied(key, self.sim.now)
        selector = selector_from_spec(rs["spec"].get("selector"))
        pods = [
            p for p in self.informer("pods").list(rs["metadata"]["namespace"]) if is_pod_active(p)
        ]
        pods = self.claim_pods(rs, selector, pods)

        error = None
        if needs_sync and not rs["metadata"].get("deletionTimestamp"):
            try:
                self.manage_replicas(pods, rs)
            except (APIError, ControllerError) as e:
                error = e
        status = calculate_status(
            rs, pods, error, clock_now(self.cluster), self.cluster.timestamp()
        )
        updated = self.update_status(rs, status)
        min_ready = rs["spec"].get("minReadySeconds", 0)
        new_status = updated.get("status") or {}
        if (
            error is None
            and min_ready > 0
            and new_status.get("readyReplicas", 0) == rs["spec"]["replicas"]
            and new_status.get("availableReplicas", 0) != rs["spec"]["replicas"]
        ):
            self.queue.add_after(key, min_ready)  # check availability again once it can change
        if error is not None:
            raise error

    def manage_replicas(self, pods: list[dict], rs: dict) -> None:
        """Create or delete pods so that ``len(pods)`` becomes ``spec.replicas``."""
        key = key_of(rs)
        diff = len(pods) - rs["spec"]["replicas"]
        if diff < 0:
            count = min(-diff, self.burst_replicas)
            self.expectations.expect_creations(key, count, self.sim.now)
            created, error = self.slow_start_batch(count, rs)
            for _ in range(count - created):  # never attempted: do not wait for them
                self.expectations.creation_observed(key)
            if error is not None:
                raise error
        elif diff > 0:
            count = min(diff, self.burst_replicas)
            victims = pods_to_delete(pods, self.related_pods(rs), count, clock_now(self.cluster))
            self.expectations.expect_deletions(key, [pod_key(p) for p in victims], self.sim.now)
            errors = []
            for pod in victims:
                try:
                    self.delete_pod_of(rs, pod)
                except APIError as e:
                    self.expectations.deletion_observed(key, pod_key(pod))
                    if not isinstance(e, NotFound):
                        errors.append(e)
            if errors:
                raise errors[0]

    def slow_start_batch(self, count: int, rs: dict) -> tuple[int, Exception | None]:
        """Create ``count`` pods in batches 1, 2, 4 …; stop after the first batch with a failure.
        Returns how many were created, and the first error."""
        successes = 0
        batch = min(count, SLOW_START_INITIAL_BATCH_SIZE)
        remaining = count
        while batch > 0:
            errors = []
            for _ in range(batch):
                try:
                    self.create_pod_for(rs)
                except (APIError, ControllerError) as e:
                    errors.append(e)
            successes += batch - len(errors)
            if errors:
                return successes, errors[0]
            remaining -= batch
            batch = min(2 * batch, remaining)
        return successes, None

    # -- the pod API calls (RealPodControl) -----------------------------------------------------

    def create_pod_for(self, rs: dict) -> None:
        pod = pod_from_template(rs)
        if not pod["metadata"].get("labels"):
            raise ControllerError("unable to create pods, no labels")
        try:
            created = self.client.create("pods", pod, rs["metadata"]["namespace"])
        except APIError as e:
            self.recorder.event(rs, "Warning", "FailedCreate", f"Error creating: {e}")
            raise
        self.recorder.event(
            rs, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}"
        )

    def delete_pod_of(self, rs: dict, pod: dict) -> None:
        name = pod["metadata"]["name"]
        try:
            self.client.delete("pods", name, rs["metadata"]["namespace"])
        except NotFound:
            raise
        except APIError as e:
            self.recorder.event(rs, "Warning", "FailedDelete", f"Error deleting: {e}")
            raise
        self.recorder.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {name}")

    # -- ownership ------------------------------------------------------------------------------

    def claim_pods(self, rs: dict, selector: Selector, pods: list[dict]) -> list[dict]:
        """Adopt matching orphans and release non-matching pods (``PodControllerRefManager``)."""
        rechecked: list[bool] = []

        def adopt(pod: dict) -> None:
            if not rechecked:  # before the first adoption: is the ReplicaSet really still there?
                recheck_not_deleted(self.client, "replicasets", rs)
                rechecked.append(True)
            self.patch_pod(pod, adopt_patch(rs, pod))

        def release(pod: dict) -> None:
            self.patch_pod(pod, release_patch(rs, pod))

        return claim(
            rs, lambda pod: selector.matches(pod["metadata"].get("labels")), pods, adopt, release
        )

    def patch_pod(self, pod: dict, patch: dict) -> None:
        try:
            self.client.patch("pods", pod["metadata"]["name"], patch, pod["metadata"]["namespace"])
        except NotFound:
            pass  # gone meanwhile: nothing to claim

    def related_pods(self, rs: dict) -> list[dict]:
        """``getIndirectlyRelatedPods``: the pods of every ReplicaSet with the same controller.
        A ReplicaSet without a controller has none, so its pods are all ranked alike."""
        ref = controller_of(rs)
        if ref is None:
            return []
        seen: dict[str, None] = {}
        related = []
        namespace = rs["metadata"]["namespace"]
        for sibling in self.informer("replicasets").by_index("controller-uid", ref["uid"]):
            selector = selector_from_spec(sibling["spec"].get("selector"))
            for pod in self.informer("pods").list(namespace):
                uid = pod["metadata"]["uid"]
                if uid not in seen and selector.matches(pod["metadata"].get("labels")):
                    seen[uid] = None
                    related.append(pod)
        return related

    def update_status(self, rs: dict, status: dict) -> dict:
        """``updateReplicaSetStatus``: write only on change; one GET-and-retry on failure."""
        generation = rs["metadata"].get("generation", 0)
        old = rs.get("status") or {}
        if status == old and old.get("observedGeneration", 0) == generation:
            return rs
        status = _in_field_order(dict(status, observedGeneration=generation))
        body = dict(rs, status=status)
        try:
            return self.client.update_status("replicasets", body)
        except APIError:
            meta = rs["metadata"]
            fresh = self.client.get("replicasets", meta["name"], meta["namespace"])
            return self.client.update_status("replicasets", dict(fresh, status=status))

    # -- event handlers -------------------------------------------------------------------------

    def resolve(self, namespace: str, ref: dict) -> dict | None:
        """The ReplicaSet an ownerReference names, if the cache has it with that uid."""
        if ref.get("kind") != "ReplicaSet":
            return None
        rs = self.informer("replicasets").get(f"{namespace}/{ref['name']}")
        return rs if rs is not None and rs["metadata"]["uid"] == ref.get("uid") else None

    def selecting(self, pod: dict) -> list[dict]:
        """``GetPodReplicaSets``: every ReplicaSet whose selector matches the pod's labels."""
        found = []
        for rs in self.informer("replicasets").list(pod["metadata"]["namespace"]):
            selector = selector_from_spec(rs["spec"].get("selector"))
            if not selector.empty and selector.matches(pod["metadata"].get("labels")):
                found.append(rs)
        return found

    def add_pod(self, pod: dict) -> None:
        if pod["metadata"].get("deletionTimestamp"):
            self.delete_pod(pod)
            return
        ref = controller_of(pod)
        if ref is not None:
            rs = self.resolve(pod["metadata"]["namespace"], ref)
            if rs is not None:
                self.expectations.creation_observed(key_of(rs))
                self.enqueue(rs)
            return
        for rs in self.selecting(pod):  # an orphan: maybe someone adopts it
            self.enqueue(rs)

    def update_pod(self, old: dict, new: dict) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        labels_changed = old["metadata"].get("labels") != new["metadata"].get("labels")
        if new["metadata"].get("deletionTimestamp"):
            # graceful deletion started: count it as deleted now, not when the kubelet is done
            self.delete_pod(new)
            if labels_changed:
                self.delete_pod(old)
            return
        old_ref, new_ref = controller_of(old), controller_of(new)
        if old_ref != new_ref and old_ref is not None:
            rs = self.resolve(old["metadata"]["namespace"], old_ref)
            if rs is not None:
                self.enqueue(rs)
        if new_ref is not None:
            rs = self.resolve(new["metadata"]["namespace"], new_ref)
            if rs is None:
                return
            self.enqueue(rs)
            min_ready = rs["spec"].get("minReadySeconds", 0)
            if not is_pod_ready(old) and is_pod_ready(new) and min_ready > 0:
                # one second more, against clock skew (kubernetes#39785)
                self.queue.add_after(key_of(rs), min_ready + 1)
            return
        if labels_changed or old_ref != new_ref:
            for rs in self.selecting(new):
                self.enqueue(rs)

    def delete_pod(self, pod: dict) -> None:
        ref = controller_of(pod)
        if ref is None:
            return
        rs = self.resolve(pod["metadata"]["namespace"], ref)
        if rs is None:
            return
        self.expectations.deletion_observed(key_of(rs), pod_key(pod))
        self.enqueue(rs)


_STATUS_FIELDS = (  # apps/v1 ReplicaSetStatus, in struct order (as -o json prints it)
    "replicas",
    "fullyLabeledReplicas",
    "readyReplicas",
    "availableReplicas",
    "observedGeneration",
    "conditions",
)


def _in_field_order(status: dict) -> dict:
    return {f: status[f] for f in _STATUS_FIELDS if f in status}
