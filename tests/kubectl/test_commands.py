"""Each kubectl command's exact stdout (and stderr) on a ``Cluster(nodes=2)``.

Expected lines are kubectl's formats: the name printer (``deployment.apps/web created``),
``delete.go`` (``pod "web" deleted from default namespace``), ``cordon.go``, ``taint.go``,
``label.go``, ``version.go``, ``config/set_context.go``, and the table layout of REFERENCE.md §8.
"""

from __future__ import annotations

import pytest

import k8sedu.kubectl as kubectl
from k8sedu.cluster import Cluster
from k8sedu.errors import KubectlError


@pytest.fixture
def cluster():
    return Cluster(nodes=2)


def pod(name: str, labels: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": name}},
        "spec": {"containers": [{"name": "web", "image": "nginx"}]},
    }


def test_get_nodes(cluster):
    assert cluster.kubectl("get nodes") == (
        "NAME            STATUS   ROLES           AGE   VERSION\n"
        "control-plane   Ready    control-plane   0s    v1.34.0\n"
        "node-1          Ready    <none>          0s    v1.34.0\n"
        "node-2          Ready    <none>          0s    v1.34.0\n"
    )


def test_get_nothing_prints_to_stderr(cluster):
    out = cluster.kubectl("get pods")
    assert (out, out.stderr, out.exit_code) == ("", "No resources found in default namespace.", 0)
    assert cluster.kubectl("get pods -A").stderr == "No resources found"


def test_get_pods_wide_labels_and_names(cluster):
    cluster.api.create("pods", pod("web"))
    cluster.run(90)  # scheduled, then pulled and started by its kubelet within a second
    assert cluster.kubectl("get pods --show-labels") == (
        "NAME   READY   STATUS    RESTARTS   AGE   LABELS\nweb    1/1     Running   0          90s   app=web\n"
    )
    assert cluster.kubectl("get po -o name") == "pod/web\n"
    assert cluster.kubectl("get pod/web -o jsonpath={.metadata.name}") == "web"
    assert cluster.kubectl("get pods -A").startswith("NAMESPACE   NAME   READY")


def test_get_yaml_of_one_object_and_list_of_many(cluster):
    cluster.api.create("pods", pod("web"))
    assert cluster.kubectl("get pod web -o yaml").startswith("apiVersion: v1\nkind: Pod\n")
    assert cluster.kubectl("get pods -o yaml").startswith("apiVersion: v1\nitems:\n")
    assert cluster.kubectl("get pods -o json").endswith(
        '"kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
    )


def test_get_all_prefixes_kinds(cluster):
    assert cluster.kubectl("get all") == (
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   0s\n"
    )


def test_get_sort_by(cluster):
    for name in ("b", "a", "c"):
        cluster.api.create("pods", pod(name))
    out = cluster.kubectl("get pods --sort-by=.metadata.name -o name")
    assert out == "pod/a\npod/b\npod/c\n"


def _create_late_pod(cluster) -> None:
    cluster.api.create("pods", pod("late"))


def test_get_watch_runs_simulated_time(cluster):
    cluster.api.create("pods", pod("web"))
    cluster.sim.schedule(5, _create_late_pod, cluster)
    out = cluster.kubectl("get pods -w --watch-seconds 10")
    assert cluster.now == 10
    # each watch event is a row, laid out on its own as kubectl's watch printer does:
    # listed, bound by the scheduler, then the kubelet's ContainerCreating and Running
    assert out == (
        "NAME   READY   STATUS    RESTARTS   AGE\n"
        "web    0/1     Pending   0          0s\n"
        "web    0/1     Pending   0          0s\n"
        "web    0/1     ContainerCreating   0          0s\n"
        "web    1/1     Running             0          0s\n"
        "late   0/1     Pending             0          0s\n"
        "late   0/1     Pending             0          0s\n"
        "late   0/1     ContainerCreating   0          0s\n"
        "late   1/1     Running             0          0s\n"
    )


def test_other_gets_do_not_move_the_clock(cluster):
    cluster.kubectl("get nodes")
    cluster.kubectl("describe node node-1")
    assert cluster.now == 0


