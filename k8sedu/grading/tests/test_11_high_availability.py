"""Graded tests of exercise 11 (high availability): one retry of a lease-based leader election.

``step(record, me, now, observed_time, config) -> (record to write or None, leading)`` has the
contract of ``k8sedu.client.leaderelection.step`` (client-go's ``tryAcquireOrRenew``), with the
renew deadline folded in. The rules, from ``leaderelection.go`` of Kubernetes v1.34 (REFERENCE §7):

* no Lease yet: create it — ``(me, leaseDuration, now, now, 0)``;
* held by another identity and ``now < observed_time + record.lease_duration_seconds``: wait
  (``isLeaseValid``: the lease is valid while ``observedTime + leaseDuration`` is after now; the
  holder's own timestamps are never trusted, only when *we* saw the record change);
* held by ``me``: renew (keep acquireTime and leaseTransitions, renewTime = now) — unless the last
  renew is more than ``renewDeadline`` old: then stop leading (the renew loop's timeout);
* otherwise (released or expired): take it, ``leaseTransitions + 1``.

Besides table cases, the function runs three candidates on seeded random timelines (crashes,
restarts, machines cut off from the API server) and must keep: never two leaders; a standby
takes over within ``leaseDuration + 2 × retryPeriod × (1 + 1.2)`` of a crash, never before the
lease ran out; a cut-off leader steps down within one retry after ``renewDeadline``. The graded
tests ship without hypothesis (a learner's install has pytest only), so timelines come from a
seeded ``random.Random``. Last, the function decides the real kube-scheduler's election.
"""

import heapq
import random
from dataclasses import dataclass

import pytest

import k8sedu as k
from k8sedu.client import leaderelection
from k8sedu.client.leaderelection import JITTER_FACTOR, Config, Record

CFG = Config()  # the recommended defaults: 15 s, 10 s, 2 s
ME, OTHER = "cp1_me", "cp2_other"
THEIRS = Record(OTHER, 15, acquire_time=0.0, renew_time=8.0, lease_transitions=2)
MINE = Record(ME, 15, acquire_time=0.0, renew_time=8.0, lease_transitions=2)


def mine(acquire: float, renew: float, transitions: int) -> Record:
    return Record(ME, 15, acquire, renew, transitions)


def decide(submission, record, now, observed, config=CFG) -> tuple:
    got = submission.step(record, ME, now, observed, config)
    assert isinstance(got, tuple) and len(got) == 2, (
        f"step returns a pair (record to write or None, leading), not {got!r}"
    )
    new, leading = got
    return (None if new is None else Record(*new)), leading


def explain(record, now, observed) -> str:
    if record is None:
        return f"no Lease yet, now={now:g}"
    holder = "you" if record.holder_identity == ME else repr(record.holder_identity or "")
    return (
        f"Lease held by {holder} (renewTime {record.renew_time:g}, leaseDurationSeconds "
        f"{record.lease_duration_seconds}), you saw it change at {observed:g}, now={now:g}"
    )


def check(submission, record, now, observed, want, leading, config=CFG) -> None:
    got = decide(submission, record, now, observed, config)
    assert got == (want, leading), (
        f"{explain(record, now, observed)}: expected {(want, leading)}, got {got}"
    )


# -- part 1: one retry ---------------------------------------------------------------------------

ACQUIRE = [
    pytest.param(None, 5.0, 0.0, mine(5, 5, 0), True, id="no-lease-create-it"),
    pytest.param(THEIRS._replace(holder_identity=""), 9.0, 8.0, mine(9, 9, 3), True, id="released"),
    pytest.param(THEIRS, 40.0, 20.0, mine(40, 40, 3), True, id="expired-by-our-clock"),
    pytest.param(
        THEIRS._replace(renew_time=1e9), 40.0, 20.0, mine(40, 40, 3), True,
        id="expired-whatever-renewTime-says",
    ),
]  # fmt: skip

