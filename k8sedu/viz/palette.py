"""Colours, sizes and figure plumbing shared by every picture.

The colours are Okabe and Ito's colour-blind-safe palette (Okabe & Ito, "Color Universal Design",
2008): eight hues that stay distinct for the common forms of colour blindness. Where a state
matters (a stopped component, a node that is down) the pictures add a hatch or a dashed edge, so
nothing depends on colour alone. Figures are 1280×720 px at 100 dpi: a projector's 720p frame.

Figures are made with ``matplotlib.figure.Figure`` rather than ``pyplot``: no global figure list
to leak from a dashboard that redraws every tick, and no backend switching (a notebook shows the
returned figure once, as PNG, whether or not ``%matplotlib inline`` ran).
"""

from __future__ import annotations

import io

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"  # Okabe-Ito "bluish green"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"  # Okabe-Ito "reddish purple"
BLACK = "#000000"
GREY = "#999999"
LIGHT_GREY = "#DDDDDD"
WHITE = "#FFFFFF"

# In the order a series picks them (services, ReplicaSets, clients).
CYCLE = (BLUE, ORANGE, GREEN, PURPLE, SKY_BLUE, VERMILLION, YELLOW, GREY)

# Pod states as `kubectl get pods` groups them: the phase, or Terminating once deletion started.
PHASE_COLORS = {
    "Pending": ORANGE,
    "Running": GREEN,
    "Succeeded": BLUE,
    "Failed": VERMILLION,
    "Unknown": GREY,
    "Terminating": PURPLE,
}
NODE_COLORS = {"Ready": GREEN, "NotReady": VERMILLION, "Unknown": GREY}
RUNNING = SKY_BLUE  # a component process that runs
STOPPED = LIGHT_GREY  # drawn hatched as well

FAST_TEXT = {"text.hinting": "force_autohint", "font.sans-serif": ["DejaVu Sans"]}
WIDTH, HEIGHT, DPI = 12.8, 7.2, 100  # inches at 100 dpi: 1280×720 px
FONT = 10  # readable from the back of a room at 720p
SMALL = 8


def draw(fig: Figure) -> None:
    """Render the figure's canvas with FAST_TEXT, in a font that draws the current language.

    A text keeps the font family it was made with, and a generic family resolves to one font;
    for a language DejaVu Sans cannot draw (Hangul), each text gets that language's font as a
    glyph-by-glyph fallback (k8sedu.widgets.i18n.fonts).
    """
    from k8sedu.widgets.i18n import fonts

    extra = fonts()
    if extra:
        for text in fig.findobj(Text):
            text.set_fontfamily(["DejaVu Sans", *extra])
    with mpl.rc_context(FAST_TEXT):
        fig.canvas.draw()


class Picture(Figure):
    """A Figure that shows itself as PNG in a notebook, with or without ``%matplotlib inline``."""

    def _repr_png_(self) -> bytes:
        return png(self)


def new_figure(width: float = WIDTH, height: float = HEIGHT) -> Figure:
    """A figure outside pyplot's registry, with an Agg canvas (renders anywhere, no display)."""
    fig = Picture(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    _show_with_png()
    return fig


def _show_with_png() -> None:
    """In IPython, show a Picture through ``png`` even under ``%matplotlib inline``, whose
    printer for every Figure would skip ``draw``'s font fallback (Hangul would be boxes)."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing displays figures
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["image/png"].for_type(Picture, png)


def png(fig: Figure, overlay: np.ndarray | None = None) -> bytes:
    """The figure as PNG bytes (what a dashboard puts in its Image widget), made for speed.

    Drawing text is most of a redraw: one font (no fallback search, except for a language
    DejaVu Sans cannot draw) and the autohinter render it about a quarter faster, and a light zlib level encodes 1280×720 in half the time.
    ``overlay`` is an RGBA array of the same size drawn on top (a topology's cached labels).
    """
    from PIL import Image

    draw(fig)
    rgb = np.asarray(fig.canvas.buffer_rgba())[:, :, :3]  # opaque: a quarter fewer bytes
    if overlay is not None:  # an RGBA layer (cached labels) laid over the drawing
        alpha = overlay[:, :, 3:4].astype(np.uint16)
        rgb = ((overlay[:, :, :3] * alpha + rgb * (255 - alpha)) // 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="png", compress_level=1)
    return buf.getvalue()


def color(i: int) -> str:
    """The i-th colour of the cycle (wraps around)."""
    return CYCLE[i % len(CYCLE)]
