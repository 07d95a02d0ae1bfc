"""Every lesson and solution notebook runs top to bottom in a fresh kernel.

Run serially (``make test`` runs this folder without xdist): parallel kernels stall on widget
cells (nbclient #312) and race for ports. Each notebook's wall time is written to
``benchmarks/out/notebook-times.json`` for ``benchmarks/RESULTS.md``; it is recorded, not asserted.
Stored notebooks must have no outputs. Translated editions (``lessons/ko/``, ``solutions/ko/``) run
too, each kernel started in a folder named like the notebook's, as JupyterLab does, so the Korean
ones speak Korean (k8sedu/widgets/i18n.py).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = [
    path
    for pattern in ("lessons/", "solutions/", "lessons/ko/", "solutions/ko/")
    for path in sorted(ROOT.glob(pattern + "[0-9]*.ipynb"))
]
TIMES = ROOT / "benchmarks" / "out" / "notebook-times.json"


def kernel_env(tmp: Path) -> dict:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # an inherited Agg backend silently turns figures into text
    for name in ("JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_DATA_DIR"):
        path = tmp / name.lower()
        path.mkdir(exist_ok=True)
        env[name] = str(path)
    return env


@pytest.mark.skipif(not NOTEBOOKS, reason="no lesson notebooks yet")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.relative_to(ROOT).as_posix() for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    stored_outputs = [
        c.get("outputs") for c in nb.cells if c.cell_type == "code" and c.get("outputs")
    ]
    assert not stored_outputs, f"{path.name} is stored with outputs: clear them before committing"
    for name, value in kernel_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    workdir = tmp_path / path.parent.name  # lessons/ko/ → a folder named ko: Korean
    workdir.mkdir()
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    TIMES.parent.mkdir(exist_ok=True)
    times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    times[path.relative_to(ROOT).as_posix()] = round(seconds, 1)
    TIMES.write_text(json.dumps(times, indent=2, sort_keys=True))
    if "lessons" in path.relative_to(ROOT).parts:
        images = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})
        ]
        assert images, f"{path.name} should end with something to look at (no figure was drawn)"
