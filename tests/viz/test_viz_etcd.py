import k8sedu as k
from k8sedu.viz import etcd_history


def lines(fig) -> dict:
    return {line.get_gid(): line for line in fig.axes[0].lines if line.get_gid()}


def test_puts_deletes_and_generations():
    """The worked trace of etcd's key index (k8sedu/etcd/store.py, etcd key_index.go)."""
    etcd = k.Etcd()
    etcd.put("foo", "a"), etcd.put("foo", "b"), etcd.put("bar", "x")
    etcd.delete("foo"), etcd.put("foo", "c")
    drawn = lines(etcd_history(etcd, ""))
    assert list(drawn["delete:foo"].get_xdata()) == [5]
    fig = etcd_history(etcd, "")
    puts = [list(line.get_xdata()) for line in fig.axes[0].lines if line.get_gid() == "puts:foo"]
    assert puts == [[2, 3], [6]]  # two generations: created at 2, deleted at 5, re-created at 6
    assert list(drawn["puts:bar"].get_xdata()) == [4]
    assert "delete:bar" not in drawn


def test_compaction_line_and_dropped_revisions():
    etcd = k.Etcd()
    etcd.put("foo", "a"), etcd.put("foo", "b"), etcd.put("bar", "x")
    etcd.delete("foo"), etcd.put("foo", "c")
    etcd.compact(5)
    fig = etcd_history(etcd, "")
    assert list(lines(fig)["compaction"].get_xdata()) == [5, 5]
    revisions = sorted(
        x
        for line in fig.axes[0].lines
        if line.get_gid() in ("puts:foo", "delete:foo")
        for x in line.get_xdata()
    )
    assert revisions == [5, 6]  # 2 and 3 were superseded at 5: gone; the tombstone at 5 stays


def test_a_cluster_is_its_etcd():
    cluster = k.Cluster.bare()
    fig = etcd_history(cluster, "/registry/namespaces/")
    keys = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "/registry/namespaces/default" in keys
