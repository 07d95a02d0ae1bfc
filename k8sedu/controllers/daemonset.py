"""The DaemonSet controller: one pod on every eligible node, updated one node at a time.

Models ``pkg/controller/daemon/daemon_controller.go`` and ``update.go`` with
``pkg/controller/daemon/util/daemonset_util.go``. A node is eligible when the pod the DaemonSet
would put there matches it: ``nodeSelector`` and required node affinity, and every
``NoSchedule``/``NoExecute`` taint tolerated — counting the tolerations the controller adds to
every daemon pod (``not-ready`` and ``unreachable`` NoExecute forever, so node failures never
evict them; ``disk-pressure``, ``memory-pressure``, ``pid-pressure``, ``unschedulable``
NoSchedule; ``network-unavailable`` with ``hostNetwork``). A node whose untolerated taint is only
``NoSchedule`` keeps the pod it already has.

Pods are not placed by the controller: each gets a required node affinity
``matchFields metadata.name In [<node>]`` and goes through the scheduler, like any pod. Every sync
creates the missing pods (slow-start batches), deletes pods on nodes that should not run one (and
failed pods, and extra pods beyond the oldest), then, for ``RollingUpdate``, deletes old-template
pods while at most ``maxUnavailable`` (default 1) nodes lack an available up-to-date pod. Pods
carry the template's hash in ``controller-revision-hash``.

Simplified: no ControllerRevision objects (the hash is computed from the template as for
Deployments), no ``maxSurge``, no back-off for failed daemon pods, no adoption of orphans.
"""

from __future__ import annotations

import copy

from k8sedu import labels as klabels
from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.client.informer import index_by_owner_uid
from k8sedu.controllers.deployment.util import compute_hash
from k8sedu.controllers.disruption import scaled
from k8sedu.controllers.tainteviction import untolerated_taint
from k8sedu.errors import APIError, ConnectionRefused, NotFound

HASH_LABEL = "controller-revision-hash"  # apps.DefaultDaemonSetUniqueLabelKey
NODE_SELECTOR_OPERATORS = {
    "In": klabels.IN,
    "NotIn": klabels.NOT_IN,
    "Exists": klabels.EXISTS,
    "DoesNotExist": klabels.DOES_NOT_EXIST,
    "Gt": klabels.GREATER_THAN,
    "Lt": klabels.LESS_THAN,
}


def daemon_tolerations(spec: dict) -> list[dict]:
    """``AddOrUpdateDaemonPodTolerations``: the template's tolerations plus the daemon ones."""
    tolerations = list(spec.get("tolerations") or [])
    wanted = [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]
    if spec.get("hostNetwork"):
        wanted.append(("node.kubernetes.io/network-unavailable", "NoSchedule"))
    for key, effect in wanted:
        toleration = {"key": key, "operator": "Exists", "effect": effect}
        # AddOrUpdateTolerationInPodSpec: one with the same key, operator, value and effect is replaced
        tolerations = [
            t
            for t in tolerations
            if (t.get("key"), t.get("operator") or "Equal", t.get("effect"))
            != (key, "Exists", effect)
        ]
        tolerations.append(toleration)
    return tolerations


def node_selector_term_matches(term: dict, node: dict) -> bool:
    """One ``NodeSelectorTerm``: its label expressions and its ``metadata.name`` fields."""
    if not term.get("matchExpressions") and not term.get("matchFields"):
        return False  # an empty term matches nothing
    labels = node["metadata"].get("labels") or {}
    fields = {"metadata.name": node["metadata"]["name"]}
    for source, values in (("matchExpressions", labels), ("matchFields", fields)):
        for expr in term.get(source) or []:
            operator = NODE_SELECTOR_OPERATORS[expr["operator"]]
            values = list(expr.get("values") or []) or None
            requirement = klabels.new_requirement(expr["key"], operator, values)
            if not requirement.matches(values):
                return False
    return True


def node_affinity_matches(pod_spec: dict, node: dict) -> bool:
    """``nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)``: nodeSelector and any term."""
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in (pod_spec.get("nodeSelector") or {}).items()):
        return False
    required = ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    terms = required.get("nodeSelectorTerms")
    return terms is None or any(node_selector_term_matches(t, node) for t in terms)


def should_run(ds: dict, node: dict) -> tuple[bool, bool]:
    """``NodeShouldRunDaemonPod`` → (should run, should continue running)."""
    spec = ds["spec"]["template"]["spec"]
    if spec.get("nodeName") and spec["nodeName"] != node["metadata"]["name"]:
        return False, False
    if not node_affinity_matches(spec, node):
        return False, False
    taints = node["spec"].get("taints") or []
    tolerations = daemon_tolerations(spec)
    if untolerated_taint(taints, tolerations, ("NoSchedule", "NoExecute")) is None:
        return True, True
    return False, untolerated_taint(taints, tolerations, ("NoExecute",)) is None