WAIT = [
    pytest.param(THEIRS, 22.9, 8.0, None, False, id="seen-14.9-s-ago"),
    pytest.param(THEIRS, 12.0, 8.0, None, False, id="seen-4-s-ago"),
    pytest.param(
        THEIRS._replace(renew_time=0.0), 25.0, 20.0, None, False,
        id="renewTime-old-but-just-seen",
    ),
    pytest.param(
        THEIRS._replace(lease_duration_seconds=60), 40.0, 8.0, None, False,
        id="the-holders-60-s-lease",
    ),
]  # fmt: skip

RENEW = [
    pytest.param(MINE, 10.0, 8.0, mine(0, 10, 2), True, id="renew-keeps-acquireTime"),
    pytest.param(MINE, 17.9, 8.0, mine(0, 17.9, 2), True, id="renew-9.9-s-after-the-last"),
    pytest.param(mine(3, 30, 7), 32.0, 30.0, mine(3, 32, 7), True, id="renew-keeps-transitions"),
]

STEP_DOWN = [
    pytest.param(MINE, 18.5, 8.0, None, False, id="10.5-s-without-a-renew"),
    pytest.param(MINE, 48.0, 8.0, None, False, id="40-s-without-a-renew"),
]


@pytest.mark.points(1)
@pytest.mark.hint(
    "A Lease nobody holds (none yet, or holderIdentity empty) or one that expired is yours to take."
)
@pytest.mark.parametrize(("record", "now", "observed", "want", "leading"), ACQUIRE)
def test_take_a_free_or_expired_lease(submission, record, now, observed, want, leading):
    """A candidate creates a missing Lease and takes a released or expired one."""
    check(submission, record, now, observed, want, leading)


@pytest.mark.points(1)
@pytest.mark.hint(
    "Judge expiry by your own clock: observed_time + record.lease_duration_seconds, never the "
    "holder's renewTime (its clock may differ), and not renewDeadline."
)
@pytest.mark.parametrize(("record", "now", "observed", "want", "leading"), WAIT)
def test_wait_while_another_holds_it(submission, record, now, observed, want, leading):
    """Another holder's Lease is left alone until it has been unchanged for its leaseDuration."""
    check(submission, record, now, observed, want, leading)


@pytest.mark.points(1)
@pytest.mark.hint("The holder writes renewTime = now and keeps acquireTime and leaseTransitions.")
@pytest.mark.parametrize(("record", "now", "observed", "want", "leading"), RENEW)
def test_the_holder_renews(submission, record, now, observed, want, leading):
    """The holder renews: renewTime moves, acquireTime and leaseTransitions stay."""
    check(submission, record, now, observed, want, leading)


@pytest.mark.points(1)
@pytest.mark.hint(
    "A holder whose last renew is more than renewDeadline old must stop leading (write nothing): "
    "the others may take the Lease soon."
)
@pytest.mark.parametrize(("record", "now", "observed", "want", "leading"), STEP_DOWN)
def test_the_holder_steps_down_after_renew_deadline(
    submission, record, now, observed, want, leading
):
    """A holder that could not renew within renewDeadline stops leading."""
    check(submission, record, now, observed, want, leading)


@pytest.mark.points(1)
@pytest.mark.hint(
    "isLeaseValid: observedTime + leaseDuration must be *after* now. Seen exactly "
    "leaseDuration ago, the Lease has expired."
)
def test_expired_exactly_at_lease_duration(submission):
    """Seen unchanged for exactly leaseDuration, the Lease has expired: take it."""
    check(submission, THEIRS, 23.0, 8.0, mine(23, 23, 3), True)


