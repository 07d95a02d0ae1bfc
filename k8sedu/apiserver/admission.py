"""The admission chain: mutating plugins, then (after validation) validating plugins.

Every plugin receives an ``AdmissionReview.request``-shaped dict (``operation``, ``resource``,
``subResource``, ``namespace``, ``name``, ``object``, ``oldObject``, ``userInfo``). A mutating
plugin changes ``request["object"]`` in place; a validating plugin raises ``k.Forbidden`` or
``k.Invalid``. Built in, in the real order (``pkg/kubeapiserver/options/plugins.go``):
NamespaceLifecycle, LimitRanger, ServiceAccount (folded into defaulting here), Priority,
DefaultTolerationSeconds, ResourceQuota. Learners register their own plugins after these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from k8sedu import quantity
from k8sedu.errors import Forbidden, NotFound, qualified

if TYPE_CHECKING:
    from k8sedu.apiserver.server import APIServer

Plugin = Callable[[dict], object]

# namespaces the API server keeps alive (pkg/kubeapiserver/admission ... immortalNamespaces)
IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")

# DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds/admission.go)
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
DEFAULT_TOLERATION_SECONDS = 300

SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
}


@dataclass
class AdmissionPlugin:
    name: str
    mutate: Plugin | None = None
    validate: Plugin | None = None


def forbidden(request: dict, why: str) -> Forbidden:
    """``pods "web" is forbidden: <why>`` — the message shape of admission rejections."""
    res = request["resource"]
    name = request.get("name") or ""
    return Forbidden(
        f'{qualified(res["resource"], res["group"])} "{name}" is forbidden: {why}',
        details={"name": name, "group": res["group"], "kind": res["resource"]},
    )


class Admission:
    """The chain. ``register`` adds a learner's plugin after the built-in ones."""

    def __init__(self, server: APIServer) -> None:
        self.server = server
        self.plugins: list[AdmissionPlugin] = [
            AdmissionPlugin("NamespaceLifecycle", validate=self.namespace_lifecycle),
            AdmissionPlugin("LimitRanger", mutate=self.limit_ranger),
            AdmissionPlugin("Priority", mutate=self.priority),
            AdmissionPlugin("DefaultTolerationSeconds", mutate=default_toleration_seconds),
            AdmissionPlugin("ResourceQuota", validate=self.resource_quota),
        ]

    def register(
        self, name: str, mutate: Plugin | None = None, validate: Plugin | None = None
    ) -> None:
        """Add (or replace, by name) a plugin; it runs after the built-in ones."""
        self.unregister(name)
        self.plugins.append(AdmissionPlugin(name, mutate, validate))

    def unregister(self, name: str) -> None:
        self.plugins = [p for p in self.plugins if p.name != name]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.plugins]

    def run_mutating(self, request: dict) -> None:
        for plugin in self.plugins:
            if plugin.mutate is not None:
                result = plugin.mutate(request)
                if isinstance(result, dict):
                    request["object"] = result

    def run_validating(self, request: dict) -> None:
        for plugin in self.plugins:
            if plugin.validate is not None:
                plugin.validate(request)

    # -- built-in plugins ------------------------------------------------------------------

    def namespace_lifecycle(self, request: dict) -> None:
        """No new objects in a missing or terminating namespace; some namespaces never die."""
        res = request["resource"]["resource"]
        if res == "namespaces":
            if request["operation"] == "DELETE" and request["name"] in IMMORTAL_NAMESPACES:
                raise forbidden(request, "this namespace may not be deleted")
            return
        ns = request.get("namespace")
        if not ns or request["operation"] != "CREATE":
            return
        entry = self.server.cache.get("namespaces", ns)
        if entry is None:
            raise NotFound(
                f'namespaces "{ns}" not found', details={"name": ns, "kind": "namespaces"}
            )
        if entry.object.get("status", {}).get("phase") == "Terminating" and res != "events":
            why = f"unable to create new content in namespace {ns} because it is being terminated"
            error = forbidden(request, why)
            error.details["causes"] = [
                {"reason": "NamespaceTerminating", "message": why, "field": "metadata.namespace"}
            ]
            raise error

    def priority(self, request: dict) -> None:
        """Resolve ``priorityClassName`` to ``priority`` and ``preemptionPolicy`` (pods only)."""
        if not creates_pod(request):
            return
        spec = request["object"]["spec"]
        name = spec.get("priorityClassName")
        if not name:
            default = self._global_default_priority_class()
            if default is None:
                spec.setdefault("priority", 0)
                return
            name = default["metadata"]["name"]
            spec["priorityClassName"] = name
        entry = self.server.cache.get("priorityclasses", name)
        if entry is None:
            raise forbidden(request, f"no PriorityClass with name {name} was found")
        spec["priority"] = entry.object.get("value", 0)
        spec.setdefault(
            "preemptionPolicy", entry.object.get("preemptionPolicy", "PreemptLowerPriority")
        )

    def _in_namespace(self, resource: str, namespace: str) -> list[dict]:
        """The cached objects of one resource in one namespace, in key order."""
        table = self.server.cache.objects[resource]
        return [table[k].object for k in sorted(table) if k.startswith(namespace + "/")]

    def _global_default_priority_class(self) -> dict | None:
        for entry in self.server.cache.objects["priorityclasses"].values():
            if entry.object.get("globalDefault"):
                return entry.object
        return None

    def limit_ranger(self, request: dict) -> None:
        """Default container requests/limits from the namespace's LimitRanges (type Container)."""
        if not creates_pod(request):
            return
        ranges = self._in_namespace("limitranges", request["namespace"])
        for lr in ranges:
            for item in lr.get("spec", {}).get("limits", []):
                if item.get("type") != "Container":
                    continue
                for c in request["object"]["spec"].get("containers", []):
                    res = c.setdefault("resources", {})
                    for field, default in (("limits", "default"), ("requests", "defaultRequest")):
                        for name, value in (item.get(default) or {}).items():
                            res.setdefault(field, {}).setdefault(name, quantity.canonical(value))
                    for name, value in (res.get("limits") or {}).items():
                        res.setdefault("requests", {}).setdefault(name, value)

    def resource_quota(self, request: dict) -> None:
        """Reject a pod that would take the namespace over a ResourceQuota's hard limits."""
        if not creates_pod(request):
            return
        ns = request["namespace"]
        quotas = self._in_namespace("resourcequotas", ns)
        if not quotas:
            return
        pod_usage = _pod_quota_usage(request["object"])
        used = _namespace_quota_usage(self.server, ns)
        for quota in quotas:
            hard = quota.get("spec", {}).get("hard", {})
            over = [
                name
                for name in sorted(hard)
                if name in pod_usage
                and used.get(name, 0) + pod_usage[name] > _amount(name, hard[name])
            ]
            if over:
                limited = ",".join(f"{n}={hard[n]}" for n in over)
                raise forbidden(
                    request,
                    f"exceeded quota: {quota['metadata']['name']}, requested: {_amounts(over, pod_usage)}, "
                    f"used: {_amounts(over, used)}, limited: {limited}",
                )


