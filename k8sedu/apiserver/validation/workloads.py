"""Workload validation: Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs and CronJobs.

Models k8s ``pkg/apis/apps/validation/validation.go``, ``pkg/apis/batch/validation/validation.go``
and the selector-immutability rule of ``pkg/registry/apps/*/strategy.go`` (v1.34).
Simplified: Job pod-failure and success policies, indexed-job limits and the full StatefulSet
update rules are not checked; a Job template change prints ``core.PodTemplateSpec{…}`` where Go
prints the whole struct.
"""

from __future__ import annotations

from k8sedu.errors import FieldError

from .fields import (
    forbidden,
    go_pointer,
    go_selector,
    int_or_string,
    invalid,
    invalid_go,
    is_valid_percent,
    name_is_dns_subdomain,
    nonnegative,
    not_supported,
    not_supported_go,
    required,
)
from .meta import (
    selector_matches,
    selects_everything,
    validate_label_selector,
    validate_object_meta,
    validate_object_meta_update,
)
from .pods import validate_pod_template

_MISMATCH = "`selector` does not match template `labels`"


def _template_labels(template: dict) -> dict | None:
    return (template.get("metadata") or {}).get("labels")


def _selector(spec: dict, kind: str) -> list[FieldError]:
    """The selector checks shared by Deployment, ReplicaSet and StatefulSet."""
    selector = spec.get("selector")
    if selector is None:
        return [required("spec.selector")]
    errs = validate_label_selector(selector, "spec.selector")
    if selects_everything(selector):
        errs.append(
            invalid_go(
                "spec.selector", go_selector(selector), f"empty selector is invalid for {kind}"
            )
        )
    return errs


def _template_for_replicas(spec: dict, kind: str) -> list[FieldError]:
    """``ValidatePodTemplateSpecForReplicaSet``: labels match the selector; restartPolicy Always."""
    template = spec.get("template") or {}
    selector = spec.get("selector")
    matches = selector_matches(selector, _template_labels(template))
    if matches is None:
        return [invalid_go("spec.selector", go_selector(selector), "invalid label selector")]
    errs: list[FieldError] = []
    if not selects_everything(selector) and not matches:
        errs.append(invalid("spec.template.metadata.labels", _template_labels(template), _MISMATCH))
    errs += validate_pod_template(template, "spec.template")
    pod_spec = template.get("spec") or {}
    restart = pod_spec.get("restartPolicy") or ""
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        detail = f"activeDeadlineSeconds in {kind} is not Supported"
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds", detail))
    return errs


def _percent(value: object) -> int | None:
    if isinstance(value, str) and not is_valid_percent(value):
        return int(value[:-1])
    return None


def _int_or_percent_value(value: object) -> int:
    percent = _percent(value)
    if percent is not None:
        return percent
    return value if isinstance(value, int) else 0


def _positive_int_or_percent(value: object, path: str) -> list[FieldError]:
    """``ValidatePositiveIntOrPercent``; the IntOrString prints unquoted through ``String()``."""
    if isinstance(value, str):
        return [invalid_go(path, int_or_string(value), msg) for msg in is_valid_percent(value)]
    return nonnegative(path, value)


def _not_more_than_100_percent(value: object, path: str) -> list[FieldError]:
    percent = _percent(value)
    if percent is None or percent <= 100:
        return []
    return [invalid_go(path, int_or_string(value), "must not be greater than 100%")]


def _deployment_strategy(strategy: dict) -> list[FieldError]:
    kind, rolling = strategy.get("type", ""), strategy.get("rollingUpdate")
    path = "spec.strategy"
    if kind == "Recreate":
        if rolling is not None:
            return [
                forbidden(
                    f"{path}.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                )
            ]
        return []
    if kind != "RollingUpdate":
        text = (
            f'apps.DeploymentStrategy{{Type:"{kind}", '
            f"RollingUpdate:{go_pointer('apps.RollingUpdateDeployment', rolling)}}}"
        )
        return [not_supported_go(path, text, ["Recreate", "RollingUpdate"])]
    if rolling is None:
        return [required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")]
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    p = f"{path}.rollingUpdate"
    errs = _positive_int_or_percent(unavailable, f"{p}.maxUnavailable")
    errs += _positive_int_or_percent(surge, f"{p}.maxSurge")
    if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
        # neither extra pods nor missing pods allowed: a rollout could never make progress
        errs.append(
            invalid_go(
                f"{p}.maxUnavailable",
                int_or_string(unavailable),
                "may not be 0 when `maxSurge` is 0",
            )
        )
    return errs + _not_more_than_100_percent(unavailable, f"{p}.maxUnavailable")


def _deployment_spec(spec: dict) -> list[FieldError]:
    """``ValidateDeploymentSpec``."""
    errs = nonnegative("spec.replicas", spec.get("replicas", 0))
    errs += _selector(spec, "deployment")
    errs += _template_for_replicas(spec, "ReplicaSet")
    errs += _deployment_strategy(spec.get("strategy") or {})
    errs += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0))
    errs += nonnegative("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"))
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs += nonnegative("spec.progressDeadlineSeconds", deadline)
        if deadline <= spec.get("minReadySeconds", 0):
            errs.append(
                invalid(
                    "spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"
                )
            )
    return errs


