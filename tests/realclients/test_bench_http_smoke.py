"""benchmarks/bench_http.py at smoke size: no error answers but the expected conflicts, and
every watch saw every change once, in order, as many as the trace counted."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).parents[2] / "benchmarks" / "bench_http.py"


def test_load_smoke():
    spec = importlib.util.spec_from_file_location("bench_http", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    report = bench.run(clients=2, watches=3, seconds=1.0)
    assert report["errors"] == {} and report["requests"] > 0 and report["conflicts"] > 0
    assert report["watches_exact"] == report["watches"] == 3
    assert report["watch_events_received"] == report["watch_events_traced"] == 3 * report["changes"]
