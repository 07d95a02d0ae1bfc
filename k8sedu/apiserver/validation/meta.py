"""Validation shared by every kind: ObjectMeta, labels, annotations and label selectors.

Models ``k8s.io/apimachinery/pkg/api/validation/objectmeta.go``,
``apimachinery/pkg/apis/meta/v1/validation/validation.go`` and the finalizer rule added by
``pkg/apis/core/validation``. Simplified: managedFields are not validated, and Go's random map
order becomes the manifest's key order.
"""

from __future__ import annotations

from collections.abc import Callable

from k8sedu.errors import FieldError

from .fields import (
    each,
    forbidden,
    invalid,
    is_label_value,
    is_qualified_name,
    name_is_dns_label,
    nonnegative,
    required,
    too_long,
)

NameFn = Callable[[str, bool], list[str]]

_TOTAL_ANNOTATION_SIZE = 256 * (1 << 10)
_STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


def validate_labels(labels: dict | None, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for key, value in (labels or {}).items():
        errs += each(path, key, is_qualified_name(key))
        errs += each(path, value, is_label_value(str(value)))
    return errs


def validate_annotations(annotations: dict | None, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for key in annotations or {}:
        # annotation keys are qualified names, except that case does not matter
        errs += each(path, key, is_qualified_name(key.lower()))
    size = sum(len(k) + len(str(v)) for k, v in (annotations or {}).items())
    if size > _TOTAL_ANNOTATION_SIZE:
        errs.append(too_long(path, _TOTAL_ANNOTATION_SIZE))
    return errs


def _owner_references(refs: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    first_controller = ""
    for ref in refs:
        api_version = ref.get("apiVersion", "")
        if not api_version.split("/")[-1]:
            errs.append(invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
        for name in ("kind", "name", "uid"):
            if not ref.get(name):
                errs.append(invalid(f"{path}.{name}", ref.get(name, ""), "must not be empty"))
        if ref.get("controller"):
            current = f"{ref.get('kind', '')}/{ref.get('name', '')}"
            if first_controller:
                detail = (
                    'Only one reference can have Controller set to true. Found "true" in '
                    f"references for {first_controller} and {current}"
                )
                errs.append(FieldError(path, "Invalid value", "[…]", detail))
            else:
                first_controller = current
    return errs


def _finalizers(finalizers: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for finalizer in finalizers:
        errs += each(path, finalizer, is_qualified_name(finalizer))
    return errs


def _kube_finalizer_names(finalizers: list, path: str) -> list[FieldError]:
    # pkg/apis/core/validation validateKubeFinalizerName: an unqualified name must be a known one
    return [
        invalid(
            f"{path}[{i}]", f, "name is neither a standard finalizer name nor is it fully qualified"
        )
        for i, f in enumerate(finalizers)
        if "/" not in f and f not in _STANDARD_FINALIZERS
    ]


def _common(meta: dict, path: str) -> list[FieldError]:
    errs = nonnegative(f"{path}.generation", meta.get("generation"))
    # every write checks these: skip the absent ones (most objects have few)
    if meta.get("labels"):
        errs += validate_labels(meta["labels"], f"{path}.labels")
    if meta.get("annotations"):
        errs += validate_annotations(meta["annotations"], f"{path}.annotations")
    if meta.get("ownerReferences"):
        errs += _owner_references(meta["ownerReferences"], f"{path}.ownerReferences")
    if meta.get("finalizers"):
        errs += _finalizers(meta["finalizers"], f"{path}.finalizers")
        errs += _kube_finalizer_names(meta["finalizers"], f"{path}.finalizers")
    return errs


def validate_object_meta(
    meta: dict, namespaced: bool, name_fn: NameFn, path: str = "metadata"
) -> list[FieldError]:
    """``ValidateObjectMeta``: name (or generateName), namespace, labels, annotations, owners."""
    errs: list[FieldError] = []
    if meta.get("generateName"):
        errs += each(
            f"{path}.generateName", meta["generateName"], name_fn(meta["generateName"], True)
        )
    name = meta.get("name") or ""
    if not name:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        errs += each(f"{path}.name", name, name_fn(name, False))
    namespace = meta.get("namespace") or ""
    if namespaced:
        if not namespace:
            errs.append(required(f"{path}.namespace"))
        else:
            errs += each(f"{path}.namespace", namespace, name_is_dns_label(namespace, False))
    elif namespace:
        errs.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    return errs + _common(meta, path)


def validate_object_meta_update(new: dict, old: dict, path: str = "metadata") -> list[FieldError]:
    """``ValidateObjectMetaUpdate``: a resourceVersion is required; identity fields are frozen."""
    errs: list[FieldError] = []
    if not new.get("resourceVersion"):
        errs.append(invalid(f"{path}.resourceVersion", "", "must be specified for an update"))
    if (new.get("generation") or 0) < (old.get("generation") or 0):
        errs.append(
            invalid(f"{path}.generation", new.get("generation") or 0, "must not be decremented")
        )
    for name in ("name", "namespace", "uid"):
        errs += validate_immutable(new.get(name) or "", old.get(name) or "", f"{path}.{name}")
    return errs + _common(new, path)


def validate_immutable(new: object, old: object, path: str) -> list[FieldError]:
    """``ValidateImmutableField``: the new value is printed, with ``field is immutable``."""
    return [] if new == old else [invalid(path, new, "field is immutable")]


def validate_label_selector(selector: dict | None, path: str) -> list[FieldError]:
    """``ValidateLabelSelector`` (label values in expressions are checked, as in v1.34)."""
    if selector is None:
        return []
    errs = validate_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for i, expr in enumerate(selector.get("matchExpressions") or []):
        expr_path = f"{path}.matchExpressions[{i}]"
        operator, values = expr.get("operator", ""), expr.get("values") or []
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(
                    required(
                        f"{expr_path}.values",
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    )
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                detail = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                errs.append(forbidden(f"{expr_path}.values", detail))
        else:
            errs.append(invalid(f"{expr_path}.operator", operator, "not a valid selector operator"))
        errs += each(
            f"{expr_path}.key", expr.get("key", ""), is_qualified_name(expr.get("key", ""))
        )
        for j, value in enumerate(values):
            errs += each(f"{expr_path}.values[{j}]", value, is_label_value(value))
    return errs


def selector_matches(selector: dict | None, labels: dict | None) -> bool | None:
    """``LabelSelectorAsSelector(selector).Matches(labels)``; ``None`` if it does not convert.

    A missing selector selects nothing; an empty one (``{}``) selects everything.
    """
    if selector is None:
        return False
    labels = labels or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, operator, values = expr.get("key", ""), expr.get("operator"), expr.get("values") or []
        if operator in ("In", "NotIn") and not values:
            return None
        if operator in ("Exists", "DoesNotExist") and values:
            return None
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }.get(operator)
        if ok is None:
            return None
        if not ok:
            return False
    return True


def selects_everything(selector: dict | None) -> bool:
    """``selector.Empty()`` after conversion: true only for a present but empty selector."""
    return (
        selector is not None
        and not selector.get("matchLabels")
        and not selector.get("matchExpressions")
    )
