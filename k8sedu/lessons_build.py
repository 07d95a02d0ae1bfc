"""A translated edition of the course, generated from the English source: ``k8sedu lessons``.

English stays the source of truth. ``i18n/<lang>/NN-topic.yaml`` holds the translated Markdown of
one lesson, keyed by where it goes::

    lesson:            # lessons/NN-topic.ipynb, Markdown cells by cell id
      l01-title:
        source: sha256:3f2a9c1b7d4e     # hash of the English text this translates
        text: |
          # 01 · 쿠버네티스란 무엇인가
    solution:          # solutions/NN-topic.ipynb (exercises/ are built from it)
    guide:             # lessons/guide/NN-topic.md, by section: "title", then each "## " heading

``build`` writes ``lessons/<lang>/``, ``solutions/<lang>/``, ``exercises/<lang>/`` and
``lessons/<lang>/guide/`` for every lesson that has a translation file. Code cells are copied
byte for byte, so a submission written in either edition grades the same. A translation whose
English changed since is *stale*: it is still used, under a banner saying it may be out of date
(as the Korean Kubernetes documentation does), and a part with no translation shows its English
under a banner. ``check`` lists both, and every generated file that differs from what ``build``
would write.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

from k8sedu.grading import builder

COMMANDS = ("lessons",)
SECTIONS = ("lesson", "solution", "guide")


def source_hash(text: str) -> str:
    """The hash a translation records of the English it translates.

    >>> source_hash("# 01 · What Kubernetes is")
    'sha256:6c220afa8747'
    """
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def guide_sections(text: str) -> dict[str, str]:
    """A facilitator guide cut at its ``## `` headings: ``title`` first, then one per heading.

    >>> guide_sections("# Guide\\n\\n## Demo script\\n\\n1. Go.\\n")
    {'title': '# Guide', 'demo-script': '## Demo script\\n\\n1. Go.'}
    """
    sections: dict[str, list[str]] = {"title": []}
    current = "title"
    for line in text.splitlines():
        if line.startswith("## "):
            current = re.sub(r"[^a-z0-9]+", "-", line[3:].lower()).strip("-")
            sections[current] = []
        sections[current].append(line)
    return {key: "\n".join(lines).strip("\n") for key, lines in sections.items()}


class Edition:
    """The ``language`` edition of the course under ``root``: what to write, and what is wrong."""

    def __init__(self, root: Path, language: str) -> None:
        self.root, self.language = Path(root), language
        self.translations = self.root / "i18n" / language
        self.problems: list[str] = []

    def outputs(self) -> dict[Path, str]:
        """Every generated file with its exact text; ``problems`` lists stale and missing parts."""
        self.problems = []
        files: dict[Path, str] = {}
        for path in sorted(self.translations.glob("*.yaml")):
            table = self._load(path)
            lesson = self.root / "lessons" / f"{path.stem}.ipynb"
            solution = self.root / "solutions" / f"{path.stem}.ipynb"
            guide = self.root / "lessons" / "guide" / f"{path.stem}.md"
            if lesson.exists():
                notebook = self._notebook(lesson, table.get("lesson", {}), path, "lesson")
                files[self._here("lessons", lesson.name)] = builder.dumps(notebook)
            if solution.exists():
                notebook = self._notebook(solution, table.get("solution", {}), path, "solution")
                files[self._here("solutions", solution.name)] = builder.dumps(notebook)
                exercise = builder.build_notebook(notebook, solution.name)
                files[self._here("exercises", solution.name)] = builder.dumps(exercise)
            if guide.exists():
                text = self._guide(guide, table.get("guide", {}), path)
                files[self._here("lessons", "guide", guide.name)] = text
            for section, present in (("lesson", lesson), ("solution", solution), ("guide", guide)):
                if table.get(section) and not present.exists():
                    self.problems.append(f"{self._name(path)}: {section}: no {present.name}")
        return files

    def build(self) -> list[Path]:
        """Write the edition; returns the files that changed."""
        changed = []
        for path, text in self.outputs().items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                changed.append(path)
        return changed

    def check(self) -> list[str]:
        """Stale or missing translations and out-of-date generated files, one line each."""
        wanted = self.outputs()
        problems = list(self.problems)
        for path, text in wanted.items():
            if not path.exists():
                problems.append(f"{self._name(path)}: missing")
            elif path.read_text(encoding="utf-8") != text:
                problems.append(f"{self._name(path)}: differs from what the build writes")
        folders = ("lessons", "solutions", "exercises")
        made = [p for f in folders for p in sorted(self._here(f).glob("*.ipynb"))]
        made += sorted(self._here("lessons", "guide").glob("*.md"))
        problems += [f"{self._name(p)}: has no translation file" for p in made if p not in wanted]
        return problems

    # -- one notebook, one guide ---------------------------------------------------------------

    def _notebook(self, english: Path, table: dict, where: Path, section: str) -> dict:
        notebook = json.loads(english.read_text(encoding="utf-8"))
        ids = set()
        for cell in notebook["cells"]:
            if cell["cell_type"] != "markdown":
                continue  # code cells stay byte-identical
            ids.add(cell["id"])
            text = self._translate("".join(cell["source"]), table, cell["id"], where, section)
            cell["source"] = text.splitlines(keepends=True)
        self._unknown(table, ids, where, section)
        return notebook

    def _guide(self, english: Path, table: dict, where: Path) -> str:
        sections = guide_sections(english.read_text(encoding="utf-8"))
        self._unknown(table, set(sections), where, "guide")
        parts = [self._translate(t, table, key, where, "guide") for key, t in sections.items()]
        return "\n\n".join(parts) + "\n"

    def _translate(self, english: str, table: dict, key: str, where: Path, section: str) -> str:
        entry, current = table.get(key), source_hash(english)
        label = f"{self._name(where)}: {section} {key}"
        if entry is None:
            self.problems.append(f"{label}: not translated yet (source: {current})")
            return _with_banner(english, self._banner("edition.untranslated"))
        text = entry["text"].rstrip("\n")
        if entry["source"] != current:
            self.problems.append(
                f"{label}: may be out of date, its English changed (source is now {current})"
            )
            return _with_banner(text, self._banner("edition.stale"))
        return text

    def _unknown(self, table: dict, ids: set[str], where: Path, section: str) -> None:
        for key in table:
            if key not in ids:
                self.problems.append(
                    f"{self._name(where)}: {section} {key}: no such part in English"
                )

    # -- helpers -------------------------------------------------------------------------------

    def _load(self, path: Path) -> dict:
        table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section, entries in table.items():
            if section not in SECTIONS or not isinstance(entries, dict):
                raise ValueError(f"{path}: {section!r} is not one of {', '.join(SECTIONS)}")
            for key, entry in entries.items():
                if not (isinstance(entry, dict) and {"source", "text"} <= set(entry)):
                    raise ValueError(f"{path}: {section} {key}: needs `source` and `text`")
        return table

    def _here(self, folder: str, *names: str) -> Path:
        return self.root.joinpath(folder, self.language, *names)

    def _name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _banner(self, key: str) -> str:
        from k8sedu.widgets import i18n

        saved = i18n.language()
        i18n.set_language(self.language)
        try:
            return i18n._(key)
        finally:
            i18n.set_language(saved)


def _with_banner(text: str, banner: str) -> str:
    """The banner as a quote under the part's heading (or on top when it has none)."""
    heading, _, rest = text.partition("\n")
    if heading.startswith("#"):
        body = rest.lstrip("\n")
        return f"{heading}\n\n> {banner}\n\n{body}".rstrip("\n")
    return f"> {banner}\n\n{text}"


# -- the command -------------------------------------------------------------------------------


def add_parsers(sub) -> None:
    lessons = sub.add_parser("lessons", help="write or check a translated edition of the course")
    lessons.add_argument("action", choices=["build", "check"])
    lessons.add_argument("--lang", required=True, help="language code, like ko (i18n/ko/)")
    lessons.add_argument("--root", type=Path, default=Path("."), help="the course folder")


def run(args: argparse.Namespace) -> int:
    edition = Edition(args.root, args.lang)
    if not edition.translations.is_dir():
        print(f"error: no translations in {edition.translations}", file=sys.stderr)
        return 2
    try:
        if args.action == "build":
            for path in edition.build():
                print(f"wrote {path}")
            problems = edition.problems
        else:
            problems = edition.check()
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for line in problems:
        print(line, file=sys.stderr)
    if problems and args.action == "check":
        print(
            f"the {args.lang} edition is out of date: update i18n/{args.lang}/ and run "
            f"`k8sedu lessons build --lang {args.lang}`",
            file=sys.stderr,
        )
    return 1 if problems and args.action == "check" else 0
