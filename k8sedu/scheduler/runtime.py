"""The framework runtime: one profile's plugins, called at each extension point.

Models ``pkg/scheduler/framework/runtime/framework.go``. It is also the *handle* plugins are
built with: ``handle.cache`` (the snapshot), ``handle.informer("services")``, ``handle.client``,
``handle.recorder``, ``handle.nominator``, ``handle.rng``. Scoring prefers a plugin's batch
twin (``score_batch``) and calls ``score`` node by node otherwise.

Simplified: plugins run one after another (no parallelism of 16); a plugin that raises is an
Error status (a Go plugin returns one); no PreBind/PostBind, and Permit cannot wait.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from k8sedu.scheduler.config import EXTENSION_POINTS, Profile, load_factory
from k8sedu.scheduler.framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    Code,
    CycleState,
    Status,
    as_status,
)

_BUILTIN = "k8sedu.scheduler.plugins."
METHODS = {
    "queueSort": ("sort_key", "less"),
    "preFilter": ("pre_filter",),
    "filter": ("filter", "filter_batch"),
    "postFilter": ("post_filter",),
    "preScore": ("pre_score",),
    "score": ("score", "score_batch"),
    "reserve": ("reserve",),
    "permit": ("permit",),
    "bind": ("bind",),
}


def instantiate(factory):
    """A learner's plugin: an instance with a ``name``, or a class / function that makes one."""
    plugin = factory if hasattr(factory, "name") and not isinstance(factory, type) else factory()
    if not isinstance(getattr(plugin, "name", None), str):
        raise TypeError(f"a scheduler plugin needs a str attribute 'name', got {plugin!r}")
    return plugin


