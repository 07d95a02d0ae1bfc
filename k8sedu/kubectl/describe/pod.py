"""``kubectl describe pod`` and the pod template that workloads describe (describe.go:
``describePod``, ``describeContainers``, ``describeVolumes``, ``DescribeProbe``, ``DescribePodTemplate``;
QoS from ``kubectl/pkg/util/qos``).

"""

from __future__ import annotations

import math
import re

from k8sedu.kubectl.describe.volumes import describe_volumes
from k8sedu.kubectl.describe.writer import (
    PrefixWriter,
    describe_events,
    go_bool,
    print_annotations,
    print_labels,
    print_tolerations,
    rfc1123z,
    since,
)
from k8sedu.objects import controller_of
from k8sedu.quantity import parse as parse_quantity

_FIELD_REF = re.compile(r"^metadata\.(labels|annotations)\['(.*)'\]$")


def describe_pod(pod: dict, events: list[dict] | None, now: float) -> str:
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    node = spec.get("nodeName", "")
    w.write(0, f"Node:\t{node + '/' + status.get('hostIP', '') if node else '<none>'}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    print_labels(w, "Labels", meta.get("labels"))
    print_annotations(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    if not status.get("podIPs"):
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in status["podIPs"]:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    owner = controller_of(pod)
    if owner:
        w.write(0, f"Controlled By:\t{owner.get('kind', '')}/{owner.get('name', '')}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        describe_containers(
            w, "Init Containers", spec["initContainers"], pod, "initContainerStatuses"
        )
    describe_containers(w, "Containers", spec.get("containers") or [], pod, "containerStatuses")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \n")
    describe_volumes(w, spec.get("volumes"), "")
    w.write(0, f"QoS Class:\t{status.get('qosClass') or pod_qos(pod)}\n")
    print_labels(w, "Node-Selectors", spec.get("nodeSelector"))
    print_tolerations(w, "Tolerations", spec.get("tolerations"))
    if events is not None:
        describe_events(w, events, now)
    return w.text()


def pod_qos(pod: dict) -> str:
    """``ComputePodQOS``: Guaranteed, Burstable or BestEffort from cpu and memory only."""
    spec = pod.get("spec") or {}
    requests: dict = {}
    limits: dict = {}
    guaranteed = True
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        resources = container.get("resources") or {}
        for name, text in (resources.get("requests") or {}).items():
            if name in ("cpu", "memory") and parse_quantity(text).value > 0:
                requests[name] = requests.get(name, 0) + parse_quantity(text).value
        found = set()
        for name, text in (resources.get("limits") or {}).items():
            if name in ("cpu", "memory") and parse_quantity(text).value > 0:
                found.add(name)
                limits[name] = limits.get(name, 0) + parse_quantity(text).value
        if found != {"cpu", "memory"}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if (
        guaranteed
        and all(limits.get(k) == v for k, v in requests.items())
        and len(requests) == len(limits)
    ):
        return "Guaranteed"
    return "Burstable"


def describe_containers(
    w: PrefixWriter,
    label: str,
    containers: list,
    pod: dict | None,
    statuses_key: str = "",
    space: str = "",
) -> None:
    """``describeContainers``; ``pod`` is None for a pod template (no statuses, no env values)."""
    statuses = {s.get("name"): s for s in ((pod or {}).get("status") or {}).get(statuses_key) or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for c in containers:
        status = statuses.get(c.get("name"))
        w.write(1, f"{' ' if space else ''}{c.get('name', '')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = c.get("ports") or []
        container_ports = _ports(ports, "containerPort")
        host_ports = _ports(ports, "hostPort")
        w.write(
            2, f"{'Ports' if ',' in container_ports else 'Port'}:\t{container_ports or '<none>'}\n"
        )
        w.write(
            2, f"{'Host Ports' if ',' in host_ports else 'Host Port'}:\t{host_ports or '<none>'}\n"
        )
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for line in (part for item in c[key] for part in item.split("\n")):
                    w.write(3, f"{line}\n")
        if status is not None:
            _describe_state(w, "State", status.get("state") or {})
            if (status.get("lastState") or {}).get("terminated"):
                _describe_state(w, "Last State", status["lastState"])
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        describe_resources(w, c.get("resources") or {}, 2)
        for title, key in (
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ):
            if c.get(key):
                w.write(2, f"{title}:\t{describe_probe(c[key])}\n")
        if c.get("envFrom"):
            _describe_env_from(w, c["envFrom"])
        _describe_env(w, c, pod)
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")


def _ports(ports: list, key: str) -> str:
    out = []
    for p in ports:
        text = f"{p.get(key, 0)}/{p.get('protocol', '')}"
        out.append(f"{text} ({p['name']})" if p.get("name") else text)
    return ", ".join(out)


def _describe_state(w: PrefixWriter, title: str, state: dict) -> None:
    if "running" in state:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif "terminated" in state:
        t = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal", 0) > 0:
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")
        reason = (state.get("waiting") or {}).get("reason")
        if reason:
            w.write(3, f"Reason:\t{reason}\n")


def describe_resources(w: PrefixWriter, resources: dict, level: int) -> None:
    for title in ("Limits", "Requests"):
        values = resources.get(title.lower()) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{values[name]}\n")


def describe_probe(probe: dict) -> str:
    """``DescribeProbe``: ``http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3``."""
    attrs = (
        f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 0)}s "
        f"period={probe.get('periodSeconds', 0)}s #success={probe.get('successThreshold', 0)} "
        f"#failure={probe.get('failureThreshold', 0)}"
    )
    if "exec" in probe:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if "httpGet" in probe:
        get = probe["httpGet"]
        host, port = get.get("host", ""), str(get.get("port", ""))
        host = f"[{host}]" if ":" in host else host
        netloc = f"{host}:{port}" if port else host
        path = get.get("path", "")
        if path and not path.startswith("/") and netloc:  # url.URL.String adds the slash
            path = "/" + path
        return f"http-get {get.get('scheme', 'HTTP').lower()}://{netloc}{path} {attrs}"
    if "tcpSocket" in probe:
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host', '')}:{sock.get('port', '')} {attrs}"
    if "grpc" in probe:
        return (
            f"grpc <pod>:{probe['grpc'].get('port', 0)} {probe['grpc'].get('service', '')} {attrs}"
        )
    return f"unknown {attrs}"


def _describe_env_from(w: PrefixWriter, env_from: list) -> None:
    w.write(2, "Environment Variables from:\n")
    for e in env_from:
        kind, ref = (
            ("ConfigMap", e["configMapRef"])
            if "configMapRef" in e
            else ("Secret", e.get("secretRef") or {})
        )
        optional = go_bool(ref.get("optional"))
        source = f"{kind} with prefix '{e['prefix']}'" if e.get("prefix") else kind
        w.write(3, f"{ref.get('name', '')}\t{source}\tOptional: {optional}\n")


def _describe_env(w: PrefixWriter, container: dict, pod: dict | None) -> None:
    env = container.get("env") or []
    w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
    for e in env:
        source = e.get("valueFrom")
        if source is None:
            for i, line in enumerate((e.get("value") or "").split("\n")):
                w.write(3, f"{e.get('name', '')}:\t{line}\n" if i == 0 else f"\t{line}\n")
        elif "fieldRef" in source:
            ref = source["fieldRef"]
            value = _field_value(pod, ref.get("fieldPath", "")) if pod else ""
            w.write(
                3,
                f"{e['name']}:\t{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n",
            )
        elif "resourceFieldRef" in source:
            ref = source["resourceFieldRef"]
            value = _resource_value(ref, container)
            if value == "0" and ref.get("resource") in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(3, f"{e['name']}:\t{value} ({ref.get('resource', '')})\n")
        elif "secretKeyRef" in source or "configMapKeyRef" in source:
            secret = "secretKeyRef" in source
            ref = source["secretKeyRef" if secret else "configMapKeyRef"]
            where = (
                f"in secret '{ref.get('name', '')}'"
                if secret
                else f"of config map '{ref.get('name', '')}'"
            )
            w.write(
                3,
                f"{e['name']}:\t<set to the key '{ref.get('key', '')}' {where}>\tOptional: {go_bool(ref.get('optional'))}\n",
            )


def _field_value(pod: dict, path: str) -> str:
    """``fieldpath.ExtractFieldPathAsString`` for the downward-API fields."""
    match = _FIELD_REF.match(path)
    if match:
        return (pod["metadata"].get(match.group(1)) or {}).get(match.group(2), "")
    section, _, name = path.partition(".")
    return str((pod.get(section) or {}).get(name, ""))


def _resource_value(ref: dict, container: dict) -> str:
    """``ExtractContainerResourceValue``: the request or limit over the divisor, rounded up."""
    kind, _, name = ref.get("resource", "").partition(".")
    amount = parse_quantity(
        ((container.get("resources") or {}).get(kind) or {}).get(name, "0")
    ).value
    divisor = parse_quantity(ref.get("divisor") or "1").value
    return str(math.ceil(amount / divisor))


def describe_pod_template(w: PrefixWriter, template: dict | None) -> None:
    """``DescribePodTemplate``, as Deployments and ReplicaSets show it."""
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    print_labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        print_annotations(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, space="  ")
    describe_containers(w, "Containers", spec.get("containers") or [], None, space="  ")
    describe_volumes(w, spec.get("volumes"), "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    print_labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations(w, "  Tolerations", spec.get("tolerations"))
