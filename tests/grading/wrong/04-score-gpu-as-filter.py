"""A plausible wrong answer to exercise 04 (kube-scheduler): keeps CPU pods off GPU nodes with a filter, so they wait even when only a GPU node fits."""

# %%
from k8sedu.quantity import cpu_millis, to_int
from k8sedu.scheduler import Code, Status


# %%
def pod_request(pod: dict) -> dict:
    """What the scheduler reserves for a pod: {"cpu": millicores, "memory": bytes}."""

    def requests(container):
        return (container.get("resources") or {}).get("requests") or {}

    spec = pod["spec"]
    total = {"cpu": 0, "memory": 0}
    for container in spec.get("containers") or []:
        total["cpu"] += cpu_millis(requests(container).get("cpu", 0))
        total["memory"] += to_int(requests(container).get("memory", 0))
    for container in spec.get("initContainers") or []:  # one at a time, before the others
        total["cpu"] = max(total["cpu"], cpu_millis(requests(container).get("cpu", 0)))
        total["memory"] = max(total["memory"], to_int(requests(container).get("memory", 0)))
    return total


# %%
class ResourcesFit:
    """A filter plugin: can this node hold the pod, by requests?"""

    name = "ResourcesFit"

    def filter(self, state, pod, node_info):
        want = pod_request(pod)
        have, used = node_info.allocatable, node_info.requested
        reasons = []
        if len(node_info.pods) + 1 > have.pods:
            reasons.append("Too many pods")
        if used.cpu + want["cpu"] > have.cpu:
            reasons.append("Insufficient cpu")
        if used.memory + want["memory"] > have.memory:
            reasons.append("Insufficient memory")
        if reasons:
            return Status(Code.UNSCHEDULABLE, *reasons)
        return None


# %%
GPU = "nvidia.com/gpu"
ZONE = "topology.kubernetes.io/zone"


def wants_gpu(pod: dict) -> bool:
    """Does any container of the pod request a GPU?"""
    return any(
        GPU in ((container.get("resources") or {}).get("requests") or {})
        for container in pod["spec"].get("containers") or []
    )


def has_gpu(node_info) -> bool:
    """Does the node have GPUs to offer?"""
    return dict(node_info.allocatable.scalar).get(GPU, 0) > 0


class SpareGPUs:
    """A score plugin: keep GPU nodes for GPU pods, and spread each app over the zones."""

    name = "SpareGPUs"

    def filter(self, state, pod, node_info):
        if has_gpu(node_info) and not wants_gpu(pod):
            return Status(Code.UNSCHEDULABLE, "node(s) are kept for GPU pods")
        return None

    def pre_score(self, state, pod, nodes):
        app = (pod["metadata"].get("labels") or {}).get("app")
        namespace = pod["metadata"].get("namespace", "default")
        count = {}
        for node_info in nodes:
            zone = node_info.labels.get(ZONE, "")
            count.setdefault(zone, 0)
            for other in node_info.pods:
                meta = other.pod["metadata"]
                same_app = app is not None and (meta.get("labels") or {}).get("app") == app
                if same_app and meta.get("namespace") == namespace:
                    count[zone] += 1
        candidates = [n for n in nodes if wants_gpu(pod) or not has_gpu(n)] or list(nodes)
        fewest = min(count[n.labels.get(ZONE, "")] for n in candidates)
        best_zones = {zone for zone, replicas in count.items() if replicas == fewest}
        state.write(self.name, ({n.name for n in candidates}, best_zones))

    def score(self, state, pod, node_info):
        candidates, best_zones = state.read(self.name)
        if node_info.name not in candidates:
            return 0, None
        if node_info.labels.get(ZONE, "") in best_zones:
            return 100, None
        return 50, None


# %%
# WEIGHT: the score weight SpareGPUs is registered with, an int.
WEIGHT = 30  # a gap of 50 points x 30 = 1500 beats the 1200 the default plugins can add
