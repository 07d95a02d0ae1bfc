"""The course quiz: its questions are the lessons' own predictions, and answers survive kernels."""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

import k8sedu
from k8sedu.grading.course import PREDICT_MIME
from k8sedu.quiz import MIME, QUESTIONS, Quiz, quiz, records, report, saved
from k8sedu.widgets import i18n

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
# Where each lesson says the answer, in its own words (whitespace collapsed).
EVIDENCE = {
    "l01-predict-pack": "Twelve run, four per node, and the 13th waits",
    "l02-predict-stop": "Without etcd, there is no cluster",
    "l03-predict-conflict": "his update is refused and Alice's change survives",
    "l04-predict-toleration": "The tolerant ones go *anywhere*",
    "l05-predict-delete": "**created a new pod** (a new random name, a new uid)",
    "l06-predict-crash": "The **same pod** all along",
    "l07-predict-keepalive": "One connection, one pod.",
    "l08-predict-liveness": "All three pods were killed together, restarted, killed again",
    "l09-predict-down": "**highest recommendation of the last 5 minutes**",
    "l10-predict-throttle": "Nothing is killed; every request just takes longer",
}


def lesson(number: str) -> dict:
    (path,) = LESSONS.glob(f"{number}-*.ipynb")
    return json.loads(path.read_text(encoding="utf-8"))


