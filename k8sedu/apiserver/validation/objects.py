"""Validation of the smaller kinds: Namespaces, Nodes, ConfigMaps, Events, Leases,
PriorityClasses, HorizontalPodAutoscalers and PodDisruptionBudgets.

Models k8s ``pkg/apis/core/validation/{validation,events}.go``,
``pkg/apis/coordination/validation``, ``pkg/apis/scheduling/validation``,
``pkg/apis/autoscaling/validation`` and ``pkg/apis/policy/validation`` (v1.34).
Simplified: HPA metrics and behavior, node addresses and pod CIDRs, and the Event fields of the
``events.k8s.io`` form are not checked.
"""

from __future__ import annotations

from k8sedu.errors import FieldError

from .containers import parsed, shown
from .fields import (
    duplicate_go,
    each,
    forbidden,
    go_pointer,
    int_or_string,
    invalid,
    invalid_go,
    is_config_map_key,
    is_dns1123_subdomain,
    is_label_value,
    is_qualified_name,
    is_valid_path_segment_name,
    is_valid_percent,
    name_is_dns_label,
    name_is_dns_subdomain,
    not_supported,
    required,
    too_long,
)
from .meta import (
    validate_immutable,
    validate_label_selector,
    validate_object_meta,
    validate_object_meta_update,
)
from .pods import validate_taint_effect

HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": 2_000_001_000,
    "system-cluster-critical": 2_000_000_000,
}
MAX_CONFIG_MAP_SIZE = 1024 * 1024


def _meta(
    obj: dict, old: dict | None, namespaced: bool, name_fn=name_is_dns_subdomain
) -> list[FieldError]:
    meta = obj.get("metadata") or {}
    if old is None:
        return validate_object_meta(meta, namespaced, name_fn)
    return validate_object_meta_update(meta, old.get("metadata") or {})


def validate_meta_only(obj: dict, old: dict | None, namespaced: bool) -> list[FieldError]:
    """Kinds whose only checks are the ObjectMeta ones (ServiceAccounts, Secrets' names …)."""
    return _meta(obj, old, namespaced)


def validate_namespace(obj: dict, old: dict | None) -> list[FieldError]:
    errs = _meta(obj, old, False, name_is_dns_label)
    if old is not None:
        return errs
    for finalizer in (obj.get("spec") or {}).get("finalizers") or []:
        # Go reports these at "spec.finalizers", without the index
        errs += each("spec.finalizers", finalizer, is_qualified_name(finalizer))
        if "/" not in finalizer and finalizer != "kubernetes":
            detail = "name is neither a standard finalizer name nor is it fully qualified"
            errs.append(invalid("spec.finalizers", finalizer, detail))
    return errs


def _taints(taints: list) -> list[FieldError]:
    """``validateNodeTaints``; Go reports them under ``metadata.taints`` (sic)."""
    errs: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(taints):
        p = f"metadata.taints[{i}]"
        key, value, effect = taint.get("key", ""), taint.get("value", ""), taint.get("effect", "")
        errs += each(f"{p}.key", key, is_qualified_name(key))
        msgs = is_label_value(value)
        if msgs:
            errs.append(invalid(f"{p}.value", value, ";".join(msgs)))
        errs += (
            [required(f"{p}.effect")]
            if not effect
            else validate_taint_effect(effect, f"{p}.effect")
        )
        if (effect, key) in seen:
            text = f'core.Taint{{Key:"{key}", Value:"{value}", Effect:"{effect}", TimeAdded:<nil>}}'
            errs.append(duplicate_go(p, text, "taints must be unique by key and effect pair"))
            continue
        seen.add((effect, key))
    return errs


def validate_node(obj: dict, old: dict | None) -> list[FieldError]:
    errs = _meta(obj, old, False)
    status = obj.get("status") or {}
    if old is None:
        errs += _taints((obj.get("spec") or {}).get("taints") or [])
    for section in ("capacity", "allocatable"):
        for name, value in (status.get(section) or {}).items():
            number = parsed(value)
            if number is not None and number < 0:
                detail = "must be greater than or equal to 0"
                errs.append(invalid(f"status.{section}.{name}", shown(value), detail))
    if old is not None:
        old_spec, spec = old.get("spec") or {}, obj.get("spec") or {}
        if old_spec.get("podCIDRs") and old_spec.get("podCIDRs") != spec.get("podCIDRs"):
            detail = 'node updates may not change podCIDR except from "" to valid'
            errs.append(forbidden("spec.podCIDRs", detail))
        errs += _taints(spec.get("taints") or [])
    return errs


