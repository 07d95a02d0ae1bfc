"""The simulated API server on a real etcd: the same answers as on the embedded store, the keys a
real cluster stores, and no acknowledged write lost when etcd is SIGKILLed and restarted.

Messages are the real kube-apiserver's (staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go).
Skipped only where no etcd binary is installed (apt-get install etcd-server etcd-client).
"""

import json
import os
import shutil
import subprocess

import pytest

import k8sedu as k
from k8sedu.etcd import RealEtcd

pytestmark = pytest.mark.skipif(
    not RealEtcd.installed(), reason="no etcd binary (apt-get install etcd-server etcd-client)"
)

KEY = "/registry/configmaps/default/a"


@pytest.fixture
def etcd():
    store = RealEtcd.start()
    yield store
    store.stop()


def configmap(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


class Events:
    """A watch handler that keeps ``(type, name, resourceVersion)``."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    def __call__(self, event: dict) -> None:
        meta = event["object"]["metadata"]
        self.seen.append((event["type"], meta["name"], meta["resourceVersion"]))


def scenario(cluster: k.Cluster) -> dict:
    """Create, read, update, conflict, list, watch and delete: everything a client sees."""
    api = cluster.api
    events = Events()
    api.watch("configmaps", events, namespace="default")
    a = api.create("configmaps", configmap("a", x="1"))
    b = api.create("configmaps", configmap("b"))
    stale = api.get("configmaps", "a")
    a["data"]["x"] = "2"
    updated = api.update("configmaps", a)
    stale["data"]["x"] = "3"
    with pytest.raises(k.Conflict) as conflict:
        api.update("configmaps", stale)
    with pytest.raises(k.AlreadyExists) as exists:
        api.create("configmaps", configmap("b"))
    listed = api.list("configmaps", namespace="default")
    api.delete("configmaps", "b")
    with pytest.raises(k.NotFound) as missing:
        api.get("configmaps", "b")
    cluster.run(1)
    return {
        "versions": [o["metadata"]["resourceVersion"] for o in (a, b, stale, updated)],
        "listed": [(o["metadata"]["name"], o["metadata"]["resourceVersion"]) for o in listed],
        "errors": [str(e.value) for e in (conflict, exists, missing)],
        "events": events.seen,
        "revision": cluster.etcd.revision,
    }


def test_the_api_server_answers_as_on_the_embedded_store(etcd):
    real = scenario(k.Cluster.bare(etcd=etcd))
    assert real == scenario(k.Cluster.bare())
    assert real["errors"] == [
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; '
        "please apply your changes to the latest version and try again",
        'configmaps "b" already exists',
        'configmaps "b" not found',
    ]
    assert [e[0] for e in real["events"]] == ["ADDED", "ADDED", "MODIFIED", "DELETED"]


def test_objects_are_stored_under_their_real_keys(etcd):
    cluster = k.Cluster.bare(etcd=etcd)
    created = cluster.api.create("configmaps", configmap("a", x="1"))
    kv = etcd.get(KEY)
    stored = json.loads(kv.value)
    assert kv.mod_revision == int(created["metadata"]["resourceVersion"])
    assert "resourceVersion" not in stored["metadata"]  # etcd's mod_revision is the version
    assert stored["data"] == {"x": "1"}


@pytest.mark.skipif(shutil.which("etcdctl") is None, reason="no etcdctl (etcd-client)")
def test_etcdctl_sees_the_keys_and_its_writes_reach_the_cluster(etcd):
    cluster = k.Cluster.bare(etcd=etcd)
    events = Events()
    cluster.api.watch("configmaps", events, namespace="default")
    cluster.api.create("configmaps", configmap("a"))
    env = {**os.environ, "ETCDCTL_API": "3"}

    def etcdctl(*args: str) -> str:
        command = ["etcdctl", "--endpoints", etcd.url, *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout

    assert etcdctl("get", "--prefix", "--keys-only", "/registry/configmaps/").split() == [KEY]
    body = configmap("from-etcdctl")
    body["metadata"]["namespace"] = "default"
    etcdctl("put", "/registry/configmaps/default/from-etcdctl", json.dumps(body))
    # the next request drains the server's changes into the watch cache
    assert cluster.api.get("configmaps", "from-etcdctl")["metadata"]["name"] == "from-etcdctl"
    cluster.run(1)
    assert [(t, name) for t, name, _ in events.seen] == [("ADDED", "a"), ("ADDED", "from-etcdctl")]


def test_a_cluster_on_an_etcd_url(etcd):
    cluster = k.Cluster.bare(etcd=etcd.url)
    cluster.api.create("configmaps", configmap("a"))
    assert etcd.get(KEY) is not None
    assert [ns["metadata"]["name"] for ns in cluster.api.list("namespaces")] == [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
    ]


def test_a_cluster_on_a_real_etcd_cannot_be_snapshotted(etcd):
    with pytest.raises(TypeError, match="its data lives in the etcd server"):
        k.Cluster.bare(etcd=etcd).snapshot()


class Writer:
    """Creates a ConfigMap every second; keeps the names the API server acknowledged."""

    def __init__(self, cluster: k.Cluster) -> None:
        self.cluster = cluster
        self.acknowledged: list[str] = []
        cluster.sim.every(1, self.write)

    def write(self) -> None:
        name = f"cm-{len(self.acknowledged)}"
        self.cluster.api.create("configmaps", configmap(name))
        self.acknowledged.append(name)


class Crash:
    """SIGKILLs etcd, then starts it again on the same data directory and port without waiting:
    the next request is retried by the client until the restarted member answers."""

    def __init__(self, etcd: RealEtcd, writer: Writer) -> None:
        self.etcd = etcd
        self.writer = writer
        self.acknowledged_before: list[str] = []

    def __call__(self) -> None:
        self.acknowledged_before = list(self.writer.acknowledged)
        self.etcd.kill()
        self.etcd.server.launch()


def test_sigkill_mid_run_and_restart_lose_no_acknowledged_object(etcd):
    cluster = k.Cluster.bare(etcd=etcd)
    writer = Writer(cluster)
    crash = Crash(etcd, writer)
    cluster.sim.schedule(5.5, crash)
    cluster.run(10.5)
    names = [cm["metadata"]["name"] for cm in cluster.api.list("configmaps", namespace="default")]
    assert len(crash.acknowledged_before) == 5 and set(crash.acknowledged_before) <= set(names)
    assert sorted(names) == sorted(writer.acknowledged) and len(names) == 10  # it carried on
    stored = [kv.key.rsplit("/", 1)[1] for kv in etcd.range("/registry/configmaps/default/")]
    assert stored == sorted(names)


def test_a_full_cluster_runs_a_deployment_as_on_the_embedded_store(etcd):
    def deployment(cluster: k.Cluster) -> tuple[str, int]:
        cluster.kubectl("create deployment web --image=nginx --replicas=3")
        cluster.run(60)
        return cluster.kubectl("get pods -o wide"), cluster.etcd.revision

    real = deployment(k.Cluster(nodes=2, etcd=etcd))
    assert real == deployment(k.Cluster(nodes=2))
    assert real[0].count("Running") == 3
