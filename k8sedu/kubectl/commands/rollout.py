"""``kubectl rollout status|history|undo|restart|pause|resume``.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/rollout/`` and ``pkg/polymorphichelpers``
(``rollout_status.go``, ``history.go``, ``rollback.go``, ``objectrestarter.go``,
``objectpauser.go``). All of it is client-side over the API:

* ``status`` lists the object, then watches it, printing the viewer's line for every ADDED or
  MODIFIED event until the rollout is done — it is one of the commands that block on a real
  cluster, so here it **runs the simulated clock** while it waits (DESIGN decision 11);
* ``history`` reads the ``deployment.kubernetes.io/revision`` of each ReplicaSet;
* ``undo`` copies an old ReplicaSet's template back into the Deployment (a JSON patch); the
  controller then finds that ReplicaSet again and scales it up, under a new revision number;
* ``restart``, ``pause`` and ``resume`` are strategic merge patches (a template annotation,
  ``spec.paused``).

Simplified: with ``--timeout=0`` (wait forever) ``status`` gives up after one simulated hour;
only Deployments have history, undo, pause and resume (DaemonSet and StatefulSet history lives in
ControllerRevisions, which k8sedu does not keep); objects are named on the command line (no
``-f`` or ``-l``).
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.apiserver.patch import two_way_merge_patch
from k8sedu.apiserver.registry import Resource
from k8sedu.controllers.deployment import util
from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.describe.pod import describe_pod_template
from k8sedu.kubectl.describe.writer import PrefixWriter
from k8sedu.kubectl.parser import Command, Flag
from k8sedu.kubectl.table import TabWriter
from k8sedu.labels import selector_from_spec

WAIT_FOREVER_LIMIT = 3600.0  # simulated seconds a --timeout=0 status waits before giving up
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def _targets(inv: Invocation, verb: str) -> list[tuple[Resource, dict]]:
    if not inv.args:
        raise KubectlError(
            "error: Required resource not specified.\n"
            f"See 'kubectl rollout {verb} -h' for help and examples"
        )
    found = []
    for res, name in _common.parse_targets(inv.args):
        if name is None:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
        ns = _common.namespace_for(res, inv) or "default"
        found.append((res, inv.api.get(res.plural, name, ns)))
    return found


def _group_kind(res: Resource) -> str:
    return f"{res.kind}.{res.group}" if res.group else res.kind


# --- status --------------------------------------------------------------------------------------


def deployment_status(d: dict, revision: int) -> tuple[str, bool]:
    """``DeploymentStatusViewer.Status``: the line to print and whether the rollout is done."""
    name, spec, status = d["metadata"]["name"], d["spec"], d.get("status") or {}
    if revision > 0 and util.revision(d) != revision:
        raise KubectlError(
            f"error: desired revision ({revision}) is different from the running revision "
            f"({util.revision(d)})"
        )
    if d["metadata"].get("generation", 0) > status.get("observedGeneration", 0):
        return "Waiting for deployment spec update to be observed...\n", False
    progressing = next(
        (c for c in status.get("conditions") or [] if c.get("type") == "Progressing"), None
    )
    if progressing is not None and progressing.get("reason") == util.TIMED_OUT:
        raise KubectlError(f'error: deployment "{name}" exceeded its progress deadline')
    wanted, updated = spec.get("replicas", 1), status.get("updatedReplicas", 0)
    waiting = f'Waiting for deployment "{name}" rollout to finish: '
    if updated < wanted:
        return f"{waiting}{updated} out of {wanted} new replicas have been updated...\n", False
    if status.get("replicas", 0) > updated:
        old = status.get("replicas", 0) - updated
        return f"{waiting}{old} old replicas are pending termination...\n", False
    if status.get("availableReplicas", 0) < updated:
        available = status.get("availableReplicas", 0)
        return f"{waiting}{available} of {updated} updated replicas are available...\n", False
    return f'deployment "{name}" successfully rolled out\n', True


def daemonset_status(ds: dict, revision: int) -> tuple[str, bool]:
    """``DaemonSetStatusViewer.Status``."""
    name, status = ds["metadata"]["name"], ds.get("status") or {}
    if (ds["spec"].get("updateStrategy") or {}).get("type") != "RollingUpdate":
        raise KubectlError(
            "error: rollout status is only available for RollingUpdate strategy type"
        )
    if ds["metadata"].get("generation", 0) > status.get("observedGeneration", 0):
        return "Waiting for daemon set spec update to be observed...\n", False
    desired, updated = (
        status.get("desiredNumberScheduled", 0),
        status.get("updatedNumberScheduled", 0),
    )
    waiting = f'Waiting for daemon set "{name}" rollout to finish: '
    if updated < desired:
        return f"{waiting}{updated} out of {desired} new pods have been updated...\n", False
    if status.get("numberAvailable", 0) < desired:
        available = status.get("numberAvailable", 0)
        return f"{waiting}{available} of {desired} updated pods are available...\n", False
    return f'daemon set "{name}" successfully rolled out\n', True


STATUS_VIEWERS = {"deployments": deployment_status, "daemonsets": daemonset_status}


class _StatusWatch:
    """Prints a status line for each event until done (``watchtools.UntilWithSync``)."""

    def __init__(self, inv: Invocation, viewer, revision: int, keep_watching: bool) -> None:
        self.inv, self.viewer, self.revision, self.keep_watching = (
            inv,
            viewer,
            revision,
            keep_watching,
        )
        self.finished = False
        self.error: KubectlError | None = None

    def on_event(self, event: dict) -> None:
        if self.finished:
            return
        if event["type"] == "DELETED":
            self.finish(KubectlError("error: object has been deleted"))
            return
        try:
            line, done = self.viewer(event["object"], self.revision)
        except KubectlError as e:
            self.finish(e)
            return
        self.inv.out(line)
        if done or not self.keep_watching:
            self.finish(None)

    def finish(self, error: KubectlError | None) -> None:
        self.finished, self.error = True, error


def run_status(inv: Invocation) -> None:
    (res, obj), *_ = _targets(inv, "status")
    viewer = STATUS_VIEWERS.get(res.plural)
    if viewer is None:
        raise KubectlError(f"error: no status viewer has been implemented for {_group_kind(res)}")
    ns, name = obj["metadata"]["namespace"], obj["metadata"]["name"]
    waiter = _StatusWatch(inv, viewer, inv.flags["revision"], inv.flags["watch"])
    selector = f"metadata.name={name}"
    listed = inv.api.list(res.plural, namespace=ns, field_selector=selector)
    for item in listed:
        waiter.on_event({"type": "ADDED", "object": item})
    if not waiter.finished:
        handle = inv.api.watch(
            res.plural, waiter.on_event, ns, listed.resource_version, field_selector=selector
        )
        try:
            inv.cluster.run_until(
                lambda _: waiter.finished, inv.flags["timeout"] or WAIT_FOREVER_LIMIT
            )
        except TimeoutError:
            raise KubectlError("error: timed out waiting for the condition") from None
        finally:
            handle.stop()
    if waiter.error is not None:
        raise waiter.error


# --- history and undo ----------------------------------------------------------------------------


def deployment_replicasets(inv: Invocation, d: dict) -> list[dict]:
    """``GetAllReplicaSets``: the ReplicaSets the Deployment's selector finds and it controls."""
    selector = str(selector_from_spec(d["spec"].get("selector")))
    listed = inv.api.list(
        "replicasets", namespace=d["metadata"]["namespace"], label_selector=selector
    )
    return [rs for rs in listed if util.is_controlled_by(rs, d)]


