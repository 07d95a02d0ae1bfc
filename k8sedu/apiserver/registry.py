"""The resource registry: every kind the API server knows, in one table.

One entry per resource drives routing (plural → storage key), ``kubectl api-resources``,
discovery, ``apply`` (kind → resource), ``get all`` (the ``all`` category) and printing.
Keys are the real etcd keys: ``/registry/pods/default/web``, ``/registry/minions/node-1`` (nodes
kept their old name in etcd), ``/registry/services/specs/default/web``.
Source: k8s ``pkg/registry/*/storage``, ``kubectl api-resources`` on v1.34.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from k8sedu.errors import NotFound


@dataclass(frozen=True)
class Resource:
    plural: str
    singular: str
    kind: str
    group: str
    version: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    key_prefix: str = ""
    simulated: bool = True  # False: stored, listed and printed, but no component acts on it
    verbs: tuple[str, ...] = (
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    )
    status_subresource: bool = field(default=False)
    # the deprecation warning the server sends with every response about this resource
    # (``Warning: 299`` header; kubectl prints it on stderr)
    warning: str = ""

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """``deployments.apps``, or ``pods`` for the core group (as error messages print it)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """``Deployment.apps``, or ``Pod`` for the core group (as Invalid messages print it)."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    def key(self, name: str, namespace: str | None = None) -> str:
        """The etcd key of one object."""
        if self.namespaced:
            return f"{self.key_prefix}/{namespace}/{name}"
        return f"{self.key_prefix}/{name}"

    def prefix(self, namespace: str | None = None) -> str:
        """The etcd key prefix of a list (all namespaces when ``namespace`` is None)."""
        if self.namespaced and namespace:
            return f"{self.key_prefix}/{namespace}/"
        return f"{self.key_prefix}/"


def _r(
    plural: str,
    singular: str,
    kind: str,
    group: str,
    version: str,
    namespaced: bool,
    short: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    sub: tuple[str, ...] = (),
    key: str | None = None,
    simulated: bool = True,
) -> Resource:
    return Resource(
        plural=plural,
        singular=singular,
        kind=kind,
        group=group,
        version=version,
        namespaced=namespaced,
        short_names=short,
        categories=categories,
        subresources=sub,
        key_prefix="/registry/" + (key or plural),
        simulated=simulated,
        status_subresource="status" in sub,
    )


ALL = ("all",)
RESOURCES: tuple[Resource, ...] = (
    # core/v1
    _r("bindings", "binding", "Binding", "", "v1", True),
    _r("configmaps", "configmap", "ConfigMap", "", "v1", True, ("cm",)),
    replace(
        _r(
            "endpoints", "endpoints", "Endpoints", "", "v1", True, ("ep",), key="services/endpoints"
        ),
        # KEP-4974: pkg/registry/core/endpoint/rest (v1.33)
        warning="v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
    ),
    _r("events", "event", "Event", "", "v1", True, ("ev",)),
    _r("limitranges", "limitrange", "LimitRange", "", "v1", True, ("limits",)),
    _r(
        "namespaces", "namespace", "Namespace", "", "v1", False, ("ns",), sub=("finalize", "status")
    ),
    _r("nodes", "node", "Node", "", "v1", False, ("no",), sub=("proxy", "status"), key="minions"),
    _r(
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        "",
        "v1",
        True,
        ("pvc",),
        sub=("status",),
        simulated=False,
    ),
    _r(
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        "",
        "v1",
        False,
        ("pv",),
        sub=("status",),
        simulated=False,
    ),
    _r(
        "pods",
        "pod",
        "Pod",
        "",
        "v1",
        True,
        ("po",),
        ALL,
        (
            "attach",
            "binding",
            "ephemeralcontainers",
            "eviction",
            "exec",
            "log",
            "portforward",
            "proxy",
            "resize",
            "status",
        ),
    ),
    _r(
        "resourcequotas",
        "resourcequota",
        "ResourceQuota",
        "",
        "v1",
        True,
        ("quota",),
        sub=("status",),
    ),
    _r("secrets", "secret", "Secret", "", "v1", True, simulated=False),
    _r(
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        "",
        "v1",
        True,
        ("sa",),
        sub=("token",),
    ),
    _r(
        "services",
        "service",
        "Service",
        "",
        "v1",
        True,
        ("svc",),
        ALL,
        ("proxy", "status"),
        key="services/specs",
    ),
    # apps/v1
    _r("daemonsets", "daemonset", "DaemonSet", "apps", "v1", True, ("ds",), ALL, ("status",)),
    _r(
        "deployments",
        "deployment",
        "Deployment",
        "apps",
        "v1",
        True,
        ("deploy",),
        ALL,
        ("scale", "status"),
    ),
    _r(
        "replicasets",
        "replicaset",
        "ReplicaSet",
        "apps",
        "v1",
        True,
        ("rs",),
        ALL,
        ("scale", "status"),
    ),
    _r(
        "statefulsets",
        "statefulset",
        "StatefulSet",
        "apps",
        "v1",
        True,
        ("sts",),
        ALL,
        ("scale", "status"),
        simulated=False,
    ),
    _r("controllerrevisions", "controllerrevision", "ControllerRevision", "apps", "v1", True),
    # autoscaling/v2
    _r(
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v2",
        True,
        ("hpa",),
        ALL,
        ("status",),
    ),
    # batch/v1
    _r(
        "cronjobs",
        "cronjob",
        "CronJob",
        "batch",
        "v1",
        True,
        ("cj",),
        ALL,
        ("status",),
        simulated=False,
    ),
    _r("jobs", "job", "Job", "batch", "v1", True, (), ALL, ("status",)),
    # coordination.k8s.io/v1
    _r("leases", "lease", "Lease", "coordination.k8s.io", "v1", True),
    # discovery.k8s.io/v1
    _r("endpointslices", "endpointslice", "EndpointSlice", "discovery.k8s.io", "v1", True),
    # events.k8s.io/v1 is served from the same storage as core events in the real server; here the
    # core/v1 form is the only one.
    # networking.k8s.io/v1
    _r(
        "ingresses",
        "ingress",
        "Ingress",
        "networking.k8s.io",
        "v1",
        True,
        ("ing",),
        sub=("status",),
        key="ingress",
        simulated=False,
    ),
    _r(
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        "networking.k8s.io",
        "v1",
        True,
        ("netpol",),
        simulated=False,
    ),
    # policy/v1
    _r(
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        "policy",
        "v1",
        True,
        ("pdb",),
        sub=("status",),
    ),
    # rbac.authorization.k8s.io/v1
    _r(
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        False,
        simulated=False,
    ),
    _r(
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "v1",
        False,
        simulated=False,
    ),
    _r(
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        True,
        simulated=False,
    ),
    _r("roles", "role", "Role", "rbac.authorization.k8s.io", "v1", True, simulated=False),
    # scheduling.k8s.io/v1
    _r(
        "priorityclasses",
        "priorityclass",
        "PriorityClass",
        "scheduling.k8s.io",
        "v1",
        False,
        ("pc",),
    ),
    # apiextensions.k8s.io/v1
    _r(
        "customresourcedefinitions",
        "customresourcedefinition",
        "CustomResourceDefinition",
        "apiextensions.k8s.io",
        "v1",
        False,
        ("crd", "crds"),
        sub=("status",),
        key="apiextensions.k8s.io/customresourcedefinitions",
        simulated=False,
    ),
)

BY_PLURAL: dict[str, Resource] = {r.plural: r for r in RESOURCES}
BY_KIND: dict[str, Resource] = {r.kind: r for r in RESOURCES}


def resource(plural: str) -> Resource:
    """The resource for a plural name (``pods``); an unknown name is the server's 404."""
    found = BY_PLURAL.get(plural)
    if found is None:
        raise NotFound("the server could not find the requested resource", details={})
    return found


def for_kind(kind: str, api_version: str | None = None) -> Resource | None:
    """The resource for a manifest's ``kind`` (and, when given, ``apiVersion``)."""
    found = BY_KIND.get(kind)
    if found is None or (api_version is not None and found.api_version != api_version):
        return None
    return found


def lookup(name: str) -> Resource | None:
    """Resolve what a kubectl user types: plural, singular, short name, kind, or ``plural.group``."""
    name = name.lower()
    for r in RESOURCES:
        if name in (r.plural, r.singular, r.kind.lower()) or name in r.short_names:
            return r
        if "." in name and name in (f"{r.plural}.{r.group}", f"{r.singular}.{r.group}"):
            return r
    return None
