"""API creates and gets per second on a real etcd (through its JSON gateway) vs the embedded store.

    python benchmarks/bench_realetcd.py            # smoke size (what `make test` runs)
    python benchmarks/bench_realetcd.py --full     # 2,000 ConfigMaps; figures go to RESULTS.md

Both runs are ``k.Cluster.bare()``: the same API server, the same watch cache; only the store
differs. A create on the real backend costs three round trips to etcd (the watch cache asks for
the current revision before the request, the create is one txn, the committed revision is read
back); a get is served from the watch cache after one revision round trip.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import k8sedu as k


def configmap(i: int) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"cm-{i}", "labels": {"shard": str(i % 10)}},
        "data": {"value": "x" * 200},
    }


def round_trips(cluster: k.Cluster) -> int:
    """Requests sent to the real etcd so far (0 on the embedded store)."""
    gateway = getattr(cluster.etcd, "gateway", None)
    return gateway.calls if gateway is not None else 0


def measure(cluster: k.Cluster, n: int) -> dict:
    api = cluster.api
    bodies = [configmap(i) for i in range(n)]
    calls = round_trips(cluster)
    start = time.perf_counter()
    for body in bodies:
        api.create("configmaps", body)
    created = time.perf_counter() - start
    create_calls = round_trips(cluster) - calls
    start = time.perf_counter()
    for i in range(n):
        api.get("configmaps", f"cm-{i}")
    got = time.perf_counter() - start
    get_calls = round_trips(cluster) - calls - create_calls
    return {
        "creates_per_s": round(n / created),
        "gets_per_s": round(n / got),
        "etcd_calls_per_create": create_calls / n,
        "etcd_calls_per_get": get_calls / n,
        "listed": len(api.list("configmaps", namespace="default")),
        "etcd_revision": cluster.etcd.revision,
    }


def run(n: int) -> dict:
    embedded = measure(k.Cluster.bare(), n)
    with k.RealEtcd.start() as etcd:
        real = measure(k.Cluster.bare(etcd=etcd), n)
    return {"configmaps": n, "embedded": embedded, "real_etcd": real}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="2,000 ConfigMaps (default: 100)")
    parser.add_argument("--configmaps", type=int)
    args = parser.parse_args(argv)
    n = args.configmaps or (2_000 if args.full else 100)
    result = run(n)
    result["python"] = platform.python_version()
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
