"""``kubectl delete``: by name, ``-f``, ``-l`` or ``--all``, then wait until the objects are gone.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go``: ``--grace-period=0`` without
``--force`` becomes 1, ``--force`` alone becomes 0 (with kubectl's warning), ``--now`` is 1;
propagation is Background (``--cascade=orphan`` orphans). Like kubectl, delete then waits until
each object is gone (``--wait=true``): the simulated cluster runs until then, up to ``--timeout``
(0 means a week, as kubectl's wait does). ``--wait=false`` returns at once and moves no clock.
Lines read ``pod "web" deleted from default namespace`` (kubectl v1.33+ names the namespace).
"""

from __future__ import annotations

from k8sedu.apiserver.registry import Resource
from k8sedu.errors import APIError, KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.manifest import from_file
from k8sedu.kubectl.parser import Command, Flag

WEEK = 168 * 3600
CASCADE = {
    "background": "Background",
    "foreground": "Foreground",
    "orphan": "Orphan",
    "true": "Background",
    "false": "Orphan",
}

FORCE_WARNING = (
    "warning: Immediate deletion does not wait for confirmation that the running resource has been "
    "terminated. The resource may continue to run on the cluster indefinitely."
)


def grace_period(inv: Invocation) -> int:
    """kubectl's ``Complete`` and ``Validate`` rules for ``--grace-period``, ``--force``, ``--now``."""
    grace, force = inv.flags["grace-period"], inv.flags["force"]
    if inv.flags["now"]:
        if grace != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not force:
        grace = 1  # kubectl's guard against accidental force deletion
    if force and grace < 0:
        grace = 0
    if force and grace > 0:
        raise KubectlError(
            "error: --force and --grace-period greater than 0 cannot be specified together"
        )
    if force and grace == 0:
        inv.err(FORCE_WARNING)
    return grace


def _targets(inv: Invocation) -> list[tuple[Resource, str, str | None]]:
    """(resource, name, namespace) of every object to delete, errors set aside."""
    selecting = inv.flags["all"] or inv.flags["selector"] or inv.flags["field-selector"]
    if inv.flags["all"] and inv.flags["selector"]:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    found = []
    if inv.flags["filename"]:
        for path in inv.flags["filename"]:
            for doc in from_file(path):
                if doc.error is not None:
                    inv.errors.append(doc.error)
                    continue
                meta = doc.obj.get("metadata", {})
                ns = (meta.get("namespace") or inv.namespace) if doc.resource.namespaced else None
                found.append((doc.resource, meta.get("name", ""), ns))
        return found
    if not inv.args:
        raise KubectlError(
            "error: You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n"
            "   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"
        )
    for res, name in _common.parse_targets(inv.args):
        ns = _common.namespace_for(res, inv)
        if name is not None:
            found.append((res, name, ns))
            continue
        if not selecting:
            raise KubectlError(
                "error: resource(s) were provided, but no name was specified\n"
                "See 'kubectl delete -h' for help and examples"
            )
        listed = inv.api.list(
            res.plural,
            namespace=None if inv.all_namespaces else ns,
            label_selector=inv.flags["selector"] or None,
            field_selector=inv.flags["field-selector"] or None,
        )
        found += [(res, o["metadata"]["name"], o["metadata"].get("namespace")) for o in listed]
    return found


def run(inv: Invocation) -> None:
    grace = grace_period(inv)
    ignore_not_found = inv.flags["ignore-not-found"] or (
        "ignore-not-found" not in inv.changed and bool(inv.flags["all"] or inv.flags["selector"])
    )
    policy = CASCADE.get(inv.flags["cascade"])
    if policy is None:
        raise KubectlError(
            f'error: invalid cascade value ({inv.flags["cascade"]}). Must be "background", "foreground", or "orphan".'
        )
    deleted = []
    for res, name, ns in _targets(inv):
        try:
            response = inv.api.delete(
                res.plural,
                name,
                ns or "default",
                grace_period=None if grace < 0 else grace,
                propagation_policy=policy,
            )
        except APIError as error:
            if not (ignore_not_found and error.code == 404):
                inv.errors.append(error)
            continue
        operation = "force deleted" if grace == 0 else "deleted"
        where = f" from {ns} namespace" if res.namespaced else ""
        inv.out(f'{_common.kind_string(res)} "{name}" {operation}{where}\n')
        deleted.append((res, name, ns, response.get("metadata", {}).get("uid")))
    if not deleted and not inv.errors:
        inv.out("No resources found\n")
        return
    if inv.flags["wait"] and deleted:
        _wait(inv, deleted)


