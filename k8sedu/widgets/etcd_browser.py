"""EtcdBrowser: the keys under ``/registry``, each key's revisions and value, and a live feed.

What ``etcdctl get --prefix --keys-only /registry``, ``etcdctl get KEY -w json`` and
``etcdctl watch --prefix /registry`` would show: pick a key to see its ``create_revision``,
``mod_revision`` and ``version``, the revisions etcd still stores for it (by generation) and the
stored JSON. The feed is an etcd watch that keeps the latest changes; it lives with the cluster
(a small picklable object), and the browser shows it on refresh.
"""

from __future__ import annotations

import json
from collections import deque
from html import escape

import ipywidgets as W

from k8sedu.viz import palette
from k8sedu.viz.etcd import etcd_history
from k8sedu.widgets.dashboard import css
from k8sedu.widgets.i18n import _

MAX_KEYS = 500
FEED = 30


class Feed:
    """The latest etcd changes under a prefix: (t, type, key, revision), newest last."""

    def __init__(self, cluster, prefix: str) -> None:
        self.cluster = cluster
        self.prefix = prefix
        self.events: deque = deque(maxlen=FEED)
        self.handle = cluster.etcd.watch(prefix, self.on_event)

    def on_event(self, event) -> None:
        self.events.append((self.cluster.now, event.type, event.kv.key, event.kv.mod_revision))


class EtcdBrowser:
    """Browse the cluster's etcd: keys, revisions, values, and a watch feed."""

    def __init__(self, cluster, prefix: str = "/registry/") -> None:
        self.cluster = cluster
        self.feed = Feed(cluster, "/registry/")
        self.prefix = css(
            W.Text(value=prefix, description=_("etcd.prefix"), continuous_update=False),
            "k8s-etcd-prefix",
        )
        self.prefix.observe(lambda _c: self.refresh(), names="value")
        self.keys = css(
            W.Select(rows=14, description=_("etcd.keys"), layout=W.Layout(width="480px")),
            "k8s-etcd-keys",
        )
        self.keys.observe(lambda _c: self.show(), names="value")
        self.refresh_button = css(
            W.Button(description=_("etcd.refresh"), icon="refresh"), "k8s-etcd-refresh"
        )
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.detail = css(W.HTML(), "k8s-etcd-detail")
        self.history = css(W.Image(format="png", layout=W.Layout(width="100%")), "k8s-etcd-history")
        self.events = css(W.HTML(), "k8s-etcd-feed")
        self.widget = css(
            W.VBox(
                [
                    W.HBox([self.prefix, self.refresh_button]),
                    W.HBox([self.keys, self.events]),
                    self.detail,
                    self.history,
                ]
            ),
            "k8s-etcd-browser",
        )
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def refresh(self) -> None:
        """Re-list the keys under the prefix and redraw the feed and the selected key."""
        keys = [kv.key for kv in self.cluster.etcd.range(self.prefix.value, limit=MAX_KEYS)]
        current = self.keys.value
        self.keys.options = keys
        if current in keys:
            self.keys.value = current
        items = "".join(
            f"<li>t={t:g}s rev {rev} <b>{kind}</b> <code>{escape(key)}</code></li>"
            for t, kind, key, rev in reversed(self.feed.events)
        )
        self.events.value = (
            f"<b>{escape(_('etcd.feed', prefix=self.feed.prefix))}</b>"
            f"<ul style='max-height:300px;overflow:auto'>{items}</ul>"
        )
        self.show()

    def show(self) -> None:
        key = self.keys.value
        if not key:
            self.detail.value = escape(_("etcd.no_key"))
            self.history.value = b""
            return
        etcd = self.cluster.etcd
        kv = etcd.get(key)
        if kv is None:  # deleted since the list
            self.detail.value = escape(_("etcd.no_key"))
            return
        try:
            value = json.dumps(json.loads(kv.value), indent=2)
        except ValueError:
            value = kv.value
        self.detail.value = (
            f"<code>{escape(key)}</code><br>"
            + escape(
                _(
                    "etcd.revisions",
                    create=kv.create_revision,
                    mod=kv.mod_revision,
                    version=kv.version,
                )
            )
            + "<br>"
            + escape(_("etcd.generations", generations=etcd.key_index(key)))
            + f"<pre style='max-height:300px;overflow:auto'>{escape(value)}</pre>"
        )
        self.history.value = palette.png(etcd_history(etcd, key))
