"""The Job controller: runs a Job's pods until enough succeed, with retries and back-off.

Models ``pkg/controller/job/job_controller.go`` with ``backoff_utils.go``
(``ttlSecondsAfterFinished`` is ``ttlafterfinished.py``). One sync of a Job:

1. its pods (by controller reference) are counted: active, terminating, newly succeeded, newly
   failed (a pod being deleted before it succeeded counts as failed);
2. the Job fails when ``failed > backoffLimit`` (6 by default) → ``BackoffLimitExceeded``, or
   when it has run ``activeDeadlineSeconds`` → ``DeadlineExceeded``; its active pods are deleted;
3. otherwise it keeps ``min(parallelism, completions − succeeded)`` pods active, creating them in
   slow-start batches — but after failures only once the **pod-failure back-off** has passed:
   10 s × 2^(failures since the last success − 1), capped at 10 min (``MaxJobPodFailureBackOff``;
   the Job docs say 6 min), counted from the last failure;
4. it is complete when ``succeeded ≥ completions`` and nothing is active.

Counting is crash-safe as in the real controller: every pod carries the finalizer
``batch.kubernetes.io/job-tracking``; a finished pod's uid goes to
``status.uncountedTerminatedPods`` first, then the finalizer is removed, then the uid moves into
``succeeded``/``failed``. Since v1.31 the terminal condition comes in two steps: the interim
``SuccessCriteriaMet`` / ``FailureTarget``, and ``Complete`` / ``Failed`` once no pod is still
terminating (both with the same reason). Pod changes reach a Job after 1 s
(``syncJobBatchPeriod``), so one sync sees a burst of them.

Simplified: NonIndexed Jobs only (no Indexed completion mode, success or pod-failure policies,
``backoffLimitPerIndex``, ``managedBy``); no adoption of orphan pods; ``suspend`` only deletes the
active pods (no Suspended condition).
"""

from __future__ import annotations

import copy

from k8sedu import objects
from k8sedu.client.controller import Controller
from k8sedu.client.informer import index_by_owner_uid
from k8sedu.errors import APIError, ConnectionRefused, NotFound

TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
SYNC_JOB_BATCH_PERIOD = 1.0
DEFAULT_POD_FAILURE_BACKOFF = 10.0  # DefaultJobPodFailureBackOff
MAX_POD_FAILURE_BACKOFF = 600.0  # MaxJobPodFailureBackOff (10 min in the code)
MAX_POD_CREATE_DELETE_PER_SYNC = 500
BACKOFF_LIMIT_MESSAGE = "Job has reached the specified backoff limit"
DEADLINE_MESSAGE = "Job was active longer than specified deadline"
COMPLETIONS_MESSAGE = "Reached expected number of succeeded pods"
PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def is_finished(job: dict) -> bool:
    """``IsJobFinished``: a Complete or Failed condition that is True."""
    return any(
        c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
        for c in (job.get("status") or {}).get("conditions") or []
    )


def is_pod_failed(pod: dict) -> bool:
    """``isPodFailed`` (podReplacementPolicy TerminatingOrFailed): Failed, or deleted unfinished."""
    phase = pod.get("status", {}).get("phase")
    return phase == "Failed" or (
        bool(pod["metadata"].get("deletionTimestamp")) and phase != "Succeeded"
    )


