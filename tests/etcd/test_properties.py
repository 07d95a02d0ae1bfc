"""Random histories keep etcd's invariants, checked against a model dict per revision.

The model is the plain definition: the state at revision r maps each live key to
``(value, create_revision, mod_revision, version)``; a write txn that changes anything makes
state r+1 from state r. The store must agree with it at every revision not compacted away.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8sedu.etcd import Compacted, Etcd, FutureRevision

KEYS = ["a", "ab", "b", "b/x", "b/y"]  # overlapping prefixes
VALUES = st.sampled_from(["", "0", "1", "10"])

put = st.tuples(st.just("put"), st.sampled_from(KEYS), VALUES)
delete = st.tuples(st.just("delete"), st.sampled_from(KEYS))
get = st.tuples(st.just("get"), st.sampled_from(KEYS))
compare = st.one_of(
    st.tuples(
        st.sampled_from(KEYS), st.just("version"), st.sampled_from(["==", ">"]), st.integers(0, 3)
    ),
    st.tuples(st.sampled_from(KEYS), st.just("value"), st.sampled_from(["==", "!="]), VALUES),
)
txn = st.tuples(
    st.just("txn"),
    st.lists(compare, max_size=2),
    st.lists(st.one_of(put, delete, get), max_size=3, unique_by=lambda op: op[1]),
    st.lists(st.one_of(put, delete, get), max_size=3, unique_by=lambda op: op[1]),
)
compact = st.tuples(st.just("compact"), st.integers(0, 4))  # revisions back from the current
history = st.lists(st.one_of(put, put, delete, txn, compact), max_size=25)


def model_compare(state: dict, key: str, target: str, result: str, want) -> bool:
    if key not in state:
        if target == "value":
            return False
        have = 0
    else:
        value, _, _, version = state[key]
        have = value if target == "value" else version
    return {"==": have == want, "!=": have != want, ">": have > want}[result]


def model_write(state: dict, op: tuple, rev: int) -> bool:
    """Apply one op to ``state`` as written at ``rev``; True if it changed anything."""
    if op[0] == "put":
        _, key, value = op
        old = state.get(key)
        state[key] = (value, old[1] if old else rev, rev, old[3] + 1 if old else 1)
        return True
    if op[0] == "delete":
        return state.pop(op[1], None) is not None
    return False


def snapshot(etcd: Etcd, revision: int) -> dict:
    return {
        kv.key: (kv.value, kv.create_revision, kv.mod_revision, kv.version)
        for kv in etcd.range("", revision)
    }


def apply_events(state: dict, events) -> dict:
    state = dict(state)
    for event in events:
        kv = event.kv
        if event.type == "PUT":
            state[kv.key] = (kv.value, kv.create_revision, kv.mod_revision, kv.version)
        else:
            del state[kv.key]
    return state


class Log:
    def __init__(self) -> None:
        self.events: list = []

    def __call__(self, event) -> None:
        self.events.append(event)


@settings(max_examples=150, deadline=None)
@given(history, st.integers(1, 30))
def test_random_histories_keep_etcds_invariants(ops, replay_from):
    etcd = Etcd()
    live = Log()
    etcd.watch("", live)
    states = {1: {}}  # revision -> the model state at that revision
    for op in ops:
        rev = etcd.revision
        state = dict(states[rev])
        if op[0] == "compact":
            target = rev - op[1]
            if target <= etcd.compacted_revision:
                with pytest.raises(Compacted):
                    etcd.compact(target)
            else:
                etcd.compact(target)
            assert etcd.revision == rev
            continue
        if op[0] == "txn":
            _, compares, success, failure = op
            ok = all(model_compare(state, *cmp) for cmp in compares)
            changed = [model_write(state, o, rev + 1) for o in (success if ok else failure)]
            assert etcd.txn(compares, success, failure)[0] is ok
        elif op[0] == "put":
            changed = [model_write(state, op, rev + 1)]
            etcd.put(op[1], op[2])
        else:
            changed = [model_write(state, op, rev + 1)]
            etcd.delete(op[1])
        # one revision per write transaction that changed something, none otherwise
        assert etcd.revision == rev + any(changed)
        states[etcd.revision] = state

    final = etcd.revision
    assert snapshot(etcd, final) == states[final]
    for rev in range(1, final + 1):
        if rev < etcd.compacted_revision:
            with pytest.raises(Compacted):
                etcd.range("", rev)
        else:
            # a range at a past revision is the state at that time
            assert snapshot(etcd, rev) == states[rev], rev
    with pytest.raises(FutureRevision):
        etcd.get("a", final + 1)

    # the live watcher saw every change; in revision order, rebuilding the final state
    revisions = [event.kv.mod_revision for event in live.events]
    assert revisions == sorted(revisions)
    assert apply_events({}, live.events) == states[final]

    # a watch from r replays exactly the events that turn state r-1 into the final state
    start = min(replay_from, final + 1)
    replay = Log()
    if start < etcd.compacted_revision:
        with pytest.raises(Compacted):
            etcd.watch("", replay, start_revision=start)
        return
    etcd.watch("", replay, start_revision=start)
    assert replay.events == [e for e in live.events if e.kv.mod_revision >= start]
    assert apply_events(states[start - 1] if start > 1 else {}, replay.events) == states[final]
    assert replay.events == etcd.events_since(start)
