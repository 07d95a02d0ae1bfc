"""The MVCC rules of REFERENCE.md §1 ("etcd MVCC revision semantics"), one named case each."""

import doctest
import pickle

import pytest

import k8sedu.etcd.store
import k8sedu.etcd.txn
from k8sedu.etcd import Compacted, Etcd, FutureRevision, KeyValue

COMPACTED = "mvcc: required revision has been compacted"
FUTURE = "mvcc: required revision is a future revision"


@pytest.mark.parametrize("module", [k8sedu.etcd.store, k8sedu.etcd.txn], ids=["store", "txn"])
def test_module_examples_are_true(module):
    """The worked trace in the module docstring runs as written."""
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_fresh_store_is_at_revision_1():
    e = Etcd()
    assert (e.revision, e.get("a"), e.range("")) == (1, None, [])


def test_first_put_makes_revision_2():
    e = Etcd()
    assert e.put("a", "1") == 2
    assert e.get("a") == KeyValue("a", "1", create_revision=2, mod_revision=2, version=1)


def test_update_keeps_create_revision_and_bumps_version():
    e = Etcd()
    e.put("a", "1")
    e.put("b", "x")
    assert e.put("a", "2") == 4
    assert e.get("a") == KeyValue("a", "2", create_revision=2, mod_revision=4, version=2)


def test_version_resets_after_delete_and_create_revision_is_new():
    e = Etcd()
    e.put("a", "1")
    e.put("a", "2")
    assert e.delete("a") == 4
    assert e.get("a") is None
    assert e.put("a", "3") == 5
    assert e.get("a") == KeyValue("a", "3", create_revision=5, mod_revision=5, version=1)


def test_deleting_a_missing_key_makes_no_revision():
    e = Etcd()
    e.put("a", "1")
    assert e.delete("nope") == 2
    assert e.revision == 2


def test_reads_at_past_revisions():
    e = Etcd()
    e.put("a", "1")  # 2
    e.put("a", "2")  # 3
    e.delete("a")  # 4
    assert [e.get("a", revision=r) for r in (1, 2, 3, 4)] == [
        None,
        KeyValue("a", "1", 2, 2, 1),
        KeyValue("a", "2", 2, 3, 2),
        None,
    ]


def test_range_is_sorted_by_key_and_limited():
    e = Etcd()
    for key in ["/registry/pods/b", "/registry/pods/a", "/registry/nodes/n", "/registry/podsx"]:
        e.put(key, key)
    assert [kv.key for kv in e.range("/registry/pods/")] == ["/registry/pods/a", "/registry/pods/b"]
    assert [kv.key for kv in e.range("/registry/", limit=2)] == [
        "/registry/nodes/n",
        "/registry/pods/a",
    ]
    assert len(e.range("")) == 4


def test_range_at_a_past_revision():
    e = Etcd()
    e.put("k/a", "1")  # 2
    e.put("k/b", "1")  # 3
    e.delete("k/a")  # 4
    e.put("k/c", "1")  # 5
    assert [kv.key for kv in e.range("k/", revision=3)] == ["k/a", "k/b"]
    assert [kv.key for kv in e.range("k/", revision=4)] == ["k/b"]
    assert [kv.key for kv in e.range("k/")] == ["k/b", "k/c"]


def test_txn_is_one_revision():
    e = Etcd()
    e.put("x", "0")
    ok, responses = e.txn([], [("put", "a", "1"), ("put", "b", "2"), ("delete", "x")], [])
    assert (ok, responses, e.revision) == (True, [None, None, 1], 3)
    assert {kv.key: kv.mod_revision for kv in e.range("")} == {"a": 3, "b": 3}


@pytest.mark.parametrize(
    "ops",
    [
        pytest.param([("get", "a")], id="read-only"),
        pytest.param([("delete", "nope")], id="delete-of-missing-key"),
        pytest.param([], id="empty"),
    ],
)
def test_txn_without_changes_makes_no_revision(ops):
    e = Etcd()
    e.put("a", "1")
    e.txn([], ops, [])
    assert e.revision == 2


def test_txn_responses():
    e = Etcd()
    e.put("a", "1")
    e.put("p/1", "x")
    ok, responses = e.txn(
        [],
        [("get", "a"), ("put", "a", "2"), ("get", "a"), ("range", "p/"), ("delete", "p/1")],
        [],
    )
    assert responses == [
        KeyValue("a", "1", 2, 2, 1),  # get
        KeyValue("a", "1", 2, 2, 1),  # put -> the previous version
        KeyValue("a", "2", 2, 4, 2),  # a txn reads its own earlier writes
        [KeyValue("p/1", "x", 3, 3, 1)],  # range
        1,  # delete -> number deleted
    ]


