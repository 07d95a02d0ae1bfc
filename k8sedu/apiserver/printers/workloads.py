"""Rows of the workload controllers: Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs,
CronJobs, HorizontalPodAutoscalers, PodDisruptionBudgets and ControllerRevisions.

Models ``printDeployment`` … ``printControllerRevision`` and ``formatHPAMetrics`` in k8s
``pkg/printers/internalversion/printers.go`` (v1.34). Counts missing from ``status`` print as 0,
as Go's zero values do; quantities are printed as stored (the API server canonicalizes them).
"""

from __future__ import annotations

from typing import Any

from k8sedu.apiserver.printers.common import (
    AGE,
    NAME,
    WIDE_CONTAINERS,
    WIDE_IMAGES,
    Clock,
    Printer,
    column,
    condition_true,
    format_labels,
    layout_containers,
    name,
    selector_string,
    template_spec,
)
from k8sedu.labels import format_label_selector
from k8sedu.objects import human_duration

WIDE_SELECTOR = column("Selector", description="Label query over pods.", priority=1)
WIDE_TEMPLATE = [WIDE_CONTAINERS, WIDE_IMAGES, WIDE_SELECTOR]


def _wide(obj: dict, selector: str) -> list[str]:
    names, images = layout_containers(template_spec(obj))
    return [names, images, selector]


def deployment_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    try:
        selector = selector_string(spec.get("selector"))
    except ValueError:
        selector = "<invalid>"
    return [
        name(obj),
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        status.get("updatedReplicas", 0),
        status.get("availableReplicas", 0),
        clock.age(obj),
        *_wide(obj, selector),
    ]


DEPLOYMENT_COLUMNS = [
    NAME,
    column("Ready", description="Number of the pod with ready state"),
    column(
        "Up-to-date",
        description="Total number of non-terminated pods targeted by this "
        "deployment that have the desired template spec.",
    ),
    column(
        "Available",
        description="Total number of available pods (ready for at least "
        "minReadySeconds) targeted by this deployment.",
    ),
    AGE,
    *WIDE_TEMPLATE,
]


def replicaset_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    return [
        name(obj),
        spec.get("replicas", 1),
        status.get("replicas", 0),
        status.get("readyReplicas", 0),
        clock.age(obj),
        *_wide(obj, format_label_selector(spec.get("selector"))),
    ]


REPLICASET_COLUMNS = [
    NAME,
    column("Desired", "integer", "Replicas is the number of desired replicas."),
    column("Current", "integer", "Replicas is the most recently observed number of replicas."),
    column("Ready", "integer", "The number of ready replicas for this replica set."),
    AGE,
    *WIDE_TEMPLATE,
]


def daemonset_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    return [
        name(obj),
        status.get("desiredNumberScheduled", 0),
        status.get("currentNumberScheduled", 0),
        status.get("numberReady", 0),
        status.get("updatedNumberScheduled", 0),
        status.get("numberAvailable", 0),
        format_labels(template_spec(obj).get("nodeSelector")),
        clock.age(obj),
        *_wide(obj, format_label_selector(spec.get("selector"))),
    ]


DAEMONSET_COLUMNS = [
    NAME,
    column(
        "Desired", "integer", "The total number of nodes that should be running the daemon pod."
    ),
    column("Current", "integer", "The number of nodes that are running at least 1 daemon pod."),
    column(
        "Ready",
        "integer",
        "The number of nodes that should be running the daemon pod and "
        "have one or more of the daemon pod running and ready.",
    ),
    column(
        "Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"
    ),
    column(
        "Available",
        "integer",
        "The number of nodes that should be running the daemon pod and "
        "have one or more of the daemon pod running and available.",
    ),
    column(
        "Node Selector",
        description="NodeSelector is a selector which must be true for the pod to fit on a node.",
    ),
    AGE,
    *WIDE_TEMPLATE,
]


def statefulset_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    names, images = layout_containers(template_spec(obj))
    ready = f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}"
    return [name(obj), ready, clock.age(obj), names, images]


STATEFULSET_COLUMNS = [
    NAME,
    column("Ready", description="Number of the pod with ready state"),
    AGE,
    WIDE_CONTAINERS,
    WIDE_IMAGES,
]


