"""The disruption controller: keeps every PodDisruptionBudget's status up to date.

Models ``pkg/controller/disruption/disruption.go``. For each PDB it counts the pods its selector
picks in its namespace and writes ``status``:

* ``expectedPods`` — with ``minAvailable`` as a number, the pods found; with a percentage or with
  ``maxUnavailable``, the sum of the ``spec.replicas`` of the pods' controllers (a ReplicaSet
  owned by a Deployment counts as the Deployment; StatefulSets count too);
* ``desiredHealthy`` — ``minAvailable`` (percentages round **up**), or
  ``expectedPods − maxUnavailable`` (also rounded up), never below 0;
* ``currentHealthy`` — pods that are Ready, not being deleted, and not in ``disruptedPods``;
* ``disruptionsAllowed`` = ``currentHealthy − desiredHealthy`` (0 if negative or if no pods are
  expected) — the number the eviction subresource checks and decrements;
* the ``DisruptionAllowed`` condition (``SufficientPods`` / ``InsufficientPods``).

``disruptedPods`` holds pods the eviction API let go but that are not yet marked deleted; an entry
older than 2 minutes (``DeletionTimeout``) is dropped with a ``NotDeleted`` Event.
A PDB whose pods have no controller while it needs one gets ``disruptionsAllowed: 0`` and a
``SyncFailed`` condition (``failSafe``).

Simplified: only Deployments, ReplicaSets and StatefulSets are looked up as controllers (not the
generic scale subresource); pods are matched to PDBs by a scan of the namespace's PDBs.
"""

from __future__ import annotations

import math

from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.errors import NotFound
from k8sedu.labels import selector_from_spec

DELETION_TIMEOUT = 120.0  # DeletionTimeout: an evicted pod should be marked deleted by then


class DisruptionError(Exception):
    """A budget that cannot be computed (``failSafe`` path)."""


def scaled(value: int | str, total: int) -> int:
    """``intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)``.

    >>> scaled("50%", 3), scaled(2, 3), scaled("10%", 5)
    (2, 2, 1)
    """
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value)