def predict_calls(notebook: dict) -> dict[str, tuple[str, list[str]]]:
    """Cell id → (question, choices) of each predict(...) call in a notebook."""
    found = {}
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "predict(" not in source:
            continue
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
        for node in ast.walk(ast.parse(code)):
            func = getattr(node, "func", None)
            if getattr(func, "attr", getattr(func, "id", "")) == "predict":
                try:
                    found[cell["id"]] = tuple(ast.literal_eval(a) for a in node.args[:2])
                except ValueError:  # an f-string question cannot be quoted verbatim
                    pass
    return found


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """A fresh $K8SEDU_HOME, and a working folder that must stay empty."""
    monkeypatch.setenv("K8SEDU_HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield tmp_path / "home"
    assert list(work.iterdir()) == []  # nothing depends on, or lands in, the working folder


@pytest.mark.parametrize("item", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_each_question_is_a_lesson_prediction_word_for_word(item):
    calls = predict_calls(lesson(item.lesson))
    assert item.id in calls, f"no predict cell {item.id} in lesson {item.lesson}"
    question, choices = calls[item.id]
    assert (item.question, list(item.choices)) == (question, choices)
    assert item.answer in item.choices


@pytest.mark.parametrize("item", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_each_answer_is_the_one_its_lesson_explains(item):
    markdown = " ".join(
        "".join(c["source"]) for c in lesson(item.lesson)["cells"] if c["cell_type"] == "markdown"
    )
    assert EVIDENCE[item.id] in re.sub(r"\s+", " ", markdown)


def test_ten_questions_one_per_lesson():
    assert [q.lesson for q in QUESTIONS] == [f"{n:02}" for n in range(1, 11)]
    assert len({q.id for q in QUESTIONS}) == 10


def test_pre_answers_are_saved_under_k8sedu_home_and_stay_locked(home, capsys):
    pre = quiz("pre")
    assert "Question 1 of 10" in capsys.readouterr().out
    assert pre.lock(1, "13") == "13"
    assert pre.lock(2, 2) == "an error"
    assert "Your answer: 13. Saved" in repr(pre.questions[0])
    assert saved()["pre"] == {"l01-predict-pack": "13", "l02-predict-stop": "an error"}
    assert json.loads((home / "quiz.json").read_text())["post"] == {}
    again = Quiz("pre")  # a new kernel: the answers come back, locked
    assert again.lock(1, "12") == "13"
    assert again.status() == "2 of 10 answered."


def test_post_quiz_shows_each_answer_beside_the_pre_answer():
    pre = Quiz("pre")
    for number, item in enumerate(QUESTIONS, 1):  # right on the first four only
        pre.lock(
            number,
            item.answer if number <= 4 else next(c for c in item.choices if c != item.answer),
        )
    assert pre.status() == "All 10 answered and saved. See you in lesson 13!"
    post = Quiz("post")
    assert post.before_score() == 4
    post.lock(5, QUESTIONS[4].answer)
    assert post.questions[4].verdict() == (
        "✓ Right. Before the course you said: 2 pods: a deleted pod is gone."
    )
    post.lock(6, 1)
    assert post.questions[5].verdict() == (
        "✗ The answer: the same pod, 4 or 5 restarts, CrashLoopBackOff between them (lesson 06). "
        "Before the course you said: a new pod every 5 seconds, each with RESTARTS 0."
    )
    for number, item in enumerate(QUESTIONS, 1):
        post.lock(number, item.answer)
    assert post.score() == (9, 10)
    assert post.status() == "Before the course 4/10 → after 9/10."
    assert post.summary().splitlines()[4:6] == [" 5. 05  ✗ → ✓", " 6. 06  ✗ → ✗"]


def test_post_quiz_without_pre_answers():
    post = Quiz("post")
    for number, item in enumerate(QUESTIONS, 1):
        post.lock(number, item.answer)
    assert post.questions[0].verdict() == ("✓ Right. You had not answered it before the course.")
    assert post.status() == "10/10 right (no answers from before the course on this computer)."


def test_widget_records_a_quiz_answer_the_instructor_can_read():
    pre = Quiz("pre")
    pre._build()
    first = pre.questions[0]
    first.options.value = "12"
    first.button.click()
    assert first.options.disabled and first.note.value == (
        "Your answer: 12. Saved; lesson 13 shows the right one."
    )
    predicted, answered = (o["data"] for o in first.record.outputs)
    assert predicted[PREDICT_MIME]["answer"] == "12"  # a prediction like any other
    assert answered[MIME] == {
        "phase": "pre",
        "id": "l01-predict-pack",
        "answer": "12",
        "correct": True,
    }
    assert "1 of 10 answered." in pre.score_view.value
    again = Quiz("pre")  # a re-run shows the saved answer, locked
    again._build()
    shown = again.questions[0]
    assert shown.options.disabled and shown.options.value == "12"
    assert shown.note.value.startswith("Your answer: 12.")


def test_the_quiz_speaks_korean():
    i18n.set_language("ko")
    try:
        text = repr(Quiz("pre"))
    finally:
        i18n.set_language("en")
    assert "질문 3 / 10" in text
    assert "{count}개 중" not in text and "10개 중 0개 답했다." in text


def test_report_reads_pre_and_post_from_saved_notebooks(tmp_path):
    def notebook(*answers):
        data = [{"phase": p, "id": i, "answer": a, "correct": None} for p, i, a in answers]
        outputs = [{"output_type": "display_data", "data": {MIME: d}} for d in data[:1]]
        state = {"outputs": [{"output_type": "display_data", "data": {MIME: d}} for d in data[1:]]}
        widgets = {"application/vnd.jupyter.widget-state+json": {"state": {"m1": {"state": state}}}}
        return json.dumps({"cells": [{"outputs": outputs}], "metadata": {"widgets": widgets}})

    folder = tmp_path / "class"
    (folder / "ada").mkdir(parents=True)
    (folder / "ada" / "00-start-here.ipynb").write_text(
        notebook(("pre", "l01-predict-pack", "13"), ("pre", "l02-predict-stop", "an error"))
    )
    (folder / "ada" / "13-wrap-up.ipynb").write_text(notebook(("post", "l01-predict-pack", "12")))
    (folder / "bob.ipynb").write_text(notebook(("pre", "l01-predict-pack", "12")))
    (folder / "cy").mkdir()  # JupyterLab did not save widget state: cy hands in ~/.k8sedu/quiz.json
    (folder / "cy" / "quiz.json").write_text('{"pre": {}, "post": {"l01-predict-pack": "3"}}')
    assert report(folder).splitlines()[:5] == [
        "student   pre   post",
        "ada       1/2   1/1",
        "bob       1/1",
        "cy              0/1",
        "",
    ]
    assert (
        report(folder).splitlines()[6] == "01       1              1             l01-predict-pack"
    )


def test_records_keep_the_last_of_each_phase_and_question():
    found = records([{MIME: {"phase": "pre", "id": "a", "answer": "x"}}, {MIME: {"phase": "?"}}])
    assert list(found) == [("pre", "a")]


def test_an_unknown_phase_is_an_error():
    with pytest.raises(ValueError, match="'pre' or 'post', not 'mid'"):
        Quiz("mid")


def test_k8sedu_quiz_is_the_function_even_after_importing_the_module():
    module = importlib.import_module("k8sedu.quiz")
    assert module.quiz is k8sedu.quiz and callable(k8sedu.quiz)
    assert "quiz" in k8sedu.__all__
