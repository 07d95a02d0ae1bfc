"""Pictures in Korean: Hangul is drawn with a CJK font, never as missing glyphs (issue 14).

The font comes from the system packages (Debian: fonts-noto-cjk, installed by `make setup`).
Without one, the Korean catalog leaves figure text English rather than draw empty boxes.
"""

import warnings

import pytest
from matplotlib.text import Text

import k8sedu as k
import k8sedu.viz as viz
from k8sedu.viz import palette as pal
from k8sedu.widgets import i18n


@pytest.fixture
def korean():
    i18n.set_language("ko")
    yield
    i18n.set_language("en")


def glyph_warnings(draw) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_korean_title_renders_without_missing_glyphs(korean):
    assert i18n.fonts(), "no CJK font for matplotlib: install fonts-noto-cjk (see the Makefile)"
    fig = pal.new_figure(4, 2)
    fig.suptitle("자가 치유: 파드가 다른 노드로 옮겨 간다")
    assert glyph_warnings(lambda: pal.png(fig)) == []
    assert glyph_warnings(lambda: pal.png(fig)) == []  # and again from matplotlib's caches


def test_a_cluster_picture_in_korean(korean):
    cluster = k.Cluster(nodes=2)
    cluster.kubectl("create deployment web --image=k8sedu/web:1.0 --replicas=2")
    cluster.run(10)
    fig = viz.topology(cluster)
    assert glyph_warnings(fig._repr_png_) == []
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert "t = 10초에 어디서 무엇이 실행되는가" in texts or any("초에 어디서" in t for t in texts)


def test_the_same_title_without_the_font_warns():
    """What the test above guards against: DejaVu Sans alone has no Hangul."""
    fig = pal.new_figure(4, 2)
    fig.suptitle("파드")
    assert glyph_warnings(lambda: pal.png(fig)) != []


def test_without_a_cjk_font_figure_text_stays_english(monkeypatch):
    monkeypatch.setattr(i18n, "_installed", lambda family: False)
    monkeypatch.delitem(i18n.CATALOGS, "ko", raising=False)
    monkeypatch.setitem(i18n.FONTS, "ko", i18n.FONTS.get("ko", []))  # put back afterwards
    try:
        i18n.set_language("ko")
        assert i18n.fonts() == []
        assert i18n._("viz.topology.services") == "Services"
        assert i18n._("dashboard.step") == "한 단계"
    finally:
        i18n.set_language("en")
        i18n.CATALOGS.pop("ko", None)  # the next set_language("ko") loads it with the font again


def test_a_notebook_with_matplotlib_inline_shows_hangul(korean):
    """Under ``%matplotlib inline`` IPython prints every Figure itself; a Picture still goes
    through png() and its font fallback."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    shell = InteractiveShell.instance()
    try:
        select_figure_formats(shell, {"png"})  # what %matplotlib inline registers
        fig = pal.new_figure(4, 2)
        fig.suptitle("파드")
        formats = {}
        assert glyph_warnings(lambda: formats.update(shell.display_formatter.format(fig)[0])) == []
        assert formats["image/png"].startswith(b"\x89PNG")
    finally:
        InteractiveShell.clear_instance()