class DisruptionController(Controller):
    resource = "poddisruptionbudgets"
    service_account = "disruption-controller"
    # disruption.go: NewRecorder(scheme.Scheme, v1.EventSource{Component: "controllermanager"})
    event_component = "controllermanager"

    def setup(self) -> None:
        self.handle("pods", self.pod_changed, self.pod_updated, self.pod_changed)
        for resource in ("replicasets", "deployments", "statefulsets"):
            self.informer(resource)

    def pod_changed(self, pod: dict) -> None:
        for pdb in self.budgets_for(pod):
            self.enqueue(pdb)

    def pod_updated(self, old: dict, new: dict) -> None:
        self.pod_changed(new)

    def budgets_for(self, pod: dict) -> list[dict]:
        """``getPdbForPod``: the namespace's PDBs whose selector matches the pod's labels."""
        labels = pod["metadata"].get("labels") or {}
        return [
            pdb
            for pdb in self.informer("poddisruptionbudgets").list(pod["metadata"]["namespace"])
            if _selector(pdb).matches(labels)
        ]

    # -- reconcile ---------------------------------------------------------------------------------

    def reconcile(self, key: str) -> None:
        pdb = self.informer("poddisruptionbudgets").get(key)
        if pdb is None:
            return
        try:
            self.try_sync(pdb)
        except DisruptionError as error:
            self.write_status(pdb, dict(pdb.get("status") or {}, disruptionsAllowed=0), str(error))

    def try_sync(self, pdb: dict) -> None:
        ns = pdb["metadata"]["namespace"]
        selector = _selector(pdb)
        pods = [
            p
            for p in self.informer("pods").list(ns)
            if selector.matches(p["metadata"].get("labels") or {})
        ]
        if not pods:
            self.recorder.event(pdb, "Normal", "NoPods", "No matching pods found")
        try:
            expected, desired = self.expected_pod_count(pdb, pods)
        except DisruptionError as error:
            self.recorder.event(
                pdb,
                "Warning",
                "CalculateExpectedPodCountFailed",
                f"Failed to calculate the number of expected pods: {error}",
            )
            raise
        now = self.sim.now
        disrupted, recheck = self.build_disrupted_pod_map(pods, pdb, now)
        healthy = count_healthy(pods, disrupted, now, self.cluster.epoch)
        allowed = healthy - desired if expected > 0 and healthy > desired else 0
        status = {
            "observedGeneration": pdb["metadata"].get("generation", 1),
            "disruptedPods": disrupted or None,
            "disruptionsAllowed": allowed,
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "expectedPods": expected,
        }
        self.write_status(pdb, status, None)
        if recheck is not None:
            self.queue.add_after(objects.key_of(pdb), recheck - now)

    def expected_pod_count(self, pdb: dict, pods: list[dict]) -> tuple[int, int]:
        """``getExpectedPodCount`` → (expectedPods, desiredHealthy)."""
        spec = pdb.get("spec") or {}
        if spec.get("maxUnavailable") is not None:
            expected = self.expected_scale(pdb, pods)
            return expected, max(0, expected - scaled(spec["maxUnavailable"], expected))
        min_available = spec.get("minAvailable")
        if min_available is None:
            return 0, 0
        if isinstance(min_available, int):
            return len(pods), min_available
        expected = self.expected_scale(pdb, pods)
        return expected, scaled(min_available, expected)

    def expected_scale(self, pdb: dict, pods: list[dict]) -> int:
        """``getExpectedScale``: the summed replicas of the pods' (distinct) controllers."""
        scales: dict[str, int] = {}
        for pod in pods:
            found = self.controller_scale(pod)
            if found is None:
                message = f'found no controllers for pod "{pod["metadata"]["name"]}"'
                self.recorder.event(pdb, "Warning", "NoControllers", message)
                raise DisruptionError(message)
            scales[found[0]] = found[1]
        return sum(scales.values())

    def controller_scale(self, pod: dict) -> tuple[str, int] | None:
        """The finders: (uid, replicas) of the pod's Deployment, ReplicaSet or StatefulSet."""
        ref = objects.controller_of(pod)
        if ref is None:
            return None
        ns = pod["metadata"]["namespace"]
        if ref["kind"] == "ReplicaSet":
            rs = self.informer("replicasets").get(f"{ns}/{ref['name']}")
            if rs is None or rs["metadata"].get("uid") != ref.get("uid"):
                return None
            owner = objects.controller_of(rs)
            if owner is not None and owner["kind"] == "Deployment":
                deploy = self.informer("deployments").get(f"{ns}/{owner['name']}")
                if deploy is not None and deploy["metadata"].get("uid") == owner.get("uid"):
                    return deploy["metadata"]["uid"], deploy["spec"].get("replicas", 1)
            return rs["metadata"]["uid"], rs["spec"].get("replicas", 1)
        if ref["kind"] == "StatefulSet":
            sts = self.informer("statefulsets").get(f"{ns}/{ref['name']}")
            if sts is not None and sts["metadata"].get("uid") == ref.get("uid"):
                return sts["metadata"]["uid"], sts["spec"].get("replicas", 1)
        return None

    def build_disrupted_pod_map(
        self, pods: list[dict], pdb: dict, now: float
    ) -> tuple[dict, float | None]:
        """``buildDisruptedPodMap``: keep entries of live pods younger than DeletionTimeout."""
        disrupted = (pdb.get("status") or {}).get("disruptedPods") or {}
        result, recheck = {}, None
        for pod in pods:
            name = pod["metadata"]["name"]
            if pod["metadata"].get("deletionTimestamp") or name not in disrupted:
                continue
            expected_deletion = _seconds(disrupted[name], self.cluster.epoch) + DELETION_TIMEOUT
            if expected_deletion < now:
                ns = pdb["metadata"]["namespace"]
                self.recorder.event(
                    pod,
                    "Warning",
                    "NotDeleted",
                    f"Pod was expected by PDB {ns}/{pdb['metadata']['name']} to be deleted but it wasn't",
                )
            else:
                result[name] = disrupted[name]
                recheck = expected_deletion if recheck is None else min(recheck, expected_deletion)
        return result, recheck

    def write_status(self, pdb: dict, status: dict, failure: str | None) -> None:
        """``updatePdbStatus`` / ``failSafe``: write only when something changed."""
        status = {k: v for k, v in status.items() if v is not None}
        status["observedGeneration"] = pdb["metadata"].get("generation", 1)
        old_conditions = (pdb.get("status") or {}).get("conditions") or []
        status["conditions"] = [c for c in old_conditions if c.get("type") != "DisruptionAllowed"]
        if failure is not None:
            condition = ("False", "SyncFailed", failure)
        elif status["disruptionsAllowed"] > 0:
            condition = ("True", "SufficientPods", "")
        else:
            condition = ("False", "InsufficientPods", "")
        previous = next((c for c in old_conditions if c.get("type") == "DisruptionAllowed"), None)
        changed_status = previous is None or previous["status"] != condition[0]
        status["conditions"].append(
            {
                "type": "DisruptionAllowed",
                "status": condition[0],
                "observedGeneration": status["observedGeneration"],
                "lastTransitionTime": self.cluster.timestamp()
                if changed_status
                else previous["lastTransitionTime"],
                "reason": condition[1],
                "message": condition[2],
            }
        )
        if status == pdb.get("status"):
            return
        try:
            self.client.update_status("poddisruptionbudgets", dict(pdb, status=status))
        except NotFound:
            pass


def count_healthy(pods: list[dict], disrupted: dict, now: float, epoch) -> int:
    """``countHealthyPods``: Ready, not deleting, not just evicted."""
    healthy = 0
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp"):
            continue
        when = disrupted.get(pod["metadata"]["name"])
        if when is not None and _seconds(when, epoch) + DELETION_TIMEOUT > now:
            continue
        if objects.is_pod_ready(pod):
            healthy += 1
    return healthy


def _selector(pdb: dict):
    return selector_from_spec((pdb.get("spec") or {}).get("selector"))


def _seconds(timestamp: str, epoch) -> float:
    return objects.parse_timestamp(timestamp, epoch)