def _history(inv: Invocation, res: Resource, d: dict) -> dict[int, dict]:
    if res.plural != "deployments":
        raise KubectlError(
            f'error: no history viewer has been implemented for "{_group_kind(res)}"'
        )
    return {util.revision(rs): rs for rs in deployment_replicasets(inv, d)}


def template_text(template: dict) -> str:
    """``printTemplate``: the describe lines, straight into a buffer (no tab alignment)."""
    w = PrefixWriter()
    describe_pod_template(w, template)
    # kubectl writes these lines to a plain buffer, not through a tabwriter: tabs stay tabs
    return "".join(line for block in w._blocks for line in block)


def run_history(inv: Invocation) -> None:
    for res, d in _targets(inv, "history"):
        history = _history(inv, res, d)
        revision = inv.flags["revision"]
        if revision > 0:
            if revision not in history:
                raise KubectlError("error: unable to find the specified revision")
            text = f"with revision #{revision}\n" + template_text(
                history[revision]["spec"]["template"]
            )
        else:
            writer = TabWriter(minwidth=0, padding=2, remember_widths=False)
            writer.write("REVISION\tCHANGE-CAUSE\n")
            for number in sorted(history):
                cause = (history[number]["metadata"].get("annotations") or {}).get(
                    util.CHANGE_CAUSE
                )
                writer.write(f"{number}\t{cause or '<none>'}\n")
            text = "\n" + writer.flush()
        # the name printer with the table as its "operation": a trailing blank line, as kubectl
        inv.out(f"{_common.kind_string(res)}/{d['metadata']['name']} {text}\n")


