"""kube-controller-manager: one process running many controllers over shared informers.

Models ``cmd/kube-controller-manager/app``: the process starts its shared informers and every
enabled controller; each controller talks to the API server with its own service-account
identity (kubeadm runs it with ``--use-service-account-credentials``), while the shared informers
use the process's own, ``system:kube-controller-manager``. Stopping the process stops them all and
forgets everything; starting it again re-lists and catches up.

Controllers are registered by name in ``CONTROLLERS`` (short name → ``"module:Class"``), in the
order they start; a later issue adds its line. Names as the real ``--controllers`` flag takes them
are accepted too (``replicaset-controller`` and ``replicaset`` are the same controller).

``replace(name, factory)`` swaps one controller for a learner's: ``factory(manager)`` must return a
``Controller`` (so a ``Controller`` subclass is itself a factory).

In a cluster every copy elects a leader through the Lease ``kube-system/kube-controller-manager``
(``k8sedu/client/leaderelection.py``), as kubeadm's ``--leader-elect=true`` does even with one
control plane: ``on_started_leading`` starts the controllers, ``on_stopped_leading`` stops them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from k8sedu.apiserver.client import Client
from k8sedu.client.controller import Controller
from k8sedu.client.informer import InformerFactory
from k8sedu.client.leaderelection import LeaderElector
from k8sedu.component import Component

# short name → "module:Class", in start order (names: cmd/kube-controller-manager/names)
CONTROLLERS: dict[str, str] = {
    "serviceaccount": "k8sedu.controllers.serviceaccount:ServiceAccountController",
    "root-ca-cert-publisher": "k8sedu.controllers.serviceaccount:RootCACertPublisher",
    "namespace": "k8sedu.controllers.namespace:NamespaceController",
    "garbagecollector": "k8sedu.controllers.garbagecollector:GarbageCollector",
    "endpoint": "k8sedu.controllers.endpoints:EndpointsController",
    "endpointslice": "k8sedu.controllers.endpointslice:EndpointSliceController",
    "service-lb": "k8sedu.proxy.loadbalancer:ServiceLBController",
    "replicaset": "k8sedu.controllers.replicaset:ReplicaSetController",
    "deployment": "k8sedu.controllers.deployment:DeploymentController",
    "nodelifecycle": "k8sedu.controllers.nodelifecycle:NodeLifecycleController",
    "tainteviction": "k8sedu.controllers.tainteviction:TaintEvictionController",
    "job": "k8sedu.controllers.job:JobController",
    "ttl-after-finished": "k8sedu.controllers.ttlafterfinished:TTLAfterFinishedController",
    "podgc": "k8sedu.controllers.podgc:PodGCController",
    "disruption": "k8sedu.controllers.disruption:DisruptionController",
    "daemonset": "k8sedu.controllers.daemonset:DaemonSetController",
    "horizontalpodautoscaling": "k8sedu.controllers.hpa:HorizontalPodAutoscalerController",
}

# canonical name (names/controller_names.go) → short name (its alias in the --controllers flag)
CANONICAL: dict[str, str] = {
    "serviceaccount-controller": "serviceaccount",
    "root-ca-certificate-publisher-controller": "root-ca-cert-publisher",
    "namespace-controller": "namespace",
    "garbage-collector-controller": "garbagecollector",
    "replicaset-controller": "replicaset",
    "deployment-controller": "deployment",
    "node-lifecycle-controller": "nodelifecycle",
    "taint-eviction-controller": "tainteviction",
    "endpoints-controller": "endpoint",
    "endpointslice-controller": "endpointslice",
    "horizontal-pod-autoscaler-controller": "horizontalpodautoscaling",
    "job-controller": "job",
    "cronjob-controller": "cronjob",
    "daemonset-controller": "daemonset",
    "pod-garbage-collector-controller": "podgc",
    "disruption-controller": "disruption",
    "resourcequota-controller": "resourcequota",
    "ttl-after-finished-controller": "ttl-after-finished",
}
SHORT_TO_CANONICAL = {short: canonical for canonical, short in CANONICAL.items()}


def _load(path: str) -> Callable:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def short_name(name: str) -> str:
    """``replicaset-controller`` or ``replicaset`` → ``replicaset``."""
    return CANONICAL.get(name, name)


class ControllerManager(Component):
    name = "kube-controller-manager"
    user = "system:kube-controller-manager"
    leader_elect = False  # a cluster's control plane sets it: work only while holding the Lease
    host_name = "control-plane"

    def __init__(self, cluster, *, name: str | None = None) -> None:
        super().__init__(cluster, name)
        self.elector: LeaderElector | None = None
        self.client = Client(cluster, self.user, self.name)
        self.informers: InformerFactory | None = None
        self.leading = False
        self.disabled: set[str] = set()  # stopped one by one; membership only
        self._controllers: dict[str, Controller] = {}
        for name, path in CONTROLLERS.items():
            self._add(name, _load(path))

    # -- the controllers ------------------------------------------------------------------------

    @property
    def controllers(self) -> list[str]:
        """Registered controller names, in start order."""
        return list(self._controllers)

    def controller(self, name: str) -> Controller:
        """The controller registered as ``name`` (short or canonical name)."""
        found = self._controllers.get(short_name(name))
        if found is None:
            raise KeyError(
                f"no controller {name!r} in kube-controller-manager (it has: {', '.join(self._controllers)})"
            )
        return found

    def replace(self, name: str, factory: Callable[[ControllerManager], Controller]) -> Controller:
        """Swap the controller ``name`` for ``factory(manager)``; it starts if the manager runs."""
        self.controller(name)  # must exist: catches typos
        return self.register(name, factory)

    def register(self, name: str, factory: Callable[[ControllerManager], Controller]) -> Controller:
        """Add (or replace) a controller under ``name``."""
        short = short_name(name)
        old = self._controllers.get(short)
        if old is not None:
            Component.stop(old)
        controller = self._add(short, factory)
        if self.leading and short not in self.disabled:
            Component.start(controller)
        return controller

    def _add(self, short: str, factory: Callable) -> Controller:
        controller = factory(self)
        if not isinstance(controller, Controller):
            raise TypeError(
                f"factory({self.name}) must return a Controller, got {type(controller).__name__}"
            )
        controller.controller_name = short
        controller.canonical_name = SHORT_TO_CANONICAL.get(short, f"{short}-controller")
        controller.name = f"{self.name}/{short}"
        self._controllers[short] = controller
        return controller

    def enable(self, name: str) -> None:
        self.disabled.discard(short_name(name))

    def disable(self, name: str) -> None:
        self.disabled.add(short_name(name))

    # -- the process ----------------------------------------------------------------------------

    def on_start(self) -> None:
        if self.leader_elect:
            self.elector = LeaderElector(
                self, "kube-controller-manager", self.on_started_leading, self.on_stopped_leading
            )
            self.elector.start()
        else:
            self.on_started_leading()

    def on_started_leading(self) -> None:
        self.leading = True
        self.informers = InformerFactory(self, self.client)
        for short, controller in self._controllers.items():
            if short not in self.disabled:
                Component.start(controller)
        self.informers.start()

    def on_stop(self) -> None:
        if self.elector is not None:
            self.elector.stop()
            self.elector = None
        self.on_stopped_leading()

    def on_stopped_leading(self) -> None:
        """Losing the lease ends the process in Kubernetes: every controller stops, caches go."""
        self.leading = False
        for controller in reversed(self._controllers.values()):
            Component.stop(controller)
        if self.informers is not None:
            self.informers.stop()
        self.informers = None
