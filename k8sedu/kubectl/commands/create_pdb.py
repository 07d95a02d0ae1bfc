"""``kubectl create poddisruptionbudget|pdb NAME --selector=app=web --min-available=1``.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/create/create_pdb.go``: a ``policy/v1``
PodDisruptionBudget whose selector is ``metav1.ParseToLabelSelector`` of ``--selector``
(``k=v`` → ``matchLabels``, ``in``/``notin``/``k``/``!k`` → ``matchExpressions``) and whose
budget is either ``--min-available`` or ``--max-unavailable``, a number or a percentage
(``intstr.Parse``: ``1`` is an integer, ``50%`` a string). The disruption controller fills in
the status; ``kubectl drain`` and evictions respect the budget.
"""

from __future__ import annotations

import re

from k8sedu import labels
from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _create
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag

_BUDGET = re.compile(r"[0-9]+%?")  # 10, 30%, but not 10Gb
# labels.Requirement operators → LabelSelectorRequirement operators
_EXPRESSIONS = {
    labels.IN: "In",
    labels.NOT_IN: "NotIn",
    labels.EXISTS: "Exists",
    labels.DOES_NOT_EXIST: "DoesNotExist",
}


def label_selector(text: str) -> dict:
    """``metav1.ParseToLabelSelector``.

    >>> label_selector("app=web,tier in (db)")
    {'matchLabels': {'app': 'web'}, 'matchExpressions': [{'key': 'tier', 'operator': 'In', 'values': ['db']}]}
    """
    try:
        requirements = labels.parse_selector(text).requirements
    except ValueError as error:
        raise KubectlError(
            f'error: couldn\'t parse the selector string "{text}": {error}'
        ) from None
    selector: dict = {"matchLabels": {}, "matchExpressions": []}
    for r in requirements:
        if r.operator in (labels.EQUALS, labels.DOUBLE_EQUALS):
            selector["matchLabels"][r.key] = r.values[0]
        elif r.operator in (labels.GREATER_THAN, labels.LESS_THAN):
            raise KubectlError(f'error: "{r.operator}" isn\'t supported in label selectors')
        elif r.operator not in _EXPRESSIONS:
            raise KubectlError(f'error: "{r.operator}" is not a valid label selector operator')
        else:
            expression = {"key": r.key, "operator": _EXPRESSIONS[r.operator]}
            if r.values:
                expression["values"] = sorted(r.values)  # sets.List
            selector["matchExpressions"].append(expression)
    # empty map and slice are omitted (omitempty)
    return {key: value for key, value in selector.items() if value}


def _budget(text: str) -> int | str:
    """``intstr.Parse``: an integer when it is one, else the text."""
    return int(text) if text.isdigit() else text


def validate(name: str, selector: str, min_available: str, max_unavailable: str) -> None:
    """``PodDisruptionBudgetOpts.Validate``, in its order."""
    if not name:
        raise KubectlError("error: name must be specified")
    if not selector:
        raise KubectlError("error: a selector must be specified")
    if not max_unavailable and not min_available:
        raise KubectlError("error: one of min-available or max-unavailable must be specified")
    if max_unavailable and min_available:
        raise KubectlError("error: min-available and max-unavailable cannot be both specified")
    if min_available and not _BUDGET.fullmatch(min_available):
        raise KubectlError("error: invalid format specified for min-available")
    if max_unavailable and not _BUDGET.fullmatch(max_unavailable):
        raise KubectlError("error: invalid format specified for max-unavailable")


def run(inv: Invocation) -> None:
    name = _create.name_from_args(inv)
    _create.check_flags(inv)
    minimum, maximum = inv.flags["min-available"], inv.flags["max-unavailable"]
    validate(name, inv.flags["selector"], minimum, maximum)
    spec: dict = {"selector": label_selector(inv.flags["selector"])}
    if minimum:
        spec["minAvailable"] = _budget(minimum)
    else:
        spec["maxUnavailable"] = _budget(maximum)
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _create.metadata(inv, name),
        "spec": spec,
        # PodDisruptionBudgetStatus: four int32 fields without omitempty
        "status": {
            "currentHealthy": 0,
            "desiredHealthy": 0,
            "disruptionsAllowed": 0,
            "expectedPods": 0,
        },
    }
    _create.create(inv, "poddisruptionbudgets", pdb, "failed to create poddisruptionbudgets")


COMMANDS = (
    Command(
        "create poddisruptionbudget",
        run,
        short="Create a pod disruption budget with the specified name.",
        usage="create poddisruptionbudget NAME --selector=SELECTOR --min-available=N "
        "[--dry-run=server|client|none]",
        flags=(
            *_create.FLAGS,
            Flag(
                "min-available",
                kind="string",
                help="The minimum number or percentage of available pods this budget requires.",
            ),
            Flag(
                "max-unavailable",
                kind="string",
                help="The maximum number or percentage of unavailable pods this budget requires.",
            ),
            Flag(
                "selector",
                kind="string",
                help="A label selector to use for this budget. Only equality-based selector "
                "requirements are supported.",
            ),
        ),
        aliases=("pdb",),
    ),
)
