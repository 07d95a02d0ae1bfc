"""The course quiz: ten of the lessons' predictions, asked before lesson 01 and after lesson 10.

    k8sedu.quiz("pre")     # in 00 · Start here: what you think now
    k8sedu.quiz("post")    # in 13 · Wrap-up: the same ten, each beside your answer from before

It models a pre/post test: each question is a ``k8sedu.predict`` of lessons 01–10, copied word for
word (tests/test_quiz.py checks that against the notebooks), one per lesson, chosen for the
misconception it exposes. Each question is a ``Prediction`` (k8sedu/widgets/predict.py): shown in
the current language, locked once, recorded in English. The pre quiz does not reveal answers; the
post quiz does, and ends with "before 4/10 → after 9/10".

Where answers go: your own answers are kept in ``$K8SEDU_HOME/quiz.json`` (default
``~/.k8sedu/``), so the post quiz finds your pre answers in any folder and a re-run shows them
locked. Each locked answer is also displayed, inside the widget, as an output of type
``application/vnd.k8sedu.quiz+json`` (``phase``, ``id``, ``answer``, ``correct``);
``report(folder)`` reads those from a class's saved notebooks (JupyterLab keeps widget outputs
when it saves widget state) and from any ``quiz.json`` a learner hands in:
``k8sedu progress SUBMISSIONS/ --quiz``.
Simplified: one attempt per phase; to start over, delete quiz.json.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

from k8sedu.widgets.i18n import _, phrase
from k8sedu.widgets.predict import Prediction, _in_jupyter

MIME = "application/vnd.k8sedu.quiz+json"
PHASES = ("pre", "post")


class Question(NamedTuple):
    id: str  # the cell id of the lesson's predict call
    lesson: str
    question: str
    choices: tuple[str, ...]
    answer: str


QUESTIONS = (
    Question(
        "l01-predict-pack",
        "01",
        "3 workers with 4 CPUs each. You ask for 13 pods, each requesting 1 CPU but using almost "
        "none. How many run?",
        ("12", "13", "3"),
        "12",
    ),
    Question(
        "l02-predict-stop",
        "02",
        "We stop etcd. What does `kubectl get namespaces` do?",
        ("the same list, from kube-apiserver's memory", "an error", "an empty list"),
        "an error",
    ),
    Question(
        "l03-predict-conflict",
        "03",
        "Alice and Bob both read Deployment web. Alice sets replicas to 5 and updates it; then Bob "
        "sets replicas to 1 in his copy and updates it. What happens to Bob's update?",
        (
            "it overwrites Alice's: replicas is 1",
            "it is merged with Alice's: replicas stays 5",
            "it is refused with 409 Conflict",
            "it waits until Alice's is finished, then applies",
        ),
        "it is refused with 409 Conflict",
    ),
    Question(
        "l04-predict-toleration",
        "04",
        "node-3 is tainted dedicated=gpu:NoSchedule. We create 6 small pods that tolerate "
        "that taint. Where do they go?",
        (
            "all on node-3: the toleration draws them there",
            "anywhere: the toleration only allows node-3",
            "never on node-3",
            "they stay Pending",
        ),
        "anywhere: the toleration only allows node-3",
    ),
    Question(
        "l05-predict-delete",
        "05",
        "You delete one of web's three pods. What does `kubectl get pods -o wide` show a moment "
        "later?",
        (
            "2 pods: a deleted pod is gone",
            "3 pods: the same pod is back, with the same name and IP",
            "3 pods: a new pod with a new name and a new IP",
            "3 pods: the deleted one restarted, RESTARTS 1",
        ),
        "3 pods: a new pod with a new name and a new IP",
    ),
    Question(
        "l06-predict-crash",
        "06",
        "A container exits with an error 5 seconds after every start. What does "
        "`kubectl get pods` show after two minutes?",
        (
            "a new pod every 5 seconds, each with RESTARTS 0",
            "the same pod, about 23 restarts: one every 5 seconds",
            "the same pod, 4 or 5 restarts, CrashLoopBackOff between them",
            "the pod Failed, RESTARTS 0",
        ),
        "the same pod, 4 or 5 restarts, CrashLoopBackOff between them",
    ),
    Question(
        "l07-predict-keepalive",
        "07",
        "One client opens ONE keep-alive connection to web and sends 100 requests over it. "
        "How do the requests spread over the 3 pods?",
        ("about 33 each", "all 100 to one pod", "round robin: 34, 33, 33"),
        "all 100 to one pod",
    ),
    Question(
        "l08-predict-liveness",
        "08",
        "shop's liveness probe checks the database. The database is down for 90 seconds. "
        "What happens to shop's 3 pods?",
        (
            "nothing: they wait until the database is back",
            "they leave the Service's endpoints until the database is back",
            "all 3 are restarted, again and again, and stay down longer than the database",
        ),
        "all 3 are restarted, again and again, and stay down longer than the database",
    ),
    Question(
        "l09-predict-down",
        "09",
        "The traffic stops completely. When does the HPA bring web down to 1 replica?",
        (
            "at the next sync, within 15 seconds",
            "after about 5 minutes",
            "never: an HPA only scales up",
            "after an hour",
        ),
        "after about 5 minutes",
    ),
    Question(
        "l10-predict-throttle",
        "10",
        "capped needs 300m of CPU but its limit is 100m. What happens to it?",
        (
            "it is killed and restarted",
            "it is evicted from the node",
            "it is held at 100m, and answers more slowly",
            "nothing: limits only matter to the scheduler",
        ),
        "it is held at 100m, and answers more slowly",
    ),
)


# -- the learner's own answers, kept between kernels -----------------------------------------


def answers_file() -> Path:
    """``$K8SEDU_HOME/quiz.json``, by default ``~/.k8sedu/quiz.json``: never the working folder."""
    return Path(os.environ.get("K8SEDU_HOME") or Path.home() / ".k8sedu") / "quiz.json"


def saved() -> dict[str, dict[str, str]]:
    """Your locked answers by phase, then question id: ``{"pre": {...}, "post": {...}}``."""
    try:
        data = json.loads(answers_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    return {phase: dict(data.get(phase) or {}) for phase in PHASES}


def _save(phase: str, question_id: str, answer: str) -> None:
    data = saved()
    data[phase][question_id] = answer
    path = answers_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")  # replaced in one step: a crash never leaves half a file
    partial.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(path)


# -- the quiz --------------------------------------------------------------------------------


class QuizQuestion(Prediction):
    """One quiz question: a Prediction that also saves its answer and says how it went."""

    def __init__(self, quiz: Quiz, number: int, item: Question) -> None:
        super().__init__(item.question, list(item.choices), id=f"quiz-{quiz.phase}-{item.id}")
        self.quiz, self.number, self.item = quiz, number, item

    @property
    def correct(self) -> bool | None:
        return None if self.answer is None else self.answer == self.item.answer

    def lock(self, choice: str | int) -> str:
        first = self.answer is None
        answer = super().lock(choice)
        if first:
            _save(self.quiz.phase, self.item.id, answer)
            if self.widget is not None:
                self._show_result()
            self.quiz._changed()
        return answer

    def verdict(self) -> str:
        """What the learner reads once this question is locked."""
        if self.quiz.phase == "pre":
            return _("quiz.saved", choice=phrase(self.answer))
        result = (
            _("quiz.right")
            if self.correct
            else _("quiz.wrong", answer=phrase(self.item.answer), lesson=self.item.lesson)
        )
        before = self.quiz.before.get(self.item.id)
        said = _("quiz.before", answer=phrase(before)) if before else _("quiz.before_none")
        return f"{result} {said}"

    def _build(self):
        import ipywidgets as W

        super()._build()
        heading = _("quiz.question", number=self.number, count=len(QUESTIONS))
        self.widget.children = (W.HTML(f"<i>{heading}</i>"), *self.widget.children)
        if self.answer is not None:  # locked in an earlier session: show it locked
            self.options.value = self.answer
            self._locked_view()
            self._show_result()
        return self.widget

    def _show_result(self) -> None:
        self.note.value = self.verdict()  # instead of predict's "now run the next cell"
        self.record.append_display_data(_Record(self))

    def __repr__(self) -> str:
        lines = super().__repr__().splitlines()[:-1]  # without predict's last line
        return "\n".join([*lines, self.verdict() if self.answer else ""]).rstrip()


class _Record:
    """A locked quiz answer as a display bundle, for ``report()`` (custom MIME + text)."""

    def __init__(self, question: QuizQuestion) -> None:
        self.data = {
            "phase": question.quiz.phase,
            "id": question.item.id,
            "answer": question.answer,
            "correct": question.correct,
        }

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {MIME: self.data, "text/plain": f"quiz {self.data['phase']} {self.data['id']}"}


class Quiz:
    """The ten questions of one phase; ``lock(number, choice)`` answers one outside Jupyter."""

    def __init__(self, phase: str) -> None:
        if phase not in PHASES:
            raise ValueError(f"a quiz is 'pre' or 'post', not {phase!r}")
        self.phase = phase
        self.questions = [QuizQuestion(self, n, item) for n, item in enumerate(QUESTIONS, 1)]
        answers = saved()
        self.before = answers["pre"] if phase == "post" else {}
        self.widget = self.score_view = None
        for question in self.questions:  # answers of an earlier session stay locked
            if question.item.id in answers[phase]:
                question.lock(answers[phase][question.item.id])

    def lock(self, number: int, choice: str | int) -> str:
        """Lock question ``number`` (from 1) to ``choice`` (its text, or its number from 1)."""
        return self.questions[number - 1].lock(choice)

    def score(self) -> tuple[int, int]:
        """(right, answered) so far."""
        answered = [q for q in self.questions if q.answer is not None]
        return sum(1 for q in answered if q.correct), len(answered)

    def before_score(self) -> int | None:
        """How many of your pre answers were right, or None when no pre answers are saved."""
        if not self.before:
            return None
        return sum(1 for item in QUESTIONS if self.before.get(item.id) == item.answer)

    def status(self) -> str:
        right, answered = self.score()
        if answered < len(self.questions):
            return _("quiz.progress", answered=answered, count=len(self.questions))
        if self.phase == "pre":
            return _("quiz.pre_done", count=len(self.questions))
        if self.before_score() is None:
            return _("quiz.score_no_pre", post=right, count=len(self.questions))
        return _("quiz.score", pre=self.before_score(), post=right, count=len(self.questions))

    def summary(self) -> str:
        """Per question: lesson, ✓/✗ before and after; then the status line."""
        lines = []
        for q in self.questions:
            before = self.before.get(q.item.id)
            marks = [_mark(a, q.item.answer) for a in (before, q.answer)]
            lines.append(f"{q.number:2}. {q.item.lesson}  {marks[0]} → {marks[1]}")
        return "\n".join([*lines, self.status()])

    def _changed(self) -> None:
        if self.score_view is not None:
            self.score_view.value = f"<b>{self.status()}</b>"

    def _build(self):
        import ipywidgets as W

        from k8sedu.widgets.dashboard import css

        title = W.HTML(f"<b>{_('quiz.title_' + self.phase, count=len(self.questions))}</b>")
        self.score_view = css(W.HTML(f"<b>{self.status()}</b>"), "k8s-quiz-score")
        parts = [title, *(q._build() for q in self.questions), self.score_view]
        self.widget = css(W.VBox(parts), "k8s-quiz")
        return self.widget

    def _repr_mimebundle_(self, **kwargs):
        if self.widget is None:
            self._build()
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        parts = [_("quiz.title_" + self.phase, count=len(self.questions))]
        for q in self.questions:
            parts.append(_("quiz.question", number=q.number, count=len(QUESTIONS)))
            parts.append(repr(q))
        parts += [_("quiz.text_hint"), self.status()]
        return "\n\n".join(parts)


def _mark(answer: str | None, right: str) -> str:
    return "·" if answer is None else "✓" if answer == right else "✗"


def quiz(phase: str) -> Quiz:
    """The course quiz, ``"pre"`` (before lesson 01) or ``"post"`` (after lesson 10)."""
    asked = Quiz(phase)
    if not _in_jupyter():
        print(repr(asked))
    return asked


# -- the instructor's view -------------------------------------------------------------------


def records(notebook: object) -> dict[tuple[str, str], dict]:
    """Quiz answers saved anywhere in a notebook (cell outputs or widget state), by (phase, id)."""
    found: dict[tuple[str, str], dict] = {}
    stack = [notebook]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            record = item.get(MIME)
            if isinstance(record, dict) and record.get("phase") in PHASES:
                found[(record["phase"], str(record.get("id")))] = record
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def report(folder: str | Path) -> str:
    """Pre and post scores of a class, from its saved notebooks (one folder or notebook each)
    and any ``quiz.json`` a learner handed in (their ``$K8SEDU_HOME`` file, in their folder)."""
    from k8sedu.grading.progress import notebooks

    learners: dict[str, dict[tuple[str, str], dict]] = {}
    for student, path in notebooks(Path(folder)):
        try:
            found = records(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
        learners.setdefault(student, {}).update(found)
    for path in sorted(Path(folder).glob("*/quiz.json")):  # a learner's own file, handed in
        try:
            mine = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found = {(p, i): {"answer": a} for p in PHASES for i, a in (mine.get(p) or {}).items()}
        learners.setdefault(path.parent.name, {}).update(found)
    students = [["student", "pre", "post"]]
    for student, found in sorted(learners.items()):
        students.append([student, *(_score(found, phase) for phase in PHASES)])
    per_question = [["lesson", "right before", "right after", "question"]]
    for item in QUESTIONS:
        right = [
            sum(
                1 for f in learners.values() if f.get((p, item.id), {}).get("answer") == item.answer
            )
            for p in PHASES
        ]
        per_question.append([item.lesson, *map(str, right), item.id])
    return _table(students) + "\n" + _table(per_question)


def _score(found: dict[tuple[str, str], dict], phase: str) -> str:
    """ "4/10": right of answered, for one learner's answers of one phase ("" if none)."""
    keys = {item.id: item.answer for item in QUESTIONS}
    mine = {i: r.get("answer") for (p, i), r in found.items() if p == phase and i in keys}
    right = sum(1 for i, answer in mine.items() if answer == keys[i])
    return f"{right}/{len(mine)}" if mine else ""


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "   ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n" for row in rows
    )
