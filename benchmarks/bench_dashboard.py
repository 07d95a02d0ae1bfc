"""Dashboard redraw time: a 10-node, 100-pod cluster, one tick of simulated time per redraw.

    python benchmarks/bench_dashboard.py            # smoke size (3 redraws per tab)
    python benchmarks/bench_dashboard.py --full     # 30 redraws per tab; figures go to RESULTS.md

A redraw is what one Play tick costs after ``cluster.run()``: read the store, lay out the
visible picture, render it with Agg and encode the PNG the Image widget shows. Only the
visible tab is drawn; the topology tab is the one a dashboard shows while playing.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

import k8sedu as k
from k8sedu.widgets import ClusterDashboard


def build(nodes: int = 10, pods: int = 100) -> k.Cluster:
    """Pods bound round-robin (no scheduling cost in the way) behind one Service, all Running."""
    cluster = k.Cluster(nodes=nodes, node_cpu="16", node_memory="64Gi")
    for i in range(pods):
        cluster.api.create(
            "pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"web-{i}", "labels": {"app": "web"}},
                "spec": {
                    "nodeName": f"node-{i % nodes + 1}",
                    "containers": [{"name": "web", "image": "k8sedu/web:1.0"}],
                },
            },
        )
    cluster.kubectl("expose pod web-0 --port 80 --target-port 8080 --name web --selector app=web")
    cluster.run(30)
    return cluster


def drawn(dashboard: ClusterDashboard) -> dict:
    """What the last topology redraw put on screen: worker nodes and pods."""
    ax = dashboard.layout.figure.axes[0]
    urls = {c.get_gid(): list(c.get_urls()) for c in ax.collections if c.get_gid()}
    return {
        "nodes": sum(len(u) for g, u in urls.items() if g.startswith("nodes:")),
        "pods": sum(len(u) for g, u in urls.items() if g.startswith("pods:")),
    }


def run(repeats: int) -> dict:
    cluster = build()
    dashboard = ClusterDashboard(cluster)
    result: dict = {"repeats": repeats}
    for tab, name in enumerate(("topology", "timeline", "traffic")):
        dashboard.tabs.selected_index = tab
        times = []
        for _ in range(repeats):
            cluster.run(1)
            start = time.perf_counter()
            dashboard.redraw()
            times.append(time.perf_counter() - start)
        result[f"{name}_ms"] = {
            "median": round(statistics.median(times) * 1000, 1),
            "min": round(min(times) * 1000, 1),
            "max": round(max(times) * 1000, 1),
        }
        if name == "topology":
            result.update(drawn(dashboard))
    result["running_pods"] = len(cluster.api.list("pods", field_selector="status.phase=Running"))
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="30 redraws per tab (default: 3)")
    args = parser.parse_args(argv)
    result = run(30 if args.full else 3)
    result["python"] = platform.python_version()
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
