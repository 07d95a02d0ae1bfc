"""Discovery over HTTP: the root document ``/``, ``/version``, ``/api``, ``/apis``, ``/api/v1``,
``/apis/<group>/<version>``, OpenAPI (from the resource registry) and the health checks
(``health.py``).

Models the kube-apiserver's discovery handlers (``staging/src/k8s.io/apiserver/pkg/endpoints/
discovery``: legacy ``APIVersions``/``APIGroupList``/``APIResourceList``, and the aggregated
``apidiscovery.k8s.io`` ``APIGroupDiscoveryList`` that kubectl 1.27+ asks for first). kubectl
needs ``shortNames`` (``get po``), ``categories`` (``get all``) and the subresources
(``deployments/scale`` is an ``autoscaling/v1`` Scale) from here.
Simplified: OpenAPI v2 is answered with an empty document, which is enough for kubectl's
``create``/``apply`` validation to proceed (it then trusts the server's strict decoding);
``/openapi/v3`` is not served, so ``kubectl explain`` does not work. The root document lists
every path kube-apiserver lists, including those k8sedu does not serve (``/metrics``, ``/logs``,
the OIDC discovery paths, ``/openapi/v3``, ``/apis/<group>``).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from k8sedu.apiserver import health
from k8sedu.apiserver.registry import RESOURCES, Resource
from k8sedu.kubectl.commands.info import SERVER_VERSION

AGGREGATED = "as=APIGroupDiscoveryList"
# an empty protobuf OpenAPI v2 document; the media type must not contain "@" (REAL-CLIENTS §5.6)
OPENAPI_V2_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"


class Sub(NamedTuple):
    """What a subresource answers with, when it is not the parent's own kind."""

    group: str | None  # None: the parent's group, version and kind
    version: str
    kind: str
    verbs: tuple[str, ...]


_GET_PATCH_UPDATE = ("get", "patch", "update")
# as kube-apiserver v1.34 lists them (kubectl get --raw /api/v1 | jq '.resources[]')
SUBRESOURCES: dict[str, Sub] = {
    "status": Sub(None, "", "", _GET_PATCH_UPDATE),
    "scale": Sub("autoscaling", "v1", "Scale", _GET_PATCH_UPDATE),
    "log": Sub("", "v1", "Pod", ("get",)),
    "binding": Sub("", "v1", "Binding", ("create",)),
    "eviction": Sub("policy", "v1", "Eviction", ("create",)),
    "exec": Sub("", "v1", "PodExecOptions", ("create", "get")),
    "attach": Sub("", "v1", "PodAttachOptions", ("create", "get")),
    "portforward": Sub("", "v1", "PodPortForwardOptions", ("create", "get")),
    "ephemeralcontainers": Sub(None, "", "", _GET_PATCH_UPDATE),
    "resize": Sub(None, "", "", _GET_PATCH_UPDATE),
    "finalize": Sub(None, "", "", ("update",)),
    "token": Sub("authentication.k8s.io", "v1", "TokenRequest", ("create",)),
}
_PROXY_VERBS = ("create", "delete", "get", "patch", "update")


def _sub(res: Resource, name: str) -> Sub:
    if name == "proxy":
        return Sub("", "v1", f"{res.kind}ProxyOptions", _PROXY_VERBS)
    sub = SUBRESOURCES[name]
    return Sub(res.group, res.version, res.kind, sub.verbs) if sub.group is None else sub


