"""PodInfo and NodeInfo: the typed views the scheduler computes on (``framework/types.go``).

A ``PodInfo`` parses a pod once: its requests (actual, and "non-zero" for scoring), priority,
host ports, images, tolerations and affinity terms. A ``NodeInfo`` is one node plus everything
the scheduler believes runs there — bound pods and *assumed* pods (chosen but whose binding the
informer has not echoed yet) — with the sums plugins need: ``requested``,
``non_zero_requested``, ``allocatable``, used host ports and images. The cache keeps them
incremental: adding a pod adds its requests, nothing is recounted.

Simplified: no volumes or PVC counts, no pod-level resources, no in-place resize.
"""

from __future__ import annotations

from typing import NamedTuple

from k8sedu import labels as labelsel
from k8sedu.quantity import ZERO, Resources, pod_requests


class AffinityTerm(NamedTuple):
    """A parsed ``PodAffinityTerm``: which pods (namespaces + selector) in which topology."""

    namespaces: frozenset[str]
    namespace_selector: labelsel.Selector | None
    selector: labelsel.Selector
    topology_key: str
    weight: int = 0

    def matches(self, pod: PodInfo, namespace_labels: dict | None = None) -> bool:
        """``AffinityTerm.Matches``: the pod's namespace is listed (or selected) and its labels
        match."""
        in_namespace = pod.namespace in self.namespaces or (
            self.namespace_selector is not None
            and namespace_labels is not None
            and self.namespace_selector.matches(namespace_labels)
        )
        return in_namespace and self.selector.matches(pod.labels)


def _affinity_terms(pod: dict, terms: list | None, weighted: bool) -> tuple[AffinityTerm, ...]:
    """``getAffinityTerms``: an empty ``namespaces`` and no selector mean the pod's namespace."""
    out = []
    for raw in terms or ():
        term = raw.get("podAffinityTerm", {}) if weighted else raw
        ns_selector = term.get("namespaceSelector")
        namespaces = frozenset(term.get("namespaces") or ())
        if not namespaces and ns_selector is None:
            namespaces = frozenset([pod["metadata"].get("namespace", "default")])
        out.append(
            AffinityTerm(
                namespaces,
                labelsel.selector_from_spec(ns_selector) if ns_selector is not None else None,
                labelsel.selector_from_spec(term.get("labelSelector")),
                term.get("topologyKey", ""),
                raw.get("weight", 0) if weighted else 0,
            )
        )
    return tuple(out)


