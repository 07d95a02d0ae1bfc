"""``k8sedu release OUT``: the student copy of the course.

Handing out the repository hands out the answers: ``solutions/`` holds them and the graded tests
hold the hidden cases. The release has ``lessons/`` (without the facilitator guides),
``exercises/`` (with the translated editions, ``lessons/ko/`` and ``exercises/ko/``) and ``tests/`` with the public graded tests only (every test marked
``@pytest.mark.hidden`` cut out of its file), plus a README saying how to work and check. It
refuses to write when ``exercises/`` is stale or anything it copies still holds a solution block.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from k8sedu.grading import builder
from k8sedu.grading.course import Course

_SECRETS = (builder.BEGIN_SOLUTION, builder.BEGIN_HIDDEN)
_HIDDEN_NAME = re.compile(r"(^|_)HIDDEN(_|$)")
README = """# Kubernetes from the inside: your copy of the course

- `lessons/`: open them in order in JupyterLab (`pip install k8sedu[lab]`, then `jupyter lab`).
- `exercises/`: replace each `raise NotImplementedError()` with your code. Run the
  `k8sedu.check("NN")` cell to see which tests pass; some graded tests are hidden and run only
  when your work is graded.
- `tests/`: the public graded tests, runnable with
  `pytest tests/test_NN_topic.py --submission exercises/NN-topic.ipynb` (the k8sedu package
  brings the pytest plugin).
"""


class ReleaseError(Exception):
    """The release would be incomplete or would give answers away."""


def release(course: Course, out: Path) -> list[Path]:
    """Write the student copy into ``out`` (new or empty); returns the files written."""
    out = Path(out)
    stale = builder.stale(course)
    if stale:
        raise ReleaseError(
            "exercises/ is stale (run `k8sedu exercises build`):\n" + "\n".join(stale)
        )
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty")
    files: dict[Path, str | Path] = {}
    for path in _files(course.lessons):
        if "guide" not in path.relative_to(course.lessons).parts[:-1]:  # facilitator guides
            files[out / "lessons" / path.relative_to(course.lessons)] = path
    # the exercises, and those of each translated edition (exercises/ko/)
    for path in sorted(course.exercises.glob("*.ipynb")) + sorted(
        course.exercises.glob("*/*.ipynb")
    ):
        files[out / "exercises" / path.relative_to(course.exercises)] = path
    for number in course.numbers():
        for path in course.tests(number):
            public = public_tests(path.read_text(encoding="utf-8"))
            if public is not None:
                files[out / "tests" / path.name] = public
    files[out / "README.md"] = README
    contents = {
        target: source.encode() if isinstance(source, str) else source.read_bytes()
        for target, source in files.items()
    }
    for target, data in contents.items():  # check everything before writing anything
        if any(secret.encode() in data for secret in _SECRETS):
            raise ReleaseError(f"{target.relative_to(out)} would hold a solution or hidden tests")
    for target, data in contents.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return sorted(contents)


def _files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
    )


def public_tests(source: str) -> str | None:
    """The test module without its hidden tests and their data; None when the whole module is
    hidden. Cut: every test marked ``@pytest.mark.hidden``; every module-level name with a
    ``HIDDEN`` part (``HIDDEN``, ``HIDDEN_SEEDS``, ``READY_HIDDEN``) and whatever uses it; every
    table row built with ``hidden=True`` or ``marks=pytest.mark.hidden``.

    >>> print(public_tests("def test_a():\\n    pass\\n\\n\\n@pytest.mark.hidden\\ndef test_b():\\n    pass\\n"))
    def test_a():
        pass
    <BLANKLINE>
    >>> print(public_tests("HIDDEN_SEEDS = (7, 9)\\nROWS = [\\n    row(1),\\n    row(2, hidden=True),\\n]\\n"))
    ROWS = [
        row(1),
    ]
    <BLANKLINE>
    """
    tree = ast.parse(source)
    cut: list[tuple[int, int]] = []
    secret: set[str] = set()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
            and "mark.hidden" in ast.unparse(node.value)
        ):
            return None
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if any(_HIDDEN_NAME.search(name) for name in names):
            secret |= names
            cut.append((node.lineno, node.end_lineno))
        elif isinstance(getattr(node, "value", None), ast.List | ast.Tuple):
            cut += [(row.lineno, row.end_lineno) for row in node.value.elts if _hidden_row(row)]
    for node in tree.body:
        for member in [node, *(node.body if isinstance(node, ast.ClassDef) else [])]:
            if not isinstance(member, ast.FunctionDef | ast.ClassDef):
                continue
            decorators = member.decorator_list
            uses = {n.id for n in ast.walk(member) if isinstance(n, ast.Name)}
            if any(ast.unparse(d).endswith("mark.hidden") for d in decorators) or uses & secret:
                start = min((d.lineno for d in decorators), default=member.lineno)
                cut.append((start, member.end_lineno))
    lines = source.splitlines(keepends=True)
    kept = [
        line for number, line in enumerate(lines, 1) if not any(a <= number <= b for a, b in cut)
    ]
    return re.sub(r"\n{3,}", "\n\n\n", "".join(kept)).rstrip("\n") + "\n"


def _hidden_row(node: ast.expr) -> bool:
    """A table row such as ``_row(..., hidden=True)`` or ``pytest.param(..., marks=hidden)``."""
    if not isinstance(node, ast.Call):
        return False
    return any(
        (kw.arg == "hidden" and ast.unparse(kw.value) == "True")
        or (kw.arg == "marks" and "hidden" in ast.unparse(kw.value))
        for kw in node.keywords
    )
