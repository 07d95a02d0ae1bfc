"""The cluster benchmark at smoke size: it runs, and every pod ends up Running (counts only)."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).parents[2] / "benchmarks" / "bench_cluster.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_cluster", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lesson_cluster_smoke():
    result = _bench().lesson(120, nodes=2, pods=6, rps=5)
    assert (result["nodes"], result["pods"], result["running_pods"]) == (2, 6, 6)


def test_large_cluster_smoke_with_a_node_failure():
    result = _bench().large(90, nodes=4, pods=12, rps=0)
    assert result["node_failure_at_s"] == 30
    assert result["pods"] == 12 and result["running_pods"] >= 9