@pytest.mark.parametrize(
    "compare, expected",
    [
        pytest.param(("a", "value", "==", "1"), True, id="value-equal"),
        pytest.param(("a", "value", "<", "2"), True, id="value-less-bytewise"),
        pytest.param(("a", "version", ">", 1), True, id="version-greater"),
        pytest.param(("a", "mod_revision", "==", 3), True, id="mod-revision-equal"),
        pytest.param(("a", "create_revision", "!=", 2), False, id="create-revision-not-equal"),
        pytest.param(("missing", "version", "==", 0), True, id="missing-version-is-0"),
        pytest.param(("missing", "create_revision", "==", 0), True, id="missing-create-is-0"),
        pytest.param(("missing", "mod_revision", "<", 1), True, id="missing-mod-is-0"),
        pytest.param(("missing", "value", "==", ""), False, id="missing-value-never-matches"),
        pytest.param(("missing", "value", "!=", "x"), False, id="missing-value-never-differs"),
    ],
)
def test_txn_compare(compare, expected):
    e = Etcd()
    e.put("a", "0")  # 2
    e.put("a", "1")  # 3: version 2
    ok, responses = e.txn([compare], [("get", "a")], [("get", "missing")])
    assert ok is expected
    assert responses == ([e.get("a")] if expected else [None])


def test_txn_compare_and_swap_on_mod_revision():
    e = Etcd()
    rev = e.put("a", "1")
    e.put("a", "2")  # someone else wrote in between
    ok, _ = e.txn([("a", "mod_revision", "==", rev)], [("put", "a", "mine")], [])
    assert (ok, e.get("a").value, e.revision) == (False, "2", 3)


@pytest.mark.parametrize(
    "compare, success, message",
    [
        pytest.param([("a", "size", "==", 1)], [], "unknown compare target 'size'", id="target"),
        pytest.param([("a", "version", ">=", 1)], [], "unknown compare op '>='", id="compare-op"),
        pytest.param([("a", "version", "==", "1")], [], "compare version against a int", id="type"),
        pytest.param([("a", "value")], [], "a txn compare is (key, target, op, value)", id="shape"),
        pytest.param([], ["put"], "unknown txn op 'put'", id="op-not-a-tuple"),
        pytest.param([], [("set", "a", "1")], "unknown txn op ('set', 'a', '1')", id="op-name"),
        pytest.param([], [("put", "a")], "unknown txn op ('put', 'a')", id="op-arity"),
        pytest.param(
            [],
            [("put", "a", "1"), ("put", "a", "2")],
            "etcdserver: duplicate key given in txn request",
            id="put-twice",
        ),
        pytest.param(
            [],
            [("delete", "a"), ("put", "a", "2")],
            "etcdserver: duplicate key given in txn request",
            id="delete-and-put",
        ),
        pytest.param([], [("put", "", "1")], "etcdserver: key is not provided", id="empty-key"),
    ],
)
def test_txn_validation(compare, success, message):
    e = Etcd()
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        e.txn(compare, success, [])
    assert e.revision == 1


def test_txn_rejects_a_bad_value_before_applying_anything():
    e = Etcd()
    with pytest.raises(TypeError, match="etcd keys and values are str"):
        e.txn([], [("put", "a", "1"), ("put", "b", {"not": "str"})], [])
    assert (e.revision, e.get("a")) == (1, None)


def test_compaction_errors_have_etcds_messages():
    e = Etcd()
    for value in "abcd":
        e.put("k", value)  # 2..5
    e.compact(4)
    with pytest.raises(Compacted) as err:
        e.get("k", revision=3)
    assert str(err.value) == COMPACTED
    with pytest.raises(Compacted):
        e.range("", revision=2)
    with pytest.raises(FutureRevision) as err:
        e.get("k", revision=6)
    assert str(err.value) == FUTURE
    assert e.get("k", revision=4).value == "c"  # the compaction revision itself stays readable


@pytest.mark.parametrize(
    "revision, error",
    [
        pytest.param(3, Compacted, id="at-the-compacted-revision"),
        pytest.param(2, Compacted, id="below-it"),
        pytest.param(9, FutureRevision, id="future"),
    ],
)
def test_compact_rejects(revision, error):
    e = Etcd()
    for value in "abc":
        e.put("k", value)  # 2..4
    e.compact(3)
    with pytest.raises(error):
        e.compact(revision)


def test_compaction_drops_superseded_versions_and_dead_keys():
    e = Etcd()
    e.put("a", "1")  # 2
    e.put("a", "2")  # 3
    e.put("b", "1")  # 4
    e.delete("b")  # 5
    e.put("c", "1")  # 6
    assert e.stats() == {"revision": 6, "compacted_revision": 0, "keys": 2, "versions": 5}
    e.compact(6)
    assert e.stats() == {"revision": 6, "compacted_revision": 6, "keys": 2, "versions": 2}
    assert (e.key_index("a"), e.key_index("b")) == ([[3]], [])
    assert [kv.value for kv in e.range("")] == ["2", "1"]


def test_key_values_are_frozen():
    kv = KeyValue("a", "1", 2, 2, 1)
    with pytest.raises(AttributeError):
        kv.value = "2"


def test_put_rejects_non_string_values():
    with pytest.raises(TypeError, match="etcd keys and values are str"):
        Etcd().put("a", 1)


def test_store_pickles():
    e = Etcd()
    e.put("a", "1")
    e.delete("a")
    e.put("a", "2")
    copy = pickle.loads(pickle.dumps(e))
    assert (copy.revision, copy.get("a"), copy.key_index("a")) == (4, e.get("a"), [[2, 3], [4]])
    assert copy.put("b", "1") == 5
