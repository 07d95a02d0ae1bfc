"""ClusterDashboard: play with a live cluster — step time, break things, type kubectl, watch.

A thin view (STYLE.md §9): every button calls the cluster's own API (``run``, ``fail_node``,
``stop`` …) and every redraw reads the store and the trace through ``k8sedu.viz``. The timer is
``ipywidgets.Play``, which ticks in the browser, so it works the same in JupyterLab and Voilà;
each tick runs the cluster for the chosen number of simulated seconds and redraws the visible
tab. Widgets carry stable CSS classes (``k8s-step``, ``k8s-clock``, ``k8s-topology`` …) for tests.

Checkpoint and reset rewind the cluster *in place*, so the notebook's ``cluster`` variable and
this dashboard keep pointing at it: the checkpoint pickles the cluster's state like
``cluster.snapshot()`` does, with the cluster itself kept as a reference that reset fills back in.
"""

from __future__ import annotations

import io
import pickle
from functools import partial
from html import escape

import ipywidgets as W

from k8sedu.errors import APIError
from k8sedu.viz import palette
from k8sedu.viz.history import record
from k8sedu.viz.timeline import timeline
from k8sedu.viz.topology import TopologyLayout, topology
from k8sedu.viz.traffic import traffic
from k8sedu.widgets import magic
from k8sedu.widgets.i18n import _

SPEEDS = (0.5, 1, 2, 5, 10, 30, 60, 300)  # simulated seconds per tick
MAX_CONSOLE = 40  # console entries kept


class _Pickler(pickle.Pickler):
    def __init__(self, file, root) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.root = root

    def persistent_id(self, obj):
        return "root" if obj is self.root else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, root) -> None:
        super().__init__(file)
        self.root = root

    def persistent_load(self, pid):
        return self.root


def checkpoint(cluster) -> bytes:
    """The cluster's whole state, pickled, with the cluster object itself left as a reference."""
    buf = io.BytesIO()
    _Pickler(buf, cluster).dump(cluster.__dict__)
    return buf.getvalue()


def rewind(cluster, saved: bytes) -> None:
    """Put the cluster back to a ``checkpoint``: the same object, its state from then."""
    state = _Unpickler(io.BytesIO(saved), cluster).load()
    cluster.__dict__.clear()
    cluster.__dict__.update(state)


def css(widget, *classes: str):
    """Give a widget stable CSS classes (what tests and the browser test select on)."""
    for name in classes:
        widget.add_class(name)
    return widget


