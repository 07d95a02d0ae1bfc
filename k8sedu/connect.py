"""``k8sedu.connect()``: the ``Cluster`` facade on a real cluster, through the official client.

A lesson's "now try it on a real cluster" cells run unchanged against kind, minikube or any
cluster a kubeconfig reaches: ``apply``, ``kubectl``, the ``api`` verbs (plain dicts in, plain
dicts out, k8sedu's exceptions with the server's Status), ``events``, and a ``timeline`` drawn
from polling. A real cluster keeps its own time and owns its machines, so what only a simulation
can do (``run``, ``fail_node``, ``snapshot`` …) raises ``NotSimulated`` saying so.
Simplified: ``kubectl()`` runs the real ``kubectl`` program; a watch handler runs on a
background thread (the client library's stream), not at a simulated instant.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace

from k8sedu import errors
from k8sedu.apiserver.client import Client
from k8sedu.apiserver.registry import Resource, resource
from k8sedu.apiserver.server import ListResult
from k8sedu.kubectl import Output
from k8sedu.kubectl.apply import apply_all
from k8sedu.kubectl.manifest import documents

INSTALL_HINT = "k8sedu.connect() needs the official Kubernetes client: pip install 'k8sedu[real]'"
PATCH_TYPES = {
    "strategic": "application/strategic-merge-patch+json",
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
}
ERRORS = {
    e.code: e
    for e in (errors.BadRequest, errors.Unauthorized, errors.Forbidden, errors.NotFound)
    + (errors.MethodNotAllowed, errors.Conflict, errors.Gone, errors.Invalid)
    + (errors.TooManyRequests, errors.ServiceUnavailable)
}
SIMULATION_ONLY = frozenset(
    {"run", "run_until", "fail_node", "recover_node", "add_node", "remove_node", "stop", "start"}
    | {"snapshot", "save", "serve", "request", "make_unhealthy", "kill_container"}
)


class NotSimulated(RuntimeError):
    """An operation only the simulator can do (moving time, failing machines, checkpoints)."""


def connect(kubeconfig: str | None = None, context: str | None = None) -> RealCluster:
    """The cluster of ``context`` in ``kubeconfig`` (default: ``$KUBECONFIG`` or ~/.kube/config)."""
    try:
        from kubernetes import config, dynamic
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    api_client = config.new_client_from_config(config_file=kubeconfig, context=context)
    contexts, active = config.list_kube_config_contexts(config_file=kubeconfig)
    chosen = next((c for c in contexts if c["name"] == context), active) if context else active
    namespace = (chosen.get("context") or {}).get("namespace") or "default"
    return RealCluster(dynamic.DynamicClient(api_client), kubeconfig, chosen["name"], namespace)


class RealCluster:
    """What a lesson uses of ``Cluster``, on a real cluster: ``api``, ``apply``, ``kubectl``,
    ``events``, ``now`` (wall seconds since connecting) and ``timeline``."""

    def __init__(self, dynamic_client, kubeconfig: str | None, context: str, namespace: str):
        self.api = RealClient(dynamic_client)
        self.kubeconfig = kubeconfig
        self.context = context
        self.kubectl_namespace = namespace  # where apply puts objects without a namespace
        self.epoch = datetime.now(UTC)
        self._started = time.monotonic()

    def __repr__(self) -> str:
        return f"<RealCluster context={self.context!r}>"

    def __getattr__(self, name: str):
        if name in SIMULATION_ONLY:
            raise NotSimulated(
                f"{name}() needs the simulator: a real cluster keeps its own time and owns its "
                f"machines. Run this cell on a k8sedu.Cluster instead."
            )
        raise AttributeError(f"'RealCluster' object has no attribute {name!r}")

    @property
    def now(self) -> float:
        return time.monotonic() - self._started

    def kubectl(self, command: str, timeout: float = 60) -> Output:
        """Run the real ``kubectl``: its stdout; a failure raises ``KubectlError`` (stderr).
        A command that does not end by itself (``get -w``) is stopped after ``timeout`` seconds."""
        program = shutil.which("kubectl")
        if program is None:
            raise NotSimulated("kubectl() on a real cluster runs the kubectl program: install it")
        argv = shlex.split(command)
        if argv and argv[0] == "kubectl":
            argv = argv[1:]
        options = ["--context", self.context]
        if self.kubeconfig:
            options += ["--kubeconfig", str(self.kubeconfig)]
        try:
            done = subprocess.run(
                [program, *options, *argv], capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as stopped:
            return Output(_text(stopped.stdout), _text(stopped.stderr), 0)
        if done.returncode != 0:
            raise errors.KubectlError(done.stderr.rstrip("\n"), done.returncode, done.stdout)
        return Output(done.stdout, done.stderr.rstrip("\n"), 0)

    def apply(self, manifest) -> list[str]:
        """``kubectl apply`` (client-side, as ``Cluster.apply``): kubectl's lines."""
        outcomes = apply_all(self, documents(manifest), self.kubectl_namespace)
        results = [o.line if o.error is None else o.error for o in outcomes]
        failures = [o.error for o in outcomes if o.error is not None]
        if failures:
            failures[0].results = results
            raise failures[0]
        return results

    @property
    def events(self) -> list[dict]:
        """core/v1 Events from every namespace, oldest first."""
        return sorted(self.api.list("events"), key=_event_order)

    def record(self, seconds: float = 60, interval: float = 2):
        """Poll pods, nodes, ReplicaSets, Deployments, HPAs and Events for ``seconds`` of wall
        time → a ``k8sedu.viz`` History (what ``record(cluster)`` gives on a simulation)."""
        from k8sedu.viz.history import WATCHED, History

        history = History(_Recorder(self))
        seen = _poll(self, WATCHED, {}, None)  # what History already read when it started
        deadline = time.monotonic() + seconds
        while time.monotonic() + interval <= deadline:
            time.sleep(interval)
            seen = _poll(self, WATCHED, seen, history)
        return history

    def timeline(self, seconds: float = 60, interval: float = 2, **options):
        """Record for ``seconds``, then draw ``k8sedu.viz.timeline`` of what changed."""
        from k8sedu.viz import timeline

        return timeline(self.record(seconds, interval), **options)


