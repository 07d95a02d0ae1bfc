"""The Deployment controller: roll a pod template out through ReplicaSets.

Models ``pkg/controller/deployment/deployment_controller.go``. A Deployment never creates pods;
it owns ReplicaSets, one per pod template (named ``<deployment>-<pod-template-hash>``), and only
changes their ``spec.replicas``. ``reconcile(key)`` (``syncDeployment``) decides what kind of
sync this is, in the real order:

1. being deleted → only recompute ``status`` (``sync.sync_status_only``);
2. record a paused/resumed condition; paused → only scale and clean up (``sync.sync``);
3. a **scaling event** (``spec.replicas`` changed while a rollout runs) → scale every active
   ReplicaSet proportionally (``sync.sync``);
4. otherwise roll out: ``rolling.rollout_rolling`` or ``recreate.rollout_recreate``.

Every step writes through the API and ends; the watch events those writes cause bring the
Deployment back to the queue, so a rollout is many short reconciles (the trace shows each).

Simplified: the deprecated ``rollbackTo`` annotation is not handled (``kubectl rollout undo``
patches the template client-side, as kubectl does since 1.9); one worker.
"""

from __future__ import annotations

import copy

from k8sedu.client.controller import Controller
from k8sedu.client.informer import key_of
from k8sedu.controllers.deployment import recreate, rolling, sync
from k8sedu.controllers.replicaset import index_by_controller_uid
from k8sedu.controllers.replicaset_utils import (
    adopt_patch,
    claim,
    recheck_not_deleted,
    release_patch,
)
from k8sedu.errors import NotFound
from k8sedu.labels import selector_from_spec
from k8sedu.objects import controller_of


