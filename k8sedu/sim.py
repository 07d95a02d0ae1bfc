"""The clock and the event loop: one simulated clock, one heap of timers, one seed.

Modelled on SimPy's kernel: the heap holds ``(time_ns, priority, sequence, timer)`` so that
timers due at the same instant run in the order they were scheduled (lower ``priority`` first).
There are no threads and no wall-clock time anywhere: ``run(30)`` processes every timer due in
the next 30 simulated seconds as fast as Python can, so hours of cluster time take seconds.

Callbacks are bound methods or module functions with arguments (never lambdas or closures), so
the whole simulation pickles for ``Cluster.snapshot()``.

Worked example::

    >>> sim = Sim(seed=0)
    >>> log = []
    >>> _ = sim.schedule(2, log.append, "b")
    >>> _ = sim.schedule(1, log.append, "a")
    >>> sim.run(1.5); log, sim.now
    (['a'], 1.5)
    >>> sim.run(10); log, sim.now
    (['a', 'b'], 11.5)
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from typing import Any

NS = 1_000_000_000


def to_ns(seconds: float) -> int:
    """Seconds (float) to integer nanoseconds, rounded to the nearest nanosecond."""
    return round(seconds * NS)


class Timer:
    """A scheduled callback. ``cancel()`` it to make sure it never runs (again)."""

    __slots__ = ("when", "callback", "args", "interval", "cancelled")

    def __init__(self, when: int, callback: Callable, args: tuple, interval: int | None) -> None:
        self.when = when
        self.callback = callback
        self.args = args
        self.interval = interval
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def __getstate__(self):
        return (self.when, self.callback, self.args, self.interval, self.cancelled)

    def __setstate__(self, state) -> None:
        self.when, self.callback, self.args, self.interval, self.cancelled = state

    def __repr__(self) -> str:
        name = getattr(self.callback, "__qualname__", repr(self.callback))
        return f"<Timer {name} at {self.when / NS:.3f}s{' cancelled' if self.cancelled else ''}>"


class Sim:
    """The simulation kernel: ``now``, ``schedule``, ``every``, ``run``, ``run_until``, ``rng``."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.now_ns = 0
        self._heap: list[tuple[int, int, int, Timer]] = []
        self._seq = 0
        self._rngs: dict[str, random.Random] = {}
        self.processed = 0  # timers fired so far: tests assert on work done, never on wall time

    @property
    def now(self) -> float:
        """Simulated seconds since the start."""
        return self.now_ns / NS

    def rng(self, purpose: str) -> random.Random:
        """The random stream for one purpose, seeded by ``f"{seed}/{purpose}"``.

        Each purpose has its own stream, so a new draw in one place never shifts the names or
        choices made elsewhere; string seeding is stable across processes (no hash randomisation).
        """
        stream = self._rngs.get(purpose)
        if stream is None:
            stream = self._rngs[purpose] = random.Random(f"{self.seed}/{purpose}")
        return stream

    def schedule(self, delay: float, callback: Callable, *args: Any, priority: int = 0) -> Timer:
        """Run ``callback(*args)`` ``delay`` seconds from now (0 = later at this same instant)."""
        return self.schedule_at(
            self.now_ns + max(0, to_ns(delay)), callback, *args, priority=priority
        )

    def schedule_at(self, when_ns: int, callback: Callable, *args: Any, priority: int = 0) -> Timer:
        timer = Timer(max(when_ns, self.now_ns), callback, args, None)
        self._push(timer, priority)
        return timer

    def every(
        self, interval: float, callback: Callable, *args: Any, first: float | None = None
    ) -> Timer:
        """Run ``callback(*args)`` every ``interval`` seconds, first after ``first`` (default: one interval)."""
        step = to_ns(interval)
        if step <= 0:
            raise ValueError(f"interval must be positive, got {interval!r}")
        delay = step if first is None else max(0, to_ns(first))
        timer = Timer(self.now_ns + delay, callback, args, step)
        self._push(timer, 0)
        return timer

    def _push(self, timer: Timer, priority: int) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (timer.when, priority, self._seq, timer))

    def next_time(self) -> int | None:
        """When the next live timer is due (ns), or None if nothing is scheduled."""
        heap = self._heap
        while heap and heap[0][3].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def _fire_until(self, end_ns: int) -> bool:
        """Fire every timer due at the earliest instant ≤ end_ns. False if there is none."""
        when = self.next_time()
        if when is None or when > end_ns:
            return False
        self.now_ns = when
        heap = self._heap
        while heap and heap[0][0] == when:
            _, priority, _, timer = heapq.heappop(heap)
            if timer.cancelled:
                continue
            if timer.interval is not None:
                timer.when += timer.interval
                self._push(timer, priority)
            else:
                timer.cancelled = True
            self.processed += 1
            timer.callback(*timer.args)
        return True

    def run(self, seconds: float) -> None:
        """Process every timer due at or before ``now + seconds`` and leave ``now`` there."""
        if seconds < 0:
            raise ValueError(f"cannot run backwards in time ({seconds!r} s)")
        end = self.now_ns + to_ns(seconds)
        while self._fire_until(end):
            pass
        self.now_ns = end

    def run_until(self, cond: Callable[[], bool], timeout: float) -> float:
        """Run until ``cond()`` holds, checked after each instant; return the simulated time taken.

        Raises ``TimeoutError`` if it still does not hold ``timeout`` seconds later (``now`` is then
        the deadline).
        """
        start = self.now_ns
        end = start + to_ns(timeout)
        if cond():
            return 0.0
        while self._fire_until(end):
            if cond():
                return (self.now_ns - start) / NS
        self.now_ns = end
        if cond():
            return (self.now_ns - start) / NS
        raise TimeoutError(f"condition not met after {timeout:g} simulated seconds")
