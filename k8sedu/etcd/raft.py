"""etcd's Raft: members elect a leader, replicate a log of writes and commit on a quorum.

Models go.etcd.io/raft (``raft.go``) as etcd v3.6 runs it (``server/etcdserver/raft.go``, PreVote
and CheckQuorum on). This module holds the log; ``election.py`` the timers and votes, with etcd's
timing: heartbeats every 100 ms, an election timeout of 1000 ms randomised to 1000–1900 ms.

* **Leader election.** A follower that hears no heartbeat for its election timeout asks the
  members it reaches for a *pre-vote*; with a quorum (``floor(n/2) + 1``) of yeses it raises its
  term, votes for itself and asks for real votes. A member grants a vote if the candidate's log is
  at least as up to date as its own and it has not voted in that term — and not while it still
  hears a leader (the CheckQuorum "lease"), so a member that comes back from a partition does
  not depose a healthy leader.
* **Log replication.** Every write is an entry in the leader's log; the leader sends it to every
  follower it reaches, which drops any conflicting suffix and takes the leader's. Once a quorum
  holds an entry of the leader's term, it and everything before it is committed and applied.
* **Follower forwarding, linearizable reads.** A write sent to a follower is forwarded to its
  leader; a linearizable read asks the leader to confirm it still has a quorum (ReadIndex).
  Without a quorum both fail with etcd's error, ``etcdserver: request timed out``.
* **CheckQuorum.** A leader that has not heard from a quorum during a whole election timeout
  steps down, so a leader cut off in a minority stops claiming to lead.

Terms, campaigns, elections and step-downs are recorded in the trace (component ``etcd``).

Simplified, and why:

* messages are instant and never lost between connected members; only timers take time. A stable
  cluster schedules nothing: heartbeats are implied, not sent, and a follower that stops hearing
  its leader counts its timeout from the leader's last heartbeat tick.
* one state machine: committed entries are applied once, to one MVCC store (``store.py``) that
  every member shares (etcd applies them on each member). ``check()`` asserts the Raft
  invariants that make this equivalent — above all that no member ever holds a different entry
  where one was committed.
* a proposal that cannot commit at once fails at once (etcd waits up to its request timeout,
  7 s); its entry stays in the leader's log and may still commit later, as in etcd.
* no snapshots (the log keeps one term per entry), no membership changes, no learners, no leader
  transfer; lease expiry deletes keys in the store directly instead of through a proposal.
* the cluster starts formed, as kubeadm leaves it: the first member leads at term 2, the log
  holding one configuration entry per member (term 1) and the new leader's empty entry.
"""

from __future__ import annotations

from k8sedu.errors import InternalError
from k8sedu.etcd.election import ELECTION_TICKS, FOLLOWER, LEADER, Elections
from k8sedu.sim import Sim, Timer


class EtcdTimeout(InternalError):
    """etcd could not commit or linearizably read (no leader, or no quorum): ``ErrTimeout``
    (``server/etcdserver/errors``). kube-apiserver passes it on as an HTTP 500 with this message."""

    def __init__(self, message: str = "etcdserver: request timed out", **kwargs) -> None:
        super().__init__(message, **kwargs)


class Member:
    """One member's Raft state. ``log[i]`` is the term of entry ``i + 1``."""

    __slots__ = (
        "name", "up", "role", "term", "voted_for", "leader", "log", "commit",
        "ticks", "heard_ns", "since_ns", "timer",
    )  # fmt: skip

    def __init__(self, name: str) -> None:
        self.name = name
        self.up = True
        self.role = FOLLOWER
        self.term = 0
        self.voted_for: str | None = None
        self.leader: str | None = None
        self.log: list[int] = []
        self.commit = 0
        self.ticks = ELECTION_TICKS  # this term's randomised election timeout
        self.heard_ns = 0  # the last heartbeat it heard (counted from once it stops hearing)
        self.since_ns = 0  # when it became leader: its heartbeat ticks are since + k·tick
        self.timer: Timer | None = None  # election timeout, or a leader's CheckQuorum step-down

    def last(self) -> tuple[int, int]:
        """(last term, last index): how up to date the log is."""
        return (self.log[-1] if self.log else 0), len(self.log)

    def __repr__(self) -> str:
        return f"<Member {self.name} {self.role} term={self.term} index={len(self.log)}>"


