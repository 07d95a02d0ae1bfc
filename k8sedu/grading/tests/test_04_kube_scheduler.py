"""Graded tests of exercise 04 (kube-scheduler): a pod's request, the Fit filter, a Score plugin.

Expected values follow ``pkg/scheduler/framework/plugins/noderesources/fit.go`` and
``component-helpers/resource/helpers.go`` (REFERENCE §3.3: a pod's request is
max(sum of app containers, largest init container) per resource; a pod fits when
requested + request <= allocatable, using actual requests, never usage or the scoring
defaults; ``Too many pods``, ``Insufficient cpu``, ``Insufficient memory``) and the framework's
score rules (REFERENCE §3.1: normalized scores in [0, 100], total = sum of weight × score,
default weights summing to 12).

The Score plugin is graded by where pods land when the real kube-scheduler runs it: each pod is
created alone, and its node must satisfy the stated policy given the nodes that passed the
filters (read from ``cluster.scheduler.explain``).
"""

import pytest

import k8sedu as k
from k8sedu.scheduler import Code, CycleState, NodeInfo, PodInfo

GPU = "nvidia.com/gpu"
ZONE = "topology.kubernetes.io/zone"
MI = 1024 * 1024

# -- building blocks ---------------------------------------------------------------------------------


def container(name="app", cpu=None, memory=None, image="k8sedu/web:1.0", gpus=0):
    requests = {}
    if cpu is not None:
        requests["cpu"] = cpu
    if memory is not None:
        requests["memory"] = memory
    resources = {"requests": requests} if requests else {}
    if gpus:
        resources = {"requests": requests | {GPU: str(gpus)}, "limits": {GPU: str(gpus)}}
    return {"name": name, "image": image, "resources": resources}


def pod(name="p", *containers, init=(), app="web", namespace="default"):
    spec = {"containers": list(containers) or [container()]}
    if init:
        spec["initContainers"] = list(init)
    meta = {"name": name, "namespace": namespace, "labels": {"app": app} if app else {}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def node(name, cpu="4", memory="8Gi", zone="a", gpus=0, pods="110"):
    allocatable = {"cpu": cpu, "memory": memory, "pods": pods}
    if gpus:
        allocatable[GPU] = str(gpus)
    ready = {
        "type": "Ready",
        "status": "True",
        "reason": "KubeletReady",
        "message": "kubelet is posting ready status",
        "lastHeartbeatTime": "2025-01-01T00:00:00Z",
        "lastTransitionTime": "2025-01-01T00:00:00Z",
    }
    labels = {"kubernetes.io/hostname": name, ZONE: zone}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "status": {
            "capacity": dict(allocatable),
            "allocatable": allocatable,
            "conditions": [ready],
        },
    }


# -- part 1: a pod's request -------------------------------------------------------------------------

REQUEST_CASES = [
    pytest.param(pod("p", container(cpu="250m", memory="64Mi")), 250, 64 * MI, id="one-container"),
    pytest.param(
        pod("p", container("a", "250m", "64Mi"), container("b", "1", "1Gi")),
        1250,
        1088 * MI,
        id="two-containers-add-up",
    ),
    pytest.param(pod("p", container("a")), 0, 0, id="no-requests-is-zero"),
    pytest.param(pod("p", container("a", cpu="0.5", memory="0.5Gi")), 500, 512 * MI, id="decimal"),
]

INIT_CASES = [
    pytest.param(
        pod("p", container("a", "500m", "64Mi"), init=[container("i", "2", "64Mi")]),
        2000,
        64 * MI,
        id="init-bigger-than-app",
    ),
    pytest.param(
        pod(
            "p", container("a", "1", "1Gi"), container("b", "1", "1Gi"), init=[container("i", "1")]
        ),
        2000,
        2048 * MI,
        id="app-sum-bigger-than-init",
    ),
    pytest.param(
        pod("p", container("a", "2", "64Mi"), init=[container("i", "100m", "2Gi")]),
        2000,
        2048 * MI,
        id="max-per-resource",
    ),
]


@pytest.mark.parametrize(("spec", "cpu", "memory"), REQUEST_CASES)
def test_pod_request(submission, spec, cpu, memory):
    """A pod's request is the sum of its containers' requests (cpu in millicores, memory in bytes)."""
    assert submission.pod_request(spec) == {"cpu": cpu, "memory": memory}, (
        f"expected {{'cpu': {cpu}, 'memory': {memory}}}"
    )


