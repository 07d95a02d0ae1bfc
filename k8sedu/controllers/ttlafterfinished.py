"""The TTL-after-finished controller: deletes finished Jobs once their time is up.

Models ``pkg/controller/ttlafterfinished/ttlafterfinished_controller.go``: a Job with
``ttlSecondsAfterFinished`` is deleted that many seconds after its ``Complete`` or ``Failed``
condition was set, with foreground propagation (its pods go first) and a resourceVersion
precondition, so a Job changed meanwhile is looked at again instead.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.controllers.job import is_finished
from k8sedu.errors import Conflict, NotFound


class TTLAfterFinishedController(Controller):
    """Deletes a finished Job ``ttlSecondsAfterFinished`` after it finished (foreground)."""

    resource = "jobs"
    service_account = "ttl-after-finished-controller"

    def reconcile(self, key: str) -> None:
        job = self.informer("jobs").get(key)
        ttl = (job or {}).get("spec", {}).get("ttlSecondsAfterFinished")
        if (
            job is None
            or ttl is None
            or not is_finished(job)
            or job["metadata"].get("deletionTimestamp")
        ):
            return
        finished = next(
            c["lastTransitionTime"]
            for c in job["status"]["conditions"]
            if c["type"] in ("Complete", "Failed") and c["status"] == "True"
        )
        left = objects.parse_timestamp(finished, self.cluster.epoch) + ttl - self.sim.now
        if left > 0:
            self.queue.add_after(key, left)
            return
        meta = job["metadata"]
        try:
            self.client.delete(
                "jobs",
                meta["name"],
                meta["namespace"],
                propagation_policy="Foreground",
                preconditions={"resourceVersion": meta["resourceVersion"]},
            )
        except NotFound:
            pass
        except Conflict:
            self.queue.add(key)  # changed meanwhile: look again
