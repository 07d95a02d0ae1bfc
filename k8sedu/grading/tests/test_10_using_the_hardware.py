"""Graded tests of exercise 10 (using the hardware): a pod's QoS class, and a packing Score plugin.

QoS expectations follow ``pkg/apis/core/v1/helper/qos/qos.go`` (``ComputePodQOS``) after API
defaulting (REFERENCE §5.2): only cpu and memory count, zero quantities are ignored, init
containers count, a limit without a request makes the request equal to it; BestEffort when
nothing is set, Guaranteed when every container has cpu and memory limits equal to its requests,
Burstable otherwise.

The packing plugin is graded inside the real kube-scheduler (default plugins beside it, at the
learner's WEIGHT): pods are created one at a time on Node objects, every placement must respect
the stated rule (a node with the fewest replicas of the pod's app, among the nodes that passed
the filters, read from ``cluster.scheduler.explain``), and the workload must end on at most the
stated number of nodes — the fewest the rule allows, worked out by hand for each workload.
"""

import pytest

import k8sedu as k

# -- part 1: QoS classes ----------------------------------------------------------------------------


def container(name="app", requests=None, limits=None, **extra):
    resources = {}
    if requests is not None:
        resources["requests"] = requests
    if limits is not None:
        resources["limits"] = limits
    return {"name": name, "image": "k8sedu/web:1.0", "resources": resources, **extra}


def qos_pod(*containers, init=()):
    spec = {"containers": list(containers)}
    if init:
        spec["initContainers"] = list(init)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


BOTH = {"cpu": "500m", "memory": "256Mi"}
G, B, BE = "Guaranteed", "Burstable", "BestEffort"

BASIC = [
    pytest.param(qos_pod(container(requests=BOTH, limits=BOTH)), G, id="requests-equal-limits"),
    pytest.param(qos_pod(container()), BE, id="nothing-set"),
    pytest.param(qos_pod(container(requests={"cpu": "200m"})), B, id="cpu-request-only"),
    pytest.param(
        qos_pod(container(requests=BOTH, limits={"cpu": "1", "memory": "256Mi"})),
        B,
        id="limit-above-request",
    ),
    pytest.param(qos_pod(container(limits={"memory": "256Mi"})), B, id="memory-limit-only"),
]

LIMITS_ONLY = [
    pytest.param(qos_pod(container(limits=BOTH)), G, id="limits-only"),
    pytest.param(
        qos_pod(container(requests={"cpu": "500m"}, limits=BOTH)), G, id="memory-request-defaulted"
    ),
    pytest.param(
        qos_pod(container("a", limits=BOTH), container("b", limits={"cpu": "1", "memory": "1Gi"})),
        G,
        id="two-limit-only-containers",
    ),
    pytest.param(
        qos_pod(container(requests={"cpu": "100m"}, limits={"memory": "256Mi"})),
        B,
        id="cpu-limit-missing",
    ),
]

EVERY_CONTAINER = [
    pytest.param(
        qos_pod(container("a", requests=BOTH, limits=BOTH), container("b")),
        B,
        id="one-guaranteed-one-empty",
    ),
    pytest.param(
        qos_pod(container(requests=BOTH, limits=BOTH), init=[container("init")]),
        B,
        id="init-container-without-limits",
    ),
    pytest.param(
        qos_pod(container(requests=BOTH, limits=BOTH), init=[container("init", limits=BOTH)]),
        G,
        id="init-container-limits-only",
    ),
    pytest.param(
        qos_pod(container("a"), init=[container("init", requests={"memory": "64Mi"})]),
        B,
        id="only-an-init-container-requests",
    ),
]


@pytest.mark.points(2)
@pytest.mark.parametrize(("spec", "expected"), BASIC)
def test_qos_class(submission, spec, expected):
    """Guaranteed, Burstable or BestEffort from the requests and limits of one container."""
    got = submission.qos_class(spec)
    assert got == expected, f"expected {expected!r}, got {got!r}"


@pytest.mark.points(2)
@pytest.mark.hint("A limit without a request: the API server sets the request to the limit.")
@pytest.mark.parametrize(("spec", "expected"), LIMITS_ONLY)
def test_qos_class_with_limit_only_containers(submission, spec, expected):
    """Requests defaulted from limits count as set, and equal."""
    got = submission.qos_class(spec)
    assert got == expected, f"expected {expected!r}, got {got!r}"


