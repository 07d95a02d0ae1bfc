"""Pod validation: the pod spec, pod templates, and what a pod update may change.

Models ``ValidatePodSpec``, ``ValidatePodCreate``, ``ValidatePodUpdate`` and
``ValidatePodTemplateSpec`` of k8s ``pkg/apis/core/validation/validation.go`` (v1.34).
Simplified: affinity, security contexts, host aliases, readiness and scheduling gates are not
checked; volume sources are checked for the common kinds only; the diff appended to the
"pod updates may not change fields" message lists changed top-level fields instead of Go's
go-cmp diff (whose text Go deliberately keeps unstable).
"""

from __future__ import annotations

import json

from k8sedu import objects
from k8sedu.errors import FieldError

from ..defaults import VOLUME_SOURCES
from .containers import validate_containers, validate_init_containers, validate_resources
from .fields import (
    duplicate,
    each,
    forbidden,
    inclusive_range_error,
    invalid,
    is_dns1123_label,
    is_label_value,
    is_qualified_name,
    name_is_dns_subdomain,
    not_supported,
    required,
)
from .meta import (
    validate_annotations,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
)

MAX_INT32 = 2147483647
_VOLUME_REQUIRED = {
    "hostPath": "path", "secret": "secretName", "nfs": "server", "persistentVolumeClaim": "claimName",
    "configMap": "name", "gitRepo": "repository", "csi": "driver",
}  # fmt: skip
UPDATABLE_POD_SPEC_FIELDS = ",".join(
    [
        "`spec.containers[*].image`",
        "`spec.initContainers[*].image`",
        "`spec.activeDeadlineSeconds`",
        "`spec.tolerations` (only additions to existing tolerations)",
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    ]
)


def _volumes(volumes: list, path: str) -> tuple[set[str], list[FieldError]]:
    """``ValidateVolumes``: the names of the good volumes, and the errors of the bad ones."""
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, volume in enumerate(volumes):
        p = f"{path}[{i}]"
        name = volume.get("name") or ""
        errors: list[FieldError] = []
        count = 0
        for kind in VOLUME_SOURCES:
            if volume.get(kind) is None:
                continue
            if count:
                errors.append(forbidden(f"{p}.{kind}", "may not specify more than 1 volume type"))
                continue
            count += 1
            field = _VOLUME_REQUIRED.get(kind)
            if field and not volume[kind].get(field):
                errors.append(required(f"{p}.{kind}.{field}"))
        if count == 0:
            errors.append(required(p, "must specify a volume type"))
        if not name:
            errors.append(required(f"{p}.name"))
        else:
            errors += each(f"{p}.name", name, is_dns1123_label(name))
        if name in names:
            errors.append(duplicate(f"{p}.name", name))
        if errors:
            errs += errors
        else:
            names.add(name)
    return names, errs


def validate_tolerations(tolerations: list, path: str) -> list[FieldError]:
    """``ValidateTolerations``."""
    errs: list[FieldError] = []
    for i, tol in enumerate(tolerations):
        p = f"{path}[{i}]"
        key, operator = tol.get("key") or "", tol.get("operator") or ""
        value, effect = tol.get("value") or "", tol.get("effect") or ""
        if key:
            errs += each(f"{p}.key", key, is_qualified_name(key))
        if not key and operator != "Exists":
            detail = 'operator must be Exists when `key` is empty, which means "match all values and all keys"'
            errs.append(invalid(f"{p}.operator", operator, detail))
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    f"{p}.effect",
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if operator in ("Equal", ""):
            msgs = is_label_value(value)
            if msgs:
                errs.append(invalid(f"{p}.operator", value, ";".join(msgs)))
        elif operator == "Exists":
            if value:
                errs.append(
                    invalid(
                        f"{p}.operator", value, "value must be empty when `operator` is 'Exists'"
                    )
                )
        else:
            errs.append(not_supported(f"{p}.operator", operator, ["Equal", "Exists"]))
        if effect:
            errs += validate_taint_effect(effect, f"{p}.effect")
    return errs