class DeploymentController(Controller):
    resource = "deployments"

    def setup(self) -> None:
        self.informer("replicasets").add_indexers({"controller-uid": index_by_controller_uid})
        self.handle(
            "replicasets", self.add_replicaset, self.update_replicaset, self.delete_replicaset
        )
        self.handle("pods", on_delete=self.delete_pod)

    # -- reconcile (syncDeployment) -------------------------------------------------------------

    def reconcile(self, key: str) -> None:
        cached = self.informer("deployments").get(key)
        if cached is None:
            return
        d = copy.deepcopy(cached)  # the cache is shared and read-only
        if d["spec"].get("selector") == {}:
            self.recorder.event(
                d, "Warning", "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
            )  # fmt: skip
            if d.get("status", {}).get("observedGeneration", 0) < d["metadata"]["generation"]:
                d.setdefault("status", {})["observedGeneration"] = d["metadata"]["generation"]
                self.client.update_status("deployments", d)
            return

        rs_list = self.replicasets_for(d)
        if d["metadata"].get("deletionTimestamp"):
            sync.sync_status_only(self, d, rs_list)
            return
        sync.check_paused_conditions(self, d)
        if d["spec"].get("paused"):
            sync.sync(self, d, rs_list)
            return
        if sync.is_scaling_event(self, d, rs_list):
            sync.sync(self, d, rs_list)
            return
        strategy = (d["spec"].get("strategy") or {}).get("type")
        if strategy == "Recreate":
            recreate.rollout_recreate(self, d, rs_list, self.pods_by_replicaset(d, rs_list))
        elif strategy == "RollingUpdate":
            rolling.rollout_rolling(self, d, rs_list)
        else:
            raise ValueError(f"unexpected deployment strategy type: {strategy}")

    # -- ownership ------------------------------------------------------------------------------

    def replicasets_for(self, d: dict) -> list[dict]:
        """``getReplicaSetsForDeployment``: the namespace's ReplicaSets this Deployment controls,
        adopting orphans its selector matches and releasing its own that no longer match."""
        selector = selector_from_spec(d["spec"].get("selector"))
        rechecked: list[bool] = []

        def adopt(rs: dict) -> None:
            if not rechecked:
                recheck_not_deleted(self.client, "deployments", d)
                rechecked.append(True)
            self.patch_replicaset(rs, adopt_patch(d, rs))

        def release(rs: dict) -> None:
            self.patch_replicaset(rs, release_patch(d, rs))

        in_namespace = self.informer("replicasets").list(d["metadata"]["namespace"])
        return claim(
            d,
            lambda rs: selector.matches(rs["metadata"].get("labels")),
            in_namespace,
            adopt,
            release,
        )

    def patch_replicaset(self, rs: dict, patch: dict) -> None:
        try:
            self.client.patch(
                "replicasets", rs["metadata"]["name"], patch, rs["metadata"]["namespace"]
            )
        except NotFound:
            pass

    def pods_by_replicaset(self, d: dict, rs_list: list[dict]) -> dict[str, list[dict]]:
        """``getPodMapForDeployment``: the Deployment's pods, grouped by their ReplicaSet's uid."""
        selector = selector_from_spec(d["spec"].get("selector"))
        pod_map: dict[str, list[dict]] = {rs["metadata"]["uid"]: [] for rs in rs_list}
        for pod in self.informer("pods").list(d["metadata"]["namespace"]):
            ref = controller_of(pod)
            if (
                ref
                and ref.get("uid") in pod_map
                and selector.matches(pod["metadata"].get("labels"))
            ):
                pod_map[ref["uid"]].append(pod)
        return pod_map

    # -- event handlers -------------------------------------------------------------------------

    def resolve(self, namespace: str, ref: dict) -> dict | None:
        if ref.get("kind") != "Deployment":
            return None
        d = self.informer("deployments").get(f"{namespace}/{ref['name']}")
        return d if d is not None and d["metadata"]["uid"] == ref.get("uid") else None

    def selecting(self, rs: dict) -> list[dict]:
        """``getDeploymentsForReplicaSet``: Deployments whose selector matches the ReplicaSet."""
        found = []
        for d in self.informer("deployments").list(rs["metadata"]["namespace"]):
            selector = selector_from_spec(d["spec"].get("selector"))
            if not selector.empty and selector.matches(rs["metadata"].get("labels")):
                found.append(d)
        return found

    def add_replicaset(self, rs: dict) -> None:
        if rs["metadata"].get("deletionTimestamp"):
            self.delete_replicaset(rs)
            return
        ref = controller_of(rs)
        if ref is not None:
            d = self.resolve(rs["metadata"]["namespace"], ref)
            if d is not None:
                self.enqueue(d)
            return
        for d in self.selecting(rs):  # an orphan: a Deployment may adopt it
            self.enqueue(d)

    def update_replicaset(self, old: dict, new: dict) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        old_ref, new_ref = controller_of(old), controller_of(new)
        if old_ref != new_ref and old_ref is not None:
            d = self.resolve(old["metadata"]["namespace"], old_ref)
            if d is not None:
                self.enqueue(d)
        if new_ref is not None:
            d = self.resolve(new["metadata"]["namespace"], new_ref)
            if d is not None:
                self.enqueue(d)
            return
        if old["metadata"].get("labels") != new["metadata"].get("labels") or old_ref != new_ref:
            for d in self.selecting(new):
                self.enqueue(d)

    def delete_replicaset(self, rs: dict) -> None:
        ref = controller_of(rs)
        if ref is not None:
            d = self.resolve(rs["metadata"]["namespace"], ref)
            if d is not None:
                self.enqueue(d)

    def delete_pod(self, pod: dict) -> None:
        """A Recreate rollout waits for the old pods to be gone: wake it when one goes."""
        ref = controller_of(pod)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return
        rs = self.informer("replicasets").get(f"{pod['metadata']['namespace']}/{ref['name']}")
        if rs is None or rs["metadata"]["uid"] != ref.get("uid"):
            return
        d_ref = controller_of(rs)
        d = self.resolve(rs["metadata"]["namespace"], d_ref) if d_ref else None
        if d is not None and (d["spec"].get("strategy") or {}).get("type") == "Recreate":
            rs_list = [r for r in self.informer("replicasets").list(d["metadata"]["namespace"])
                       if (controller_of(r) or {}).get("uid") == d["metadata"]["uid"]]  # fmt: skip
            if not any(self.pods_by_replicaset(d, rs_list).values()):
                self.queue.add(key_of(d))
