"""Server-side Table printing: expected cells written from the rules of k8s
pkg/printers/internalversion/printers.go (v1.34) and REFERENCE.md section 8."""

from __future__ import annotations

import pytest

from k8sedu.apiserver.printers import event_rows_for_kubectl_events, table
from k8sedu.objects import timestamp

NOW = 3600.0  # simulated seconds; objects below are created at t = 0 unless said otherwise


def meta(name: str, created: float = 0.0, **extra) -> dict:
    return {"name": name, "namespace": "default", "creationTimestamp": timestamp(created), **extra}


def cells(resource: str, obj: dict, now: float = NOW) -> list:
    return table(resource, [obj], now=now)["rows"][0]["cells"]


def visible(resource: str, obj: dict) -> list:
    """The cells kubectl shows without ``-o wide``."""
    result = table(resource, [obj], now=NOW)
    columns = result["columnDefinitions"]
    row = result["rows"][0]["cells"]
    return [c for c, col in zip(row, columns) if col["priority"] == 0]


# --- pods ---------------------------------------------------------------------------------

RUNNING = {"running": {"startedAt": timestamp(1)}}
READY = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}]
NOT_READY = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}]


def container(name="app", state=None, ready=False, restarts=0, last_finished=None):
    status = {"name": name, "state": state or {}, "ready": ready, "restartCount": restarts}
    if last_finished is not None:
        status["lastState"] = {
            "terminated": {"exitCode": 1, "finishedAt": timestamp(last_finished)}
        }
    return status


def pod(
    statuses=(),
    phase="Running",
    containers=("app",),
    init=(),
    init_statuses=(),
    conditions=(),
    deleting=False,
    reason=None,
) -> dict:
    metadata = meta("web-1")
    if deleting:
        metadata["deletionTimestamp"] = timestamp(NOW - 5)
    status = {
        "phase": phase,
        "conditions": list(conditions),
        "containerStatuses": list(statuses),
        "initContainerStatuses": list(init_statuses),
    }
    if reason:
        status["reason"] = reason
    return {
        "metadata": metadata,
        "spec": {
            "containers": [{"name": n, "image": "nginx"} for n in containers],
            "initContainers": list(init),
        },
        "status": status,
    }


def waiting(reason):
    return {"waiting": {"reason": reason}}


def terminated(reason=None, exit_code=0, signal=0):
    state = {"exitCode": exit_code}
    if reason:
        state["reason"] = reason
    if signal:
        state["signal"] = signal
    return {"terminated": state}


SIDECAR = {"name": "proxy", "image": "envoy", "restartPolicy": "Always"}
INIT = [{"name": "setup", "image": "busybox"}, {"name": "migrate", "image": "busybox"}]

