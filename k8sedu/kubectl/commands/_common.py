"""What every kubectl command shares: the invocation, namespaces, ``TYPE NAME`` arguments and
the way errors are printed.

Models kubectl's ``cmdutil.CheckErr`` / ``StandardErrorMessage`` (``pkg/cmd/util/helpers.go``),
the resource builder's argument forms (``cli-runtime/pkg/resource/builder.go``:
``pods web``, ``pod/web``, ``pods,svc``, ``all``) and the kubeconfig's current namespace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k8sedu.apiserver import registry
from k8sedu.apiserver.registry import Resource
from k8sedu.errors import APIError, ConnectionRefused, Invalid, KubectlError

CONTEXT = "kind-k8sedu"  # the kubeconfig context kind writes for a cluster named k8sedu


@dataclass
class Invocation:
    """One kubectl run: the parsed flags and arguments, and what it has printed so far."""

    cluster: Any
    flags: dict[str, Any]
    args: list[str]
    path: str = ""
    dash_args: list[str] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)  # reported after the output, exit 1
    resource_version: str = ""  # of the last list, where a watch starts

    def out(self, text: str) -> None:
        self.stdout.append(text)

    def err(self, text: str) -> None:
        self.stderr.append(text)

    @property
    def api(self):
        return self.cluster.api

    @property
    def namespace(self) -> str:
        """``-n``, else the current context's namespace (``config set-context --current``)."""
        return self.flags.get("namespace") or current_namespace(self.cluster)

    @property
    def all_namespaces(self) -> bool:
        return bool(self.flags.get("all-namespaces"))


def current_namespace(cluster) -> str:
    return getattr(cluster, "kubectl_namespace", "default")


def set_current_namespace(cluster, namespace: str) -> None:
    # The kubeconfig is kubectl's, not the cluster's; it lives beside the cluster so that a
    # snapshot keeps it.
    cluster.kubectl_namespace = namespace


# --- resource arguments ---------------------------------------------------------------------------


def resource_type(word: str) -> Resource:
    found = registry.lookup(word)
    if found is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{word}"')
    return found


def expand_types(word: str) -> list[Resource]:
    """``pods,svc`` → two resources; ``all`` → the ``all`` category in discovery order."""
    resources: list[Resource] = []
    for part in word.split(","):
        if part == "all":
            resources += [r for r in registry.RESOURCES if "all" in r.categories]
        else:
            resources.append(resource_type(part))
    return resources


def parse_targets(args: list[str]) -> list[tuple[Resource, str | None]]:
    """``TYPE``, ``TYPE NAME…``, ``TYPE,TYPE NAME…`` or ``TYPE/NAME…`` → (resource, name) pairs;
    the name is None for "every object of that type"."""
    if not args:
        return []
    if any("/" in a for a in args):
        if not all("/" in a for a in args):
            raise KubectlError(
                "error: there is no need to specify a resource type as a separate argument when "
                "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                "instead of 'kubectl get resource resource/<resource_name>'"
            )
        pairs = []
        for arg in args:
            kind, _, name = arg.partition("/")
            if not name:
                raise KubectlError(
                    "error: arguments in resource/name form must have a single resource and name"
                )
            pairs.append((resource_type(kind), name))
        return pairs
    types = expand_types(args[0])
    names = args[1:]
    if not names:
        return [(r, None) for r in types]
    return [(r, n) for r in types for n in names]


def multiple_types_requested(args: list[str]) -> bool:
    """``resource.MultipleTypesRequested``: ``all``, ``pods,svc`` or ``pod/a svc/b``."""
    if args and (args[0] == "all" or "," in args[0]):
        return True
    kinds = {a.partition("/")[0] for a in args if "/" in a}
    return len(kinds) > 1


def kind_string(res: Resource) -> str:
    """``deployment.apps``, ``pod``: how kubectl names a kind in its lines."""
    return res.kind.lower() + (f".{res.group}" if res.group else "")


def object_line(res: Resource, name: str, operation: str) -> str:
    """The name printer's line: ``deployment.apps/web created``."""
    return f"{kind_string(res)}/{name} {operation}".rstrip() + "\n"


def namespace_for(res: Resource, inv: Invocation) -> str | None:
    return inv.namespace if res.namespaced else None


def not_simulated_warning(res: Resource) -> str:
    return f"Warning: {res.kind} is stored, not simulated by k8sedu"


# --- errors ---------------------------------------------------------------------------------------


def error_text(error: Exception) -> str:
    """What ``cmdutil.CheckErr`` prints for one error (without the final newline)."""
    if isinstance(error, Invalid):
        return _invalid_text(error)
    if isinstance(error, APIError):
        return f"Error from server ({error.reason}): {error}"
    if isinstance(error, ConnectionRefused | KubectlError):
        return str(error)
    return f"error: {error}"


def errors_text(errors: list[Exception]) -> str:
    """One error as ``CheckErr`` prints it; several as ``MultipleErrors`` does (no ``error:``)."""
    if len(errors) == 1:
        return error_text(errors[0])
    lines = []
    for e in errors:
        if isinstance(e, APIError):
            lines.append(f"Error from server ({e.reason}): {e}")
        else:
            text = str(e)
            lines.append(text[len("error: ") :] if text.startswith("error: ") else text)
    return "\n".join(lines)


def _invalid_text(error: Invalid) -> str:
    """Built from ``details`` (kind, name, causes), not from the message, as kubectl does."""
    details = error.details or {}
    if details.get("kind") or details.get("name"):
        head = f'The {details.get("kind", "")} "{details.get("name", "")}" is invalid'
    else:
        head = "The request is invalid"
    causes = details.get("causes") or []
    if not causes:
        return head if details else f"{head}: {error}"
    lines = [f"{c.get('field', '')}: {c.get('message', '')}" for c in causes]
    if len(lines) == 1:
        return f"{head}: {lines[0]}"
    return f"{head}: \n" + "\n".join(f"* {line}" for line in lines)


def with_source(verb: str, source: str, error: Exception) -> Exception:
    """``cmdutil.AddSourceToErr``: ``error when creating "web.yaml": …`` in a Status message."""
    if not source:
        return error
    if isinstance(error, APIError):
        return type(error)(f'error when {verb} "{source}": {error}', details=error.details)
    if isinstance(error, KubectlError):
        return error
    return KubectlError(f'error: error when {verb} "{source}": {error}')
