"""etcd's history under a prefix: one row per key, one mark per revision that wrote it.

The x axis is etcd's own clock, the store revision. A dot is a put, a cross a delete (a
tombstone), and a line joins the revisions of one *generation* — one life of the key from its
creation to its deletion (``key_index``, as etcd's ``keyIndex`` groups them). A dashed line marks
the compaction revision: history left of it is gone, and reads there fail with
``mvcc: required revision has been compacted``.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from k8sedu.viz import palette as pal
from k8sedu.widgets.i18n import _

MAX_KEYS = 30


def etcd_history(etcd, prefix: str = "") -> Figure:
    """Draw every stored revision of the keys under ``prefix`` (``etcd`` may be a cluster)."""
    etcd = getattr(etcd, "etcd", etcd)
    stats = etcd.stats()
    since = max(stats["compacted_revision"], 1)
    keys = {kv.key for kv in etcd.range(prefix)}
    keys.update(event.kv.key for event in etcd.events_since(since, prefix))
    indexes = {key: etcd.key_index(key) for key in sorted(keys)}
    indexes = {key: gens for key, gens in indexes.items() if any(gens)}
    total = len(indexes)
    if total > MAX_KEYS:  # keep the keys written most recently
        latest = sorted(indexes, key=lambda k: max(r for g in indexes[k] for r in g))
        indexes = {k: indexes[k] for k in sorted(latest[-MAX_KEYS:])}

    height = min(pal.HEIGHT, 2.0 + 0.3 * max(len(indexes), 3))
    fig = pal.new_figure(height=height)
    ax = fig.add_axes((0.25, 0.65 / height, 0.72, 1 - 1.6 / height))  # margins in inches
    names = list(indexes)
    for row, key in enumerate(names):
        for gen in indexes[key]:
            if not gen:
                continue
            tombstone = _is_closed(indexes[key], gen)
            puts = gen[:-1] if tombstone else gen
            ax.plot(gen, [row] * len(gen), color=pal.BLUE, linewidth=1.5, gid=f"generation:{key}")
            ax.plot(puts, [row] * len(puts), "o", color=pal.BLUE, markersize=6, gid=f"puts:{key}")
            if tombstone:
                ax.plot(
                    [gen[-1]],
                    [row],
                    "x",
                    color=pal.VERMILLION,
                    markersize=9,
                    markeredgewidth=2.5,
                    gid=f"delete:{key}",
                )
    if stats["compacted_revision"]:
        ax.axvline(
            stats["compacted_revision"],
            color=pal.GREY,
            linestyle="dashed",
            linewidth=2,
            gid="compaction",
        )
        ax.annotate(
            _("viz.etcd.compacted", revision=stats["compacted_revision"]),
            (stats["compacted_revision"], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=pal.SMALL,
        )
    ax.set_yticks(range(len(names)), [_short(k, prefix) for k in names], fontsize=pal.SMALL)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(0, stats["revision"] + 1)
    ax.set_xlabel(_("viz.etcd.revision"), fontsize=pal.FONT)
    ax.grid(axis="x", color=pal.LIGHT_GREY)
    fig.text(
        0.01,
        0.985,
        _("viz.etcd.title", prefix=prefix),
        fontsize=14,
        fontweight="bold",
        va="top",
        gid="title",
    )
    subtitle = _("viz.etcd.subtitle")
    if total > len(indexes):
        subtitle += "  " + _("viz.etcd.more", shown=len(indexes), total=total)
    fig.text(0.01, 0.985 - 0.4 / fig.get_figheight(), subtitle, fontsize=pal.FONT, va="top")
    return fig


def _is_closed(generations: list[list[int]], gen: list[int]) -> bool:
    """A generation ends with a tombstone unless it is the key's current (last, open) one."""
    return gen is not generations[-1]


def _short(key: str, prefix: str) -> str:
    return key if len(key) <= 48 else "…" + key[-47:]
