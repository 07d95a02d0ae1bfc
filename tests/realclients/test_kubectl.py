"""Real kubectl against ``cluster.serve()``: each command prints what ``cluster.kubectl()``
prints for it on a twin of the cluster (REAL-CLIENTS.md §4 lists what each one asks). The full
list runs on the newest kubectl found, a smoke subset on every other version beside it."""

import pytest

GETS = [
    "get pods",
    "get pods -o wide",
    "get nodes",
    "get nodes -o wide",
    "get deploy",
    "get deploy app -o wide",
    "get svc",
    "get all",
    "get pods -A",
    "get pods -l app=app",
    "get pods -o yaml",
    "get pods -o json",
    "get deploy app -o yaml",
    "get pod nope",
    "get rs --show-labels",
    "api-resources",
]


def same_as_simulated(kubectl, cluster, rc, command: str):
    """Run ``command`` for real, and on a twin taken just before; both must print the same."""
    twin = rc.twin_of(cluster)
    real = kubectl.run(command)
    out, err, code = rc.expected(twin, command)
    assert (real.returncode, real.stdout) == (code, rc.older_wording(out, kubectl.version))
    if code:
        assert real.stderr.strip() == err
    return real


@pytest.mark.parametrize("command", GETS)
def test_reads(reading_kubectl, read_only_cluster, rc, command):
    same_as_simulated(reading_kubectl, read_only_cluster[0], rc, command)


def test_writes_and_their_errors(kubectl, served_cluster, rc):
    cluster, _ = served_cluster
    here = kubectl.cwd
    pod = cluster.api.list("pods")[0]["metadata"]["name"]
    for command in [
        f"create -f {here}/pod.yaml",
        f"create -f {here}/pod.yaml",  # 409 AlreadyExists
        f"create -f {here}/pod_bad.yaml",  # 400 strict decoding
        f"create -f {here}/noimg.yaml",  # 422 with two causes
        f"apply -f {here}/new.yaml",  # created
        f"apply -f {here}/deploy.yaml",  # unchanged
        f"apply -f {here}/deploy2.yaml",  # configured
        "scale deployment app --replicas=3",
        "cordon node-1",
        "get nodes",
        "uncordon node-1",
        f"delete pod {pod}",  # waits until the pod is gone
        "delete deployment new",
        "get pods",
    ]:
        same_as_simulated(kubectl, cluster, rc, command)


def test_server_side_apply_upserts(kubectl, served_cluster):
    cluster, _ = served_cluster
    for manifest, name in (("deploy2.yaml", "app"), ("new.yaml", "new")):
        real = kubectl.run(f"apply --server-side -f {kubectl.cwd}/{manifest}")
        # REAL-CLIENTS §3.5; cluster.kubectl() has no --server-side to compare with
        assert real.stderr == ""
        assert (real.returncode, real.stdout) == (0, f"deployment.apps/{name} serverside-applied\n")
    image = cluster.api.get("deployments", "app")["spec"]["template"]["spec"]["containers"][0]
    assert image["image"] == "k8sedu/web:1.1"
    assert cluster.api.get("deployments", "new")["spec"]["replicas"] == 2


def test_logs(kubectl, served_cluster, rc):
    cluster, _ = served_cluster
    pod = cluster.api.list("pods")[0]["metadata"]["name"]
    for command in (f"logs {pod}", f"logs {pod} -c web --tail=1", "logs deployment/app"):
        same_as_simulated(kubectl, cluster, rc, command)


@pytest.mark.parametrize("target", ["pod", "deployment app"])
def test_describe(kubectl, served_cluster, rc, target):
    cluster, _ = served_cluster
    if target == "pod":
        target = "pod " + cluster.api.list("pods")[0]["metadata"]["name"]
    twin = rc.twin_of(cluster)
    real = kubectl.run(f"describe {target}")
    assert real.returncode == 0
    simulated = twin.kubectl(f"describe {target}")
    assert rc.events_without_age(real.stdout) == rc.events_without_age(simulated)


def test_get_watch_prints_each_change(kubectl, served_cluster, rc):
    cluster, server = served_cluster
    with server.lock:  # the change, due in 1 simulated second, is part of what the twin copies
        cluster.sim.schedule(1, server._plain_api.patch, "deployments/scale", "app",
                             {"spec": {"replicas": 3}}, "default", "merge")  # fmt: skip
    twin = rc.twin_of(cluster)
    expected = twin.kubectl("get pods -w --watch-seconds 10")
    listed = 1 + len(cluster.api.list("pods"))  # the header and a row per pod
    watching = kubectl.start("get pods -w")
    watching.wait_lines(listed)
    rc.wait_for(lambda: any(w.component.startswith("kubectl") for w in _watchers(cluster)))
    cluster.run(10)
    real = watching.wait_lines(len(expected.splitlines()))
    assert watching.stop() == real == expected


def test_rollout_status_follows_a_real_rolling_update(kubectl, served_cluster, rc):
    cluster, server = served_cluster
    same_as_simulated(kubectl, cluster, rc, f"apply -f {kubectl.cwd}/deploy2.yaml")
    twin = rc.twin_of(cluster)
    expected = twin.kubectl("rollout status deployment/app")
    rollout = kubectl.start("rollout status deployment/app")
    rc.wait_for(
        lambda: any(w.component.startswith("kubectl") for w in _watchers(cluster, "deployments"))
    )
    server.resume(speed=20)
    assert rollout.child.wait(timeout=60) == 0
    server.pause()
    assert rollout.stop() == expected
    assert expected.endswith('deployment "app" successfully rolled out\n')


def _watchers(cluster, resource="pods"):
    with_lock = cluster.apiserver.watchers.by_resource.get(resource, [])
    return list(with_lock)


def test_smoke_on_other_versions(smoke_kubectl, served_cluster, rc):
    cluster, _ = served_cluster
    here = smoke_kubectl.cwd
    for command in [
        "get pods",
        "get nodes -o wide",
        f"create -f {here}/pod.yaml",
        f"apply -f {here}/deploy2.yaml",
        "delete pod solo",
    ]:
        same_as_simulated(smoke_kubectl, cluster, rc, command)


def test_the_servers_deprecation_warning_reaches_kubectl(reading_kubectl, read_only_cluster, rc):
    """v1 Endpoints answers with a ``Warning: 299`` header; kubectl prints it, as the twin does."""
    real = reading_kubectl.run("get endpoints")
    warning = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
    assert real.returncode == 0 and warning in real.stderr
    assert rc.twin_of(read_only_cluster[0]).kubectl("get endpoints").stderr == warning