@pytest.mark.points(1)
@pytest.mark.hint("leaseTransitions counts changes of holder: +1 on every takeover, 0 on create.")
@pytest.mark.parametrize(
    ("record", "now", "observed", "transitions"),
    [
        pytest.param(THEIRS._replace(lease_transitions=0), 30.0, 10.0, 1, id="first-takeover"),
        pytest.param(THEIRS._replace(lease_transitions=9), 30.0, 10.0, 10, id="tenth-takeover"),
    ],
)
def test_a_takeover_counts_a_transition(submission, record, now, observed, transitions):
    """Taking the Lease from another holder increments leaseTransitions."""
    new, _ = decide(submission, record, now, observed)
    got = None if new is None else new.lease_transitions
    assert got == transitions, (
        f"{explain(record, now, observed)}: leaseTransitions should become {transitions}, got {got}"
    )


@pytest.mark.hidden
@pytest.mark.points(1)
@pytest.mark.parametrize(
    ("record", "now", "observed", "want", "leading", "config"),
    [
        pytest.param(THEIRS._replace(lease_duration_seconds=8), 15.9, 8.0, None, False,
                     Config(8, 5, 2), id="short-lease-wait"),
        pytest.param(THEIRS._replace(lease_duration_seconds=8), 16.0, 8.0,
                     Record(ME, 8, 16.0, 16.0, 3), True, Config(8, 5, 2), id="short-lease-take"),
        pytest.param(Record(ME, 8, 0.0, 8.0, 0), 13.5, 8.0, None, False, Config(8, 5, 2),
                     id="short-deadline-step-down"),
        pytest.param(Record(ME, 8, 0.0, 8.0, 0), 12.0, 8.0, Record(ME, 8, 0.0, 12.0, 0), True,
                     Config(8, 5, 2), id="short-deadline-renew"),
        pytest.param(THEIRS._replace(lease_duration_seconds=60), 68.0, 8.0,
                     mine(68, 68, 3), True, CFG, id="the-holders-60-s-lease-expires"),
    ],
)  # fmt: skip
def test_other_timings(submission, record, now, observed, want, leading, config):
    """The same rules with other durations: the record's leaseDurationSeconds, the config's deadline."""
    check(submission, record, now, observed, want, leading, config)


# -- part 2: three candidates on a timeline ------------------------------------------------------


@dataclass
class Candidate:
    """One copy of the component: a process that may crash and a network that may be cut."""

    machine: str
    identity: str = ""
    incarnation: int = 0
    observed: Record | None = None
    observed_time: float = 0.0
    leading: bool = False
    running: bool = True
    reachable: bool = True

    def restart(self) -> None:
        """A new process: a new identity, nothing observed (client-go's elector starts afresh)."""
        self.incarnation += 1
        self.identity = f"{self.machine}_{self.incarnation}"
        self.observed, self.observed_time, self.leading = None, 0.0, False