def _job_status(obj: dict) -> str:
    conditions = obj.get("status", {}).get("conditions")
    if condition_true(conditions, "Complete"):
        return "Complete"
    if condition_true(conditions, "Failed"):
        return "Failed"
    if obj.get("metadata", {}).get("deletionTimestamp") is not None:
        return "Terminating"
    if condition_true(conditions, "Suspended"):
        return "Suspended"
    if condition_true(conditions, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def job_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    succeeded = status.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif spec.get("parallelism", 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = status.get("startTime"), status.get("completionTime")
    if not start:
        duration = ""
    elif not end:
        duration = clock.since(start)
    else:
        duration = human_duration(clock.seconds(end) - clock.seconds(start))
    return [
        name(obj),
        _job_status(obj),
        completions,
        duration,
        clock.age(obj),
        *_wide(obj, format_label_selector(spec.get("selector"))),
    ]


JOB_COLUMNS = [
    NAME,
    column("Status", description="Status of the job."),
    column("Completions", description="The number of pods which reached phase Succeeded."),
    column("Duration", description="Time required to complete the job."),
    AGE,
    *WIDE_TEMPLATE,
]


def cronjob_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    job_spec = spec.get("jobTemplate", {}).get("spec", {})
    last = status.get("lastScheduleTime")
    suspend = spec.get("suspend")
    names, images = layout_containers(job_spec.get("template", {}).get("spec"))
    return [
        name(obj),
        spec.get("schedule", ""),
        spec.get("timeZone") or "<none>",
        "<unset>" if suspend is None else str(bool(suspend)),  # printBoolPtr: True / False
        len(status.get("active", [])),
        clock.since(last) if last else "<none>",
        clock.age(obj),
        names,
        images,
        format_label_selector(job_spec.get("selector")),
    ]


CRONJOB_COLUMNS = [
    NAME,
    column("Schedule", description="The schedule in Cron format."),
    column("Timezone", description="The time zone name for the given schedule."),
    column(
        "Suspend", "boolean", "This flag tells the controller to suspend subsequent executions."
    ),
    column("Active", "integer", "A list of pointers to currently running jobs."),
    column(
        "Last Schedule",
        description="Information when was the last time the job was successfully scheduled.",
    ),
    AGE,
    *WIDE_TEMPLATE,
]


def _metric(spec_source: dict, status_source: dict | None) -> str:
    """One Object or External metric: ``current/target``, ``(avg)`` when targeting an average.

    A quantity Go would dereference as nil prints ``<nil>``, as ``Quantity.String`` does.
    """
    target = spec_source.get("target", {})
    if target.get("averageValue") is not None:
        current = (status_source or {}).get("current", {}).get("averageValue") or "<unknown>"
        return f"{current}/{target['averageValue']} (avg)"
    current = "<unknown>"
    if status_source is not None:
        current = status_source.get("current", {}).get("value", "<nil>")
    return f"{current}/{target.get('value', '<nil>')}"


def _resource_metric(spec_source: dict, status_source: dict | None) -> str:
    """A Resource or ContainerResource metric: ``cpu: 45%/50%`` or ``memory: 300Mi/500Mi``."""
    target = spec_source.get("target", {})
    resource = spec_source.get("name", "")
    if target.get("averageValue") is not None:
        current = "<unknown>"
        if status_source is not None:
            current = status_source.get("current", {}).get("averageValue", "<nil>")
        return f"{resource}: {current}/{target['averageValue']}"
    current = "<unknown>"
    utilization = (status_source or {}).get("current", {}).get("averageUtilization")
    if utilization is not None:
        current = f"{utilization}%"
    wanted = target.get("averageUtilization")
    return f"{resource}: {current}/{'<auto>' if wanted is None else f'{wanted}%'}"


_METRIC_FIELDS = {
    "External": "external",
    "Pods": "pods",
    "Object": "object",
    "Resource": "resource",
    "ContainerResource": "containerResource",
}


def format_hpa_metrics(specs: list[dict], statuses: list[dict]) -> str:
    """``formatHPAMetrics``: each metric against its target, two shown, then ``+ N more...``."""
    if not specs:
        return "<none>"
    shown = []
    for i, spec in enumerate(specs):
        kind = spec.get("type")
        field = _METRIC_FIELDS.get(kind)
        if field is None:
            shown.append("<unknown type>")
            continue
        source = spec.get(field, {})
        # the status at the same index, if it reports this kind of metric
        status = statuses[i].get(field) if len(statuses) > i else None
        if kind == "Pods":
            current = (
                "<unknown>"
                if status is None
                else status.get("current", {}).get("averageValue", "<nil>")
            )
            shown.append(f"{current}/{source.get('target', {}).get('averageValue', '<nil>')}")
        elif kind in ("Resource", "ContainerResource"):
            shown.append(_resource_metric(source, status))
        else:
            shown.append(_metric(source, status))
    if len(shown) > 2:
        return f"{', '.join(shown[:2])} + {len(shown) - 2} more..."
    return ", ".join(shown)


def hpa_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    target = spec.get("scaleTargetRef", {})
    minimum = spec.get("minReplicas")
    return [
        name(obj),
        f"{target.get('kind', '')}/{target.get('name', '')}",
        format_hpa_metrics(spec.get("metrics", []), status.get("currentMetrics") or []),
        "<unset>" if minimum is None else str(minimum),
        spec.get("maxReplicas", 0),
        status.get("currentReplicas", 0),
        clock.age(obj),
    ]


HPA_COLUMNS = [
    NAME,
    column("Reference", description="scaleTargetRef points to the target resource to scale."),
    column(
        "Targets",
        description="metrics contains the specifications for which to use to "
        "calculate the desired replica count.",
    ),
    column("MinPods", description="minReplicas is the lower limit for the number of replicas."),
    column("MaxPods", description="maxReplicas is the upper limit for the number of replicas."),
    column(
        "Replicas",
        description="currentReplicas is current number of replicas of pods "
        "managed by this autoscaler.",
    ),
    AGE,
]


def pdb_row(obj: dict, clock: Clock) -> list[Any]:
    spec = obj.get("spec", {})
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
    return [
        name(obj),
        "N/A" if min_available is None else str(min_available),
        "N/A" if max_unavailable is None else str(max_unavailable),
        obj.get("status", {}).get("disruptionsAllowed", 0),
        clock.age(obj),
    ]


PDB_COLUMNS = [
    NAME,
    column("Min Available", description="The minimum number of pods that must be available."),
    column("Max Unavailable", description="The maximum number of pods that may be unavailable."),
    column(
        "Allowed Disruptions",
        "integer",
        "Calculated number of pods that may be disrupted at this time.",
    ),
    AGE,
]


def controllerrevision_row(obj: dict, clock: Clock) -> list[Any]:
    controller = "<none>"
    for ref in obj.get("metadata", {}).get("ownerReferences", []):
        if ref.get("controller"):
            api_version = ref.get("apiVersion", "")
            group = api_version.split("/")[0] if "/" in api_version else ""
            kind = f"{ref.get('kind', '')}.{group}" if group else ref.get("kind", "")
            controller = f"{kind.lower()}/{ref.get('name', '')}"
            break
    return [name(obj), controller, obj.get("revision", 0), clock.age(obj)]


CONTROLLERREVISION_COLUMNS = [
    NAME,
    column("Controller", description="Controller of the object"),
    column(
        "Revision", description="Revision indicates the revision of the state represented by Data."
    ),
    AGE,
]


PRINTERS = {
    "deployments": Printer(DEPLOYMENT_COLUMNS, deployment_row),
    "replicasets": Printer(REPLICASET_COLUMNS, replicaset_row),
    "daemonsets": Printer(DAEMONSET_COLUMNS, daemonset_row),
    "statefulsets": Printer(STATEFULSET_COLUMNS, statefulset_row),
    "jobs": Printer(JOB_COLUMNS, job_row),
    "cronjobs": Printer(CRONJOB_COLUMNS, cronjob_row),
    "horizontalpodautoscalers": Printer(HPA_COLUMNS, hpa_row),
    "poddisruptionbudgets": Printer(PDB_COLUMNS, pdb_row),
    "controllerrevisions": Printer(CONTROLLERREVISION_COLUMNS, controllerrevision_row),
}
