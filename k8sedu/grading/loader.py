"""The notebook loader: turn a submission into a module the graded tests can call.

Models what "Restart kernel and run all" does with a notebook, minus the kernel: the code cells
run in order into one module namespace. Unlike Run All, a cell that raises is recorded and the
next cell runs anyway, so an unanswered part (``raise NotImplementedError()``) costs only its own
points. IPython syntax goes through IPython's own input transformer, so ``%magic`` and ``!shell``
lines become calls on a stand-in shell that does nothing (``%%time`` and ``%%capture`` still run
their body). Cells tagged ``skip-grading`` (demos that build big clusters or widgets) are skipped,
``display()`` shows nothing, and ``k8sedu.check()`` is a no-op while grading.

Simplified: there is no kernel, so rich output, widgets' front-end and ``input()`` do not exist.

A ``.py`` submission is split into cells at ``# %%`` lines (the percent format of Jupytext and
VS Code); a file without them is one cell.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import json
import linecache
import sys
import traceback
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

SKIP_TAG = "skip-grading"
MAX_BYTES = 64 * 1024 * 1024  # larger than any honest notebook, even with images in its outputs
_RUN_BODY_MAGICS = ("time", "timeit", "capture")  # magics that wrap code the notebook relies on

_grading = False


def grading() -> bool:
    """Whether this process is grading a submission (``check()`` then does nothing)."""
    return _grading


def set_grading(active: bool) -> None:
    global _grading
    _grading = active


class InvalidSubmission(Exception):
    """The file cannot be read as a notebook; ``str()`` tells the student what to do."""


class MissingName(AttributeError):
    """A graded test asked for a name the notebook does not define."""

    def __init__(self, name: str) -> None:
        super().__init__(f"your notebook does not define `{name}`")
        self.name = name


@dataclass(frozen=True)
class Cell:
    number: int  # position in the notebook, counting markdown cells: what a student counts
    source: str

    @property
    def filename(self) -> str:
        return f"<cell {self.number}>"

    @property
    def first_line(self) -> str:
        lines = [line.strip() for line in self.source.splitlines() if line.strip()]
        return lines[0][:60] if lines else ""

    def describe(self) -> str:
        return f"cell {self.number} (`{self.first_line}`)"


@dataclass(frozen=True)
class CellError:
    cell: int
    first_line: str
    error: str  # "NotImplementedError" or "ZeroDivisionError: division by zero"
    line: int | None  # the line inside the cell, when the traceback reaches it

    def __str__(self) -> str:
        where = f"cell {self.cell}" + (f" line {self.line}" if self.line else "")
        return f"{where} (`{self.first_line}`) raised {self.error}"


class Submission(types.ModuleType):
    """The notebook's namespace; a missing name fails the test that needs it, with a clear message."""

    def __getattr__(self, name: str):
        raise MissingName(name)


@dataclass
class Loaded:
    module: object  # a Submission, or check()'s view of a live kernel's namespace
    errors: list[CellError] = field(default_factory=list)


