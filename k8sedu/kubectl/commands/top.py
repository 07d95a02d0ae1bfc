"""``kubectl top pod|node``: CPU and memory use, read from the metrics API.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/top`` (``top_pod.go``, ``top_node.go``) and its
printer (``metricsutil/metrics_printer.go``): CPU as ``MilliValue()`` + ``m``, memory as
``Value() / 2^20`` + ``Mi``, node percentages of allocatable by integer division, every cell
followed by a tab (so lines end in padding), ``<unknown>`` for a node nobody can measure, and
``metrics not available yet`` while pods are too new to have been scraped.
"""

from __future__ import annotations

from k8sedu import objects, quantity
from k8sedu.errors import KubectlError, NotFound
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag
from k8sedu.kubectl.table import TabWriter
from k8sedu.kubelet import metrics
from k8sedu.kubelet.backoff import go_duration

MiB = 1024 * 1024


def _cpu(text: str) -> int:
    return metrics.parse_cpu(text)


def _memory(text: str) -> int:
    return metrics.parse_memory(text)


def _print(rows: list[list[str]], no_headers: bool, header: list[str]) -> str:
    writer = TabWriter(remember_widths=False)
    for row in ([] if no_headers else [header]) + rows:
        writer.write("".join(f"{cell}\t" for cell in row) + "\n")
    return writer.flush()


def _sort(items: list[dict], sort_by: str, usage) -> list[dict]:
    if not sort_by:
        return items
    if sort_by not in ("cpu", "memory"):
        raise KubectlError("error: --sort-by accepts only cpu or memory")
    parse = _cpu if sort_by == "cpu" else _memory
    return sorted(items, key=lambda m: -parse(usage(m)[sort_by]))


def _pod_usage(item: dict) -> dict:
    return {
        "cpu": f"{sum(_cpu(c['usage']['cpu']) for c in item['containers'])}m",
        "memory": str(sum(_memory(c["usage"]["memory"]) for c in item["containers"])),
    }


def top_pod(inv: Invocation) -> None:
    ns = None if inv.all_namespaces else inv.namespace
    selector = inv.flags["selector"] or None
    items = metrics.pod_metrics(inv.cluster, ns, selector)
    if inv.args:
        name = inv.args[0]
        items = [m for m in items if m["metadata"]["name"] == name]
        if not items:
            pod = inv.api.get("pods", name, inv.namespace)  # NotFound as the server says it
            age = inv.cluster.now - objects.parse_timestamp(
                pod["metadata"]["creationTimestamp"], inv.cluster.epoch
            )
            raise KubectlError(
                f"error: Metrics not available for pod {inv.namespace}/{name}, age: {go_duration(age)}"
            )
    if not items:
        if inv.api.list("pods", namespace=ns, label_selector=selector):
            raise KubectlError("error: metrics not available yet")
        inv.err("No resources found" if ns is None else f"No resources found in {ns} namespace.")
        return
    items = _sort(items, inv.flags["sort-by"], _pod_usage)
    prefix = ["NAMESPACE"] if inv.all_namespaces else []
    rows = []
    for item in items:
        lead = [item["metadata"]["namespace"]] if inv.all_namespaces else []
        if inv.flags["containers"]:
            for c in item["containers"]:
                rows.append(lead + [item["metadata"]["name"], c["name"], *_cells(c["usage"])])
        else:
            rows.append(lead + [item["metadata"]["name"], *_cells(_pod_usage(item))])
    if inv.flags["containers"]:
        header = prefix + ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"]
    else:
        header = prefix + ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    inv.out(_print(rows, inv.flags["no-headers"], header))


def _cells(usage: dict) -> list[str]:
    return [f"{_cpu(usage['cpu'])}m", f"{_memory(usage['memory']) // MiB}Mi"]


def top_node(inv: Invocation) -> None:
    selector = inv.flags["selector"] or None
    nodes = list(inv.api.list("nodes", label_selector=selector))
    if inv.args:
        nodes = [inv.api.get("nodes", inv.args[0])]
    by_name = {m["metadata"]["name"]: m for m in metrics.node_metrics(inv.cluster)}
    measured = [n for n in nodes if n["metadata"]["name"] in by_name]
    if inv.args and not measured:
        raise NotFound(f'nodemetrics.metrics.k8s.io "{inv.args[0]}" not found')
    if not measured:
        raise KubectlError("error: metrics not available yet")
    ordered = _sort(
        measured, inv.flags["sort-by"], lambda n: by_name[n["metadata"]["name"]]["usage"]
    )
    rows = []
    for node in ordered + [n for n in nodes if n not in measured]:
        name = node["metadata"]["name"]
        if name not in by_name:
            rows.append([name] + ["<unknown>"] * 4)
            continue
        usage = by_name[name]["usage"]
        allocatable = node["status"].get("allocatable") or {}
        cpu, memory = _cpu(usage["cpu"]), _memory(usage["memory"])
        cpu_total = quantity.cpu_millis(allocatable.get("cpu", "0")) or 1
        memory_total = quantity.to_int(allocatable.get("memory", "0")) or 1
        rows.append(
            [
                name,
                f"{cpu}m",
                f"{cpu * 100 // cpu_total}%",
                f"{memory // MiB}Mi",
                f"{memory * 100 // memory_total}%",
            ]
        )
    header = ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    inv.out(_print(rows, inv.flags["no-headers"], header))


SHARED_FLAGS = (
    Flag("selector", "l", "string", help="Selector (label query) to filter on"),
    Flag("sort-by", kind="string", help="If non-empty, sort by cpu or memory."),
    Flag("no-headers", help="If present, print output without headers."),
)

COMMANDS = (
    Command("top", None, short="Display resource (CPU/memory) usage"),
    Command(
        "top pod",
        top_pod,
        short="Display resource (CPU/memory) usage of pods",
        usage="top pod [NAME | -l label]",
        aliases=("pods", "po"),
        flags=SHARED_FLAGS
        + (
            Flag("all-namespaces", "A", help="List the requested object(s) across all namespaces."),
            Flag("containers", help="If present, print usage of containers within a pod."),
        ),
    ),
    Command(
        "top node",
        top_node,
        short="Display resource (CPU/memory) usage of nodes",
        usage="top node [NAME | -l label]",
        aliases=("nodes", "no"),
        flags=SHARED_FLAGS,
    ),
)