@pytest.mark.points(2)
@pytest.mark.hint("Init containers run one at a time, before the app containers start.")
@pytest.mark.parametrize(("spec", "cpu", "memory"), INIT_CASES)
def test_pod_request_with_init_containers(submission, spec, cpu, memory):
    """Init containers count as max(sum of app containers, largest init container), per resource."""
    assert submission.pod_request(spec) == {"cpu": cpu, "memory": memory}, (
        f"expected {{'cpu': {cpu}, 'memory': {memory}}}"
    )


@pytest.mark.hidden
@pytest.mark.points(1)
def test_pod_request_several_init_containers(submission):
    """Several init containers: the largest one counts, not their sum."""
    spec = pod(
        "p",
        container("a", "100m", "32Mi"),
        init=[container("i1", "1", "1Gi"), container("i2", "1500m", "512Mi")],
    )
    assert submission.pod_request(spec) == {"cpu": 1500, "memory": 1024 * MI}, (
        "init containers run one after another: take the largest, per resource"
    )


# -- part 2: the Fit filter -------------------------------------------------------------------------


def node_info(cpu="2", memory="4Gi", pods="110", running=()):
    info = NodeInfo(node("n", cpu=cpu, memory=memory, pods=pods))
    for i, spec in enumerate(running):
        spec = {**spec, "metadata": {**spec["metadata"], "name": f"running-{i}", "uid": f"u{i}"}}
        info.add_pod(PodInfo(spec))
    return info


def run_filter(submission, spec, info):
    plugin = submission.ResourcesFit()
    return plugin.filter(CycleState(PodInfo(spec)), spec, info)


def reasons(status) -> list[str]:
    if status is None or status.is_success:
        return []
    assert status.code == Code.UNSCHEDULABLE, f"a node that is too small is {Code.UNSCHEDULABLE}"
    return list(status.reasons)


SMALL = pod("small", container(cpu="500m", memory="256Mi"))

FILTER_CASES = [
    pytest.param(SMALL, node_info(), [], id="fits"),
    pytest.param(
        pod("p", container(cpu="1500m", memory="1Gi")),
        node_info(running=[pod("r", container(cpu="1", memory="1Gi"))]),
        ["Insufficient cpu"],
        id="not-enough-cpu",
    ),
    pytest.param(
        pod("p", container(cpu="100m", memory="3Gi")),
        node_info(running=[pod("r", container(cpu="100m", memory="2Gi"))]),
        ["Insufficient memory"],
        id="not-enough-memory",
    ),
    pytest.param(
        pod("p", container(cpu="3", memory="5Gi")),
        node_info(),
        ["Insufficient cpu", "Insufficient memory"],
        id="both-listed",
    ),
    pytest.param(
        pod("p", container(cpu="1", memory="2Gi")),
        node_info(running=[pod("r", container(cpu="1", memory="2Gi"))]),
        [],
        id="exact-fit",
    ),
]


@pytest.mark.points(2)
@pytest.mark.parametrize(("spec", "info", "expected"), FILTER_CASES)
def test_fit_filter(submission, spec, info, expected):
    """The filter passes a node with room and names every resource a node is short of."""
    got = reasons(run_filter(submission, spec, info))
    assert got == expected, f"expected the reasons {expected}, got {got}"


@pytest.mark.points(1)
@pytest.mark.hint("The pod count is checked too: a node runs at most allocatable 'pods' pods.")
def test_too_many_pods(submission):
    """A node already running its allocatable number of pods rejects one more."""
    info = node_info(pods="2", running=[pod("r", container(cpu="100m"))] * 2)
    got = reasons(run_filter(submission, SMALL, info))
    assert got == ["Too many pods"], f"expected ['Too many pods'], got {got}"


@pytest.mark.points(2)
@pytest.mark.hint(
    "Filter with the actual requests (node_info.requested): BestEffort pods request nothing."
)
def test_best_effort_pods_take_no_room(submission):
    """Pods without requests do not fill a node, however many there are."""
    info = node_info(cpu="2", running=[pod("r", container())] * 30)
    got = reasons(run_filter(submission, pod("p", container(cpu="2", memory="1Gi")), info))
    assert got == [], "30 pods requesting nothing leave all 2 CPUs free: the pod fits"


@pytest.mark.points(1)
def test_filter_counts_init_containers(submission):
    """An init container bigger than the node keeps the pod off it."""
    spec = pod("p", container(cpu="100m"), init=[container("migrate", cpu="3")])
    got = reasons(run_filter(submission, spec, node_info(cpu="2")))
    assert got == ["Insufficient cpu"], "the init container asks for 3 CPUs on a 2-CPU node"