@pytest.mark.points(2)
@pytest.mark.hint("Every container counts: spec.containers and spec.initContainers.")
@pytest.mark.parametrize(("spec", "expected"), EVERY_CONTAINER)
def test_qos_class_over_every_container(submission, spec, expected):
    """The class is the pod's: one container that falls short makes the pod Burstable."""
    got = submission.qos_class(spec)
    assert got == expected, f"expected {expected!r}, got {got!r}"


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            qos_pod(container(requests={"nvidia.com/gpu": "1"}, limits={"nvidia.com/gpu": "1"})),
            BE,
            id="gpus-do-not-count",
        ),
        pytest.param(
            qos_pod(container(limits={"ephemeral-storage": "1Gi"})), BE, id="storage-does-not-count"
        ),
        pytest.param(
            qos_pod(container(requests={"cpu": "0", "memory": "0"})), BE, id="zero-requests"
        ),
        pytest.param(
            qos_pod(
                container(
                    requests={"cpu": "0.5", "memory": "1Gi"},
                    limits={"cpu": "500m", "memory": "1073741824"},
                )
            ),
            G,
            id="same-value-written-differently",
        ),
        pytest.param(
            qos_pod(
                container(
                    requests={"cpu": "1", "memory": "1Gi"}, limits={"cpu": "1", "memory": "1G"}
                )
            ),
            B,
            id="1Gi-is-not-1G",
        ),
        pytest.param(
            qos_pod(
                container(requests=BOTH, limits=BOTH),
                init=[container("sidecar", restartPolicy="Always", requests={"cpu": "50m"})],
            ),
            B,
            id="sidecar-counts",
        ),
    ],
)
def test_qos_class_edge_cases(submission, spec, expected):
    """Only cpu and memory count, zeros do not, and quantities compare by value."""
    got = submission.qos_class(spec)
    assert got == expected, f"expected {expected!r}, got {got!r}"


# -- part 2: the packing plugin, graded by placements ---------------------------------------------


def node(name, cpu="4", memory="8Gi"):
    allocatable = {"cpu": cpu, "memory": memory, "pods": "110"}
    ready = {
        "type": "Ready",
        "status": "True",
        "reason": "KubeletReady",
        "message": "kubelet is posting ready status",
        "lastHeartbeatTime": "2025-01-01T00:00:00Z",
        "lastTransitionTime": "2025-01-01T00:00:00Z",
    }
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "status": {
            "capacity": dict(allocatable),
            "allocatable": allocatable,
            "conditions": [ready],
        },
    }


def pod(name, app, cpu="1", memory="1Gi", namespace="default"):
    labels = {"app": app} if app else {}
    spec = {"containers": [container(requests={"cpu": cpu, "memory": memory})]}
    meta = {"name": name, "namespace": namespace, "labels": labels}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def packing_cluster(submission, nodes: list[dict]):
    cluster = k.Cluster(nodes=0)
    for body in nodes:
        cluster.api.create("nodes", body)
    cluster.scheduler.register(submission.Packing, weight=submission.WEIGHT)
    return cluster


def replicas_on(pods: list[dict], spec: dict, where: str) -> int:
    app = spec["metadata"]["labels"].get("app")
    namespace = spec["metadata"]["namespace"]
    return sum(
        1
        for p in pods
        if app
        and p["spec"].get("nodeName") == where
        and p["metadata"]["namespace"] == namespace
        and p["metadata"]["labels"].get("app") == app
    )


def place(cluster, spec: dict) -> None:
    """Create one pod, let the scheduler place it, and check the node against rule 1."""
    name, namespace = spec["metadata"]["name"], spec["metadata"]["namespace"]
    pods = cluster.api.list("pods")
    cluster.api.create("pods", spec)
    cluster.run(0)
    explanation = cluster.scheduler.explain(name, namespace=namespace)
    verdicts: dict[str, set] = {}
    for row in explanation.rows:
        verdicts.setdefault(row["node"], set()).add(row["filter"])
    feasible = [n for n, v in verdicts.items() if "passed" in v and v <= {None, "passed"}]
    assert feasible, f"test scenario error: no node fits {name}"
    fewest = min(replicas_on(pods, spec, n) for n in feasible)
    allowed = sorted(n for n in feasible if replicas_on(pods, spec, n) == fewest)
    assert explanation.chosen in allowed, (
        f"{name} went to {explanation.chosen}, but a node with fewer replicas of its app had "
        f"room: the rule allows only {allowed}"
        + (f" ({explanation.message})" if explanation.message else "")
    )


def nodes_used(cluster) -> list[str]:
    return sorted(
        {p["spec"]["nodeName"] for p in cluster.api.list("pods") if p["spec"].get("nodeName")}
    )


def run_workload(submission, nodes: list[dict], pods: list[dict], most: int) -> None:
    cluster = packing_cluster(submission, nodes)
    for spec in pods:
        place(cluster, spec)
    used = nodes_used(cluster)
    assert len(used) <= most, (
        f"the workload fits on {most} nodes without breaking the rule; yours uses {len(used)}: "
        f"{used}"
    )


