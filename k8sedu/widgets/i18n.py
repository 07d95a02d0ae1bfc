"""The message catalog: every label, hint and title the pictures and widgets show.

Strings are looked up by a stable key (``_("dashboard.step")``) so that a translated catalog —
the Korean edition — can be added without touching code cells or widgets: register it with
``add_catalog("ko", {...})`` and switch with ``k8sedu.set_language("ko")``. A key missing from a
translation falls back to English. Kubernetes' own output (kubectl text, API messages, reasons)
is never translated: it is what a real cluster prints.

Text that a code cell or a graded test passes in English (a predict question, a test's hint) is
translated by ``phrase(text)``, from the same translation module; code cells stay identical in
every edition. A kernel starts in the language of its folder (Jupyter starts a notebook's kernel
in the notebook's folder, so ``lessons/ko/`` speaks Korean) unless ``$K8SEDU_LANG`` says otherwise.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

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
    # quiz (k8sedu/quiz.py)
    "quiz.title_pre": (
        "Before you start: {count} questions from the lessons ahead. Answer what you think now; "
        "nobody grades it. Lesson 13 asks them again and shows what changed."
    ),
    "quiz.title_post": "The same {count} questions, after the course: each beside your answer from before.",
    "quiz.question": "Question {number} of {count}",
    "quiz.saved": "Your answer: {choice}. Saved; lesson 13 shows the right one.",
    "quiz.right": "✓ Right.",
    "quiz.wrong": "✗ The answer: {answer} (lesson {lesson}).",
    "quiz.before": "Before the course you said: {answer}.",
    "quiz.before_none": "You had not answered it before the course.",
    "quiz.progress": "{answered} of {count} answered.",
    "quiz.pre_done": "All {count} answered and saved. See you in lesson 13!",
    "quiz.score": "Before the course {pre}/{count} → after {post}/{count}.",
    "quiz.score_no_pre": "{post}/{count} right (no answers from before the course on this computer).",
    "quiz.text_hint": "Answer with quiz.lock(<question number>, <choice number or text>).",
    # check(): the table a learner reads (k8sedu/grading/feedback.py)
    "check.title": "Exercise {exercise}",
    "check.score": "{title}: {score}/{max_score} points",
    "check.col_test": "test",
    "check.col_points": "points",
    "check.col_result": "result",
    "check.col_hint": "hint",
    "check.hidden": "{name} (hidden)",
    "check.outcome.passed": "passed",
    "check.outcome.failed": "failed",
    "check.outcome.error": "error",
    "check.outcome.skipped": "skipped",
    "check.outcome.not_run": "not run",
    "check.cells": "Cells that raised an error (their definitions are missing):",
    "check.cells_short": "Cells that raised an error:",
    "check.cell": "cell {cell}",
    "check.cell_line": "cell {cell} line {line}",
    "check.cell_raised": "{where} (`{first_line}`) raised {error}",
    # the capstone's run report (k8sedu/capstone.py)
    "capstone.summary": (
        "{run}: {rate}% of page views succeeded ({tiers}); page p95 {p95} ms; "
        "cost {cost} node-hours"
    ),
    "capstone.timeline": "timeline (mm:ss from the first page view):",
    "capstone.control_plane_died": (
        "control-plane machine {machine} died (it ran the leading controller-manager)"
    ),
    "capstone.worker_died": "worker {node} died for good (it ran {pods} of your ready pods)",
    "capstone.throttled": "p95 up to {ms} ms (throttled: CPU limit reached)",
    "capstone.until": "{tier}: {what} until {clock}",
    "capstone.more": " (and {n} more)",
    # banners of a translated edition (k8sedu/lessons_build.py)
    "edition.stale": (
        "⚠️ The English source of this part changed after it was translated: "
        "this translation may be out of date."
    ),
    "edition.untranslated": "⚠️ Not translated yet: this part is shown in English.",
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
    "viz.capstone.title": "the {run}: success, latency, pods and machines (dashed: incidents)",
    "viz.capstone.success": "worst tier\nsuccess %",
    "viz.capstone.latency": "page p95\nms",
    "viz.capstone.ready": "ready pods",
    "viz.capstone.workers": "Ready workers",
    "viz.capstone.minutes": "minutes since the first page view",
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
# Translations load when first chosen: the module has MESSAGES, PHRASES and FONTS (the font
# families that draw its script, best first).
TRANSLATIONS = {"ko": "k8sedu.widgets.i18n_ko"}
PHRASES: dict[str, dict[str, str]] = {}
FONTS: dict[str, list[str]] = {}
_current = "en"


def add_catalog(language: str, messages: dict[str, str]) -> None:
    """Add (or extend) a translation; keys must be ones the English catalog has."""
    unknown = sorted(set(messages) - set(EN))
    if unknown:
        raise KeyError(f"not in the English catalog: {', '.join(unknown)}")
    CATALOGS.setdefault(language, {}).update(messages)


def set_language(language: str) -> None:
    """Switch every label and hint shown from now on (``"en"`` or ``"ko"``)."""
    global _current
    if language not in CATALOGS and language in TRANSLATIONS:
        _load(language)
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


def phrase(text: str) -> str:
    """English text from a code cell or a graded test, in the current language if translated."""
    return PHRASES.get(_current, {}).get(text, text)


def fonts() -> list[str]:
    """Font families the pictures need besides DejaVu Sans to draw the current language."""
    return FONTS.get(_current, [])


def _load(language: str) -> None:
    module = importlib.import_module(TRANSLATIONS[language])
    found = _fonts_found(module.FONTS)
    messages = dict(module.MESSAGES)
    if module.FONTS and not found:  # no font draws the script: figure text stays English
        messages = {k: v for k, v in messages.items() if not k.startswith("viz.")}
    add_catalog(language, messages)
    PHRASES[language] = dict(module.PHRASES)
    FONTS[language] = found


def _fonts_found(families: tuple[str, ...]) -> list[str]:
    """The first of ``families`` that matplotlib can use, if any."""
    from matplotlib import font_manager

    found = [family for family in families if _installed(family)]
    if families and not found:  # installed after matplotlib cached its font list?
        known = {font.fname for font in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                font_manager.fontManager.addfont(path)
        found = [family for family in families if _installed(family)]
    return found[:1]


def _installed(family: str) -> bool:
    from matplotlib import font_manager

    try:
        font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    return True


def _starting_language() -> str:
    """$K8SEDU_LANG, else the name of the folder the kernel started in if it is a language."""
    try:
        folder = Path.cwd().name
    except OSError:  # the working folder was deleted
        folder = ""
    wanted = os.environ.get("K8SEDU_LANG") or folder
    return wanted if wanted in TRANSLATIONS else "en"


set_language(_starting_language())
