"""API defaulting: the values the API server fills into an object before it validates it.

Models the ``SetDefaults_*`` functions of k8s v1.34 ``pkg/apis/core/v1/defaults.go``,
``apps/v1``, ``batch/v1``, ``autoscaling/v2``, ``scheduling/v1`` and ``discovery/v1``, the
declarative ``+default`` tags of the v1 types, and three things the real server fills elsewhere
but that every learner sees on a stored object: the ServiceAccount admission plugin's
``serviceAccountName: default``, a Namespace's ``kubernetes`` finalizer (namespace strategy) and
a Service's IP families (service registry). Quantities are canonicalized on write (``0.5`` →
``500m``; DESIGN decision 24).
Simplified: cluster IPs and node ports are allocated by the server, not here; Priority and
DefaultTolerationSeconds admission are separate; a Job's generated selector needs the uid, so the
server calls ``default_job_selector`` after assigning it.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import re

from k8sedu import quantity

# Every volume source of a v1 Volume, in the order Go's validation tries them.
VOLUME_SOURCES = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret",
    "nfs", "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs",
    "quobyte", "downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume",
    "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO",
    "csi", "ephemeral", "image",
)  # fmt: skip

# SetDefaults_PodSpec: applied to pods and to every pod template.
POD_SPEC = {
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30,
    "schedulerName": "default-scheduler",
}
# SetDefaults_Container (+ Resources, a struct Go always serializes).
CONTAINER = {
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
    "resources": {},
}
# SetDefaults_Probe: Go defaults these when they are 0.
PROBE = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
HTTP_GET = {"path": "/", "scheme": "HTTP"}  # SetDefaults_HTTPGetAction
VOLUME_DEFAULT_MODES = {"secret", "configMap", "downwardAPI", "projected"}  # defaultMode 0644

DEPLOYMENT = {"replicas": 1, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600}
DEPLOYMENT_ROLLING_UPDATE = {"maxUnavailable": "25%", "maxSurge": "25%"}
DAEMONSET_ROLLING_UPDATE = {"maxUnavailable": 1, "maxSurge": 0}
STATEFULSET = {"podManagementPolicy": "OrderedReady", "replicas": 1, "revisionHistoryLimit": 10}
STATEFULSET_PVC_RETENTION = {"whenDeleted": "Retain", "whenScaled": "Retain"}
JOB = {"completionMode": "NonIndexed", "suspend": False}
CRONJOB = {
    "concurrencyPolicy": "Allow",
    "suspend": False,
    "successfulJobsHistoryLimit": 3,
    "failedJobsHistoryLimit": 1,
}
HPA_CPU_METRIC = {
    "type": "Resource",
    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
}
HPA_SCALE_UP = {
    "stabilizationWindowSeconds": 0,
    "selectPolicy": "Max",
    "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ],
}
# no stabilizationWindowSeconds: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies
HPA_SCALE_DOWN = {
    "selectPolicy": "Max",
    "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
}
JOB_LABELS = (
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "job-name",
)


def fill(target: dict, defaults: dict, unset: tuple = (None, "")) -> dict:
    """Set every key of ``defaults`` that ``target`` lacks or holds as one of the ``unset`` values.

    Go defaults a plain field when it holds its zero value (``""``, or ``0`` for probe fields) and
    a pointer field when it is nil (``None``); ``unset`` says which applies.
    """
    for key, value in defaults.items():
        if key not in target or _is_unset(target[key], unset):
            target[key] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    return target


def _is_unset(value: object, unset: tuple) -> bool:
    # compare types too: Python's False == 0 must not count as Go's zero int
    return any(value is None if u is None else type(value) is type(u) and value == u for u in unset)


def apply_defaults(resource: str, obj: dict) -> None:
    """Fill the API defaults of ``obj`` (a ``resource`` such as ``"pods"``) in place."""
    defaulter = _DEFAULTERS.get(resource)
    if defaulter is not None:
        defaulter(obj)


# --- images and quantities ---------------------------------------------------------------------

_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")


@functools.lru_cache(maxsize=1024)  # a pure function of the text; every replica asks again
def image_pull_policy(image: str) -> str:
    """``Always`` for ``:latest`` or no tag (and no digest), else ``IfNotPresent``.

    A reference Go cannot parse (``""``, ``Nginx``) has no tag and gets ``IfNotPresent``.
    """
    name, _, digest = image.partition("@")
    path, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    components = path.split("/")
    if len(components) > 1 and re.search(r"[.:]|^localhost$", components[0]):
        components = components[1:]  # a registry host, which may use any case
    if not all(_PATH_COMPONENT.fullmatch(c) for c in components):
        return "IfNotPresent"
    if not tag and not digest:
        tag = "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def canonicalize(resources: dict | None) -> None:
    """Rewrite a ResourceList's quantities in canonical form: ``0.5`` → ``500m``, ``1`` → ``"1"``."""
    if not resources:
        return
    for name, value in resources.items():
        # a malformed quantity stays as written: the real decoder rejects it before defaulting
        with contextlib.suppress(ValueError):
            resources[name] = quantity.canonical(str(value))


