"""A plausible wrong answer to exercise 10 (using the hardware): the right scores, but at weight 1 the default plugins spread the pods anyway."""

# %%
from k8sedu.quantity import cpu_millis, pod_requests, to_int


# %%
def qos_class(pod: dict) -> str:
    """The QoS class the API server gives this pod: "Guaranteed", "Burstable" or "BestEffort"."""
    spec = pod["spec"]
    containers = list(spec.get("initContainers") or []) + list(spec.get("containers") or [])
    anything_set = False
    guaranteed = True
    for container in containers:
        resources = container.get("resources") or {}
        limits = {
            name: value
            for name, value in (resources.get("limits") or {}).items()
            if name in ("cpu", "memory")
        }
        requests = dict(limits)  # API defaulting: a missing request takes the limit
        for name, value in (resources.get("requests") or {}).items():
            if name in ("cpu", "memory"):
                requests[name] = value
        amount = {"cpu": cpu_millis, "memory": to_int}
        limit = {name: amount[name](value) for name, value in limits.items()}
        request = {name: amount[name](value) for name, value in requests.items()}
        if any(v > 0 for v in limit.values()) or any(v > 0 for v in request.values()):
            anything_set = True
        both_limits = sorted(name for name, value in limit.items() if value > 0) == [
            "cpu",
            "memory",
        ]
        if not both_limits or any(request.get(name) != limit[name] for name in limit):
            guaranteed = False
    if not anything_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


# %%
def same_app(pod, other):
    """Is `other` a replica of the same app as `pod` (same app label, same namespace)?"""
    app = (pod["metadata"].get("labels") or {}).get("app")
    meta = other["metadata"]
    return (
        app is not None
        and (meta.get("labels") or {}).get("app") == app
        and meta.get("namespace", "default") == pod["metadata"].get("namespace", "default")
    )


class Packing:
    """A score plugin: few nodes for the workload, but an app's replicas on different nodes."""

    name = "Packing"

    def pre_score(self, state, pod, nodes):
        replicas = {n.name: sum(same_app(pod, p.pod) for p in n.pods) for n in nodes}
        fewest = min(replicas.values())
        state.write(self.name, {name for name, count in replicas.items() if count == fewest})

    def score(self, state, pod, node_info):
        if node_info.name not in state.read(self.name):
            return 0, None  # would put a second replica where a node without one has room
        want, used, have = pod_requests(pod), node_info.requested, node_info.allocatable
        cpu = (used.cpu + want.cpu) / have.cpu if have.cpu else 1.0
        memory = (used.memory + want.memory) / have.memory if have.memory else 1.0
        return 1 + int(99 * (cpu + memory) / 2), None  # the fuller after placing, the better


# %%
# WEIGHT: the score weight Packing is registered with, an int.
WEIGHT = 1
