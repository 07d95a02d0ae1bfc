import k8sedu as k
from k8sedu.widgets import EtcdBrowser


def test_keys_revisions_and_value():
    cluster = k.Cluster.bare()
    browser = EtcdBrowser(cluster)
    assert "/registry/namespaces/default" in browser.keys.options
    browser.keys.value = "/registry/namespaces/default"
    kv = cluster.etcd.get("/registry/namespaces/default")
    assert f"mod_revision {kv.mod_revision}" in browser.detail.value
    assert "&quot;kind&quot;: &quot;Namespace&quot;" in browser.detail.value
    assert bytes(browser.history.value).startswith(b"\x89PNG")


def test_prefix_narrows_the_keys():
    browser = EtcdBrowser(k.Cluster.bare())
    browser.prefix.value = "/registry/namespaces/kube-"
    assert browser.keys.options == (
        "/registry/namespaces/kube-node-lease",
        "/registry/namespaces/kube-public",
        "/registry/namespaces/kube-system",
    )


def test_the_feed_shows_new_writes():
    cluster = k.Cluster.bare()
    browser = EtcdBrowser(cluster)
    cluster.api.create(
        "configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}
    )
    cluster.run(1)
    browser.refresh_button.click()
    assert "<b>PUT</b> <code>/registry/configmaps/default/settings</code>" in browser.events.value
