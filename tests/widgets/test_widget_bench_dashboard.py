"""Smoke run of benchmarks/bench_dashboard.py: it works and draws everything (never times)."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_dashboard.py"


def test_bench_draws_ten_nodes_and_a_hundred_pods():
    spec = importlib.util.spec_from_file_location("bench_dashboard", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(repeats=1)
    assert (result["nodes"], result["pods"]) == (10, 100)
    assert result["running_pods"] == 100
    assert set(result) >= {"topology_ms", "timeline_ms", "traffic_ms"}
