"""The work queue of a controller: client-go's rate-limited, delaying, deduplicating queue.

Models ``k8s.io/client-go/util/workqueue`` (``queue.go``, ``delaying_queue.go``,
``rate_limiting_queue.go``, ``default_rate_limiters.go``). The queue holds keys (``ns/name``),
never objects, so a controller always reads the latest state from its informer cache.

* A key added while it waits is not added twice (the *dirty* set).
* A key added while it is being processed is queued once more after processing ends, so one
  key is never processed twice at the same time, and no change is lost.
* ``add_rate_limited`` waits ``max(per-item exponential back-off, overall token bucket)``:
  client-go's ``DefaultControllerRateLimiter`` — 5 ms doubling to 1000 s per key, and 10 qps with a
  burst of 100 over all keys. ``forget`` resets a key's back-off after a success.

Simplified: no worker goroutines. Adding a key schedules one drain at the same simulated instant,
and the drain hands keys to the controller's ``process`` function one by one, in FIFO order.

Worked example (the per-item back-off of a key that keeps failing)::

    >>> limiter = ItemExponentialFailureRateLimiter(0.005, 1000)
    >>> [limiter.when("default/web") for _ in range(4)], limiter.num_requeues("default/web")
    ([0.005, 0.01, 0.02, 0.04], 4)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from k8sedu.sim import NS, Sim, Timer

if TYPE_CHECKING:
    from k8sedu.component import Component


class ItemExponentialFailureRateLimiter:
    """``base * 2**failures`` per key, capped at ``max_delay`` (``NewItemExponentialFailureRateLimiter``)."""

    def __init__(self, base_delay: float, max_delay: float) -> None:
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.failures: dict[str, int] = {}

    def when(self, key: str) -> float:
        exp = self.failures.get(key, 0)
        self.failures[key] = exp + 1
        if exp > 64:  # 2**64 overflows in Go: client-go returns the cap
            return self.max_delay
        return min(self.base_delay * 2**exp, self.max_delay)

    def num_requeues(self, key: str) -> int:
        return self.failures.get(key, 0)

    def forget(self, key: str) -> None:
        self.failures.pop(key, None)


class BucketRateLimiter:
    """An overall token bucket (``golang.org/x/time/rate.Limiter``): ``qps`` refill, ``burst`` size.

    Each ``when`` takes one token; when none is left the caller waits until one would be there
    (tokens may go negative, exactly as ``rate.Limiter.Reserve`` does).
    """

    def __init__(self, sim: Sim, qps: float = 10, burst: int = 100) -> None:
        self.sim = sim
        self.qps = qps
        self.burst = burst
        self.tokens = float(burst)
        self.last_ns = sim.now_ns

    def when(self, key: str) -> float:
        now = self.sim.now_ns
        elapsed = (now - self.last_ns) / NS
        self.tokens = min(float(self.burst), self.tokens + elapsed * self.qps)
        self.last_ns = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.qps

    def num_requeues(self, key: str) -> int:
        return 0

    def forget(self, key: str) -> None:
        pass


class MaxOfRateLimiter:
    """The longest wait of several limiters (``NewMaxOfRateLimiter``)."""

    def __init__(self, *limiters) -> None:
        self.limiters = limiters

    def when(self, key: str) -> float:
        return max(limiter.when(key) for limiter in self.limiters)

    def num_requeues(self, key: str) -> int:
        return max(limiter.num_requeues(key) for limiter in self.limiters)

    def forget(self, key: str) -> None:
        for limiter in self.limiters:
            limiter.forget(key)


def default_controller_rate_limiter(sim: Sim) -> MaxOfRateLimiter:
    """client-go's ``DefaultControllerRateLimiter``: 5 ms…1000 s per key, 10 qps / burst 100 overall."""
    return MaxOfRateLimiter(
        ItemExponentialFailureRateLimiter(0.005, 1000), BucketRateLimiter(sim, 10, 100)
    )


class WorkQueue:
    """Keys waiting to be processed by ``process(key)`` on the simulated clock.

    ``owner`` is the component whose timers the queue uses, so they die with it.
    """

    def __init__(self, owner: Component, process: Callable[[str], object], rate_limiter) -> None:
        self.owner = owner
        self.process = process
        self.rate_limiter = rate_limiter
        self._queue: deque[str] = deque()
        self._dirty: set[str] = set()  # membership only: never iterated
        self._processing: set[str] = set()
        self._waiting: dict[str, Timer] = {}  # add_after: key -> its timer (the earliest wins)
        self._drain_scheduled = False
        self.shutting_down = False

    def __len__(self) -> int:
        return len(self._queue)

    def keys(self) -> list[str]:
        """The keys waiting, in the order they will be processed."""
        return list(self._queue)

    # -- adding ---------------------------------------------------------------------------------

    def add(self, key: str) -> None:
        """Queue ``key`` unless it is already waiting; processing starts at this same instant."""
        if self.shutting_down or key in self._dirty:
            return
        self._dirty.add(key)
        if key in self._processing:
            return  # re-queued when its processing ends
        self._queue.append(key)
        if not self._drain_scheduled:
            self._drain_scheduled = True
            self.owner.schedule(0, self._drain)

    def add_after(self, key: str, seconds: float) -> None:
        """Queue ``key`` after ``seconds``; a key already waiting keeps the earlier time."""
        if self.shutting_down:
            return
        if seconds <= 0:
            self.add(key)
            return
        existing = self._waiting.get(key)
        if existing is not None and not existing.cancelled:
            if existing.when <= self.owner.sim.now_ns + round(seconds * NS):
                return
            existing.cancel()
        self._waiting[key] = self.owner.schedule(seconds, self._ready, key)

    def add_rate_limited(self, key: str) -> None:
        """Queue ``key`` after the rate limiter's delay (its back-off grows with each call)."""
        self.add_after(key, self.rate_limiter.when(key))

    def forget(self, key: str) -> None:
        """The key was processed successfully: reset its back-off."""
        self.rate_limiter.forget(key)

    def num_requeues(self, key: str) -> int:
        return self.rate_limiter.num_requeues(key)

    def shutdown(self) -> None:
        """Stop: drop every key (the owner's stop cancels the timers)."""
        self.shutting_down = True
        self._queue.clear()
        self._dirty.clear()
        self._waiting.clear()

    # -- processing -----------------------------------------------------------------------------

    def _ready(self, key: str) -> None:
        self._waiting.pop(key, None)
        self.add(key)

    def _drain(self) -> None:
        self._drain_scheduled = False
        queue = self._queue
        while queue and not self.shutting_down:
            key = queue.popleft()
            self._dirty.discard(key)
            self._processing.add(key)
            try:
                self.process(key)
            finally:
                self._processing.discard(key)
                if key in self._dirty and not self.shutting_down:
                    queue.append(key)
