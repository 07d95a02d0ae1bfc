"""``kubectl patch``: strategic, merge and JSON patches with kubectl's lines and errors."""

import pytest

import k8sedu as k


@pytest.fixture
def cluster():
    c = k.Cluster.bare()
    c.kubectl("create deployment web --image=nginx:1.27")
    return c


def test_strategic_patch_then_no_change(cluster):
    patch = """patch deployment web -p '{"spec":{"replicas":3}}'"""
    assert cluster.kubectl(patch) == "deployment.apps/web patched\n"
    assert cluster.kubectl(patch) == "deployment.apps/web patched (no change)\n"
    assert cluster.api.get("deployments", "web")["spec"]["replicas"] == 3


def test_strategic_patch_merges_containers_by_name(cluster):
    patch = """patch deploy web -p 'spec: {template: {spec: {containers: [{name: nginx, image: "nginx:1.28"}]}}}'"""
    cluster.kubectl(patch)
    containers = cluster.api.get("deployments", "web")["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("nginx", "nginx:1.28")]


def test_merge_and_json_patches(cluster):
    cluster.kubectl("""patch deploy web --type=merge -p '{"metadata":{"labels":{"team":"a"}}}'""")
    cluster.kubectl(
        """patch deploy web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":2}]'"""
    )
    web = cluster.api.get("deployments", "web")
    assert web["metadata"]["labels"]["team"] == "a" and web["spec"]["replicas"] == 2


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("patch deploy web", "error: must specify -p to patch"),
        (
            "patch deploy web --type=foo -p {}",
            'error: --type must be one of [json merge strategic], not "foo"',
        ),
        (
            "patch deploy nope -p {}",
            'Error from server (NotFound): deployments.apps "nope" not found',
        ),
    ],
    ids=["no-patch", "bad-type", "not-found"],
)
def test_patch_errors(cluster, command, message):
    with pytest.raises(k.KubectlError) as e:
        cluster.kubectl(command)
    assert str(e.value) == message
