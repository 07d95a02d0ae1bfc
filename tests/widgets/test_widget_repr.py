import k8sedu as k
from k8sedu.widgets.repr import cluster_html, object_html


def test_cluster_card():
    cluster = k.Cluster(nodes=2)
    cluster.stop("kube-scheduler")
    cluster.kubectl("run web --image=k8sedu/web:1.0")
    html = cluster_html(cluster)
    assert "Nodes: 3 of 3 Ready" in html  # two workers and the control-plane Node
    assert "1 Pending" in html  # no scheduler: the pod waits
    assert "kube-scheduler stopped" in html and "etcd running" in html


def test_object_cards():
    cluster = k.Cluster(nodes=1)
    cluster.kubectl("create deployment web --image=k8sedu/web:1.0 --replicas=2")
    cluster.run(30)
    assert "2/2 ready" in object_html(cluster.api.get("deployments", "web"))
    node = object_html(cluster.api.get("nodes", "node-1"))
    assert "<b>Node</b> node-1" in node and "Ready" in node
    assert object_html({"kind": "Pod"}) is None  # not an API object: IPython's default view
    assert object_html("text") is None
