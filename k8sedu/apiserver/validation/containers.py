"""Container validation: names, images, ports, env, mounts, probes, resources.

Models ``validateContainerCommon``, ``validateContainers``, ``validateInitContainers`` and the
probe, port and resource checks of k8s ``pkg/apis/core/validation/validation.go`` (v1.34).
Simplified: securityContext, envFrom, volumeDevices, resizePolicy and hugepages are not checked;
resource maps are walked in manifest order (Go's map order is random).
"""

from __future__ import annotations

from k8sedu import quantity
from k8sedu.errors import FieldError

from .fields import (
    duplicate,
    each,
    forbidden,
    invalid,
    is_config_map_key,
    is_dns1123_label,
    is_qualified_name,
    is_relaxed_env_var_name,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns_subdomain,
    nonnegative,
    not_found,
    not_supported,
    required,
)

_STANDARD_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
    "persistentvolumeclaims", "configmaps", "storage", "requests.storage", "services.nodeports",
    "services.loadbalancers",
}  # fmt: skip
_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc", "sleep")


def port_num_or_name(port: object, path: str) -> list[FieldError]:
    """``ValidatePortNumOrName``: an IntOrString port (``8080`` or ``http``)."""
    if isinstance(port, str):
        return each(path, port, is_valid_port_name(port))
    return each(path, port, is_valid_port_num(port))