def validate_taint_effect(effect: str, path: str) -> list[FieldError]:
    if effect in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        return []
    return [not_supported(path, effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"])]


def _topology_spread(constraints: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, c in enumerate(constraints):
        p = f"{path}[{i}]"
        if c.get("maxSkew", 0) <= 0:
            errs.append(invalid(f"{p}.maxSkew", c.get("maxSkew", 0), "must be greater than zero"))
        if not c.get("topologyKey"):
            errs.append(required(f"{p}.topologyKey", "can not be empty"))
        when = c.get("whenUnsatisfiable") or ""
        if when not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(
                not_supported(f"{p}.whenUnsatisfiable", when, ["DoNotSchedule", "ScheduleAnyway"])
            )
        for later in constraints[i + 1 :]:
            if (later.get("topologyKey"), later.get("whenUnsatisfiable")) == (
                c.get("topologyKey"),
                when,
            ):
                pair = f"{{{c.get('topologyKey', '')}, {when}}}"
                errs.append(duplicate(f"{p}.{{topologyKey, whenUnsatisfiable}}", pair))
                break
        errs += validate_label_selector(c.get("labelSelector"), f"{p}.labelSelector")
    return errs


def _choice(value: str, path: str, supported: list[str]) -> list[FieldError]:
    if not value:
        return [required(path)]
    return [] if value in supported else [not_supported(path, value, supported)]


def _names(spec: dict, path: str, fields: tuple[str, ...], check) -> list[FieldError]:
    errs: list[FieldError] = []
    for field in fields:
        if spec.get(field):
            errs += each(f"{path}.{field}", spec[field], check(spec[field]))
    return errs


# Pods made from one template share their spec, and every pod update validates the spec again:
# the errors are a pure function of the spec, so they are remembered by its ``repr`` (exact:
# it tells lists from tuples and 1 from 1.0 or True).
_SPEC_ERRORS: dict[tuple[str, str, bool], tuple[FieldError, ...]] = {}


def validate_pod_spec(spec: dict, path: str, is_pod: bool) -> list[FieldError]:
    """``ValidatePodSpec``, in the order Go appends its errors."""
    key = (repr(spec), path, is_pod)
    errs = _SPEC_ERRORS.get(key)
    if errs is None:
        if len(_SPEC_ERRORS) >= 1024:
            _SPEC_ERRORS.clear()
        errs = _SPEC_ERRORS[key] = tuple(_validate_pod_spec(spec, path, is_pod))
    return list(errs)


def _validate_pod_spec(spec: dict, path: str, is_pod: bool) -> list[FieldError]:
    errs: list[FieldError] = []
    grace = spec.get("terminationGracePeriodSeconds")
    if grace is None:
        errs.append(required(f"{path}.terminationGracePeriodSeconds"))
    volumes, volume_errs = _volumes(spec.get("volumes") or [], f"{path}.volumes")
    errs += volume_errs
    containers = spec.get("containers") or []
    errs += validate_containers(containers, volumes, grace, f"{path}.containers")
    init = spec.get("initContainers") or []
    errs += validate_init_containers(init, containers, volumes, grace, f"{path}.initContainers")
    if spec.get("hostNetwork"):
        for i, ctr in enumerate(containers):
            for j, port in enumerate(ctr.get("ports") or []):
                host, container = port.get("hostPort", 0), port.get("containerPort", 0)
                # a template may leave hostPort 0: the pod made from it gets it defaulted
                if (is_pod or host != 0) and host != container:
                    p = f"{path}.containers[{i}].ports[{j}].hostPort"
                    errs.append(
                        invalid(p, host, "must match `containerPort` when `hostNetwork` is true")
                    )
    errs += _choice(
        spec.get("restartPolicy") or "", f"{path}.restartPolicy", ["Always", "OnFailure", "Never"]
    )
    dns_policies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
    errs += _choice(spec.get("dnsPolicy") or "", f"{path}.dnsPolicy", dns_policies)
    errs += validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector")
    if spec.get("dnsPolicy") == "None":
        if spec.get("dnsConfig") is None:
            errs.append(
                required(f"{path}.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None")
            )
        elif not spec["dnsConfig"].get("nameservers"):
            detail = "must provide at least one DNS nameserver when `dnsPolicy` is None"
            errs.append(required(f"{path}.dnsConfig.nameservers", detail))
    errs += _topology_spread(
        spec.get("topologySpreadConstraints") or [], f"{path}.topologySpreadConstraints"
    )
    errs += _names(spec, path, ("serviceAccountName", "nodeName"), name_is_dns_subdomain)
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errs.append(
            invalid(f"{path}.activeDeadlineSeconds", deadline, inclusive_range_error(1, MAX_INT32))
        )
    errs += _names(spec, path, ("hostname", "subdomain"), is_dns1123_label)
    errs += validate_tolerations(spec.get("tolerations") or [], f"{path}.tolerations")
    errs += _names(spec, path, ("priorityClassName",), name_is_dns_subdomain)
    if spec.get("preemptionPolicy") is not None:
        errs += _choice(
            spec["preemptionPolicy"], f"{path}.preemptionPolicy", ["PreemptLowerPriority", "Never"]
        )
    if spec.get("overhead") is not None:
        errs += validate_resources({"limits": spec["overhead"]}, f"{path}.overhead")
    return errs


def validate_pod_template(template: dict, path: str) -> list[FieldError]:
    """``ValidatePodTemplateSpec``: note Go's paths ``spec.template.labels`` (no ``metadata``)."""
    meta = template.get("metadata") or {}
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    spec = template.get("spec") or {}
    errs += validate_pod_spec(spec, f"{path}.spec", is_pod=False)
    if spec.get("ephemeralContainers"):
        errs.append(
            forbidden(
                f"{path}.spec.ephemeralContainers",
                "ephemeral containers not allowed in pod template",
            )
        )
    return errs


def _metadata_and_spec(pod: dict) -> list[FieldError]:
    """``validatePodMetadataAndSpec``."""
    errs = validate_object_meta(pod.get("metadata") or {}, True, name_is_dns_subdomain)
    spec = pod.get("spec") or {}
    errs += validate_pod_spec(spec, "spec", is_pod=True)
    for kind in ("containers", "initContainers"):
        for i, ctr in enumerate(spec.get(kind) or []):
            image = ctr.get("image") or ""
            if image != image.strip():
                errs.append(
                    invalid(
                        f"spec.{kind}[{i}].image",
                        image,
                        "must not have leading or trailing whitespace",
                    )
                )
    return errs


def validate_pod(pod: dict, old: dict | None) -> list[FieldError]:
    if old is not None:
        return validate_pod_update(pod, old)
    errs = _metadata_and_spec(pod)
    spec = pod.get("spec") or {}
    if spec.get("ephemeralContainers"):
        errs.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if spec.get("nodeName") and spec.get("schedulingGates"):
        errs.append(
            forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared")
        )
    return errs


def _container_updates(new: list, old: list, path: str) -> tuple[list[FieldError], bool]:
    if len(new) != len(old):
        return [forbidden(path, "pod updates may not add or remove containers")], True
    errs: list[FieldError] = []
    for i, ctr in enumerate(new):
        image = ctr.get("image") or ""
        if not image:
            errs.append(required(f"{path}[{i}].image"))
        if image != image.strip():
            errs.append(
                invalid(f"{path}[{i}].image", image, "must not have leading or trailing whitespace")
            )
    return errs, False


def _without_seconds(toleration: dict) -> dict:
    return {k: v for k, v in toleration.items() if k != "tolerationSeconds"}


def _only_added_tolerations(new: list, old: list, path: str) -> list[FieldError]:
    for previous in old:
        # an existing toleration may only change its tolerationSeconds
        if not any(_without_seconds(previous) == _without_seconds(t) for t in new):
            return [
                forbidden(
                    path, "existing toleration can not be modified except its tolerationSeconds"
                )
            ]
    return validate_tolerations(new, path)


def validate_pod_update(pod: dict, old: dict) -> list[FieldError]:
    """``ValidatePodUpdate``: only images, activeDeadlineSeconds and new tolerations may change."""
    from .meta import validate_object_meta_update

    errs = validate_object_meta_update(pod.get("metadata") or {}, old.get("metadata") or {})
    errs += _metadata_and_spec(pod)
    new_spec, old_spec = pod.get("spec") or {}, old.get("spec") or {}
    for kind in ("containers", "initContainers"):
        found, stop = _container_updates(
            new_spec.get(kind) or [], old_spec.get(kind) or [], f"spec.{kind}"
        )
        errs += found
        if stop:
            return errs
    deadline, old_deadline = (
        new_spec.get("activeDeadlineSeconds"),
        old_spec.get("activeDeadlineSeconds"),
    )
    if deadline is not None:
        if not 0 <= deadline <= MAX_INT32:
            return errs + [
                invalid("spec.activeDeadlineSeconds", deadline, inclusive_range_error(0, MAX_INT32))
            ]
        if old_deadline is not None and old_deadline < deadline:
            return errs + [
                invalid(
                    "spec.activeDeadlineSeconds",
                    deadline,
                    "must be less than or equal to previous value",
                )
            ]
    elif old_deadline is not None:
        errs.append(
            invalid(
                "spec.activeDeadlineSeconds",
                None,
                "must not update from a positive integer to nil value",
            )
        )
    errs += _only_added_tolerations(
        new_spec.get("tolerations") or [], old_spec.get("tolerations") or [], "spec.tolerations"
    )
    munged = _munge(new_spec, old_spec)
    if munged != old_spec:
        detail = f"pod updates may not change fields other than {UPDATABLE_POD_SPEC_FIELDS}\n{_diff(old_spec, munged)}"
        errs.append(forbidden("spec", detail))
    return errs


def _munge(new: dict, old: dict) -> dict:
    """The new spec with every field a pod update may change set back to the old value."""
    munged = objects.clone(new)
    for kind in ("containers", "initContainers"):
        for ctr, before in zip(munged.get(kind) or [], old.get(kind) or []):
            ctr["image"] = before.get("image")
    for field in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        munged.pop(field, None)
        if field in old:
            munged[field] = old[field]
    old_grace = old.get("terminationGracePeriodSeconds")
    if old_grace is not None and old_grace < 0 and munged.get("terminationGracePeriodSeconds") == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    return munged


def _diff(old: dict, new: dict) -> str:
    lines = ["  v1.PodSpec{"]
    for key in list(old) + [k for k in new if k not in old]:
        if old.get(key) != new.get(key):
            if key in old:
                lines.append(f"- \t{key}: {json.dumps(old[key], sort_keys=True)},")
            if key in new:
                lines.append(f"+ \t{key}: {json.dumps(new[key], sort_keys=True)},")
    return "\n".join(lines + ["  }"])
