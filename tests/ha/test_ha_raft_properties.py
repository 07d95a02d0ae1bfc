"""No acknowledged write is lost and reads never go back, whatever the faults (hypothesis).

A linearizability-style check over random schedules of member crashes, restarts, partitions,
heals and the passing of time, with writes sent through random members. Every write gets a
unique value; a write that timed out may still commit later (Raft keeps it in the leader's log),
so a read may return it — but never anything older than the last acknowledged write of its key,
and never anything older than what an earlier read returned.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8sedu.etcd.raft import EtcdTimeout
from k8sedu.etcd.replicated import ReplicatedEtcd
from k8sedu.sim import Sim

MEMBERS = ["m1", "m2", "m3", "m4", "m5"]
KEYS = ["/a", "/b"]

members = st.sampled_from(MEMBERS)
actions = st.one_of(
    st.tuples(st.just("stop"), members),
    st.tuples(st.just("start"), members),
    st.tuples(st.just("partition"), st.lists(members, min_size=1, max_size=4, unique=True)),
    st.tuples(st.just("heal"), st.none()),
    st.tuples(st.just("run"), st.sampled_from([0.05, 0.3, 1.0, 2.5, 5.0])),
    st.tuples(st.just("put"), st.tuples(st.sampled_from(KEYS), st.none() | members)),
    st.tuples(st.just("get"), st.sampled_from(KEYS)),
)


class History:
    """What the clients saw: issue order of values, last acknowledged and last read per key."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}  # value -> when it was issued
        self.acked = {key: -1 for key in KEYS}
        self.seen = {key: -1 for key in KEYS}

    def put(self, etcd: ReplicatedEtcd, key: str, via: str | None) -> None:
        value = f"v{len(self.order)}"
        self.order[value] = len(self.order)
        client = etcd if via is None else etcd.member(via)
        try:
            client.put(key, value)
        except EtcdTimeout:
            return  # unknown outcome
        self.acked[key] = self.order[value]

    def get(self, etcd: ReplicatedEtcd, key: str) -> None:
        try:
            kv = etcd.get(key)
        except EtcdTimeout:
            return
        got = self.order[kv.value] if kv is not None else -1
        assert got >= self.acked[key], f"{key}: read {kv} older than an acknowledged write"
        assert got >= self.seen[key], f"{key}: read {kv} went back in time"
        self.seen[key] = got


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 1000), schedule=st.lists(actions, max_size=40))
def test_acknowledged_writes_survive_every_fault_schedule(seed, schedule):
    etcd = ReplicatedEtcd(Sim(seed), MEMBERS)
    history = History()
    for action, arg in schedule:
        if action == "stop":
            etcd.stop_member(arg)
        elif action == "start":
            etcd.start_member(arg)
        elif action == "partition":
            etcd.partition(arg, [m for m in MEMBERS if m not in arg])
        elif action == "heal":
            etcd.heal()
        elif action == "run":
            etcd.run(arg)
        elif action == "put":
            history.put(etcd, *arg)
        else:
            history.get(etcd, arg)
        etcd.raft.check()
    # everything comes back: a leader is elected and every acknowledged write is there
    etcd.heal()
    for name in MEMBERS:
        etcd.start_member(name)
    etcd.sim.run_until(lambda: etcd.leader is not None, timeout=10)
    etcd.run(0.2)
    etcd.raft.check()
    for key in KEYS:
        history.get(etcd, key)
        assert history.seen[key] >= history.acked[key]
    assert len({row["raft_index"] for row in etcd.members()}) == 1  # every log caught up
