"""kubectl describe: expected text follows describe.go's format strings laid out by Go's tabwriter
(minwidth 0, padding 2; a line without a tab ends an alignment block; the Events table is flushed
as a block of its own)."""

import copy

import pytest

from k8sedu.kubectl.describe import describe, events_about
from k8sedu.kubectl.describe.pod import describe_probe, pod_qos

T0 = "2025-01-01T00:00:00Z"


def _text(expected: str) -> str:
    """Expected output with ``$`` marking where a line ends in spaces (tabwriter pads empty and
    space-ended last cells, as in ``Ready <tab>True <newline>``)."""
    return expected.replace("$\n", "\n")


def _event(
    kind,
    name,
    reason,
    message,
    *,
    uid,
    source,
    first,
    last=None,
    count=1,
    type="Normal",
    field_path=None,
):
    ref = {"kind": kind, "name": name, "namespace": "" if kind == "Node" else "default", "uid": uid}
    if field_path:
        ref["fieldPath"] = field_path
    return {
        "involvedObject": ref,
        "type": type,
        "reason": reason,
        "message": message,
        "source": {"component": source},
        "firstTimestamp": first,
        "lastTimestamp": last or first,
        "count": count,
    }


RUNNING_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "web-7d4b9c8f5-abcde",
        "namespace": "default",
        "uid": "u-pod",
        "creationTimestamp": T0,
        "labels": {"app": "web", "pod-template-hash": "7d4b9c8f5"},
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": "web-7d4b9c8f5",
                "uid": "u-rs",
                "controller": True,
            }
        ],
    },
    "spec": {
        "nodeName": "node-1",
        "serviceAccountName": "default",
        "priority": 0,
        "containers": [
            {
                "name": "web",
                "image": "k8sedu/web:1.0",
                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                "resources": {
                    "limits": {"cpu": "500m", "memory": "128Mi"},
                    "requests": {"cpu": "250m", "memory": "64Mi"},
                },
                "livenessProbe": {
                    "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                    "initialDelaySeconds": 0,
                    "timeoutSeconds": 1,
                    "periodSeconds": 10,
                    "successThreshold": 1,
                    "failureThreshold": 3,
                },
                "volumeMounts": [
                    {
                        "name": "kube-api-access-x2b9q",
                        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                        "readOnly": True,
                    }
                ],
            }
        ],
        "volumes": [
            {
                "name": "kube-api-access-x2b9q",
                "projected": {
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {"configMap": {"name": "kube-root-ca.crt"}},
                        {"downwardAPI": {"items": []}},
                    ]
                },
            }
        ],
        "tolerations": [
            {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
        ],
    },
    "status": {
        "phase": "Running",
        "hostIP": "172.18.0.3",
        "podIP": "10.244.1.2",
        "podIPs": [{"ip": "10.244.1.2"}],
        "startTime": T0,
        "conditions": [
            {"type": "PodReadyToStartContainers", "status": "True"},
            {"type": "Initialized", "status": "True"},
            {"type": "Ready", "status": "True"},
            {"type": "ContainersReady", "status": "True"},
            {"type": "PodScheduled", "status": "True"},
        ],
        "containerStatuses": [
            {
                "name": "web",
                "containerID": "containerd://abc",
                "imageID": "k8sedu/web@sha256:1",
                "ready": True,
                "restartCount": 0,
                "state": {"running": {"startedAt": "2025-01-01T00:00:02Z"}},
            }
        ],
    },
}
RUNNING_POD_EVENTS = [
    _event(
        "Pod",
        "web-7d4b9c8f5-abcde",
        "Pulled",
        'Container image "k8sedu/web:1.0" already present on machine',
        uid="u-pod",
        source="kubelet",
        first="2025-01-01T00:00:01Z",
        last="2025-01-01T00:03:01Z",
        count=3,
        field_path="spec.containers{web}",
    ),
    _event(
        "Pod",
        "web-7d4b9c8f5-abcde",
        "Scheduled",
        "Successfully assigned default/web-7d4b9c8f5-abcde to node-1",
        uid="u-pod",
        source="default-scheduler",
        first=T0,
    ),
    _event(
        "Pod",
        "other",
        "Scheduled",
        "not about this pod",
        uid="u-other",
        source="default-scheduler",
        first=T0,
    ),
]
RUNNING_POD_TEXT = _text("""\
Name:             web-7d4b9c8f5-abcde
Namespace:        default
Priority:         0
Service Account:  default
Node:             node-1/172.18.0.3
Start Time:       Wed, 01 Jan 2025 00:00:00 +0000
Labels:           app=web
                  pod-template-hash=7d4b9c8f5
Annotations:      <none>
Status:           Running
IP:               10.244.1.2
IPs:
  IP:           10.244.1.2
Controlled By:  ReplicaSet/web-7d4b9c8f5
Containers:
  web:
    Container ID:   containerd://abc
    Image:          k8sedu/web:1.0
    Image ID:       k8sedu/web@sha256:1
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Wed, 01 Jan 2025 00:00:02 +0000
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:        250m
      memory:     64Mi
    Liveness:     http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x2b9q (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True $
  Initialized                 True $
  Ready                       True $
  ContainersReady             True $
  PodScheduled                True $
Volumes:
  kube-api-access-x2b9q:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age                   From               Message
  ----    ------     ----                  ----               -------
  Normal  Scheduled  5m                    default-scheduler  Successfully assigned default/web-7d4b9c8f5-abcde to node-1
  Normal  Pulled     119s (x3 over 4m59s)  kubelet            Container image "k8sedu/web:1.0" already present on machine
""")


