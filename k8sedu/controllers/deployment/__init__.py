"""The Deployment controller, in the files of ``pkg/controller/deployment``: ``controller``
(handlers and ``reconcile``), ``sync`` (new ReplicaSet, scaling, history, status), ``rolling``,
``recreate``, ``progress`` (conditions and the deadline) and ``util`` (the arithmetic)."""

from k8sedu.controllers.deployment.controller import DeploymentController

__all__ = ["DeploymentController"]