class PodInfo:
    """One pod, parsed once for scheduling."""

    __slots__ = (
        "pod",
        "key",
        "uid",
        "namespace",
        "name",
        "labels",
        "priority",
        "requests",
        "non_zero",
        "host_ports",
        "images",
        "num_containers",
        "tolerations",
        "tolerations_key",
        "has_affinity",
        "_affinity",
    )

    def __init__(self, pod: dict) -> None:
        meta = pod["metadata"]
        spec = pod.get("spec") or {}
        self.pod = pod
        self.namespace = meta.get("namespace", "default")
        self.name = meta["name"]
        self.key = f"{self.namespace}/{self.name}"
        self.uid = meta.get("uid", self.key)
        self.labels = meta.get("labels") or {}
        self.priority = spec.get("priority") or 0
        self.requests, self.non_zero = requests_of(pod)
        containers = (spec.get("initContainers") or []) + (spec.get("containers") or [])
        self.num_containers = len(containers)
        self.images = [normalized_image_name(c.get("image", "")) for c in containers]
        self.host_ports = [
            (p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", p["hostPort"])
            for c in spec.get("containers") or []
            for p in c.get("ports") or []
            if p.get("hostPort")
        ]
        self.tolerations = spec.get("tolerations") or []
        self.tolerations_key = tuple(tuple(sorted(t.items())) for t in self.tolerations)
        aff = spec.get("affinity") or {}
        # any pod (anti-)affinity at all (NodeInfo.PodsWithAffinity)
        self.has_affinity = bool(aff.get("podAffinity") or aff.get("podAntiAffinity"))
        self._affinity = None

    def with_pod(self, pod: dict) -> PodInfo:
        """The same pod at a newer version whose spec only gained ``nodeName`` (assumed, then
        bound): the parse is reused, only the object and its labels are taken anew."""
        copy = PodInfo.__new__(PodInfo)
        for slot in PodInfo.__slots__:
            setattr(copy, slot, getattr(self, slot))
        copy.pod = pod
        copy.labels = pod["metadata"].get("labels") or {}
        return copy

    @property
    def node_name(self) -> str:
        return (self.pod.get("spec") or {}).get("nodeName") or ""

    @property
    def terminating(self) -> bool:
        return self.pod["metadata"].get("deletionTimestamp") is not None

    @property
    def affinity(self) -> dict[str, tuple[AffinityTerm, ...]]:
        """Parsed inter-pod terms: ``required``/``preferred`` × ``affinity``/``anti``."""
        if self._affinity is None:
            aff = (self.pod.get("spec") or {}).get("affinity") or {}
            pa, anti = aff.get("podAffinity") or {}, aff.get("podAntiAffinity") or {}
            req, pref = (
                "requiredDuringSchedulingIgnoredDuringExecution",
                ("preferredDuringSchedulingIgnoredDuringExecution"),
            )
            self._affinity = {
                "required": _affinity_terms(self.pod, pa.get(req), False),
                "required_anti": _affinity_terms(self.pod, anti.get(req), False),
                "preferred": _affinity_terms(self.pod, pa.get(pref), True),
                "preferred_anti": _affinity_terms(self.pod, anti.get(pref), True),
            }
        return self._affinity

    @property
    def has_required_anti_affinity(self) -> bool:
        return self.has_affinity and bool(self.affinity["required_anti"])

    def __repr__(self) -> str:
        return f"<PodInfo {self.key}>"


_REQUESTS: dict[tuple, tuple[Resources, Resources]] = {}


def requests_of(pod: dict) -> tuple[Resources, Resources]:
    """(actual requests for the fit check, non-zero requests for scoring), remembered per
    distinct resources stanza: replicas of one template share the parse."""
    spec = pod.get("spec") or {}
    key = (
        tuple(_stanza(c) for c in spec.get("containers") or ()),
        tuple((_stanza(c), c.get("restartPolicy")) for c in spec.get("initContainers") or ()),
        _items(spec.get("overhead")),
    )
    found = _REQUESTS.get(key)
    if found is None:
        if len(_REQUESTS) >= 1024:
            _REQUESTS.clear()
        found = _REQUESTS[key] = (pod_requests(pod), pod_requests(pod, non_zero=True))
    return found


def _stanza(container: dict) -> tuple:
    resources = container.get("resources") or {}
    return _items(resources.get("requests")), _items(resources.get("limits"))


def _items(resource_list: dict | None) -> tuple:
    return tuple(sorted(resource_list.items())) if resource_list else ()


def _same_footprint(a: PodInfo, b: PodInfo) -> bool:
    """Do two versions of a pod count the same on a node (requests, ports, affinity)?"""
    return (
        a.requests is b.requests
        and a.host_ports == b.host_ports
        and a.has_affinity == b.has_affinity
        and (not a.has_affinity or a.affinity == b.affinity)
    )


def _plus(total: Resources, other: Resources, sign: int) -> Resources:
    """``total ± other``; the common case (no extended resources) without the general path."""
    if total.scalar or other.scalar:
        return total + other if sign > 0 else total - other
    return Resources(
        total.cpu + sign * other.cpu,
        total.memory + sign * other.memory,
        total.ephemeral_storage + sign * other.ephemeral_storage,
        total.pods + sign * other.pods,
    )


def normalized_image_name(name: str) -> str:
    """``normalizedImageName``: an image without a tag gets ``:latest``.

    >>> normalized_image_name("nginx"), normalized_image_name("localhost:5000/app")
    ('nginx:latest', 'localhost:5000/app:latest')
    """
    if name.rfind(":") <= name.rfind("/"):
        name += ":latest"
    return name


class NodeInfo:
    """A node and the pods the scheduler counts on it (``framework.NodeInfo``).

    ``node`` is None while pods are known on a node the informer has not shown yet.
    """

    def __init__(self, node: dict | None = None) -> None:
        self.node: dict | None = None
        self.name = ""
        self.labels: dict = {}
        self.taints: list[dict] = []
        self.unschedulable = False
        self.allocatable = ZERO
        self.images: dict[str, int] = {}  # image name -> size in bytes, from node.status.images
        self._pods: dict[str, PodInfo] = {}
        self.requested = ZERO
        self.non_zero_requested = ZERO
        self.used_ports: dict[tuple[str, str, int], int] = {}
        self.pods_with_affinity = 0
        self.pods_with_required_anti_affinity = 0
        self.generation = 0
        # answers that depend only on this node's pods (how many match a selector …), kept by
        # plugins until the pods change: most nodes' pods do not change between two cycles
        self.pod_memo: dict = {}
        if node is not None:
            self.set_node(node)

    # -- the node ----------------------------------------------------------------------------

    def set_node(self, node: dict) -> None:
        status = node.get("status") or {}
        spec = node.get("spec") or {}
        self.node = node
        self.name = node["metadata"]["name"]
        self.labels = node["metadata"].get("labels") or {}
        self.taints = spec.get("taints") or []
        self.unschedulable = bool(spec.get("unschedulable"))
        self.allocatable = Resources.from_dict(status.get("allocatable"))
        self.images = {}
        for image in status.get("images") or ():
            for name in image.get("names") or ():
                self.images[name] = image.get("sizeBytes", 0)
        self.generation += 1

    # -- the pods ------------------------------------------------------------------------------

    @property
    def pods(self) -> list[PodInfo]:
        return list(self._pods.values())

    def pod_infos(self):
        """The pods without copying the list (callers must not add or remove meanwhile)."""
        return self._pods.values()

    def __len__(self) -> int:
        return len(self._pods)

    def add_pod(self, pi: PodInfo) -> bool:
        """``NodeInfo.AddPod``: count its requests, ports and affinity. False when it was only a
        newer version of a pod already counted the same way (nothing to recount)."""
        old = self._pods.get(pi.uid)
        self.pod_memo = {}
        if old is not None:
            if _same_footprint(old, pi):
                self._pods[pi.uid] = pi
                return False
            self.remove_pod(pi.uid)
        self._pods[pi.uid] = pi
        self.requested = _plus(self.requested, pi.requests, 1)
        self.non_zero_requested = _plus(self.non_zero_requested, pi.non_zero, 1)
        for port in pi.host_ports:
            self.used_ports[port] = self.used_ports.get(port, 0) + 1
        if pi.has_affinity:
            self.pods_with_affinity += 1
            self.pods_with_required_anti_affinity += pi.has_required_anti_affinity
        self.generation += 1
        return True

    def remove_pod(self, uid: str) -> PodInfo | None:
        pi = self._pods.pop(uid, None)
        if pi is None:
            return None
        self.pod_memo = {}
        self.requested = _plus(self.requested, pi.requests, -1)
        self.non_zero_requested = _plus(self.non_zero_requested, pi.non_zero, -1)
        for port in pi.host_ports:
            left = self.used_ports[port] - 1
            if left:
                self.used_ports[port] = left
            else:
                del self.used_ports[port]
        if pi.has_affinity:
            self.pods_with_affinity -= 1
            self.pods_with_required_anti_affinity -= pi.has_required_anti_affinity
        self.generation += 1
        return pi

    def clone(self) -> NodeInfo:
        """A copy that can gain and lose pods without touching this one (``Snapshot``)."""
        copy = NodeInfo.__new__(NodeInfo)
        copy.__dict__.update(self.__dict__)
        copy._pods = dict(self._pods)
        copy.pod_memo = dict(self.pod_memo)
        copy.used_ports = dict(self.used_ports)
        return copy

    def __repr__(self) -> str:
        return f"<NodeInfo {self.name or '?'}: {len(self._pods)} pods>"
