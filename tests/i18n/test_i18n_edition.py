"""The Korean edition is generated from the English source and kept current (issue 14).

Every Korean notebook has the English code cells byte for byte, every translation records the
hash of the English it translates, and `k8sedu lessons check --lang ko` is clean. The builder's
own rules (stale and missing parts, banners, generated exercises) are shown on a tiny course.
"""

import doctest
import json
from pathlib import Path

import pytest

from k8sedu import cli, lessons_build
from k8sedu.lessons_build import Edition, source_hash

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("[0-9][0-9]-*.ipynb"))
KOREAN = sorted(REPO.glob("*/ko/[0-9]*.ipynb"))


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_every_lesson_is_translated():
    """The whole course is settled: every lesson has a translation file and a Korean notebook."""
    assert sorted(p.stem for p in (REPO / "i18n" / "ko").glob("*.yaml")) == LESSONS
    assert all((REPO / "lessons" / "ko" / f"{stem}.ipynb").exists() for stem in LESSONS)


@pytest.mark.parametrize("path", KOREAN, ids=[p.relative_to(REPO).as_posix() for p in KOREAN])
def test_korean_code_cells_equal_the_english(path):
    english = cells(path.parent.parent / path.name)
    korean = cells(path)
    assert [c["id"] for c in korean] == [c["id"] for c in english]
    code = [(e, k) for e, k in zip(english, korean, strict=True) if e["cell_type"] == "code"]
    assert code and all(k == e for e, k in code), "code cells must be byte-identical"
    markdown = [k for k in korean if k["cell_type"] == "markdown"]
    assert all(any("가" <= ch <= "힣" for ch in "".join(c["source"])) for c in markdown)


def test_every_translation_is_current():
    """What `k8sedu lessons check --lang ko` reports: nothing stale, missing or out of date."""
    assert Edition(REPO, "ko").check() == []


def test_the_builder_examples():
    result = doctest.testmod(lessons_build)
    assert result.failed == 0 and result.attempted >= 2


# -- the builder on a tiny course -----------------------------------------------------------------

LESSON_CELLS = [
    {
        "cell_type": "markdown",
        "id": "t-title",
        "metadata": {},
        "source": ["# Title\n", "\n", "Hi."],
    },
    {
        "cell_type": "code",
        "execution_count": None,
        "id": "t-code",
        "metadata": {"slideshow": {"slide_type": "-"}},
        "outputs": [],
        "source": ["x = 1  # stays English\n", "x"],
    },
    {"cell_type": "markdown", "id": "t-next", "metadata": {}, "source": ["Next."]},
]
SOLUTION_CELLS = [
    {"cell_type": "markdown", "id": "s-title", "metadata": {}, "source": ["# Exercise"]},
    {
        "cell_type": "code",
        "execution_count": None,
        "id": "s-code",
        "metadata": {},
        "outputs": [],
        "source": [
            "def f():\n",
            "    ### BEGIN SOLUTION\n",
            "    return 1\n",
            "    ### END SOLUTION",
        ],
    },
]
GUIDE = "# Guide\n\n## Demo script\n\n1. Run it.\n"


def course(tmp_path: Path, table: dict) -> Path:
    def notebook(cells: list[dict]) -> str:
        body = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        return json.dumps(body, indent=1)

    for folder, text in [
        ("lessons", notebook(LESSON_CELLS)),
        ("solutions", notebook(SOLUTION_CELLS)),
    ]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "01-topic.ipynb").write_text(text)
    (tmp_path / "lessons" / "guide").mkdir()
    (tmp_path / "lessons" / "guide" / "01-topic.md").write_text(GUIDE)
    (tmp_path / "i18n" / "ko").mkdir(parents=True)
    lines = []
    for section, entries in table.items():
        lines.append(f"{section}:")
        for key, (english, text) in entries.items():
            lines += [f"  {key}:", f"    source: {source_hash(english)}", "    text: |"]
            lines += [f"      {line}" if line else "" for line in text.splitlines()]
    (tmp_path / "i18n" / "ko" / "01-topic.yaml").write_text("\n".join(lines) + "\n")
    return tmp_path


COMPLETE = {
    "lesson": {"t-title": ("# Title\n\nHi.", "# 제목\n\n안녕."), "t-next": ("Next.", "다음.")},
    "solution": {"s-title": ("# Exercise", "# 연습 문제")},
    "guide": {
        "title": ("# Guide", "# 가이드"),
        "demo-script": ("## Demo script\n\n1. Run it.", "## 시연\n\n1. 실행."),
    },
}