def validate_configmap(obj: dict, old: dict | None) -> list[FieldError]:
    errs = _meta(obj, old, True)
    if old is not None and old.get("immutable"):
        if not obj.get("immutable"):
            errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
        for field in ("data", "binaryData"):
            if obj.get(field) != old.get(field):
                errs.append(forbidden(field, "field is immutable when `immutable` is set"))
    if old is not None:
        errs += _meta(obj, None, True)
    data, binary = obj.get("data") or {}, obj.get("binaryData") or {}
    for key in data:
        errs += each(f"data[{key}]", key, is_config_map_key(key))
        if key in binary:
            errs.append(invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
    for key in binary:
        errs += each(f"binaryData[{key}]", key, is_config_map_key(key))
    size = sum(len(str(v)) for v in data.values()) + sum(len(str(v)) for v in binary.values())
    if size > MAX_CONFIG_MAP_SIZE:
        errs.append(too_long("", MAX_CONFIG_MAP_SIZE))
    return errs


def validate_event(obj: dict, old: dict | None) -> list[FieldError]:
    """``legacyValidateEvent`` (the core/v1 form the EventRecorder writes)."""
    namespace = (obj.get("metadata") or {}).get("namespace") or ""
    involved = (obj.get("involvedObject") or {}).get("namespace") or ""
    errs: list[FieldError] = []
    if involved:
        mismatch = namespace != involved
    else:
        mismatch = namespace not in ("", "default")
    if mismatch:
        errs.append(invalid("involvedObject.namespace", involved, "does not match event.namespace"))
    return errs + each("namespace", namespace, is_dns1123_subdomain(namespace))


def validate_lease(obj: dict, old: dict | None) -> list[FieldError]:
    errs = _meta(obj, old, True)
    spec = obj.get("spec") or {}
    if spec.get("leaseDurationSeconds") is not None and spec["leaseDurationSeconds"] <= 0:
        errs.append(
            invalid(
                "spec.leaseDurationSeconds", spec["leaseDurationSeconds"], "must be greater than 0"
            )
        )
    if spec.get("leaseTransitions") is not None and spec["leaseTransitions"] < 0:
        detail = "must be greater than or equal to 0"
        errs.append(invalid("spec.leaseTransitions", spec["leaseTransitions"], detail))
    return errs


def validate_priorityclass(obj: dict, old: dict | None) -> list[FieldError]:
    if old is not None:
        errs = _meta(obj, old, False)
        if obj.get("value") != old.get("value"):
            errs.append(forbidden("value", "may not be changed in an update."))
        return errs + validate_immutable(
            obj.get("preemptionPolicy"), old.get("preemptionPolicy"), "preemptionPolicy"
        )
    errs = _meta(obj, None, False)
    name, value = (obj.get("metadata") or {}).get("name") or "", obj.get("value", 0)
    if name.startswith("system-"):
        known = SYSTEM_PRIORITY_CLASSES.get(name)
        if known is None:
            problem = f"{name} is not a known system priority class"
        elif known != value:
            problem = f"value of {name} PriorityClass must be {known}"
        elif obj.get("globalDefault"):
            problem = f"globalDefault of {name} PriorityClass must be false"
        else:
            problem = ""
        if problem:
            detail = f"priority class names with 'system-' prefix are reserved for system use only. error: {problem}"
            errs.append(forbidden("metadata.name", detail))
    elif value > HIGHEST_USER_DEFINABLE_PRIORITY:
        detail = (
            f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"
        )
        errs.append(forbidden("value", detail))
    policy = obj.get("preemptionPolicy")
    if policy is not None and policy not in ("PreemptLowerPriority", "Never"):
        errs.append(not_supported("preemptionPolicy", policy, ["PreemptLowerPriority", "Never"]))
    return errs


def validate_hpa(obj: dict, old: dict | None) -> list[FieldError]:
    errs = _meta(obj, old, True)
    spec = obj.get("spec") or {}
    minimum, maximum = spec.get("minReplicas"), spec.get("maxReplicas", 0)
    if minimum is not None and minimum < 1:
        # 1 unless the HPAScaleToZero alpha feature is on
        errs.append(invalid("spec.minReplicas", minimum, "must be greater than or equal to 1"))
    if maximum < 1:
        errs.append(invalid("spec.maxReplicas", maximum, "must be greater than 0"))
    if minimum is not None and maximum < minimum:
        errs.append(
            invalid("spec.maxReplicas", maximum, "must be greater than or equal to `minReplicas`")
        )
    ref = spec.get("scaleTargetRef") or {}
    for field in ("kind", "name"):
        if not ref.get(field):
            errs.append(required(f"spec.scaleTargetRef.{field}"))
        else:
            errs += each(
                f"spec.scaleTargetRef.{field}", ref[field], is_valid_path_segment_name(ref[field])
            )
    return errs


def _pdb_value(value: object, path: str) -> list[FieldError]:
    if isinstance(value, str):
        errs = [invalid_go(path, int_or_string(value), msg) for msg in is_valid_percent(value)]
        if not errs and int(value[:-1]) > 100:
            errs.append(invalid_go(path, int_or_string(value), "must not be greater than 100%"))
        return errs
    if value < 0:
        return [invalid(path, value, "must be greater than or equal to 0")]
    return []


def validate_pdb(obj: dict, old: dict | None) -> list[FieldError]:
    errs = _meta(obj, old, True)
    spec = obj.get("spec") or {}
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
    if min_available is not None and max_unavailable is not None:
        text = (
            f"policy.PodDisruptionBudgetSpec{{MinAvailable:{go_pointer('intstr.IntOrString', min_available)}, "
            f"Selector:{go_pointer('v1.LabelSelector', spec.get('selector'))}, "
            f"MaxUnavailable:{go_pointer('intstr.IntOrString', max_unavailable)}, "
            f"UnhealthyPodEvictionPolicy:{go_pointer('policy.UnhealthyPodEvictionPolicyType', spec.get('unhealthyPodEvictionPolicy'))}}}"
        )
        errs.append(invalid_go("spec", text, "minAvailable and maxUnavailable cannot be both set"))
    if min_available is not None:
        errs += _pdb_value(min_available, "spec.minAvailable")
    if max_unavailable is not None:
        errs += _pdb_value(max_unavailable, "spec.maxUnavailable")
    errs += validate_label_selector(spec.get("selector"), "spec.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in ("AlwaysAllow", "IfHealthyBudget"):
        errs.append(
            not_supported(
                "spec.unhealthyPodEvictionPolicy", policy, ["AlwaysAllow", "IfHealthyBudget"]
            )
        )
    return errs
