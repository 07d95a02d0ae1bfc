"""Preemption: choose the node where evicting lower-priority pods lets a pending pod run.

Models ``pkg/scheduler/framework/preemption/preemption.go`` (``Evaluator.Preempt``):

1. Is the pod allowed to preempt (``preemptionPolicy`` not ``Never``; not already waiting for
   victims it evicted)?
2. Candidates: only nodes that failed with a *resolvable* reason (Unschedulable, not
   UnschedulableAndUnresolvable — evicting pods does not remove a taint). A dry run on copies,
   from a random offset, finds victims per node until enough candidates (10 % of the nodes, at
   least 100) are found, preferring ones that break no PodDisruptionBudget.
3. Pick one node: fewest PDB violations → lowest highest-victim priority → smallest sum of
   priorities → fewest victims → latest start of the highest-priority victims → the first.
4. Evict: mark each victim ``DisruptionTarget=True`` (PreemptionByScheduler), delete it
   gracefully, record a ``Preempted`` event; clear lower-priority nominations on that node.
   The pod itself gets ``status.nominatedNodeName`` and is retried when the victims are gone.

Simplified: preemption runs synchronously in the scheduling cycle; no extenders.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.errors import APIError, ConnectionRefused, NotFound
from k8sedu.scheduler.framework import SUCCESS, Code, Status

NOT_HELPFUL = "Preemption is not helpful for scheduling"
MAX_INT32 = 2**31 - 1


def start_time(pi, now: float) -> float:
    """``GetPodStartTime``: status.startTime, or now for a pod that has not started."""
    started = (pi.pod.get("status") or {}).get("startTime")
    return objects.parse_timestamp(started) if started else now


def importance(pi, now: float) -> tuple[int, float]:
    """Sort key for ``MoreImportantPod``: higher priority first, then the longer-running pod."""
    return (-pi.priority, start_time(pi, now))


class Candidate:
    def __init__(self, node: str, victims: list, num_pdb_violations: int) -> None:
        self.node = node
        self.victims = victims
        self.num_pdb_violations = num_pdb_violations


class Evaluator:
    """One preemption attempt for one pod (``preemption.Evaluator``)."""

    def __init__(self, fwk, plugin, state) -> None:
        self.fwk = fwk
        self.plugin = plugin
        self.state = state
        self.now = fwk.scheduler.sim.now

    def preempt(self, pod: dict, statuses: dict[str, Status]) -> tuple[str | None, Status]:
        pi = self.state.pod_info
        nominated = (pod.get("status") or {}).get("nominatedNodeName") or ""
        ok, why = self.plugin.eligible(pi, statuses.get(nominated))
        if not ok:
            return None, Status(Code.UNSCHEDULABLE, why)
        table = self.fwk.cache.table()
        potential = [
            ni
            for ni in table.infos
            if (s := statuses.get(ni.name)) is not None and s.code == Code.UNSCHEDULABLE
        ]
        candidates, failed = self.find_candidates(pod, potential)
        if not candidates:
            message = self.no_candidates_message(len(table), failed)
            return "", Status(Code.UNSCHEDULABLE, message)
        best = self.select_candidate(candidates)
        status = self.prepare_candidate(best, pod)
        return (best.node, SUCCESS) if status.is_success else (None, status)

    def find_candidates(self, pod: dict, potential: list) -> tuple[list, dict[str, Status]]:
        """``findCandidates`` + ``DryRunPreemption``: victims per node on copies."""
        if not potential:
            return [], {}
        pdbs = self.fwk.informer("poddisruptionbudgets").list()
        offset = self.fwk.rng.randrange(len(potential))
        wanted = self.plugin.calculate_num_candidates(len(potential))
        fine, violating, failed = [], [], {}
        for i in range(len(potential)):
            ni = potential[(offset + i) % len(potential)].clone()
            state = self.state.clone()
            victims, violations, status = self.plugin.select_victims_on_node(
                state, pod, ni, pdbs, self.now
            )
            if status.is_success and victims:
                (violating if violations else fine).append(Candidate(ni.name, victims, violations))
                if fine and len(fine) + len(violating) >= wanted:
                    break
                continue
            if status.is_success:
                status = Status(Code.ERROR, f'expected at least one victim pod on node "{ni.name}"')
            failed[ni.name] = status
        return fine + violating, failed

    def no_candidates_message(self, num_nodes: int, failed: dict[str, Status]) -> str:
        """The FitError of the dry run: its reasons, and "not helpful" for every other node."""
        counts: dict[str, int] = {}
        for status in failed.values():
            for reason in status.reasons:
                counts[reason] = counts.get(reason, 0) + 1
        absent = num_nodes - len(failed)
        if absent > 0:
            counts[NOT_HELPFUL] = counts.get(NOT_HELPFUL, 0) + absent
        histogram = sorted(f"{n} {reason}" for reason, n in counts.items())
        return f"0/{num_nodes} nodes are available: {', '.join(histogram)}."

    def select_candidate(self, candidates: list[Candidate]) -> Candidate:
        """``pickOneNodeForPreemption``: each rule keeps the best; ties go to the next rule."""
        now = self.now

        def highest_victims_start(c: Candidate) -> float:
            top = max(v.priority for v in c.victims)
            return min(start_time(v, now) for v in c.victims if v.priority == top)

        rules = (
            lambda c: -c.num_pdb_violations,
            lambda c: -max(v.priority for v in c.victims),
            lambda c: -sum(v.priority + MAX_INT32 + 1 for v in c.victims),
            lambda c: -len(c.victims),
            highest_victims_start,
        )
        remaining = candidates
        for rule in rules:
            best = max(rule(c) for c in remaining)
            remaining = [c for c in remaining if rule(c) == best]
            if len(remaining) == 1:
                break
        return remaining[0]

    def prepare_candidate(self, c: Candidate, pod: dict) -> Status:
        """``prepareCandidate``: evict the victims, clear weaker nominations on the node."""
        client = self.fwk.client
        scheduler_name = (pod.get("spec") or {}).get("schedulerName", "default-scheduler")
        condition = {
            "type": "DisruptionTarget",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": self.fwk.scheduler.cluster.timestamp(),
            "reason": "PreemptionByScheduler",
            "message": f"{scheduler_name}: preempting to accommodate a higher priority pod",
        }
        for victim in c.victims:
            try:
                client.patch(
                    "pods/status",
                    victim.name,
                    {"status": {"conditions": [condition]}},
                    victim.namespace,
                )
                client.delete("pods", victim.name, victim.namespace)
            except NotFound:
                continue  # already gone: nothing to evict
            except (APIError, ConnectionRefused) as error:
                return Status(Code.ERROR, str(error))
            message = f"Preempted by pod {pod['metadata'].get('uid', '')} on node {c.node}"
            self.fwk.recorder.event(victim.pod, "Normal", "Preempted", message)
        pi = self.state.pod_info
        for other in self.fwk.nominator.nominated_pods(c.node):
            if other.priority < pi.priority:
                self.fwk.scheduler.set_nominated_node(other, "")
        return SUCCESS