class Election:
    """Candidates retrying ``decide`` against one Lease, as LeaderElector drives ``step``.

    A leader retries every retryPeriod, the others every retryPeriod plus up to 1.2 × more
    (``wait.JitterUntil``); a candidate that can reach the API reads the Lease (its observed time
    moves when the record changed) and writes what ``decide`` returns; a cut-off one decides on
    what it saw last and its writes fail. A leader that stops leading restarts as a new process.
    ``problems`` lists every moment the one-leader rule broke.
    """

    def __init__(self, decide, config: Config, seed: int, machines=("cp1", "cp2", "cp3")):
        self.decide, self.config = decide, config
        self.rng = random.Random(seed)
        self.now = 0.0
        self.lease: Record | None = None
        self.candidates = {m: Candidate(m) for m in machines}
        self.writes: list[tuple[float, Record | None, Record]] = []  # (time, before, after)
        self.spans: list[list] = []  # [identity, from, to]
        self.problems: list[str] = []
        self._queue: list[tuple[float, int, str, int]] = []
        self._seq = 0
        for machine in machines:
            self.start(machine)

    def leader(self) -> Candidate | None:
        return next((c for c in self.candidates.values() if c.running and c.leading), None)

    def run(self, until: float) -> None:
        while self._queue and self._queue[0][0] <= until:
            time, _, machine, incarnation = heapq.heappop(self._queue)
            c = self.candidates[machine]
            if c.running and c.incarnation == incarnation:
                self.now = time
                self._retry(c)
        self.now = until

    # -- faults ---------------------------------------------------------------------------------

    def start(self, machine: str) -> None:
        c = self.candidates[machine]
        c.running = True
        c.restart()
        self._later(c, 0.0)

    def crash(self, machine: str) -> None:
        c = self.candidates[machine]
        self._lead(c, False)
        c.running = False

    def cut(self, machine: str) -> None:
        self.candidates[machine].reachable = False

    def heal(self, machine: str) -> None:
        self.candidates[machine].reachable = True

    # -- one retry ------------------------------------------------------------------------------

    def _retry(self, c: Candidate) -> None:
        if c.reachable:
            if self.lease != c.observed:  # it changed: its lease duration counts from now
                c.observed, c.observed_time = self.lease, self.now
            new, leading = self.decide(
                self.lease, c.identity, self.now, c.observed_time, self.config
            )
            if new is not None:
                new = Record(*new)
                self.writes.append((self.now, self.lease, new))
                self.lease = c.observed = new
                c.observed_time = self.now
            self._lead(c, bool(leading))
        else:  # the API server is out of reach: decide on what was seen last; writes fail
            _, leading = self.decide(c.observed, c.identity, self.now, c.observed_time, self.config)
            self._lead(c, c.leading and bool(leading))
        if c.running and not c.leading and any(s[0] == c.identity for s in self.spans):
            c.restart()  # lost the Lease: the process exits and comes back as a new candidate
        cfg = self.config
        jitter = 0.0 if c.leading else cfg.retry_period * JITTER_FACTOR * self.rng.random()
        self._later(c, cfg.retry_period + jitter)
        self._check()

    def _lead(self, c: Candidate, leading: bool) -> None:
        if leading and not c.leading:
            self.spans.append([c.identity, self.now, None])
        elif c.leading and not leading:
            next(s for s in self.spans if s[0] == c.identity and s[2] is None)[2] = self.now
        c.leading = leading

    def _later(self, c: Candidate, delay: float) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (self.now + delay, self._seq, c.machine, c.incarnation))

    def _check(self) -> None:
        leaders = [c for c in self.candidates.values() if c.running and c.leading]
        holder = self.lease.holder_identity if self.lease else None
        if len(leaders) > 1:
            names = " and ".join(c.identity for c in leaders)
            self.problems.append(f"at t={self.now:.2f}s two leaders at once: {names}")
        for c in leaders:
            if c.reachable and holder != c.identity:
                self.problems.append(
                    f"at t={self.now:.2f}s {c.identity} leads but the Lease names {holder!r}"
                )

    def last_renew(self, identity: str) -> float:
        return max(t for t, _, new in self.writes if new.holder_identity == identity)


def random_faults(rng: random.Random, machines, end: float) -> list[tuple[float, str, str]]:
    """Crashes (restarted 5–40 s later) and cuts (healed 5–40 s later), one every 10–50 s."""
    faults, t = [], 20.0
    while t < end:
        machine = rng.choice(machines)
        kind = rng.choice(["crash", "cut"])
        back = t + rng.uniform(5, 40)
        faults += [(t, kind, machine), (back, "start" if kind == "crash" else "heal", machine)]
        t += rng.uniform(10, 50)
    return sorted(faults)


def play(submission, config: Config, seed: int, end: float = 400.0) -> Election:
    election = Election(submission.step, config, seed)
    rng = random.Random(f"faults/{seed}")
    for t, kind, machine in random_faults(rng, list(election.candidates), end):
        election.run(t)
        c = election.candidates[machine]
        if kind == "start" and c.running:
            continue
        getattr(election, kind)(machine)
    election.run(end)
    return election


