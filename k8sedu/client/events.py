"""The EventRecorder: how components report what they did as core/v1 Events (DESIGN decision 15).

Models client-go's ``tools/record`` (``event.go``, ``events_cache.go``). ``event(obj, type,
reason, message)`` builds an Event named ``<object name>.<unix nanoseconds in hex>`` in the
object's namespace (``default`` for cluster-scoped objects) and passes it through the
``EventCorrelator`` before it reaches the API server:

* **dedup** — the same source, object, type, reason and message again → the existing Event is
  patched (``count`` + 1, ``lastTimestamp``) instead of a new one being created;
* **aggregation** — 10 Events in 10 minutes that differ only by message → one Event with the
  message ``(combined from similar events): …``, counted from then on;
* **spam filter** — 25 Events per source and object, then 1 more per 5 minutes.

The API server keeps Events one hour (``--event-ttl``, an etcd lease).
Simplified: a failed write is dropped at once (client-go retries 12 times, 10 s apart), and the
correlator's LRU caches are plain dicts bounded at 4096 entries, oldest dropped first. Many Events
share one simulated instant, so a name already taken moves on by one nanosecond (a real clock
has moved on by then anyway).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu.errors import AlreadyExists, APIError, ConnectionRefused, NotFound
from k8sedu.sim import NS

if TYPE_CHECKING:
    from k8sedu.apiserver.client import Client

MAX_LRU_ENTRIES = 4096  # events_cache.go: maxLruCacheEntries
AGGREGATE_MAX_EVENTS = 10  # defaultAggregateMaxEvents
AGGREGATE_INTERVAL = 600  # defaultAggregateIntervalInSeconds
SPAM_BURST = 25  # defaultSpamBurst
SPAM_QPS = 1 / 300  # defaultSpamQPS
EVENT_TYPES = ("Normal", "Warning")


def object_reference(obj: dict, field_path: str | None = None) -> dict:
    """The ``involvedObject`` of an Event (``ref.GetReference``), in the API's field order."""
    meta = obj["metadata"]
    ref = {"kind": obj.get("kind", "")}
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    ref["name"] = meta.get("name", "")
    if meta.get("uid"):
        ref["uid"] = meta["uid"]
    ref["apiVersion"] = obj.get("apiVersion", "")
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


def _remember(cache: dict, key: str, value) -> None:
    """Put ``key`` last in an insertion-ordered dict used as an LRU cache."""
    cache.pop(key, None)
    cache[key] = value
    if len(cache) > MAX_LRU_ENTRIES:
        del cache[next(iter(cache))]