POD_CASES = [
    ("running", pod([container(state=RUNNING, ready=True)], conditions=READY), "1/1", "Running", "0"),
    ("pending-unscheduled", pod(phase="Pending"), "0/1", "Pending", "0"),
    ("container-creating", pod([container(state=waiting("ContainerCreating"))], phase="Pending"),
     "0/1", "ContainerCreating", "0"),
    ("image-pull-backoff", pod([container(state=waiting("ImagePullBackOff"))], phase="Pending"),
     "0/1", "ImagePullBackOff", "0"),
    ("crash-loop-with-restart-age",
     pod([container(state=waiting("CrashLoopBackOff"), restarts=3, last_finished=NOW - 130)]),
     "0/1", "CrashLoopBackOff", "3 (2m10s ago)"),
    ("oom-killed", pod([container(state=terminated("OOMKilled", 137))]), "0/1", "OOMKilled", "0"),
    ("exit-code-without-reason", pod([container(state=terminated(exit_code=2))]),
     "0/1", "ExitCode:2", "0"),
    ("signal-without-reason", pod([container(state=terminated(exit_code=137, signal=9))]),
     "0/1", "Signal:9", "0"),
    ("completed", pod([container(state=terminated("Completed"))], phase="Succeeded"),
     "0/1", "Completed", "0"),
    ("completed-with-running-ready",
     pod([container("a", terminated("Completed")), container("b", RUNNING, ready=True)],
         containers=("a", "b"), conditions=READY), "1/2", "Running", "0"),
    ("completed-with-running-not-ready",
     pod([container("a", terminated("Completed")), container("b", RUNNING, ready=True)],
         containers=("a", "b"), conditions=NOT_READY), "1/2", "NotReady", "0"),
    ("first-container-has-last-word",
     pod([container("a", waiting("CrashLoopBackOff")), container("b", terminated("Error", 1))],
         containers=("a", "b")), "0/2", "CrashLoopBackOff", "0"),
    ("init-running", pod(init=INIT, init_statuses=[container("setup", RUNNING)], phase="Pending"),
     "0/1", "Init:0/2", "0"),
    ("init-second-of-two",
     pod(init=INIT, phase="Pending",
         init_statuses=[container("setup", terminated("Completed")), container("migrate", RUNNING)]),
     "0/1", "Init:1/2", "0"),
    ("init-crash-loop",
     pod(init=INIT, phase="Pending",
         init_statuses=[container("setup", waiting("CrashLoopBackOff"), restarts=2,
                                  last_finished=NOW - 40)]),
     "0/1", "Init:CrashLoopBackOff", "2 (40s ago)"),
    ("init-error", pod(init=INIT, init_statuses=[container("setup", terminated("Error", 1))]),
     "0/1", "Init:Error", "0"),
    ("init-exit-code", pod(init=INIT, init_statuses=[container("setup", terminated(exit_code=3))]),
     "0/1", "Init:ExitCode:3", "0"),
    ("init-pod-initializing-is-counted",
     pod(init=INIT, phase="Pending", init_statuses=[container("setup", waiting("PodInitializing"))]),
     "0/1", "Init:0/2", "0"),
    ("sidecar-counts-in-ready",
     pod([container(state=RUNNING, ready=True)], init=[SIDECAR], conditions=READY,
         init_statuses=[{**container("proxy", RUNNING, ready=True, restarts=1,
                                     last_finished=NOW - 600), "started": True}]),
     "2/2", "Running", "1 (10m ago)"),
    ("terminating", pod([container(state=RUNNING, ready=True)], conditions=READY, deleting=True),
     "1/1", "Terminating", "0"),
    ("terminating-node-lost", pod([container(state=RUNNING)], deleting=True, reason="NodeLost"),
     "0/1", "Unknown", "0"),
    ("deleted-after-success-stays-completed",
     pod([container(state=terminated("Completed"))], phase="Succeeded", deleting=True),
     "0/1", "Completed", "0"),
    ("scheduling-gated",
     pod(phase="Pending",
         conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]),
     "0/1", "SchedulingGated", "0"),
    ("evicted", pod(phase="Failed", reason="Evicted"), "0/1", "Evicted", "0"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("obj", "ready", "status", "restarts"),
    [case[1:] for case in POD_CASES],
    ids=[case[0] for case in POD_CASES],
)
def test_pod_ready_status_restarts(obj, ready, status, restarts):
    assert visible("pods", obj) == ["web-1", ready, status, restarts, "60m"]


def test_pod_wide_cells_print_none_when_unset():
    assert cells("pods", pod(phase="Pending"))[5:] == ["<none>", "<none>", "<none>", "<none>"]


def test_pod_wide_cells_with_ip_node_and_readiness_gates():
    obj = pod([container(state=RUNNING, ready=True)], conditions=[*READY])
    obj["spec"]["nodeName"] = "node-1"
    obj["spec"]["readinessGates"] = [{"conditionType": "lb/ready"}, {"conditionType": "x/ok"}]
    obj["status"]["conditions"].append({"type": "lb/ready", "status": "True"})
    obj["status"]["podIP"] = "10.244.1.5"
    obj["status"]["podIPs"] = [{"ip": "10.244.1.5"}]
    obj["status"]["nominatedNodeName"] = "node-2"
    assert cells("pods", obj)[5:] == ["10.244.1.5", "node-1", "node-2", "1/2"]


def test_finished_pod_rows_carry_the_completed_condition():
    row = table("pods", [pod(phase="Succeeded")], now=NOW)["rows"][0]
    assert row["conditions"] == [
        {
            "type": "Completed",
            "status": "True",
            "reason": "Succeeded",
            "message": "The pod has completed successfully.",
        }
    ]