def _ports(ports: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        p = f"{path}[{i}]"
        name = port.get("name") or ""
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += each(f"{p}.name", name, msgs)
            elif name in names:
                errs.append(duplicate(f"{p}.name", name))
            names.add(name)
        if not port.get("containerPort"):
            errs.append(required(f"{p}.containerPort"))
        else:
            errs += each(
                f"{p}.containerPort",
                port["containerPort"],
                is_valid_port_num(port["containerPort"]),
            )
        if port.get("hostPort"):
            errs += each(f"{p}.hostPort", port["hostPort"], is_valid_port_num(port["hostPort"]))
        protocol = port.get("protocol") or ""
        if not protocol:
            errs.append(required(f"{p}.protocol"))
        elif protocol not in ("SCTP", "TCP", "UDP"):
            errs.append(not_supported(f"{p}.protocol", protocol, ["SCTP", "TCP", "UDP"]))
    return errs


def _key_selector(ref: dict, path: str) -> list[FieldError]:
    errs = each(f"{path}.name", ref.get("name", ""), name_is_dns_subdomain(ref.get("name", "")))
    if not ref.get("key"):
        return errs + [required(f"{path}.key")]
    return errs + each(f"{path}.key", ref["key"], is_config_map_key(ref["key"]))


def _env(env: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, var in enumerate(env):
        p = f"{path}[{i}]"
        if not var.get("name"):
            errs.append(required(f"{p}.name"))
        else:
            errs += each(f"{p}.name", var["name"], is_relaxed_env_var_name(var["name"]))
        source = var.get("valueFrom")
        if source is None:
            continue
        for kind in ("configMapKeyRef", "secretKeyRef"):
            if source.get(kind) is not None:
                errs += _key_selector(source[kind], f"{p}.valueFrom.{kind}")
        count = sum(source.get(kind) is not None for kind in _ENV_SOURCES)
        if count == 0:
            detail = "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
            errs.append(invalid(f"{p}.valueFrom", "", detail))
        elif var.get("value"):
            errs.append(
                invalid(f"{p}.valueFrom", "", "may not be specified when `value` is not empty")
            )
        elif count > 1:
            errs.append(
                invalid(
                    f"{p}.valueFrom", "", "may not have more than one field specified at a time"
                )
            )
    return errs


def _volume_mounts(mounts: list, volumes: set[str], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    mount_points: set[str] = set()
    for i, mount in enumerate(mounts):
        p = f"{path}[{i}]"
        name, mount_path = mount.get("name") or "", mount.get("mountPath") or ""
        if not name:
            errs.append(required(f"{p}.name"))
        if name not in volumes:
            errs.append(not_found(f"{p}.name", name))
        if not mount_path:
            errs.append(required(f"{p}.mountPath"))
        if mount_path in mount_points:
            errs.append(invalid(f"{p}.mountPath", mount_path, "must be unique"))
        mount_points.add(mount_path)
    return errs


def _resource_name(name: str, path: str) -> list[FieldError]:
    """``validateContainerResourceName``: cpu, memory, ephemeral-storage, or a qualified name."""
    errs = each(path, name, is_qualified_name(name))
    if errs:
        return errs
    if "/" not in name:
        if name not in _STANDARD_RESOURCES and not name.startswith("hugepages-"):
            errs.append(invalid(path, name, "must be a standard resource type or fully qualified"))
        if name not in _CONTAINER_RESOURCES and not name.startswith("hugepages-"):
            errs.append(invalid(path, name, "must be a standard resource for containers"))
    return errs


def _overcommit_allowed(name: str) -> bool:
    # native resources may be requested below their limit; extended ones (example.com/gpu) may not
    native = "/" not in name or "kubernetes.io/" in name
    return native and not name.startswith("hugepages-")


def parsed(text: object):
    """The quantity's value, or None: a malformed quantity is rejected when the body is decoded,
    before validation."""
    try:
        return quantity.parse(str(text)).value
    except ValueError:
        return None


def shown(text: object) -> str:
    """What Go prints for a quantity (``quantity.String()``: the canonical form)."""
    return quantity.canonical(str(text)) if parsed(text) is not None else str(text)


def validate_resources(resources: dict, path: str) -> list[FieldError]:
    """``ValidateContainerResourceRequirements``: names, non-negative values, requests ≤ limits."""
    errs: list[FieldError] = []
    limits, requests = resources.get("limits") or {}, resources.get("requests") or {}
    for section, values in (("limits", limits), ("requests", requests)):
        for name, value in values.items():
            p = f"{path}.{section}[{name}]"
            errs += _resource_name(name, p)
            number = parsed(value)
            if number is not None and number < 0:
                errs.append(invalid(p, shown(value), "must be greater than or equal to 0"))
            if section == "limits":
                continue
            if name in limits:
                limit, request = parsed(limits[name]), number
                if limit is None or request is None:
                    continue
                if request != limit and not _overcommit_allowed(name):
                    detail = f"must be equal to {name} limit of {shown(limits[name])}"
                    errs.append(invalid(f"{path}.requests", shown(value), detail))
                elif request > limit:
                    detail = f"must be less than or equal to {name} limit of {shown(limits[name])}"
                    errs.append(invalid(f"{path}.requests", shown(value), detail))
            elif not _overcommit_allowed(name):
                errs.append(
                    required(f"{path}.limits", "Limit must be set for non overcommitable resources")
                )
    return errs


def _handler(
    handler: dict, grace: int | None, path: str, kinds: tuple[str, ...]
) -> list[FieldError]:
    """``validateHandler``: exactly one handler type, each checked."""
    errs: list[FieldError] = []
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if action is None:
            continue
        if count:
            errs.append(forbidden(f"{path}.{kind}", "may not specify more than 1 handler type"))
            continue
        count += 1
        p = f"{path}.{kind}"
        if kind == "exec" and not action.get("command"):
            errs.append(required(f"{p}.command"))
        elif kind == "httpGet":
            if not action.get("path"):
                errs.append(required(f"{p}.path"))
            errs += port_num_or_name(action.get("port", 0), f"{p}.port")
            scheme = action.get("scheme", "")
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(not_supported(f"{p}.scheme", scheme, ["HTTP", "HTTPS"]))
        elif kind in ("tcpSocket", "grpc"):
            errs += port_num_or_name(action.get("port", 0), f"{p}.port")
        elif kind == "sleep":
            seconds = action.get("seconds", 0)
            if grace is not None and not 0 <= seconds <= grace:
                detail = (
                    f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                )
                errs.append(invalid(p, seconds, detail))
    if count == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


def _probe(probe: dict | None, grace: int | None, path: str, kind: str) -> list[FieldError]:
    if probe is None:
        return []
    errs = _handler(probe, grace, path, _HANDLERS[:4])
    for name in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        errs += nonnegative(f"{path}.{name}", probe.get(name, 0))
    probe_grace = probe.get("terminationGracePeriodSeconds")
    if probe_grace is not None and probe_grace <= 0:
        errs.append(
            invalid(f"{path}.terminationGracePeriodSeconds", probe_grace, "must be greater than 0")
        )
    if kind == "readinessProbe":
        if probe_grace is not None:
            detail = "must not be set for readinessProbes"
            errs.append(invalid(f"{path}.terminationGracePeriodSeconds", probe_grace, detail))
    elif probe.get("successThreshold", 0) != 1:
        # liveness and startup probes: one success is enough by definition
        errs.append(
            invalid(f"{path}.successThreshold", probe.get("successThreshold", 0), "must be 1")
        )
    return errs


def _probes_and_lifecycle(ctr: dict, grace: int | None, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for hook in ("postStart", "preStop"):
        if (ctr.get("lifecycle") or {}).get(hook) is not None:
            errs += _handler(ctr["lifecycle"][hook], grace, f"{path}.lifecycle.{hook}", _HANDLERS)
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        errs += _probe(ctr.get(kind), grace, f"{path}.{kind}", kind)
    return errs


def _common(ctr: dict, volumes: set[str], path: str) -> list[FieldError]:
    """``validateContainerCommon``."""
    errs: list[FieldError] = []
    if not ctr.get("name"):
        errs.append(required(f"{path}.name"))
    else:
        errs += each(f"{path}.name", ctr["name"], is_dns1123_label(ctr["name"]))
    if not ctr.get("image"):
        errs.append(required(f"{path}.image"))
    policy = ctr.get("terminationMessagePolicy") or ""
    if not policy:
        errs.append(required(f"{path}.terminationMessagePolicy"))
    elif policy not in ("File", "FallbackToLogsOnError"):
        errs.append(
            not_supported(
                f"{path}.terminationMessagePolicy", policy, ["File", "FallbackToLogsOnError"]
            )
        )
    errs += _ports(ctr.get("ports") or [], f"{path}.ports")
    errs += _env(ctr.get("env") or [], f"{path}.env")
    errs += _volume_mounts(ctr.get("volumeMounts") or [], volumes, f"{path}.volumeMounts")
    pull = ctr.get("imagePullPolicy") or ""
    if not pull:
        errs.append(required(f"{path}.imagePullPolicy"))
    elif pull not in ("Always", "IfNotPresent", "Never"):
        errs.append(
            not_supported(f"{path}.imagePullPolicy", pull, ["Always", "IfNotPresent", "Never"])
        )
    return errs + validate_resources(ctr.get("resources") or {}, f"{path}.resources")


def _host_port_conflicts(containers: list, path: str, seen: set[str]) -> list[FieldError]:
    errs: list[FieldError] = []
    for ci, ctr in enumerate(containers):
        for pi, port in enumerate(ctr.get("ports") or []):
            if not port.get("hostPort"):
                continue
            key = f"{port.get('protocol', '')}/{port.get('hostIP', '')}/{port['hostPort']}"
            if key in seen:
                errs.append(duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key))
            seen.add(key)
    return errs


def validate_containers(
    containers: list, volumes: set[str], grace: int | None, path: str
) -> list[FieldError]:
    """``validateContainers``: the regular containers of a pod spec."""
    if not containers:
        return [required(path)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, ctr in enumerate(containers):
        p = f"{path}[{i}]"
        errs += _common(ctr, volumes, p)
        if ctr.get("name", "") in names:
            errs.append(duplicate(f"{p}.name", ctr.get("name", "")))
        names.add(ctr.get("name", ""))
        errs += _probes_and_lifecycle(ctr, grace, p)
        if ctr.get("restartPolicy") is not None:
            errs.append(forbidden(f"{p}.restartPolicy", "may not be set for non-init containers"))
    return errs + _host_port_conflicts(containers, path, set())


def validate_init_containers(
    init: list, regular: list, volumes: set[str], grace: int | None, path: str
) -> list[FieldError]:
    """``validateInitContainers``: sidecars (``restartPolicy: Always``) may have probes."""
    errs: list[FieldError] = []
    names = {c.get("name", "") for c in regular}
    for i, ctr in enumerate(init):
        p = f"{path}[{i}]"
        errs += _common(ctr, volumes, p)
        restart = ctr.get("restartPolicy")
        if restart is not None and restart != "Always":
            errs.append(not_supported(f"{p}.restartPolicy", restart, ["Always"]))
        if ctr.get("name", "") in names:
            errs.append(duplicate(f"{p}.name", ctr.get("name", "")))
        elif ctr.get("name"):
            names.add(ctr["name"])
        errs += _host_port_conflicts([ctr], path, set())
        if restart == "Always":
            errs += _probes_and_lifecycle(ctr, grace, p)
            continue
        for field in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
            if ctr.get(field) is not None:
                detail = "may not be set for init containers without restartPolicy=Always"
                errs.append(forbidden(f"{p}.{field}", detail))
    return errs
