"""``kubectl describe`` for Deployments and ReplicaSets (describe.go: ``describeDeployment``,
``describeReplicaSet``, ``getPodStatusForController``; old and new ReplicaSets as
``kubectl/pkg/util/deployment`` finds them).
"""

from __future__ import annotations

import copy

from k8sedu.kubectl.describe.pod import describe_pod_template
from k8sedu.kubectl.describe.writer import (
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    rfc1123z,
)
from k8sedu.objects import controller_of, format_label_selector, selector_from_spec


def describe_replicaset(rs: dict, events: list[dict] | None, now: float, pods: list[dict]) -> str:
    meta, spec, status = rs["metadata"], rs.get("spec") or {}, rs.get("status") or {}
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    owner = controller_of(rs)
    if owner:
        w.write(0, f"Controlled By:\t{owner.get('kind', '')}/{owner.get('name', '')}\n")
    w.write(
        0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 0)} desired\n"
    )
    running, waiting, succeeded, failed = pod_phase_counts(rs, pods)
    w.write(
        0,
        f"Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n",
    )
    describe_pod_template(w, spec.get("template"))
    _describe_conditions(w, status.get("conditions"))
    if events is not None:
        describe_events(w, events, now)
    return w.text()


def pod_phase_counts(owner: dict, pods: list[dict]) -> tuple[int, int, int, int]:
    """Running, Pending ("Waiting"), Succeeded and Failed pods the owner selects and controls."""
    selector = selector_from_spec((owner.get("spec") or {}).get("selector"))
    uid = owner["metadata"].get("uid")
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        ref = controller_of(pod)
        if (
            not selector.matches(pod["metadata"].get("labels"))
            or ref is None
            or ref.get("uid") != uid
        ):
            continue
        phase = (pod.get("status") or {}).get("phase")
        if phase in counts:
            counts[phase] += 1
    return counts["Running"], counts["Pending"], counts["Succeeded"], counts["Failed"]


def describe_deployment(
    deployment: dict, events: list[dict] | None, now: float, replicasets: list[dict]
) -> str:
    meta, spec, status = (
        deployment["metadata"],
        deployment.get("spec") or {},
        deployment.get("status") or {},
    )
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{selector_from_spec(spec.get('selector'))}\n")
    w.write(
        0,
        f"Replicas:\t{spec.get('replicas', 0)} desired | {status.get('updatedReplicas', 0)} updated | "
        f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
        f"{status.get('unavailableReplicas', 0)} unavailable\n",
    )
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.write(
            0,
            f"RollingUpdateStrategy:\t{rolling.get('maxUnavailable', 0)} max unavailable, "
            f"{rolling.get('maxSurge', 0)} max surge\n",
        )
    describe_pod_template(w, spec.get("template"))
    _describe_conditions(w, status.get("conditions"))
    old, new = old_and_new_replicasets(deployment, replicasets)
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_replicaset_list(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replicaset_list(new)}\n")
    if events is not None:
        describe_events(w, events, now)
    return w.text()


def _describe_conditions(w: PrefixWriter, conditions: list | None) -> None:
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def _without_hash(template: dict | None) -> dict:
    template = copy.deepcopy(template or {})
    (template.get("metadata") or {}).get("labels", {}).pop("pod-template-hash", None)
    return template


def old_and_new_replicasets(deployment: dict, replicasets: list[dict]) -> tuple[list, list]:
    """``FindNewReplicaSet`` / ``FindOldReplicaSets``: the deployment's ReplicaSets, oldest first;
    the new one is the oldest whose template equals the deployment's, ignoring pod-template-hash."""
    uid = deployment["metadata"].get("uid")
    owned = [rs for rs in replicasets if (controller_of(rs) or {}).get("uid") == uid]
    owned.sort(key=lambda rs: (rs["metadata"].get("creationTimestamp", ""), rs["metadata"]["name"]))
    wanted = _without_hash((deployment.get("spec") or {}).get("template"))
    new = [rs for rs in owned if _without_hash((rs.get("spec") or {}).get("template")) == wanted][
        :1
    ]
    return [rs for rs in owned if rs not in new], new


def _replicaset_list(replicasets: list[dict]) -> str:
    parts = [
        f"{rs['metadata']['name']} ({(rs.get('status') or {}).get('replicas', 0)}/"
        f"{(rs.get('spec') or {}).get('replicas', 0)} replicas created)"
        for rs in replicasets
    ]
    return ", ".join(parts) or "<none>"
