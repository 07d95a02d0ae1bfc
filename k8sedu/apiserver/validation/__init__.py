"""Semantic validation: the API server's per-kind checks, with the real field-error messages.

Models the ``Validate*`` / ``Validate*Update`` functions the registry strategies of kube-apiserver
v1.34 call (``pkg/apis/*/validation``). ``validate`` returns every error, in the order Go appends
them; the caller raises ``errors.invalid(kind, group, name, errs)``, whose message is the real
``Pod "web" is invalid: spec.containers[0].image: Required value``.
Simplified: only the checks learners can meet are modelled (see each module's docstring), and
validation runs on the defaulted object, as the real server does.

    >>> pod = {"metadata": {"namespace": "default"}, "spec": {}}   # not defaulted, no name
    >>> [str(e) for e in validate("pods", pod)][:2]
    ['metadata.name: Required value: name or generateName is required', \
'spec.terminationGracePeriodSeconds: Required value']
"""

from __future__ import annotations

from k8sedu.errors import FieldError

from ..registry import BY_PLURAL
from .objects import (
    validate_configmap,
    validate_event,
    validate_hpa,
    validate_lease,
    validate_meta_only,
    validate_namespace,
    validate_node,
    validate_pdb,
    validate_priorityclass,
)
from .pods import validate_pod
from .services import validate_service
from .workloads import validate_cronjob, validate_workload

_VALIDATORS = {
    "pods": validate_pod,
    "services": validate_service,
    "namespaces": validate_namespace,
    "nodes": validate_node,
    "configmaps": validate_configmap,
    "events": validate_event,
    "leases": validate_lease,
    "priorityclasses": validate_priorityclass,
    "horizontalpodautoscalers": validate_hpa,
    "poddisruptionbudgets": validate_pdb,
    "cronjobs": validate_cronjob,
}
_WORKLOADS = ("deployments", "replicasets", "daemonsets", "statefulsets", "jobs")


def validate(resource: str, obj: dict, old: dict | None = None) -> list[FieldError]:
    """All the field errors of ``obj``: create validation, or update validation against ``old``.

    Identical messages are reported once, as Go's ``ErrorList.ToAggregate`` does.
    """
    if resource in _WORKLOADS:
        errs = validate_workload(resource, obj, old)
    elif resource in _VALIDATORS:
        errs = _VALIDATORS[resource](obj, old)
    else:
        known = BY_PLURAL.get(resource)
        errs = validate_meta_only(obj, old, known.namespaced if known else True)
    unique: dict[str, FieldError] = {}
    for err in errs:
        unique.setdefault(str(err), err)
    return list(unique.values())
