"""A wrong answer to exercise 01 that must lose points: the first failing request is blamed on kube-proxy, before the cheaper checks."""

# %%
import json


# %%
def diagnose(kubectl, curl):
    nodes = json.loads(kubectl("get nodes -o json"))["items"]
    workers = [n["metadata"]["name"] for n in nodes if not n["spec"].get("taints")]
    services = json.loads(kubectl("get services -o json"))["items"]
    for service in [s["metadata"]["name"] for s in services]:
        if service == "kubernetes":
            continue
        for node in workers:
            if curl(service, from_node=node).startswith("curl:"):
                return "kube-proxy/" + node  # wrong: a Service with no endpoints fails everywhere
    for node in nodes:
        ready = [c for c in node["status"]["conditions"] if c["type"] == "Ready"]
        if ready[0]["status"] != "True":
            return "kubelet/" + node["metadata"]["name"]
    return "kube-scheduler"