def is_active(pod: dict) -> bool:
    """``IsPodActive``: not terminal and not being deleted."""
    phase = pod.get("status", {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def backoff_delay(failures: int) -> float:
    """The pod-failure back-off after ``failures`` consecutive failures.

    >>> [backoff_delay(n) for n in (0, 1, 2, 3, 7, 8)]
    [0.0, 10.0, 20.0, 40.0, 600.0, 600.0]
    """
    if failures == 0:
        return 0.0
    return min(DEFAULT_POD_FAILURE_BACKOFF * 2 ** (failures - 1), MAX_POD_FAILURE_BACKOFF)


def condition(type_: str, reason: str, message: str, now: str) -> dict:
    return {
        "type": type_,
        "status": "True",
        "lastProbeTime": now,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    }


class JobController(Controller):
    resource = "jobs"
    service_account = "job-controller"

    def setup(self) -> None:
        self.backoff: dict[str, tuple[int, float | None]] = {}  # podBackoffStore: key → (n, last)
        self.informer("pods").add_indexers({"owner-uid": index_by_owner_uid})
        self.handle("pods", self.pod_changed, self.pod_updated, self.pod_changed)

    def pod_changed(self, pod: dict) -> None:
        ref = objects.controller_of(pod)
        if ref is not None and ref.get("kind") == "Job":
            # enqueueSyncJobBatched: pod events of one second are handled in one sync
            self.queue.add_after(
                f"{pod['metadata']['namespace']}/{ref['name']}", SYNC_JOB_BATCH_PERIOD
            )

    def pod_updated(self, old: dict, new: dict) -> None:
        self.pod_changed(new)

    # -- syncJob -----------------------------------------------------------------------------------

    def reconcile(self, key: str) -> None:
        shared = self.informer("jobs").get(key)
        if shared is None or is_finished(shared):
            self.backoff.pop(key, None)
            return
        job = copy.deepcopy(shared)
        spec, status = job["spec"], job.setdefault("status", {})
        uncounted = status.setdefault("uncountedTerminatedPods", {})
        now = self.sim.now
        pods = [
            p
            for p in self.informer("pods").by_index("owner-uid", job["metadata"]["uid"])
            if objects.controller_of(p)["uid"] == job["metadata"]["uid"]
        ]
        active_pods = [p for p in pods if is_active(p)]
        counted = set(
            uncounted.get("succeeded", []) + uncounted.get("failed", [])
        )  # membership only
        fresh = [p for p in pods if _tracked(p) and p["metadata"]["uid"] not in counted]
        new_succeeded = [p for p in fresh if p.get("status", {}).get("phase") == "Succeeded"]
        new_failed = [p for p in fresh if is_pod_failed(p)]
        succeeded = (
            status.get("succeeded", 0) + len(new_succeeded) + len(uncounted.get("succeeded", []))
        )
        failed = status.get("failed", 0) + len(new_failed) + len(uncounted.get("failed", []))
        if not status.get("startTime") and not spec.get("suspend"):
            status["startTime"] = self.cluster.timestamp()
        record = self.new_backoff_record(key, new_succeeded, new_failed)
        finished = _interim_condition(job)
        if finished is None:
            if failed > spec.get("backoffLimit", 6) or past_backoff_limit_on_failure(job, pods):
                finished = condition(
                    "FailureTarget",
                    "BackoffLimitExceeded",
                    BACKOFF_LIMIT_MESSAGE,
                    self.cluster.timestamp(),
                )
            elif (deadline := self.deadline_left(job)) is not None and deadline <= 0:
                finished = condition(
                    "FailureTarget", "DeadlineExceeded", DEADLINE_MESSAGE, self.cluster.timestamp()
                )
            elif deadline is not None:
                self.queue.add_after(key, deadline)
        terminating = sum(
            1
            for p in pods
            if p["metadata"].get("deletionTimestamp")
            and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
        )
        if finished is not None:
            deleted = self.delete_pods(job, active_pods)
            active = len(active_pods) - deleted
            terminating += deleted
        else:
            active, deleted = self.manage_job(job, key, active_pods, succeeded, record)
            terminating += deleted
            completions = spec.get("completions")
            done = succeeded >= completions if completions is not None else succeeded > 0
            if done and active == 0:
                finished = condition(
                    "SuccessCriteriaMet",
                    "CompletionsReached",
                    COMPLETIONS_MESSAGE,
                    self.cluster.timestamp(),
                )
        status["active"] = active
        status["ready"] = sum(1 for p in active_pods if objects.is_pod_ready(p))
        status["terminating"] = terminating
        self.track_status(key, job, shared, pods, finished, record, now)

    def deadline_left(self, job: dict) -> float | None:
        seconds = job["spec"].get("activeDeadlineSeconds")
        start = job["status"].get("startTime")
        if seconds is None or start is None or job["spec"].get("suspend"):
            return None
        return seconds - (self.sim.now - objects.parse_timestamp(start, self.cluster.epoch))

    def manage_job(
        self, job: dict, key: str, active_pods: list[dict], succeeded: int, record
    ) -> tuple[int, int]:
        """``manageJob`` → (active, deleted): delete extra pods, or create missing ones after
        the back-off."""
        spec, active = job["spec"], len(active_pods)
        if spec.get("suspend"):
            deleted = self.delete_pods(job, active_pods)
            return active - deleted, deleted
        parallelism, completions = spec.get("parallelism", 1), spec.get("completions")
        if completions is None:
            want = active if succeeded > 0 else parallelism
        else:
            want = max(0, min(completions - succeeded, parallelism))
        if active > want:
            victims = sorted(active_pods, key=_deletion_rank)[
                : min(active - want, MAX_POD_CREATE_DELETE_PER_SYNC)
            ]
            deleted = self.delete_pods(job, victims)
            return active - deleted, deleted
        diff = min(want - active, MAX_POD_CREATE_DELETE_PER_SYNC)
        if diff <= 0:
            return active, 0
        remaining = max(0.0, backoff_delay(record[0]) - (self.sim.now - (record[1] or 0.0)))
        if record[0] and remaining > 0:
            self.queue.add_after(key, remaining)
            return 0, 0  # the real controller reports 0 active while it backs off
        batch = 1  # slow start: 1, 2, 4, … stopping at the first failed batch
        while diff > 0:
            size = min(batch, diff)
            created = sum(self.create_pod(job) for _ in range(size))
            active += created
            if created < size:
                break
            diff -= size
            batch *= 2
        return active, 0

    def new_backoff_record(
        self, key: str, succeeded: list[dict], failed: list[dict]
    ) -> tuple[int, float | None]:
        """``newBackoffRecord``: failures since the last success and when the last one ended."""
        count, last = self.backoff.get(key, (0, None))
        if succeeded:
            last_success = max(self.finish_time(p) for p in succeeded)
            after = [self.finish_time(p) for p in failed if self.finish_time(p) > last_success]
            count, last = len(after), (max(after) if after else None)
        elif failed:
            count, last = count + len(failed), max(self.finish_time(p) for p in failed)
        if succeeded or failed:
            self.backoff[key] = (count, last)
        return count, last

    def finish_time(self, pod: dict) -> float:
        """``getFinishedTime``: last container end, Ready=False time, deletion, or creation."""
        epoch = self.cluster.epoch
        statuses = pod.get("status", {}).get("containerStatuses") or []
        ends = [(s.get("state") or {}).get("terminated", {}).get("finishedAt") for s in statuses]
        if statuses and all(ends):
            return max(objects.parse_timestamp(e, epoch) for e in ends)
        ready = objects.get_condition(pod, "Ready")
        if ready is not None and ready.get("status") == "False" and ready.get("lastTransitionTime"):
            return objects.parse_timestamp(ready["lastTransitionTime"], epoch)
        meta = pod["metadata"]
        if meta.get("deletionTimestamp"):
            grace = meta.get("deletionGracePeriodSeconds") or 0
            return objects.parse_timestamp(meta["deletionTimestamp"], epoch) - grace
        return objects.parse_timestamp(meta["creationTimestamp"], epoch)

    # -- pods --------------------------------------------------------------------------------------

    def create_pod(self, job: dict) -> bool:
        """``CreatePodsWithGenerateName``: the template, the tracking finalizer, the owner ref."""
        template = copy.deepcopy(job["spec"]["template"])
        meta = template.get("metadata") or {}
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "generateName": f"{job['metadata']['name']}-",
                "labels": meta.get("labels") or {},
                "annotations": meta.get("annotations") or {},
                "finalizers": [*(meta.get("finalizers") or []), TRACKING_FINALIZER],
                "ownerReferences": [objects.owner_reference(job)],
            },
            "spec": template["spec"],
        }
        try:
            pod = self.client.create("pods", body, job["metadata"]["namespace"])
        except (APIError, ConnectionRefused) as error:
            self.recorder.event(job, "Warning", "FailedCreate", f"Error creating: {error}")
            return False
        self.recorder.event(
            job, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}"
        )
        return True

    def delete_pods(self, job: dict, pods: list[dict]) -> int:
        deleted = 0
        for pod in pods:
            name = pod["metadata"]["name"]
            try:
                self.client.delete("pods", name, pod["metadata"]["namespace"])
            except NotFound:
                pass
            except (APIError, ConnectionRefused) as error:
                self.recorder.event(job, "Warning", "FailedDelete", f"Error deleting: {error}")
                continue
            self.recorder.event(job, "Normal", "SuccessfulDelete", f"Deleted pod: {name}")
            deleted += 1
        return deleted

    # -- trackJobStatusAndRemoveFinalizers ---------------------------------------------------------

    def track_status(self, key, job, shared, pods, finished, record, now) -> None:
        status = job["status"]
        uncounted = status["uncountedTerminatedPods"]
        release = []
        for pod in pods:
            if not _tracked(pod):
                continue
            uid, failed_now = pod["metadata"]["uid"], is_pod_failed(pod)
            succeeded_now = pod.get("status", {}).get("phase") == "Succeeded"
            if not (finished or succeeded_now or failed_now):
                continue
            release.append(pod)
            if succeeded_now and uid not in uncounted.get("failed", []):
                _append_once(uncounted, "succeeded", uid)
            elif failed_now or (finished and finished["type"] != "SuccessCriteriaMet"):
                _append_once(uncounted, "failed", uid)
        final = None
        if finished is not None:
            if not objects.get_condition(job, finished["type"]):
                status.setdefault("conditions", []).append(finished)
            final_type = "Failed" if finished["type"] == "FailureTarget" else "Complete"
            final = dict(finished, type=final_type)
        if status != (shared.get("status") or {}):
            job = self.client.update_status("jobs", job)  # flush: uids recorded before release
            status, uncounted = (
                job["status"],
                job["status"].setdefault("uncountedTerminatedPods", {}),
            )
        for pod in release:
            self.remove_finalizer(pod)
        changed = False
        for field in ("succeeded", "failed"):
            moved = uncounted.pop(field, [])
            if moved:
                status[field] = status.get(field, 0) + len(moved)
                changed = True
        done = final is not None and not status.get("terminating")
        if done:
            stamp = self.cluster.timestamp()
            status["conditions"].append(dict(final, lastProbeTime=stamp, lastTransitionTime=stamp))
            if final["type"] == "Complete":
                status["completionTime"] = stamp
        if changed or done:
            job = self.client.update_status("jobs", job)
        if done:
            self.backoff.pop(key, None)
            if final["type"] == "Complete":
                self.recorder.event(job, "Normal", "Completed", "Job completed")
            else:
                self.recorder.event(job, "Warning", final["reason"], final["message"])

    def remove_finalizer(self, pod: dict) -> None:
        remaining = [f for f in pod["metadata"].get("finalizers") or [] if f != TRACKING_FINALIZER]
        try:
            self.client.patch(
                "pods",
                pod["metadata"]["name"],
                {"metadata": {"finalizers": remaining or None}},
                pod["metadata"]["namespace"],
                type="merge",
            )
        except NotFound:
            pass