def assert_one_leader(election: Election) -> None:
    assert not election.problems, (
        f"{election.problems[0]} — a standby may take the Lease only leaseDuration after it last "
        "saw it change, and a holder that cannot renew within renewDeadline must step down first"
    )


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_never_two_leaders_on_random_timelines(submission, seed):
    """Crashes, restarts and cut-off machines at random: never two leaders at once."""
    assert_one_leader(play(submission, CFG, seed))


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.parametrize(
    ("seed", "config"), [(4, CFG), (5, Config(8, 5, 2)), (6, Config(30, 20, 4))]
)
def test_never_two_leaders_on_hidden_timelines(submission, seed, config):
    """More timelines, with other timings: never two leaders at once."""
    assert_one_leader(play(submission, config, seed))


@pytest.mark.points(1)
@pytest.mark.hint(
    "leaseTransitions counts changes of holder: +1 on a takeover, unchanged on a renew."
)
@pytest.mark.parametrize("seed", [1, 7])
def test_lease_transitions_count_the_holders(submission, seed):
    """Over a random timeline, leaseTransitions goes up by one exactly when the holder changes."""
    election = play(submission, CFG, seed)
    for t, before, after in election.writes:
        if before is None:
            want = 0
        elif after.holder_identity != before.holder_identity:
            want = before.lease_transitions + 1
        else:
            want = before.lease_transitions
        assert after.lease_transitions == want, (
            f"at t={t:.2f}s {after.holder_identity} wrote leaseTransitions "
            f"{after.lease_transitions} over {before}: expected {want}"
        )


def crash_the_leader(submission, config: Config, seed: int) -> tuple[float, float, float]:
    """Crash the leader at a random moment: (its last renew, the crash, the next leader's start)."""
    election = Election(submission.step, config, seed)
    election.run(random.Random(seed).uniform(20, 60))
    leader = election.leader()
    assert leader is not None, (
        f"at t={election.now:.1f}s, with every candidate healthy, nobody leads"
    )
    renewed, crashed = election.last_renew(leader.identity), election.now
    election.crash(leader.machine)
    deadline = crashed + config.lease_duration + 2 * config.retry_period * (1 + JITTER_FACTOR)
    election.run(deadline)
    took = [start for identity, start, _ in election.spans if start > crashed]
    return renewed, crashed, (took[0] if took else None)


@pytest.mark.points(2)
@pytest.mark.hint(
    "A standby that has seen the Lease unchanged for leaseDuration takes it at its next retry — "
    "not before: it cannot tell a crashed leader from a slow one."
)
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_standby_takes_over_after_a_crash(submission, seed):
    """After the leader crashes, a standby leads after leaseDuration, within two jittered retries."""
    renewed, crashed, took = crash_the_leader(submission, CFG, seed)
    latest = crashed + CFG.lease_duration + 2 * CFG.retry_period * (1 + JITTER_FACTOR)
    assert took is not None, (
        f"the leader crashed at t={crashed:.2f}s; nobody led by t={latest:.2f}s"
    )
    assert took >= renewed + CFG.lease_duration, (
        f"the leader last renewed at t={renewed:.2f}s and crashed at {crashed:.2f}s; a standby took "
        f"over at {took:.2f}s, before the lease ({CFG.lease_duration:g} s) could have run out"
    )


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.parametrize(("seed", "config"), [(5, Config(8, 5, 2)), (6, Config(30, 20, 4))])
def test_a_standby_takes_over_with_other_timings(submission, seed, config):
    """The same takeover with other leaseDuration and retryPeriod."""
    renewed, crashed, took = crash_the_leader(submission, config, seed)
    assert took is not None and took >= renewed + config.lease_duration, (
        f"the leader last renewed at t={renewed:.2f}s and crashed at {crashed:.2f}s; "
        f"the next leader started at {took}"
    )


