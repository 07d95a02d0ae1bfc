"""Client-side ``kubectl apply``: create what is missing, three-way merge what exists.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go`` (``applyOneObject``) and
``patcher.go``: kubectl GETs the object; if it is absent it POSTs the manifest with the
``kubectl.kubernetes.io/last-applied-configuration`` annotation; if it exists it computes a
three-way strategic merge patch from the last applied manifest, the new one and the live object,
and PATCHes it, or prints ``unchanged`` when the patch is empty. Every document is tried; errors
are reported after the others were applied. Simplified: no server-side apply, no ``--prune``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

from k8sedu.apiserver.patch import three_way_merge_patch
from k8sedu.errors import APIError, ConnectionRefused, KubectlError, NotFound
from k8sedu.kubectl.commands._common import (
    current_namespace,
    kind_string,
    not_simulated_warning,
    with_source,
)
from k8sedu.kubectl.jsonpath import go_json
from k8sedu.kubectl.manifest import Document, documents

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@dataclass
class Outcome:
    """What applying one document printed: a warning, then a line or an error."""

    line: str | None = None  # "deployment.apps/web created"
    warning: str | None = None  # "Warning: Secret is stored, not simulated by k8sedu"
    error: Exception | None = None
    shown: Exception | None = None  # the error as kubectl prints it (with its source file)


class _WriteFailed(Exception):
    """A failed POST or PATCH, with the verb kubectl names in its message."""

    def __init__(self, verb: str, error: Exception) -> None:
        super().__init__(str(error))
        self.verb = verb
        self.error = error


def apply(cluster, manifest) -> list[str]:
    """``cluster.apply(manifest)``: kubectl's lines, warnings included.

    If a document fails, the others stay applied and the first failure is raised with
    ``.results``: every line and every error, in order.
    """
    outcomes = apply_all(cluster, documents(manifest), current_namespace(cluster))
    results: list = []
    for outcome in outcomes:
        if outcome.warning:
            results.append(outcome.warning)
        results.append(outcome.line if outcome.error is None else outcome.error)
    failures = [o.error for o in outcomes if o.error is not None]
    if failures:
        failures[0].results = results
        raise failures[0]
    return results


def apply_all(cluster, docs, namespace: str, *, enforce_namespace: bool = False) -> list[Outcome]:
    """Apply each document in turn; a failing one does not stop the rest."""
    outcomes = []
    for doc in docs:
        if doc.error is not None:
            outcomes.append(Outcome(error=doc.error, shown=doc.error))
            continue
        warning = None if doc.resource.simulated else not_simulated_warning(doc.resource)
        try:
            line = apply_one(cluster.api, doc, namespace, enforce_namespace)
        except _WriteFailed as failed:
            shown = with_source(failed.verb, doc.source, failed.error)
            outcomes.append(Outcome(warning=warning, error=failed.error, shown=shown))
            continue
        except (APIError, KubectlError, ConnectionRefused) as error:
            outcomes.append(Outcome(warning=warning, error=error, shown=error))
            continue
        outcomes.append(Outcome(line=line, warning=warning))
    return outcomes


def apply_one(api, doc: Document, namespace: str, enforce_namespace: bool = False) -> str:
    """Apply one document; returns ``deployment.apps/web created|configured|unchanged``."""
    res = doc.resource
    obj = prepare(doc, namespace, enforce_namespace)
    name = obj["metadata"].get("name", "")
    ns = obj["metadata"].get("namespace", namespace)
    modified = with_last_applied(obj)
    try:
        current = api.get(res.plural, name, ns) if name else None
    except NotFound:
        current = None
    if current is None:
        try:
            api.create(res.plural, modified, ns)
        except APIError as error:
            raise _WriteFailed("creating", error) from None
        return f"{kind_string(res)}/{name} created"
    annotations = current["metadata"].get("annotations") or {}
    original = json.loads(annotations[LAST_APPLIED]) if LAST_APPLIED in annotations else None
    patch = three_way_merge_patch(original, modified, current, res.kind)
    if not patch:
        return f"{kind_string(res)}/{name} unchanged"
    try:
        api.patch(res.plural, name, patch, ns, type="strategic")
    except APIError as error:
        raise _WriteFailed("patching", error) from None
    return f"{kind_string(res)}/{name} configured"


def prepare(doc: Document, namespace: str, enforce_namespace: bool) -> dict:
    """A copy of the manifest with the namespace kubectl's builder fills in."""
    obj = copy.deepcopy(doc.obj)
    meta = obj.setdefault("metadata", {})
    if not doc.resource.namespaced:
        return obj
    given = meta.get("namespace")
    if given and enforce_namespace and given != namespace:
        raise KubectlError(
            f'error: the namespace from the provided object "{given}" does not match the '
            f"namespace \"{namespace}\". You must pass '--namespace={given}' to perform this operation."
        )
    meta["namespace"] = given or namespace
    return obj


def with_last_applied(obj: dict) -> dict:
    """``GetModifiedConfiguration``: the manifest, encoded without the annotation (an empty
    ``annotations`` map included, plus the newline of Go's json.Encoder), stored in it."""
    modified = copy.deepcopy(obj)
    annotations = dict(modified["metadata"].get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    modified["metadata"]["annotations"] = annotations
    encoded = go_json(modified) + "\n"
    modified["metadata"]["annotations"] = {**annotations, LAST_APPLIED: encoded}
    return modified