class EventRecorder:
    """Records Events for one component (``source.component``; ``host`` for kubelets)."""

    def __init__(self, client: Client, component: str, host: str = "") -> None:
        self.client = client
        self.component = component
        self.host = host
        self.sim = client.cluster.sim
        self._seen: dict[str, tuple[int, str, str, str]] = {}  # key -> (count, first, name, rv)
        # aggregate key -> (distinct messages, when the last one came, ns)
        self._similar: dict[str, tuple[dict[str, None], int]] = {}
        self._spam: dict[str, tuple[float, int]] = {}  # source+object -> (tokens, last ns)
        self._last_nanos = 0

    def event(
        self, obj: dict, type: str, reason: str, message: str, field_path: str | None = None
    ) -> dict | None:
        """Record an Event about ``obj``; returns the Event as stored, or None if dropped."""
        if type not in EVENT_TYPES:
            return None  # client-go logs "Unsupported event type" and drops it
        ref = object_reference(obj, field_path)
        event = self._make(ref, type, reason, message)
        event, cache_key = self._aggregate(event)
        event = self._observe(event, cache_key)
        if self._filtered(event):
            return None
        return self._write(event)

    # -- the Event ------------------------------------------------------------------------------

    def _unix_nanos(self) -> int:
        """Now in Unix nanoseconds, one more than the last name used if the clock has not moved."""
        now = int(self.client.cluster.epoch.timestamp()) * NS + self.sim.now_ns
        self._last_nanos = max(now, self._last_nanos + 1)
        return self._last_nanos

    def _make(self, ref: dict, type: str, reason: str, message: str) -> dict:
        now = self.client.cluster.timestamp()
        source = {"component": self.component}
        if self.host:
            source["host"] = self.host
        return {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": f"{ref['name']}.{self._unix_nanos():x}",
                "namespace": ref.get("namespace") or "default",
            },
            "involvedObject": ref,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": type,
            "reportingComponent": self.component,
            "reportingInstance": self.host,
        }

    def _object_key(self, event: dict) -> str:
        ref = event["involvedObject"]
        return "\x00".join(
            [
                self.component,
                self.host,
                ref["kind"],
                ref.get("namespace", ""),
                ref["name"],
                ref.get("uid", ""),
                ref["apiVersion"],
            ]
        )

    def _event_key(self, event: dict) -> str:
        """``getEventKey``: source, object (with fieldPath), type, reason and message."""
        field_path = event["involvedObject"].get("fieldPath", "")
        return "\x00".join(
            [self._object_key(event), field_path, event["type"], event["reason"], event["message"]]
        )

    # -- the correlator -------------------------------------------------------------------------

    def _aggregate(self, event: dict) -> tuple[dict, str]:
        """``EventAggregate``: the 10th distinct message within 10 minutes starts a combined Event."""
        now = self.sim.now_ns
        agg_key = "\x00".join([self._object_key(event), event["type"], event["reason"]])
        messages, last = self._similar.get(agg_key, ({}, None))
        if last is None or now - last > AGGREGATE_INTERVAL * NS:
            messages = {}
        messages[event["message"]] = None
        _remember(self._similar, agg_key, (messages, now))
        if len(messages) < AGGREGATE_MAX_EVENTS:
            return event, self._event_key(event)
        del messages[next(iter(messages))]  # keep the set below the limit (PopAny)
        combined = dict(event)
        combined["metadata"] = {
            "name": f"{event['involvedObject']['name']}.{self._unix_nanos():x}",
            "namespace": event["metadata"]["namespace"],
        }
        combined["message"] = "(combined from similar events): " + event["message"]
        return combined, agg_key

    def _observe(self, event: dict, cache_key: str) -> dict:
        """``eventObserve``: a repeat takes the first Event's name and firstTimestamp, count + 1."""
        seen = self._seen.get(cache_key)
        if seen is not None:
            count, first, name, rv = seen
            event = dict(event)
            event["metadata"] = dict(event["metadata"], name=name, resourceVersion=rv)
            event["firstTimestamp"] = first
            event["count"] = count + 1
        _remember(
            self._seen,
            cache_key,
            (
                event["count"],
                event["firstTimestamp"],
                event["metadata"]["name"],
                event["metadata"].get("resourceVersion", ""),
            ),
        )
        return event

    def _filtered(self, event: dict) -> bool:
        """``EventSourceObjectSpamFilter``: a token bucket per source and object."""
        now = self.sim.now_ns
        key = self._object_key(event)
        tokens, last = self._spam.get(key, (float(SPAM_BURST), now))
        tokens = min(float(SPAM_BURST), tokens + (now - last) / NS * SPAM_QPS)
        allowed = tokens >= 1
        _remember(self._spam, key, (tokens - 1 if allowed else tokens, now))
        return not allowed

    # -- writing --------------------------------------------------------------------------------

    def _write(self, event: dict) -> dict | None:
        meta = event["metadata"]
        try:
            if event["count"] > 1:
                patch = {
                    "count": event["count"],
                    "lastTimestamp": event["lastTimestamp"],
                    "message": event["message"],
                }
                try:
                    stored = self.client.patch("events", meta["name"], patch, meta["namespace"])
                except NotFound:  # expired or deleted meanwhile: create it again, count kept
                    body = dict(
                        event, metadata={k: v for k, v in meta.items() if k != "resourceVersion"}
                    )
                    stored = self._create(body)
            else:
                stored = self._create(event)
        except (APIError, ConnectionRefused):
            return None
        # UpdateState: remember the server's name and resourceVersion under getEventKey
        seen = (
            stored["count"],
            stored["firstTimestamp"],
            stored["metadata"]["name"],
            stored["metadata"]["resourceVersion"],
        )
        _remember(self._seen, self._event_key(stored), seen)
        return stored

    def _create(self, event: dict) -> dict:
        """Create the Event; if another component took the name this instant, take the next ns."""
        for _ in range(8):
            try:
                return self.client.create("events", event)
            except AlreadyExists:
                ref_name, _, nanos = event["metadata"]["name"].rpartition(".")
                event = dict(
                    event,
                    metadata=dict(event["metadata"], name=f"{ref_name}.{int(nanos, 16) + 1:x}"),
                )
        return self.client.create("events", event)