def cut_off_the_leader(
    submission, config: Config, seed: int
) -> tuple[float, float | None, Election]:
    """Cut the leader off the API server: (its last renew, when it stopped leading)."""
    election = Election(submission.step, config, seed)
    election.run(random.Random(seed).uniform(20, 60))
    leader = election.leader()
    assert leader is not None, (
        f"at t={election.now:.1f}s, with every candidate healthy, nobody leads"
    )
    identity = leader.identity
    election.cut(leader.machine)
    election.run(election.now + 3 * config.lease_duration)
    renewed = election.last_renew(identity)
    stopped = next(end for who, _, end in election.spans if who == identity)
    return renewed, stopped, election


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_cut_off_leader_steps_down(submission, seed):
    """A leader that cannot reach the API server stops leading once renewDeadline has passed."""
    renewed, stopped, election = cut_off_the_leader(submission, CFG, seed)
    latest = renewed + CFG.renew_deadline + CFG.retry_period
    assert stopped is not None and stopped <= latest + 1e-9, (
        f"the leader last renewed at t={renewed:.2f}s, then lost the API server; it should stop "
        f"leading by t={latest:.2f}s (renewDeadline {CFG.renew_deadline:g} s + one retry), but "
        f"{'still leads' if stopped is None else f'stopped at {stopped:.2f}s'}"
    )
    assert stopped >= renewed + CFG.renew_deadline - 1e-9, (
        f"the leader last renewed at t={renewed:.2f}s and stepped down at {stopped:.2f}s: "
        f"it may keep leading for renewDeadline ({CFG.renew_deadline:g} s)"
    )
    assert_one_leader(election)


@pytest.mark.hidden
@pytest.mark.points(1)
def test_a_cut_off_leader_steps_down_with_other_timings(submission):
    """The same with renewDeadline 5 s and leaseDuration 8 s."""
    config = Config(8, 5, 2)
    renewed, stopped, election = cut_off_the_leader(submission, config, 8)
    assert stopped is not None and stopped <= renewed + 5 + 2 + 1e-9, (
        f"last renew at t={renewed:.2f}s, renewDeadline 5 s: stepped down at {stopped}"
    )
    assert_one_leader(election)


# -- part 3: inside the real kube-scheduler ------------------------------------------------------

WEB = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "k8sedu/web:1.0"}]},
        },
    },
}


def running(cluster) -> int:
    pods = cluster.api.list("pods", label_selector="app=web")
    return sum(p["status"].get("phase") == "Running" for p in pods)


@pytest.mark.points(3)
@pytest.mark.hint("Run the notebook's cluster with your step and compare with the leases you see.")
def test_the_real_scheduler_elects_with_your_step(submission, monkeypatch):
    """Three kube-schedulers elect with your function: a standby takes over a crashed leader."""
    monkeypatch.setattr(leaderelection, "step", submission.step)
    cluster = k.Cluster(nodes=1, control_planes=3)
    cluster.apply(WEB)
    cluster.run_until(lambda c: running(c) == 2, timeout=60)
    leader = cluster.component("kube-scheduler")
    assert leader.leading, "with your step, no kube-scheduler took the Lease"
    cluster.stop(leader.name)
    took = cluster.run_until(lambda c: c.component("kube-scheduler").leading, timeout=60)
    # the crash came within one retryPeriod of a renew
    low, high = CFG.lease_duration - CFG.retry_period, 15 + 2 * 2 * (1 + JITTER_FACTOR)
    assert low < took < high, (
        f"the standby took over {took:.1f} s after the crash, not in ({low}, {high})"
    )
    lease = cluster.api.get("leases", "kube-scheduler", "kube-system")["spec"]
    assert lease["leaseTransitions"] == 1, f"one takeover, but leaseTransitions is {lease}"
    cluster.kubectl("scale deployment web --replicas=4")
    cluster.run_until(lambda c: running(c) == 4, timeout=60)
