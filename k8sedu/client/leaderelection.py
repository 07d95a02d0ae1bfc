"""Leader election through a Lease, as client-go's ``tools/leaderelection`` does it.

kube-scheduler and kube-controller-manager run on every control-plane machine, but only one copy
of each may act: the one that holds the Lease ``kube-system/<component>``. Each copy, identified
as ``<machine>_<uuid>``, tries every ``retryPeriod`` (2 s, jittered up to ×1.2 more) to take the
Lease; the holder renews it every 2 s; the others may take it only once they have seen it
unchanged for ``leaseDuration`` (15 s) — by their own clock, never trusting the holder's
timestamps. A holder that cannot renew within ``renewDeadline`` (10 s) stops leading first, so two
copies never act at once. Defaults: ``component-base/config/v1alpha1/defaults.go``
(``RecommendedDefaultLeaderElectionConfiguration``); the algorithm: ``leaderelection.go``
(``tryAcquireOrRenew``, ``acquire``, ``renew``).

The whole decision is one pure function, ``step``; ``LeaderElector`` only reads and writes the
Lease and keeps time::

    >>> cfg = Config()
    >>> held = Record("cp2_x", 15, acquire_time=0.0, renew_time=4.0, lease_transitions=0)
    >>> step(held, "cp1_y", now=18.0, observed_time=4.5, config=cfg)    # seen 13.5 s ago: wait
    (None, False)
    >>> step(held, "cp1_y", now=20.0, observed_time=4.5, config=cfg)    # 15.5 s: expired, take it
    (Record(holder_identity='cp1_y', lease_duration_seconds=15, acquire_time=20.0, renew_time=20.0, lease_transitions=1), True)
    >>> step(held, "cp2_x", now=6.0, observed_time=4.0, config=cfg)     # the holder renews
    (Record(holder_identity='cp2_x', lease_duration_seconds=15, acquire_time=0.0, renew_time=6.0, lease_transitions=0), True)

Simplified: losing the Lease ends the work and the copy goes back to waiting under a new identity
(the real process exits and the kubelet restarts it, which does the same); no coordinated leader
election; a stopped copy never hands its Lease back (kube-scheduler's ``ReleaseOnCancel`` does on
a graceful exit), so a restarted one waits for it to expire. A candidate tries at once when it
starts, so with no Lease yet (a new cluster) it leads at start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from k8sedu import objects
from k8sedu.apiserver.client import Client
from k8sedu.client.events import EventRecorder
from k8sedu.errors import APIError, ConnectionRefused, NotFound

if TYPE_CHECKING:
    from k8sedu.component import Component

JITTER_FACTOR = 1.2  # leaderelection.go JitterFactor


@dataclass(frozen=True)
class Config:
    """``LeaderElectionConfiguration`` in seconds (the recommended defaults)."""

    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0

    def __post_init__(self) -> None:
        # NewLeaderElector's checks, with its messages
        if self.lease_duration <= self.renew_deadline:
            raise ValueError("leaseDuration must be greater than renewDeadline")
        if self.renew_deadline <= JITTER_FACTOR * self.retry_period:
            raise ValueError("renewDeadline must be greater than retryPeriod*JitterFactor")
        if self.retry_period < 1:
            raise ValueError("retryPeriod must be greater than zero")


class Record(NamedTuple):
    """``LeaderElectionRecord``: the Lease spec, times in simulated seconds."""

    holder_identity: str
    lease_duration_seconds: int
    acquire_time: float
    renew_time: float
    lease_transitions: int


def step(
    record: Record | None, me: str, now: float, observed_time: float, config: Config
) -> tuple[Record | None, bool]:
    """One ``tryAcquireOrRenew``: the record ``me`` should write (None: write nothing) and whether
    ``me`` leads once it is written. ``observed_time`` is when ``me`` last saw ``record`` change."""
    desired = Record(me, int(config.lease_duration), now, now, 0)
    if record is None:  # no Lease yet: create it
        return desired, True
    held_by_other = record.holder_identity and record.holder_identity != me
    if held_by_other and observed_time + record.lease_duration_seconds > now:
        return None, False  # "lock is held by %v and has not yet expired"
    if record.holder_identity == me:
        return desired._replace(
            acquire_time=record.acquire_time, lease_transitions=record.lease_transitions
        ), True
    return desired._replace(lease_transitions=record.lease_transitions + 1), True


def record_of(lease: dict, epoch) -> Record:
    spec = lease.get("spec") or {}
    return Record(
        spec.get("holderIdentity") or "",
        int(spec.get("leaseDurationSeconds") or 0),
        _seconds(spec.get("acquireTime"), epoch),
        _seconds(spec.get("renewTime"), epoch),
        int(spec.get("leaseTransitions") or 0),
    )


def lease_spec(record: Record, epoch) -> dict:
    return {
        "holderIdentity": record.holder_identity,
        "leaseDurationSeconds": record.lease_duration_seconds,
        "acquireTime": objects.micro_timestamp(record.acquire_time, epoch),
        "renewTime": objects.micro_timestamp(record.renew_time, epoch),
        "leaseTransitions": record.lease_transitions,
    }


def _seconds(text: str | None, epoch) -> float:
    return objects.parse_timestamp(text, epoch) if text else 0.0


class LeaderElector:
    """Runs ``step`` against the Lease ``namespace/name`` for ``component``, calling
    ``on_started_leading()`` when it takes the Lease and ``on_stopped_leading()`` when it loses it.

    Its timers are its own (``stop()`` ends them), so a component that stops leading can drop
    all of its work without ending the election.
    """

    def __init__(
        self,
        component: Component,
        name: str,
        on_started_leading,
        on_stopped_leading,
        config: Config | None = None,
        namespace: str = "kube-system",
    ) -> None:
        self.component = component
        self.sim = component.sim
        self.trace = component.cluster.trace
        self.epoch = component.cluster.epoch
        self.name = name
        self.namespace = namespace
        self.config = config or Config()
        self.on_started_leading = on_started_leading
        self.on_stopped_leading = on_stopped_leading
        self.client = Client(component.cluster, component.user, component.name)
        self.recorder = EventRecorder(self.client, name)
        self.rng = component.sim.rng(f"leaderelection/{component.name}")
        self.identity = ""
        self.leading = False
        self._lease: dict | None = None  # the Lease as last read or written
        self._observed: Record | None = None
        self._observed_time = 0.0
        self._round_start = 0.0
        self._timer = None

    def __repr__(self) -> str:
        state = "leading" if self.leading else "waiting"
        return f"<LeaderElector {self.namespace}/{self.name} {self.identity} {state}>"

    def start(self) -> None:
        """Begin as a candidate: a fresh identity, nothing observed yet (``acquire``)."""
        host = getattr(self.component, "host_name", "control-plane")
        self.identity = f"{host}_{objects.new_uid(self.rng)}"
        self._lease = self._observed = None
        self._acquire()  # wait.JitterUntil tries at once: with no Lease yet, it leads at start

    def stop(self) -> None:
        """The process ends, as a crash does: the Lease is left to expire (no ``release``)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.leading = False

    # -- the loops ------------------------------------------------------------------------------

    def _acquire(self) -> None:
        """``acquire``: try now, then every retryPeriod with jitter (``wait.JitterUntil``)."""
        if not self._try():
            jitter = self.config.retry_period * JITTER_FACTOR * self.rng.random()
            self._later(self.config.retry_period + jitter, self._acquire)
            return
        self.leading = True
        self._event("became leader")
        self.on_started_leading()
        self._round_start = self.sim.now
        self._renew()  # wait.Until runs the first renew round at once

    def _renew(self) -> None:
        """``renew``: a round tries every retryPeriod until it renews or renewDeadline passes;
        the next round starts retryPeriod after a success."""
        now, cfg = self.sim.now, self.config
        if self._try():
            self._round_start = now + cfg.retry_period
            self._later(cfg.retry_period, self._renew)
        elif now + cfg.retry_period < self._round_start + cfg.renew_deadline:
            self._later(cfg.retry_period, self._renew)
        else:
            self._later(self._round_start + cfg.renew_deadline - now, self._lost)

    def _lost(self) -> None:
        """``failed to renew lease``: stop leading, then wait as a new candidate."""
        self.leading = False
        self._event("stopped leading")
        self.on_stopped_leading()
        self.start()

    # -- one attempt ----------------------------------------------------------------------------

    def _try(self) -> bool:
        """``tryAcquireOrRenew``; True if ``me`` holds the Lease afterwards."""
        now = self.sim.now
        observed = self._observed
        if (
            self.leading
            and observed
            and now < self._observed_time + observed.lease_duration_seconds
        ):
            # the fast path: the leader updates what it last saw, without reading first
            new, _ = step(observed, self.identity, now, self._observed_time, self.config)
            if self._write(new):
                return True
        try:
            self._lease = self.client.get("leases", self.name, self.namespace)
        except NotFound:
            self._lease = None
        except (APIError, ConnectionRefused):
            return False
        record = record_of(self._lease, self.epoch) if self._lease else None
        if record != self._observed:  # it changed: its lease duration counts from now
            self._observed, self._observed_time = record, now
        new, _ = step(record, self.identity, now, self._observed_time, self.config)
        return new is not None and self._write(new)

    def _write(self, record: Record) -> bool:
        spec = lease_spec(record, self.epoch)
        try:
            if self._lease is None:
                body = {
                    "apiVersion": "coordination.k8s.io/v1",
                    "kind": "Lease",
                    "metadata": {"name": self.name, "namespace": self.namespace},
                    "spec": spec,
                }
                self._lease = self.client.create("leases", body, self.namespace)
            else:
                self._lease = self.client.update("leases", {**self._lease, "spec": spec})
        except (APIError, ConnectionRefused):
            return False  # a conflict or no API server: the next attempt reads the Lease again
        self._observed, self._observed_time = record_of(self._lease, self.epoch), self.sim.now
        return True

    def _event(self, what: str) -> None:
        """``RecordEvent``: a trace record, and an Event on the Lease when it can be written."""
        verb = "started-leading" if what == "became leader" else "stopped-leading"
        key = f"{self.namespace}/{self.name}"
        self.trace.record(self.sim.now, self.component.name, verb, "leases", key, self.identity)
        if self._lease is not None:
            self.recorder.event(self._lease, "Normal", "LeaderElection", f"{self.identity} {what}")

    def _later(self, delay: float, callback) -> None:
        self._timer = self.sim.schedule(delay, callback)


def stop_owned_work(component: Component) -> None:
    """End the timers and watches ``component`` owns, leaving it running: what losing the Lease
    ends (``Component.stop`` does the same, then stops the process)."""
    for timer in component._timers:
        timer.cancel()
    for handle in component._watches:
        handle.stop()
    component._timers.clear()
    component._watches.clear()
