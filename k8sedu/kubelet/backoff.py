"""Restart and image-pull back-off: client-go's ``flowcontrol.Backoff`` as the kubelet uses it.

One entry per key (a container, or a pod's image): ``next(key, t)`` starts it at 10 s or doubles
it up to 300 s; an entry untouched for more than twice the maximum (10 min) has expired and starts
over (``util/flowcontrol/backoff.go``: ``Next``, ``IsInBackOffSince``, ``hasExpired``;
``pkg/kubelet/kubelet.go``: ``backOffPeriod = 10s``, ``MaxContainerBackOff = 300s``).

How ``doBackOff`` (``kuberuntime_manager.go``) turns that into CrashLoopBackOff: at each exit the
kubelet asks whether ``now - finishedAt`` is still inside the entry's window. The first exit finds
no entry, so the restart is immediate (and the entry starts at 10 s); from the second exit on the
container waits 10 s, 20 s, 40 s … 300 s after it finished::

    >>> b = Backoff()
    >>> [b.in_backoff_since("web", 0.0, 0.0), b.next("web", 0.0)]      # 1st exit at t=0
    [False, 10.0]
    >>> b.in_backoff_since("web", 5.0, 5.0), b.delay("web")             # 2nd exit at t=5
    (True, 10.0)
    >>> b.next("web", 15.0)                                             # restarted at 15
    20.0
"""

from __future__ import annotations

INITIAL = 10.0  # kubelet.go backOffPeriod
EPSILON = 1e-6  # timers land on whole nanoseconds: a window that ends now has ended
MAXIMUM = 300.0  # MaxContainerBackOff


class Backoff:
    """Per-key exponential back-off on simulated seconds (``flowcontrol.Backoff``)."""

    def __init__(self, initial: float = INITIAL, maximum: float = MAXIMUM) -> None:
        self.initial = initial
        self.maximum = maximum
        self.entries: dict[str, tuple[float, float]] = {}  # key -> (backoff, lastUpdate)

    def _expired(self, now: float, last_update: float) -> bool:
        return now - last_update > 2 * self.maximum

    def next(self, key: str, now: float) -> float:
        """Move the entry on (``Next``); returns its new window."""
        entry = self.entries.get(key)
        if entry is None or self._expired(now, entry[1]):
            window = self.initial
        else:
            window = min(entry[0] * 2, self.maximum)
        self.entries[key] = (window, now)
        return window

    def delay(self, key: str) -> float:
        """The current window (``Get``), 0 without an entry."""
        entry = self.entries.get(key)
        return entry[0] if entry else 0.0

    def in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        """``IsInBackOffSince``: is ``now`` still inside the window that starts at ``event_time``?"""
        entry = self.entries.get(key)
        if entry is None or self._expired(event_time, entry[1]):
            return False
        return now - event_time < entry[0] - EPSILON

    def in_backoff_since_update(self, key: str, now: float) -> bool:
        """``IsInBackOffSinceUpdate``: the image puller's check, from the last failure."""
        entry = self.entries.get(key)
        if entry is None or self._expired(now, entry[1]):
            return False
        return now - entry[1] < entry[0] - EPSILON

    def last_update(self, key: str) -> float:
        return self.entries[key][1]

    def forget(self, key: str) -> None:
        self.entries.pop(key, None)


def go_duration(seconds: float) -> str:
    """Go's ``time.Duration.String()``: ``10s``, ``1m20s``, ``5m0s``, ``2.1s``, ``512ms``.

    >>> [go_duration(s) for s in (0, 0.512, 2.1, 10, 80, 300, 3725.5)]
    ['0s', '512ms', '2.1s', '10s', '1m20s', '5m0s', '1h2m5.5s']
    """
    ns = round(seconds * 1_000_000_000)
    if ns == 0:
        return "0s"
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + _decimal(ns, size) + unit
    hours, rest = divmod(ns, 3600 * 1_000_000_000)
    minutes, rest = divmod(rest, 60 * 1_000_000_000)
    text = _decimal(rest, 1_000_000_000) + "s"
    if hours or minutes:
        text = f"{minutes}m" + text
    if hours:
        text = f"{hours}h" + text
    return sign + text


def _decimal(value: int, unit: int) -> str:
    whole, frac = divmod(value, unit)
    if not frac:
        return str(whole)
    digits = str(frac).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"
