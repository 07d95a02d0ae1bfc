"""The grading benchmark runs at smoke size (its figures are recorded by --full only)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "bench_grading.py"


def test_smoke_benchmark_grades_every_submission():
    spec = importlib.util.spec_from_file_location("bench_grading", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--submissions", "4"])
    assert [r["exercise"] for r in results][0] == "99"
    for result in results:
        assert (result["submissions"], result["statuses"]) == (4, {"graded": 4})