class RealClient:
    """The API verbs of ``k8sedu.apiserver.client.Client``, over HTTP to a real API server."""

    def __init__(self, dynamic_client) -> None:
        self.dynamic = dynamic_client

    def _request(self, method: str, path: str, body=None, content_type=None, **query):
        params = [(k, v) for k, v in query.items() if v is not None]
        try:
            return self.dynamic.request(
                method,
                path,
                body=body,
                query_params=params,
                content_type=content_type,
                serializer=_plain,
            )
        except Exception as error:
            status = getattr(error, "status", None)
            if status is None:
                raise
            raise _api_error(status, getattr(error, "body", "")) from None

    def create(self, resource_name: str, body: dict, namespace: str | None = None) -> dict:
        res, sub = _split(resource_name)
        meta = body.get("metadata") or {}
        ns = meta.get("namespace") or namespace or "default"
        if sub:
            return self._request("POST", _path(res, ns, meta.get("name"), sub), body)
        return self._request("POST", _path(res, ns), body)

    def get(self, resource_name: str, name: str, namespace: str = "default") -> dict:
        res, sub = _split(resource_name)
        return self._request("GET", _path(res, namespace, name, sub))

    def list(
        self,
        resource_name: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> ListResult:
        res = resource(resource_name)
        answer = self._request(
            "GET",
            _path(res, namespace),
            labelSelector=label_selector,
            fieldSelector=field_selector,
        )
        result = ListResult(answer.get("items") or [])
        result.resource_version = answer.get("metadata", {}).get("resourceVersion", "")
        return result

    def update(self, resource_name: str, body: dict, namespace: str | None = None) -> dict:
        res, sub = _split(resource_name)
        meta = body.get("metadata") or {}
        ns = meta.get("namespace") or namespace or "default"
        return self._request("PUT", _path(res, ns, meta.get("name", ""), sub), body)

    def patch(
        self,
        resource_name: str,
        name: str,
        patch: dict | list | str,
        namespace: str = "default",
        type: str = "strategic",
    ) -> dict:
        res, sub = _split(resource_name)
        if isinstance(patch, str):
            patch = json.loads(patch)
        path = _path(res, namespace, name, sub)
        return self._request("PATCH", path, patch, PATCH_TYPES[type])

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
        res = resource(resource_name)
        options = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if grace_period is not None:
            options["gracePeriodSeconds"] = grace_period
        if propagation_policy:
            options["propagationPolicy"] = propagation_policy
        if preconditions:
            options["preconditions"] = preconditions
        return self._request("DELETE", _path(res, namespace, name), options)

    def watch(
        self,
        resource_name: str,
        handler,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> RealWatch:
        """Call ``handler({"type", "object"})`` for each change, from a background thread;
        returns a handle with ``stop()``."""
        res = resource(resource_name)
        kind = self.dynamic.resources.get(api_version=res.api_version, kind=res.kind)
        query = {
            "namespace": namespace if res.namespaced else None,
            "label_selector": label_selector,
            "field_selector": field_selector,
        }
        return RealWatch(self.dynamic, kind, handler, query, resource_version)

    # the subresource helpers are the simulator client's own, over these verbs
    bind = Client.bind
    evict = Client.evict
    update_status = Client.update_status


class RealWatch:
    """A watch stream read on a daemon thread; it re-watches from the last resourceVersion when
    the server ends a stream, and stops when ``stop()`` is called or the handler raises."""

    RESTART_SECONDS = 30  # the length of one stream before it is renewed

    def __init__(self, dynamic_client, kind, handler, query: dict, resource_version) -> None:
        from kubernetes import watch

        self.dynamic = dynamic_client
        self.kind = kind
        self.handler = handler
        self.query = query
        self.resource_version = resource_version
        self.watcher = watch.Watch()
        self.stopped = False
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._run, name="k8sedu-real-watch", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while not self.stopped:
                for event in self.dynamic.watch(
                    self.kind,
                    resource_version=self.resource_version,
                    timeout=self.RESTART_SECONDS,
                    watcher=self.watcher,
                    **self.query,
                ):
                    if self.stopped:
                        return
                    obj = event["raw_object"]
                    self.resource_version = obj.get("metadata", {}).get("resourceVersion")
                    self.handler({"type": event["type"], "object": obj})
        except Exception as error:  # the stream broke, or the handler raised: keep it for .error
            if not self.stopped:
                self.error = error

    def stop(self) -> None:
        self.stopped = True
        self.watcher.stop()

    cancel = stop


# -- helpers ----------------------------------------------------------------------------------------


def _plain(_client, data):
    return data


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


def _split(resource_name: str) -> tuple[Resource, str]:
    plural, _, sub = resource_name.partition("/")
    return resource(plural), sub


def _path(res: Resource, namespace: str | None, name: str | None = None, sub: str = "") -> str:
    """The REST path: ``/apis/apps/v1/namespaces/default/deployments/web/scale``."""
    path = "/api/v1" if not res.group else f"/apis/{res.group}/{res.version}"
    if res.namespaced and namespace:
        path += f"/namespaces/{namespace}"
    path += f"/{res.plural}"
    if name:
        path += f"/{name}"
    return f"{path}/{sub}" if sub else path


def _api_error(code: int, body) -> errors.APIError:
    """The k8sedu exception for an error answer, with the server's message and details."""
    try:
        status = json.loads(body) if body else {}
    except ValueError:
        status = {}
    message = status.get("message") or _text(body) or f"HTTP {code}"
    cls = ERRORS.get(code, errors.InternalError)
    if code == 409 and status.get("reason") == "AlreadyExists":
        cls = errors.AlreadyExists
    return cls(message, details=status.get("details") or {})


def _event_order(event: dict) -> tuple:
    when = (
        event.get("lastTimestamp")
        or event.get("eventTime")
        or event["metadata"].get("creationTimestamp")
        or "1970-01-01T00:00:00Z"
    )
    return (datetime.fromisoformat(when), int(event["metadata"].get("resourceVersion") or 0))


class _Recorder:
    """What a ``History`` reads from a simulated cluster, answered from the real API: a clock,
    and an etcd-like ``range``; there is no ``watch``, since ``record`` polls instead."""

    def __init__(self, real: RealCluster) -> None:
        self.real = real
        self.etcd = self

    @property
    def now(self) -> float:
        return self.real.now

    def range(self, prefix: str) -> list:
        plural = _plural_of(prefix)
        return [
            SimpleNamespace(key=_key(plural, o), value=json.dumps(o))
            for o in self.real.api.list(plural)
        ]

    def watch(self, prefix: str, callback) -> SimpleNamespace:
        return SimpleNamespace(cancel=_nothing)


def _nothing() -> None:
    pass


def _plural_of(prefix: str) -> str:
    from k8sedu.apiserver.registry import RESOURCES

    return next(r.plural for r in RESOURCES if r.key_prefix + "/" == prefix)


def _key(plural: str, obj: dict) -> str:
    meta = obj["metadata"]
    return resource(plural).key(meta["name"], meta.get("namespace"))


def _poll(real: RealCluster, plurals, seen: dict[str, str], history) -> dict[str, str]:
    """List each resource and hand ``history`` (if any) etcd-like events for what changed since
    ``seen`` (key → resourceVersion); returns the new ``seen``."""
    now: dict[str, str] = {}
    for plural in plurals:
        for obj in real.api.list(plural):
            key = _key(plural, obj)
            now[key] = obj["metadata"].get("resourceVersion", "")
            if history is not None and seen.get(key) != now[key]:
                kv = SimpleNamespace(key=key, value=json.dumps(obj))
                history.on_event(SimpleNamespace(type="PUT", kv=kv))
    for key in sorted(seen.keys() - now.keys()):
        history.on_event(SimpleNamespace(type="DELETE", kv=SimpleNamespace(key=key, value="")))
    return now