# --- pods ----------------------------------------------------------------------------------------


def _handler(handler: dict | None) -> None:
    if handler and handler.get("httpGet") is not None:
        fill(handler["httpGet"], HTTP_GET)
    if handler and handler.get("grpc") is not None:
        handler["grpc"].setdefault("service", "")


def _container(ctr: dict) -> None:
    if not ctr.get("imagePullPolicy"):
        ctr["imagePullPolicy"] = image_pull_policy(ctr.get("image") or "")
    fill(ctr, CONTAINER)
    for port in ctr.get("ports") or []:
        fill(port, {"protocol": "TCP"})
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        if ctr.get(kind) is not None:
            fill(ctr[kind], PROBE, unset=(None, 0))
            _handler(ctr[kind])
    for hook in ("postStart", "preStop"):
        _handler((ctr.get("lifecycle") or {}).get(hook))
    for var in ctr.get("env") or []:
        field_ref = (var.get("valueFrom") or {}).get("fieldRef")
        if field_ref is not None:
            fill(field_ref, {"apiVersion": "v1"})
    for section in ("requests", "limits"):
        canonicalize(ctr["resources"].get(section))


def _volume(volume: dict) -> None:
    if not any(volume.get(kind) is not None for kind in VOLUME_SOURCES):
        volume["emptyDir"] = {}  # SetDefaults_Volume
    for kind in VOLUME_DEFAULT_MODES:
        if volume.get(kind) is not None:
            fill(volume[kind], {"defaultMode": 420})
    if volume.get("hostPath") is not None:
        fill(volume["hostPath"], {"type": ""}, unset=(None,))


def pod_spec(spec: dict) -> None:
    """SetDefaults_PodSpec and the container defaults: for pods and for pod templates."""
    fill(spec, POD_SPEC)
    for kind in ("containers", "initContainers", "ephemeralContainers"):
        for ctr in spec.get(kind) or []:
            _container(ctr)
    for volume in spec.get("volumes") or []:
        _volume(volume)
    canonicalize(spec.get("overhead"))
    for section in ("requests", "limits"):
        canonicalize((spec.get("resources") or {}).get(section))


def _pod(pod: dict) -> None:
    spec = pod.setdefault("spec", {})
    pod_spec(spec)
    # SetDefaults_Pod: only real pods, not templates
    for kind in ("containers", "initContainers"):
        for ctr in spec.get(kind) or []:
            resources = ctr["resources"]
            if resources.get("limits") is not None:
                # a limit alone means "request = limit" (that is what makes a pod Guaranteed)
                requests = resources.setdefault("requests", {})
                for name, value in resources["limits"].items():
                    requests.setdefault(name, value)
            if spec.get("hostNetwork"):
                for port in ctr.get("ports") or []:
                    if not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")
    fill(spec, {"enableServiceLinks": True}, unset=(None,))
    _service_account_admission(spec)


def _service_account_admission(spec: dict) -> None:
    """The ServiceAccount admission plugin's default (the deprecated ``serviceAccount`` mirrors it)."""
    name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    spec["serviceAccountName"] = spec["serviceAccount"] = name


def _template(spec: dict) -> None:
    pod_spec(spec.setdefault("template", {}).setdefault("spec", {}))


# --- workloads -----------------------------------------------------------------------------------