def test_weight_is_a_positive_int(submission):
    """WEIGHT is the score weight your plugin is registered with: a positive int."""
    weight = submission.WEIGHT
    assert isinstance(weight, int) and not isinstance(weight, bool) and weight > 0, (
        "WEIGHT must be a positive int"
    )


@pytest.mark.points(3)
@pytest.mark.hint("The default NodeResourcesFit prefers empty nodes: your weight must beat it.")
def test_packs_the_notebook_workload(submission):
    """Four apps × 3 replicas × 1 CPU on six 4-CPU nodes: three nodes, one replica of each app."""
    nodes = [node(f"node-{i}") for i in range(1, 7)]
    pods = [pod(f"{app}-{r}", app) for r in range(3) for app in "abcd"]
    run_workload(submission, nodes, pods, most=3)


@pytest.mark.points(2)
@pytest.mark.hint("Rule 1 comes first: a second replica goes to a node without one, if it fits.")
def test_replicas_stay_apart(submission):
    """Four small replicas of one app on four big nodes: each on its own node."""
    nodes = [node(f"node-{i}", cpu="8", memory="16Gi") for i in range(1, 5)]
    pods = [pod(f"web-{r}", "web", cpu="250m", memory="256Mi") for r in range(4)]
    run_workload(submission, nodes, pods, most=4)


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.hint(
    "Pack by the node's share after the pod is placed: requested + the pod's request."
)
def test_packs_pods_without_an_app(submission):
    """Pods without an app label only pack: 10 × 750m/1Gi fit on two 4-CPU nodes of five."""
    nodes = [node(f"node-{i}") for i in range(1, 6)]
    pods = [pod(f"job-{i}", None, cpu="750m", memory="1Gi") for i in range(10)]
    run_workload(submission, nodes, pods, most=2)


@pytest.mark.hidden
@pytest.mark.points(2)
def test_packs_mixed_sizes(submission):
    """A database pair, web and log replicas of different sizes: three nodes of six."""
    nodes = [node(f"node-{i}") for i in range(1, 7)]
    pods = [
        pod("db-0", "db", cpu="2", memory="4Gi"),
        pod("db-1", "db", cpu="2", memory="4Gi"),
        pod("web-0", "web", cpu="1", memory="1Gi"),
        pod("web-1", "web", cpu="1", memory="1Gi"),
        pod("web-2", "web", cpu="1", memory="1Gi"),
        pod("log-0", "log", cpu="500m", memory="512Mi"),
        pod("log-1", "log", cpu="500m", memory="512Mi"),
        pod("log-2", "log", cpu="500m", memory="512Mi"),
        pod("api-0", "api", cpu="500m", memory="512Mi"),
        pod("api-1", "api", cpu="500m", memory="512Mi"),
        pod("api-2", "api", cpu="500m", memory="512Mi"),
    ]
    run_workload(submission, nodes, pods, most=3)


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.hint("Count replicas of the same app in the pod's own namespace only.")
def test_other_namespaces_are_other_apps(submission):
    """The same app label in two namespaces: two apps, each 2 replicas, packed on two nodes."""
    nodes = [node(f"node-{i}") for i in range(1, 5)]
    cluster = packing_cluster(submission, nodes)
    cluster.api.create(
        "namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-b"}}
    )
    for r in range(2):
        place(cluster, pod(f"web-{r}", "web", cpu="1500m", memory="1Gi"))
        place(cluster, pod(f"web-{r}", "web", cpu="1500m", memory="1Gi", namespace="team-b"))
    used = nodes_used(cluster)
    assert len(used) <= 2, f"two nodes hold both apps, one replica of each per node: {used}"


@pytest.mark.hidden
@pytest.mark.points(1)
@pytest.mark.hint("Rule 1 is a preference among the nodes that passed the filters, not a filter.")
def test_a_replica_joins_another_when_nothing_else_fits(submission):
    """When only a node that already runs a replica has room, the next replica still runs."""
    cluster = packing_cluster(submission, [node("node-1"), node("node-2", cpu="2", memory="4Gi")])
    place(cluster, pod("big-0", "big", cpu="3", memory="1Gi"))  # only node-1 fits
    place(cluster, pod("small-0", "small", cpu="1500m", memory="256Mi"))  # only node-2 fits
    place(cluster, pod("small-1", "small", cpu="1", memory="256Mi"))  # only node-1 fits
    place(cluster, pod("small-2", "small", cpu="500m", memory="256Mi"))  # only node-2 fits
    assert cluster.api.get("pods", "small-2")["spec"].get("nodeName") == "node-2", (
        "only node-2 has room for small-2: it must run there, next to small-0"
    )
