"""kube-apiserver: the only door to etcd.

Every request goes through the same steps as in the real server
(``staging/src/k8s.io/apiserver/pkg/endpoints/handlers`` and ``pkg/registry/generic/registry/store.go``):
strict decode → defaulting → mutating admission → server-owned fields → validation → validating
admission → an etcd transaction that checks the resourceVersion → watch cache → watchers.
A failure at any step leaves nothing behind. ``resourceVersion`` is the etcd ``mod_revision``.

Simplified: no authentication or RBAC (every user may do everything), no API latency, one
storage version per kind, and no server-side apply.
"""

from __future__ import annotations

from k8sedu import objects
from k8sedu.apiserver import defaults, schema, strategy, validation
from k8sedu.apiserver.admission import Admission
from k8sedu.apiserver.allocator import AllocationError, Allocator
from k8sedu.apiserver.registry import Resource, resource
from k8sedu.apiserver.storage import WatchCache, decode, encode
from k8sedu.apiserver.watch import Watcher, Watchers
from k8sedu.component import Component
from k8sedu.errors import BadRequest, already_exists, conflict, invalid, not_found

COMPACTION_INTERVAL = 300  # --etcd-compaction-interval (storagebackend/config.go)
EVENT_TTL = 3600  # --event-ttl
LEASE_REUSE = 60  # --lease-reuse-duration-seconds: events share one etcd lease per minute


class ListResult(list):
    """A list of objects with the list's ``resource_version`` (the store revision)."""

    resource_version: str = ""


