"""Load on `k8sedu serve`: concurrent REST clients and watch streams against one server.

    python benchmarks/bench_http.py            # smoke size (what `make test` runs)
    python benchmarks/bench_http.py --full     # 20 clients + 50 watches for 30 s; RESULTS.md

The server runs in this process (a 3-worker cluster in realtime mode); the clients run in a
child process, so their Python does not share the server's GIL. Each client loops over
ConfigMaps of its own: create, get, list, merge-patch, an update with a stale resourceVersion
(a 409 Conflict is the expected answer), delete. Every watch opens on ConfigMaps from the
resourceVersion listed before the load starts. Checks: no error answers except the expected
conflicts; every watch saw every change exactly once and in order (against the API server's
history), and the trace counted as many watch deliveries as the watchers received.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import k8sedu as k

PATH = "/api/v1/namespaces/default/configmaps"
WATCH_AGENT = "bench-watch"


# -- the client process ---------------------------------------------------------------------------


def _connect(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def _call(conn, method: str, path: str, body=None, content_type="application/json"):
    headers = {"User-Agent": "bench-client/1", "Content-Type": content_type}
    data = json.dumps(body).encode() if body is not None else None
    start = time.perf_counter()
    conn.request(method, path, data, headers)
    response = conn.getresponse()
    payload = response.read()
    return response.status, json.loads(payload) if payload else None, time.perf_counter() - start


def client_loop(url: str, index: int, deadline: float, out: dict) -> None:
    conn = _connect(url)
    codes: Counter = Counter()
    latencies: list[float] = []
    i = 0
    while time.monotonic() < deadline:
        name = f"c{index}-{i}"
        i += 1
        cm = {"metadata": {"name": name, "labels": {"client": str(index)}}, "data": {"n": "0"}}
        steps = [
            ("POST", PATH, cm, "application/json"),
            ("GET", f"{PATH}/{name}", None, "application/json"),
            ("GET", f"{PATH}?labelSelector=client%3D{index}", None, "application/json"),
            ("PATCH", f"{PATH}/{name}", {"data": {"n": "1"}}, "application/merge-patch+json"),
        ]
        for method, path, body, content_type in steps:
            status, answer, seconds = _call(conn, method, path, body, content_type)
            codes[status] += 1
            latencies.append(seconds)
        stale = {**cm, "metadata": {**cm["metadata"], "resourceVersion": "1"}}
        status, _, seconds = _call(conn, "PUT", f"{PATH}/{name}", stale)
        codes["conflict" if status == 409 else status] += 1
        latencies.append(seconds)
        status, _, seconds = _call(conn, "DELETE", f"{PATH}/{name}")
        codes[status] += 1
        latencies.append(seconds)
    out[index] = {"codes": dict(codes), "latencies": latencies}


def watch_loop(url: str, index: int, rv: str, stop: threading.Event, out: dict) -> None:
    conn = _connect(url)
    conn.request(
        "GET", f"{PATH}?watch=true&resourceVersion={rv}", headers={"User-Agent": WATCH_AGENT}
    )
    response = conn.getresponse()
    events = []
    while not stop.is_set():
        line = response.readline()
        if not line:
            break
        event = json.loads(line)
        meta = event["object"]["metadata"]
        events.append((event["type"], meta.get("name"), int(meta.get("resourceVersion", 0))))
    conn.close()
    out[index] = events


def clients_main(url: str, clients: int, watches: int, seconds: float, rv: str) -> None:
    """The child process: run the load, then print one JSON document of what it saw."""
    results: dict = {}
    watched: dict = {}
    stop = threading.Event()
    watchers = [
        threading.Thread(target=watch_loop, args=(url, i, rv, stop, watched), daemon=True)
        for i in range(watches)
    ]
    for t in watchers:
        t.start()
    deadline = time.monotonic() + seconds
    workers = [
        threading.Thread(target=client_loop, args=(url, i, deadline, results))
        for i in range(clients)
    ]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    time.sleep(1.0)  # let the last events reach every watch
    print(json.dumps({"clients": results}), flush=True)
    sys.stdin.readline()  # the parent has stopped the server: the watch streams end
    stop.set()
    for t in watchers:
        t.join(timeout=10)
    print(json.dumps({"watches": watched}), flush=True)


# -- the server process ---------------------------------------------------------------------------


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(clients: int, watches: int, seconds: float) -> dict:
    cluster = k.Cluster(nodes=3)
    cluster.run(10)
    with cluster.serve(mode="realtime", max_watches=watches + 10) as server:
        rv = cluster.api.list("configmaps").resource_version
        rss_before = rss_mib()
        child = subprocess.Popen(
            [sys.executable, __file__, "--clients-of", server.url, str(clients), str(watches)]
            + [str(seconds), rv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        done = json.loads(child.stdout.readline())["clients"]
        rss_after = rss_mib()
        with server.lock:
            history = [
                c.revision
                for c in cluster.apiserver.cache.history
                if c.resource == "configmaps" and c.revision > int(rv)
            ]
            delivered = cluster.trace.counts[WATCH_AGENT, "watch-event", "configmaps"]
            sim_seconds = cluster.now
    child.stdin.write("\n")
    child.stdin.flush()
    watched = json.loads(child.stdout.readline())["watches"]
    child.wait(timeout=30)
    return summarize(done, watched, history, delivered, seconds, rss_before, rss_after, sim_seconds)


def summarize(done, watched, history, delivered, seconds, rss_before, rss_after, sim_seconds):
    codes: Counter = Counter()
    latencies: list[float] = []
    for result in done.values():
        codes.update(result["codes"])
        latencies += result["latencies"]
    latencies.sort()
    received = sum(len(events) for events in watched.values())
    exact = sum(1 for events in watched.values() if [e[2] for e in events] == history)
    errors = {c: n for c, n in codes.items() if c not in ("200", "201", "conflict")}
    return {
        "clients": len(done),
        "watches": len(watched),
        "seconds": seconds,
        "requests": sum(codes.values()),
        "requests_per_s": round(sum(codes.values()) / seconds, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 2) if latencies else None,
        "p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)], 2) if latencies else None,
        "conflicts": codes.get("conflict", 0),
        "errors": errors,
        "changes": len(history),
        "watch_events_received": received,
        "watch_events_traced": delivered,
        "watches_exact": exact,
        "rss_mib_before": round(rss_before, 1),
        "rss_mib_after": round(rss_after, 1),
        "simulated_seconds": round(sim_seconds, 1),
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="20 clients, 50 watches, 30 s")
    parser.add_argument("--clients-of", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.clients_of:
        url, clients, watches, seconds, rv = args.clients_of
        clients_main(url, int(clients), int(watches), float(seconds), rv)
        return
    sizes = (20, 50, 30.0) if args.full else (4, 5, 3.0)
    report = run(*sizes)
    report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
