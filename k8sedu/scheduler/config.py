"""KubeSchedulerConfiguration: profiles, the default plugins and their weights, the registry.

Sources: ``pkg/scheduler/apis/config/v1/default_plugins.go`` (the multi-point list, weights, and
``mergePluginSet``), ``pkg/scheduler/apis/config/v1/defaults.go`` (plugin args defaults) and
``pkg/scheduler/framework/plugins/registry.go`` (name → factory).

A configuration is a dict (or YAML text) shaped like the real file::

    apiVersion: kubescheduler.config.k8s.io/v1
    kind: KubeSchedulerConfiguration
    percentageOfNodesToScore: 0            # 0 = adaptive
    profiles:
    - schedulerName: default-scheduler
      plugins:
        multiPoint: {enabled: [{name: X, weight: 3}], disabled: [{name: "*"}]}
        score: {disabled: [{name: ImageLocality}]}
      pluginConfig:
      - name: NodeResourcesFit
        args: {scoringStrategy: {type: MostAllocated}}

Simplified: volume plugins (VolumeBinding, VolumeZone, …), SchedulingGates and DRA are not
simulated, so they are not in the list; extenders are not supported.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import yaml

DEFAULT_SCHEDULER = "default-scheduler"

# The default multi-point plugins in order, with their score weights (None: no score).
DEFAULT_PLUGINS: tuple[tuple[str, int | None], ...] = (
    ("PrioritySort", None),
    ("NodeUnschedulable", None),
    ("NodeName", None),
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("NodePorts", None),
    ("NodeResourcesFit", 1),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
    ("DefaultPreemption", None),
    ("NodeResourcesBalancedAllocation", 1),
    ("ImageLocality", 1),
    ("DefaultBinder", None),
)

_P = "k8sedu.scheduler.plugins."
REGISTRY: dict[str, str] = {
    "PrioritySort": _P + "queuesort:PrioritySort",
    "NodeUnschedulable": _P + "nodeunschedulable:NodeUnschedulable",
    "NodeName": _P + "nodename:NodeName",
    "TaintToleration": _P + "tainttoleration:TaintToleration",
    "NodeAffinity": _P + "nodeaffinity:NodeAffinity",
    "NodePorts": _P + "nodeports:NodePorts",
    "NodeResourcesFit": _P + "noderesources:Fit",
    "PodTopologySpread": _P + "podtopologyspread:PodTopologySpread",
    "InterPodAffinity": _P + "interpodaffinity:InterPodAffinity",
    "DefaultPreemption": _P + "defaultpreemption:DefaultPreemption",
    "NodeResourcesBalancedAllocation": _P + "balancedallocation:BalancedAllocation",
    "ImageLocality": _P + "imagelocality:ImageLocality",
    "DefaultBinder": _P + "defaultbinder:DefaultBinder",
}

# defaults.go: SetDefaults_*Args
DEFAULT_ARGS: dict[str, dict] = {
    "NodeResourcesFit": {
        "scoringStrategy": {
            "type": "LeastAllocated",
            "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
        }
    },
    "NodeResourcesBalancedAllocation": {
        "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
    },
    "PodTopologySpread": {"defaultingType": "System"},
    "InterPodAffinity": {"hardPodAffinityWeight": 1},
    "DefaultPreemption": {"minCandidateNodesPercentage": 10, "minCandidateNodesAbsolute": 100},
}

EXTENSION_POINTS = (
    "queueSort",
    "preFilter",
    "filter",
    "postFilter",
    "preScore",
    "score",
    "reserve",
    "permit",
    "bind",
)


def load_factory(name: str):
    module, _, attr = REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass
class Profile:
    """One ``KubeSchedulerProfile``, resolved: the plugin names in order, with weights."""

    scheduler_name: str = DEFAULT_SCHEDULER
    percentage_of_nodes_to_score: int | None = None
    multi_point: list[tuple[str, int | None]] = field(default_factory=lambda: list(DEFAULT_PLUGINS))
    points: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    args: dict[str, dict] = field(default_factory=dict)

    def plugin_args(self, name: str) -> dict:
        return self.args.get(name, DEFAULT_ARGS.get(name, {}))

    def disabled_at(self, point: str) -> set[str]:
        return {p["name"] for p in self.points.get(point, {}).get("disabled") or ()}

    def enabled_at(self, point: str) -> list[dict]:
        return list(self.points.get(point, {}).get("enabled") or ())


@dataclass
class Configuration:
    """A ``KubeSchedulerConfiguration``: the global percentage and the profiles by name."""

    percentage_of_nodes_to_score: int = 0
    profiles: dict[str, Profile] = field(default_factory=lambda: {DEFAULT_SCHEDULER: Profile()})


def parse(config: dict | str | None) -> Configuration:
    """A KubeSchedulerConfiguration dict or YAML text → ``Configuration`` (None: defaults)."""
    if config is None:
        return Configuration()
    if isinstance(config, str):
        config = yaml.safe_load(config) or {}
    kind = config.get("kind", "KubeSchedulerConfiguration")
    if kind != "KubeSchedulerConfiguration":
        raise ValueError(f"expected kind KubeSchedulerConfiguration, got {kind!r}")
    out = Configuration(int(config.get("percentageOfNodesToScore") or 0), {})
    for raw in config.get("profiles") or [{}]:
        profile = _profile(raw)
        if profile.scheduler_name in out.profiles:
            raise ValueError(f"duplicate profile with scheduler name {profile.scheduler_name!r}")
        out.profiles[profile.scheduler_name] = profile
    return out


def _profile(raw: dict) -> Profile:
    plugins = raw.get("plugins") or {}
    multi = plugins.get("multiPoint") or {}
    profile = Profile(
        scheduler_name=raw.get("schedulerName") or DEFAULT_SCHEDULER,
        percentage_of_nodes_to_score=raw.get("percentageOfNodesToScore"),
        multi_point=merge_plugin_set(list(DEFAULT_PLUGINS), multi),
        points={p: plugins[p] for p in EXTENSION_POINTS if plugins.get(p)},
        args={c["name"]: c.get("args") or {} for c in raw.get("pluginConfig") or ()},
    )
    for name, _ in profile.multi_point:
        if name not in REGISTRY:
            raise ValueError(f"plugin {name!r} does not exist")
    return profile


def merge_plugin_set(defaults: list, custom: dict) -> list[tuple[str, int | None]]:
    """``mergePluginSet``: drop disabled defaults ("*" drops all), re-configure a default in
    place, append the other enabled plugins."""
    disabled = {p["name"] for p in custom.get("disabled") or ()}
    enabled = {p["name"]: p.get("weight") for p in custom.get("enabled") or ()}
    out = []
    if "*" not in disabled:
        for name, weight in defaults:
            if name in disabled:
                continue
            # a re-configured default keeps its place but takes the new weight (none: 1)
            out.append((name, enabled.pop(name) if name in enabled else weight))
    out.extend((name, weight) for name, weight in enabled.items())
    return out
