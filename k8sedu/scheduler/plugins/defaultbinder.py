"""DefaultBinder: bind the pod through the API server's ``pods/binding`` subresource.

Source: ``pkg/scheduler/framework/plugins/defaultbinder/default_binder.go``. The API server sets
``spec.nodeName`` and the pod's ``PodScheduled=True`` condition; the node's kubelet, watching
for pods bound to it, takes over from there.
"""

from __future__ import annotations

from k8sedu.errors import APIError, ConnectionRefused
from k8sedu.scheduler.framework import Code, Status

NAME = "DefaultBinder"


class DefaultBinder:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle

    def bind(self, state, pod: dict, node: str) -> Status | None:
        meta = pod["metadata"]
        try:
            self.handle.client.bind(meta["name"], node, meta.get("namespace", "default"))
        except (APIError, ConnectionRefused) as error:
            return Status(Code.ERROR, str(error))
        return None