def test_table_shape_and_wide_columns():
    result = table("pods", [pod()], now=NOW, resource_version="42")
    assert result["kind"] == "Table"
    assert result["apiVersion"] == "meta.k8s.io/v1"
    assert result["metadata"] == {"resourceVersion": "42"}
    names = [(c["name"], c["priority"]) for c in result["columnDefinitions"]]
    assert names == [
        ("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0),
        ("IP", 1), ("Node", 1), ("Nominated Node", 1), ("Readiness Gates", 1),
    ]  # fmt: skip
    row_object = result["rows"][0]["object"]
    assert row_object["kind"] == "PartialObjectMetadata"
    assert row_object["metadata"]["name"] == "web-1"


def test_include_object_object_and_none():
    obj = pod()
    assert table("pods", [obj], now=NOW, include_object="Object")["rows"][0]["object"] == obj
    assert "object" not in table("pods", [obj], now=NOW, include_object="None")["rows"][0]


# --- nodes --------------------------------------------------------------------------------


def node(ready="True", unschedulable=False, labels=None, conditions=True) -> dict:
    status = {
        "nodeInfo": {"kubeletVersion": "v1.34.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                     "kernelVersion": "6.8.0", "containerRuntimeVersion": "containerd://2.1.1"},
        "addresses": [{"type": "InternalIP", "address": "172.18.0.3"},
                      {"type": "Hostname", "address": "node-1"}],
    }  # fmt: skip
    if conditions:
        status["conditions"] = [{"type": "Ready", "status": ready}]
    return {
        "metadata": meta("node-1", labels=labels or {}),
        "spec": {"unschedulable": True} if unschedulable else {},
        "status": status,
    }


@pytest.mark.parametrize(
    ("obj", "status", "roles"),
    [
        (node(), "Ready", "<none>"),
        (node(ready="False"), "NotReady", "<none>"),
        (node(ready="Unknown"), "NotReady", "<none>"),
        (node(conditions=False), "Unknown", "<none>"),
        (node(unschedulable=True), "Ready,SchedulingDisabled", "<none>"),
        (node(labels={"node-role.kubernetes.io/control-plane": ""}), "Ready", "control-plane"),
        (
            node(labels={"kubernetes.io/role": "worker", "node-role.kubernetes.io/infra": ""}),
            "Ready",
            "infra,worker",
        ),
    ],
    ids=["ready", "not-ready", "unknown-condition", "no-condition", "cordoned", "control-plane",
         "two-roles-sorted"],
)  # fmt: skip
def test_node_status_and_roles(obj, status, roles):
    assert visible("nodes", obj) == ["node-1", status, roles, "60m", "v1.34.0"]


def test_node_wide_columns():
    obj = node()
    del obj["status"]["nodeInfo"]["kernelVersion"]
    assert cells("nodes", obj)[5:] == [
        "172.18.0.3", "<none>", "Debian GNU/Linux 12 (bookworm)", "<unknown>", "containerd://2.1.1",
    ]  # fmt: skip


# --- services and endpoints ---------------------------------------------------------------


def service(spec: dict, status: dict | None = None) -> dict:
    return {"metadata": meta("web"), "spec": spec, "status": status or {}}


PORT_80 = [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (service({"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                  "ports": PORT_80, "selector": {"app": "web"}}),
         ["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP", "60m", "app=web"]),
        (service({"type": "NodePort", "clusterIPs": ["10.96.0.11"],
                  "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"},
                            {"port": 53, "protocol": "UDP"}]}),
         ["web", "NodePort", "10.96.0.11", "<none>", "80:30080/TCP,53/UDP", "60m", "<none>"]),
        (service({"type": "LoadBalancer", "clusterIPs": ["10.96.0.12"],
                  "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]}),
         ["web", "LoadBalancer", "10.96.0.12", "<pending>", "443:31443/TCP", "60m", "<none>"]),
        (service({"type": "LoadBalancer", "clusterIPs": ["10.96.0.12"], "ports": PORT_80},
                 {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}, {"hostname": "lb.example"}]}}),
         ["web", "LoadBalancer", "10.96.0.12", "203.0.113.9,lb.example", "80/TCP", "60m", "<none>"]),
        (service({"type": "ExternalName", "externalName": "db.example.com"}),
         ["web", "ExternalName", "<none>", "db.example.com", "<none>", "60m", "<none>"]),
        (service({"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"],
                  "ports": PORT_80, "externalIPs": ["198.51.100.1"]}),
         ["web", "ClusterIP", "None", "198.51.100.1", "80/TCP", "60m", "<none>"]),
    ],
    ids=["cluster-ip", "node-port", "load-balancer-pending", "load-balancer-provisioned",
         "external-name", "headless-with-external-ip"],
)  # fmt: skip
def test_service_rows(obj, expected):
    assert cells("services", obj) == expected


