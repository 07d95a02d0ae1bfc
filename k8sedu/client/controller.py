"""A controller: informers + a work queue of keys + one ``reconcile(key)`` (client-go's pattern).

Modelled on ``staging/src/k8s.io/sample-controller/controller.go``: event handlers only turn
changes into keys on the queue; ``reconcile(key)`` reads the latest state from the informer cache
and makes the world match it through the API. An exception from ``reconcile`` is what a Go
controller's returned error is: it is recorded in the trace and the key is retried with the
queue's back-off (5 ms, 10 ms, 20 ms … up to 1000 s); a success forgets the back-off.

A controller runs inside kube-controller-manager, which constructs it as ``factory(manager)``::

    class MyReplicaSetController(Controller):
        resource = "replicasets"          # its own kind: add/update/delete enqueue the key

        def setup(self):                  # more informers, e.g. the pods it owns
            self.handle("pods", on_add=self.pod_added)

        def reconcile(self, key):
            rs = self.informer("replicasets").get(key)   # shared and read-only
            ...

    cluster.controller_manager.replace("replicaset", MyReplicaSetController)

Simplified: one worker per controller (``--concurrent-*-syncs`` are not modelled), and the queue
is processed at the instant keys are added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu.apiserver.client import Client
from k8sedu.client.events import EventRecorder
from k8sedu.client.informer import EventHandler, Informer, key_of
from k8sedu.client.workqueue import WorkQueue, default_controller_rate_limiter
from k8sedu.component import Component

if TYPE_CHECKING:
    from k8sedu.controllers.manager import ControllerManager


class Controller(Component):
    """Base class of every controller of kube-controller-manager."""

    resource: str | None = None  # the primary resource; its changes enqueue the object's key
    service_account = (
        ""  # API identity system:serviceaccount:kube-system:<this>; default: canonical name
    )
    event_component = ""  # source.component of its Events; default: canonical name

    def __init__(self, manager: ControllerManager) -> None:
        super().__init__(manager.cluster)
        self.manager = manager
        self.controller_name = ""  # the short name it is registered under ("replicaset")
        self.canonical_name = ""  # the real --controllers name ("replicaset-controller")
        self.client: Client | None = None
        self.recorder: EventRecorder | None = None
        self.queue: WorkQueue | None = None
        self._registrations: list[tuple[Informer, EventHandler]] = []

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start it (or, while kube-controller-manager is down, let it run when the manager starts)."""
        self.manager.enable(self.controller_name)
        if self.manager.leading:
            super().start()

    def stop(self) -> None:
        """Stop this controller alone: like ``--controllers=*,-<name>`` until it is started again."""
        self.manager.disable(self.controller_name)
        super().stop()

    def on_start(self) -> None:
        sa = self.service_account or self.canonical_name
        self.client = Client(
            self.cluster, f"system:serviceaccount:kube-system:{sa}", self.manager.name
        )
        self.recorder = EventRecorder(self.client, self.event_component or self.canonical_name)
        self.queue = WorkQueue(self, self.process, self.rate_limiter())
        if self.resource:
            self.handle(self.resource, self.enqueue, self._enqueue_new, self.enqueue)
        self.setup()

    def on_stop(self) -> None:
        for informer, handler in self._registrations:
            informer.remove_handler(handler)
        self._registrations.clear()
        if self.queue is not None:
            self.queue.shutdown()
        self.queue = self.client = self.recorder = None

    # -- what subclasses write ------------------------------------------------------------------

    def setup(self) -> None:
        """Register more handlers with ``self.handle`` (called at every start)."""

    def reconcile(self, key: str) -> None:
        """Make the world match the desired state of the object under ``key``."""
        raise NotImplementedError

    def rate_limiter(self):
        """The queue's rate limiter: client-go's ``DefaultControllerRateLimiter``."""
        return default_controller_rate_limiter(self.sim)

    # -- helpers --------------------------------------------------------------------------------

    def informer(self, resource: str, **filters) -> Informer:
        """The manager's shared informer for ``resource`` (read-only objects)."""
        return self.manager.informers.informer(resource, **filters)

    def handle(self, resource: str, on_add=None, on_update=None, on_delete=None) -> Informer:
        """Call these bound methods on changes to ``resource`` while this controller runs."""
        informer = self.informer(resource)
        handler = informer.add_handler(EventHandler(on_add, on_update, on_delete))
        self._registrations.append((informer, handler))
        return informer

    def enqueue(self, obj: dict) -> None:
        self.queue.add(key_of(obj))

    def _enqueue_new(self, old: dict, new: dict) -> None:
        self.queue.add(key_of(new))

    def process(self, key: str) -> None:
        """One turn of the worker loop: reconcile, then forget or retry with back-off."""
        self.cluster.trace.count(self.manager.name, "reconcile", self.controller_name)
        try:
            self.reconcile(key)
        except Exception as error:  # a Go controller's returned error: retried with back-off
            detail = f"{type(error).__name__}: {error}"
            self.cluster.trace.record(
                self.sim.now,
                self.manager.name,
                "reconcile-error",
                self.controller_name,
                key,
                detail,
            )
            if self.queue is not None:
                self.handle_error(key, error)
            return
        if self.queue is not None:
            self.queue.forget(key)

    def handle_error(self, key: str, error: Exception) -> None:
        """What to do after a failed reconcile: retry with back-off (``AddRateLimited``)."""
        self.queue.add_rate_limited(key)