def test_running_pod_with_probe_limits_and_events():
    assert describe("pods", RUNNING_POD, now=300, events=RUNNING_POD_EVENTS) == RUNNING_POD_TEXT


PENDING_POD = {
    "metadata": {
        "name": "big",
        "namespace": "default",
        "uid": "u-big",
        "creationTimestamp": T0,
        "labels": {"app": "big"},
    },
    "spec": {
        "serviceAccountName": "default",
        "priority": 0,
        "containers": [{"name": "big", "image": "nginx", "resources": {"requests": {"cpu": "8"}}}],
    },
    "status": {
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}],
    },
}
FAILED_SCHEDULING = (
    "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
    "3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, "
    "3 No preemption victims found for incoming pod."
)
PENDING_EVENT = {  # recorded through the events.k8s.io API: eventTime, series, reportingComponent
    "involvedObject": {"kind": "Pod", "name": "big", "namespace": "default", "uid": "u-big"},
    "type": "Warning",
    "reason": "FailedScheduling",
    "message": FAILED_SCHEDULING,
    "source": {},
    "reportingComponent": "default-scheduler",
    "eventTime": "2025-01-01T00:00:00.000000Z",
    "series": {"count": 3, "lastObservedTime": "2025-01-01T00:01:00.000000Z"},
}
PENDING_POD_TEXT = _text(f"""\
Name:             big
Namespace:        default
Priority:         0
Service Account:  default
Node:             <none>
Labels:           app=big
Annotations:      <none>
Status:           Pending
IP:               $
IPs:              <none>
Containers:
  big:
    Image:      nginx
    Port:       <none>
    Host Port:  <none>
    Requests:
      cpu:        8
    Environment:  <none>
    Mounts:       <none>
Conditions:
  Type           Status
  PodScheduled   False $
Volumes:         <none>
QoS Class:       Burstable
Node-Selectors:  <none>
Tolerations:     <none>
Events:
  Type     Reason            Age                From               Message
  ----     ------            ----               ----               -------
  Warning  FailedScheduling  10s (x3 over 70s)  default-scheduler  {FAILED_SCHEDULING}
""")


def test_pending_pod_with_failed_scheduling_event():
    assert describe("po", PENDING_POD, now=70, events=[PENDING_EVENT]) == PENDING_POD_TEXT