def endpoints(*subsets: dict) -> dict:
    return {"metadata": meta("web"), "subsets": list(subsets)}


def subset(ips: list[str], ports: list[int]) -> dict:
    return {"addresses": [{"ip": ip} for ip in ips], "ports": [{"port": p} for p in ports]}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (endpoints(), "<none>"),
        (endpoints(subset(["10.244.1.5", "10.244.2.3"], [8080])), "10.244.1.5:8080,10.244.2.3:8080"),
        (endpoints(subset(["10.244.1.5", "10.244.2.3", "10.244.3.4", "10.244.1.6"], [8080])),
         "10.244.1.5:8080,10.244.2.3:8080,10.244.3.4:8080 + 1 more..."),
        (endpoints(subset(["10.244.1.5", "10.244.2.3"], [80, 443])),
         "10.244.1.5:80,10.244.2.3:80,10.244.1.5:443 + 1 more..."),
        (endpoints(subset(["10.244.1.5"], [])), "10.244.1.5"),
    ],
    ids=["empty", "two", "four-shows-three", "two-ports", "headless-without-ports"],
)  # fmt: skip
def test_endpoints_column(obj, expected):
    assert cells("endpoints", obj) == ["web", expected, "60m"]


def test_endpointslice_row():
    obj = {
        "metadata": meta("web-abc12"),
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080}, {"name": "metrics"}],
        "endpoints": [{"addresses": [f"10.244.{i}.5"]} for i in range(1, 5)],
    }
    assert cells("endpointslices", obj) == [
        "web-abc12", "IPv4", "8080,metrics", "10.244.1.5,10.244.2.5,10.244.3.5 + 1 more...", "60m",
    ]  # fmt: skip
    empty = {"metadata": meta("web-x"), "addressType": "IPv4", "ports": None, "endpoints": None}
    assert cells("endpointslices", empty)[2:4] == ["<unset>", "<unset>"]


# --- workloads ------------------------------------------------------------------------------

TEMPLATE = {"spec": {"containers": [{"name": "web", "image": "nginx:1.25"},
                                    {"name": "log", "image": "busybox"}]}}  # fmt: skip
SELECTOR = {"matchLabels": {"app": "web"}}


def test_deployment_mid_rollout():
    obj = {
        "metadata": meta("web"),
        "spec": {"replicas": 3, "selector": SELECTOR, "template": TEMPLATE},
        "status": {"replicas": 4, "updatedReplicas": 1, "readyReplicas": 2, "availableReplicas": 2},
    }
    assert cells("deployments", obj) == [
        "web", "2/3", 1, 2, "60m", "web,log", "nginx:1.25,busybox", "app=web",
    ]  # fmt: skip


