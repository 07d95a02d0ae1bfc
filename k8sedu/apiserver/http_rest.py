"""The Kubernetes REST API on the simulated API server: paths, verbs, Tables and Status errors.

Models kube-apiserver's resource handlers (``staging/src/k8s.io/apiserver/pkg/endpoints/handlers``:
``get.go``, ``create.go``, ``update.go``, ``patch.go``, ``delete.go``, ``watch.go``,
``rest.go``). Each HTTP request becomes one call of the same client verbs a notebook uses, as
the user ``kubernetes-admin``, and the audit trail records it under the calling program's name
(``kubectl``, ``OpenAPI-Generator`` …, from its User-Agent). ``handle`` runs under the serving
lock and returns bytes, or a stream that the HTTP layer pumps outside the lock.

Simplified: server-side apply (``application/apply-patch+yaml``) is an upsert merged like a
strategic merge patch (no ``managedFields``, no field-ownership conflicts); ``limit`` returns
every item (no ``continue``); ``dryRun`` is refused; watch bookmarks are never sent.
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from typing import Any

from k8sedu.apiserver import http_body, http_discovery, http_stream, printers, registry
from k8sedu.apiserver.client import Client
from k8sedu.apiserver.registry import Resource
from k8sedu.errors import (
    APIError,
    BadRequest,
    ConnectionRefused,
    InternalError,
    MethodNotAllowed,
    NotFound,
    ServiceUnavailable,
)
from k8sedu.kubectl.commands import logs
from k8sedu.kubectl.commands._common import Invocation

NO_ROUTE = "the server could not find the requested resource"
TABLE_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"
PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
}
# handlers/rest.go: the delete handler answers with the object only for these registries
# (ReturnDeletedObject); others answer a Status once the object is gone
RETURNS_DELETED = ("pods", "services")
TRUE = ("1", "t", "T", "TRUE", "true", "True")  # Go's strconv.ParseBool
STREAMING = ("exec", "attach", "portforward", "proxy")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    server_address: str = "127.0.0.1"


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    res: Resource
    namespace: str | None
    name: str | None
    sub: str


def handle(cluster, req: Request) -> Response | http_stream.Stream:
    """Answer one request on ``cluster`` (the caller holds the serving lock)."""
    path = req.path.rstrip("/") or "/"
    try:
        accept = req.headers.get("accept", "")
        meta = http_discovery.answer(path, accept, req.server_address, cluster, req.query)
        if meta is not None:
            if req.method not in ("GET", "HEAD"):
                raise MethodNotAllowed(
                    "the server does not allow this method on the requested resource"
                )
            return Response(meta[0], meta[2], meta[1])
        route = parse(path)
        if route is None:
            raise NotFound(NO_ROUTE, details={})
        verb = VERBS.get(req.method)
        if verb is None:
            raise MethodNotAllowed(
                "the server does not allow this method on the requested resource"
            )
        if req.query.get("dryRun"):
            raise BadRequest("k8sedu does not support dryRun requests")
        answer = verb(cluster, _client(cluster, req), route, req)
        if route.res.warning and isinstance(answer, Response):  # what kubectl prints as Warning:
            answer.headers["Warning"] = f'299 - "{route.res.warning}"'
        return answer
    except APIError as error:
        return status_response(error)
    except ConnectionRefused as error:  # the simulated kube-apiserver is stopped
        return status_response(ServiceUnavailable(str(error)))
    except Exception as error:  # a k8sedu bug: answer as kube-apiserver answers a panic
        traceback.print_exc()
        return status_response(InternalError(f"{type(error).__name__}: {error}"))


def parse(path: str) -> Route | None:
    """``/api/v1/namespaces/default/pods/web/log`` → Route(pods, "default", "web", "log")."""
    parts = path.strip("/").split("/")
    if parts[:2] == ["api", "v1"]:
        group, version, rest = "", "v1", parts[2:]
    elif parts[0] == "apis" and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    namespace = None
    # /api/v1/namespaces/NAME/status is the Namespace's own subresource, not a resource in it
    if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] not in ("status", "finalize"):
        namespace, rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        return None
    res = registry.BY_PLURAL.get(rest[0])
    if res is None or (res.group, res.version) != (group, version):
        return None
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else ""
    if (namespace and not res.namespaced) or (sub and sub not in res.subresources):
        return None
    if res.namespaced and name and namespace is None:
        return None
    return Route(res, namespace, name, sub)


def _client(cluster, req: Request) -> Client:
    agent = req.headers.get("user-agent", "").split("/")[0].strip()[:40] or "http"
    return Client(cluster, "kubernetes-admin", agent, ("kubeadm:cluster-admins",))


# -- responses ------------------------------------------------------------------------------------


def encode(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def json_response(obj: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(status, encode(obj), headers=dict(headers or {}))


def status_response(error: APIError) -> Response:
    return json_response(error.status(), error.code)


def wants_table(req: Request) -> bool:
    accept = req.headers.get("accept", "")
    return "as=Table" in accept and "g=meta.k8s.io" in accept


def table_response(cluster, req: Request, res: Resource, objs: list[dict], rv: str) -> Response:
    include = req.query.get("includeObject", "Metadata")
    table = printers.table(
        res.plural,
        objs,
        now=cluster.now,
        epoch=cluster.epoch,
        include_object=include,
        resource_version=rv,
    )
    return Response(200, encode(table), TABLE_TYPE)


# -- verbs ------------------------------------------------------------------------------------------


def get(cluster, client: Client, route: Route, req: Request):
    res, q = route.res, req.query
    if q.get("watch") in TRUE:
        return _watch(cluster, client, route, req)
    if route.name is None:
        items = client.list(
            res.plural,
            route.namespace,
            q.get("labelSelector") or None,
            q.get("fieldSelector") or None,
            shared=True,
        )
        rv = items.resource_version
        if wants_table(req):
            return table_response(cluster, req, res, items, rv)
        return json_response(
            {
                "kind": f"{res.kind}List",
                "apiVersion": res.api_version,
                "metadata": {"resourceVersion": rv},
                "items": items,
            }
        )
    if route.sub == "log":
        return pod_log(cluster, client, route.namespace, route.name, q)
    if route.sub in STREAMING:  # without an Upgrade header (http_upgrade.py serves those)
        raise BadRequest("Upgrade request required")
    obj = client.get(_target(route), route.name, route.namespace or "default")
    if wants_table(req) and not route.sub:
        return table_response(cluster, req, route.res, [obj], obj["metadata"]["resourceVersion"])
    return json_response(obj)


def _watch(cluster, client: Client, route: Route, req: Request) -> http_stream.Stream:
    q = req.query
    fields = q.get("fieldSelector") or None
    if route.name:  # the deprecated watch of one object: a watch on its name
        by_name = f"metadata.name={route.name}"
        fields = f"{fields},{by_name}" if fields else by_name
    timeout = float(q["timeoutSeconds"]) if q.get("timeoutSeconds") else None
    table = wants_table(req)
    stream = http_stream.WatchStream(
        cluster, route.res.plural, table, q.get("includeObject", "Metadata"), timeout
    )
    try:
        stream.watcher = client.watch(
            route.res.plural,
            stream.push,
            route.namespace,
            q.get("resourceVersion") or None,
            q.get("labelSelector") or None,
            fields,
            shared=True,
        )
    except APIError as error:
        if error.code != 410:
            raise
        stream.push({"type": "ERROR", "object": error.status()})
        stream.finish()
    return stream


def post(cluster, client: Client, route: Route, req: Request) -> Response:
    body, warnings = http_body.decode_body(route.res, req)
    if route.name is None:
        if route.res.namespaced and route.namespace is None:
            raise MethodNotAllowed(
                "the server does not allow this method on the requested resource"
            )
        created = client.create(route.res.plural, body, route.namespace)
        return json_response(created, 201, warnings)
    if route.sub not in ("binding", "eviction"):
        raise MethodNotAllowed("the server does not allow this method on the requested resource")
    body.setdefault("metadata", {}).setdefault("name", route.name)
    answer = client.create(f"{route.res.plural}/{route.sub}", body, route.namespace)
    return json_response(answer, 201)


def put(cluster, client: Client, route: Route, req: Request) -> Response:
    if route.name is None:
        raise MethodNotAllowed("the server does not allow this method on the requested resource")
    body, warnings = http_body.decode_body(route.res, req, route.sub)
    _check_identity(route, body)
    return json_response(client.update(_target(route), body, route.namespace), 200, warnings)


def patch(cluster, client: Client, route: Route, req: Request) -> Response:
    if route.name is None:
        raise MethodNotAllowed("the server does not allow this method on the requested resource")
    content_type = req.headers.get("content-type", "").split(";")[0].strip()
    kind = PATCH_TYPES.get(content_type)
    if kind is None:
        raise http_body.UnsupportedMediaType(
            f"the body of the request was in an unknown format - accepted media types include: "
            f"{', '.join(PATCH_TYPES)}"
        )
    if kind == "json":
        body, warnings = http_body.load(req), {}
    else:
        body, warnings = http_body.decode_body(route.res, req, route.sub)
    ns = route.namespace or "default"
    if kind != "apply":
        return json_response(
            client.patch(_target(route), route.name, body, ns, kind), 200, warnings
        )
    # server-side apply upserts: a missing object is created from the applied configuration
    _check_identity(route, body)
    try:
        client.get(route.res.plural, route.name, ns)
    except NotFound:
        if route.sub:
            raise
        return json_response(client.create(route.res.plural, body, route.namespace), 201, warnings)
    patched = client.patch(_target(route), route.name, body, ns, "strategic")
    return json_response(patched, 200, warnings)


def delete(cluster, client: Client, route: Route, req: Request) -> Response:
    options = http_body.load(req) if req.body.strip() else {}
    q = req.query
    grace = options.get("gracePeriodSeconds", q.get("gracePeriodSeconds"))
    policy = options.get("propagationPolicy") or q.get("propagationPolicy")
    if options.get("orphanDependents") is True or q.get("orphanDependents") in TRUE:
        policy = "Orphan"
    kwargs = {
        "grace_period": None if grace is None else int(grace),
        "propagation_policy": policy,
        "preconditions": options.get("preconditions"),
    }
    res = route.res
    if route.name is None:  # deletecollection: every matching object, answered as a list
        listed = client.list(
            res.plural, route.namespace, q.get("labelSelector"), q.get("fieldSelector")
        )
        items = [
            client.delete(
                res.plural, o["metadata"]["name"], o["metadata"].get("namespace"), **kwargs
            )
            for o in listed
        ]
        return json_response(
            {
                "kind": f"{res.kind}List",
                "apiVersion": res.api_version,
                "metadata": {},
                "items": items,
            }
        )
    if route.sub:
        raise MethodNotAllowed("the server does not allow this method on the requested resource")
    ns = route.namespace or "default"
    last = client.delete(res.plural, route.name, ns, **kwargs)
    # a graceful or finalized deletion leaves the object, with its deletionTimestamp
    if res.plural in RETURNS_DELETED or last["metadata"].get("deletionTimestamp"):
        return json_response(last)
    details = {"name": route.name, "group": res.group, "kind": res.plural}
    details["uid"] = last["metadata"].get("uid", "")
    return json_response(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": details,
        }
    )


def pod_log(cluster, client, namespace: str, name: str, query: dict[str, str]) -> Any:
    """``GET …/pods/NAME/log``: text/plain lines (``tailLines``, ``previous``, ``timestamps``,
    ``follow``), with the API server's errors (``pkg/registry/core/pod/strategy.go``)."""
    pod = client.get("pods", name, namespace)
    containers = [c["name"] for c in pod["spec"].get("containers", [])]
    container = query.get("container") or (containers[0] if len(containers) == 1 else "")
    if not container:
        raise BadRequest(
            f"a container name must be specified for pod {name}, choose one of: "
            f"[{' '.join(containers)}]"
        )
    inv = Invocation(cluster, {}, [])
    _, slot = logs.kubelet_slot(inv, pod, container)
    previous = query.get("previous") in TRUE
    run = slot.previous if previous else slot.current
    if run is None:
        if previous:
            raise BadRequest(
                f'previous terminated container "{container}" in pod "{name}" not found'
            )
        raise BadRequest(logs._waiting(pod, container))
    timestamps = query.get("timestamps") in TRUE
    lines = http_stream.log_lines(cluster, run, timestamps)
    tail = int(query["tailLines"]) if query.get("tailLines") else None
    shown = lines if tail is None else lines[max(0, len(lines) - tail) :]
    if query.get("follow") in TRUE and run.running:
        stream = http_stream.LogStream(cluster, run, timestamps, len(lines))
        stream.send("".join(shown).encode())
        return stream
    return Response(200, "".join(shown).encode(), "text/plain")


VERBS = {"GET": get, "HEAD": get, "POST": post, "PUT": put, "PATCH": patch, "DELETE": delete}


def _target(route: Route) -> str:
    return f"{route.res.plural}/{route.sub}" if route.sub else route.res.plural


def _check_identity(route: Route, body: dict) -> None:
    """``checkName`` in handlers/rest.go: the body must name the object of the URL."""
    meta = body.setdefault("metadata", {})
    name = meta.get("name", "")
    if name != route.name:
        raise BadRequest(
            f"the name of the object ({name}) does not match the name on the URL ({route.name})"
        )
    if route.namespace is not None:
        if meta.get("namespace", route.namespace) != route.namespace:
            raise BadRequest(
                "the namespace of the provided object does not match the namespace sent on the request"
            )
        meta["namespace"] = route.namespace
