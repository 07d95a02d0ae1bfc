"""A client of the API server, with an identity (DESIGN decision 2).

``cluster.api`` is ``kubernetes-admin``; the scheduler's client is ``system:kube-scheduler``; a
kubelet's is ``system:node:node-1``. Every request is written to the audit trail (part of the
trace) under the client's component name, with the user and the response code. When the API
server is stopped, requests fail as real clients do: the connection is refused.

Resources are plural lower-case names; subresources are addressed like RBAC does:
``"pods/status"``, ``"pods/binding"``, ``"pods/eviction"``, ``"deployments/scale"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from k8sedu.apiserver import patch as patches
from k8sedu.apiserver import subresources
from k8sedu.apiserver.registry import resource
from k8sedu.apiserver.server import ListResult
from k8sedu.errors import APIError, BadRequest, ConnectionRefused, InternalError, MethodNotAllowed

OK = {
    "create": 201,
    "get": 200,
    "list": 200,
    "update": 200,
    "patch": 200,
    "delete": 200,
    "watch": 200,
}


class Client:
    """The API verbs, as one user. Objects handed out are copies unless ``shared=True``
    (informers share one read-only object per revision: DESIGN decision 3)."""

    def __init__(self, cluster, user: str, component: str, groups: tuple[str, ...] = ()) -> None:
        self.cluster = cluster
        self.user = user
        self.component = component
        self.user_info = {"username": user, "groups": list(groups) + ["system:authenticated"]}

    def __repr__(self) -> str:
        return f"<Client {self.user}>"

    @property
    def admission(self):
        """The API server's admission chain: ``cluster.api.admission.register(name, ...)``."""
        balancer = self.cluster.api_load_balancer
        return self.cluster.apiserver.admission if balancer is None else balancer.admission

    # -- plumbing -----------------------------------------------------------------------------

    def _server(self):
        balancer = self.cluster.api_load_balancer
        if balancer is not None:  # HA: a healthy API server behind the load balancer (k8sedu/ha.py)
            server = balancer.pick(self)
            server.sync()
            return server
        server = self.cluster.apiserver
        if server is None or not server.running:
            raise ConnectionRefused(self.cluster.apiserver_host)
        if not self.cluster.components["etcd"].running:
            # kube-apiserver answers while its etcd is gone, but every request times out
            raise InternalError("etcdserver: request timed out")
        server.sync()
        return server

    def _audit(self, verb: str, resource_name: str, key: str, code: int) -> None:
        self.cluster.trace.record(
            self.cluster.sim.now,
            self.component,
            verb,
            resource_name,
            key,
            {"user": self.user, "code": code},
        )

    def _call(self, verb: str, resource_name: str, key: str, fn: Callable, *args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except APIError as error:
            self._audit(verb, resource_name, key, error.code)
            raise
        if verb == "create" and (not key or key.endswith("/")):
            # generateName: the trace names the object the server made
            key += (result.get("metadata") or {}).get("name", "")
        self._audit(verb, resource_name, key, OK[verb])
        return result

    # -- verbs --------------------------------------------------------------------------------

    def create(self, resource_name: str, body: dict, namespace: str | None = None) -> dict:
        server = self._server()
        plural, sub = _split(resource_name)
        res = resource(plural)
        meta = body.get("metadata") or {} if isinstance(body, dict) else {}
        ns = (meta.get("namespace") or namespace or "default") if res.namespaced else None
        key = _key(ns, meta.get("name") or "")
        if sub == "binding":
            return self._call(
                "create", resource_name, key, subresources.bind, server, res, body, ns
            )
        if sub == "eviction":
            return self._call(
                "create",
                resource_name,
                key,
                subresources.evict,
                server,
                res,
                body,
                ns,
                self.user_info,
            )
        if sub:
            raise MethodNotAllowed(
                "the server does not allow this method on the requested resource"
            )
        return self._call(
            "create", resource_name, key, server.create, res, body, ns, self.user_info
        )

    def get(self, resource_name: str, name: str, namespace: str = "default") -> dict:
        server = self._server()
        plural, sub = _split(resource_name)
        res = resource(plural)
        ns = namespace if res.namespaced else None
        key = _key(ns, name)
        obj = self._call("get", resource_name, key, server.get, res, name, ns)
        if sub == "scale":
            return subresources.scale_of(res, obj)
        return obj

    def list(
        self,
        resource_name: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        *,
        shared: bool = False,
    ) -> ListResult:
        server = self._server()
        res = resource(resource_name)
        ns = namespace if res.namespaced else None
        return self._call(
            "list",
            resource_name,
            ns or "",
            server.list,
            res,
            ns,
            label_selector,
            field_selector,
            copy=not shared,
        )

    def update(self, resource_name: str, body: dict, namespace: str | None = None) -> dict:
        server = self._server()
        plural, sub = _split(resource_name)
        res = resource(plural)
        meta = (body.get("metadata") or {}) if isinstance(body, dict) else {}
        ns = (meta.get("namespace") or namespace or "default") if res.namespaced else None
        key = _key(ns, meta.get("name", ""))
        if sub == "scale":
            return self._call(
                "update",
                resource_name,
                key,
                subresources.update_scale,
                server,
                res,
                body,
                ns,
                self.user_info,
            )
        if sub == "finalize":
            return self._call(
                "update",
                resource_name,
                key,
                subresources.finalize_namespace,
                server,
                res,
                body,
                self.user_info,
            )
        return self._call(
            "update", resource_name, key, server.update, res, body, ns, self.user_info, sub
        )

    def patch(
        self,
        resource_name: str,
        name: str,
        patch: dict | list | str,
        namespace: str = "default",
        type: str = "strategic",
    ) -> dict:
        server = self._server()
        plural, sub = _split(resource_name)
        res = resource(plural)
        ns = namespace if res.namespaced else None
        key = _key(ns, name)

        def apply() -> dict:
            current = server.get(res, name, ns)
            base = subresources.scale_of(res, current) if sub == "scale" else current
            patched = apply_patch(base, patch, type, res.kind)
            if sub == "scale":
                return subresources.update_scale(server, res, patched, ns, self.user_info)
            if not patched.get("metadata", {}).get("resourceVersion"):
                patched.setdefault("metadata", {})["resourceVersion"] = current["metadata"][
                    "resourceVersion"
                ]
            return server.update(res, patched, ns, self.user_info, sub)

        return self._call("patch", resource_name, key, apply)

    def delete(
        self,
        resource_name: str,
        name: str,
        namespace: str = "default",
        *,
        grace_period: int | None = None,
        propagation_policy: str | None = None,
        preconditions: dict | None = None,
    ) -> dict:
        server = self._server()
        res = resource(resource_name)
        ns = namespace if res.namespaced else None
        return self._call(
            "delete",
            resource_name,
            _key(ns, name),
            server.delete,
            res,
            name,
            ns,
            self.user_info,
            grace_period,
            propagation_policy,
            preconditions,
        )

    def watch(
        self,
        resource_name: str,
        handler: Callable[[dict], object],
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        *,
        shared: bool = False,
        on_close: Callable[[], object] | None = None,
    ):
        """Call ``handler({"type", "object"})`` for every change as the simulation runs; returns a
        handle with ``stop()``. ``on_close()`` runs if the API server ends the watch (it stopped),
        as a real client sees its connection close."""
        server = self._server()
        res = resource(resource_name)
        return self._call(
            "watch",
            resource_name,
            namespace or "",
            server.watch,
            res,
            handler,
            namespace,
            resource_version,
            label_selector,
            field_selector,
            copies=not shared,
            component=self.component,
            on_close=on_close,
        )

    # -- helpers over subresources -------------------------------------------------------------

    def bind(self, pod: str, node: str, namespace: str = "default") -> dict:
        body = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": pod, "namespace": namespace},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node},
        }
        return self.create("pods/binding", body, namespace)

    def evict(self, pod: str, namespace: str = "default", grace_period: int | None = None) -> dict:
        body = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": pod, "namespace": namespace},
        }
        if grace_period is not None:
            body["deleteOptions"] = {"gracePeriodSeconds": grace_period}
        return self.create("pods/eviction", body, namespace)

    def update_status(self, resource_name: str, body: dict) -> dict:
        return self.update(f"{resource_name}/status", body)


def apply_patch(obj: dict, patch: dict | list | str, type: str, kind: str) -> dict:
    if isinstance(patch, str | bytes):
        try:
            patch = json.loads(patch)
        except ValueError as e:
            raise BadRequest(f"error decoding patch: {e}") from None
    if type == "json":
        return patches.json_patch(obj, patch)
    if type == "merge":
        return patches.merge_patch(obj, patch)
    if type == "strategic":
        return patches.strategic_merge_patch(obj, patch, kind)
    raise BadRequest(f"unknown patch type {type!r}: use strategic, merge or json")


def _split(resource_name: str) -> tuple[str, str]:
    plural, _, sub = resource_name.partition("/")
    return plural, sub


def _key(namespace: str | None, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name