class Raft(Elections):
    """Consensus among ``names`` over one store; ``propose`` and ``read_index`` are the doors."""

    def __init__(self, sim: Sim, names: list[str], store, trace=None) -> None:
        if len(set(names)) != len(names) or not names:
            raise ValueError(f"members need distinct names, got {names!r}")
        self.sim = sim
        self.store = store
        self.trace = trace
        self.rng = sim.rng("etcd/raft")
        self.members = {name: Member(name) for name in names}
        self.quorum = len(names) // 2 + 1
        self.listeners: list = []  # called (at the same instant) after any change
        self.applied = 0  # entries applied to the store
        self._applied_term = 0
        self._ops: dict[tuple[int, int], tuple] = {}  # (term, index) -> op, until applied
        self._cut: set[tuple[str, str]] = set()  # partitioned pairs; only ever tested
        self._beats: dict[str, Timer] = {}  # leader -> its next heartbeat, while one is needed
        self._notifying = False
        for m in self.members.values():
            m.term, m.log, m.commit = 1, [1] * len(names), len(names)
            self._randomize(m)
        self.applied, self._applied_term = len(names), 1
        first = self.members[names[0]]
        first.term, first.voted_for = 2, first.name
        self._become_leader(first)

    # -- the doors ----------------------------------------------------------------------------

    def ready(self, name: str) -> bool:
        """Whether a request sent to member ``name`` can commit now: it hears a leader that
        reaches a quorum."""
        m = self.members[name]
        if not m.up or m.leader is None:
            return False
        lead = self.members[m.leader]
        return self._hears(m) and self._reach_count(lead) >= self.quorum

    def propose(self, via: str, op: tuple):
        """Replicate ``op`` (``("put", key, value, lease)``, ``("txn", …)`` …: an ``Etcd`` method
        and its arguments) through member ``via``; return what applying it returned."""
        m = self.members[via]
        if not (m.up and m.leader is not None and self._hears(m)):
            raise EtcdTimeout()  # no leader to forward to: the proposal is dropped
        lead = self.members[m.leader]
        index = self._append(lead, op)
        result = self._replicate(lead, index)
        self._changed()
        if lead.commit < index:
            raise EtcdTimeout()  # appended, not committed: it may still commit later
        if isinstance(result, Exception):
            raise result
        return result

    def read_index(self, via: str) -> None:
        """A linearizable read through ``via``: the leader confirms its quorum (ReadIndex)."""
        if not self.ready(via):
            raise EtcdTimeout()
        self._replicate(self.members[self.members[via].leader])

    @property
    def leader(self) -> str | None:
        """The leader a quorum follows, or None while there is none."""
        for m in self.members.values():
            if m.up and m.role == LEADER and self._reach_count(m) >= self.quorum:
                return m.name
        return None

    # -- faults -------------------------------------------------------------------------------

    def stop(self, name: str) -> None:
        """The member's process dies: it keeps its term, vote and log (they are on disk)."""
        m = self.members[name]
        if not m.up:
            return
        m.up, m.role, m.leader = False, FOLLOWER, None
        self._cancel(m)
        self._refresh()

    def start(self, name: str) -> None:
        """The member comes back as a follower and waits for a leader's heartbeat."""
        m = self.members[name]
        if m.up:
            return
        m.up, m.role, m.leader = True, FOLLOWER, None
        self._arm(m, self.sim.now_ns)
        self._refresh()

    def partition(self, *groups: list[str]) -> None:
        """Cut the network between every two groups of members (within a group, links stay)."""
        for group in groups:
            for name in group:
                if name not in self.members:
                    raise KeyError(f"no etcd member {name!r} (members: {', '.join(self.members)})")
        for i, group in enumerate(groups):
            for other in groups[i + 1 :]:
                for a in group:
                    for b in other:
                        if a != b:
                            self._cut.add(_pair(a, b))
        self._record("partition", "network", " | ".join(",".join(g) for g in groups))
        self._refresh()

    def heal(self) -> None:
        """Restore every link."""
        self._cut.clear()
        self._record("heal", "network", "")
        self._refresh()

    # -- what a widget shows --------------------------------------------------------------------

    def status(self) -> list[dict]:
        """Each member's role, term, leader, last log index and commit (= applied) index."""
        return [
            {
                "name": m.name,
                "up": m.up,
                "role": m.role,
                "leader": m.leader if m.up else None,
                "term": m.term,
                "raft_index": len(m.log),
                "commit_index": m.commit,
                "applied_index": m.commit,
            }
            for m in self.members.values()
        ]

    def check(self) -> None:
        """Assert Raft's safety invariants (Raft paper, figure 3): one leader per term, every
        committed entry held unchanged by every member that has committed that far, and every
        leader holding every applied entry."""
        terms = [m.term for m in self.members.values() if m.role == LEADER]
        assert len(terms) == len(set(terms)), f"two leaders in one term: {self.status()}"
        longest = max(self.members.values(), key=lambda m: m.commit)
        newest = max(terms, default=None)
        for m in self.members.values():
            assert m.commit <= len(m.log), f"{m.name} committed past its log"
            assert m.log[: m.commit] == longest.log[: m.commit], f"{m.name}: committed log differs"
            # Leader Completeness binds the leader of the newest term; a deposed leader cut off
            # by a partition may still believe it leads an older term until CheckQuorum fires
            if m.role == LEADER and m.term == newest:
                assert m.log[: self.applied] == longest.log[: self.applied], (
                    f"{m.name} lacks entries"
                )

    # -- replication --------------------------------------------------------------------------

    def _append(self, lead: Member, op: tuple | None) -> int:
        lead.log.append(lead.term)
        index = len(lead.log)
        if op is not None:
            self._ops[(lead.term, index)] = op
        return index

    def _replicate(self, lead: Member, want: int = 0):
        """One AppendEntries round from ``lead`` to every member it reaches; commit on a quorum.
        Returns what applying entry ``want`` returned, if this round applied it."""
        reached = [m for m in self.members.values() if m is not lead and self._linked(lead, m)]
        higher = max((m.term for m in reached), default=0)
        if higher > lead.term:  # a newer term exists: this leader is stale
            self._step_down(lead, higher, "saw a higher term")
            return None
        for m in reached:
            self._follow(m, lead)
        result = None
        if len(reached) + 1 >= self.quorum and len(lead.log) > lead.commit:
            result = self._commit(lead, len(lead.log), want)
        for m in reached:  # a commit index never goes back
            m.commit = max(m.commit, min(lead.commit, len(m.log)))
        return result

    def _follow(self, m: Member, lead: Member) -> None:
        """``m`` takes ``lead``'s term, heartbeat and log (keeping the part that matches)."""
        if m.term < lead.term:
            m.term, m.voted_for = lead.term, None
            self._randomize(m)
        m.role, m.leader = FOLLOWER, lead.name
        self._cancel(m)
        i = m.commit
        if i and (i > len(lead.log) or lead.log[i - 1] != m.log[i - 1]):
            raise AssertionError(f"raft safety: leader {lead.name} lacks entry {i} committed")
        n = min(len(m.log), len(lead.log))
        while i < n and m.log[i] == lead.log[i]:
            i += 1
        del m.log[i:]  # entries of an older term that never committed
        m.log.extend(lead.log[i:])

    def _commit(self, lead: Member, upto: int, want: int):
        if self.applied and lead.log[self.applied - 1] != self._applied_term:
            raise AssertionError(f"raft safety: leader {lead.name} lost applied entries")
        lead.commit = upto
        result = None
        for index in range(self.applied + 1, upto + 1):
            op = self._ops.pop((lead.log[index - 1], index), None)
            if op is not None:
                applied = self._apply(op)
                if index == want:
                    result = applied
        self.applied, self._applied_term = upto, lead.log[upto - 1]
        if self._ops:  # proposals overwritten by another leader's entries never apply
            self._ops = {key: op for key, op in self._ops.items() if key[1] > upto}
        return result

    def _apply(self, op: tuple):
        name, *args = op
        try:
            return getattr(self.store, name)(*args)
        except Exception as error:  # the proposer gets it; the entry stays committed (a no-op)
            return error

    # -- helpers ------------------------------------------------------------------------------

    def _linked(self, a: Member, b: Member) -> bool:
        return a.up and b.up and (a is b or _pair(a.name, b.name) not in self._cut)

    def _reach(self, m: Member) -> list[Member]:
        return [x for x in self.members.values() if self._linked(m, x)]

    def _reach_count(self, m: Member) -> int:
        return sum(1 for x in self.members.values() if self._linked(m, x))

    def _record(self, verb: str, key: str, detail) -> None:
        if self.trace is not None:
            self.trace.record(self.sim.now, "etcd", verb, "raft", key, detail)

    def _changed(self) -> None:
        if self.listeners and not self._notifying:
            self._notifying = True
            self.sim.schedule(0, self._notify)

    def _notify(self) -> None:
        self._notifying = False
        for listener in self.listeners:
            listener()


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)