def revision_to_roll_back_to(inv: Invocation, d: dict, to_revision: int) -> dict:
    """``deploymentRevision``: the ReplicaSet of ``to_revision``, or (0) of the one before last."""
    latest = previous = None
    for rs in deployment_replicasets(inv, d):
        number = util.revision(rs)
        if to_revision > 0:
            if number == to_revision:
                return rs
        elif latest is None or util.revision(latest) < number:
            latest, previous = rs, latest
        elif previous is None or util.revision(previous) < number:
            previous = rs
    if to_revision > 0:
        raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
    if previous is None:
        raise KubectlError(
            f'error: no rollout history found for deployment "{d["metadata"]["name"]}"'
        )
    return previous


def run_undo(inv: Invocation) -> None:
    for res, d in _targets(inv, "undo"):
        if res.plural != "deployments":
            raise KubectlError(
                f'error: no rollbacker has been implemented for "{_group_kind(res)}"'
            )
        to_revision = inv.flags["to-revision"]
        if to_revision < 0:
            raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
        rs = revision_to_roll_back_to(inv, d, to_revision)
        if d["spec"].get("paused"):
            raise KubectlError(
                "error: you cannot rollback a paused deployment; resume it first with "
                "'kubectl rollout resume' and try again"
            )
        name = d["metadata"]["name"]
        if util.equal_ignore_hash(rs["spec"]["template"], d["spec"]["template"]):
            line = f"skipped rollback (current template already matches revision {to_revision})"
            inv.out(_common.object_line(res, name, line))
            continue
        template = util.without_hash(rs["spec"]["template"])
        keep = {
            k: v
            for k, v in (d["metadata"].get("annotations") or {}).items()
            if k in util.ANNOTATIONS_TO_SKIP
        }
        copied = {
            k: v
            for k, v in (rs["metadata"].get("annotations") or {}).items()
            if k not in util.ANNOTATIONS_TO_SKIP
        }
        patch = [
            {"op": "replace", "path": "/spec/template", "value": template},
            {"op": "replace", "path": "/metadata/annotations", "value": {**keep, **copied}},
        ]
        inv.api.patch("deployments", name, patch, d["metadata"]["namespace"], type="json")
        inv.out(_common.object_line(res, name, "rolled back"))


# --- restart, pause, resume ----------------------------------------------------------------------


