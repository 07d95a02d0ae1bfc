"""RolloutPlayer: scrub through a Deployment's rollout, one ReplicaSet change at a time.

Each step is an instant at which one of the Deployment's ReplicaSets changed its desired or
ready replicas — the rolling update's surge-and-drain, as the deployment controller does it
(``maxSurge`` / ``maxUnavailable``). The picture is the timeline of those ReplicaSets with a
cursor on the step; the table under it gives every ReplicaSet's replicas at that instant and
the ``ScalingReplicaSet`` events logged then. The recording starts when the player (or any
``record(cluster)``) is created, so create it before changing the Deployment.
"""

from __future__ import annotations

from bisect import bisect_right
from html import escape

import ipywidgets as W

from k8sedu.viz import palette
from k8sedu.viz.history import record
from k8sedu.viz.timeline import timeline
from k8sedu.widgets.dashboard import css
from k8sedu.widgets.i18n import _


class RolloutPlayer:
    """Step through the recorded rollout of ``deployment``."""

    def __init__(self, cluster, deployment: str, namespace: str = "default") -> None:
        self.cluster = cluster
        self.key = f"{namespace}/{deployment}"
        self.history = record(cluster)
        self.frames: list[float] = []
        self.slider = css(
            W.IntSlider(min=0, max=0, description=_("rollout.step")), "k8s-rollout-slider"
        )
        self.slider.observe(lambda _c: self.show(), names="value")
        self.prev_button = css(W.Button(description=_("rollout.prev")), "k8s-rollout-prev")
        self.prev_button.on_click(lambda _b: self.move(-1))
        self.next_button = css(W.Button(description=_("rollout.next")), "k8s-rollout-next")
        self.next_button.on_click(lambda _b: self.move(1))
        self.refresh_button = css(
            W.Button(description=_("rollout.refresh"), icon="refresh"), "k8s-rollout-refresh"
        )
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.caption = css(W.HTML(), "k8s-rollout-caption")
        self.image = css(W.Image(format="png", layout=W.Layout(width="100%")), "k8s-rollout-image")
        controls = W.HBox([self.prev_button, self.slider, self.next_button, self.refresh_button])
        self.widget = css(W.VBox([controls, self.caption, self.image]), "k8s-rollout-player")
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def replicasets(self) -> list[str]:
        return sorted(k for k, owner in self.history.rs_owner.items() if owner == self.key)

    def refresh(self) -> None:
        """Re-read the recording (after the cluster ran) and go to the last step."""
        self.history = record(self.cluster)
        times = {t for rs in self.replicasets() for t, *_v in self.history.replicasets[rs]}
        self.frames = sorted(times)
        self.slider.max = max(len(self.frames) - 1, 0)
        if self.slider.value != self.slider.max:
            self.slider.value = self.slider.max  # observing it calls show()
        else:
            self.show()

    def move(self, steps: int) -> None:
        self.slider.value = min(max(self.slider.value + steps, 0), self.slider.max)

    def at(self, index: int) -> dict[str, tuple[int, int]]:
        """Each ReplicaSet's (desired, ready) at step ``index``."""
        t = self.frames[index]
        found = {}
        for rs in self.replicasets():
            series = self.history.replicasets[rs]
            i = bisect_right([s[0] for s in series], t) - 1
            if i >= 0:
                found[rs] = series[i][1:]
        return found

    def show(self) -> None:
        name = self.key.split("/")[1]
        if not self.frames:
            self.caption.value = escape(_("rollout.none", deployment=name))
            self.image.value = b""
            return
        i = self.slider.value
        t = self.frames[i]
        rows = "".join(
            f"<tr><td>{escape(rs.split('/')[1])}</td><td>{desired}</td><td>{ready}</td></tr>"
            for rs, (desired, ready) in self.at(i).items()
        )
        events = "".join(
            f"<li>{escape(reason)} {escape(obj)}</li>"
            for when, reason, obj in self.history.marks
            if when == t and reason == "ScalingReplicaSet" and obj == name
        )
        head = "".join(
            f"<th>{escape(_(k))}</th>"
            for k in ("rollout.col_rs", "rollout.col_desired", "rollout.col_ready")
        )
        self.caption.value = (
            f"<b>{escape(_('rollout.frame', seconds=f'{t:g}', index=i + 1, count=len(self.frames)))}"
            f"</b><table class='k8s-table'><tr>{head}</tr>{rows}</table><ul>{events}</ul>"
        )
        fig = timeline(self.history, deployment=self.key, cursor=t)
        self.image.value = palette.png(fig)