def read_submission(path: str | Path) -> list[Cell]:
    """The code cells of a ``.ipynb`` or ``.py`` file; raises InvalidSubmission with the reason."""
    path = Path(path)
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise InvalidSubmission(
            f"the file is {len(data) // 2**20} MiB, over the {MAX_BYTES // 2**20} MiB limit: "
            "clear the outputs (Edit → Clear Outputs of All Cells), save, and submit again"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidSubmission(f"the file is not UTF-8 text (byte {e.start}): {_RESAVE}") from e
    if path.suffix == ".py":
        return py_cells(text)
    return notebook_cells(text)


_RESAVE = "open it in JupyterLab, save it, and submit the saved .ipynb file again"


def notebook_cells(text: str) -> list[Cell]:
    """Read nbformat 4.x leniently: a notebook that fails strict schema validation still loads.

    The JSON is read directly, as nbformat's reader does minus validation: importing nbformat
    takes over a second (its schema validator's format checkers), once per grading process.
    """
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise InvalidSubmission(
            f"the file is not a notebook: it is not valid JSON ({e}); {_RESAVE}"
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise InvalidSubmission(
            f"the file is JSON but not a notebook (no `nbformat` key); {_RESAVE}"
        )
    if raw.get("nbformat") != 4:
        raise InvalidSubmission(
            f"the notebook is in nbformat {raw.get('nbformat')!r}, but only nbformat 4 "
            f"(Jupyter 4 and later) is graded; {_RESAVE}"
        )
    if not isinstance(raw.get("cells"), list):
        raise InvalidSubmission(f"the notebook has no list of cells; {_RESAVE}")
    result = []
    for number, cell in enumerate(raw["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        metadata = cell.get("metadata")
        tags = metadata.get("tags") if isinstance(metadata, dict) else None
        source = cell.get("source", "")
        if isinstance(source, list):  # nbformat stores multi-line text as a list of lines
            source = "".join(line for line in source if isinstance(line, str))
        if isinstance(source, str) and SKIP_TAG not in (tags or []):
            result.append(Cell(number, source))
    return result


def py_cells(text: str) -> list[Cell]:
    cells, current = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("# %%") and current:
            cells.append("".join(current))
            current = []
        current.append(line)
    cells.append("".join(current))
    return [Cell(n, source) for n, source in enumerate(cells, start=1)]


def load(
    cells: Iterable[Cell], name: str = "submission", on_cell: Callable[[Cell], None] | None = None
) -> Loaded:
    """Run the cells in order into a fresh module registered as ``sys.modules[name]``.

    It is registered so that objects defined in the notebook pickle (cluster snapshots do).
    """
    module = Submission(name)
    shell = _Shell(module.__dict__)
    module.__dict__.update(get_ipython=shell.get_ipython, display=_no_display)
    sys.modules[name] = module
    loaded = Loaded(module)
    for cell in cells:
        if on_cell is not None:
            on_cell(cell)
        try:
            shell.run(cell.source, cell.filename)
        except BaseException as e:  # noqa: BLE001 — sys.exit() too: the next cell still runs
            loaded.errors.append(cell_error(cell, e))
    return loaded


def cell_error(cell: Cell, error: BaseException) -> CellError:
    line = error.lineno if isinstance(error, SyntaxError) else None
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == cell.filename:
            line = lineno
    return CellError(cell.number, cell.first_line, describe_exception(error), line)


def describe_exception(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    message = text[0][:300] if text else ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def neutralise_display() -> None:
    """Make IPython's ``display()`` a no-op for the whole process, so widgets never render.

    IPython takes a fifth of a second to import, so it is patched when something imports it.
    """
    if _DISPLAY in sys.modules:
        _patch_display(sys.modules[_DISPLAY])
    elif not any(isinstance(finder, _DisplayPatcher) for finder in sys.meta_path):
        sys.meta_path.insert(0, _DisplayPatcher())


_DISPLAY = "IPython.core.display_functions"  # where display() lives; IPython.display re-exports it


def _patch_display(module) -> None:
    module.display = _no_display
    if "IPython.display" in sys.modules:
        sys.modules["IPython.display"].display = _no_display


def _no_display(*objects, **kwargs) -> None:
    return None


class _DisplayPatcher(importlib.abc.MetaPathFinder):
    """Patches display() as its module is imported, before anything can import the name."""

    def find_spec(self, name, path, target=None):
        if name != _DISPLAY:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        spec.loader = _PatchingLoader(spec.loader)
        return spec


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader) -> None:
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        self.loader.exec_module(module)
        _patch_display(module)


class _Shell:
    """Stands in for ``get_ipython()``: magics and shell escapes do nothing."""

    def __init__(self, namespace: dict) -> None:
        self.namespace = namespace

    def get_ipython(self) -> _Shell:
        return self

    def run(self, source: str, filename: str) -> None:
        try:
            code = compile(source, filename, "exec")
        except SyntaxError:  # IPython syntax (%magic, !shell, cell?) or a real syntax error
            from IPython.core.inputtransformer2 import TransformerManager

            source = TransformerManager().transform_cell(source)
            code = compile(source, filename, "exec")
        # Register the source so that tracebacks show the student's lines.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(code, self.namespace)

    def run_line_magic(self, magic: str, line: str, *args, **kwargs):
        if magic in _RUN_BODY_MAGICS:
            self.run(line, f"<%{magic}>")
        return None

    def run_cell_magic(self, magic: str, line: str, body: str, *args, **kwargs):
        if magic in _RUN_BODY_MAGICS:
            self.run(body, f"<%%{magic}>")
        return None

    def system(self, command: str, *args, **kwargs) -> None:
        return None

    def getoutput(self, command: str, *args, **kwargs) -> list[str]:
        return []

    def magic(self, line: str) -> None:
        return None
