"""Raft's leader election and heartbeats, on the simulated clock (part of ``raft.py``).

Models ``raft.go``'s timers as etcd sets them (https://etcd.io/docs/v3.5/tuning/): one tick is the
heartbeat interval, 100 ms; the election timeout is 10 ticks, randomised per term to 10–19 ticks
(``resetRandomizedElectionTimeout``: ``electionTimeout + rand(electionTimeout)``), so two
followers rarely campaign at once. With PreVote a follower first asks whether it *would* win;
with CheckQuorum a member that still hears a leader refuses (its "lease"), and a leader that has
not heard from a quorum for a whole election timeout steps down.

Heartbeats are implied, not sent: while every member hears its leader nothing is scheduled at
all. When the network or a process changes, ``_refresh`` sets the timers the missing heartbeats
would start — a follower's election timeout counted from the leader's last heartbeat tick, a
cut-off leader's CheckQuorum step-down, or one heartbeat to bring a returning member up to date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8sedu.sim import NS

if TYPE_CHECKING:
    from k8sedu.etcd.raft import Member

TICK_NS = NS // 10  # --heartbeat-interval=100 (ms)
ELECTION_TICKS = 10  # --election-timeout=1000 (ms), in ticks
ELECTION_NS = ELECTION_TICKS * TICK_NS

LEADER, FOLLOWER, CANDIDATE, PRE_CANDIDATE = "leader", "follower", "candidate", "pre-candidate"


class Elections:
    """The election half of ``Raft``: timeouts, votes, step-downs and the timers they need."""

    def _on_timeout(self, name: str) -> None:
        """The election timeout ran out: pre-vote, then campaign if a quorum would vote."""
        m = self.members[name]
        m.timer = None
        if not m.up or m.role == LEADER:
            return
        m.leader = None
        yes = [v for v in self._reach(m) if v is m or self._grants(v, m, m.term + 1, pre=True)]
        if len(yes) < self.quorum:
            m.role = PRE_CANDIDATE
            self._arm(m, self.sim.now_ns)
            self._changed()
            return
        m.term, m.role, m.voted_for = m.term + 1, CANDIDATE, m.name
        self._randomize(m)
        self._record("campaign", m.name, {"term": m.term})
        votes = [v for v in self._reach(m) if v is m or self._grants(v, m, m.term, pre=False)]
        if len(votes) >= self.quorum:
            self._become_leader(m)
        else:
            self._arm(m, self.sim.now_ns)
        self._refresh()

    def _grants(self, voter: Member, cand: Member, term: int, *, pre: bool) -> bool:
        """``raft.go`` Step for MsgPreVote / MsgVote."""
        if term < voter.term or (pre and term == voter.term):
            return False
        if voter.leader is not None and (
            voter.role == LEADER
            or self._hears(voter)
            or self.sim.now_ns - voter.heard_ns < ELECTION_NS
        ):
            return False  # in lease: it still hears a leader, so it ignores the request
        if not pre and term > voter.term:  # becomeFollower(term, None)
            voter.term, voter.voted_for, voter.role, voter.leader = term, None, FOLLOWER, None
            self._randomize(voter)
            voter.heard_ns = self.sim.now_ns
            self._arm(voter, voter.heard_ns)
        if not pre and voter.voted_for not in (None, cand.name):
            return False
        if cand.last() < voter.last():
            return False
        if not pre:
            voter.voted_for = cand.name
            voter.heard_ns = self.sim.now_ns  # granting a vote resets its election timer
            self._arm(voter, voter.heard_ns)
        return True

    def _become_leader(self, m: Member) -> None:
        m.role, m.leader = LEADER, m.name
        m.since_ns = m.heard_ns = self.sim.now_ns
        self._cancel(m)
        self._append(m, None)  # the empty entry that commits the earlier terms' entries
        self._record("leader", m.name, {"term": m.term})
        self._replicate(m)

    def _step_down(self, m: Member, term: int, why: str) -> None:
        was_leader = m.role == LEADER
        if term > m.term:
            m.term, m.voted_for = term, None
            self._randomize(m)
        m.role, m.leader = FOLLOWER, None
        m.heard_ns = self.sim.now_ns
        self._arm(m, m.heard_ns)
        if was_leader:
            self._record("step-down", m.name, {"term": m.term, "why": why})

    def _check_quorum(self, name: str, term: int) -> None:
        m = self.members[name]
        m.timer = None
        if m.up and m.role == LEADER and m.term == term:
            if self._reach_count(m) < self.quorum:
                self._step_down(m, m.term, "lost quorum")
            self._refresh()

    def _heartbeat(self, name: str, term: int) -> None:
        self._beats.pop(name, None)
        lead = self.members[name]
        if lead.up and lead.role == LEADER and lead.term == term:
            self._replicate(lead)
            self._refresh()

    def _refresh(self) -> None:
        """After a change of topology or roles, set the timers heartbeats would set."""
        now = self.sim.now_ns
        for m in self.members.values():
            if not m.up:
                continue
            if m.role == LEADER:
                self._refresh_leader(m, now)
            elif self._hears(m):
                self._cancel(m)
            elif m.timer is None:
                if m.leader is not None:  # it heard the leader's last tick before the change
                    m.heard_ns = self._last_tick(self.members[m.leader], now)
                self._arm(m, m.heard_ns)
        self._changed()

    def _refresh_leader(self, m: Member, now: int) -> None:
        if self._reach_count(m) >= self.quorum:
            self._cancel(m)
        elif m.timer is None:
            # CheckQuorum runs every election timeout; it passes once more on the followers'
            # answers to the last heartbeat, then fails
            last = self._last_tick(m, now)
            check = m.since_ns + ((last - m.since_ns) // ELECTION_NS + 1) * ELECTION_NS
            m.timer = self.sim.schedule_at(check + ELECTION_NS, self._check_quorum, m.name, m.term)
        behind = [x for x in self._reach(m) if x is not m and not self._caught_up(x, m)]
        if behind and m.name not in self._beats:
            at = m.since_ns + ((now - m.since_ns) // TICK_NS + 1) * TICK_NS
            self._beats[m.name] = self.sim.schedule_at(at, self._heartbeat, m.name, m.term)

    def _hears(self, m: Member) -> bool:
        """``m`` receives the heartbeats of the leader it follows."""
        if m.leader is None:
            return False
        lead = self.members[m.leader]
        return lead.role == LEADER and lead.term == m.term and self._linked(m, lead)

    def _caught_up(self, m: Member, lead: Member) -> bool:
        return m.leader == lead.name and m.term == lead.term and len(m.log) == len(lead.log)

    def _last_tick(self, lead: Member, now: int) -> int:
        return lead.since_ns + (now - lead.since_ns) // TICK_NS * TICK_NS

    def _randomize(self, m: Member) -> None:
        m.ticks = ELECTION_TICKS + self.rng.randrange(ELECTION_TICKS)

    def _arm(self, m: Member, base_ns: int) -> None:
        self._cancel(m)
        m.timer = self.sim.schedule_at(base_ns + m.ticks * TICK_NS, self._on_timeout, m.name)

    def _cancel(self, m: Member) -> None:
        if m.timer is not None:
            m.timer.cancel()
            m.timer = None