def test_events_none_aligns_with_the_fields_above():
    text = describe("pods", PENDING_POD, now=70, events=[])
    assert text.endswith("Tolerations:     <none>\nEvents:          <none>\n")


def test_show_events_false_leaves_the_section_out():
    text = describe("pods", PENDING_POD, now=70, events=[PENDING_EVENT], show_events=False)
    assert text.endswith("Tolerations:     <none>\n")


NODE = {
    "metadata": {
        "name": "node-1",
        "uid": "u-node",
        "creationTimestamp": T0,
        "labels": {
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": "node-1",
            "kubernetes.io/os": "linux",
        },
        "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
    },
    "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"]},
    "status": {
        "conditions": [
            {
                "type": "MemoryPressure",
                "status": "False",
                "lastHeartbeatTime": "2025-01-01T00:09:30Z",
                "lastTransitionTime": "2025-01-01T00:00:10Z",
                "reason": "KubeletHasSufficientMemory",
                "message": "kubelet has sufficient memory available",
            },
            {
                "type": "Ready",
                "status": "True",
                "lastHeartbeatTime": "2025-01-01T00:09:30Z",
                "lastTransitionTime": "2025-01-01T00:00:10Z",
                "reason": "KubeletReady",
                "message": "kubelet is posting ready status",
            },
        ],
        "addresses": [
            {"type": "InternalIP", "address": "172.18.0.3"},
            {"type": "Hostname", "address": "node-1"},
        ],
        "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
        "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
        "nodeInfo": {
            "kernelVersion": "6.8.0",
            "osImage": "Debian GNU/Linux 12 (bookworm)",
            "operatingSystem": "linux",
            "architecture": "amd64",
            "containerRuntimeVersion": "containerd://2.1.1",
            "kubeletVersion": "v1.34.0",
        },
    },
}


def _pod(name, node, phase="Running", created=T0, resources=None):
    return {
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": created},
        "spec": {
            "nodeName": node,
            "containers": [{"name": "c", "image": "nginx", "resources": resources or {}}],
        },
        "status": {"phase": phase},
    }


NODE_PODS = [
    _pod(
        "web-1",
        "node-1",
        resources={
            "requests": {"cpu": "250m", "memory": "64Mi"},
            "limits": {"cpu": "500m", "memory": "128Mi"},
        },
    ),
    _pod("web-2", "node-1", created="2025-01-01T00:05:00Z"),
    _pod("done", "node-1", phase="Succeeded"),
    _pod("elsewhere", "node-2"),
]
NODE_LEASE = {"spec": {"holderIdentity": "node-1", "renewTime": "2025-01-01T00:09:50.000000Z"}}
NODE_EVENTS = [
    _event(
        "Node",
        "node-1",
        "RegisteredNode",
        "Node node-1 event: Registered Node node-1 in Controller",
        uid="u-node",
        source="node-controller",
        first="2025-01-01T00:00:10Z",
    ),
    _event(
        "Node", "node-1", "Starting", "Starting kubelet.", uid="node-1", source="kubelet", first=T0
    ),
]
NODE_TEXT = _text("""\
Name:               node-1
Roles:              <none>
Labels:             kubernetes.io/arch=amd64
                    kubernetes.io/hostname=node-1
                    kubernetes.io/os=linux
Annotations:        node.alpha.kubernetes.io/ttl: 0
CreationTimestamp:  Wed, 01 Jan 2025 00:00:00 +0000
Taints:             <none>
Unschedulable:      false
Lease:
  HolderIdentity:  node-1
  AcquireTime:     <unset>
  RenewTime:       Wed, 01 Jan 2025 00:09:50 +0000
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Wed, 01 Jan 2025 00:09:30 +0000   Wed, 01 Jan 2025 00:00:10 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  Ready            True    Wed, 01 Jan 2025 00:09:30 +0000   Wed, 01 Jan 2025 00:00:10 +0000   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  172.18.0.3
  Hostname:    node-1
Capacity:
  cpu:     4
  memory:  8Gi
  pods:    110
Allocatable:
  cpu:     4
  memory:  8Gi
  pods:    110
System Info:
  Machine ID:                 $
  System UUID:                $
  Boot ID:                    $
  Kernel Version:             6.8.0
  OS Image:                   Debian GNU/Linux 12 (bookworm)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://2.1.1
  Kubelet Version:            v1.34.0
PodCIDR:                      10.244.1.0/24
PodCIDRs:                     10.244.1.0/24
Non-terminated Pods:          (2 in total)
  Namespace                   Name     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----     ------------  ----------  ---------------  -------------  ---
  default                     web-1    250m (6%)     500m (12%)  64Mi (0%)        128Mi (1%)     10m
  default                     web-2    0 (0%)        0 (0%)      0 (0%)           0 (0%)         5m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests   Limits
  --------           --------   ------
  cpu                250m (6%)  500m (12%)
  memory             64Mi (0%)  128Mi (1%)
  ephemeral-storage  0 (0%)     0 (0%)
Events:
  Type    Reason          Age    From             Message
  ----    ------          ----   ----             -------
  Normal  Starting        10m    kubelet          Starting kubelet.
  Normal  RegisteredNode  9m50s  node-controller  Node node-1 event: Registered Node node-1 in Controller
""")