def _replicaset_spec(spec: dict) -> list[FieldError]:
    """``ValidateReplicaSetSpec`` (its empty-selector message says "deployment", as in Go)."""
    errs = nonnegative("spec.replicas", spec.get("replicas", 0))
    errs += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0))
    errs += _selector(spec, "deployment")
    return errs + _template_for_replicas(spec, "ReplicaSet")


def _daemonset_strategy(strategy: dict) -> list[FieldError]:
    kind, rolling = strategy.get("type", ""), strategy.get("rollingUpdate")
    path = "spec.updateStrategy"
    if kind == "OnDelete":
        return []
    if kind != "RollingUpdate":
        text = (
            f'apps.DaemonSetUpdateStrategy{{Type:"{kind}", '
            f"RollingUpdate:{go_pointer('apps.RollingUpdateDaemonSet', rolling)}}}"
        )
        return [not_supported_go(path, text, ["RollingUpdate", "OnDelete"])]
    if rolling is None:
        return [required(f"{path}.rollingUpdate")]
    p = f"{path}.rollingUpdate"
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    errs = _positive_int_or_percent(unavailable, f"{p}.maxUnavailable")
    errs += _positive_int_or_percent(surge, f"{p}.maxSurge")
    errs += _not_more_than_100_percent(unavailable, f"{p}.maxUnavailable")
    errs += _not_more_than_100_percent(surge, f"{p}.maxSurge")
    has_unavailable, has_surge = (
        _int_or_percent_value(unavailable) != 0,
        _int_or_percent_value(surge) != 0,
    )
    if has_unavailable and has_surge:
        errs.append(
            invalid_go(
                f"{p}.maxSurge",
                int_or_string(surge),
                "may not be set when maxUnavailable is non-zero",
            )
        )
    elif not has_unavailable and not has_surge:
        errs.append(required(f"{p}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
    return errs


def _daemonset_spec(spec: dict) -> list[FieldError]:
    """``ValidateDaemonSetSpec``."""
    selector, template = spec.get("selector"), spec.get("template") or {}
    errs = validate_label_selector(selector, "spec.selector")
    if selector_matches(selector, _template_labels(template)) is False:
        errs.append(invalid("spec.template.metadata.labels", _template_labels(template), _MISMATCH))
    if selects_everything(selector):
        errs.append(
            invalid_go(
                "spec.selector", go_selector(selector), "empty selector is invalid for daemonset"
            )
        )
    errs += validate_pod_template(template, "spec.template")
    pod_spec = template.get("spec") or {}
    restart = pod_spec.get("restartPolicy") or ""
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        detail = "activeDeadlineSeconds in DaemonSet is not Supported"
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds", detail))
    errs += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0))
    errs += _daemonset_strategy(spec.get("updateStrategy") or {})
    return errs + nonnegative("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"))


def _statefulset_spec(spec: dict) -> list[FieldError]:
    policy = spec.get("podManagementPolicy") or ""
    errs: list[FieldError] = []
    if not policy:
        errs.append(required("spec.podManagementPolicy"))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(
            invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'")
        )
    errs += nonnegative("spec.replicas", spec.get("replicas", 0))
    errs += _selector(spec, "statefulset")
    return errs + _template_for_replicas(spec, "StatefulSet")


