"""``k8sedu.connect()`` with ``cluster.serve()`` playing the real cluster: the same lesson cells
(apply, kubectl, the api verbs, events, a polled timeline) work, and what only a simulation can
do says so."""

import sys
import time

import pytest

import k8sedu as k

pytest.importorskip("kubernetes", reason="needs the kubernetes client: pip install 'k8sedu[real]'")
from k8sedu.connect import NotSimulated, connect  # noqa: E402

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: k8sedu/web:1.0
"""


@pytest.fixture
def pair():
    """A served simulation and the ``RealCluster`` that reaches it over HTTP."""
    cluster = k.Cluster(nodes=1)
    with cluster.serve(mode="paused") as server:
        yield cluster, connect(server.kubeconfig)


def test_apply_is_the_same_as_on_the_simulation(pair):
    cluster, real = pair
    twin = k.Cluster.restore(cluster.snapshot())
    assert real.apply(DEPLOY) == twin.apply(DEPLOY) == ["deployment.apps/web created"]
    changed = DEPLOY.replace("replicas: 2", "replicas: 3")
    assert real.apply(changed) == twin.apply(changed) == ["deployment.apps/web configured"]
    assert real.apply(changed) == ["deployment.apps/web unchanged"]


def test_api_verbs_return_dicts_and_raise_k8sedu_errors(pair):
    cluster, real = pair
    api = real.api
    cm = api.create("configmaps", {"metadata": {"name": "c"}, "data": {"a": "1"}})
    assert cm["metadata"]["namespace"] == "default" and cm["data"] == {"a": "1"}
    assert api.patch("configmaps", "c", {"data": {"a": "2"}}, type="merge")["data"] == {"a": "2"}
    listed = api.list("configmaps", namespace="default", field_selector="metadata.name=c")
    assert [c["metadata"]["name"] for c in listed] == ["c"] and listed.resource_version
    stale = {**cm, "data": {"a": "3"}}
    with pytest.raises(k.Conflict, match=r'configmaps "c": the object has been modified'):
        api.update("configmaps", stale)
    with pytest.raises(k.AlreadyExists, match='configmaps "c" already exists'):
        api.create("configmaps", cm)
    with pytest.raises(k.NotFound) as missing:
        api.get("pods", "nope")
    assert str(missing.value) == 'pods "nope" not found' and missing.value.code == 404
    api.delete("configmaps", "c")
    assert api.list("configmaps", field_selector="metadata.name=c") == []


def test_subresources_and_events(pair):
    cluster, real = pair
    real.apply(DEPLOY)
    cluster.run(20)
    scale = real.api.patch("deployments/scale", "web", {"spec": {"replicas": 1}}, type="merge")
    assert scale["kind"] == "Scale" and scale["spec"] == {"replicas": 1}
    reasons = [e["reason"] for e in real.events]
    assert reasons == [e["reason"] for e in cluster.events]
    assert "ScalingReplicaSet" in reasons


def test_watch_delivers_changes_on_a_background_thread(pair):
    cluster, real = pair
    cluster.run(5)  # start-up writes first (the root CA publisher's kube-root-ca.crt)
    seen = []
    rv = real.api.list("configmaps").resource_version
    handle = real.api.watch("configmaps", seen.append, "default", resource_version=rv)
    cluster.api.create("configmaps", {"metadata": {"name": "w"}})
    cluster.run(0)
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.02)
    handle.stop()
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in seen] == [("ADDED", "w")]


@pytest.mark.parametrize("operation", ["run", "fail_node", "snapshot"])
def test_simulation_only_operations_say_so(pair, operation):
    _, real = pair
    with pytest.raises(NotSimulated, match=f"{operation}\\(\\) needs the simulator"):
        getattr(real, operation)()


def test_record_polls_into_a_history(pair):
    cluster, real = pair
    real.apply(DEPLOY)
    cluster.run(20)
    history = real.record(seconds=0.2, interval=0.1)
    assert history.deployments["default/web"][-1][1:] == (2, 2)


def test_a_missing_client_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "kubernetes", None)
    with pytest.raises(ImportError, match=r"pip install 'k8sedu\[real\]'"):
        connect()
