"""Leases on the simulated clock (etcd server/lease/lessor.go; v3rpc/lease.go)."""

import doctest
import pickle

import pytest

import k8sedu.etcd.lease
from k8sedu.etcd import Etcd, LeaseNotFound
from k8sedu.sim import Sim

from .test_watch import Recorder

NOT_FOUND = "etcdserver: requested lease not found"


def test_module_example_is_true():
    assert doctest.testmod(k8sedu.etcd.lease).failed == 0


def test_lease_ids_are_positive_int63_from_the_seeded_stream():
    ids = [Etcd().grant(10) for _ in range(2)]
    assert ids[0] == ids[1]  # same seed, same id
    e = Etcd(Sim(seed=1))
    other = [e.grant(10), e.grant(10)]
    assert all(0 < i < 2**63 for i in ids + other) and len({ids[0], *other}) == 3


def test_expiry_deletes_all_keys_in_one_revision_at_the_ttl():
    e = Etcd()
    lease = e.grant(10)
    e.put("b", "1", lease=lease)  # 2
    e.put("a", "1", lease=lease)  # 3
    e.put("plain", "1")  # 4
    w = Recorder()
    e.watch("", w)
    e.run(9.999)
    assert (len(e.range("")), e.revision) == (3, 4)
    e.run(0.001)
    assert e.now == 10
    assert [kv.key for kv in e.range("")] == ["plain"]
    assert e.revision == 5
    assert w.log == [("w", "DELETE", "a", 5), ("w", "DELETE", "b", 5)]  # sorted, as etcd revokes
    assert e.leases() == []


def test_keepalive_postpones_expiry():
    e = Etcd()
    lease = e.grant(10)
    e.put("a", "1", lease=lease)
    e.run(8)
    assert e.keepalive(lease) == 10
    e.run(9)  # t = 17: the old deadline (10) has passed
    assert e.get("a") is not None
    assert e.time_to_live(lease) == 1
    e.run(1)  # t = 18 = 8 + 10
    assert e.get("a") is None


def test_keepalive_leaves_no_stale_timer_firing():
    e = Etcd()
    lease = e.grant(10)
    for _ in range(5):
        e.run(5)
        e.keepalive(lease)
    e.run(9)
    assert e.sim.processed == 0  # no timer fired: the replaced ones were cancelled
    e.run(1)
    assert e.sim.processed == 1 and e.leases() == []


def test_ttl_below_the_minimum_is_raised_to_it():
    e = Etcd()
    lease = e.grant(1)  # etcd's minimum TTL with the default 100 ms heartbeat is 2 s
    assert (e.time_to_live(lease), e.keepalive(lease)) == (2, 2)


def test_time_to_live_truncates_to_whole_seconds():
    e = Etcd()
    lease = e.grant(10)
    e.run(2.5)
    assert e.time_to_live(lease) == 7


def test_revoke_deletes_keys_in_one_revision():
    e = Etcd()
    lease = e.grant(60)
    e.put("a", "1", lease=lease)
    e.put("b", "1", lease=lease)
    e.revoke(lease)
    assert (e.range(""), e.revision, e.time_to_live(lease)) == ([], 4, -1)


def test_revoking_a_lease_without_keys_makes_no_revision():
    e = Etcd()
    e.revoke(e.grant(60))
    assert e.revision == 1


@pytest.mark.parametrize("verb", ["keepalive", "revoke"])
def test_unknown_lease_is_not_found(verb):
    e = Etcd()
    with pytest.raises(LeaseNotFound) as err:
        getattr(e, verb)(12345)
    assert str(err.value) == NOT_FOUND


def test_put_with_unknown_lease_makes_no_revision():
    e = Etcd()
    with pytest.raises(LeaseNotFound, match=f"^{NOT_FOUND}$"):
        e.put("a", "1", lease=12345)
    with pytest.raises(LeaseNotFound):
        e.txn([], [("put", "b", "1"), ("put", "c", "1", 12345)], [])
    assert (e.revision, e.range("")) == (1, [])


def test_key_leaves_its_lease_when_rewritten_or_deleted():
    e = Etcd()
    lease = e.grant(60)
    e.put("rewritten", "1", lease=lease)
    e.put("rewritten", "2")  # no lease now
    e.put("deleted", "1", lease=lease)
    e.delete("deleted")
    e.put("deleted", "again")
    e.revoke(lease)
    assert [kv.value for kv in e.range("")] == ["again", "2"]
    assert e.get("rewritten").lease == 0


def test_lease_id_is_on_the_key_value():
    e = Etcd()
    lease = e.grant(60)
    e.txn([], [("put", "a", "1", lease)], [])
    assert e.get("a").lease == lease


def test_time_to_live_of_unknown_lease_is_minus_one():
    assert Etcd().time_to_live(42) == -1


def test_leases_are_listed_soonest_expiry_first():
    e = Etcd()
    late = e.grant(30)
    soon = e.grant(10)
    assert e.leases() == [soon, late]


def test_expiry_on_a_cluster_sim_is_delivered_at_the_same_instant():
    sim = Sim()
    e = Etcd(sim)
    lease = e.grant(5)
    e.put("a", "1", lease=lease)
    w = Recorder()
    e.watch("", w)
    sim.run(5)
    assert (sim.now, w.log) == (5, [("w", "DELETE", "a", 3)])


def test_store_with_leases_and_watchers_pickles():
    e = Etcd()
    lease = e.grant(10)
    e.put("a", "1", lease=lease)
    w = Recorder()
    e.watch("", w)
    e.run(4)
    e2, w2 = pickle.loads(pickle.dumps((e, w)))
    assert e2.time_to_live(lease) == 6
    e2.run(6)
    assert (e2.get("a"), w2.log) == (None, [("w", "DELETE", "a", 3)])
    assert (e.get("a") is not None, w.log) == (True, [])