def _job_spec(spec: dict, path: str = "spec") -> list[FieldError]:
    """``ValidateJobSpec``: counts, the template, restartPolicy OnFailure or Never, the selector."""
    errs: list[FieldError] = []
    for field in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ):
        errs += nonnegative(f"{path}.{field}", spec.get(field))
    mode = spec.get("completionMode")
    if mode is not None and mode not in ("NonIndexed", "Indexed"):
        errs.append(not_supported(f"{path}.completionMode", mode, ["NonIndexed", "Indexed"]))
    if mode == "Indexed" and spec.get("completions") is None:
        errs.append(required(f"{path}.completions", "when completion mode is Indexed"))
    template = spec.get("template") or {}
    errs += validate_pod_template(template, f"{path}.template")
    restart = (template.get("spec") or {}).get("restartPolicy") or ""
    restart_path = f"{path}.template.spec.restartPolicy"
    if restart in ("Always", ""):
        # a Job's pods must finish, and "Always" is what PodSpec defaulting fills in
        errs.append(required(restart_path, 'valid values: "OnFailure", "Never"'))
    elif restart not in ("OnFailure", "Never"):
        errs.append(not_supported(restart_path, restart, ["OnFailure", "Never"]))
    selector = spec.get("selector")
    if selector is None:
        errs.append(required(f"{path}.selector"))
    else:
        errs += validate_label_selector(selector, f"{path}.selector")
    if selector_matches(selector, _template_labels(template)) is False:
        errs.append(
            invalid(f"{path}.template.metadata.labels", _template_labels(template), _MISMATCH)
        )
    return errs


def _job_update(spec: dict, old: dict) -> list[FieldError]:
    errs: list[FieldError] = []
    if spec.get("selector") != old.get("selector"):
        errs.append(
            invalid_go("spec.selector", go_selector(spec.get("selector")), "field is immutable")
        )
    if spec.get("completions") != old.get("completions"):
        errs.append(invalid("spec.completions", spec.get("completions"), "field is immutable"))
    if spec.get("template") != old.get("template"):
        errs.append(invalid_go("spec.template", "core.PodTemplateSpec{…}", "field is immutable"))
    return errs


_SPECS = {
    "deployments": _deployment_spec,
    "replicasets": _replicaset_spec,
    "daemonsets": _daemonset_spec,
    "statefulsets": _statefulset_spec,
    "jobs": _job_spec,
}


def validate_workload(resource: str, obj: dict, old: dict | None) -> list[FieldError]:
    """Deployments, ReplicaSets, DaemonSets, StatefulSets and Jobs: create, or update with ``old``."""
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    if old is None:
        errs = validate_object_meta(meta, True, name_is_dns_subdomain)
        return errs + _SPECS[resource](spec)
    old_spec = old.get("spec") or {}
    errs = validate_object_meta_update(meta, old.get("metadata") or {})
    if resource == "jobs":
        # the Job strategy runs ValidateJob (create checks) before ValidateJobUpdate
        errs = (
            validate_object_meta(meta, True, name_is_dns_subdomain) + _SPECS[resource](spec) + errs
        )
        return errs + _job_update(spec, old_spec)
    errs += _SPECS[resource](spec)
    if spec.get("selector") != old_spec.get("selector"):
        # apps/v1 strategies: changing the selector would orphan everything already selected
        errs.append(
            invalid_go("spec.selector", go_selector(spec.get("selector")), "field is immutable")
        )
    return errs


def validate_cronjob(obj: dict, old: dict | None) -> list[FieldError]:
    """``ValidateCronJob``: a name of at most 52 characters (the Job name adds 11), a schedule."""
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    errs = (
        validate_object_meta(meta, True, name_is_dns_subdomain)
        if old is None
        else validate_object_meta_update(meta, old.get("metadata") or {})
    )
    if len(meta.get("name") or "") > 52:
        errs.append(invalid("metadata.name", meta["name"], "must be no more than 52 characters"))
    if not spec.get("schedule"):
        errs.append(required("spec.schedule"))
    policy = spec.get("concurrencyPolicy") or ""
    if policy not in ("Allow", "Forbid", "Replace"):
        errs.append(not_supported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]))
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    job_template = job_spec.get("template") or {}
    errs += validate_pod_template(job_template, "spec.jobTemplate.spec.template")
    restart = (job_template.get("spec") or {}).get("restartPolicy") or ""
    if restart not in ("OnFailure", "Never"):
        restart_path = "spec.jobTemplate.spec.template.spec.restartPolicy"
        errs.append(required(restart_path, 'valid values: "OnFailure", "Never"'))
    return errs
