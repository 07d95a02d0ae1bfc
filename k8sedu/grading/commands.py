"""The grading subcommands of ``k8sedu``: exercises, grade, release and progress.

    k8sedu exercises build|check [--root DIR]
    k8sedu grade SUBMISSIONS --exercise 04 [--out DIR] [--jobs N] [--timeout S] [--memory 1GiB]
                 [--tests DIR] [--roster FILE] [--user nobody]
    k8sedu grade --emit classroom [--exercise 04] [--out DIR]
    k8sedu release OUT [--root DIR]
    k8sedu progress DIR [--csv | --quiz]

Only argparse is imported here; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

COMMANDS = ("exercises", "grade", "release", "progress")


def add_parsers(sub) -> None:
    exercises = sub.add_parser("exercises", help="write or check exercises/ from solutions/")
    exercises.add_argument("action", choices=["build", "check"])
    exercises.add_argument("--root", type=Path, default=Path("."), help="the course folder")

    grade = sub.add_parser("grade", help="grade a folder of submissions in sandboxes")
    grade.add_argument("submissions", nargs="?", type=Path, help="one file or folder per student")
    grade.add_argument("--exercise", "-e", help="two-digit exercise number, like 04")
    grade.add_argument("--out", type=Path, help="output folder (default grades-NN)")
    grade.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 2)
    grade.add_argument("--timeout", type=float, help="seconds per submission")
    grade.add_argument("--memory", default="1GiB", help="address space per submission")
    grade.add_argument("--tests", type=Path, action="append", default=[], help="private tests")
    grade.add_argument("--roster", type=Path, help="file of student names, one per line")
    grade.add_argument("--user", default="nobody", help="sandbox user when run as root")
    grade.add_argument("--emit", choices=["classroom"], help="write a GitHub Classroom template")
    grade.add_argument("--root", type=Path, default=Path("."), help="the course folder (--emit)")

    release = sub.add_parser("release", help="write the student copy of the course")
    release.add_argument("out", type=Path)
    release.add_argument("--root", type=Path, default=Path("."), help="the course folder")
    release.add_argument("--graded-tests", type=Path, help="default: the package's graded tests")

    progress = sub.add_parser("progress", help="check() results and predictions per student")
    progress.add_argument("folder", type=Path, help="one folder (or notebook) per student")
    progress.add_argument("--csv", action="store_true", help="CSV instead of a table")
    progress.add_argument("--quiz", action="store_true", help="pre/post quiz scores instead")


def run(args: argparse.Namespace) -> int:
    handler = {
        "exercises": _exercises,
        "grade": _grade,
        "release": _release,
        "progress": _progress,
    }[args.command]
    try:
        return handler(args)
    except (OSError, ValueError, LookupError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def _exercises(args) -> int:
    from k8sedu.grading import builder
    from k8sedu.grading.course import Course

    course = Course(args.root)
    if args.action == "build":
        for path in builder.build(course):
            print(f"wrote {path}")
        return 0
    problems = builder.stale(course)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print("exercises/ is out of date: run `k8sedu exercises build`", file=sys.stderr)
    return 1 if problems else 0


def _grade(args) -> int:
    from k8sedu.grading import grader, sandbox

    if args.emit == "classroom":
        from k8sedu.grading import classroom

        path = classroom.write(args.root, args.out or args.root, args.exercise, args.tests)
        print(f"wrote {path}")
        return 0
    if args.submissions is None or args.exercise is None:
        print("error: grade needs SUBMISSIONS and --exercise NN", file=sys.stderr)
        return 2
    limits = sandbox.Limits(memory=parse_memory(args.memory), user=args.user or None)
    number = args.exercise.zfill(2)
    options = grader.Options(
        exercise=number,
        out=args.out or Path(f"grades-{number}"),
        jobs=args.jobs,
        timeout=args.timeout,
        limits=limits,
        tests=args.tests,
        roster=args.roster,
        progress=True,
    )
    try:
        rows = grader.grade(args.submissions, options)
    except (grader.GradingError, sandbox.SandboxError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in grader.STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    print(f"exercise {number}: {len(rows)} submissions ({summary}) → {options.out}/gradebook.csv")
    return 0


def parse_memory(text: str) -> int:
    """``1GiB``, ``512MiB``, ``1Gi`` or a number of bytes."""
    from k8sedu.quantity import to_int

    return to_int(text.strip().removesuffix("B"))


def _release(args) -> int:
    from k8sedu.grading import release
    from k8sedu.grading.course import PACKAGE_TESTS, Course

    course = Course(args.root, args.graded_tests or PACKAGE_TESTS)
    for path in release.release(course, args.out):
        print(path)
    return 0


def _progress(args) -> int:
    from k8sedu.grading import progress

    if args.quiz:  # the course quiz of lessons 00 and 13 (k8sedu/quiz.py)
        from k8sedu.quiz import report

        sys.stdout.write(report(args.folder))
        return 0
    rows = progress.collect(args.folder)
    sys.stdout.write(progress.to_csv(rows) if args.csv else progress.to_table(rows))
    return 0
