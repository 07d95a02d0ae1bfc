"""``kubectl describe node`` (describe.go: ``describeNode``, ``describeNodeLease``,
``describeNodeResource``): roles, taints, lease, conditions, capacity, the non-terminated pods with
their requests and limits as percentages of allocatable, and the allocated totals.

Simplified: hugepages and extended resources are not listed under ``Allocated resources``, and a
sum of quantities is written in the suffix family of the first pod's request, as Go's ``Add`` keeps.
"""

from __future__ import annotations

from fractions import Fraction

from k8sedu.kubectl.describe.writer import (
    PrefixWriter,
    describe_events,
    go_bool,
    print_annotations,
    print_labels,
    print_taints,
    rfc1123z,
    since,
)
from k8sedu.quantity import DECIMAL_SI, format_quantity, pod_limits, pod_requests
from k8sedu.quantity import parse as parse_quantity

_SYSTEM_INFO = (
    ("Machine ID", "machineID"),
    ("System UUID", "systemUUID"),
    ("Boot ID", "bootID"),
    ("Kernel Version", "kernelVersion"),
    ("OS Image", "osImage"),
    ("Operating System", "operatingSystem"),
    ("Architecture", "architecture"),
    ("Container Runtime Version", "containerRuntimeVersion"),
    ("Kubelet Version", "kubeletVersion"),
)


def node_roles(node: dict) -> list[str]:
    """``findNodeRoles``: ``node-role.kubernetes.io/<role>`` labels and ``kubernetes.io/role``."""
    roles = set()
    for key, value in (node["metadata"].get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key != "node-role.kubernetes.io/":
            roles.add(key.removeprefix("node-role.kubernetes.io/"))
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def describe_node(
    node: dict, events: list[dict] | None, now: float, pods: list[dict], lease: dict | None
) -> str:
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    print_taints(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{go_bool(spec.get('unschedulable'))}\n")
    if lease is None:
        w.write(
            0,
            f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{meta["name"]}" not found\n',
        )
    else:
        lease_spec = lease.get("spec") or {}
        w.write(0, "Lease:\n")
        w.write(1, f"HolderIdentity:\t{lease_spec.get('holderIdentity', '<unset>')}\n")
        for title, key in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
            value = lease_spec.get(key)
            w.write(1, f"{title}:\t{rfc1123z(value) if value else '<unset>'}\n")
    if status.get("conditions"):
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        )
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(
                1,
                f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n",
            )
    w.write(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w.write(1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
    for title in ("Capacity", "Allocatable"):
        resources = status.get(title.lower()) or {}
        if resources:
            w.write(0, f"{title}:\n")
            for name in sorted(resources):
                w.write(0, f"  {name}:\t{resources[name]}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in _SYSTEM_INFO:
        w.write(0, f"  {title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    running = [
        p
        for p in pods
        if (p.get("spec") or {}).get("nodeName") == meta["name"]
        and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
    ]
    _describe_node_resource(w, node, running, now)
    if events is not None:
        describe_events(w, events, now)
    return w.text()


def _percent(amount: int, total: int) -> int:
    """Go's ``int64(float64(a) / float64(b) * 100)``: truncated, 0 when nothing is allocatable."""
    return int(amount / total * 100) if total else 0


def _sum_text(pods: list[dict], resource: str, amount: int) -> str:
    """Quantity.String() of a sum: cpu in millicores, memory in the first request's suffix family."""
    if resource == "cpu":
        return format_quantity(Fraction(amount, 1000))
    for pod in pods:
        for c in (pod.get("spec") or {}).get("containers") or []:
            for kind in ("requests", "limits"):
                text = ((c.get("resources") or {}).get(kind) or {}).get(resource)
                if text is not None:
                    return format_quantity(amount, parse_quantity(text).format)
    return format_quantity(amount, DECIMAL_SI)


def _describe_node_resource(w: PrefixWriter, node: dict, pods: list[dict], now: float) -> None:
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    alloc_cpu = round(parse_quantity(allocatable.get("cpu", "0")).value * 1000)
    alloc_memory = round(parse_quantity(allocatable.get("memory", "0")).value)
    alloc_storage = round(parse_quantity(allocatable.get("ephemeral-storage", "0")).value)
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    totals = {"requests": [0, 0, 0], "limits": [0, 0, 0]}
    for pod in pods:
        req, lim = pod_requests(pod), pod_limits(pod)
        for key, r in (("requests", req), ("limits", lim)):
            totals[key] = [
                totals[key][0] + r.cpu,
                totals[key][1] + r.memory,
                totals[key][2] + r.ephemeral_storage,
            ]
        cells = [
            f"{_sum_text([pod], 'cpu', req.cpu)} ({_percent(req.cpu, alloc_cpu)}%)",
            f"{_sum_text([pod], 'cpu', lim.cpu)} ({_percent(lim.cpu, alloc_cpu)}%)",
            f"{_sum_text([pod], 'memory', req.memory)} ({_percent(req.memory, alloc_memory)}%)",
            f"{_sum_text([pod], 'memory', lim.memory)} ({_percent(lim.memory, alloc_memory)}%)",
        ]
        meta = pod["metadata"]
        age = since(meta.get("creationTimestamp"), now)
        w.write(
            1, f"{meta.get('namespace', '')}\t{meta['name']}\t\t" + "\t".join(cells) + f"\t{age}\n"
        )
    w.write(
        0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
    )
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    for i, (name, total) in enumerate(
        (("cpu", alloc_cpu), ("memory", alloc_memory), ("ephemeral-storage", alloc_storage))
    ):
        req, lim = totals["requests"][i], totals["limits"][i]
        w.write(
            1,
            f"{name}\t{_sum_text(pods, name, req)} ({_percent(req, total)}%)\t"
            f"{_sum_text(pods, name, lim)} ({_percent(lim, total)}%)\n",
        )