class APIServer(Component):
    name = "kube-apiserver"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.etcd = cluster.etcd
        self.trace = cluster.trace
        self.admission = Admission(self)
        self.allocator = Allocator(cluster.sim.rng("apiserver/allocator"))
        self.watchers = Watchers(cluster.sim, cluster.trace)
        self.cache: WatchCache | None = None
        self._last_compact = 0
        self._event_lease: tuple[int, int] | None = None  # (lease id, minute it was granted)

    def on_start(self) -> None:
        self.cache = WatchCache(self.etcd)
        self.allocator.rebuild([e.object for e in self.cache.objects["services"].values()])
        self._last_compact = self.etcd.revision
        self.every(COMPACTION_INTERVAL, self.compact)

    def on_stop(self) -> None:
        self.watchers.stop_all()
        self.cache = None
        self._event_lease = None

    def compact(self) -> None:
        """Compact etcd at the revision seen one interval ago, as kube-apiserver does every 5 min."""
        target, self._last_compact = self._last_compact, self.etcd.revision
        if target > self.etcd.compacted_revision:
            self.etcd.compact(target)
            self.cache.compacted(target)
            self.trace.record(self.sim.now, self.name, "compact", "etcd", "", target)

    def sync(self) -> None:
        """Catch the watch cache up with etcd (writes made straight to etcd) before a request."""
        for change in self.cache.catch_up():
            self.watchers.publish(change)

    # -- reads ------------------------------------------------------------------------------

    def get(self, res: Resource, name: str, namespace: str | None, *, copy: bool = True) -> dict:
        entry = self.cache.get(res.plural, self._key(res, name, namespace))
        if entry is None:
            raise not_found(res.plural, res.group, name)
        return (
            decode(entry.data, int(entry.object["metadata"]["resourceVersion"]))
            if copy
            else entry.object
        )

    def list(
        self,
        res: Resource,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        *,
        copy: bool = True,
    ) -> ListResult:
        labels, fields = parse_selectors(res, label_selector, field_selector)
        result = ListResult()
        for _, entry in self.cache.entries(res, namespace):
            obj = entry.object
            if labels is not None and not labels.matches(obj["metadata"].get("labels")):
                continue
            if fields is not None and not objects.field_matches(res.plural, obj, fields):
                continue
            result.append(
                decode(entry.data, int(obj["metadata"]["resourceVersion"])) if copy else obj
            )
        result.resource_version = str(self.cache.revision)
        return result

    def watch(
        self,
        res: Resource,
        handler,
        namespace: str | None,
        resource_version: str | None,
        label_selector: str | None,
        field_selector: str | None,
        *,
        copies: bool,
        component: str,
        on_close=None,
    ) -> Watcher:
        """Open a watch. No resourceVersion (or "0"): synthetic ADDED events for what exists, then
        changes; a resourceVersion: every change after it, or ``Gone`` if compacted away.
        ``on_close()`` is scheduled if the server ends the watch (it stops)."""
        labels, fields = parse_selectors(res, label_selector, field_selector)
        ns = namespace if res.namespaced else None
        watcher = Watcher(
            self, res.plural, handler, ns, labels, fields, copies, component, on_close
        )
        if resource_version in (None, "", "0"):
            backlog = [
                {"type": "ADDED", "object": e.object}
                for _, e in self.cache.entries(res, ns)
                if watcher.matches(e.object)
            ]
        else:
            try:
                start = int(resource_version)
            except ValueError:
                raise BadRequest(
                    f'invalid resource version: strconv.ParseUint: parsing "{resource_version}": invalid syntax'
                ) from None
            backlog = []
            for change in self.cache.changes_after(start):
                if change.resource == res.plural:
                    event = watcher.event_for(change)
                    if event is not None:
                        backlog.append(event)
        self.watchers.add(watcher)
        if backlog:
            self.watchers.replay(watcher, backlog)
        return watcher

    # -- writes -----------------------------------------------------------------------------

    def create(
        self, res: Resource, body: dict, namespace: str | None, user: dict, sub: str = ""
    ) -> dict:
        obj = self._decode_body(res, body)
        meta = obj.setdefault("metadata", {})
        if res.namespaced:
            ns = meta.get("namespace") or namespace or "default"
            if namespace and meta.get("namespace") and meta["namespace"] != namespace:
                raise BadRequest(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
            ns = None
        for field in strategy.SYSTEM_METADATA:
            meta.pop(field, None)
        defaults.apply_defaults(res.plural, obj)
        request = self._review(res, "CREATE", obj, None, user, sub)
        self.admission.run_mutating(request)
        obj = request["object"]
        meta = obj["metadata"]
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = objects.generate_name(
                meta["generateName"], self.sim.rng("apiserver/names")
            )
        meta["uid"] = objects.new_uid(self.sim.rng("apiserver/uid"))
        meta["creationTimestamp"] = self.cluster.timestamp()
        strategy.prepare_create(res.plural, obj)
        if res.plural == "jobs":
            defaults.default_job_selector(obj)
        if res.plural == "services":
            self._allocate(obj)  # the service registry's BeginCreate runs before validation
        try:
            self._validate(res, obj, None)
            request["name"] = meta.get("name", "")
            self.admission.run_validating(request)
            return self._store_new(res, obj, ns)
        except Exception:
            if res.plural == "services":
                self.allocator.release(obj)
            raise

    def _store_new(self, res: Resource, obj: dict, ns: str | None) -> dict:
        name = obj["metadata"]["name"]
        key = res.key(name, ns)
        data = encode(obj)
        lease = self._event_lease_id() if res.plural == "events" else None
        put = ("put", key, data, lease) if lease else ("put", key, data)
        ok, _ = self.etcd.txn([(key, "create_revision", "==", 0)], [put], [])
        if not ok:
            raise already_exists(res.plural, res.group, name)
        return self._committed(res, self._key(res, name, ns), obj, data, None)

    def update(
        self, res: Resource, body: dict, namespace: str | None, user: dict, sub: str = ""
    ) -> dict:
        obj = self._decode_body(res, body)
        meta = obj.setdefault("metadata", {})
        name = meta.get("name") or ""
        ns = (meta.get("namespace") or namespace or "default") if res.namespaced else None
        if res.namespaced:
            meta["namespace"] = ns
        entry = self.cache.get(res.plural, self._key(res, name, ns))
        if entry is None:
            raise not_found(res.plural, res.group, name)
        current = entry.object
        rv = meta.get("resourceVersion")
        if rv and rv != current["metadata"]["resourceVersion"]:
            raise conflict(res.plural, res.group, name)
        if not rv:  # AllowUnconditionalUpdate: an update without resourceVersion is last-write-wins
            meta["resourceVersion"] = current["metadata"]["resourceVersion"]
        if sub == "status":  # the result shares the stored spec: built from a fresh copy
            old = decode(entry.data, int(current["metadata"]["resourceVersion"]))
            obj = strategy.prepare_status_update(res.plural, obj, old)
        else:
            defaults.apply_defaults(res.plural, obj)
        request = self._review(res, "UPDATE", obj, current, user, sub)
        self.admission.run_mutating(request)
        obj = request["object"]
        if sub != "status":
            # after the mutating plugins: the kept status may be the (read-only) stored one
            strategy.prepare_update(res.plural, res.status_subresource, obj, current)
        self._validate(res, obj, current)
        self.admission.run_validating(request)
        return self._store_update(res, obj, entry)

    def _store_update(self, res: Resource, obj: dict, entry) -> dict:
        """Write an updated object if it changed; delete it if it is deleted and unfinalized."""
        meta = obj["metadata"]
        current = entry.object
        if (
            meta.get("deletionTimestamp")
            and not meta.get("deletionGracePeriodSeconds")
            and not meta.get("finalizers")
            and not _namespace_finalizers(res, obj)
        ):  # the last finalizer is gone and no grace period runs: delete for real
            return self._remove(res, current)
        data = encode(obj)
        if data == entry.data:
            return decode(entry.data, int(current["metadata"]["resourceVersion"]))
        key = res.key(meta["name"], meta.get("namespace"))
        ok, _ = self.etcd.txn(
            [(key, "mod_revision", "==", int(current["metadata"]["resourceVersion"]))],
            [("put", key, data)],
            [],
        )
        if not ok:
            raise conflict(res.plural, res.group, meta["name"])
        return self._committed(
            res, self._key(res, meta["name"], meta.get("namespace")), obj, data, current
        )

    def _committed(self, res: Resource, key: str, obj: dict, data: str, old: dict | None) -> dict:
        revision = self.etcd.revision
        obj["metadata"]["resourceVersion"] = str(revision)
        change = self.cache.put(res.plural, key, obj, data, revision, old)
        self.watchers.publish(change)
        return decode(data, revision)

    def delete(
        self,
        res: Resource,
        name: str,
        namespace: str | None,
        user: dict,
        grace_period: int | None = None,
        propagation_policy: str | None = None,
        preconditions: dict | None = None,
    ) -> dict:
        ns = namespace if res.namespaced else None
        entry = self.cache.get(res.plural, self._key(res, name, ns))
        if entry is None:
            raise not_found(res.plural, res.group, name)
        current = entry.object
        meta = current["metadata"]
        for field in ("uid", "resourceVersion"):
            if (
                preconditions
                and preconditions.get(field)
                and preconditions[field] != meta.get(field)
            ):
                raise conflict(
                    res.plural,
                    res.group,
                    name,
                    f"Precondition failed: {field.upper() if field == 'uid' else 'ResourceVersion'} in precondition: "
                    f"{preconditions[field]}, {field.upper() if field == 'uid' else 'ResourceVersion'} in object meta: {meta.get(field)}",
                )
        request = self._review(res, "DELETE", None, current, user, "")
        request["name"] = name
        self.admission.run_validating(request)
        obj = decode(entry.data, int(meta["resourceVersion"]))
        new_meta = obj["metadata"]
        finalizers = list(new_meta.get("finalizers") or [])
        if propagation_policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        elif propagation_policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        grace = self._grace(res, obj, grace_period)
        if grace == 0 and not finalizers and not _namespace_finalizers(res, obj):
            return self._remove(res, current)
        if not new_meta.get("deletionTimestamp") or (
            grace is not None and grace < (new_meta.get("deletionGracePeriodSeconds") or 0)
        ):
            new_meta["deletionTimestamp"] = self.cluster.timestamp(grace or 0)
            new_meta["deletionGracePeriodSeconds"] = grace or 0
        if finalizers:
            new_meta["finalizers"] = finalizers
        if res.plural == "namespaces":
            obj.setdefault("status", {})["phase"] = "Terminating"
        return (
            self._store_update(res, obj, entry)
            if grace or finalizers or _namespace_finalizers(res, obj)
            else self._remove(res, current)
        )

    def _grace(self, res: Resource, pod: dict, requested: int | None) -> int:
        """Graceful deletion applies to bound, non-terminal pods only (``CheckGracefulDelete``)."""
        if res.plural != "pods":
            return 0
        spec = pod.get("spec", {})
        if not spec.get("nodeName") or pod.get("status", {}).get("phase") in (
            "Succeeded",
            "Failed",
        ):
            return 0
        if requested is not None:
            return max(0, int(requested))
        return int(spec.get("terminationGracePeriodSeconds", 30))

    def _remove(self, res: Resource, current: dict) -> dict:
        meta = current["metadata"]
        key = res.key(meta["name"], meta.get("namespace"))
        ok, _ = self.etcd.txn(
            [(key, "mod_revision", "==", int(meta["resourceVersion"]))], [("delete", key)], []
        )
        if not ok:
            raise conflict(res.plural, res.group, meta["name"])
        change = self.cache.remove(
            res.plural, self._key(res, meta["name"], meta.get("namespace")), self.etcd.revision
        )
        if res.plural == "services":
            self.allocator.release(current)
        self.watchers.publish(change)
        return objects.clone(change.object)

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _key(res: Resource, name: str, namespace: str | None) -> str:
        return f"{namespace}/{name}" if res.namespaced else name

    def _decode_body(self, res: Resource, body: dict) -> dict:
        if not isinstance(body, dict):
            raise BadRequest(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml"
            )
        obj = objects.clone(body)
        kind, api_version = obj.get("kind"), obj.get("apiVersion")
        if kind is None and api_version is None:
            obj["kind"], obj["apiVersion"] = res.kind, res.api_version
        elif kind != res.kind or api_version != res.api_version:
            raise BadRequest(
                f"the API version in the data ({api_version}) does not match the expected API version ({res.api_version})"
                if kind == res.kind
                else f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}: '
                f'no kind "{kind}" is registered for version "{api_version}"'
            )
        schema.strict_decode(res.kind, obj)
        return obj

    def _validate(self, res: Resource, obj: dict, old: dict | None) -> None:
        errors = validation.validate(res.plural, obj, old)
        if errors:
            raise invalid(res.kind, res.group, obj["metadata"].get("name", ""), errors)

    def _allocate(self, svc: dict) -> None:
        spec = svc.setdefault("spec", {})
        if spec.get("clusterIP") and not spec.get("clusterIPs"):  # NormalizeClusterIPs on create
            spec["clusterIPs"] = [spec["clusterIP"]]  # (pkg/registry/core/service/strategy.go)
        taken: list[dict] = []
        try:
            if spec.get("type") != "ExternalName" and spec.get("clusterIP") != "None":
                ip = self.allocator.allocate_ip(spec.get("clusterIP"))
                spec["clusterIP"] = ip
                spec["clusterIPs"] = [ip]
                taken.append({"spec": {"clusterIP": ip}})
            if spec.get("type") in ("NodePort", "LoadBalancer"):
                for i, port in enumerate(spec.get("ports") or []):
                    port["nodePort"] = self.allocator.allocate_port(port.get("nodePort"), i)
                    taken.append({"spec": {"ports": [{"nodePort": port["nodePort"]}]}})
        except AllocationError as e:
            for t in taken:
                self.allocator.release(t)
            raise invalid("Service", "", svc["metadata"].get("name", ""), e.errors) from None

    def _review(
        self, res: Resource, op: str, obj: dict | None, old: dict | None, user: dict, sub: str
    ) -> dict:
        meta = (obj or old)["metadata"]
        return {
            "uid": "",
            "kind": {"group": res.group, "version": res.version, "kind": res.kind},
            "resource": {"group": res.group, "version": res.version, "resource": res.plural},
            "subResource": sub,
            "name": meta.get("name", ""),
            "namespace": meta.get("namespace", ""),
            "operation": op,
            "userInfo": user,
            "object": obj,
            "oldObject": old,
            "dryRun": False,
        }

    def _event_lease_id(self) -> int:
        minute = self.sim.now_ns // (LEASE_REUSE * 1_000_000_000)
        if self._event_lease is None or self._event_lease[1] != minute:
            self._event_lease = (self.etcd.grant(EVENT_TTL + LEASE_REUSE), minute)
        return self._event_lease[0]


def _namespace_finalizers(res: Resource, obj: dict) -> bool:
    return res.plural == "namespaces" and bool(obj.get("spec", {}).get("finalizers"))


def parse_selectors(res: Resource, label_selector: str | None, field_selector: str | None):
    try:
        labels = objects.parse_selector(label_selector) if label_selector else None
    except ValueError as e:
        raise BadRequest(
            f"unable to parse requirement: {e}" if "unable to parse" not in str(e) else str(e)
        ) from None
    fields = objects.parse_field_selector(field_selector) if field_selector else None
    if fields:
        objects.check_field_selector(res.plural, fields)
    return labels, fields


__all__ = ["APIServer", "ListResult", "resource"]