def test_node_with_pods_lease_and_events():
    text = describe(
        "nodes", NODE, now=600, events=NODE_EVENTS, related={"pods": NODE_PODS, "lease": NODE_LEASE}
    )
    assert text == NODE_TEXT


def test_node_roles_taints_and_missing_lease():
    node = copy.deepcopy(NODE)
    node["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] = ""
    node["spec"]["taints"] = [
        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
    ]
    node["spec"]["unschedulable"] = True
    lines = describe("nodes", node, now=600, events=[]).splitlines()
    assert "Roles:              control-plane" in lines
    assert "Taints:             node-role.kubernetes.io/control-plane:NoSchedule" in lines
    assert "Unschedulable:      true" in lines
    assert (
        'Lease:              Failed to get lease: leases.coordination.k8s.io "node-1" not found'
        in lines
    )


TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {
        "containers": [
            {
                "name": "web",
                "image": "nginx:1.27",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
            }
        ]
    },
}
DEPLOYMENT = {
    "metadata": {
        "name": "web",
        "namespace": "default",
        "uid": "u-deploy",
        "creationTimestamp": T0,
        "labels": {"app": "web"},
        "annotations": {"deployment.kubernetes.io/revision": "2"},
    },
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
        },
        "template": TEMPLATE,
    },
    "status": {
        "replicas": 3,
        "updatedReplicas": 3,
        "availableReplicas": 3,
        "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
        ],
    },
}


def _replicaset(name, image, replicas, created, owner="u-deploy"):
    template = copy.deepcopy(TEMPLATE)
    template["metadata"]["labels"]["pod-template-hash"] = name.rsplit("-", 1)[1]
    template["spec"]["containers"][0]["image"] = image
    return {
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"u-{name}",
            "creationTimestamp": created,
            "ownerReferences": [
                {"kind": "Deployment", "name": "web", "uid": owner, "controller": True}
            ],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": template,
        },
        "status": {"replicas": replicas},
    }


