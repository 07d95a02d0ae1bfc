"""The message catalog: every label, hint and title the pictures and widgets show.

Strings are looked up by a stable key (``_("dashboard.step")``) so that a translated catalog —
the Korean edition — can be added without touching code cells or widgets: register it with
``add_catalog("ko", {...})`` and switch with ``k8sedu.set_language("ko")``. A key missing from a
translation falls back to English. Kubernetes' own output (kubectl text, API messages, reasons)
is never translated: it is what a real cluster prints.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # ClusterDashboard
    "dashboard.play": "Play",
    "dashboard.step": "Step",
    "dashboard.speed": "Seconds per tick",
    "dashboard.clock": "t = {seconds} s · {timestamp}",
    "dashboard.checkpoint": "Checkpoint",
    "dashboard.reset": "Reset to checkpoint",
    "dashboard.checkpoint_saved": "Checkpoint saved at t = {seconds} s.",
    "dashboard.reset_done": "Back at the checkpoint, t = {seconds} s.",
    "dashboard.no_checkpoint": "No checkpoint yet: press Checkpoint first.",
    "dashboard.fail_node": "Fail {node}",
    "dashboard.recover_node": "Recover {node}",
    "dashboard.stop_component": "Stop {component}",
    "dashboard.start_component": "Start {component}",
    "dashboard.faults": "Break things:",
    "dashboard.topology": "Topology",
    "dashboard.timeline": "Timeline",
    "dashboard.traffic": "API traffic",
    "dashboard.kubectl_placeholder": "get pods -o wide",
    "dashboard.kubectl_run": "Run",
    "dashboard.hint": "Step moves simulated time by one tick; Play keeps stepping.",
    # SchedulerExplorer
    "scheduler.pod": "Pod",
    "scheduler.no_pods": "No pods yet: create some, then press Refresh.",
    "scheduler.no_scheduler": "This cluster runs no kube-scheduler.",
    "scheduler.never_tried": "The scheduler has not tried {pod} yet.",
    "scheduler.refresh": "Refresh",
    "scheduler.weights": "Score plugin weights (what if?)",
    "scheduler.strategy": "Scoring strategy",
    "scheduler.strategy_unavailable": "needs the scheduler's what-if support",
    "scheduler.rerun": "Re-run decision",
    "scheduler.whatif_same": "With these weights the scheduler still picks {node}.",
    "scheduler.whatif_changed": "With these weights the scheduler would pick {node} instead of {old}.",
    "scheduler.whatif_none": "No node passes the filters: weights cannot change that.",
    "scheduler.col_node": "Node",
    "scheduler.col_plugin": "Plugin",
    "scheduler.col_filter": "Filter",
    "scheduler.col_score": "Raw",
    "scheduler.col_normalized": "Normalized",
    "scheduler.col_weighted": "Weighted",
    # RolloutPlayer
    "rollout.step": "Step",
    "rollout.prev": "◀ Previous",
    "rollout.next": "Next ▶",
    "rollout.refresh": "Refresh",
    "rollout.none": "No rollout of {deployment} recorded yet: change its template, run, then Refresh.",
    "rollout.frame": "t = {seconds} s — step {index} of {count}",
    "rollout.col_rs": "ReplicaSet",
    "rollout.col_desired": "Desired",
    "rollout.col_ready": "Ready",
    # EtcdBrowser
    "etcd.prefix": "Prefix",
    "etcd.keys": "Keys",
    "etcd.refresh": "Refresh",
    "etcd.feed": "Latest changes (watch on {prefix})",
    "etcd.no_key": "Pick a key to see its revisions and value.",
    "etcd.revisions": "create_revision {create} · mod_revision {mod} · version {version}",
    "etcd.generations": "Stored revisions by generation: {generations}",
    # predict
    "predict.lock": "Lock in my answer",
    "predict.locked": "Locked in: {choice}. Now run the next cell and see.",
    "predict.pick_first": "Pick an answer first.",
    "predict.text": "Predict: {question}",
    "predict.text_hint": "Answer with prediction.lock(<number or text>) before running the next cell.",
    # pictures
    "viz.topology.title": "What runs where at t = {seconds} s",
    "viz.topology.subtitle": (
        "{ready} of {nodes} nodes Ready · {pods} · arrows: Services → the pods they send to"
    ),
    "viz.topology.control_plane": "control plane ({node})",
    "viz.topology.unscheduled": "Not scheduled yet",
    "viz.topology.services": "Services",
    "viz.topology.running": "running",
    "viz.topology.stopped": "stopped",
    "viz.topology.absent": "not running",
    "viz.topology.powered_off": "powered off",
    "viz.topology.no_pods": "no pods",
    "viz.traffic.title": "Who talked to whom through kube-apiserver{since}",
    "viz.traffic.subtitle": (
        "Hub and spoke: components never talk to each other, only to the API server. "
        "Solid = requests, dashed = watch streams."
    ),
    "viz.traffic.since": " since t = {seconds} s",
    "viz.traffic.requests": "{count} req",
    "viz.traffic.watches": "{count} watch · {events} ev",
    "viz.traffic.storage": "storage · rev {revision}",
    "viz.traffic.you": "you (kubectl)",
    "viz.timeline.title": "What changed over time (t = {start}–{end} s)",
    "viz.timeline.pods": "Pods by phase",
    "viz.timeline.replicasets": "Replicas per ReplicaSet",
    "viz.timeline.hpa": "HPA {name}: metric vs target",
    "viz.timeline.nodes": "Node Ready",
    "viz.timeline.time": "simulated time (s)",
    "viz.timeline.metric": "current",
    "viz.timeline.target": "target",
    "viz.timeline.replicas": "replicas",
    "viz.timeline.not_recording": (
        "No history for this cluster: start recording first with "
        "history = k8sedu.viz.record(cluster), then run it."
    ),
    "viz.scheduler.title_chosen": "Why {node}? Scores for {pod}: highest total wins",
    "viz.scheduler.title_none": "No node for {pod}: every node failed a filter",
    "viz.scheduler.total": "total",
    "viz.scheduler.not_run": "not run",
    "viz.scheduler.passed": "✓",
    "viz.scheduler.colorbar": "normalized score",
    "viz.scheduler.legend": (
        "colour = normalized score (0–100) · number = weighted score (normalized × weight) · "
        "total = their sum · hatched = the filter that rejected the node"
    ),
    "viz.scheduler.tie": "A tie between {nodes}: the scheduler picks one of them at random.",
    "viz.scheduler.hidden": "{count} more filter plugins passed on every node they ran on",
    "viz.etcd.title": "etcd revisions under {prefix!r}: every write is a new revision",
    "viz.etcd.subtitle": "● put · ✕ delete · a line is one life of the key (a generation)",
    "viz.etcd.compacted": "compacted at {revision}",
    "viz.etcd.revision": "revision",
    "viz.etcd.more": "(showing the {shown} most recently written of {total} keys)",
    "viz.proxy.title": "kube-proxy's nat rules on {node}: a Service is only rules",
    "viz.proxy.subtitle": (
        "Follow a packet: Service IP → KUBE-SVC picks an endpoint → KUBE-SEP rewrites it to a pod"
    ),
    "viz.proxy.no_rules": "no Service rules written yet",
}

CATALOGS: dict[str, dict[str, str]] = {"en": EN}
_current = "en"


def add_catalog(language: str, messages: dict[str, str]) -> None:
    """Add (or extend) a translation; keys must be ones the English catalog has."""
    unknown = sorted(set(messages) - set(EN))
    if unknown:
        raise KeyError(f"not in the English catalog: {', '.join(unknown)}")
    CATALOGS.setdefault(language, {}).update(messages)


def set_language(language: str) -> None:
    """Switch every label and hint shown from now on (``"en"``; ``"ko"`` once its catalog exists)."""
    global _current
    if language not in CATALOGS:
        known = ", ".join(sorted(CATALOGS))
        raise ValueError(f"no message catalog for {language!r} (available: {known})")
    _current = language


def language() -> str:
    return _current


def _(key: str, **params: object) -> str:
    """The message for ``key`` in the current language, formatted with ``params``."""
    text = CATALOGS[_current].get(key) or EN[key]
    return text.format(**params) if params else text
