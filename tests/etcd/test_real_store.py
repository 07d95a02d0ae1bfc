"""The store contract on both backends: the embedded ``Etcd`` and a real etcd (``RealEtcd``).

The backend-neutral tests of test_store.py, test_watch.py and test_lease.py run here once per
backend, their ``Etcd`` swapped for the backend's factory. Tests that need the simulated clock
(lease expiry, seeded lease ids) or pickling stay embedded-only; the real variants are skipped
only where no etcd binary is installed. Each real test gets a fresh server (revision 1).
"""

from collections import deque

import pytest

from k8sedu.etcd import Etcd, RealEtcd
from k8sedu.etcd.server import EtcdServer
from k8sedu.sim import Sim

from . import test_lease, test_store, test_watch

NO_ETCD = "no etcd binary (apt-get install etcd-server etcd-client): real-etcd variant skipped"
# servers launched ahead: a fresh member takes 0.3-0.7 s to elect itself (waiting, not CPU),
# so several start while earlier tests run
AHEAD = 6

NEUTRAL = {
    test_store: [
        "test_fresh_store_is_at_revision_1",
        "test_first_put_makes_revision_2",
        "test_update_keeps_create_revision_and_bumps_version",
        "test_version_resets_after_delete_and_create_revision_is_new",
        "test_deleting_a_missing_key_makes_no_revision",
        "test_reads_at_past_revisions",
        "test_range_is_sorted_by_key_and_limited",
        "test_range_at_a_past_revision",
        "test_txn_is_one_revision",
        "test_txn_without_changes_makes_no_revision",
        "test_txn_responses",
        "test_txn_compare",
        "test_txn_compare_and_swap_on_mod_revision",
        "test_txn_validation",
        "test_txn_rejects_a_bad_value_before_applying_anything",
        "test_compaction_errors_have_etcds_messages",
        "test_compact_rejects",
        "test_compaction_drops_superseded_versions_and_dead_keys",
        "test_put_rejects_non_string_values",
    ],
    test_watch: [
        "test_put_events_carry_the_new_and_previous_versions",
        "test_delete_event_has_the_deletion_revision",
        "test_txn_events_share_one_revision_in_op_order",
        "test_prefix_filters_events",
        "test_watch_replays_history_from_start_revision_then_goes_live",
        "test_watch_below_the_compaction_raises",
        "test_events_since",
        "test_cancelled_watcher_gets_nothing_more",
        "test_standalone_delivery_order_with_nested_writes",
        "test_cluster_sim_delivery_waits_for_the_cluster_to_run",
        "test_watcher_created_during_delivery_starts_after_it",
        "test_replay_on_a_cluster_sim_does_not_repeat_pending_revisions",
        "test_watcher_cancelled_by_another_callback_mid_delivery",
    ],
    test_lease: [
        "test_revoke_deletes_keys_in_one_revision",
        "test_revoking_a_lease_without_keys_makes_no_revision",
        "test_unknown_lease_is_not_found",
        "test_put_with_unknown_lease_makes_no_revision",
        "test_key_leaves_its_lease_when_rewritten_or_deleted",
        "test_lease_id_is_on_the_key_value",
        "test_time_to_live_of_unknown_lease_is_minus_one",
        "test_leases_are_listed_soonest_expiry_first",
    ],
}


def contract_cases() -> list:
    """One pytest.param per test (and per parametrized case of it): (function, kwargs)."""
    cases = []
    for module, names in NEUTRAL.items():
        for name in names:
            test = getattr(module, name)
            marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
            if not marks:
                cases.append(pytest.param(test, {}, id=name))
                continue
            argnames = [a.strip() for a in marks[0].args[0].split(",")]
            for value in marks[0].args[1]:
                values = getattr(value, "values", (value,))  # pytest.param(...) or a bare value
                case_id = getattr(value, "id", None) or str(value)
                kwargs = dict(zip(argnames, values))
                cases.append(pytest.param(test, kwargs, id=f"{name}[{case_id}]"))
    return cases