REPLICASETS = [
    _replicaset("web-7d4b9c8f5", "nginx:1.27", 3, "2025-01-01T00:01:00Z"),
    _replicaset("web-5c6d7e8f9", "nginx:1.26", 0, T0),
    _replicaset("other-6b7c8d9f2", "nginx:1.27", 1, T0, owner="u-other"),
]
DEPLOYMENT_EVENTS = [
    _event(
        "Deployment",
        "web",
        "ScalingReplicaSet",
        "Scaled up replica set web-5c6d7e8f9 from 0 to 3",
        uid="u-deploy",
        source="deployment-controller",
        first=T0,
    ),
    _event(
        "Deployment",
        "web",
        "ScalingReplicaSet",
        "Scaled up replica set web-7d4b9c8f5 from 0 to 1",
        uid="u-deploy",
        source="deployment-controller",
        first="2025-01-01T00:01:00Z",
    ),
]
DEPLOYMENT_TEXT = """\
Name:                   web
Namespace:              default
CreationTimestamp:      Wed, 01 Jan 2025 00:00:00 +0000
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=web
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   web:
    Image:         nginx:1.27
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  web-5c6d7e8f9 (0/0 replicas created)
NewReplicaSet:   web-7d4b9c8f5 (3/3 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  10m   deployment-controller  Scaled up replica set web-5c6d7e8f9 from 0 to 3
  Normal  ScalingReplicaSet  9m    deployment-controller  Scaled up replica set web-7d4b9c8f5 from 0 to 1
"""


def test_deployment_with_old_and_new_replicasets():
    text = describe(
        "deployments",
        DEPLOYMENT,
        now=600,
        events=DEPLOYMENT_EVENTS,
        related={"replicasets": REPLICASETS},
    )
    assert text == DEPLOYMENT_TEXT


def test_replicaset_counts_its_own_pods_by_phase():
    rs = REPLICASETS[0]
    owned = {
        "kind": "ReplicaSet",
        "name": rs["metadata"]["name"],
        "uid": rs["metadata"]["uid"],
        "controller": True,
    }
    pods = []
    for i, phase in enumerate(["Running", "Running", "Pending", "Failed"]):
        pod = _pod(f"p{i}", "node-1", phase=phase)
        pod["metadata"]["labels"] = {"app": "web"}
        pod["metadata"]["ownerReferences"] = [owned]
        pods.append(pod)
    orphan = _pod("orphan", "node-1")
    orphan["metadata"]["labels"] = {"app": "web"}
    lines = describe(
        "replicasets", rs, now=600, events=[], related={"pods": [*pods, orphan]}
    ).splitlines()
    assert "Selector:       app=web" in lines
    assert "Controlled By:  Deployment/web" in lines
    assert "Replicas:       3 current / 3 desired" in lines
    assert "Pods Status:    2 Running / 1 Waiting / 0 Succeeded / 1 Failed" in lines


SERVICE = {
    "metadata": {"name": "web", "namespace": "default", "uid": "u-svc", "labels": {"app": "web"}},
    "spec": {
        "type": "ClusterIP",
        "selector": {"app": "web"},
        "ipFamilyPolicy": "SingleStack",
        "ipFamilies": ["IPv4"],
        "clusterIP": "10.96.12.34",
        "clusterIPs": ["10.96.12.34"],
        "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}],
        "sessionAffinity": "None",
        "internalTrafficPolicy": "Cluster",
    },
}
ENDPOINTS = {
    "metadata": {"name": "web", "namespace": "default"},
    "subsets": [
        {
            "addresses": [
                {"ip": ip} for ip in ("10.244.1.2", "10.244.2.3", "10.244.3.4", "10.244.1.5")
            ],
            "notReadyAddresses": [{"ip": "10.244.2.9"}],
            "ports": [{"port": 8080, "protocol": "TCP"}],
        }
    ],
}
SERVICE_TEXT = """\
Name:                     web
Namespace:                default
Labels:                   app=web
Annotations:              <none>
Selector:                 app=web
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.12.34
IPs:                      10.96.12.34
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
Endpoints:                10.244.1.2:8080,10.244.2.3:8080,10.244.3.4:8080 + 1 more...
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"""


def test_service_with_endpoints():
    assert (
        describe("services", SERVICE, now=600, events=[], related={"endpoints": ENDPOINTS})
        == SERVICE_TEXT
    )