def _patch_each(inv: Invocation, verb: str, change, done: str, unchanged: str | None) -> None:
    """``set.CalculatePatches`` + patch: ``change(res, obj)`` edits a copy in place or raises
    KubectlError with the reason; an empty patch prints ``unchanged`` (or is an error)."""
    errors: list[Exception] = []
    for res, obj in _targets(inv, verb):
        name = obj["metadata"]["name"]
        modified = objects.clone(obj)
        try:
            change(res, modified)
        except KubectlError as e:
            errors.append(
                KubectlError(
                    f'error: {res.plural}{"." + res.group if res.group else ""} "{name}" {e}'
                )
            )
            continue
        patch = two_way_merge_patch(obj, modified, res.kind)
        if not patch:
            if unchanged is None:
                errors.append(
                    KubectlError(
                        f"error: failed to create patch for {name}: if restart has already been "
                        "triggered within the past second, please wait before attempting to "
                        "trigger another"
                    )
                )
            else:
                inv.out(_common.object_line(res, name, unchanged))
            continue
        inv.api.patch(res.plural, name, patch, obj["metadata"]["namespace"], type="strategic")
        inv.out(_common.object_line(res, name, done))
    inv.errors.extend(errors)


def run_restart(inv: Invocation) -> None:
    def restart(res: Resource, obj: dict) -> None:
        if res.plural not in ("deployments", "daemonsets", "statefulsets"):
            raise KubectlError("restarting is not supported")
        if res.plural == "deployments" and obj["spec"].get("paused"):
            raise KubectlError("can't restart paused deployment (run rollout resume first)")
        meta = obj["spec"]["template"].setdefault("metadata", {})
        meta.setdefault("annotations", {})[RESTARTED_AT] = inv.cluster.timestamp()

    _patch_each(inv, "restart", restart, "restarted", None)


def _pauser(paused: bool):
    def change(res: Resource, obj: dict) -> None:
        if res.plural != "deployments":
            raise KubectlError(
                "pausing is not supported" if paused else "resuming is not supported"
            )
        if bool(obj["spec"].get("paused")) == paused:
            raise KubectlError("is already paused" if paused else "is not paused")
        if paused:
            obj["spec"]["paused"] = True
        else:
            obj["spec"].pop("paused", None)  # false is omitted: the patch sends null

    return change


def run_pause(inv: Invocation) -> None:
    _patch_each(inv, "pause", _pauser(True), "paused", "already paused")


def run_resume(inv: Invocation) -> None:
    _patch_each(inv, "resume", _pauser(False), "resumed", "already resumed")


_REVISION = Flag("revision", kind="int", default=0, help="See the details of this revision.")

COMMANDS = (
    Command("rollout", None, short="Manage the rollout of a resource", usage="rollout SUBCOMMAND"),
    Command(
        "rollout status",
        run_status,
        short="Show the status of the rollout",
        usage="rollout status (TYPE NAME | TYPE/NAME)",
        flags=(
            Flag(
                "watch", "w", default=True, help="Watch the status of the rollout until it's done."
            ),
            Flag("revision", kind="int", default=0, help="Pin to a specific revision."),
            Flag("timeout", kind="duration", default=0.0, help="Time to wait before ending."),
        ),
    ),
    Command(
        "rollout history",
        run_history,
        short="View rollout history",
        usage="rollout history (TYPE NAME | TYPE/NAME)",
        flags=(_REVISION,),
    ),
    Command(
        "rollout undo",
        run_undo,
        short="Undo a previous rollout",
        usage="rollout undo (TYPE NAME | TYPE/NAME) [flags]",
        flags=(Flag("to-revision", kind="int", default=0, help="The revision to rollback to."),),
    ),
    Command(
        "rollout restart", run_restart, short="Restart a resource", usage="rollout restart RESOURCE"
    ),
    Command(
        "rollout pause",
        run_pause,
        short="Mark the provided resource as paused",
        usage="rollout pause RESOURCE",
    ),
    Command(
        "rollout resume",
        run_resume,
        short="Resume a paused resource",
        usage="rollout resume RESOURCE",
    ),
)