class FreshEtcds:
    """Real etcd servers on fresh data directories, a few launched ahead of need."""

    def __init__(self) -> None:
        self.launched: deque[EtcdServer] = deque()
        self.taken: list[RealEtcd] = []

    def store(self, sim: Sim | None = None) -> RealEtcd:
        """A store on a server nobody has written to: what ``Etcd(sim)`` is for the embedded."""
        while len(self.launched) <= AHEAD:
            server = EtcdServer()
            server.launch()
            self.launched.append(server)
        while True:
            server = self.launched.popleft()
            try:
                server.wait_healthy()
                break
            except RuntimeError as error:
                # servers launched together can pick the same "free" port before either binds it
                server.stop()
                if "address already in use" not in str(error):
                    raise
                replacement = EtcdServer()
                replacement.launch()
                self.launched.append(replacement)
        store = RealEtcd(server.url, sim)
        store.server = server
        self.taken.append(store)
        return store

    def release(self) -> None:
        while self.taken:
            self.taken.pop().stop()

    def close(self) -> None:
        self.release()
        while self.launched:
            self.launched.pop().stop()


@pytest.fixture(scope="module")
def fresh():
    pool = FreshEtcds()
    yield pool
    pool.close()


@pytest.fixture(params=["embedded", "real"])
def backend(request, monkeypatch):
    """Swap ``Etcd`` in the reused test modules for this backend's factory."""
    if request.param == "real":
        if not RealEtcd.installed():
            pytest.skip(NO_ETCD)
        pool = request.getfixturevalue("fresh")
        factory = pool.store
    else:
        pool, factory = None, Etcd
    for module in NEUTRAL:
        monkeypatch.setattr(module, "Etcd", factory)
    yield request.param
    if pool is not None:
        pool.release()


@pytest.mark.parametrize("test, kwargs", contract_cases())
def test_contract(backend, test, kwargs):
    test(**kwargs)  # each reused test makes its own assertions


# --- what only a real server shows ----------------------------------------------------------


@pytest.fixture
def real(fresh):
    """A store on a fresh real etcd (these tests skip where no etcd binary is installed)."""
    if not RealEtcd.installed():
        pytest.skip(NO_ETCD)
    yield fresh.store()


def test_minimum_lease_ttl_is_etcds(real):
    e = real
    # etcdserver/server.go minTTL with the default 100 ms heartbeat and 1 s election: 2 s
    assert e.keepalive(e.grant(1)) == 2


def test_etcd_drops_a_tombstone_written_at_the_compaction_revision(real):
    """etcd's keyIndex.compact removes a generation ending at the compaction revision itself
    (mvcc/key_index.go: "compact(5): {empty} -> key SHOULD be removed"); the event is gone."""
    e = real
    e.put("a", "1")  # 2
    e.delete("a")  # 3
    e.put("b", "1")  # 4
    e.compact(3)
    assert (e.key_index("a"), [ev.kv.key for ev in e.events_since(3)]) == ([], ["b"])


def test_stats_and_key_index_are_read_back_from_the_server(real):
    e = real
    e.put("foo", "a")  # 2
    e.put("foo", "b")  # 3
    e.put("bar", "x")  # 4
    e.delete("foo")  # 5
    e.put("foo", "c")  # 6
    assert e.key_index("foo") == [[2, 3, 5], [6]]  # the store.py module docstring's trace
    e.compact(4)
    assert (e.key_index("foo"), e.key_index("bar")) == ([[3, 5], [6]], [[4]])
    assert e.stats() == {"revision": 6, "compacted_revision": 4, "keys": 2, "versions": 4}


def test_a_write_by_another_client_reaches_watchers_at_the_next_answer(real):
    e = real
    other = RealEtcd(e.url)  # a second client of the same server, like etcdctl
    seen = test_watch.Recorder()
    e.watch("", seen)
    other.put("x", "1")  # 2: the watcher cannot know yet
    assert seen.log == []
    assert e.get("x").value == "1"  # the answer's header shows revision 2: drained now
    assert seen.log == [("w", "PUT", "x", 2)]
