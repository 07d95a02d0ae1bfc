"""DefaultPreemption: when no node fits, make room by evicting lower-priority pods.

Source: ``pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go``. This file
holds the per-node rules; the search over nodes is ``k8sedu/scheduler/preemption.py``.

On one node (``SelectVictimsOnNode``): take away every pod of strictly lower priority; if the
pod still does not fit, preemption cannot help there. Otherwise give pods back, most important
first — those whose PodDisruptionBudget would be violated first, then the rest — keeping each
one the pod can live with. Whatever could not be given back are the victims.
"""

from __future__ import annotations

from k8sedu import labels as labelsel
from k8sedu import objects
from k8sedu.scheduler.framework import SUCCESS, Code, Status
from k8sedu.scheduler.preemption import Evaluator, importance

NAME = "DefaultPreemption"
NO_VICTIMS = "No preemption victims found for incoming pod"


def filter_pods_with_pdb_violation(pods: list, pdbs: list[dict]) -> tuple[list, list]:
    """``filterPodsWithPDBViolation``: split pods (in order) by whether evicting them all would
    exceed a PodDisruptionBudget's ``disruptionsAllowed``."""
    allowed = [(pdb.get("status") or {}).get("disruptionsAllowed", 0) for pdb in pdbs]
    violating, fine = [], []
    for pi in pods:
        violated = False
        for i, pdb in enumerate(pdbs if pi.labels else ()):
            if pdb["metadata"].get("namespace") != pi.namespace:
                continue
            selector = labelsel.selector_from_spec((pdb.get("spec") or {}).get("selector"))
            if selector.empty or not selector.matches(pi.labels):
                continue  # an empty or missing selector matches nothing here
            if pi.name in ((pdb.get("status") or {}).get("disruptedPods") or {}):
                continue  # the API server already counted this one
            allowed[i] -= 1
            violated = violated or allowed[i] < 0
        (violating if violated else fine).append(pi)
    return violating, fine


class DefaultPreemption:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle
        args = args or {}
        self.min_candidate_nodes_percentage = int(args.get("minCandidateNodesPercentage", 10))
        self.min_candidate_nodes_absolute = int(args.get("minCandidateNodesAbsolute", 100))

    def post_filter(self, state, pod, statuses: dict):
        node, status = Evaluator(self.handle, self, state).preempt(pod, statuses)
        if status.message:
            return node, Status(status.code, "preemption: " + status.message, plugin=NAME)
        return node, status

    def calculate_num_candidates(self, num_nodes: int) -> int:
        """``calculateNumCandidates``: 10 % of the nodes, at least 100, at most all of them."""
        n = num_nodes * self.min_candidate_nodes_percentage // 100
        return min(max(n, self.min_candidate_nodes_absolute), num_nodes)

    def eligible(self, pod_info, nominated_status: Status | None) -> tuple[bool, str]:
        """``PodEligibleToPreemptOthers``."""
        spec = pod_info.pod.get("spec") or {}
        if spec.get("preemptionPolicy") == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        nominated = (pod_info.pod.get("status") or {}).get("nominatedNodeName")
        if nominated:
            if nominated_status is not None and (
                nominated_status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
            ):
                return True, ""
            ni = self.handle.cache.nodes.get(nominated)
            for other in ni.pod_infos() if ni is not None else ():
                if other.priority < pod_info.priority and terminating_by_preemption(other.pod):
                    return False, "not eligible due to a terminating pod on the nominated node."
        return True, ""

    def select_victims_on_node(self, state, pod: dict, ni, pdbs: list[dict], now: float):
        """``SelectVictimsOnNode`` on a copy of the node → (victims, PDB violations, Status)."""
        fwk, pi = self.handle, state.pod_info
        potential = [p for p in ni.pods if p.priority < pi.priority]
        if not potential:
            return [], 0, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, NO_VICTIMS, plugin=NAME)
        for p in potential:
            ni.remove_pod(p.uid)
            fwk.run_pre_filter_extension(state, pod, p, ni, add=False)
        status = fwk.run_filter_with_nominated(state, pod, ni)
        if not status.is_success:
            return [], 0, status
        potential.sort(key=lambda p: importance(p, now))
        violating, fine = filter_pods_with_pdb_violation(potential, pdbs)
        victims = []

        def reprieve(p) -> bool:
            ni.add_pod(p)
            fwk.run_pre_filter_extension(state, pod, p, ni, add=True)
            if fwk.run_filter_with_nominated(state, pod, ni).is_success:
                return True
            ni.remove_pod(p.uid)
            fwk.run_pre_filter_extension(state, pod, p, ni, add=False)
            victims.append(p)
            return False

        num_violating = sum(1 for p in violating if not reprieve(p))
        for p in fine:
            reprieve(p)
        if violating and fine:
            victims.sort(key=lambda p: importance(p, now))
        return victims, num_violating, SUCCESS


def terminating_by_preemption(pod: dict) -> bool:
    """``podTerminatingByPreemption``: deleting, with DisruptionTarget=True by the scheduler."""
    if pod["metadata"].get("deletionTimestamp") is None:
        return False
    cond = objects.get_condition(pod, "DisruptionTarget")
    return (
        bool(cond)
        and cond.get("status") == "True"
        and cond.get("reason") == "PreemptionByScheduler"
    )
