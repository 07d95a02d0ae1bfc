"""Resource metrics: what each kubelet measures, served as the metrics API (``metrics.k8s.io``).

The kubelet's ``/metrics/resource`` endpoint gives CPU and memory per container; metrics-server
scrapes every node and serves ``PodMetrics`` and ``NodeMetrics`` (``metrics.k8s.io/v1beta1``),
which ``kubectl top`` and the HPA read. Values come from the containers' behaviours at the
current instant: CPU in millicores (pinned at the limit when throttled), memory in bytes.

Simplified: metrics-server runs beside the API server as plain functions (no APIService); a pod
has metrics once every running container has run for one resolution period (15 s); node usage
is the sum of its pods plus a fixed system overhead (kubelet, containerd, kube-proxy; the
control plane's components on its node).
"""

from __future__ import annotations

from k8sedu import labels, quantity

API_VERSION = "metrics.k8s.io/v1beta1"
RESOLUTION = 15.0  # metrics-server --metric-resolution
MiB = 1024 * 1024
SYSTEM_USAGE = {"worker": (40, 280 * MiB), "control-plane": (180, 900 * MiB)}


def container_usage(run, now: float) -> tuple[float, int]:
    """(millicores, bytes) one running container uses now."""
    return run.cpu(now), run.memory(now)


def _cpu_text(millis: float) -> str:
    return f"{round(millis * 1_000_000)}n"  # metrics-server reports nanocores


def _memory_text(amount: int) -> str:
    return f"{amount // 1024}Ki"


def pod_metrics(
    cluster, namespace: str | None = None, label_selector: str | None = None
) -> list[dict]:
    """``PodMetrics`` of every pod with metrics, in namespace/name order."""
    selector = labels.parse_selector(label_selector) if label_selector else None
    now = cluster.now
    items = []
    for host in machines(cluster):
        kubelet = host.kubelet
        if kubelet is None or not kubelet.running:
            continue
        for worker in kubelet.workers.values():
            meta = worker.pod["metadata"]
            if namespace is not None and meta.get("namespace") != namespace:
                continue
            if selector is not None and not selector.matches(meta.get("labels") or {}):
                continue
            runs = worker.running()
            if not runs or any(now - run.started < RESOLUTION for run in runs):
                continue
            containers = []
            for run in runs:
                cpu, memory = container_usage(run, now)
                containers.append(
                    {
                        "name": run.name,
                        "usage": {"cpu": _cpu_text(cpu), "memory": _memory_text(memory)},
                    }
                )
            items.append(_metrics("PodMetrics", cluster, meta, containers=containers))
    return sorted(items, key=lambda m: (m["metadata"]["namespace"], m["metadata"]["name"]))


def machines(cluster) -> list:
    """Every machine that may run a kubelet: the control plane first (each machine of a
    replicated one), then the workers by name."""
    return [*cluster.control_plane_hosts] + [cluster.hosts[name] for name in sorted(cluster.hosts)]


def node_usage(cluster, name: str) -> tuple[float, int] | None:
    """(millicores, bytes) a node uses now, or None if nobody can measure it (kubelet down)."""
    host = cluster.node(name)
    kubelet = host.kubelet
    if kubelet is None or not kubelet.running:
        return SYSTEM_USAGE["control-plane"] if host.control_plane and host.up else None
    cpu, memory = SYSTEM_USAGE["control-plane" if host.control_plane else "worker"]
    now = cluster.now
    for worker in kubelet.workers.values():
        for run in worker.running():
            c, m = container_usage(run, now)
            cpu += c
            memory += m
    return cpu, memory


def node_metrics(cluster) -> list[dict]:
    """``NodeMetrics`` of every node that can be measured, by name."""
    items = []
    for node in cluster.api.list("nodes"):
        name = node["metadata"]["name"]
        try:
            usage = node_usage(cluster, name)
        except KeyError:  # a Node object with no machine behind it
            usage = None
        if usage is None:
            continue
        cpu, memory = usage
        items.append(
            _metrics(
                "NodeMetrics",
                cluster,
                node["metadata"],
                usage={"cpu": _cpu_text(cpu), "memory": _memory_text(int(memory))},
            )
        )
    return items


def _metrics(kind: str, cluster, meta: dict, **body) -> dict:
    out_meta = {"name": meta["name"]}
    if meta.get("namespace"):
        out_meta["namespace"] = meta["namespace"]
    out_meta["creationTimestamp"] = cluster.timestamp()
    if meta.get("labels"):
        out_meta["labels"] = dict(meta["labels"])
    return {
        "kind": kind,
        "apiVersion": API_VERSION,
        "metadata": out_meta,
        "timestamp": cluster.timestamp(),
        "window": f"{RESOLUTION:g}s",
        **body,
    }


def parse_cpu(text: str) -> int:
    """Millicores of a metrics quantity (``1500000n`` → 2, rounded up like MilliValue)."""
    return quantity.cpu_millis(text)


def parse_memory(text: str) -> int:
    return quantity.to_int(text)