@pytest.mark.parametrize(
    "command, stdout",
    [
        ("create deployment web --image=nginx --replicas=2", "deployment.apps/web created\n"),
        ("run web --image=nginx", "pod/web created\n"),
        ("create namespace dev", "namespace/dev created\n"),
        (
            "version",
            "Client Version: v1.34.0\nKustomize Version: v5.7.1\nServer Version: v1.34.0\n",
        ),
        ("config set-context --current --namespace=dev", 'Context "kind-k8sedu" modified.\n'),
        ("config current-context", "kind-k8sedu\n"),
        ("cordon node-1", "node/node-1 cordoned\n"),
        ("uncordon node-1", "node/node-1 already uncordoned\n"),
        ("taint nodes node-1 dedicated=gpu:NoSchedule", "node/node-1 tainted\n"),
    ],
    ids=[
        "create-deployment",
        "run",
        "create-namespace",
        "version",
        "set-context",
        "current-context",
        "cordon",
        "uncordon-already",
        "taint",
    ],
)
def test_simple_commands(cluster, command, stdout):
    assert cluster.kubectl(command) == stdout


def test_create_deployment_builds_what_kubectl_builds(cluster):
    cluster.kubectl(
        "create deployment web --image=registry.k8s.io/nginx:1.25 --replicas=3 --port=80"
    )
    d = cluster.api.get("deployments", "web")
    assert d["metadata"]["labels"] == {"app": "web"}
    assert d["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert d["spec"]["replicas"] == 3
    container = d["spec"]["template"]["spec"]["containers"][0]
    assert (container["name"], container["image"], container["ports"]) == (
        "nginx",
        "registry.k8s.io/nginx:1.25",
        [{"containerPort": 80, "protocol": "TCP"}],
    )


def test_create_deployment_with_a_command_after_the_dashes(cluster):
    assert cluster.kubectl("create deployment sleeper --image=busybox -- sleep 3600") == (
        "deployment.apps/sleeper created\n"
    )
    container = cluster.api.get("deployments", "sleeper")["spec"]["template"]["spec"]
    assert container["containers"][0]["command"] == ["sleep", "3600"]


def test_create_deployment_dry_run_prints_what_kubectl_would_send(cluster):
    # kubectl create deployment web --image=nginx --dry-run=client -o yaml (kubectl v1.34)
    assert cluster.kubectl("create deployment web --image=nginx --dry-run=client -o yaml") == (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: null\n"
        "  labels:\n    app: web\n  name: web\nspec:\n  replicas: 1\n  selector:\n"
        "    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n"
        "      creationTimestamp: null\n      labels:\n        app: web\n    spec:\n"
        "      containers:\n      - image: nginx\n        name: nginx\n        resources: {}\n"
        "status: {}\n"
    )
    assert cluster.api.list("deployments") == []


def test_run_labels_the_pod(cluster):
    cluster.kubectl("run web --image=nginx --port=8080")
    p = cluster.api.get("pods", "web")
    assert p["metadata"]["labels"] == {"run": "web"}
    assert p["spec"]["containers"][0]["name"] == "web"


def test_expose_takes_selector_and_labels(cluster):
    cluster.kubectl("create deployment web --image=nginx")
    out = cluster.kubectl("expose deployment web --port=80 --target-port=8080 --type=NodePort")
    assert out == "service/web exposed\n"
    svc = cluster.api.get("services", "web")
    assert svc["spec"]["selector"] == {"app": "web"}
    assert svc["metadata"]["labels"] == {"app": "web"}
    port = svc["spec"]["ports"][0]
    assert (port["port"], port["targetPort"], port["protocol"], svc["spec"]["type"]) == (
        80,
        8080,
        "TCP",
        "NodePort",
    )


def test_expose_without_port(cluster):
    cluster.kubectl("create deployment web --image=nginx")
    with pytest.raises(
        KubectlError, match="^error: couldn't find port via --port flag or introspection$"
    ):
        cluster.kubectl("expose deployment web")


def test_delete_lines(cluster):
    cluster.api.create("pods", pod("web"))
    assert cluster.kubectl("delete pod web") == 'pod "web" deleted from default namespace\n'
    cluster.kubectl("create namespace dev")
    assert cluster.kubectl("delete ns dev --wait=false") == 'namespace "dev" deleted\n'
    assert cluster.kubectl("delete pods --all") == "No resources found\n"


def test_delete_force_warns(cluster):
    cluster.api.create("pods", pod("web"))
    out = cluster.kubectl("delete pod web --force")
    assert out == 'pod "web" force deleted from default namespace\n'
    assert out.stderr.startswith("warning: Immediate deletion does not wait")


def test_delete_waits_for_a_terminating_pod(cluster):
    cluster.api.create("pods", pod("web"))
    cluster.fail_node("node-1")  # its kubelet is down: nothing confirms the deletion
    cluster.api.bind("web", "node-1")  # bound: graceful deletion
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl("delete pod web --timeout=10s")
    assert str(caught.value) == "error: timed out waiting for the condition on pods/web"
    assert caught.value.stdout == 'pod "web" deleted from default namespace\n'
    assert cluster.now == 10


def test_delete_by_label(cluster):
    cluster.api.create("pods", pod("a", {"tier": "fe"}))
    cluster.api.create("pods", pod("b", {"tier": "be"}))
    assert cluster.kubectl("delete pods -l tier=fe") == 'pod "a" deleted from default namespace\n'
    assert [p["metadata"]["name"] for p in cluster.api.list("pods")] == ["b"]


def test_label_and_annotate(cluster):
    cluster.api.create("pods", pod("web"))
    assert cluster.kubectl("label pod web tier=fe") == "pod/web labeled\n"
    assert cluster.kubectl("label pod web tier=fe") == "pod/web not labeled\n"
    assert cluster.kubectl("label pod web tier-") == "pod/web unlabeled\n"
    assert cluster.kubectl("annotate pod web note=hi") == "pod/web annotated\n"
    assert cluster.api.get("pods", "web")["metadata"]["annotations"] == {"note": "hi"}
    with pytest.raises(
        KubectlError, match=r"^error: 'app' already has a value \(web\), and --overwrite is false$"
    ):
        cluster.kubectl("label pod web app=db")
    assert cluster.kubectl("label pod web app=db --overwrite") == "pod/web labeled\n"


def test_scale(cluster):
    cluster.kubectl("create deployment web --image=nginx")
    assert cluster.kubectl("scale deployment web --replicas=3") == "deployment.apps/web scaled\n"
    assert cluster.api.get("deployments", "web")["spec"]["replicas"] == 3
    with pytest.raises(KubectlError, match='^error: required flag\\(s\\) "replicas" not set$'):
        cluster.kubectl("scale deployment web")


def test_cordon_and_taint_write_the_node(cluster):
    assert cluster.kubectl("cordon node-1") == "node/node-1 cordoned\n"
    assert cluster.kubectl("cordon node-1") == "node/node-1 already cordoned\n"
    assert "Ready,SchedulingDisabled" in cluster.kubectl("get node node-1")
    cluster.kubectl("taint node node-1 dedicated=gpu:NoSchedule")
    assert cluster.api.get("nodes", "node-1")["spec"]["taints"] == [
        {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
    ]
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl("taint node node-1 dedicated=cpu:NoSchedule")
    assert str(caught.value) == (
        "error: node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is false"
    )
    assert cluster.kubectl("taint node node-1 dedicated:NoSchedule-") == "node/node-1 untainted\n"
    with pytest.raises(KubectlError, match='^error: taint "dedicated:NoSchedule" not found$'):
        cluster.kubectl("taint node node-1 dedicated:NoSchedule-")


def test_set_context_namespace_is_used_later(cluster):
    cluster.kubectl("create namespace dev")
    cluster.kubectl("config set-context --current --namespace=dev")
    cluster.kubectl("run web --image=nginx")
    assert cluster.api.get("pods", "web", namespace="dev")["metadata"]["namespace"] == "dev"
    assert (
        cluster.kubectl("get pods -n default").stderr == "No resources found in default namespace."
    )


def test_api_resources(cluster):
    lines = cluster.kubectl("api-resources").splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert ["deployments", "deploy", "apps/v1", "true", "Deployment"] in [
        line.split() for line in lines
    ]
    assert lines[1].split() == ["bindings", "v1", "true", "Binding"]


def test_describe_and_events(cluster):
    cluster.api.create("pods", pod("web"))
    text = cluster.kubectl("describe pod web")
    assert text.startswith("Name:") and "web" in text.splitlines()[0]
    # Node events live in "default": each kubelet announces itself when it starts
    events = cluster.kubectl("events")
    assert "Normal   Starting   Node/node-1          Starting kubelet.\n" in events
    empty = cluster.kubectl("events -n kube-public")
    assert (empty, empty.stderr) == ("", "No events found in kube-public namespace.")


@pytest.mark.parametrize(
    "command, stderr",
    [
        ("get pods nope", 'Error from server (NotFound): pods "nope" not found'),
        ("get deploy nope", 'Error from server (NotFound): deployments.apps "nope" not found'),
        ("get widgets", 'error: the server doesn\'t have a resource type "widgets"'),
        ("delete pod nope", 'Error from server (NotFound): pods "nope" not found'),
        ("create deployment web", 'error: required flag(s) "image" not set'),
        (  # cobra suggests commands within Levenshtein distance 2
            "foo",
            'error: unknown command "foo" for "kubectl"\n\nDid you mean this?\n\ttop\n',
        ),
        ("get pods --foo", "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."),
        (
            "port-forward pod/web 8080:80",
            'error: k8sedu does not simulate "kubectl port-forward" yet',
        ),
        (
            "get pod web pod/x",
            "error: there is no need to specify a resource type as a separate argument when "
            "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of "
            "'kubectl get resource resource/<resource_name>'",
        ),
    ],
    ids=[
        "pod-not-found",
        "deployment-not-found",
        "unknown-type",
        "delete-not-found",
        "required-flag",
        "unknown-command",
        "unknown-flag",
        "not-simulated",
        "mixed-forms",
    ],
)
def test_failing_commands(cluster, command, stderr):
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl(command)
    assert (str(caught.value), caught.value.exit_code) == (stderr, 1)


def test_create_twice_is_already_exists(cluster, tmp_path):
    path = tmp_path / "pod.yaml"
    path.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n"
    )
    assert cluster.kubectl(f"create -f {path}") == "pod/web created\n"
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl(f"create -f {path}")
    assert (
        str(caught.value)
        == f'Error from server (AlreadyExists): error when creating "{path}": pods "web" already exists'
    )


def test_stopped_api_server_refuses(cluster):
    cluster.stop("kube-apiserver")
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl("get pods")
    assert str(caught.value) == (
        "The connection to the server 172.18.0.2:6443 was refused - did you specify the right host or port?"
    )


def test_output_is_a_str_with_stderr():
    assert isinstance(kubectl.Output("x", "y", 0), str)


def test_delete_returns_when_the_pod_is_gone(cluster):
    sleeper = pod("web")
    sleeper["spec"]["terminationGracePeriodSeconds"] = 7
    sleeper["spec"]["containers"][0].update(image="busybox", command=["sleep", "3600"])
    cluster.api.create("pods", sleeper)
    cluster.run(5)  # running; ``sleep`` as PID 1 ignores SIGTERM, so the kubelet kills it at 7 s
    assert cluster.kubectl("delete pod web") == 'pod "web" deleted from default namespace\n'
    assert cluster.now == 12
    assert cluster.api.list("pods") == []


def test_a_deprecated_resource_prints_the_servers_warning_once(cluster):
    out = kubectl.run(cluster, "get ep/kubernetes ep/kubernetes -o name")
    assert out == "endpoints/kubernetes\nendpoints/kubernetes\n"
    assert out.stderr == (
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
    )
    assert kubectl.run(cluster, "get endpointslices -o name").stderr == ""


def test_create_namespace_dry_run_and_the_unwrapped_server_error(cluster):
    # kubectl create namespace team --dry-run=client -o yaml (kubectl v1.34, create_namespace.go)
    assert cluster.kubectl("create namespace team --dry-run=client -o yaml") == (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  creationTimestamp: null\n  name: team\n"
        "spec: {}\nstatus: {}\n"
    )
    assert cluster.kubectl("create ns team") == "namespace/team created\n"
    with pytest.raises(KubectlError) as error:
        cluster.kubectl("create namespace team")
    assert str(error.value) == 'Error from server (AlreadyExists): namespaces "team" already exists'
