"""predict(): the learner commits to an answer before the next cell shows what happens.

    p = k8sedu.predict("node-2 fails. How many pods run after 6 minutes?", ["0", "2", "3"])

In Jupyter this is a widget: pick an answer and lock it in; it cannot be changed afterwards.
The locked answer is displayed as a ``application/vnd.k8sedu.predict+json`` output inside
the widget, so it is saved with the notebook's widget state (its metadata) where an
instructor's progress view can read it, and it is kept in ``answers()`` for the kernel.
Outside Jupyter it prints the question and the numbered choices; ``p.lock(choice)`` answers.
The question and choices are shown in the current language (``phrase``) but recorded in English,
as the code cell wrote them, so answers from every edition of a lesson compare.
"""

from __future__ import annotations

import hashlib

from k8sedu.widgets.i18n import _, phrase

MIME = "application/vnd.k8sedu.predict+json"
_ANSWERS: dict[str, dict] = {}


def answers() -> dict[str, dict]:
    """Every prediction locked in this kernel, by question id."""
    return dict(_ANSWERS)


def _in_jupyter() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Prediction:
    """One question, its choices, and the answer once locked."""

    def __init__(self, question: str, choices: list[str], id: str | None = None) -> None:
        self.question = question
        self.choices = [str(c) for c in choices]
        self.id = id or hashlib.sha1(question.encode()).hexdigest()[:10]
        self.answer: str | None = None
        self.widget = None

    def lock(self, choice: str | int) -> str:
        """Lock in ``choice`` (its text, or its number from 1); a second lock is refused."""
        if self.answer is not None:
            return self.answer
        if isinstance(choice, int):
            choice = self.choices[choice - 1]
        if choice not in self.choices:
            raise ValueError(f"{choice!r} is not one of {self.choices}")
        self.answer = choice
        _ANSWERS[self.id] = {"question": self.question, "answer": choice}
        if self.widget is not None:
            self._locked_view()
        return choice

    # -- the widget ---------------------------------------------------------------------------

    def _build(self):
        import ipywidgets as W

        from k8sedu.widgets.dashboard import css

        labels = [(phrase(c), c) for c in self.choices]  # shown translated, recorded as written
        self.options = css(W.RadioButtons(options=labels, value=None), "k8s-predict-choices")
        self.button = css(
            W.Button(description=_("predict.lock"), button_style="primary"), "k8s-predict-lock"
        )
        self.button.on_click(self._on_lock)
        self.note = css(W.HTML(), "k8s-predict-note")
        self.record = css(W.Output(), "k8s-predict-record")
        title = W.HTML(f"<b>{_('predict.text', question=phrase(self.question))}</b>")
        self.widget = css(
            W.VBox([title, self.options, self.button, self.note, self.record]), "k8s-predict"
        )
        return self.widget

    def _on_lock(self, _button) -> None:
        if self.options.value is None:
            self.note.value = _("predict.pick_first")
            return
        self.lock(self.options.value)

    def _locked_view(self) -> None:
        self.options.disabled = True
        self.button.disabled = True
        self.note.value = _("predict.locked", choice=phrase(self.answer))
        self.record.append_display_data(_Record(self.id, self.question, self.answer))

    def _repr_mimebundle_(self, **kwargs):
        if self.widget is None:
            self._build()
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        lines = [_("predict.text", question=phrase(self.question))]
        lines += [f"  {i}. {phrase(c)}" for i, c in enumerate(self.choices, 1)]
        lines.append(
            _("predict.locked", choice=phrase(self.answer))
            if self.answer
            else _("predict.text_hint")
        )
        return "\n".join(lines)


class _Record:
    """The locked answer as a display bundle (a custom MIME type with a text fallback)."""

    def __init__(self, id: str, question: str, answer: str) -> None:
        self.data = {"id": id, "question": question, "answer": answer}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            MIME: self.data,
            "text/plain": f"prediction {self.data['id']}: {self.data['answer']}",
        }


def predict(question: str, choices: list[str], *, id: str | None = None) -> Prediction:
    """Ask for a prediction: a widget in Jupyter, plain text elsewhere."""
    prediction = Prediction(question, choices, id)
    if not _in_jupyter():
        print(repr(prediction))
    return prediction