def test_a_complete_translation_builds_every_file(tmp_path):
    root = course(tmp_path, COMPLETE)
    edition = Edition(root, "ko")
    written = {p.relative_to(root).as_posix() for p in edition.build()}
    assert written == {
        "lessons/ko/01-topic.ipynb",
        "solutions/ko/01-topic.ipynb",
        "exercises/ko/01-topic.ipynb",
        "lessons/ko/guide/01-topic.md",
    }
    assert edition.check() == [] and edition.build() == []  # a rebuild changes nothing
    lesson = cells(root / "lessons" / "ko" / "01-topic.ipynb")
    assert [c["source"] for c in lesson] == [
        ["# 제목\n", "\n", "안녕."],
        LESSON_CELLS[1]["source"],
        ["다음."],
    ]
    exercise = cells(root / "exercises" / "ko" / "01-topic.ipynb")
    assert exercise[0]["source"] == ["# 연습 문제"]
    assert "".join(exercise[1]["source"]).endswith("raise NotImplementedError()")
    assert (
        root / "lessons/ko/guide/01-topic.md"
    ).read_text() == "# 가이드\n\n## 시연\n\n1. 실행.\n"


STALE = {
    **COMPLETE,
    "lesson": {"t-title": ("# Old title\n\nHi.", "# 제목\n\n안녕."), "t-next": ("Next.", "다음.")},
}
MISSING = {**COMPLETE, "lesson": {"t-title": ("# Title\n\nHi.", "# 제목\n\n안녕.")}}
UNKNOWN = {**COMPLETE, "lesson": {**COMPLETE["lesson"], "t-gone": ("Gone.", "사라짐.")}}


@pytest.mark.parametrize(
    ("table", "problem", "cell", "shown"),
    [
        (STALE, "lesson t-title: may be out of date", 0, "# 제목\n\n> ⚠️ 이 부분은 번역한 뒤에"),
        (MISSING, "lesson t-next: not translated yet", 2, "> ⚠️ 아직 번역되지 않은 부분이라"),
        (UNKNOWN, "lesson t-gone: no such part in English", 0, "# 제목\n\n안녕."),
    ],
    ids=["stale", "missing", "unknown-key"],
)
def test_problems_are_listed_and_flagged(tmp_path, table, problem, cell, shown):
    root = course(tmp_path, table)
    edition = Edition(root, "ko")
    edition.build()
    assert [line for line in edition.check() if problem in line] != []
    assert all(line.startswith("i18n/ko/01-topic.yaml: ") for line in edition.check())
    text = "".join(cells(root / "lessons" / "ko" / "01-topic.ipynb")[cell]["source"])
    assert text.startswith(shown)


def test_a_stale_entry_names_the_new_source_hash(tmp_path):
    edition = Edition(course(tmp_path, STALE), "ko")
    assert edition.check()[0].endswith(
        f"(source is now {source_hash('# Title' + chr(10) * 2 + 'Hi.')})"
    )


def test_hand_edited_and_orphan_files_are_out_of_date(tmp_path):
    root = course(tmp_path, COMPLETE)
    Edition(root, "ko").build()
    (root / "lessons/ko/guide/01-topic.md").write_text("edited by hand\n")
    (root / "exercises/ko/02-other.ipynb").write_text("{}")
    assert Edition(root, "ko").check() == [
        "lessons/ko/guide/01-topic.md: differs from what the build writes",
        "exercises/ko/02-other.ipynb: has no translation file",
    ]


@pytest.mark.parametrize(
    ("table", "action", "code"),
    [(COMPLETE, "build", 0), (COMPLETE, "check", 1), (STALE, "build", 0), (STALE, "check", 1)],
    ids=["build", "check-before-build", "build-stale", "check-stale"],
)
def test_the_command(tmp_path, capsys, table, action, code):
    root = course(tmp_path, table)
    assert cli.main(["lessons", action, "--lang", "ko", "--root", str(root)]) == code
    assert ("wrote" in capsys.readouterr().out) == (action == "build")


def test_the_command_on_this_repository(capsys):
    assert cli.main(["lessons", "check", "--lang", "ko", "--root", str(REPO)]) == 0
    assert cli.main(["lessons", "check", "--lang", "xx", "--root", str(REPO)]) == 2
    assert "no translations in" in capsys.readouterr().err


def test_the_student_copy_has_the_korean_edition_but_no_guides(tmp_path):
    from k8sedu.grading import release
    from k8sedu.grading.course import Course

    written = {p.relative_to(tmp_path).as_posix() for p in release.release(Course(REPO), tmp_path)}
    assert {
        "lessons/ko/01-what-kubernetes-is.ipynb",
        "exercises/ko/04-kube-scheduler.ipynb",
    } <= written
    assert not [p for p in written if "guide" in p or p.startswith("solutions")]
