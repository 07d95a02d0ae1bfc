"""The client-go layer every component is built on (DESIGN decision 8).

``informer`` (list + watch into an indexed, read-only cache), ``workqueue`` (keyed, deduplicating,
rate-limited), ``controller`` (informers + queue + ``reconcile(key)``) and ``events`` (the
EventRecorder). The API verbs themselves are ``k8sedu.apiserver.client.Client``.
"""

from k8sedu.client.controller import Controller
from k8sedu.client.events import EventRecorder
from k8sedu.client.informer import EventHandler, Informer, InformerFactory, key_of, split_key
from k8sedu.client.workqueue import WorkQueue, default_controller_rate_limiter

__all__ = [
    "Controller",
    "EventHandler",
    "EventRecorder",
    "Informer",
    "InformerFactory",
    "WorkQueue",
    "default_controller_rate_limiter",
    "key_of",
    "split_key",
]