def test_replicaset_daemonset_statefulset_rows():
    rs = {
        "metadata": meta("web-5d8f7c9b4d"),
        "spec": {"replicas": 3, "selector": SELECTOR, "template": TEMPLATE},
        "status": {"replicas": 3, "readyReplicas": 1},
    }
    assert cells("replicasets", rs) == [
        "web-5d8f7c9b4d",
        3,
        3,
        1,
        "60m",
        "web,log",
        "nginx:1.25,busybox",
        "app=web",
    ]
    ds = {
        "metadata": meta("agent"),
        "spec": {"selector": {}, "template": TEMPLATE},
        "status": {
            "desiredNumberScheduled": 3,
            "currentNumberScheduled": 3,
            "numberReady": 2,
            "updatedNumberScheduled": 3,
            "numberAvailable": 2,
        },
    }
    assert cells("daemonsets", ds)[:8] == ["agent", 3, 3, 2, 3, 2, "<none>", "60m"]
    assert cells("daemonsets", ds)[10] == "<none>"
    sts = {
        "metadata": meta("db"),
        "spec": {"replicas": 2, "template": TEMPLATE},
        "status": {"readyReplicas": 1},
    }
    assert cells("statefulsets", sts) == ["db", "1/2", "60m", "web,log", "nginx:1.25,busybox"]
    # fmt: skip


def job(conditions=(), deleting=False, **spec) -> dict:
    metadata = meta("pi")
    if deleting:
        metadata["deletionTimestamp"] = timestamp(NOW)
    status = {"succeeded": 1, "startTime": timestamp(60), "conditions": list(conditions)}
    return {"metadata": metadata, "spec": {"template": TEMPLATE, **spec}, "status": status}


def true(kind):
    return {"type": kind, "status": "True"}


@pytest.mark.parametrize(
    ("obj", "status", "completions", "duration"),
    [
        (job(completions=3, parallelism=1), "Running", "1/3", "59m"),
        (job(parallelism=2), "Running", "1/1 of 2", "59m"),
        (job([true("Complete")], completions=1), "Complete", "1/1", "59m"),
        (job([true("FailureTarget"), true("Failed")]), "Failed", "1/1", "59m"),
        (job([true("Suspended")], deleting=True), "Terminating", "1/1", "59m"),
        (job([true("Suspended")]), "Suspended", "1/1", "59m"),
        (job([true("FailureTarget")]), "FailureTarget", "1/1", "59m"),
    ],
    ids=["running", "parallel", "complete", "failed", "terminating", "suspended", "failure-target"],
)
def test_job_status_completions_duration(obj, status, completions, duration):
    assert visible("jobs", obj) == ["pi", status, completions, duration, "60m"]


def test_finished_job_duration_is_start_to_completion():
    obj = job([true("Complete")], completions=1)
    obj["status"]["completionTime"] = timestamp(60 + 95)
    assert visible("jobs", obj)[3] == "95s"


def hpa(metrics, current=(), minimum=2) -> dict:
    spec = {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 10,
            "metrics": metrics}  # fmt: skip
    if minimum is not None:
        spec["minReplicas"] = minimum
    return {"metadata": meta("web"), "spec": spec,
            "status": {"currentReplicas": 3, "currentMetrics": list(current)}}  # fmt: skip


def cpu(target=50):
    return {"type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}}  # fmt: skip


def cpu_now(value):
    return {
        "type": "Resource",
        "resource": {"name": "cpu", "current": {"averageUtilization": value}},
    }


@pytest.mark.parametrize(
    ("obj", "targets"),
    [
        (hpa([cpu()], [cpu_now(45)]), "cpu: 45%/50%"),
        (hpa([cpu(80)]), "cpu: <unknown>/80%"),
        (hpa([]), "<none>"),
        (hpa([{"type": "Pods", "pods": {"metric": {"name": "rps"},
                                        "target": {"type": "AverageValue", "averageValue": "100"}}}],
             [{"type": "Pods", "pods": {"current": {"averageValue": "42"}}}]), "42/100"),
        (hpa([cpu(), cpu(60), cpu(70)], [cpu_now(10)]),
         "cpu: 10%/50%, cpu: <unknown>/60% + 1 more..."),
        (hpa([{"type": "Resource", "resource": {"name": "memory",
                                                "target": {"type": "AverageValue", "averageValue": "500Mi"}}}]),
         "memory: <unknown>/500Mi"),
    ],
    ids=["cpu", "cpu-unknown", "no-metrics", "pods-metric", "three-metrics", "memory-average"],
)  # fmt: skip
def test_hpa_targets(obj, targets):
    assert cells("horizontalpodautoscalers", obj) == ["web", "Deployment/web", targets, "2", 10, 3,
                                                      "60m"]  # fmt: skip


def test_hpa_without_min_replicas_prints_unset():
    assert cells("horizontalpodautoscalers", hpa([cpu()], minimum=None))[3] == "<unset>"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [({"minAvailable": 2}, ["2", "N/A"]), ({"maxUnavailable": "25%"}, ["N/A", "25%"])],
    ids=["min-available", "max-unavailable"],
)
def test_pdb_min_max(spec, expected):
    obj = {"metadata": meta("web"), "spec": spec, "status": {"disruptionsAllowed": 1}}
    assert cells("poddisruptionbudgets", obj) == ["web", *expected, 1, "60m"]


