"""A capstone run over time: success, latency, ready pods and machines, with its incidents.

Drawn from a ``k8sedu.capstone.Run`` (``capstone.run(docs)`` returns one): four panels sharing
the time axis in minutes since the first page view - the worst tier's success rate, the page's
p95 latency (the three tiers' p95 added, as a page calls each), ready pods per tier, and Ready
workers - with a dashed line at each incident.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from k8sedu.viz import palette as pal
from k8sedu.widgets.i18n import _


def capstone_run(run) -> Figure:
    """Draw ``run`` (``k8sedu.capstone.Run``), one note per point."""
    from k8sedu.capstone import TIERS

    notes = run.notes
    t = [n.t / 60 for n in notes]
    fig = pal.new_figure()
    axes = fig.subplots(4, 1, sharex=True)
    worst = [min((100 * n.ok[x] / n.sent[x] for x in n.sent if n.sent[x]), default=100.0) for n in notes]  # fmt: skip
    axes[0].plot(t, worst, color=pal.BLUE)
    axes[0].set_ylabel(_("viz.capstone.success"))
    p95 = [1000 * sum(n.p95[x.name] or 0 for x in TIERS) for n in notes]
    axes[1].plot(t, p95, color=pal.ORANGE)
    axes[1].set_ylabel(_("viz.capstone.latency"))
    for i, x in enumerate(TIERS):
        ready = [n.ready[x.name] for n in notes]
        axes[2].step(t, ready, where="post", color=pal.color(i), label=x.name)
    axes[2].set_ylabel(_("viz.capstone.ready"))
    axes[2].legend(loc="upper left", fontsize=pal.SMALL)
    axes[3].step(t, [n.nodes for n in notes], where="post", color=pal.GREEN)
    axes[3].set_ylabel(_("viz.capstone.workers"))
    axes[3].set_xlabel(_("viz.capstone.minutes"))
    for ax in axes:
        for when, _what in run.incidents:
            ax.axvline(when / 60, color=pal.GREY, linestyle="--")
    fig.suptitle(_("viz.capstone.title", run=run.scenario.name))
    return fig
