"""``kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=10``: create an HPA for it.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/autoscale/autoscale.go`` (v1.34): an
``autoscaling/v2`` HorizontalPodAutoscaler named after the target (or ``--name``) with a CPU
target from ``--cpu-percent`` (deprecated: a warning on stderr), ``--cpu`` (``70%`` utilization,
``500m`` or a bare ``500`` millicores average value) and ``--memory`` (``60%``, ``200Mi`` or a
bare ``200`` MiB). Without any, the API server defaults the metric to 80 % CPU.
Simplified: no ``-f``, ``--dry-run`` or fallback to ``autoscaling/v1``.
"""

from __future__ import annotations

from k8sedu import quantity
from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands import _common
from k8sedu.kubectl.commands._common import Invocation
from k8sedu.kubectl.parser import Command, Flag

DEPRECATED = (
    "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity "
    "format (e.g., '70%' for utilization or '500m' for milliCPU)."
)
DEFAULT_UNITS = {"cpu": "m", "memory": "Mi"}


def resource_target(text: str, resource: str) -> dict:
    """``parseResourceInput``: ``70%`` → utilization, ``500m`` / ``500`` → average value.

    >>> resource_target("70%", "cpu")
    {'type': 'Utilization', 'averageUtilization': 70}
    >>> resource_target("200", "memory")
    {'type': 'AverageValue', 'averageValue': '200Mi'}
    """
    text = text.strip()
    if not text:
        raise KubectlError("error: empty input")
    if text.endswith("%"):
        number = text[:-1]
        if not number.isdigit() or int(number) >= 2**31:
            raise KubectlError(f"error: invalid percentage value: {number}")
        return {"type": "Utilization", "averageUtilization": int(number)}
    try:
        value = float(text)
    except ValueError:
        try:
            amount = quantity.canonical(text)
        except ValueError:
            raise KubectlError(f"error: invalid resource {resource} value: {text}") from None
    else:
        amount = quantity.canonical(f"{value:g}{DEFAULT_UNITS[resource]}")
    return {"type": "AverageValue", "averageValue": amount}


def hpa_for(res, name: str, flags: dict) -> dict:
    """The HorizontalPodAutoscaler ``createHorizontalPodAutoscalerV2`` builds."""
    spec: dict = {
        "scaleTargetRef": {"apiVersion": res.api_version, "kind": res.kind, "name": name},
        "maxReplicas": flags["max"],
    }
    if flags["min"] > 0:
        spec["minReplicas"] = flags["min"]
    targets = []
    if flags["cpu-percent"] > 0:
        targets.append(("cpu", {"type": "Utilization", "averageUtilization": flags["cpu-percent"]}))
    if flags["cpu"]:
        targets.append(("cpu", resource_target(flags["cpu"], "cpu")))
    if flags["memory"]:
        targets.append(("memory", resource_target(flags["memory"], "memory")))
    if targets:
        spec["metrics"] = [
            {"type": "Resource", "resource": {"name": resource, "target": target}}
            for resource, target in targets
        ]
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": flags["name"] or name},
        "spec": spec,
    }


def validate(flags: dict) -> None:
    if flags["max"] < 1:
        raise KubectlError(
            f"error: --max=MAXPODS is required and must be at least 1, max: {flags['max']}"
        )
    if flags["max"] < flags["min"]:
        raise KubectlError(
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, "
            f"max: {flags['max']}, min: {flags['min']}"
        )
    if flags["cpu-percent"] > 0 and flags["cpu"]:
        raise KubectlError("error: --cpu-percent and --cpu are mutually exclusive")
    for resource in ("cpu", "memory"):
        if flags[resource]:
            resource_target(flags[resource], resource)


def run(inv: Invocation) -> None:
    if "cpu-percent" in inv.changed:
        inv.err(DEPRECATED)
    validate(inv.flags)
    targets = _common.parse_targets(inv.args)
    if not targets:
        raise KubectlError("error: You must provide one or more resources by argument or filename.")
    for res, name in targets:
        if name is None:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
        inv.api.get(res.plural, name, inv.namespace if res.namespaced else "default")
        if "scale" not in res.subresources:
            group_version = f"{res.group}/{res.version}" if res.group else f"/{res.version}"
            raise KubectlError(
                f"error: cannot autoscale a {res.kind}: could not find scale subresource for "
                f"{group_version}, Resource={res.plural} in discovery information"
            )
        created = inv.api.create(
            "horizontalpodautoscalers", hpa_for(res, name, inv.flags), inv.namespace
        )
        hpa = _common.resource_type("horizontalpodautoscalers")
        inv.out(_common.object_line(hpa, created["metadata"]["name"], "autoscaled"))


COMMANDS = (
    Command(
        "autoscale",
        run,
        short="Auto-scale a deployment, replica set, stateful set, or replication controller",
        usage="autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS "
        "[--cpu=CPU] [--memory=MEMORY]",
        flags=(
            Flag("min", kind="int", default=-1, help="The lower limit for the number of pods."),
            Flag("max", kind="int", default=-1, help="The upper limit for the number of pods."),
            Flag("cpu-percent", kind="int", default=-1, help="Deprecated: use --cpu."),
            Flag("cpu", kind="string", help="Target CPU: 70% utilization or 500m average value."),
            Flag("memory", kind="string", help="Target memory: 60% or 200Mi average value."),
            Flag("name", kind="string", help="The name for the newly created object."),
        ),
        required=("max",),
    ),
)
