"""The official ``kubernetes`` Python client against ``cluster.serve()``: it lists, creates,
patches, watches, reads logs and deletes as REAL-CLIENTS.md §7 records it doing."""

import pytest

import k8sedu as k

kubernetes = pytest.importorskip(
    "kubernetes", reason="needs the kubernetes client: pip install 'k8sedu[real]'"
)
from kubernetes import client, config, watch  # noqa: E402

POD = {
    "metadata": {"name": "py"},
    "spec": {"containers": [{"name": "main", "image": "k8sedu/web:1.0"}]},
}
DEPLOY = {
    "metadata": {"name": "pyd"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "pyd"}},
        "template": {
            "metadata": {"labels": {"app": "pyd"}},
            "spec": {"containers": [{"name": "web", "image": "k8sedu/web:1.0"}]},
        },
    },
}


@pytest.fixture(scope="module")
def apis():
    cluster = k.Cluster(nodes=1)
    with cluster.serve(mode="paused") as server:
        api_client = config.new_client_from_config(config_file=server.kubeconfig)
        yield cluster, client.CoreV1Api(api_client), client.AppsV1Api(api_client), api_client


def test_version_and_discovery_with_trailing_slashes(apis):
    _, _, _, api_client = apis
    assert client.VersionApi(api_client).get_code().git_version == "v1.34.0"
    assert client.CoreApi(api_client).get_api_versions().versions == ["v1"]


def test_create_list_conflict_and_delete(apis):
    cluster, core, _, _ = apis
    created = core.create_namespaced_pod("default", POD)  # a dict without apiVersion/kind
    assert created.metadata.name == "py" and created.metadata.creation_timestamp.year == 2025
    listed = core.list_namespaced_pod("default")
    assert [p.metadata.name for p in listed.items] == ["py"]
    assert listed.metadata.resource_version == str(cluster.etcd.revision)
    with pytest.raises(client.ApiException) as conflict:
        core.create_namespaced_pod("default", POD)
    assert (conflict.value.status, conflict.value.reason) == (409, "Conflict")
    assert '"reason":"AlreadyExists"' in conflict.value.body
    assert core.delete_namespaced_pod("py", "default").metadata.name == "py"


def test_patch_and_scale(apis):
    _, _, apps, _ = apis
    apps.create_namespaced_deployment("default", DEPLOY)
    scale = apps.patch_namespaced_deployment_scale("pyd", "default", {"spec": {"replicas": 2}})
    assert scale.spec.replicas == 2
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "k8sedu/web:1.1"}]}}}
    }
    patched = apps.patch_namespaced_deployment("pyd", "default", patch)  # strategic merge
    assert [c.image for c in patched.spec.template.spec.containers] == ["k8sedu/web:1.1"]
    assert isinstance(apps.delete_namespaced_deployment("pyd", "default"), dict)  # a Status


def test_watch_resumes_and_410(apis):
    cluster, core, _, _ = apis
    rv = core.list_namespaced_config_map("default").metadata.resource_version
    cluster.api.create("configmaps", {"metadata": {"name": "seen"}})
    cluster.run(0)
    stream = watch.Watch().stream(
        core.list_namespaced_config_map, "default", resource_version=rv, timeout_seconds=1
    )
    assert [(e["type"], e["object"].metadata.name) for e in stream] == [("ADDED", "seen")]
    cluster.run(700)  # past a compaction
    with pytest.raises(client.ApiException) as expired:
        list(watch.Watch().stream(core.list_namespaced_config_map, "default", resource_version=rv))
    assert expired.value.status == 410


def test_logs_are_text(apis):
    cluster, core, _, _ = apis
    core.create_namespaced_pod("default", {**POD, "metadata": {"name": "talker"}})
    cluster.run(10)
    log = core.read_namespaced_pod_log("talker", "default")
    assert log.splitlines()[0].endswith("starting k8sedu/web:1.0")
