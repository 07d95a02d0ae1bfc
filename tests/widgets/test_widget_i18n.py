import re
from pathlib import Path

import pytest

from k8sedu.widgets import i18n
from k8sedu.widgets.i18n import _

ROOT = Path(__file__).resolve().parents[2] / "k8sedu"


def test_messages_are_formatted():
    assert _("dashboard.fail_node", node="node-2") == "Fail node-2"


def test_every_key_used_in_the_code_is_in_the_catalog():
    used = set()
    for folder in ("viz", "widgets"):
        for path in (ROOT / folder).glob("*.py"):
            used |= set(re.findall(r"""_\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    assert used and used <= set(i18n.EN)


def test_a_translation_falls_back_to_english(monkeypatch):
    monkeypatch.setitem(i18n.CATALOGS, "ko", {})
    i18n.add_catalog("ko", {"dashboard.step": "한 단계"})
    try:
        i18n.set_language("ko")
        assert _("dashboard.step") == "한 단계"
        assert _("dashboard.play") == "Play"
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize(
    "call",
    [
        lambda: i18n.set_language("xx"),
        lambda: i18n.add_catalog("ko", {"no.such.key": "?"}),
    ],
    ids=["unknown-language", "unknown-key"],
)
def test_mistakes_are_refused(call):
    with pytest.raises((ValueError, KeyError)):
        call()
