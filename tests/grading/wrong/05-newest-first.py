"""A plausible wrong answer to exercise 05 (kube-controller-manager): deletes the most recently listed pods first instead of ranking unscheduled and unready pods first."""

# %%
from k8sedu.client.controller import Controller
from k8sedu.controllers.replicaset import pod_from_template
from k8sedu.controllers.replicaset_utils import (
    Expectations,
    adopt_patch,
    calculate_status,
    clock_now,
    pod_key,
    release_patch,
)
from k8sedu.errors import Conflict
from k8sedu.labels import selector_from_spec
from k8sedu.objects import controller_of, is_pod_ready


# %%
def is_active(pod: dict) -> bool:
    """Does the pod take part: not Succeeded or Failed, and not being deleted?"""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def claim(rs: dict, pods: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(mine, to_adopt, to_release): the pods the ReplicaSet counts, adopts, and lets go."""
    selector = selector_from_spec(rs["spec"].get("selector"))
    mine, to_adopt, to_release = [], [], []
    for pod in pods:
        if not is_active(pod):
            continue
        selected = selector.matches(pod["metadata"].get("labels") or {})
        ref = controller_of(pod)
        if ref is None:
            if selected:
                to_adopt.append(pod)
                mine.append(pod)
        elif ref.get("uid") == rs["metadata"]["uid"]:
            if selected:
                mine.append(pod)
            else:
                to_release.append(pod)
    return mine, to_adopt, to_release


# %%
def deletion_order(pods: list[dict]) -> list[dict]:
    """The pods, the one to delete first first (rules 1-3; ties keep their order)."""
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}

    def rank(pod):
        assigned = bool(pod["spec"].get("nodeName"))
        phase = phase_rank.get((pod.get("status") or {}).get("phase"), 0)
        return (assigned, phase, is_pod_ready(pod))

    return list(reversed(pods))  # wrong: the last ones go, whatever their state


# %%
class MyReplicaSetController(Controller):
    # A change to a ReplicaSet puts its key on the queue (done by the base class).
    resource = "replicasets"

    def setup(self):
        self.expectations = Expectations()
        self.handle("pods", self.pod_added, self.pod_updated, self.pod_deleted)

    def reconcile(self, key):
        """Make the pods of the ReplicaSet under `key` match its spec.replicas."""
        rs = self.informer("replicasets").get(key)
        if rs is None:  # deleted: the garbage collector removes its pods
            self.expectations.delete(key)
            return
        pods = self.informer("pods").list(rs["metadata"]["namespace"])
        mine, to_adopt, to_release = claim(rs, pods)
        for pod in to_adopt:
            self.adopt(rs, pod)
        for pod in to_release:
            self.release(rs, pod)
        now = self.sim.now
        if self.expectations.satisfied(key, now):  # the cache has caught up with our writes
            diff = rs["spec"]["replicas"] - len(mine)
            if diff > 0:
                self.expectations.expect_creations(key, diff, now)
                for _ in range(diff):
                    self.create_pod(rs)
            elif diff < 0:
                victims = deletion_order(mine)[:-diff]
                self.expectations.expect_deletions(key, [pod_key(p) for p in victims], now)
                for pod in victims:
                    self.delete_pod(rs, pod)
        self.write_status(rs, mine)

    # -- the API calls --------------------------------------------------------------------

    def create_pod(self, rs):
        created = self.client.create("pods", pod_from_template(rs), rs["metadata"]["namespace"])
        message = f"Created pod: {created['metadata']['name']}"
        self.recorder.event(rs, "Normal", "SuccessfulCreate", message)

    def delete_pod(self, rs, pod):
        self.client.delete("pods", pod["metadata"]["name"], rs["metadata"]["namespace"])
        message = f"Deleted pod: {pod['metadata']['name']}"
        self.recorder.event(rs, "Normal", "SuccessfulDelete", message)

    def adopt(self, rs, pod):
        self.client.patch(
            "pods", pod["metadata"]["name"], adopt_patch(rs, pod), rs["metadata"]["namespace"]
        )

    def release(self, rs, pod):
        self.client.patch(
            "pods", pod["metadata"]["name"], release_patch(rs, pod), rs["metadata"]["namespace"]
        )

    def write_status(self, rs, pods):
        status = calculate_status(rs, pods, None, clock_now(self.cluster), self.cluster.timestamp())
        status["observedGeneration"] = rs["metadata"].get("generation", 0)
        if status == rs.get("status"):
            return
        try:
            self.client.update_status("replicasets", dict(rs, status=status))
        except Conflict:  # the cached copy is stale: write onto the latest one
            meta = rs["metadata"]
            latest = self.client.get("replicasets", meta["name"], meta["namespace"])
            self.client.update_status("replicasets", dict(latest, status=status))

    # -- the event handlers: changes to pods -> keys on the queue ----------------------------

    def owner_key(self, pod):
        ref = controller_of(pod)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return None
        return f"{pod['metadata']['namespace']}/{ref['name']}"

    def selecting(self, pod):
        # the ReplicaSets that might adopt this pod
        keys = []
        for rs in self.informer("replicasets").list(pod["metadata"]["namespace"]):
            if selector_from_spec(rs["spec"].get("selector")).matches(
                pod["metadata"].get("labels") or {}
            ):
                keys.append(f"{rs['metadata']['namespace']}/{rs['metadata']['name']}")
        return keys

    def pod_added(self, pod):
        key = self.owner_key(pod)
        if key is None:
            for other in self.selecting(pod):
                self.queue.add(other)
            return
        if pod["metadata"].get("deletionTimestamp"):
            self.expectations.deletion_observed(key, pod_key(pod))
        else:
            self.expectations.creation_observed(key)
        self.queue.add(key)

    def pod_updated(self, old, new):
        key = self.owner_key(new)
        started_deleting = not old["metadata"].get("deletionTimestamp")
        if key is not None and new["metadata"].get("deletionTimestamp") and started_deleting:
            self.expectations.deletion_observed(key, pod_key(new))
        keys = [self.owner_key(old), key]
        if controller_of(new) is None:
            keys += self.selecting(new)
        for other in dict.fromkeys(keys):
            if other is not None:
                self.queue.add(other)

    def pod_deleted(self, pod):
        key = self.owner_key(pod)
        if key is not None:
            self.expectations.deletion_observed(key, pod_key(pod))
            self.queue.add(key)