def past_backoff_limit_on_failure(job: dict, pods: list[dict]) -> bool:
    """``pastBackoffLimitOnFailure``: with ``restartPolicy: OnFailure`` container restarts count."""
    if job["spec"]["template"]["spec"].get("restartPolicy") != "OnFailure":
        return False
    restarts = sum(
        s.get("restartCount", 0)
        for p in pods
        if p.get("status", {}).get("phase") in ("Running", "Pending")
        for s in (p["status"].get("initContainerStatuses") or [])
        + (p["status"].get("containerStatuses") or [])
    )
    limit = job["spec"].get("backoffLimit", 6)
    return restarts > 0 if limit == 0 else restarts >= limit


def _interim_condition(job: dict) -> dict | None:
    """A SuccessCriteriaMet or FailureTarget condition a previous sync already set."""
    for type_ in ("SuccessCriteriaMet", "FailureTarget"):
        found = objects.get_condition(job, type_)
        if found is not None and found.get("status") == "True":
            return found
    return None


def _tracked(pod: dict) -> bool:
    return TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or [])


def _append_once(uncounted: dict, field: str, uid: str) -> None:
    if uid not in uncounted.setdefault(field, []):
        uncounted[field].append(uid)


def _deletion_rank(pod: dict) -> tuple:
    """``controller.ActivePods``: unassigned, Pending, not Ready, restarted more, newer go first."""
    status = pod.get("status", {})
    restarts = sum(s.get("restartCount", 0) for s in status.get("containerStatuses") or [])
    created = pod["metadata"].get("creationTimestamp", "")
    return (
        bool(pod["spec"].get("nodeName")),
        PHASE_RANK.get(status.get("phase"), 0),
        objects.is_pod_ready(pod),
        -restarts,
        -objects.parse_timestamp(created) if created else 0.0,  # newer first
    )
