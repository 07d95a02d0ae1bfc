from k8sedu.viz import traffic
from k8sedu.viz.traffic import HUB, talk


def arrows(fig) -> dict:
    return {p.get_gid(): p for p in fig.axes[0].patches if p.get_gid()}


def test_counts_are_the_traces_exact_counters(web_cluster):
    counts = talk(web_cluster)
    admin = sum(
        n
        for (c, v, _r), n in web_cluster.trace.counts.items()
        if c == "kubernetes-admin"
        and v in ("create", "get", "list", "update", "patch", "delete", "watch")
    )
    assert counts["kubernetes-admin"]["requests"] == admin
    assert HUB not in counts  # the hub's own bootstrap writes are not a spoke


def test_requests_are_solid_and_watches_dashed(web_cluster):
    fig = traffic(web_cluster)
    drawn = arrows(fig)
    assert drawn["requests:kube-scheduler"].get_linestyle() == "solid"
    assert drawn["watch:kube-scheduler"].get_linestyle() == "dashed"
    assert "storage" in drawn  # only the API server talks to etcd


def test_components_never_talk_to_each_other(web_cluster):
    """Hub and spoke (DESIGN principle 2): every edge has kube-apiserver at one end."""
    fig = traffic(web_cluster)
    for gid in arrows(fig):
        kind, _sep, client = gid.partition(":")
        assert kind in ("requests", "watch", "storage")


def test_since_counts_only_recent_requests(web_cluster):
    since = web_cluster.now
    web_cluster.kubectl("get pods")
    web_cluster.kubectl("get nodes")
    assert talk(web_cluster, since=since)["kubernetes-admin"] == {"requests": 2}
    title = next(t for t in traffic(web_cluster, since=since).texts if t.get_gid() == "title")
    assert f"since t = {since:g} s" in title.get_text()


def test_many_nodes_merge_into_one_spoke_per_kind():
    import k8sedu as k

    cluster = k.Cluster(nodes=10)
    cluster.run(5)
    drawn = arrows(traffic(cluster))
    assert "requests:kubelet (11 nodes)" in drawn  # ten workers and the control-plane machine
    assert not any(gid.startswith("requests:kubelet/") for gid in drawn)
