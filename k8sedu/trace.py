"""The trace: one structured record per action, bounded.

Every API request (the audit trail) and every notable component action is a ``Record``
``(time, component, verb, resource, key, detail)``. The trace keeps the most recent records in a
ring and exact counters per ``(component, verb, resource)`` for the whole run, so a simulated day
costs bounded memory while pictures of "who talked to whom" stay exact. Watch deliveries are only
counted (verb ``watch-event``), never recorded one by one.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from typing import NamedTuple


class Record(NamedTuple):
    time: float
    component: str
    verb: str
    resource: str
    key: str
    detail: object = None


class Trace:
    """A ring of the latest records plus exact per-(component, verb, resource) counters."""

    def __init__(self, capacity: int = 200_000) -> None:
        self.records: deque[Record] = deque(maxlen=capacity)
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.total = 0

    def record(
        self, time: float, component: str, verb: str, resource: str, key: str, detail: object = None
    ) -> None:
        self.records.append(Record(time, component, verb, resource, key, detail))
        self.counts[component, verb, resource] += 1
        self.total += 1

    def count(self, component: str, verb: str, resource: str, n: int = 1) -> None:
        """Count without recording (watch deliveries)."""
        self.counts[component, verb, resource] += n

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]

    def since(self, time: float) -> list[Record]:
        return [r for r in self.records if r.time >= time]

    def filter(
        self,
        component: str | None = None,
        verb: str | None = None,
        resource: str | None = None,
        since: float | None = None,
    ) -> list[Record]:
        """Records matching every given field (a quick way to ask "what did the scheduler do?")."""
        return [
            r
            for r in self.records
            if (component is None or r.component == component)
            and (verb is None or r.verb == verb)
            and (resource is None or r.resource == resource)
            and (since is None or r.time >= since)
        ]
