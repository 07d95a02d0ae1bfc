"""The Korean catalog: what a learner of the Korean edition reads from the library.

Widget labels, check() tables and pictures come from the message catalog; predict questions and
graded tests' descriptions and hints, which code cells and tests pass in English, come from the
phrase table. Kubernetes' own words (kubectl output, field names) are never translated.
"""

import ast
import json
import re
import string
from pathlib import Path

import pytest

from k8sedu.grading import feedback
from k8sedu.widgets import i18n, i18n_ko
from k8sedu.widgets.i18n import _, phrase
from k8sedu.widgets.predict import Prediction

REPO = Path(__file__).resolve().parents[2]
GRADED = REPO / "k8sedu" / "grading" / "tests"
TRANSLATED = sorted(p.stem for p in (REPO / "i18n" / "ko").glob("*.yaml"))


@pytest.fixture
def korean():
    i18n.set_language("ko")
    yield
    i18n.set_language("en")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(i18n_ko.MESSAGES))
def test_a_korean_message_has_the_english_placeholders(key):
    assert key in i18n.EN
    assert fields(i18n_ko.MESSAGES[key]) == fields(i18n.EN[key])


def test_what_check_prints_is_all_translated():
    wanted = {k for k in i18n.EN if k.startswith(("check.", "edition.", "predict.", "viz."))}
    untranslated = {"viz.scheduler.passed"}  # a ✓ needs no translation
    assert wanted - untranslated <= set(i18n_ko.MESSAGES)


def predictions(path: Path) -> list[tuple[str, list[str]]]:
    """(question, choices) of every k.predict(...) call in a notebook's code cells."""
    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "predict(" not in source:
            continue
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
        for node in ast.walk(ast.parse(code)):
            name = getattr(node, "func", None)
            if (
                isinstance(node, ast.Call)
                and getattr(name, "attr", getattr(name, "id", "")) == "predict"
            ):
                found.append((ast.literal_eval(node.args[0]), ast.literal_eval(node.args[1])))
    return found


def graded_texts() -> list[str]:
    """The translated exercises' graded tests: each description (docstring's first line) and hint."""
    texts = []
    for path in sorted(p for n in TRANSLATED for p in GRADED.glob(f"test_{n[:2]}_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            node.targets[0].id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                texts.append(ast.get_docstring(node).splitlines()[0])
                for mark in node.decorator_list:
                    if isinstance(mark, ast.Call) and getattr(mark.func, "attr", "") == "hint":
                        arg = mark.args[0]
                        texts.append(
                            arg.value if isinstance(arg, ast.Constant) else constants[arg.id]
                        )
    return texts


def needs_words(text: str) -> bool:
    """Numbers, names (pods, nodes, components) and kubectl's own words stay as they are."""
    names = r"(kube|node)-[a-z0-9-]+|db|cache"
    return not re.fullmatch(rf"[\d\s,.:]*|{names}|No resources found|The connection to .*", text)


def english_phrases() -> list[str]:
    texts = graded_texts()
    for stem in TRANSLATED:
        for folder in ("lessons", "solutions"):
            path = REPO / folder / f"{stem}.ipynb"
            if path.exists():
                for question, choices in predictions(path):
                    texts += [question, *choices]
    return [t for t in texts if needs_words(t)]


def test_every_phrase_a_korean_learner_reads_is_translated():
    missing = sorted(set(english_phrases()) - set(i18n_ko.PHRASES))
    assert missing == []


def test_no_phrase_translation_is_stale():
    """A key whose English text is gone from lessons and graded tests is out of date."""
    stale = sorted(set(i18n_ko.PHRASES) - set(english_phrases()))
    assert stale == []


def test_phrases_are_english_until_the_language_changes(korean):
    question = "Which component is down in `mystery`?"
    assert phrase(question) == "`mystery`에서 멈춘 컴포넌트는 무엇일까?"
    assert phrase("kube-scheduler") == "kube-scheduler"
    i18n.set_language("en")
    assert phrase(question) == question


def test_a_prediction_is_shown_in_korean_and_recorded_in_english(korean):
    p = Prediction(
        "node-2 powers off. When do its pods get replacements on other nodes?",
        ["at once", "about 6 minutes later"],
    )
    assert p.lock(2) == "about 6 minutes later"
    assert repr(p).splitlines() == [
        "예측: node-2의 전원이 꺼진다. 그 노드의 파드를 대신할 파드는 언제 다른 노드에 생길까?",
        "  1. 즉시",
        "  2. 약 6분 뒤",
        "확정한 답: 약 6분 뒤. 이제 다음 셀을 실행해서 확인한다.",
    ]


REPORT = {
    "exercise": "02",
    "score": 1,
    "max_score": 3,
    "cells": [{"cell": 4, "line": 2, "first_line": "def f(", "error": "NameError: x"}],
    "tests": [
        {"description": "A missing key counts as 0.", "points": 1, "outcome": "passed", "hint": ""},
        {
            "description": "Losing every race: exactly `attempts` compare-and-swaps, then GaveUp, nothing written. [3]",
            "points": 2,
            "outcome": "failed",
            "hint": "Try at most `attempts` compare-and-swaps, then raise GaveUp.",
            "assertion": "",
            "message": "assert 4 == 3",
        },
    ],
}


def test_the_check_table_in_korean(korean):
    text = feedback.text_table(REPORT, _("check.title", exercise="02"))
    assert text.splitlines() == [
        "연습 문제 02: 1/3점",
        "  ✓   1/1  없는 키는 0으로 센다.",
        "  ✗   0/2  경쟁에서 매번 질 때: 정확히 `attempts`번 compare-and-swap을 하고 GaveUp, 쓴 것은 없다. [3]",
        "           compare-and-swap은 최대 `attempts`번까지 시도하고, 그다음 GaveUp을 발생시킨다. — assert 4 == 3",
        "오류를 낸 셀 (그 셀의 정의는 없는 상태다):",
        "  4번 셀 2번째 줄 (`def f(`)에서 NameError: x 발생",
    ]
    html = feedback.html_table(REPORT, "연습 문제 02")
    assert "<th>테스트</th><th>점수</th><th>결과</th><th>힌트</th>" in html
    assert "✗ 실패" in html and "✓ 통과" in html


def test_the_check_table_in_english_is_unchanged():
    html = feedback.html_table(REPORT, "Exercise 02")
    assert "<strong>Exercise 02: 1/3 points</strong>" in html
    assert "<th>test</th><th>points</th><th>result</th><th>hint</th>" in html
    assert "cell 4 line 2 (`def f(`) raised NameError: x" in feedback.text_table(
        REPORT, "Exercise 02"
    )


@pytest.mark.parametrize(
    ("folder", "env", "expected"),
    [("ko", None, "ko"), ("lessons", None, "en"), ("lessons", "ko", "ko"), ("ko", "en", "en")],
    ids=["korean-folder", "english-folder", "env-says-ko", "env-overrides-folder"],
)
def test_a_kernel_starts_in_its_folders_language(tmp_path, monkeypatch, folder, env, expected):
    (tmp_path / folder).mkdir()
    monkeypatch.chdir(tmp_path / folder)
    if env is None:
        monkeypatch.delenv("K8SEDU_LANG", raising=False)
    else:
        monkeypatch.setenv("K8SEDU_LANG", env)
    assert i18n._starting_language() == expected
