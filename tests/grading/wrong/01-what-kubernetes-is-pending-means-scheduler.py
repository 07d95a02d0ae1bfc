"""A wrong answer to exercise 01 that must lose points: any Pending pod is blamed on the scheduler, even one bound to a dead node."""

# %%
import json


# %%
def diagnose(kubectl, curl):
    pods = json.loads(kubectl("get pods -o json"))["items"]
    if any(p["status"]["phase"] == "Pending" for p in pods):
        return "kube-scheduler"  # wrong: a pod bound to a dead kubelet's node is Pending too
    nodes = json.loads(kubectl("get nodes -o json"))["items"]
    for node in nodes:
        ready = [c for c in node["status"]["conditions"] if c["type"] == "Ready"]
        if ready[0]["status"] != "True":
            return "kubelet/" + node["metadata"]["name"]
    deployments = json.loads(kubectl("get deployments -o json"))["items"]
    if len(pods) < sum(d["spec"]["replicas"] for d in deployments):
        return "kube-controller-manager"
    return "kube-proxy"
