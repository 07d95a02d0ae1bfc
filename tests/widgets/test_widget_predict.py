import pytest

from k8sedu.widgets import predict
from k8sedu.widgets.predict import MIME, Prediction, answers


def test_plain_text_outside_jupyter(capsys):
    p = predict("How many pods run?", ["0", "2", "3"], id="q1")
    out = capsys.readouterr().out
    assert "Predict: How many pods run?" in out and "  2. 2" in out
    assert p.lock(3) == "3"
    assert p.lock("0") == "3"  # locked: a second answer is refused
    assert answers()["q1"] == {"question": "How many pods run?", "answer": "3"}


def test_an_unknown_choice_is_an_error():
    with pytest.raises(ValueError, match="not one of"):
        Prediction("?", ["a", "b"]).lock("c")


def test_widget_locks_and_records():
    p = Prediction("Which node?", ["node-1", "node-2"], id="q2")
    p._build()
    p.button.click()
    assert "Pick an answer first" in p.note.value
    p.options.value = "node-2"
    p.button.click()
    assert p.options.disabled and p.button.disabled
    assert "Locked in: node-2" in p.note.value
    (record,) = p.record.outputs
    assert record["data"][MIME] == {"id": "q2", "question": "Which node?", "answer": "node-2"}
