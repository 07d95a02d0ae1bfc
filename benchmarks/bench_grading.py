"""Grading throughput: N submissions of each exercise through `k8sedu grade --jobs 2`.

    python benchmarks/bench_grading.py                # smoke size (what `make test` runs)
    python benchmarks/bench_grading.py --full         # 100 per exercise; figures to RESULTS.md

The submissions alternate between the solution, the untouched exercise and the wrong answers,
so every one runs all its tests in its own sandboxed process. Exercises are those with graded
tests in the package, plus the test suite's fixture exercise 99. Target for exercises graded by
calling functions: under 1.5 s per submission, 100 in under 90 s.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from k8sedu.grading import grader
from k8sedu.grading.course import PACKAGE_TESTS, Course

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "grading" / "fixtures" / "course"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def exercises() -> list[tuple[str, Course, Path]]:
    """(number, course, folder of wrong answers) for every graded exercise with its notebooks."""
    found = [("99", Course(FIXTURE, FIXTURE / "tests"), FIXTURE / "wrong")]
    course = Course(ROOT, PACKAGE_TESTS)
    for number in course.numbers():
        if course.solution(number) and course.exercise(number):
            found.append((number, course, ROOT / "tests" / "grading" / "wrong"))
    return found


def run(number: str, course: Course, wrong: Path, count: int, jobs: int) -> dict:
    sources = [course.solution(number), course.exercise(number)]
    sources += sorted(wrong.glob(f"{number}-*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(count):
            shutil.copyfile(sources[i % len(sources)], folder / f"student-{i:03}.ipynb")
        extra = [] if course.tests_dir == PACKAGE_TESTS else [course.tests_dir]
        options = grader.Options(number, Path(tmp) / "out", jobs=jobs, tests=extra)
        start = time.perf_counter()
        rows = grader.grade(folder, options)
        elapsed = time.perf_counter() - start
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    return {
        "exercise": number,
        "submissions": len(rows),
        "jobs": jobs,
        "seconds": round(elapsed, 1),
        "seconds_per_submission": round(elapsed / len(rows), 2),
        "statuses": statuses,
    }


def record(results: list[dict]) -> None:
    """Replace (or add) the `## Grading` section of RESULTS.md; other sections stay as they are."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = text.find("\n## Grading\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + (text[end:] if end >= 0 else "\n")
    lines = [
        "",
        "## Grading",
        "",
        f"Command: `python benchmarks/bench_grading.py --full` ({datetime.date.today()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"`--jobs {results[0]['jobs']}`).",
        "Each submission is graded in its own sandboxed process, from the start of the batch to",
        "the written gradebook. Target for exercises graded by calling functions: < 1.5 s per",
        "submission, 100 in under 90 s.",
        "",
        "| exercise | submissions | total s | s per submission |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['exercise']} | {r['submissions']} | {r['seconds']} | {r['seconds_per_submission']} |"
        for r in results
    ]
    RESULTS.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="100 per exercise, and record them")
    parser.add_argument("--submissions", type=int, help="per exercise (default 4; --full 100)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    count = args.submissions or (100 if args.full else 4)
    results = [run(n, c, w, count, args.jobs) for n, c, w in exercises()]
    print(json.dumps(results, indent=2))
    if args.full:
        record(results)
    return results


if __name__ == "__main__":
    main()