def version() -> dict:
    major, minor, _ = SERVER_VERSION.lstrip("v").split(".")
    return {
        "major": major,
        "minor": minor,
        "emulationMajor": major,
        "emulationMinor": minor,
        "minCompatibilityMajor": major,
        "minCompatibilityMinor": str(int(minor) - 1),
        "gitVersion": SERVER_VERSION,
        "gitCommit": "k8sedu",
        "gitTreeState": "clean",
        "buildDate": "2025-08-27T00:00:00Z",
        "goVersion": "go1.24.6",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def groups() -> list[tuple[str, str]]:
    """(group, version) pairs in registry order, the core group first."""
    seen: list[tuple[str, str]] = []
    for r in RESOURCES:
        if (r.group, r.version) not in seen:
            seen.append((r.group, r.version))
    return seen


def served(group: str, version: str) -> list[Resource]:
    return [r for r in RESOURCES if r.group == group and r.version == version]


# what kube-apiserver lists at / beside the API groups and the health checks (on a kind cluster)
_OTHER_PATHS = (
    "/.well-known/openid-configuration", "/api", "/apis", "/apis/", "/logs", "/metrics",
    "/metrics/slis", "/openapi/v2", "/openapi/v3", "/openapi/v3/", "/openid/v1/jwks", "/version",
)  # fmt: skip


def root_paths() -> dict:
    """``GET /``: ``metav1.RootPaths``, every listed path of the server's mux, sorted and without
    duplicates (``apiserver/pkg/server/routes/index.go``)."""
    paths = set(_OTHER_PATHS)
    for group, ver in groups():
        paths.update((f"/apis/{group}", f"/apis/{group}/{ver}") if group else (f"/api/{ver}",))
    for endpoint, checks in health.CHECKS.items():
        paths.update([f"/{endpoint}", *(f"/{endpoint}/{check}" for check in checks)])
    return {"paths": sorted(paths)}


def api_versions(server_address: str) -> dict:
    """``GET /api`` (legacy)."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def api_group_list() -> dict:
    """``GET /apis`` (legacy)."""
    items = []
    for group, ver in groups():
        if group:
            gv = {"groupVersion": f"{group}/{ver}", "version": ver}
            items.append({"name": group, "versions": [gv], "preferredVersion": gv})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": items}


def resource_list(group: str, version: str) -> dict | None:
    """``GET /api/v1`` or ``/apis/<group>/<version>``: an ``APIResourceList``, None if unserved."""
    resources = served(group, version)
    if not resources:
        return None
    entries = []
    for r in resources:
        entry = {
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": list(r.verbs),
        }
        if r.short_names:
            entry["shortNames"] = list(r.short_names)
        if r.categories:
            entry["categories"] = list(r.categories)
        entries.append(entry)
        for name in r.subresources:
            sub = _sub(r, name)
            item = {"name": f"{r.plural}/{name}", "singularName": "", "namespaced": r.namespaced}
            if (sub.group, sub.version) != (r.group, r.version):
                item.update(group=sub.group, version=sub.version)
            entries.append({**item, "kind": sub.kind, "verbs": list(sub.verbs)})
    group_version = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": entries,
    }


def aggregated(core: bool, discovery_version: str) -> dict:
    """``GET /api`` or ``/apis`` with the aggregated Accept: every group with its resources."""
    items = []
    for group, ver in groups():
        if bool(group) == core:
            continue
        metadata = (
            {"creationTimestamp": None} if core else {"name": group, "creationTimestamp": None}
        )
        resources = [_aggregated_resource(r) for r in served(group, ver)]
        items.append(
            {
                "metadata": metadata,
                "versions": [{"version": ver, "resources": resources, "freshness": "Current"}],
            }
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"apidiscovery.k8s.io/{discovery_version}",
        "metadata": {},
        "items": items,
    }


def _aggregated_resource(r: Resource) -> dict:
    entry: dict = {
        "resource": r.plural,
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": list(r.verbs),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    subs = []
    for name in r.subresources:
        sub = _sub(r, name)
        kind = {"group": sub.group, "version": sub.version, "kind": sub.kind}
        subs.append({"subresource": name, "responseKind": kind, "verbs": list(sub.verbs)})
    if subs:
        entry["subresources"] = subs
    return entry


def aggregated_version(accept: str) -> str | None:
    """``v2`` or ``v2beta1`` when the client asks for aggregated discovery (v2 preferred)."""
    if AGGREGATED not in accept:
        return None
    return "v2" if "v=v2;" in accept.replace(" ", "") + ";" else "v2beta1"


def answer(
    path: str, accept: str, server_address: str, cluster=None, query: dict | None = None
) -> tuple[int, str, bytes] | None:
    """(status, content type, body) for a discovery, OpenAPI or health path; None otherwise.
    Health paths are answered by ``k8sedu.apiserver.health`` on ``cluster``'s API server."""
    if cluster is not None:
        found = health.answer(cluster, path, query or {})
        if found is not None:
            return found
    if path in ("/", "/index.html"):  # index.go: WriteRawJSON indents with two spaces
        return 200, "application/json", json.dumps(root_paths(), indent=2).encode()
    if path == "/openapi/v2":
        return 200, OPENAPI_V2_TYPE, b""
    if path == "/version":
        return _json(version())
    if path in ("/api", "/apis"):
        wanted = aggregated_version(accept)
        if wanted is not None:
            body = aggregated(path == "/api", wanted)
            content_type = f"application/json;g=apidiscovery.k8s.io;v={wanted};{AGGREGATED}"
            return 200, content_type, json.dumps(body, separators=(",", ":")).encode()
        return _json(api_versions(server_address) if path == "/api" else api_group_list())
    parts = path.strip("/").split("/")
    if parts == ["api", "v1"]:
        return _json(resource_list("", "v1"))
    if len(parts) == 3 and parts[0] == "apis":
        found = resource_list(parts[1], parts[2])
        return _json(found) if found is not None else None
    return None


def _json(body: dict) -> tuple[int, str, bytes]:
    return 200, "application/json", json.dumps(body, separators=(",", ":")).encode()
