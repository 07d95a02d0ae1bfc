"""API server throughput: create, get, list and watch N pods; snapshot and restore a cluster.

    python benchmarks/bench_apiserver.py            # smoke size (what `make test` runs)
    python benchmarks/bench_apiserver.py --full     # 10,000 pods; figures go to RESULTS.md

Every create goes the whole way: strict decoding, defaulting, admission, validation, an etcd
transaction, the watch cache, fan-out to two watchers and the audit trail.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import tracemalloc

import k8sedu as k


def pod(i: int) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"web-{i}", "labels": {"app": "web", "shard": str(i % 10)}},
        "spec": {
            "containers": [
                {
                    "name": "web",
                    "image": "k8sedu/web:1.0",
                    "ports": [{"containerPort": 8080}],
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                }
            ]
        },
    }


class Sink:
    def __init__(self) -> None:
        self.events = 0

    def __call__(self, event: dict) -> None:
        self.events += 1


def timed(fn, n: int) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    return n / elapsed if elapsed else float("inf"), result


def run(n: int) -> dict:
    cluster = k.Cluster.bare()
    api = cluster.api
    informer_like = Sink()
    learner_like = Sink()
    api.watch("pods", informer_like, shared=True)
    api.watch("pods", learner_like, label_selector="shard=3")
    cluster.run(0)
    bodies = [pod(i) for i in range(n)]

    creates, _ = timed(lambda: [api.create("pods", b) for b in bodies], n)
    cluster.run(0)  # deliver the watch events
    gets, _ = timed(lambda: [api.get("pods", f"web-{i}") for i in range(n)], n)
    lists = max(1, 200_000 // n)
    list_rate, items = timed(
        lambda: [api.list("pods", label_selector="shard=3") for _ in range(lists)], lists
    )

    tracemalloc.start()  # memory is measured on a second, untimed build (tracing slows everything)
    small = k.Cluster.bare()
    for b in bodies[:1000]:
        small.api.create("pods", b)
    memory_per_pod = tracemalloc.get_traced_memory()[0] / 1000
    tracemalloc.stop()
    start = time.perf_counter()
    restored = k.Cluster.restore(small.snapshot())
    snap_seconds = time.perf_counter() - start
    return {
        "pods": n,
        "creates_per_s": round(creates),
        "gets_per_s": round(gets),
        "label_selected_lists_per_s": round(list_rate, 1),
        "watch_events": informer_like.events + learner_like.events,
        "expected_watch_events": n + n // 10,
        "listed": len(items[0]),
        "memory_kib_per_pod": round(memory_per_pod / 1024, 1),
        "snapshot_restore_1000_pods_s": round(snap_seconds, 3),
        "restored_pods": len(restored.api.list("pods")),
        "etcd_revision": cluster.etcd.revision,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="10,000 pods (default: 1,000)")
    parser.add_argument("--pods", type=int)
    args = parser.parse_args(argv)
    n = args.pods or (10_000 if args.full else 1_000)
    result = run(n)
    result["python"] = platform.python_version()
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
