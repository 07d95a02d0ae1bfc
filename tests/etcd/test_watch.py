"""Watch events and their delivery order (REFERENCE.md §1; DESIGN decisions 1 and 25)."""

import pickle

import pytest

from k8sedu.etcd import Compacted, Etcd, Event, KeyValue
from k8sedu.sim import Sim


class Recorder:
    """A picklable watch callback that logs ``(name, type, key, mod_revision)``."""

    def __init__(self, name: str = "w", log: list | None = None) -> None:
        self.name = name
        self.log = [] if log is None else log
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        self.log.append((self.name, event.type, event.kv.key, event.kv.mod_revision))


class Echo(Recorder):
    """Writes ``<key>/echo`` for every event on a key without ``/echo``: a nested write."""

    def __init__(self, etcd: Etcd, name: str, log: list) -> None:
        super().__init__(name, log)
        self.etcd = etcd

    def __call__(self, event: Event) -> None:
        super().__call__(event)
        if not event.kv.key.endswith("/echo"):
            self.etcd.put(event.kv.key + "/echo", "1")


def test_put_events_carry_the_new_and_previous_versions():
    e = Etcd()
    w = Recorder()
    e.watch("a", w)
    e.put("a", "1")
    e.put("a", "2")
    assert w.events == [
        Event("PUT", KeyValue("a", "1", 2, 2, 1), None),  # version 1: a creation
        Event("PUT", KeyValue("a", "2", 2, 3, 2), KeyValue("a", "1", 2, 2, 1)),
    ]


def test_delete_event_has_the_deletion_revision():
    e = Etcd()
    e.put("a", "1")
    w = Recorder()
    e.watch("a", w)
    rev = e.delete("a")
    assert w.events == [Event("DELETE", KeyValue("a", "", 0, rev, 0), KeyValue("a", "1", 2, 2, 1))]


def test_txn_events_share_one_revision_in_op_order():
    e = Etcd()
    e.put("k/z", "0")
    w = Recorder()
    e.watch("k/", w)
    e.txn([], [("put", "k/b", "1"), ("delete", "k/z"), ("put", "k/a", "1")], [])
    assert w.log == [("w", "PUT", "k/b", 3), ("w", "DELETE", "k/z", 3), ("w", "PUT", "k/a", 3)]


def test_prefix_filters_events():
    e = Etcd()
    w = Recorder()
    e.watch("/registry/pods/", w)
    e.put("/registry/pods/default/a", "1")
    e.put("/registry/nodes/n1", "1")
    assert [key for _, _, key, _ in w.log] == ["/registry/pods/default/a"]


def test_watch_replays_history_from_start_revision_then_goes_live():
    e = Etcd()
    e.put("a", "1")  # 2
    e.put("b", "1")  # 3
    e.delete("a")  # 4
    w = Recorder()
    e.watch("", w, start_revision=3)
    e.put("c", "1")  # 5
    assert w.log == [("w", "PUT", "b", 3), ("w", "DELETE", "a", 4), ("w", "PUT", "c", 5)]


def test_watch_below_the_compaction_raises():
    e = Etcd()
    for value in "abc":
        e.put("k", value)
    e.compact(3)
    with pytest.raises(Compacted, match="^mvcc: required revision has been compacted$"):
        e.watch("", Recorder(), start_revision=2)
    w = Recorder()
    e.watch("", w, start_revision=3)  # the compaction revision itself is still there
    assert w.log == [("w", "PUT", "k", 3), ("w", "PUT", "k", 4)]


def test_events_since():
    e = Etcd()
    e.put("p/a", "1")  # 2
    e.put("q/a", "1")  # 3
    e.put("p/b", "1")  # 4
    assert [ev.kv.mod_revision for ev in e.events_since(3, "p/")] == [4]
    assert [ev.kv.mod_revision for ev in e.events_since(1)] == [2, 3, 4]
    assert e.events_since(5) == []
    e.compact(4)
    with pytest.raises(Compacted):
        e.events_since(3)


def test_cancelled_watcher_gets_nothing_more():
    e = Etcd()
    w = Recorder()
    handle = e.watch("", w)
    e.put("a", "1")
    handle.cancel()
    e.put("a", "2")
    assert len(w.log) == 1
    other = e.watch("", Recorder())
    other.stop()  # stop is an alias of cancel
    assert (handle.id, other.id, other.cancelled) == (0, 1, True)


def test_standalone_delivery_order_with_nested_writes():
    """A callback's own write is delivered after the current delivery, to every watcher."""
    e = Etcd()
    log: list = []
    e.watch("", Echo(e, "A", log))
    e.watch("", Recorder("B", log))
    assert e.put("k", "1") == 2
    # the put has returned: every delivery, the nested one included, is done
    assert log == [
        ("A", "PUT", "k", 2),
        ("B", "PUT", "k", 2),
        ("A", "PUT", "k/echo", 3),
        ("B", "PUT", "k/echo", 3),
    ]


def test_cluster_sim_delivery_waits_for_the_cluster_to_run():
    sim = Sim()
    e = Etcd(sim)
    log: list = []
    e.watch("", Echo(e, "A", log))
    e.watch("", Recorder("B", log))
    e.put("k", "1")
    e.put("j", "1")
    assert log == []  # committed, not delivered yet
    sim.run(0)
    assert sim.now == 0
    assert log == [
        ("A", "PUT", "k", 2),
        ("B", "PUT", "k", 2),
        ("A", "PUT", "j", 3),
        ("B", "PUT", "j", 3),
        ("A", "PUT", "k/echo", 4),
        ("B", "PUT", "k/echo", 4),
        ("A", "PUT", "j/echo", 5),
        ("B", "PUT", "j/echo", 5),
    ]


def test_watcher_created_during_delivery_starts_after_it():
    e = Etcd()
    late = Recorder("late")

    class Spawner(Recorder):
        def __call__(self, event):
            super().__call__(event)
            if len(self.log) == 1:
                e.watch("", late)

    e.watch("", Spawner())
    e.watch("", Recorder())
    e.put("a", "1")
    e.put("a", "2")
    assert late.log == [("late", "PUT", "a", 3)]


def test_replay_on_a_cluster_sim_does_not_repeat_pending_revisions():
    sim = Sim()
    e = Etcd(sim)
    e.watch("", Recorder())  # so that revisions are queued for delivery
    e.put("a", "1")  # 2, queued
    w = Recorder()
    e.watch("", w, start_revision=2)
    e.put("a", "2")  # 3
    sim.run(0)
    assert w.log == [("w", "PUT", "a", 2), ("w", "PUT", "a", 3)]


def test_watcher_cancelled_by_another_callback_mid_delivery():
    e = Etcd()
    victim = Recorder("victim")

    class Canceller(Recorder):
        def __call__(self, event):
            super().__call__(event)
            handle.cancel()

    e.watch("", Canceller())
    handle = e.watch("", victim)
    e.put("a", "1")
    assert victim.log == []


def test_store_with_watchers_pickles():
    sim = Sim()
    e = Etcd(sim)
    w = Recorder()
    e.watch("", w)
    e.put("a", "1")  # queued, not yet delivered when pickled
    copy = pickle.loads(pickle.dumps((sim, e, w)))
    sim2, e2, w2 = copy
    e2.put("b", "1")
    sim2.run(0)
    assert w2.log == [("w", "PUT", "a", 2), ("w", "PUT", "b", 3)]
    assert w.log == []  # the original is untouched