# --- events, leases, namespaces and the default tables ----------------------------------------


def event(name, reason, last, first=None, count=1, kind="Pod", obj="web-1", type_="Normal"):
    return {
        "metadata": meta(name, created=first if first is not None else last),
        "involvedObject": {"kind": kind, "name": obj, "namespace": "default",
                           "fieldPath": "spec.containers{app}"},
        "reason": reason, "message": f"  {reason} happened\n", "type": type_,
        "source": {"component": "kubelet", "host": "node-1"},
        "firstTimestamp": timestamp(first if first is not None else last),
        "lastTimestamp": timestamp(last), "count": count,
    }  # fmt: skip


def test_event_row_with_wide_cells():
    obj = event("web-1.17f2", "BackOff", last=NOW - 30, first=NOW - 600, count=4, type_="Warning")
    assert cells("events", obj) == [
        "30s", "Warning", "BackOff", "pod/web-1", "spec.containers{app}", "kubelet, node-1",
        "BackOff happened", "10m", 4, "web-1.17f2",
    ]  # fmt: skip


def test_kubectl_events_sorts_by_last_seen_and_folds_repeats():
    listing = event_rows_for_kubectl_events(
        [
            event("b", "Pulled", last=NOW - 10),
            event("a", "BackOff", last=NOW - 120, first=NOW - 600, count=3, type_="Warning"),
        ],
        NOW,
    )
    assert [c["name"] for c in listing["columnDefinitions"]] == [
        "Last Seen", "Type", "Reason", "Object", "Message",
    ]  # fmt: skip
    assert [row["cells"] for row in listing["rows"]] == [
        ["2m (x3 over 10m)", "Warning", "BackOff", "Pod/web-1", "BackOff happened"],
        ["10s", "Normal", "Pulled", "Pod/web-1", "Pulled happened"],
    ]


def test_lease_namespace_configmap_rows():
    lease = {"metadata": meta("kube-scheduler"), "spec": {"holderIdentity": "cp_1a2b"}}
    assert cells("leases", lease) == ["kube-scheduler", "cp_1a2b", "60m"]
    namespace = {"metadata": meta("default"), "status": {"phase": "Active"}}
    assert cells("namespaces", namespace) == ["default", "Active", "60m"]
    configmap = {"metadata": meta("kube-root-ca.crt"), "data": {"ca.crt": "..."}}
    assert cells("configmaps", configmap) == ["kube-root-ca.crt", 1, "60m"]


def test_resource_quota_splits_requests_and_limits():
    obj = {"metadata": meta("quota"),
           "status": {"hard": {"limits.cpu": "2", "requests.cpu": "1", "pods": "10"},
                      "used": {"requests.cpu": "500m", "pods": "3"}}}  # fmt: skip
    assert cells("resourcequotas", obj) == [
        "quota", "pods: 3/10, requests.cpu: 500m/1", "limits.cpu: 0/2", "60m",
    ]  # fmt: skip


def test_kinds_without_a_printer_get_name_and_created_at():
    result = table("roles", [{"metadata": meta("reader", created=30)}], now=NOW)
    assert [c["name"] for c in result["columnDefinitions"]] == ["Name", "Created At"]
    assert result["rows"][0]["cells"] == ["reader", "2025-01-01T00:00:30Z"]


def test_custom_resources_get_name_and_age():
    result = table("widgets", [{"metadata": meta("w1")}], now=NOW)
    assert [c["name"] for c in result["columnDefinitions"]] == ["Name", "Age"]
    assert result["rows"][0]["cells"] == ["w1", "60m"]
