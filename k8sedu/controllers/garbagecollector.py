"""The garbage collector: deletes objects whose owners are gone, in the three propagation modes.

Models ``pkg/controller/garbagecollector`` (``garbagecollector.go``, ``graph_builder.go``). Every
object may list owners in ``metadata.ownerReferences``; the collector watches the kinds that own
or are owned and keeps an owner-uid → dependents index (an informer index, instead of the real
in-memory graph). What happens when an owner is deleted depends on the propagation policy:

* **Background** (the default): the owner goes at once; then each dependent whose owners are all
  gone is deleted. An owner is "gone" only after a live GET confirms it (not found, or a new
  object with another uid), as the real collector verifies absent owners.
* **Foreground**: the API server marks the owner (``deletionTimestamp`` + the
  ``foregroundDeletion`` finalizer); the collector deletes its dependents, and removes the
  finalizer once no dependent with ``blockOwnerDeletion: true`` remains — then the owner goes.
* **Orphan**: the owner carries the ``orphan`` finalizer; the collector removes the owner's
  ownerReference from each dependent, then the finalizer.

A dependent with another live owner stays; only its references to gone owners are removed.

Simplified: one queue and one ``reconcile`` instead of the attemptToDelete / attemptToOrphan
queues; no absent-owner cache; no cycle detection between foreground deletions; an owner of a kind
the registry does not know counts as present.
"""

from __future__ import annotations

from k8sedu.apiserver.registry import RESOURCES, Resource, for_kind, resource
from k8sedu.client.controller import Controller
from k8sedu.client.informer import index_by_owner_uid, index_by_uid, key_of, split_key
from k8sedu.errors import NotFound

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"

# like the real one: every resource that can be deleted, except events (and bindings, a verb)
MONITORED = tuple(r.plural for r in RESOURCES if r.plural not in ("events", "bindings"))
INDEXERS = {"uid": index_by_uid, "owner-uid": index_by_owner_uid}


def _deleting(obj: dict, finalizer: str) -> bool:
    meta = obj["metadata"]
    return bool(meta.get("deletionTimestamp")) and finalizer in (meta.get("finalizers") or ())


