"""``kubectl drain``: cordon a node, then evict its pods through the eviction API, respecting
PodDisruptionBudgets.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go`` with ``pkg/drain/drain.go`` and
``filters.go``. Pods are sorted by the filters first: DaemonSet pods are refused (or, with
``--ignore-daemonsets``, left alone with a warning), pods with ``emptyDir`` volumes need
``--delete-emptydir-data``, pods without a controller need ``--force``, mirror pods are skipped.
Each remaining pod is evicted; a ``429 TooManyRequests`` (its PodDisruptionBudget allows no
disruption now) is retried every 5 s, and after a successful eviction drain polls every second
until the pod is gone. ``--timeout`` bounds the whole wait (0: forever).

Like every kubectl command that blocks on a real cluster, drain moves the simulated clock while it
waits (DESIGN decision 11); the retry messages go to stderr, as kubectl writes them.
Simplified: the per-pod goroutines run in list order at each instant; no ``--dry-run``.
"""

from __future__ import annotations

import math

from k8sedu import objects
from k8sedu.errors import APIError, KubectlError, NotFound, TooManyRequests
from k8sedu.kubectl.commands import node as node_commands
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag

RETRY_AFTER = 5.0  # time.Sleep(5 * time.Second) after a 429
POLL_INTERVAL = 1.0  # waitForDelete's interval
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"


