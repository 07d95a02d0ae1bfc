"""benchmarks/bench_scheduler.py at smoke size: every pod bound, one Scheduled event each.
Counts only — never times (those go to benchmarks/RESULTS.md)."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_scheduler.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_scheduler", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_scheduler_smoke():
    bench = load_bench()
    nodes, initial, measured = bench.WORKLOADS["smoke"]
    result = bench.run(nodes, initial, measured)
    assert result["scheduled"] == measured
    assert result["scheduled_events"] == initial + measured