def target_node(pod: dict) -> str:
    """``GetTargetNodeName``: ``spec.nodeName``, or the node named in the pod's affinity."""
    if pod["spec"].get("nodeName"):
        return pod["spec"]["nodeName"]
    required = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for expr in term.get("matchFields") or []:
            if expr.get("key") == "metadata.name" and expr.get("operator") == "In":
                return (expr.get("values") or [""])[0]
    return ""


def is_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    """``podutil.IsPodAvailable``: Ready for at least ``minReadySeconds``."""
    ready = objects.get_condition(pod, "Ready")
    if ready is None or ready.get("status") != "True":
        return False
    if not min_ready_seconds:
        return True
    since = objects.parse_timestamp(ready.get("lastTransitionTime") or "1970-01-01T00:00:00+00:00")
    return since + min_ready_seconds <= now


class DaemonSetController(Controller):
    resource = "daemonsets"
    service_account = "daemon-set-controller"

    def setup(self) -> None:
        self.informer("pods").add_indexers({"owner-uid": index_by_owner_uid})
        self.handle("pods", self.pod_changed, self.pod_updated, self.pod_changed)
        self.handle("nodes", self.node_changed, self.node_updated, self.node_changed)

    def pod_changed(self, pod: dict) -> None:
        ref = objects.controller_of(pod)
        if ref is not None and ref.get("kind") == "DaemonSet":
            self.queue.add(f"{pod['metadata']['namespace']}/{ref['name']}")

    def pod_updated(self, old: dict, new: dict) -> None:
        self.pod_changed(new)

    def node_changed(self, node: dict) -> None:
        for ds in self.informer("daemonsets").list():
            self.enqueue(ds)

    def node_updated(self, old: dict, new: dict) -> None:
        if (old["metadata"].get("labels"), old["spec"]) != (
            new["metadata"].get("labels"),
            new["spec"],
        ):
            self.node_changed(new)

    # -- syncDaemonSet -----------------------------------------------------------------------------

    def reconcile(self, key: str) -> None:
        ds = self.informer("daemonsets").get(key)
        if ds is None or ds["metadata"].get("deletionTimestamp"):
            return
        nodes = self.informer("nodes").list()
        pods_by_node = self.pods_by_node(ds)
        template_hash = compute_hash(
            ds["spec"]["template"], ds.get("status", {}).get("collisionCount")
        )
        changed = self.manage(ds, nodes, pods_by_node, template_hash)
        strategy = ds["spec"].get("updateStrategy") or {}
        # expectations: roll only once this sync's creations and deletions are in the cache
        if not changed and strategy.get("type", "RollingUpdate") == "RollingUpdate":
            self.rolling_update(ds, nodes, self.pods_by_node(ds), template_hash)
        self.update_status(ds, nodes, self.pods_by_node(ds), template_hash)

    def pods_by_node(self, ds: dict) -> dict[str, list[dict]]:
        """``getNodesToDaemonPods``: the DaemonSet's pods by target node, oldest first."""
        found: dict[str, list[dict]] = {}
        pods = self.informer("pods").by_index("owner-uid", ds["metadata"]["uid"])
        for pod in sorted(
            pods, key=lambda p: (p["metadata"].get("creationTimestamp", ""), p["metadata"]["name"])
        ):
            ref = objects.controller_of(pod)
            if ref is None or ref["uid"] != ds["metadata"]["uid"]:
                continue
            found.setdefault(target_node(pod), []).append(pod)
        return found

    def manage(self, ds: dict, nodes: list[dict], pods_by_node: dict, template_hash: str) -> bool:
        """``manage`` with ``podsShouldBeOnNode``: create where missing, delete where unwanted.
        Returns whether it asked for any change."""
        to_create, to_delete = [], []
        for node in nodes:
            name = node["metadata"]["name"]
            run, keep = should_run(ds, node)
            pods = pods_by_node.get(name, [])
            live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
            if run and not pods:
                to_create.append(name)
            elif keep:
                for pod in live:
                    if pod.get("status", {}).get("phase") == "Failed":
                        message = f"Found failed daemon pod {objects.key_of(pod)} on node {name}, will try to kill it"
                        self.recorder.event(ds, "Warning", "FailedDaemonPod", message)
                        to_delete.append(pod)
                running = [p for p in live if p.get("status", {}).get("phase") != "Failed"]
                to_delete += running[1:]  # keep the oldest
            elif not keep:
                to_delete += live
        self.sync_nodes(ds, to_delete, to_create, template_hash)
        return bool(to_delete or to_create)

    def sync_nodes(
        self, ds: dict, to_delete: list[dict], to_create: list[str], template_hash: str
    ) -> None:
        batch = 1  # slow start: 1, 2, 4, …
        while to_create:
            chunk, to_create = to_create[:batch], to_create[batch:]
            if not all([self.create_pod(ds, node, template_hash) for node in chunk]):
                break
            batch *= 2
        for pod in to_delete:
            try:
                self.client.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
            except NotFound:
                continue
            except (APIError, ConnectionRefused) as error:
                self.recorder.event(ds, "Warning", "FailedDelete", f"Error deleting: {error}")
                continue
            self.recorder.event(
                ds, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}"
            )

    def create_pod(self, ds: dict, node: str, template_hash: str) -> bool:
        """``CreatePodTemplate`` + ``ReplaceDaemonSetPodNodeNameNodeAffinity``."""
        template = copy.deepcopy(ds["spec"]["template"])
        meta, spec = template.get("metadata") or {}, template["spec"]
        spec["tolerations"] = daemon_tolerations(spec)
        affinity = spec.setdefault("affinity", {})
        affinity.setdefault("nodeAffinity", {})[
            "requiredDuringSchedulingIgnoredDuringExecution"
        ] = {
            "nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
            ]
        }
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "generateName": f"{ds['metadata']['name']}-",
                "labels": {**(meta.get("labels") or {}), HASH_LABEL: template_hash},
                "annotations": meta.get("annotations") or {},
                "ownerReferences": [objects.owner_reference(ds)],
            },
            "spec": spec,
        }
        try:
            pod = self.client.create("pods", body, ds["metadata"]["namespace"])
        except (APIError, ConnectionRefused) as error:
            self.recorder.event(ds, "Warning", "FailedCreate", f"Error creating: {error}")
            return False
        self.recorder.event(
            ds, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}"
        )
        return True

    def rolling_update(
        self, ds: dict, nodes: list[dict], pods_by_node: dict, template_hash: str
    ) -> None:
        """``rollingUpdate`` without surge: replace old pods, at most ``maxUnavailable`` at once."""
        now, min_ready = self.sim.now, ds["spec"].get("minReadySeconds", 0)
        desired = sum(1 for n in nodes if should_run(ds, n)[0])
        rolling = (ds["spec"].get("updateStrategy") or {}).get("rollingUpdate") or {}
        max_unavailable = scaled(rolling.get("maxUnavailable", 1), desired)
        unavailable, replace_now, candidates = 0, [], []
        for name in sorted(pods_by_node):
            pods = [p for p in pods_by_node[name] if not p["metadata"].get("deletionTimestamp")]
            new = [
                p
                for p in pods
                if (p["metadata"].get("labels") or {}).get(HASH_LABEL) == template_hash
            ]
            old = [p for p in pods if p not in new]
            if len(new) > 1 or len(old) > 1:
                continue  # manage deletes the extras first
            if (not new and not old) or (new and old):
                unavailable += 1
            elif new:
                unavailable += not is_available(new[0], min_ready, now)
            elif not is_available(old[0], min_ready, now):
                replace_now.append(old[0])
            elif unavailable < max_unavailable:
                candidates.append(old[0])
        budget = max(0, max_unavailable - unavailable)
        self.sync_nodes(ds, replace_now + candidates[:budget], [], template_hash)

    def update_status(
        self, ds: dict, nodes: list[dict], pods_by_node: dict, template_hash: str
    ) -> None:
        """``updateDaemonSetStatus``: counts over the nodes; the oldest pod of a node counts."""
        now, min_ready = self.sim.now, ds["spec"].get("minReadySeconds", 0)
        desired = scheduled = misscheduled = ready = available = updated = 0
        for node in nodes:
            run = should_run(ds, node)[0]
            pods = pods_by_node.get(node["metadata"]["name"], [])
            if run:
                desired += 1
                if pods:
                    scheduled += 1
                    ready += objects.is_pod_ready(pods[0])
                    available += objects.is_pod_ready(pods[0]) and is_available(
                        pods[0], min_ready, now
                    )
                    updated += (pods[0]["metadata"].get("labels") or {}).get(
                        HASH_LABEL
                    ) == template_hash
            elif pods:
                misscheduled += 1
        status = dict(
            ds.get("status") or {},
            currentNumberScheduled=scheduled,
            numberMisscheduled=misscheduled,
            desiredNumberScheduled=desired,
            numberReady=ready,
            observedGeneration=ds["metadata"].get("generation", 1),
            updatedNumberScheduled=updated,
            numberAvailable=available,
            numberUnavailable=desired - available,
        )
        for field in ("numberAvailable", "numberUnavailable", "updatedNumberScheduled"):
            if not status[field]:
                del status[field]  # omitempty
        if status != ds.get("status"):
            try:
                self.client.update_status("daemonsets", dict(ds, status=status))
            except NotFound:
                pass