class DrainError(Exception):
    """An aggregate of errors, printed as ``utilerrors.NewAggregate`` prints them."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages[0] if len(messages) == 1 else "[" + ", ".join(messages) + "]")


def go_duration(seconds: float) -> str:
    """``time.Duration.String`` for whole seconds: ``30s``, ``1m0s``, ``1h0m0s``.

    >>> go_duration(30), go_duration(60), go_duration(3725)
    ('30s', '1m0s', '1h2m5s')
    """
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


# -- the filters (filters.go): (delete?, "Okay" | "Skip" | "Warning" | "Error", message) -----------


def _finished(pod: dict) -> bool:
    return pod.get("status", {}).get("phase") in ("Succeeded", "Failed")


def daemonset_filter(inv: Invocation, pod: dict) -> tuple[bool, str, str]:
    ref = objects.controller_of(pod)
    if ref is None or ref.get("kind") != "DaemonSet" or _finished(pod):
        return True, "Okay", ""
    try:
        inv.api.get("daemonsets", ref["name"], pod["metadata"]["namespace"])
    except NotFound as error:
        if inv.flags["force"]:
            return True, "Warning", str(error)
        return False, "Error", str(error)
    if not inv.flags["ignore-daemonsets"]:
        return False, "Error", DAEMONSET_FATAL
    return False, "Warning", DAEMONSET_WARNING


def mirror_filter(inv: Invocation, pod: dict) -> tuple[bool, str, str]:
    if MIRROR_ANNOTATION in (pod["metadata"].get("annotations") or {}):
        return False, "Skip", ""
    return True, "Okay", ""


def local_storage_filter(inv: Invocation, pod: dict) -> tuple[bool, str, str]:
    if not any("emptyDir" in v for v in pod["spec"].get("volumes") or []) or _finished(pod):
        return True, "Okay", ""
    if not inv.flags["delete-emptydir-data"]:
        return False, "Error", LOCAL_STORAGE_FATAL
    return True, "Warning", LOCAL_STORAGE_WARNING


def unreplicated_filter(inv: Invocation, pod: dict) -> tuple[bool, str, str]:
    if _finished(pod) or objects.controller_of(pod) is not None:
        return True, "Okay", ""
    if inv.flags["force"]:
        return True, "Warning", UNMANAGED_WARNING
    return False, "Error", UNMANAGED_FATAL


def skip_deleted_filter(inv: Invocation, pod: dict) -> tuple[bool, str, str]:
    """``--skip-wait-for-delete-timeout``: pods deleted longer ago than that are not waited for."""
    seconds, deleted = (
        inv.flags["skip-wait-for-delete-timeout"],
        pod["metadata"].get("deletionTimestamp"),
    )
    since = inv.cluster.now - objects.parse_timestamp(deleted, inv.cluster.epoch) if deleted else 0
    if seconds > 0 and since > seconds:
        return False, "Skip", ""
    return True, "Okay", ""


FILTERS = (
    skip_deleted_filter,
    daemonset_filter,
    mirror_filter,
    local_storage_filter,
    unreplicated_filter,
)


def pods_for_deletion(inv: Invocation, node: str) -> tuple[list[dict], str, list[str]]:
    """``GetPodsForDeletion`` → (pods to evict, the warnings line, the errors)."""
    pods = inv.api.list(
        "pods",
        label_selector=inv.flags["pod-selector"] or None,
        field_selector=f"spec.nodeName={node}",
    )
    chosen, by_message = [], {}  # message → [(kind, ns/name)], in the order first seen
    for pod in pods:
        for check in FILTERS:
            delete, kind, message = check(inv, pod)
            if not delete:
                break
        if delete:
            chosen.append(pod)
        if kind in ("Warning", "Error"):
            by_message.setdefault((kind, message), []).append(objects.key_of(pod))
    warnings = "; ".join(
        f"{m}: {', '.join(p)}" for (k, m), p in by_message.items() if k == "Warning"
    )
    errors = [
        f"{m}: {', '.join(p)}"
        if m.lower().startswith("cannot delete")
        else f"cannot delete {m}: {', '.join(p)}"
        for (k, m), p in by_message.items()
        if k == "Error"
    ]
    return chosen, warnings, errors


# -- evicting and waiting (evictPods, waitForDelete), on the simulated clock -------------------------


def evict_pods(inv: Invocation, pods: list[dict]) -> None:
    cluster, start = inv.cluster, inv.cluster.now
    timeout = inv.flags["timeout"] or math.inf
    grace = inv.flags["grace-period"]
    pending = {objects.key_of(p): {"pod": p, "at": start, "evicted": False} for p in pods}
    errors = []
    while pending:
        now = cluster.now
        for key, state in list(pending.items()):
            if state["at"] > now:
                continue
            pod = state["pod"]
            name, ns = pod["metadata"]["name"], pod["metadata"]["namespace"]
            if state["evicted"]:
                if _gone(inv, pod):
                    inv.out(f"pod/{name} evicted\n")
                    del pending[key]
                elif now - start >= timeout:
                    errors.append(
                        f'error when waiting for pod "{name}" in namespace "{ns}" to terminate: '
                        f"global timeout reached: {go_duration(timeout)}"
                    )
                    del pending[key]
                else:
                    state["at"] = now + POLL_INTERVAL
                continue
            inv.out(f"evicting pod {ns}/{name}\n")
            if now - start >= timeout:
                errors.append(
                    f'error when evicting pods/"{name}" -n "{ns}": global timeout reached: {go_duration(timeout)}'
                )
                del pending[key]
                continue
            try:
                inv.api.evict(name, ns, grace_period=grace if grace >= 0 else None)
            except NotFound:
                del pending[key]
                continue
            except TooManyRequests as error:
                inv.err(
                    f'error when evicting pods/"{name}" -n "{ns}" (will retry after 5s): {error}'
                )
                state["at"] = now + RETRY_AFTER
                continue
            except APIError as error:
                errors.append(f'error when evicting pods/"{name}" -n "{ns}": {error}')
                del pending[key]
                continue
            state["evicted"] = True  # PollImmediate: the first check is at once
            if _gone(inv, pod):
                inv.out(f"pod/{name} evicted\n")
                del pending[key]
        if pending:
            cluster.run(min(s["at"] for s in pending.values()) - now)
    if errors:
        raise DrainError(errors)


def _gone(inv: Invocation, pod: dict) -> bool:
    try:
        current = inv.api.get("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
    except NotFound:
        return True
    return current["metadata"]["uid"] != pod["metadata"]["uid"]


def delete_pods(inv: Invocation, pods: list[dict]) -> None:
    """``--disable-eviction``: plain deletes (PDBs are not consulted), then wait."""
    grace = inv.flags["grace-period"]
    for pod in pods:
        try:
            inv.api.delete(
                "pods",
                pod["metadata"]["name"],
                pod["metadata"]["namespace"],
                grace_period=grace if grace >= 0 else None,
            )
        except NotFound:
            pass
    timeout, start = inv.flags["timeout"] or math.inf, inv.cluster.now
    waiting = list(pods)
    while waiting:
        for pod in [p for p in waiting if _gone(inv, p)]:
            inv.out(f"pod/{pod['metadata']['name']} deleted\n")
            waiting.remove(pod)
        if waiting and inv.cluster.now - start >= timeout:
            raise DrainError([f"global timeout reached: {go_duration(timeout)}"])
        if waiting:
            inv.cluster.run(POLL_INTERVAL)


# -- the command (RunDrain) ------------------------------------------------------------------------


def drain_node(inv: Invocation, node: str) -> None:
    """``deleteOrEvictPodsSimple``."""
    pods, warnings, errors = pods_for_deletion(inv, node)
    if errors:
        raise DrainError(errors)
    if warnings:
        inv.err(f"Warning: {warnings}")
    try:
        if inv.flags["disable-eviction"]:
            delete_pods(inv, pods)
        else:
            evict_pods(inv, pods)
    except DrainError as error:
        left, _, _ = pods_for_deletion(inv, node)
        if left:
            inv.err(f'There are pending pods in node "{node}" when an error occurred: {error}')
            inv.err("\n".join(f"pod/{p['metadata']['name']}" for p in left))
        raise


def run_drain(inv: Invocation) -> None:
    if not inv.args and not inv.flags["selector"]:
        raise KubectlError(
            "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples"
        )
    node_commands.run_cordon(inv)
    if inv.flags["selector"]:
        names = [
            n["metadata"]["name"]
            for n in inv.api.list("nodes", label_selector=inv.flags["selector"])
        ]
    else:
        names = [a.partition("/")[2] if "/" in a else a for a in inv.args]
    failed, remaining = [], []
    for name in names:
        try:
            drain_node(inv, name)
        except DrainError as error:
            inv.err(
                f'error: unable to drain node "{name}" due to error: {error}, continuing command...'
            )
            failed.append(str(error))
            remaining.append(name)
            continue
        inv.out(f"node/{name} drained\n")
    if remaining:
        inv.err("There are pending nodes to be drained:\n" + "\n".join(f" {n}" for n in remaining))
        raise KubectlError("\n".join(failed))  # MultipleErrors: no "error: " prefix


COMMANDS = (
    Command(
        "drain",
        run_drain,
        short="Drain node in preparation for maintenance",
        usage="drain NODE",
        flags=(
            Flag("force", help="Continue even if there are pods that do not declare a controller."),
            Flag("ignore-daemonsets", help="Ignore DaemonSet-managed pods."),
            Flag("delete-emptydir-data", help="Continue even if there are pods using emptyDir."),
            Flag(
                "disable-eviction", help="Force drain to use delete, even if eviction is supported."
            ),
            Flag(
                "grace-period",
                kind="int",
                default=-1,
                help="Period of time in seconds given to each pod to terminate gracefully.",
            ),
            Flag(
                "timeout",
                kind="duration",
                help="The length of time to wait before giving up, zero means infinite",
            ),
            Flag("selector", "l", "string", help="Selector (label query) to filter on"),
            Flag("pod-selector", kind="string", help="Label selector to filter pods on the node"),
            Flag(
                "skip-wait-for-delete-timeout",
                kind="int",
                help="Skip waiting for pods deleted longer ago than this many seconds.",
            ),
        ),
    ),
)
