"""What a learner reads: the check() table, and the feedback file of each graded submission.

A report is the plugin's dict (``score``, ``max_score``, ``tests`` with ``description``, ``points``,
``outcome``, ``message``, ``assertion`` (the assertion's own message), ``hint`` (the test's
``hint`` marker), ``hidden``; ``cells`` that raised); a graded result adds
``student``, ``exercise``, ``status`` and ``reason``. Hidden tests show their name, points and
outcome only: their messages would give away the hidden cases. The submission's own output is
never copied into feedback, since a submission could print the hidden tests into it.

Headings, test descriptions and hints go through the message catalog (k8sedu/widgets/i18n.py), so
check() speaks the notebook's language; assertion details and Kubernetes' messages stay English.
"""

from __future__ import annotations

import html

from k8sedu.grading.plugin import fmt
from k8sedu.widgets.i18n import _, phrase

_MARK = {"passed": "✓", "skipped": "–"}


def rows(report: dict, reveal_hidden: bool = True) -> list[tuple[str, str, str, str]]:
    """(test, points, result, hint) per test; the hint column also says what went wrong."""
    result = []
    for test in report.get("tests", []):
        earned = test["points"] if test["outcome"] == "passed" else 0
        note = ""
        if test["outcome"] != "passed":
            secret = test.get("hidden") and not reveal_hidden
            hint = test.get("hint", "") if secret else test.get("assertion") or test.get("hint")
            message = "" if secret else test.get("message", "")
            note = " — ".join(part for part in (phrase(hint or ""), message) if part)
        name = _description(test["description"])
        name = _("check.hidden", name=name) if test.get("hidden") else name
        result.append((name, f"{fmt(earned)}/{fmt(test['points'])}", test["outcome"], note))
    return result


def _description(text: str) -> str:
    """A test's description, translated; a parametrized case keeps its ``[id]`` suffix."""
    base, bracket, case = text.partition(" [")
    return phrase(base) + bracket + case


def _score(report: dict, title: str) -> str:
    return _(
        "check.score", title=title, score=fmt(report["score"]), max_score=fmt(report["max_score"])
    )


def _headings() -> list[str]:
    return [_(f"check.col_{column}") for column in ("test", "points", "result", "hint")]


def _outcome(outcome: str) -> str:
    return _("check.outcome." + outcome.replace(" ", "_"))


def text_table(report: dict, title: str) -> str:
    lines = [_score(report, title)]
    for name, points, outcome, note in rows(report):
        lines.append(f"  {_MARK.get(outcome, '✗')} {points:>5}  {name}")
        if note:
            lines.append(f"           {note}")
    lines += _cell_lines(report, "  ")
    return "\n".join(lines) + "\n"


def html_table(report: dict, title: str, reveal_hidden: bool = True) -> str:
    body = "".join(
        f"<tr><td>{_e(name)}</td><td>{_e(points)}</td>"
        f"<td style='color:{_colour(outcome)}'>{_MARK.get(outcome, '✗')} {_e(_outcome(outcome))}</td>"
        f"<td>{_e(note)}</td></tr>"
        for name, points, outcome, note in rows(report, reveal_hidden)
    )
    cells = "".join(f"<li>{_e(line.strip())}</li>" for line in _cell_lines(report, "")[1:])
    return (
        f"<div class='k8sedu-check'><strong>{_e(_score(report, title))}</strong><table><thead><tr>"
        + "".join(f"<th>{_e(h)}</th>" for h in _headings())
        + f"</tr></thead><tbody>{body}</tbody></table>"
        + (f"<p>{_e(_('check.cells_short'))}</p><ul>{cells}</ul>" if cells else "")
        + "</div>"
    )


def _cell_lines(report: dict, indent: str) -> list[str]:
    cells = report.get("cells", [])
    if not cells:
        return []
    return [_("check.cells")] + [f"{indent}{describe_cell(c)}" for c in cells]


def describe_cell(cell: dict) -> str:
    if cell.get("line"):
        where = _("check.cell_line", cell=cell["cell"], line=cell["line"])
    else:
        where = _("check.cell", cell=cell["cell"])
    return _("check.cell_raised", where=where, first_line=cell["first_line"], error=cell["error"])


def markdown(result: dict) -> str:
    """The feedback file of one graded submission, in Markdown."""
    lines = [
        f"# Exercise {result['exercise']} — {result['student']}",
        "",
        f"**Score: {fmt(result['score'])}/{fmt(result['max_score'])}** ({result['status']})",
        "",
    ]
    if result.get("reason"):
        lines += [result["reason"], ""]
    table = rows(result, reveal_hidden=False)
    if table:
        lines += ["| " + " | ".join(_headings()) + " |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(_md(col) for col in row) + " |" for row in table]
        lines.append("")
    cells = _cell_lines(result, "- ")
    return "\n".join(lines + cells).rstrip() + "\n"


def html_page(result: dict) -> str:
    """The same feedback as a standalone HTML page."""
    title = f"Exercise {result['exercise']} — {result['student']}"
    reason = f"<p>{_e(result['reason'])}</p>" if result.get("reason") else ""
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{_e(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "td,th{border-bottom:1px solid #ccc;padding:.3em .6em;text-align:left}</style></head>"
        f"<body><h1>{_e(title)}</h1><p>Status: {_e(result['status'])}</p>{reason}"
        f"{html_table(result, 'Score', reveal_hidden=False)}</body></html>\n"
    )


def _colour(outcome: str) -> str:
    return {"passed": "#1b7837", "skipped": "#777"}.get(outcome, "#b2182b")


def _e(text: str) -> str:
    return html.escape(str(text))


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
