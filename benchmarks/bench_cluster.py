"""Cluster simulation speed: simulated seconds per wall second, and memory.

    python benchmarks/bench_cluster.py            # smoke sizes (what `make test` runs)
    python benchmarks/bench_cluster.py --full     # the issue's sizes; figures go to RESULTS.md

Two workloads (issue 4, "How it is checked"):

* lesson: 5 nodes, a 50-replica ``k8sedu/web`` Deployment with readiness and liveness probes,
  a Service and steady traffic, for a simulated day - target ≥ 10,000× real time;
* large: 100 nodes, 3,000 pods with probes, for one simulated hour with traffic and one node
  failure at 20 minutes - target ≥ 100× real time.

``lesson_idle`` is the lesson cluster without traffic: what the control plane and the kubelets
cost alone. The benchmark uses whatever the cluster has: a Deployment when the scheduler and the deployment
controller exist (else pods bound to nodes round-robin), traffic when ``cluster.load`` or
``k8sedu.proxy.traffic.load`` exists (else none). It prints what it used.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time

import k8sedu as k

PROBE = {"httpGet": {"path": "/", "port": 8080}}


def _container() -> dict:
    return {
        "name": "web",
        "image": "k8sedu/web:1.0",
        "ports": [{"containerPort": 8080}],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}},
        "readinessProbe": dict(PROBE),
        "livenessProbe": dict(PROBE),
    }


def _has_controller(cluster, name: str) -> bool:
    try:
        cluster.component(f"kube-controller-manager/{name}")
    except KeyError:
        return False
    return True


def deploy(cluster, name: str, replicas: int) -> str:
    """A Deployment if the cluster can run one, else pods bound round-robin; returns which."""
    labels = {"app": name}
    if cluster.scheduler is not None and _has_controller(cluster, "deployment"):
        cluster.api.create(
            "deployments",
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": name},
                "spec": {
                    "replicas": replicas,
                    "selector": {"matchLabels": labels},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {"containers": [_container()]},
                    },
                },
            },
        )
        how = "deployment"
    else:
        workers = sorted(cluster.hosts)
        for i in range(replicas):
            cluster.api.create(
                "pods",
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"{name}-{i}", "labels": labels},
                    "spec": {"nodeName": workers[i % len(workers)], "containers": [_container()]},
                },
            )
        how = "bound pods"
    cluster.api.create(
        "services",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name},
            "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": 8080}]},
        },
    )
    return how


def start_traffic(cluster, service: str, rps: float, duration: float) -> str:
    """Steady background load through kube-proxy, if the cluster models traffic yet."""
    if not rps:
        return "none"
    if hasattr(cluster, "load"):
        cluster.load(service, rps, duration)
        return f"{rps:g} rps"
    try:
        from k8sedu.proxy.traffic import load
    except ImportError:
        return "none"
    load(cluster, service, rps, duration)
    return f"{rps:g} rps"


def running(cluster) -> int:
    return len(cluster.api.list("pods", field_selector="status.phase=Running"))


def measure(cluster, seconds: float) -> tuple[float, float]:
    """Run ``seconds`` of simulated time; returns (wall seconds, simulated seconds per wall s)."""
    start = time.perf_counter()
    cluster.run(seconds)
    wall = time.perf_counter() - start
    return wall, seconds / wall if wall else float("inf")


def lesson(seconds: float, nodes: int = 5, pods: int = 50, rps: float = 20) -> dict:
    cluster = k.Cluster(nodes=nodes)
    how = deploy(cluster, "web", pods)
    cluster.run(60)  # pulls, starts, first probes
    traffic = start_traffic(cluster, "web", rps, seconds)
    wall, speed = measure(cluster, seconds)
    return {
        "nodes": nodes,
        "pods": pods,
        "workload": how,
        "traffic": traffic,
        "simulated_s": seconds,
        "wall_s": round(wall, 2),
        "speed_x": round(speed),
        "running_pods": running(cluster),
        "timers_fired": cluster.sim.processed,
    }


def large(seconds: float, nodes: int = 100, pods: int = 3000, rps: float = 200) -> dict:
    cluster = k.Cluster(nodes=nodes, node_cpu="8", node_memory="32Gi")
    start = time.perf_counter()
    how = deploy(cluster, "web", pods)
    cluster.run(60)
    setup = time.perf_counter() - start
    traffic = start_traffic(cluster, "web", rps, seconds)
    failure_at = min(1200.0, seconds / 3)
    wall_a, _ = measure(cluster, failure_at)
    cluster.fail_node("node-1")
    wall_b, _ = measure(cluster, seconds - failure_at)
    wall = wall_a + wall_b
    return {
        "nodes": nodes,
        "pods": pods,
        "workload": how,
        "traffic": traffic,
        "setup_wall_s": round(setup, 2),
        "simulated_s": seconds,
        "node_failure_at_s": failure_at,
        "wall_s": round(wall, 2),
        "speed_x": round(seconds / wall) if wall else None,
        "running_pods": running(cluster),
        "timers_fired": cluster.sim.processed,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--full", action="store_true", help="a day of the lesson cluster; the large hour"
    )
    args = parser.parse_args(argv)
    if args.full:
        result = {
            "lesson_idle": lesson(86_400, rps=0),
            "lesson": lesson(86_400),
            "large": large(3_600),
        }
    else:
        result = {
            "lesson_idle": lesson(600, rps=0),
            "lesson": lesson(600),
            "large": large(120, nodes=10, pods=100, rps=20),
        }
    result["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["python"] = platform.python_version()
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
