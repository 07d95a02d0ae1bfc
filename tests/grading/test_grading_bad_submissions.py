"""The bad-submission corpus (tests/grading/bad/), graded in one batch beside good submissions.

Each case must end with the right status, score and reason; the batch must finish; the good
submissions graded beside them must keep full marks; no process may outlive its submission;
the submissions folder must be left as it was.
"""

import hashlib
import os
from pathlib import Path

HERE = Path(__file__).parent
SOLUTION = HERE / "fixtures" / "course" / "solutions" / "99-sample.ipynb"

# name: (status, score, words the reason must contain)
CASES = {
    "not-json": ("invalid-notebook", 0, "not valid JSON"),
    "wrong-nbformat": ("invalid-notebook", 0, "nbformat 3"),
    "syntax-error": ("graded", 5, "cell 4 line 1 (`def qos_class(pod)`) raised SyntaxError"),
    "endless-loop": ("timeout", 0, "stopped after 5 s while running cell 2 (`while True:`)"),
    "infinite-recursion": ("graded", 5, "4 of 9 tests failed"),
    "sys-exit": ("graded", 10, "raised SystemExit: 0"),
    "os-exit": ("crashed", 0, "exited (code 0) once your notebook reached cell 2"),
    "print-100mb": ("graded", 10, ""),
    "allocate-10gb": ("graded", 10, "raised MemoryError"),
    "fork-loop": ("graded", 10, "raised BlockingIOError"),
    "kill-parent": ("crashed", 0, "killed (SIGKILL)"),
    "fake-result": ("graded", 0, "9 of 9 tests failed"),
    "patch-pytest": ("invalid-notebook", 0, "`_pytest.reports.BaseReport.failed`"),
    "delete-cwd": ("graded", 10, ""),
    "missing-functions": ("graded", 0, "9 of 9 tests failed"),
    "wrong-types": ("graded", 0, "9 of 9 tests failed"),
    "partial": ("graded", 5, "5 of 9 tests failed"),
    "good-a": ("graded", 10, ""),
    "good-b": ("graded", 10, ""),
    "good-py": ("graded", 10, ""),
    "absent": ("missing", 0, "no 99-*.ipynb"),
}


def python_version_of(notebook: Path) -> str:
    """The solution as a .py file in the percent format, one cell per code cell."""
    import json

    cells = json.loads(notebook.read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return "\n\n# %%\n".join(code[:-2]) + "\n"  # without the widget demo and the check() cell


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def survivors() -> list[str]:
    """Processes still running in a fork-loop submission's (deleted) working directory."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if "k8sedu-fork-loop-" in os.readlink(f"/proc/{pid}/cwd"):
                found.append(pid)
        except OSError:
            continue
    return found


def test_the_corpus(grade_files):
    files = {p.name: p for p in sorted((HERE / "bad").glob("*.ipynb"))}
    files |= {"good-a.ipynb": SOLUTION, "good-b.ipynb": SOLUTION, "absent": None}
    files["good-py.py"] = python_version_of(SOLUTION)
    rows, out = grade_files(files, retry=False)

    got = {name: (r["status"], r["score"], r["reason"]) for name, r in rows.items()}
    wrong = {
        name: got.get(name)
        for name, (status, score, words) in CASES.items()
        if got.get(name, ("?", None, ""))[:2] != (status, score) or words not in got[name][2]
    }
    assert wrong == {}, "\n".join(f"{n}: got {g}, want {CASES[n]}" for n, g in wrong.items())
    assert sorted(rows) == sorted(CASES), "one row per submission, none lost"
    assert all(r["reason"] for r in rows.values() if r["status"] != "graded")
    assert survivors() == [], "the fork loop's children were killed with their group"
    for name, source in files.items():  # nothing a submission did touched the submissions
        if isinstance(source, Path):
            assert digest(out.parent / "submissions" / name) == digest(source), name

    log = (out / "logs" / "print-100mb.txt").read_text()
    assert len(log) < 64 * 1024 and "bytes left out" in log
    header = (out / "gradebook.csv").read_text().splitlines()[0]
    assert header == "student,exercise,score,max_score,status,reason,seconds"
    feedback = (out / "feedback" / "missing-functions.md").read_text()
    assert "your notebook does not define `qos_class`" in feedback