def _deployment(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    fill(spec, DEPLOYMENT, unset=(None,))
    strategy = fill(spec.setdefault("strategy", {}), {"type": "RollingUpdate"})
    if strategy["type"] == "RollingUpdate":
        fill(strategy.setdefault("rollingUpdate", {}), DEPLOYMENT_ROLLING_UPDATE, unset=(None,))
    _template(spec)


def _replicaset(obj: dict) -> None:
    fill(obj.setdefault("spec", {}), {"replicas": 1}, unset=(None,))
    _template(obj["spec"])


def _daemonset(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    strategy = fill(spec.setdefault("updateStrategy", {}), {"type": "RollingUpdate"})
    if strategy["type"] == "RollingUpdate":
        fill(strategy.setdefault("rollingUpdate", {}), DAEMONSET_ROLLING_UPDATE, unset=(None,))
    fill(spec, {"revisionHistoryLimit": 10}, unset=(None,))
    _template(spec)


def _statefulset(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    strategy = spec.setdefault("updateStrategy", {})
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        strategy.setdefault("rollingUpdate", {})
    if strategy["type"] == "RollingUpdate" and strategy.get("rollingUpdate") is not None:
        fill(strategy["rollingUpdate"], {"partition": 0}, unset=(None,))
    fill(spec.setdefault("persistentVolumeClaimRetentionPolicy", {}), STATEFULSET_PVC_RETENTION)
    fill(spec, STATEFULSET, unset=(None, ""))
    _template(spec)


def _job(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1  # a non-parallel Job: one pod, one completion
    fill(spec, {"parallelism": 1}, unset=(None,))
    backoff = 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6
    fill(spec, {"backoffLimit": backoff}, unset=(None,))
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    metadata = obj.setdefault("metadata", {})
    if template_labels is not None and not metadata.get("labels"):
        metadata["labels"] = dict(template_labels)
    fill(spec, JOB, unset=(None,))
    replacement = "Failed" if spec.get("podFailurePolicy") is not None else "TerminatingOrFailed"
    fill(spec, {"podReplacementPolicy": replacement}, unset=(None,))
    _template(spec)


def default_job_selector(job: dict) -> None:
    """The Job strategy's generated selector (unless ``manualSelector``); needs ``metadata.uid``.

    Labels the template with the uid and name (both label spellings) and selects the uid.
    Go's Job defaulting shares the template's label map with the Job's own labels when it copies
    them, so the generated labels show on the Job too; this copies them over in that case.
    """
    spec, meta = job.setdefault("spec", {}), job.get("metadata") or {}
    if spec.get("manualSelector"):
        return
    template_meta = spec.setdefault("template", {}).setdefault("metadata", {})
    labels = template_meta.setdefault("labels", {})
    shared = meta.get("labels") == labels
    for key in JOB_LABELS:
        value = meta.get("name", "") if key.endswith("job-name") else meta.get("uid", "")
        labels.setdefault(key, value)
    match = (spec.get("selector") or {}).get("matchLabels") or {}
    match.setdefault("batch.kubernetes.io/controller-uid", meta.get("uid", ""))
    spec.setdefault("selector", {})["matchLabels"] = match
    if shared or not meta.get("labels"):
        meta["labels"] = dict(labels)


def _cronjob(obj: dict) -> None:
    spec = fill(obj.setdefault("spec", {}), CRONJOB)
    _template(spec.setdefault("jobTemplate", {}).setdefault("spec", {}))


def _hpa(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    fill(spec, {"minReplicas": 1}, unset=(None,))
    if not spec.get("metrics"):
        spec["metrics"] = [copy.deepcopy(HPA_CPU_METRIC)]
    behavior = spec.get("behavior")
    if behavior is not None:
        # only a behavior the user started gets completed (REFERENCE §4.3)
        for direction, defaults in (("scaleUp", HPA_SCALE_UP), ("scaleDown", HPA_SCALE_DOWN)):
            given = behavior.get(direction) or {}
            behavior[direction] = {
                **copy.deepcopy(defaults),
                **{k: v for k, v in given.items() if v is not None},
            }


# --- core and the rest ---------------------------------------------------------------------------


def _service(obj: dict) -> None:
    spec = fill(obj.setdefault("spec", {}), {"sessionAffinity": "None"})
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        client_ip = (spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}
        if client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    fill(spec, {"type": "ClusterIP"})
    for port in spec.get("ports") or []:
        fill(port, {"protocol": "TCP"})
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    kind = spec["type"]
    if kind in ("NodePort", "LoadBalancer"):
        fill(spec, {"externalTrafficPolicy": "Cluster"})
    if kind in ("NodePort", "LoadBalancer", "ClusterIP"):
        fill(spec, {"internalTrafficPolicy": "Cluster"}, unset=(None,))
    if kind == "LoadBalancer":
        fill(spec, {"allocateLoadBalancerNodePorts": True}, unset=(None,))
    if kind != "ExternalName":
        # the service registry's family defaults (single-stack IPv4 cluster, like kind's)
        fill(spec, {"ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"]}, unset=(None,))


def _namespace(obj: dict) -> None:
    meta = obj.setdefault("metadata", {})
    if meta.get("name"):
        meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta["name"]
    obj.setdefault("spec", {})["finalizers"] = ["kubernetes"]  # namespace strategy PrepareForCreate
    fill(obj.setdefault("status", {}), {"phase": "Active"})


def _node(obj: dict) -> None:
    status = obj.get("status")
    if not status:
        return
    canonicalize(status.get("capacity"))
    canonicalize(status.get("allocatable"))
    if status.get("allocatable") is None and status.get("capacity") is not None:
        status["allocatable"] = dict(status["capacity"])


def _priorityclass(obj: dict) -> None:
    fill(obj, {"preemptionPolicy": "PreemptLowerPriority"}, unset=(None,))


def _endpointslice(obj: dict) -> None:
    for port in obj.get("ports") or []:
        fill(port, {"name": "", "protocol": "TCP"}, unset=(None,))


def _resourcequota(obj: dict) -> None:
    canonicalize((obj.get("spec") or {}).get("hard"))


def _limitrange(obj: dict) -> None:
    for item in (obj.get("spec") or {}).get("limits") or []:
        for section in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            canonicalize(item.get(section))


_DEFAULTERS = {
    "pods": _pod,
    "services": _service,
    "namespaces": _namespace,
    "nodes": _node,
    "deployments": _deployment,
    "replicasets": _replicaset,
    "daemonsets": _daemonset,
    "statefulsets": _statefulset,
    "jobs": _job,
    "cronjobs": _cronjob,
    "horizontalpodautoscalers": _hpa,
    "priorityclasses": _priorityclass,
    "endpointslices": _endpointslice,
    "resourcequotas": _resourcequota,
    "limitranges": _limitrange,
}
