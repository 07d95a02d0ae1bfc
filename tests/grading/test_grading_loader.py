"""The notebook loader: cells in order, failures recorded per cell, IPython syntax harmless."""

import json
import pickle

import pytest

from k8sedu.grading import loader
from k8sedu.grading.loader import Cell


def notebook(*cells, nbformat=4):
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": meta, "source": source, "outputs": []}
                for kind, source, meta in cells
            ],
            "metadata": {},
            "nbformat": nbformat,
            "nbformat_minor": 5,
        }
    )


def test_cells_run_in_order_and_a_failing_cell_is_skipped():
    loaded = loader.load(
        [
            Cell(1, "x = 1"),
            Cell(2, "def f():\n    return x + 1"),
            Cell(4, "y = 1 / 0"),
            Cell(5, "z = f()"),
        ]
    )
    assert (loaded.module.x, loaded.module.z) == (1, 2)
    assert [str(e) for e in loaded.errors] == [
        "cell 4 line 1 (`y = 1 / 0`) raised ZeroDivisionError: division by zero"
    ]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        pytest.param("import sys\nsys.exit(3)", "SystemExit: 3", id="sys-exit"),
        pytest.param("raise NotImplementedError()", "NotImplementedError", id="unanswered"),
        pytest.param("def f(:\n    pass", "SyntaxError", id="syntax-error"),
        pytest.param("raise KeyboardInterrupt", "KeyboardInterrupt", id="keyboard-interrupt"),
    ],
)
def test_every_kind_of_failure_is_recorded(source, error):
    loaded = loader.load([Cell(3, source), Cell(4, "after = True")])
    assert loaded.errors[0].error.startswith(error)
    assert loaded.module.after is True


def test_magics_and_shell_lines_are_no_ops_but_time_runs_its_body():
    loaded = loader.load(
        [
            Cell(1, "%matplotlib inline\n!rm -rf /\nfiles = !ls\nx = 1"),
            Cell(2, "%%time\ny = x + 1"),
            Cell(3, "%time z = y + 1"),
            Cell(4, "%kubectl get pods"),
        ]
    )
    assert loaded.errors == []
    assert (loaded.module.files, loaded.module.y, loaded.module.z) == ([], 2, 3)


def test_a_missing_name_says_so():
    module = loader.load([Cell(1, "x = 1")]).module
    with pytest.raises(AttributeError, match="your notebook does not define `score`"):
        module.score  # noqa: B018


def test_objects_defined_in_the_notebook_pickle():
    module = loader.load([Cell(1, "def double(n):\n    return 2 * n")]).module
    assert pickle.loads(pickle.dumps(module.double))(4) == 8


def test_display_and_widgets_show_nothing_while_grading(capsys):
    loader.neutralise_display()
    loaded = loader.load(
        [
            Cell(1, "import ipywidgets as w\nslider = w.IntSlider(value=3)\ndisplay(slider)"),
            Cell(2, "from IPython.display import display\ndisplay('hello')"),
        ]
    )
    assert loaded.errors == []
    assert loaded.module.slider.value == 3
    assert capsys.readouterr().out == ""


def test_notebook_cells_skip_markdown_and_skip_grading(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(
        notebook(
            ("markdown", "# title", {}),
            ("code", "a = 1", {}),
            ("code", "import time\ntime.sleep(600)", {"tags": ["skip-grading"]}),
            ("code", ["b = ", "2"], {}),
        )
    )
    assert loader.read_submission(path) == [Cell(2, "a = 1"), Cell(4, "b = 2")]


def test_a_notebook_that_fails_schema_validation_still_loads(tmp_path):
    path = tmp_path / "n.ipynb"
    cell = {"cell_type": "code", "source": "a = 1", "unexpected": True}  # no metadata, no outputs
    path.write_text(json.dumps({"cells": [cell], "nbformat": 4, "nbformat_minor": 2}))
    assert loader.read_submission(path) == [Cell(1, "a = 1")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param("not json {", "not valid JSON", id="not-json"),
        pytest.param("[1, 2]", "not a notebook", id="json-list"),
        pytest.param(notebook(nbformat=3), "nbformat 3", id="nbformat-3"),
        pytest.param(b"\xff\xfe\x00", "not UTF-8", id="binary"),
    ],
)
def test_unreadable_files_give_a_reason(tmp_path, content, reason):
    path = tmp_path / "n.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(loader.InvalidSubmission, match=reason):
        loader.read_submission(path)


def test_a_python_file_is_split_at_percent_markers(tmp_path):
    path = tmp_path / "s.py"
    path.write_text("a = 1\n# %%\nb = a + 1\n# %% part 2\nc = 3\n")
    cells = loader.read_submission(path)
    assert [c.number for c in cells] == [1, 2, 3]
    assert loader.load(cells).module.b == 2
