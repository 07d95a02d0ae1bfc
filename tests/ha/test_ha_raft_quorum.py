"""etcd's Raft: the quorum table, leader failover timing, forwarding and linearizable reads."""

import pytest

from k8sedu.etcd.raft import EtcdTimeout
from k8sedu.etcd.replicated import ReplicatedEtcd
from k8sedu.trace import Trace

# REFERENCE §1 (etcd FAQ "What is failure tolerance?"): members -> (quorum, failure tolerance)
QUORUM_TABLE = {1: (1, 0), 2: (2, 0), 3: (2, 1), 4: (3, 1), 5: (3, 2), 6: (4, 2), 7: (4, 3)}
TIMEOUT = "etcdserver: request timed out"  # server/etcdserver/errors: ErrTimeout


def etcd_of(n: int, trace=None) -> ReplicatedEtcd:
    return ReplicatedEtcd(names=[f"m{i}" for i in range(1, n + 1)], trace=trace)


@pytest.mark.parametrize("n", sorted(QUORUM_TABLE), ids=[f"{n}-members" for n in QUORUM_TABLE])
def test_writes_continue_up_to_the_failure_tolerance_and_stop_one_past_it(n):
    quorum, tolerance = QUORUM_TABLE[n]
    etcd = etcd_of(n)
    assert etcd.raft.quorum == quorum
    # stop the leader first, then the members after it: a new leader must be elected
    names = list(etcd.raft.members)
    for name in names[:tolerance]:
        etcd.stop_member(name)
    etcd.run(5)
    assert etcd.put("/k", "still-writable") > 1
    assert etcd.get("/k").value == "still-writable"
    etcd.stop_member(names[tolerance])
    etcd.run(5)
    with pytest.raises(EtcdTimeout, match=TIMEOUT):
        etcd.put("/k", "lost-quorum")
    with pytest.raises(EtcdTimeout, match=TIMEOUT):
        etcd.get("/k")  # a linearizable read needs the quorum too
    etcd.raft.check()


@pytest.mark.parametrize("crash_at", [10.0, 10.05, 10.099], ids=["on-a-tick", "mid-tick", "late"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_new_leader_is_elected_within_the_randomised_election_timeout(seed, crash_at):
    """Heartbeats every 100 ms; followers wait 10–19 ticks after the last one they heard."""
    from k8sedu.sim import Sim

    trace = Trace()
    etcd = ReplicatedEtcd(Sim(seed), ["a", "b", "c"], trace=trace)
    etcd.run(crash_at)
    old = etcd.leader
    etcd.stop_member(old)
    with pytest.raises(EtcdTimeout):
        etcd.put("/k", "v")  # followers still wait for the dead leader: the write times out
    took = etcd.sim.run_until(lambda: etcd.leader is not None, timeout=5)
    assert 0.9 < took < 2.0
    elected = [r for r in trace if r.verb == "leader"]
    assert elected[-1].key == etcd.leader != old
    assert elected[-1].detail == {"term": 3}  # the bootstrap leader had term 2
    assert etcd.put("/k", "v") > 1


def test_a_write_to_a_follower_is_forwarded_to_the_leader():
    etcd = etcd_of(3)
    follower = etcd.member("m3")
    assert etcd.leader == "m1"
    rev = follower.put("/registry/pods/default/web", "{}")
    assert etcd.member("m2").get("/registry/pods/default/web").mod_revision == rev
    assert [row["raft_index"] for row in etcd.members()] == [5, 5, 5]  # 3 config + 1 empty + 1


def test_a_leader_cut_off_in_the_minority_steps_down_and_the_majority_elects_another():
    trace = Trace()
    etcd = etcd_of(3, trace)
    etcd.put("/k", "before")
    etcd.partition(["m1"], ["m2", "m3"])
    with pytest.raises(EtcdTimeout):
        etcd.member("m1").put("/k", "minority")  # appended on m1 only: never committed
    with pytest.raises(EtcdTimeout):
        etcd.member("m2").put("/k", "majority")  # m2 and m3 still wait for m1's heartbeats
    etcd.run(3)
    assert etcd.leader in ("m2", "m3")
    assert [r.detail["why"] for r in trace if r.verb == "step-down"] == ["lost quorum"]
    rev = etcd.member("m2").put("/k", "majority")
    etcd.heal()
    etcd.run(0.2)  # the next heartbeat reaches m1: its uncommitted entry is replaced
    rows = {row["name"]: row for row in etcd.members()}
    assert rows["m1"]["role"] == "follower" and rows["m1"]["leader"] == etcd.leader
    assert len({row["raft_index"] for row in rows.values()}) == 1
    assert etcd.get("/k").value == "majority" and etcd.get("/k").mod_revision == rev
    etcd.raft.check()


def test_a_member_back_from_a_partition_does_not_depose_the_leader():
    """PreVote: the isolated member never raised its term, so it rejoins as a follower."""
    trace = Trace()
    etcd = etcd_of(3, trace)
    etcd.partition(["m3"], ["m1", "m2"])
    etcd.run(30)
    etcd.heal()
    etcd.run(1)
    assert etcd.leader == "m1"
    assert [r.verb for r in trace if r.verb in ("campaign", "leader")] == ["leader"]
    assert {row["term"] for row in etcd.members()} == {2}


def test_a_stable_cluster_schedules_nothing():
    etcd = etcd_of(3)
    etcd.put("/k", "v")
    etcd.run(3600)
    assert etcd.sim.processed == 0
