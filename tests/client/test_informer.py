"""Informers: list + watch into an indexed cache, handlers, re-list after the API server restarts."""

import json

import pytest

from k8sedu.apiserver.client import Client
from k8sedu.client.informer import EventHandler, InformerFactory, index_by_owner_uid, key_of


def configmap(
    name: str, namespace: str = "default", data: dict | None = None, owner: dict | None = None
) -> dict:
    meta = {"name": name, "namespace": namespace}
    if owner is not None:
        meta["ownerReferences"] = [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "name": owner["metadata"]["name"],
                "uid": owner["metadata"]["uid"],
            }
        ]
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {}}


class Log:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def add(self, obj):
        self.events.append(("add", key_of(obj)))

    def update(self, old, new):
        self.events.append(("update", key_of(new), old["data"], new["data"]))

    def delete(self, obj):
        self.events.append(("delete", key_of(obj)))


@pytest.fixture
def informer_and_log(owner):
    cluster = owner.cluster
    factory = InformerFactory(owner, Client(cluster, "system:test", "test-owner"))
    informer = factory.informer("configmaps")
    log = Log()
    informer.add_handler(EventHandler(log.add, log.update, log.delete))
    factory.start()
    return cluster, factory, informer, log


def test_one_informer_per_resource_is_shared(informer_and_log):
    _, factory, informer, _ = informer_and_log
    assert factory.informer("configmaps") is informer
    assert factory.informer("pods") is not informer


def test_sees_add_update_delete_and_keeps_the_cache(informer_and_log):
    cluster, _, informer, log = informer_and_log
    assert informer.has_synced()
    cluster.api.create("configmaps", configmap("web", data={"v": "1"}))
    cluster.run(0)
    cm = cluster.api.get("configmaps", "web")
    cm["data"] = {"v": "2"}
    cluster.api.update("configmaps", cm)
    cluster.run(0)
    assert informer.get("default/web")["data"] == {"v": "2"}
    cluster.api.delete("configmaps", "web")
    cluster.run(0)
    assert log.events == [
        ("add", "default/web"),
        ("update", "default/web", {"v": "1"}, {"v": "2"}),
        ("delete", "default/web"),
    ]
    assert informer.get("default/web") is None


def test_a_late_handler_gets_the_cached_objects_as_adds(informer_and_log):
    cluster, _, informer, _ = informer_and_log
    cluster.api.create("configmaps", configmap("b"))
    cluster.api.create("configmaps", configmap("a", namespace="kube-system"))
    cluster.run(0)
    late = Log()
    informer.add_handler(EventHandler(on_add=late.add))
    assert late.events == [("add", "default/b"), ("add", "kube-system/a")]


def test_indexes_by_namespace_and_owner_uid(informer_and_log):
    cluster, _, informer, _ = informer_and_log
    informer.add_indexers({"owner-uid": index_by_owner_uid})
    parent = cluster.api.create("configmaps", configmap("parent"))
    cluster.api.create("configmaps", configmap("child-2", owner=parent))
    cluster.api.create("configmaps", configmap("child-1", owner=parent))
    cluster.api.create("configmaps", configmap("other", namespace="kube-public"))
    cluster.run(0)
    uid = parent["metadata"]["uid"]
    assert [key_of(o) for o in informer.by_index("owner-uid", uid)] == [
        "default/child-1",
        "default/child-2",
    ]
    assert [key_of(o) for o in informer.list("kube-public")] == ["kube-public/other"]
    cluster.api.delete("configmaps", "child-1")
    cluster.run(0)
    assert [key_of(o) for o in informer.by_index("owner-uid", uid)] == ["default/child-2"]


def test_cached_objects_are_the_shared_ones_and_stay_untouched(informer_and_log):
    cluster, _, informer, _ = informer_and_log
    cluster.api.create("configmaps", configmap("web", data={"v": "1"}))
    cluster.run(0)
    cached = informer.get("default/web")
    before = json.dumps(cached, sort_keys=True)
    cm = cluster.api.get("configmaps", "web")
    cm["data"] = {"v": "2"}
    cluster.api.update("configmaps", cm)
    cluster.run(0)
    assert (
        json.dumps(cached, sort_keys=True) == before
    )  # a new object replaced it; the old is intact
    assert informer.get("default/web") is not cached


def test_relists_after_the_api_server_restarts(informer_and_log):
    cluster, _, informer, log = informer_and_log
    cluster.api.create("configmaps", configmap("stays", data={"v": "1"}))
    cluster.api.create("configmaps", configmap("goes"))
    cluster.run(0)
    cluster.stop("kube-apiserver")
    cluster.run(5)  # the informer notices at once and retries with back-off
    cluster.start("kube-apiserver")
    # changes the informer's old watch can never deliver: it must re-list to see them
    cluster.api.delete("configmaps", "goes")
    cluster.api.create("configmaps", configmap("new"))
    log.events.clear()
    cluster.run(30)
    assert informer.get("default/goes") is None
    assert informer.get("default/new") is not None
    assert ("delete", "default/goes") in log.events
    assert ("add", "default/new") in log.events
    lists = [
        r for r in cluster.trace.filter(component="test-owner", verb="list", resource="configmaps")
    ]
    assert len(lists) == 2  # the first list and one re-list once the server answered again


def test_retries_with_back_off_while_the_api_server_is_down(informer_and_log):
    cluster, _, _, _ = informer_and_log
    cluster.run(0.5)
    start = cluster.now
    cluster.stop("kube-apiserver")
    cluster.run(60)
    cluster.start("kube-apiserver")
    cluster.run(30)
    relisted = [
        r.time - start
        for r in cluster.trace.filter(component="test-owner", verb="list", since=start)
    ]
    # noticed at once (the server closes the watch), retried after 0.8, 1.6, 3.2, 6.4, 12.8,
    # 25.6, 30 s…: the first success after 60 s
    assert relisted == [pytest.approx(0.8 + 1.6 + 3.2 + 6.4 + 12.8 + 25.6 + 30)]