def _wait(inv: Invocation, deleted: list) -> None:
    """``cmdwait.IsDeleted``: watch each object (as kubectl's wait does, rather than polling)
    and run the cluster until every one has a DELETED event for its uid."""
    timeout = inv.flags["timeout"] or WEEK
    remaining = {}
    handles = []
    for res, name, ns, uid in deleted:
        if _gone(inv.api, res, name, ns, uid):
            continue
        remaining[(res.plural, ns, name)] = (res, uid)
        watcher = _DeletionWatcher(remaining, (res.plural, ns, name), uid)
        handles.append(
            inv.api.watch(res.plural, watcher, namespace=ns, field_selector=f"metadata.name={name}")
        )
    try:
        inv.cluster.run_until(lambda cluster: not remaining, timeout=timeout)
    except TimeoutError:
        res, name = next((res, key[2]) for key, (res, _) in remaining.items())
        raise KubectlError(
            f"error: timed out waiting for the condition on {res.plural}/{name}"
        ) from None
    finally:
        for handle in handles:
            handle.stop()


class _DeletionWatcher:
    """Crosses an object off ``remaining`` when its DELETED event (same uid) arrives."""

    def __init__(self, remaining: dict, key: tuple, uid: str | None) -> None:
        self.remaining, self.key, self.uid = remaining, key, uid

    def __call__(self, event: dict) -> None:
        meta = event["object"]["metadata"]
        if event["type"] == "DELETED" and (self.uid is None or meta.get("uid") == self.uid):
            self.remaining.pop(self.key, None)


def _gone(api, res: Resource, name: str, ns: str | None, uid: str | None) -> bool:
    try:
        current = api.get(res.plural, name, ns or "default")
    except APIError as error:
        return error.code == 404
    return uid is not None and current["metadata"].get("uid") != uid


COMMANDS = (
    Command(
        "delete",
        run,
        short="Delete resources by file names, stdin, resources and names, or by resources and label selector",
        usage="delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [flags]",
        flags=(
            Flag(
                "filename",
                "f",
                "strings",
                help="Filename, directory, or URL to files containing the resource to delete.",
            ),
            Flag("selector", "l", "string", help="Selector (label query) to filter on."),
            Flag("field-selector", kind="string", help="Selector (field query) to filter on."),
            Flag(
                "all",
                help="Delete all resources, in the namespace of the specified resource types.",
            ),
            Flag(
                "all-namespaces",
                "A",
                help="If present, list the requested object(s) across all namespaces.",
            ),
            Flag(
                "grace-period",
                kind="int",
                default=-1,
                help="Period of time in seconds given to the resource to terminate gracefully.",
            ),
            Flag(
                "force",
                help="If true, immediately remove resources from API and bypass graceful deletion.",
            ),
            Flag(
                "now",
                help="If true, resources are signaled for immediate shutdown (same as --grace-period=1).",
            ),
            Flag(
                "wait",
                default=True,
                help="If true, wait for resources to be gone before returning (runs the simulated cluster).",
            ),
            Flag(
                "timeout",
                kind="duration",
                help="The length of simulated time to wait before giving up, zero means a week.",
            ),
            Flag("ignore-not-found", help='Treat "resource not found" as a successful delete.'),
            Flag(
                "cascade",
                kind="string",
                default="background",
                help='Must be "background", "orphan", or "foreground".',
            ),
        ),
    ),
)