@pytest.fixture
def fit_cluster(submission):
    """Three 2-CPU workers whose scheduler filters with the learner's ResourcesFit."""
    cluster = k.Cluster(nodes=3, node_cpu="2", node_memory="4Gi")
    cluster.scheduler.register(submission.ResourcesFit, replace="NodeResourcesFit")
    return cluster


@pytest.mark.points(2)
def test_fit_in_the_real_scheduler(fit_cluster):
    """Inside kube-scheduler: pods fill the nodes exactly, and the next one stays Pending."""
    for i in range(3):
        fit_cluster.api.create("pods", pod(f"big-{i}", container(cpu="1500m", memory="1Gi")))
    fit_cluster.api.create("pods", pod("exact", container(cpu="500m", memory="1Gi")))
    fit_cluster.run(1)
    placed = {
        p["metadata"]["name"]: p["spec"].get("nodeName") for p in fit_cluster.api.list("pods")
    }
    assert all(placed[f"big-{i}"] for i in range(3)), f"each 1.5-CPU pod fits a node: {placed}"
    assert placed["exact"], "the 500m pod fits exactly in what one node has left"
    fit_cluster.api.create("pods", pod("one-more", container(cpu="1", memory="1Gi")))
    fit_cluster.run(1)
    explanation = fit_cluster.scheduler.explain("one-more")
    assert explanation.chosen is None, "no node has 1 CPU left: the pod must stay Pending"
    assert "3 Insufficient cpu" in explanation.message, (
        f"the FailedScheduling message should count 3 Insufficient cpu: {explanation.message}"
    )


# -- part 3: the Score plugin, graded by placements --------------------------------------------------


def gpu_cluster(submission, nodes: list[dict]):
    cluster = k.Cluster(nodes=0)
    for body in nodes:
        cluster.api.create("nodes", body)
    cluster.scheduler.register(submission.SpareGPUs, weight=submission.WEIGHT)
    return cluster


def _gpus(body: dict) -> int:
    return int(body["status"]["allocatable"].get(GPU, "0"))


def _wants_gpu(spec: dict) -> bool:
    return any(GPU in (c["resources"].get("requests") or {}) for c in spec["spec"]["containers"])


def allowed_nodes(nodes: dict, pods: list[dict], spec: dict, feasible: list[str]) -> set[str]:
    """The nodes the policy allows for ``spec``, given the pods bound before it and the nodes
    that passed the filters."""
    zone = {name: body["metadata"]["labels"].get(ZONE, "") for name, body in nodes.items()}
    candidates = feasible
    if not _wants_gpu(spec):
        candidates = [n for n in feasible if _gpus(nodes[n]) == 0] or feasible
    app = spec["metadata"]["labels"].get("app")
    count = {zone[n]: 0 for n in feasible}
    for p in pods:
        same = p["metadata"]["namespace"] == spec["metadata"]["namespace"]
        where = p["spec"].get("nodeName")
        if app and same and where in feasible and p["metadata"]["labels"].get("app") == app:
            count[zone[where]] += 1
    best = min(count[zone[n]] for n in candidates)
    return {n for n in candidates if count[zone[n]] == best}


def place(cluster, spec: dict) -> None:
    """Create one pod, let the scheduler place it, and check the node against the policy."""
    name, namespace = spec["metadata"]["name"], spec["metadata"]["namespace"]
    nodes = {n["metadata"]["name"]: n for n in cluster.api.list("nodes")}
    pods = cluster.api.list("pods")
    cluster.api.create("pods", spec)
    cluster.run(0)
    explanation = cluster.scheduler.explain(name, namespace=namespace)
    verdicts: dict[str, set] = {}
    for row in explanation.rows:
        verdicts.setdefault(row["node"], set()).add(row["filter"])
    feasible = [n for n, v in verdicts.items() if "passed" in v and v <= {None, "passed"}]
    assert feasible, f"test scenario error: no node fits {name}"
    allowed = allowed_nodes(nodes, pods, spec, feasible)
    assert explanation.chosen in allowed, (
        f"{name} went to {explanation.chosen}, the policy allows only {sorted(allowed)}"
        + (f" ({explanation.message})" if explanation.message else "")
    )


def test_weight_is_a_positive_int(submission):
    """WEIGHT is the score weight your plugin is registered with: a positive int."""
    weight = submission.WEIGHT
    assert isinstance(weight, int) and weight > 0, "WEIGHT must be a positive int"