class GarbageCollector(Controller):
    service_account = "generic-garbage-collector"
    event_component = "garbage-collector-controller"

    def setup(self) -> None:
        for plural in MONITORED:
            informer = self.handle(plural, self.on_add, self.on_update, self.on_delete)
            informer.add_indexers(INDEXERS)

    # -- keys are "<resource>/<namespace>/<name>" ----------------------------------------------

    def _key(self, obj: dict) -> str:
        return f"{for_kind(obj['kind']).plural}/{key_of(obj)}"

    def _cached_owner(self, ref: dict) -> dict | None:
        """The owner an ownerReference names, if the cache has it with that uid."""
        res = for_kind(ref.get("kind", ""))
        if res is None or res.plural not in MONITORED:
            return None
        found = self.informer(res.plural).by_index("uid", ref["uid"])
        return found[0] if found else None

    def dependents(self, owner: dict) -> list[dict]:
        """Every cached object that lists ``owner`` (by uid) among its owners."""
        uid = owner["metadata"]["uid"]
        result: list[dict] = []
        for plural in MONITORED:
            result.extend(self.informer(plural).by_index("owner-uid", uid))
        return result

    # -- event handlers (graph_builder.go: processGraphChanges) --------------------------------

    def on_add(self, obj: dict) -> None:
        refs = obj["metadata"].get("ownerReferences") or ()
        # only objects that need a look: being deleted, or an owner missing or being deleted
        if (
            _deleting(obj, FOREGROUND)
            or _deleting(obj, ORPHAN)
            or any(map(self._needs_check, refs))
        ):
            self.queue.add(self._key(obj))

    def _needs_check(self, ref: dict) -> bool:
        owner = self._cached_owner(ref)
        return owner is None or _deleting(owner, FOREGROUND)

    def on_update(self, old: dict, new: dict) -> None:
        if _deleting(new, FOREGROUND) or _deleting(new, ORPHAN):
            self.queue.add(self._key(new))
        old_refs = old["metadata"].get("ownerReferences") or []
        new_refs = new["metadata"].get("ownerReferences") or []
        if old_refs != new_refs:
            self.queue.add(self._key(new))
            self._wake_owners(old_refs)

    def on_delete(self, obj: dict) -> None:
        for dependent in self.dependents(obj):
            self.queue.add(self._key(dependent))
        self._wake_owners(obj["metadata"].get("ownerReferences") or [])

    def _wake_owners(self, refs: list[dict]) -> None:
        """Owners waiting in foreground deletion may now be free of blocking dependents."""
        for ref in refs:
            owner = self._cached_owner(ref)
            if owner is not None and _deleting(owner, FOREGROUND):
                self.queue.add(self._key(owner))

    # -- reconcile ------------------------------------------------------------------------------

    def reconcile(self, key: str) -> None:
        plural, _, obj_key = key.partition("/")
        obj = self.informer(plural).get(obj_key)
        if obj is None:
            return
        res = resource(plural)
        if _deleting(obj, ORPHAN):
            self.orphan_dependents(res, obj)
        elif _deleting(obj, FOREGROUND):
            self.process_deleting_dependents(res, obj)
        elif not obj["metadata"].get("deletionTimestamp") and obj["metadata"].get(
            "ownerReferences"
        ):
            self.attempt_to_delete(res, obj)

    def attempt_to_delete(self, res: Resource, obj: dict) -> None:
        """``attemptToDeleteItem``: classify the owners, then keep, unlink or delete the object."""
        meta = obj["metadata"]
        solid, dangling, waiting = [], [], []
        for ref in meta["ownerReferences"]:
            owner = self._owner(meta.get("namespace"), ref)
            if owner is None:
                dangling.append(ref)
            elif _deleting(owner, FOREGROUND):
                waiting.append(ref)
            else:
                solid.append(ref)
        if solid:
            if dangling or waiting:
                self._set_owner_references(res, obj, solid)
            return
        if waiting and self.dependents(obj):
            # its own dependents go first: the deletion is observed and processed again later
            self._delete(res, obj, "Foreground")
            return
        finalizers = meta.get("finalizers") or ()
        policy = (
            "Orphan"
            if ORPHAN in finalizers
            else "Foreground"
            if FOREGROUND in finalizers
            else "Background"
        )
        self._delete(res, obj, policy)

    def _owner(self, namespace: str | None, ref: dict) -> dict | None:
        """The owner if it exists with that uid; confirmed by a live GET when not cached."""
        cached = self._cached_owner(ref)
        if cached is not None:
            return cached
        owner_res = for_kind(ref.get("kind", ""))
        if owner_res is None:
            return {"metadata": {"uid": ref["uid"]}}  # a kind this cluster does not serve: present
        try:
            live = self.client.get(owner_res.plural, ref["name"], namespace or "default")
        except NotFound:
            return None
        return live if live["metadata"].get("uid") == ref["uid"] else None

    def process_deleting_dependents(self, res: Resource, owner: dict) -> None:
        """``processDeletingDependentsItem``: delete dependents; finish when none blocks."""
        uid = owner["metadata"]["uid"]
        blocking = False
        for dependent in self.dependents(owner):
            ref = next(r for r in dependent["metadata"]["ownerReferences"] if r["uid"] == uid)
            if ref.get("blockOwnerDeletion"):
                blocking = True
            if not dependent["metadata"].get("deletionTimestamp"):
                self.queue.add(self._key(dependent))
        if not blocking:
            self._remove_finalizer(res, owner, FOREGROUND)

    def orphan_dependents(self, res: Resource, owner: dict) -> None:
        """``attemptToOrphan``: unlink every dependent from the owner, then drop ``orphan``."""
        uid = owner["metadata"]["uid"]
        for dependent in self.dependents(owner):
            refs = [r for r in dependent["metadata"]["ownerReferences"] if r["uid"] != uid]
            self._set_owner_references(for_kind(dependent["kind"]), dependent, refs)
        self._remove_finalizer(res, owner, ORPHAN)

    # -- writes ---------------------------------------------------------------------------------

    def _delete(self, res: Resource, obj: dict, policy: str) -> None:
        ns, name = split_key(key_of(obj))
        try:
            self.client.delete(
                res.plural,
                name,
                ns or "default",
                propagation_policy=policy,
                preconditions={"uid": obj["metadata"]["uid"]},
            )
        except NotFound:
            pass  # already gone

    def _set_owner_references(self, res: Resource, obj: dict, refs: list[dict]) -> None:
        """A JSON merge patch of ``ownerReferences``, guarded by the cached resourceVersion."""
        ns, name = split_key(key_of(obj))
        meta = obj["metadata"]
        patch = {
            "metadata": {
                "ownerReferences": refs or None,
                "resourceVersion": meta["resourceVersion"],
            }
        }
        try:
            self.client.patch(res.plural, name, patch, ns or "default", type="merge")
        except NotFound:
            pass

    def _remove_finalizer(self, res: Resource, obj: dict, finalizer: str) -> None:
        ns, name = split_key(key_of(obj))
        meta = obj["metadata"]
        finalizers = [f for f in meta.get("finalizers") or () if f != finalizer]
        patch = {
            "metadata": {
                "finalizers": finalizers or None,
                "resourceVersion": meta["resourceVersion"],
            }
        }
        try:
            self.client.patch(res.plural, name, patch, ns or "default", type="merge")
        except NotFound:
            pass