class Framework:
    """The plugins of one profile (``schedulerName``), by extension point, with score weights."""

    def __init__(self, scheduler, profile: Profile, custom: list = ()) -> None:
        self.scheduler = scheduler
        self.profile_name = profile.scheduler_name
        self.percentage_of_nodes_to_score = profile.percentage_of_nodes_to_score
        order = list(profile.multi_point)
        self.plugins: dict[str, object] = {}
        self.added: list = []  # the learners' plugins, in registration order
        for factory, weight, replace in custom:
            plugin = instantiate(factory)
            self.added.append(plugin)
            names = [n for n, _ in order]
            entry = (plugin.name, weight)
            if replace is not None:
                if replace not in names:
                    raise ValueError(
                        f"cannot replace {replace!r}: not in profile {self.profile_name!r}"
                    )
                order[names.index(replace)] = entry
            elif plugin.name in names:
                order[names.index(plugin.name)] = entry
            else:
                order.append(entry)
            self.plugins[plugin.name] = plugin
        weights = {}
        for name, weight in order:
            if name not in self.plugins:
                self.plugins[name] = load_factory(name)(self, profile.plugin_args(name))
            weights[name] = weight or 1  # a score plugin without a weight counts once
        self.points: dict[str, list] = {}
        for point in EXTENSION_POINTS:
            disabled = profile.disabled_at(point)
            chosen = [
                n
                for n, _ in order
                if "*" not in disabled
                and n not in disabled
                and any(hasattr(self.plugins[n], m) for m in METHODS[point])
            ]
            for extra in profile.enabled_at(point):
                name = extra["name"]
                if name not in self.plugins:
                    self.plugins[name] = load_factory(name)(self, profile.plugin_args(name))
                if name not in chosen:
                    chosen.append(name)
                if point == "score" and extra.get("weight"):
                    weights[name] = extra["weight"]
            self.points[point] = [self.plugins[n] for n in chosen]
        self.weights = weights
        # the built-in plugins' scores are in [0, 100] by construction (and tested so)
        self.trusted = {
            n for n, p in self.plugins.items() if type(p).__module__.startswith(_BUILTIN)
        }
        if len(self.points["queueSort"]) != 1:
            raise ValueError(f"profile {self.profile_name!r} needs exactly one queueSort plugin")

    def __repr__(self) -> str:
        return f"<Framework {self.profile_name}: {', '.join(self.plugins)}>"

    # -- the handle plugins use ---------------------------------------------------------------

    @property
    def cache(self):
        return self.scheduler.cache

    def informer(self, resource: str):
        return self.scheduler.informers.informer(resource)

    @property
    def client(self):
        return self.scheduler.client

    @property
    def recorder(self):
        return self.scheduler.recorder(self.profile_name)

    @property
    def nominator(self):
        return self.scheduler.queue

    @property
    def rng(self):
        return self.scheduler.rng

    # -- calling plugins ------------------------------------------------------------------------

    @staticmethod
    def call(plugin, method: str, *args) -> Status:
        """One plugin call; an exception becomes an Error status (as a Go error would)."""
        try:
            result = getattr(plugin, method)(*args)
        except Exception as error:  # a learner's bug must not stop the scheduler
            return Status(Code.ERROR, f"{type(error).__name__}: {error}", plugin=plugin.name)
        return as_status(result, plugin.name)

    def run_pre_filter(self, state: CycleState, pod: dict) -> Status:
        for p in self.points["preFilter"]:
            status = self.call(p, "pre_filter", state, pod)
            if status.is_skip:
                state.skip_filter.add(p.name)
            elif status.code == Code.ERROR:
                return _error(f'running PreFilter plugin "{p.name}": {status.message}', p.name)
            elif not status.is_success:
                return status
        return SUCCESS

    def active_filters(self, state: CycleState) -> list:
        return [p for p in self.points["filter"] if p.name not in state.skip_filter]

    def run_filter(self, state: CycleState, pod: dict, node_info) -> Status:
        """Every active filter on one node, in order; the first rejection wins."""
        for p in self.active_filters(state):
            status = self.call(p, "filter", state, pod, node_info)
            if status.code == Code.ERROR:
                return _error(f'running "{p.name}" filter plugin: {status.message}', p.name)
            if not status.is_success:
                return status
        return SUCCESS

    def run_filter_with_nominated(self, state: CycleState, pod: dict, node_info) -> Status:
        """``RunFilterPluginsWithNominatedPods``: count pods nominated to this node with at least
        the pod's priority as if they ran there; then check without them too."""
        pi = state.pod_info
        nominated = (
            [
                q
                for q in self.nominator.nominated_pods(node_info.name)
                if q.uid != pi.uid and q.priority >= pi.priority
            ]
            if self.nominator is not None
            else []
        )
        if nominated:
            with_them, state_with = node_info.clone(), state.clone()
            for q in nominated:
                with_them.add_pod(q)
                self.run_pre_filter_extension(state_with, pod, q, with_them, add=True)
            status = self.run_filter(state_with, pod, with_them)
            if not status.is_success:
                return status
        return self.run_filter(state, pod, node_info)

    def run_pre_filter_extension(self, state, pod, other, node_info, add: bool) -> None:
        """``RunPreFilterExtensionAddPod`` / ``RemovePod``: keep PreFilter counts true."""
        method = "pre_filter_add_pod" if add else "pre_filter_remove_pod"
        for p in self.points["preFilter"]:
            if p.name not in state.skip_filter and hasattr(p, method):
                getattr(p, method)(state, pod, other, node_info)

    def run_post_filter(self, state: CycleState, pod: dict, statuses: dict):
        """PostFilter plugins (DefaultPreemption) → (nominated node or None, Status)."""
        reasons: list[str] = []
        result = None
        for p in self.points["postFilter"]:
            try:
                result, status = p.post_filter(state, pod, statuses)
            except Exception as error:  # noqa: BLE001 - reported like a Go error
                return None, _error(f"{type(error).__name__}: {error}", p.name)
            status = as_status(status, p.name)
            if status.is_success or status.code == Code.ERROR:
                return result, status
            reasons.extend(status.reasons)
        return result, Status(Code.UNSCHEDULABLE, *reasons)

    # -- scoring --------------------------------------------------------------------------------

    def prioritize(self, state: CycleState, pod: dict, table, rows: np.ndarray):
        """PreScore, Score and NormalizeScore over ``rows`` → (plugins, raw, normalized, total)
        or an error Status. A skipped plugin has ``None`` for its scores."""
        infos = NodeList(table.infos, rows)
        for p in self.points["preScore"]:
            status = self.call(p, "pre_score", state, pod, infos)
            if status.is_skip:
                state.skip_score.add(p.name)
            elif not status.is_success:
                return _error(f'running PreScore plugin "{p.name}": {status.message}', p.name)
        plugins, raws, normalized = [], [], []
        total = np.zeros(len(rows), dtype=np.int64)
        for p in self.points["score"]:
            plugins.append(p.name)
            if p.name in state.skip_score:
                raws.append(None)
                normalized.append(None)
                continue
            raw = self._raw_scores(state, pod, table, rows, infos, p)
            if isinstance(raw, Status):
                return raw
            norm = self._normalize(state, pod, p, raw, rows, infos)
            if isinstance(norm, Status):
                return norm
            raws.append(raw)
            normalized.append(norm)
            total += norm * self.weights.get(p.name, 1)
        return plugins, raws, normalized, total

    def _raw_scores(self, state, pod, table, rows, infos, p):
        if hasattr(p, "score_batch"):
            return np.asarray(p.score_batch(state, state.pod_info, table, rows), dtype=np.int64)
        out = np.empty(len(rows), dtype=np.int64)
        for j, ni in enumerate(infos):
            try:
                score, status = p.score(state, pod, ni)
            except Exception as error:  # noqa: BLE001
                return _error(
                    f'running Score plugin "{p.name}": {type(error).__name__}: {error}', p.name
                )
            status = as_status(status, p.name)
            if not status.is_success:
                return _error(f'running Score plugin "{p.name}": {status.message}', p.name)
            out[j] = int(score)
        return out

    def _normalize(self, state, pod, p, raw, rows, infos):
        if hasattr(p, "normalize_batch"):
            norm = np.asarray(p.normalize_batch(state, state.pod_info, raw, rows), dtype=np.int64)
        elif hasattr(p, "normalize_score"):
            scores = {ni.name: int(s) for ni, s in zip(infos, raw.tolist())}
            status = self.call(p, "normalize_score", state, pod, scores)
            if not status.is_success:
                return _error(f"running Normalize on Score plugins: {status.message}", p.name)
            norm = np.array([int(scores[ni.name]) for ni in infos], dtype=np.int64)
        else:
            norm = raw
        if p.name in self.trusted:
            return norm
        bad = (norm < 0) | (norm > MAX_NODE_SCORE)
        if bad.any():
            value = int(norm[np.flatnonzero(bad)[0]])
            return _error(
                f'plugin "{p.name}" returns an invalid score {value}, it should in the range of '
                f"[0, {MAX_NODE_SCORE}] after normalizing",
                p.name,
            )
        return norm

    # -- after a node is chosen -------------------------------------------------------------------

    def run_reserve(self, state, pod: dict, node: str) -> Status:
        for p in self.points["reserve"]:
            status = self.call(p, "reserve", state, pod, node)
            if not status.is_success:
                self.run_unreserve(state, pod, node)
                return status
        return SUCCESS

    def run_unreserve(self, state, pod: dict, node: str) -> None:
        for p in reversed(self.points["reserve"]):
            if hasattr(p, "unreserve"):
                self.call(p, "unreserve", state, pod, node)

    def run_permit(self, state, pod: dict, node: str) -> Status:
        for p in self.points["permit"]:
            status = self.call(p, "permit", state, pod, node)
            if status.code == Code.WAIT:
                return _error("waiting in Permit is not simulated", p.name)
            if not status.is_success:
                return status
        return SUCCESS

    def run_bind(self, state, pod: dict, node: str) -> Status:
        for p in self.points["bind"]:
            status = self.call(p, "bind", state, pod, node)
            if status.code == Code.ERROR:
                return _error(f'running Bind plugin "{p.name}": {status.message}', p.name)
            if not status.is_skip:
                return status
        return _error("no bind plugin bound the pod", "")


class NodeList(Sequence):
    """The feasible NodeInfos handed to PreScore, built only if a plugin looks at them."""

    def __init__(self, infos: list, rows: np.ndarray) -> None:
        self.infos, self.rows, self._list = infos, rows, None

    def _items(self) -> list:
        if self._list is None:
            self._list = [self.infos[i] for i in self.rows.tolist()]
        return self._list

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        return self._items()[i]

    def __iter__(self):
        return iter(self._items())


def _error(message: str, plugin: str) -> Status:
    return Status(Code.ERROR, message, plugin=plugin)
