"""A wrong answer to exercise 01 that must lose points: when the API looks healthy it guesses kube-proxy without finding the node."""

# %%
import json


# %%
def diagnose(kubectl, curl):
    nodes = json.loads(kubectl("get nodes -o json"))["items"]
    for node in nodes:
        ready = [c for c in node["status"]["conditions"] if c["type"] == "Ready"]
        if not ready or ready[0]["status"] != "True":
            return "kubelet/" + node["metadata"]["name"]
    deployments = json.loads(kubectl("get deployments -o json"))["items"]
    pods = json.loads(kubectl("get pods -o json"))["items"]
    live = [p for p in pods if "deletionTimestamp" not in p["metadata"]]
    if len(live) < sum(d["spec"]["replicas"] for d in deployments):
        return "kube-controller-manager"
    if any(p["status"]["phase"] == "Pending" and not p["spec"].get("nodeName") for p in live):
        return "kube-scheduler"
    return "kube-proxy"  # wrong: never tries the Services, so it cannot say which node