@pytest.mark.parametrize(
    "related, expected",
    [
        pytest.param({}, "<none>", id="no-endpoints-object"),
        pytest.param(
            {"endpoints": {"metadata": {"name": "web"}}}, "", id="endpoints-without-subsets"
        ),
        pytest.param(
            {
                "endpointslices": [
                    {
                        "ports": [{"name": "", "port": 8080}],
                        "endpoints": [
                            {"addresses": ["10.244.1.2"], "conditions": {"ready": True}},
                            {"addresses": ["10.244.1.3"], "conditions": {"ready": False}},
                        ],
                    }
                ]
            },
            "10.244.1.2:8080",
            id="endpointslices-ready-only",
        ),
    ],
)
def test_service_endpoints_line(related, expected):
    lines = describe("svc", SERVICE, now=0, events=[], related=related).splitlines()
    assert f"Endpoints:                {expected}".rstrip() in [line.rstrip() for line in lines]


def test_namespace_without_quotas_or_limits():
    ns = {
        "metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}},
        "status": {"phase": "Active"},
    }
    assert describe("namespaces", ns, now=0, events=[]) == (
        "Name:         default\n"
        "Labels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.\n"
    )


@pytest.mark.parametrize(
    "probe, expected",
    [
        pytest.param(
            {"tcpSocket": {"port": 6379}, "periodSeconds": 5},
            "tcp-socket :6379 delay=0s timeout=0s period=5s #success=0 #failure=0",
            id="tcp",
        ),
        pytest.param(
            {
                "exec": {"command": ["cat", "/tmp/healthy"]},
                "timeoutSeconds": 1,
                "periodSeconds": 10,
                "successThreshold": 1,
                "failureThreshold": 3,
            },
            "exec [cat /tmp/healthy] delay=0s timeout=1s period=10s #success=1 #failure=3",
            id="exec",
        ),
        pytest.param(
            {"httpGet": {"port": "http", "scheme": "HTTPS"}, "initialDelaySeconds": 5},
            "http-get https://:http delay=5s timeout=0s period=0s #success=0 #failure=0",
            id="named-port-no-path",
        ),
    ],
)
def test_probe_lines(probe, expected):
    assert describe_probe(probe) == expected


def _qos_pod(*resources):
    return {
        "spec": {"containers": [{"name": f"c{i}", "resources": r} for i, r in enumerate(resources)]}
    }


@pytest.mark.parametrize(
    "pod, expected",
    [
        pytest.param(_qos_pod({}), "BestEffort", id="nothing-set"),
        pytest.param(
            _qos_pod(
                {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}
            ),
            "Guaranteed",
            id="equal",
        ),
        # API defaulting copies limits into missing requests before anyone computes the class
        pytest.param(
            _qos_pod({"limits": {"cpu": "1", "memory": "1Gi"}}),
            "Burstable",
            id="limits-only-undefaulted",
        ),
        pytest.param(_qos_pod({"requests": {"cpu": "100m"}}), "Burstable", id="request-only"),
        pytest.param(
            _qos_pod({"limits": {"cpu": "1", "memory": "1Gi"}}, {}),
            "Burstable",
            id="one-container-unlimited",
        ),
    ],
)
def test_qos_class(pod, expected):
    assert pod_qos(pod) == expected


def test_events_about_selects_by_involved_object():
    assert events_about("pods", RUNNING_POD, RUNNING_POD_EVENTS) == RUNNING_POD_EVENTS[:2]
    assert (
        events_about("nodes", NODE, NODE_EVENTS) == NODE_EVENTS
    )  # by uid, or by name as the kubelet records


def test_generic_describer_for_other_kinds():
    lease = {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {
            "name": "node-1",
            "namespace": "kube-node-lease",
            "managedFields": [{"manager": "kubelet"}],
        },
        "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40},
    }
    assert describe("leases", lease, now=0, events=[]) == (
        "Name:         node-1\n"
        "Namespace:    kube-node-lease\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "API Version:  coordination.k8s.io/v1\n"
        "Kind:         Lease\n"
        "Metadata:\n"
        "Spec:\n"
        "  Holder Identity:         node-1\n"
        "  Lease Duration Seconds:  40\n"
        "Events:                    <none>\n"
    )