class ClusterDashboard:
    """Controls, a live topology / timeline / traffic view, fault buttons and a kubectl console."""

    def __init__(self, cluster, *, seconds_per_tick: float = 1, interval_ms: int = 1000) -> None:
        self.cluster = cluster
        magic.use(cluster)
        record(cluster)
        self.layout = TopologyLayout(cache_labels=True)
        self.saved: bytes | None = None
        self.commands: list[str] = []  # the console's history

        self.play = css(
            W.Play(
                value=0,
                min=0,
                max=10**9,
                interval=interval_ms,
                show_repeat=False,
                description=_("dashboard.play"),
            ),
            "k8s-play",
        )
        self.play.observe(self._on_play, names="value")
        self.step_button = css(
            W.Button(
                description=_("dashboard.step"), icon="step-forward", tooltip=_("dashboard.hint")
            ),
            "k8s-step",
        )
        self.step_button.on_click(lambda _b: self.step())
        self.speed = css(
            W.SelectionSlider(
                options=SPEEDS,
                value=seconds_per_tick,
                description=_("dashboard.speed"),
                style={"description_width": "initial"},
            ),
            "k8s-speed",
        )
        self.clock = css(W.HTML(), "k8s-clock")
        self.message = css(W.HTML(), "k8s-message")
        self.checkpoint_button = css(
            W.Button(description=_("dashboard.checkpoint"), icon="bookmark"), "k8s-checkpoint"
        )
        self.checkpoint_button.on_click(lambda _b: self.save())
        self.reset_button = css(
            W.Button(description=_("dashboard.reset"), icon="undo", layout=W.Layout(width="auto")),
            "k8s-reset",
        )
        self.reset_button.on_click(lambda _b: self.reset())

        self.images = [
            css(W.Image(format="png", layout=W.Layout(width="100%")), f"k8s-{name}")
            for name in ("topology", "timeline", "traffic")
        ]
        self.tabs = css(W.Tab(children=[W.Box([img]) for img in self.images]), "k8s-tabs")
        for i, key in enumerate(("dashboard.topology", "dashboard.timeline", "dashboard.traffic")):
            self.tabs.set_title(i, _(key))
        self.tabs.observe(lambda _c: self.redraw(), names="selected_index")

        self.faults = css(W.HBox(layout=W.Layout(flex_flow="row wrap")), "k8s-faults")
        self.command = css(
            W.Text(
                placeholder=_("dashboard.kubectl_placeholder"),
                continuous_update=False,
                layout=W.Layout(width="60%"),
            ),
            "k8s-kubectl-input",
        )
        self.command.observe(self._on_command, names="value")
        self.run_button = css(W.Button(description=_("dashboard.kubectl_run")), "k8s-kubectl-run")
        self.run_button.on_click(lambda _b: self.run_command(self.command.value))
        self.console = css(
            W.Output(layout=W.Layout(max_height="240px", overflow="auto")), "k8s-kubectl-output"
        )

        controls = W.HBox([self.play, self.step_button, self.speed, self.clock])
        checkpoints = W.HBox([self.checkpoint_button, self.reset_button, self.message])
        prompt = W.HBox([W.HTML("<code>$ kubectl</code>"), self.command, self.run_button])
        self.widget = css(
            W.VBox(
                [controls, checkpoints, self.tabs, self.faults, prompt, self.console],
                layout=W.Layout(max_width="1280px"),
            ),
            "k8s-dashboard",
        )
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # -- actions ------------------------------------------------------------------------------

    def step(self) -> None:
        """Run the cluster for one tick of simulated time, then redraw."""
        try:
            self.cluster.run(self.speed.value)
        except Exception as error:  # show it in the dashboard; a callback's traceback is lost
            self.message.value = (
                f"<span style='color:{palette.VERMILLION}'>{escape(repr(error))}</span>"
            )
            self.play.playing = False
        self.redraw()

    def _on_play(self, change) -> None:
        if change["new"] > change["old"]:
            self.step()

    def save(self) -> None:
        self.saved = checkpoint(self.cluster)
        self.message.value = escape(
            _("dashboard.checkpoint_saved", seconds=f"{self.cluster.now:g}")
        )

    def reset(self) -> None:
        if self.saved is None:
            self.message.value = escape(_("dashboard.no_checkpoint"))
            return
        rewind(self.cluster, self.saved)
        self.message.value = escape(_("dashboard.reset_done", seconds=f"{self.cluster.now:g}"))
        self.redraw()

    def toggle_node(self, name: str) -> None:
        host = self.cluster.node(name)
        if host.up:
            self.cluster.fail_node(name)
        else:
            self.cluster.recover_node(name)
        self.redraw()

    def toggle_component(self, name: str) -> None:
        if self.cluster.component(name).running:
            self.cluster.stop(name)
        else:
            self.cluster.start(name)
        self.redraw()

    def _on_command(self, change) -> None:
        if change["new"].strip():
            self.run_command(change["new"])

    def run_command(self, command: str) -> None:
        """Run one kubectl line in the console (like the prompt's Enter)."""
        command = command.strip().removeprefix("kubectl ").strip()
        if not command:
            return
        self.commands.append(command)
        self.console.append_stdout(f"$ kubectl {command}\n")
        try:
            out = self.cluster.kubectl(command)
            self.console.append_stdout(str(out))
            if out.stderr:
                self.console.append_stderr(out.stderr + "\n")
        except APIError as error:  # what a terminal would show, not a traceback
            self.console.append_stderr(str(error) + "\n")
        except Exception as error:
            if getattr(error, "stdout", ""):
                self.console.append_stdout(error.stdout)
            self.console.append_stderr(str(error) + "\n")
        self.console.outputs = self.console.outputs[-MAX_CONSOLE:]
        self.command.value = ""
        self.redraw()

    # -- drawing ------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Update the clock, the fault buttons and the visible picture."""
        cluster = self.cluster
        self.clock.value = _(
            "dashboard.clock", seconds=f"{cluster.now:g}", timestamp=cluster.timestamp()
        )
        self._fault_buttons()
        tab = self.tabs.selected_index or 0
        if tab == 0:
            topology(cluster, self.layout)
            self.images[0].value = self.layout.png()
        else:
            fig = timeline(record(cluster)) if tab == 1 else traffic(cluster)
            self.images[tab].value = palette.png(fig)

    def _fault_buttons(self) -> None:
        wanted = [("node", n, self.cluster.node(n).up) for n in self.cluster.hosts]
        wanted += [("component", n, c.running) for n, c in self.cluster.components.items()]
        labels = {
            ("node", True): "dashboard.fail_node",
            ("node", False): "dashboard.recover_node",
            ("component", True): "dashboard.stop_component",
            ("component", False): "dashboard.start_component",
        }
        if [b.key for b in self.faults.children[1:]] != [w[:2] for w in wanted]:
            buttons = [W.HTML(_("dashboard.faults"))]
            for kind, name, _up in wanted:
                action = self.toggle_node if kind == "node" else self.toggle_component
                button = css(
                    W.Button(layout=W.Layout(width="auto")),
                    f"k8s-{kind}-button",
                    f"k8s-{kind}-{name}",
                )
                button.key = (kind, name)
                button.on_click(partial(_click, action, name))
                buttons.append(button)
            self.faults.children = buttons
        for button, (kind, name, up) in zip(self.faults.children[1:], wanted):
            key = labels[kind, up]
            button.description = _(key, node=name, component=name)
            button.button_style = "danger" if up else "success"


def _click(action, name: str, _button) -> None:
    action(name)