@pytest.mark.points(3)
@pytest.mark.hint("Score 0 for a GPU node when the pod asks for no GPU; weigh it enough to win.")
def test_cpu_pods_avoid_gpu_nodes(submission):
    """Pods that ask for no GPU stay off the (bigger, emptier) GPU nodes."""
    cluster = gpu_cluster(
        submission,
        [
            node("cpu-a", zone="a"),
            node("gpu-a", cpu="16", memory="64Gi", zone="a", gpus=4),
            node("cpu-b", zone="b"),
            node("gpu-b", cpu="16", memory="64Gi", zone="b", gpus=4),
        ],
    )
    for i in range(6):
        place(cluster, pod(f"web-{i}", container(cpu="500m", memory="256Mi")))


@pytest.mark.points(3)
@pytest.mark.hint("Count the pod's app per zone in pre_score; the zone with the fewest wins.")
def test_replicas_spread_over_zones(submission):
    """Replicas of one app go to the zone that runs the fewest of them."""
    cluster = gpu_cluster(
        submission,
        [
            node("a-1", zone="a"),
            node("a-2", zone="a"),
            node("a-3", zone="a"),
            node("b-1", zone="b", cpu="2"),
            node("c-1", zone="c", cpu="2"),
        ],
    )
    for i in range(6):
        place(cluster, pod(f"web-{i}", container(cpu="200m", memory="128Mi")))


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.hint("A preference is a score, not a filter: when nothing else fits, use the GPUs.")
def test_gpu_node_used_when_nothing_else_fits(submission):
    """When no other node has room, a CPU pod still runs on a GPU node."""
    cluster = gpu_cluster(
        submission,
        [node("cpu-a", cpu="2", zone="a"), node("cpu-b", cpu="2", zone="b"), node("gpu-a", gpus=2)],
    )
    for i in range(2):
        place(cluster, pod(f"batch-{i}", container(cpu="1500m", memory="256Mi"), app="batch"))
    place(cluster, pod("web-0", container(cpu="1", memory="256Mi")))
    assert cluster.api.get("pods", "web-0")["spec"]["nodeName"] == "gpu-a", "only gpu-a has room"


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.hint("The default plugins add up to 1200 points: the policy needs enough weight.")
def test_policy_beats_the_default_scores(submission):
    """The policy wins even where LeastAllocated and BalancedAllocation prefer another node."""
    cluster = gpu_cluster(
        submission,
        [
            node("cpu-a", zone="a"),
            node("cpu-b", zone="b"),
            node("gpu-a", cpu="32", memory="128Gi", zone="a", gpus=8),
        ],
    )
    place(cluster, pod("db", container(cpu="3", memory="6Gi"), app="db"))
    place(cluster, pod("web-0", container(cpu="100m", memory="128Mi")))
    place(cluster, pod("web-1", container(cpu="100m", memory="128Mi")))
    place(cluster, pod("web-2", container(cpu="100m", memory="128Mi")))


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.hint("GPU pods may use GPU nodes: for them, only the zone rule applies.")
def test_gpu_pods_spread_over_gpu_zones(submission):
    """Pods that ask for GPUs spread their replicas over the zones' GPU nodes."""
    cluster = gpu_cluster(
        submission,
        [
            node("cpu-a", zone="a"),
            node("gpu-a", cpu="4", memory="16Gi", zone="a", gpus=4),
            node("gpu-b", cpu="32", memory="128Gi", zone="b", gpus=4),
        ],
    )
    for i in range(4):
        place(cluster, pod(f"train-{i}", container(cpu="1", memory="1Gi", gpus=1), app="train"))


@pytest.mark.hidden
@pytest.mark.points(2)
@pytest.mark.hint("Count only pods with the same app label in the pod's own namespace.")
def test_only_the_same_app_counts(submission):
    """Other apps, and the same app in another namespace, do not count as replicas."""
    cluster = gpu_cluster(
        submission, [node("cpu-a", cpu="8", memory="16Gi", zone="a"), node("cpu-b", zone="b")]
    )
    cluster.api.create(
        "namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}}
    )
    for i in range(3):
        place(cluster, pod(f"db-{i}", container(cpu="1", memory="2Gi"), app="db"))
    place(cluster, pod("web-other", container(cpu="1", memory="1Gi"), namespace="other"))
    place(cluster, pod("web-0", container(cpu="100m", memory="128Mi")))
    place(cluster, pod("web-1", container(cpu="100m", memory="128Mi")))


@pytest.mark.hidden
@pytest.mark.points(1)
def test_pods_without_an_app_label(submission):
    """A pod without an app label still avoids the GPU nodes (and nothing crashes)."""
    cluster = gpu_cluster(
        submission, [node("cpu-a", zone="a"), node("gpu-b", cpu="16", zone="b", gpus=2)]
    )
    for i in range(3):
        place(cluster, pod(f"job-{i}", container(cpu="500m", memory="128Mi"), app=None))