def creates_pod(request: dict) -> bool:
    """The pod-only plugins act on creating a pod, not on its subresources."""
    return (
        request["resource"]["resource"] == "pods"
        and request["operation"] == "CREATE"
        and not request["subResource"]
    )


def default_toleration_seconds(request: dict) -> None:
    """Give every pod 300 s to tolerate not-ready and unreachable nodes, unless it already does."""
    if not creates_pod(request):
        return
    spec = request["object"]["spec"]
    tolerations = spec.get("tolerations") or []
    for key in (NOT_READY_TAINT, UNREACHABLE_TAINT):
        if any(_tolerates_no_execute(t, key) for t in tolerations):
            continue
        tolerations.append(
            {
                "key": key,
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
            }
        )
    spec["tolerations"] = tolerations


def _tolerates_no_execute(t: dict, key: str) -> bool:
    # a toleration with an empty key or empty effect matches any key or effect
    return (not t.get("key") or t.get("key") == key) and (
        not t.get("effect") or t.get("effect") == "NoExecute"
    )


# -- quota accounting (simplified: pods and their compute requests/limits) -------------------


def _amount(name: str, value) -> int:
    if name.endswith("cpu"):
        return quantity.cpu_millis(quantity.parse(value))
    return quantity.to_int(quantity.parse(value))


def _show(name: str, amount: int) -> str:
    return (
        f"{amount}m"
        if name.endswith("cpu") and amount % 1000
        else str(amount // 1000 if name.endswith("cpu") else amount)
    )


def _amounts(names: list[str], values: dict[str, int]) -> str:
    return ",".join(f"{n}={_show(n, values.get(n, 0))}" for n in names)


def _pod_quota_usage(pod: dict) -> dict[str, int]:
    req = quantity.pod_requests(pod)
    lim = quantity.pod_limits(pod)
    return {
        "pods": 1,
        "count/pods": 1,
        "requests.cpu": req.cpu,
        "cpu": req.cpu,
        "requests.memory": req.memory,
        "memory": req.memory,
        "limits.cpu": lim.cpu,
        "limits.memory": lim.memory,
    }


def _namespace_quota_usage(server: APIServer, ns: str) -> dict[str, int]:
    used: dict[str, int] = {}
    for key, entry in server.cache.objects["pods"].items():
        if not key.startswith(ns + "/"):
            continue
        pod = entry.object
        if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            continue
        for name, value in _pod_quota_usage(pod).items():
            used[name] = used.get(name, 0) + value
    return used
