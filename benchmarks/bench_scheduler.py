"""kube-scheduler throughput, shaped like scheduler_perf's ``SchedulingBasic``.

    python benchmarks/bench_scheduler.py           # smoke size (what `make test` runs, via a test)
    python benchmarks/bench_scheduler.py --full    # 500 and 5,000 nodes; figures go to RESULTS.md
    python benchmarks/bench_scheduler.py --full --repeat 3   # best and median of 3 runs each

Nodes have 4 CPU / 32Gi / 110 pods and are plain API objects (no kubelet: scheduler_perf's nodes
are fake too); pods request 100m cpu / 500Mi memory; every default plugin is on. The initial
pods are scheduled first, untimed. The measured pods are then created through the API server
(untimed: that is the API server benchmark's business) and the clock is **timed** while the
cluster delivers their watch events, the scheduler runs one cycle per pod, binds each through
the ``pods/binding`` subresource and records its ``Scheduled`` event. Each workload runs in its
own process, so the peak memory (max RSS) is its own. ``pods_per_cpu_s`` divides by the
process's CPU time, which other jobs on a shared machine disturb less than the wall clock.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time

import k8sedu as k

WORKLOADS = {
    "smoke": (100, 100, 300),
    "500Nodes": (500, 500, 1_000),
    "5000Nodes": (5_000, 1_000, 10_000),
}


def node(i: int) -> dict:
    capacity = {"cpu": "4", "memory": "32Gi", "pods": "110"}
    name = f"node-{i}"
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "status": {"capacity": capacity, "allocatable": capacity},
    }


def pod(name: str) -> dict:
    requests = {"cpu": "100m", "memory": "500Mi"}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "containers": [
                {
                    "name": "pause",
                    "image": "registry.k8s.io/pause:3.10",
                    "resources": {"requests": requests},
                }
            ]
        },
    }


def bound(cluster: k.Cluster) -> int:
    return len(cluster.api.list("pods", field_selector="spec.nodeName!="))


def run(nodes: int, initial: int, measured: int) -> dict:
    cluster = k.Cluster(nodes=0)
    for i in range(nodes):
        cluster.api.create("nodes", node(i))
    for i in range(initial):
        cluster.api.create("pods", pod(f"init-{i}"))
    cluster.run(0)
    for i in range(measured):
        cluster.api.create("pods", pod(f"pod-{i}"))
    start, cpu_start = time.perf_counter(), time.process_time()
    cluster.run(0)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    scheduled = bound(cluster) - initial
    return {
        "nodes": nodes,
        "initial_pods": initial,
        "measured_pods": measured,
        "scheduled": scheduled,
        "pods_per_s": round(scheduled / elapsed) if elapsed else None,
        "pods_per_cpu_s": round(scheduled / cpu) if cpu else None,
        "seconds": round(elapsed, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "scheduled_events": sum(1 for e in cluster.events if e["reason"] == "Scheduled"),
    }


def run_in_process(name: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--workload", name], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def summarize(runs: list[dict]) -> dict:
    """The best run's figures, and the median throughput of all runs."""
    best = max(runs, key=lambda r: r["pods_per_cpu_s"])
    wall = sorted(r["pods_per_s"] for r in runs)
    cpu = sorted(r["pods_per_cpu_s"] for r in runs)
    return best | {
        "runs": len(runs),
        "median_pods_per_s": wall[len(wall) // 2],
        "median_pods_per_cpu_s": cpu[len(cpu) // 2],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the 500- and 5,000-node workloads")
    parser.add_argument("--repeat", type=int, default=1, help="runs per workload (best + median)")
    parser.add_argument("--workload", choices=sorted(WORKLOADS), help="one workload, in-process")
    args = parser.parse_args(argv)
    if args.workload:
        result = run(*WORKLOADS[args.workload])
    elif args.full:
        result = {
            name: summarize([run_in_process(name) for _ in range(args.repeat)])
            for name in ("500Nodes", "5000Nodes")
        }
    else:
        result = run(*WORKLOADS["smoke"])
    result |= {"python": platform.python_version(), "machine": platform.machine()}
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
