"""check() inside a real Jupyter kernel, and the instructor's progress view of saved notebooks."""

import json
import shutil

import pytest

from k8sedu.grading import progress
from k8sedu.grading.course import CHECK_MIME, PREDICT_MIME


@pytest.fixture(scope="module")
def executed(tmp_path_factory, request):
    """The fixture solution, run top to bottom by a kernel, as a learner would save it."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    course = request.config.rootpath / "tests" / "grading" / "fixtures" / "course"
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(course, root, dirs_exist_ok=True)
    home = tmp_path_factory.mktemp("jupyter")
    env = {"JUPYTER_RUNTIME_DIR": home, "IPYTHONDIR": home, "MPLCONFIGDIR": home}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, str(value))
        notebook = nbformat.read(root / "solutions" / "99-sample.ipynb", as_version=4)
        client = nbclient.NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(root / "solutions")}},
        )
        client.execute()
    return notebook


def test_check_shows_an_html_table_and_records_the_result(executed):
    outputs = executed.cells[-1].outputs
    data = next(o["data"] for o in outputs if CHECK_MIME in o.get("data", {}))
    assert "<table>" in data["text/html"] and "9/9 points" in data["text/html"]
    assert (data[CHECK_MIME]["score"], data[CHECK_MIME]["max_score"]) == (9, 9)


def test_progress_table(executed, tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "99-sample.ipynb").write_text(json.dumps(executed))
    answers = [
        {"question": "q1", "answer": "2", "correct": True},
        {"question": "q2", "answer": "a", "correct": False},
    ]
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [{"output_type": "display_data", "data": {PREDICT_MIME: a}}],
            }
            for a in answers
        ]
        + [{"cell_type": "code", "metadata": {"k8sedu": {"predict": answers[0]}}, "outputs": []}]
    }
    (tmp_path / "bob.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "carol.ipynb").write_text("not json")
    assert progress.to_table(progress.collect(tmp_path)).splitlines() == [
        "student   notebook          check        predictions",
        "alice     99-sample.ipynb   9/9",
        "bob       bob.ipynb                      1/2 right",
        "carol     carol.ipynb       unreadable",
    ]
