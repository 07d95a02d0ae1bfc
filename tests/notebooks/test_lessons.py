"""Every lesson and solution notebook runs top to bottom in a fresh kernel.

Run serially (``make test`` runs this folder without xdist): parallel kernels stall on widget
cells (nbclient #312) and race for ports. Each notebook's wall time is written to
``benchmarks/out/notebook-times.json`` for ``benchmarks/RESULTS.md``; it is recorded, not asserted.
Stored notebooks must have no outputs.
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
NOTEBOOKS = sorted(ROOT.glob("lessons/[0-9]*.ipynb")) + sorted(ROOT.glob("solutions/[0-9]*.ipynb"))
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
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.name}" for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    stored_outputs = [
        c.get("outputs") for c in nb.cells if c.cell_type == "code" and c.get("outputs")
    ]
    assert not stored_outputs, f"{path.name} is stored with outputs: clear them before committing"
    for name, value in kernel_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    TIMES.parent.mkdir(exist_ok=True)
    times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    times[f"{path.parent.name}/{path.name}"] = round(seconds, 1)
    TIMES.write_text(json.dumps(times, indent=2, sort_keys=True))
    if path.parent.name == "lessons":
        images = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})
        ]
        assert images, f"{path.name} should end with something to look at (no figure was drawn)"
