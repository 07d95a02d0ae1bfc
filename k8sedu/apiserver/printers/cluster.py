"""Rows of the cluster and configuration objects: Nodes, Namespaces, Leases, PriorityClasses,
ResourceQuotas, ConfigMaps, Secrets, ServiceAccounts, volumes and RBAC bindings.

Models ``printNode`` (with ``findNodeRoles``), ``printNamespace``, ``printLease``,
``printPriorityClass``, ``printResourceQuota``, ``printConfigMap``, ``printSecret``,
``printServiceAccount``, ``printPersistentVolume(Claim)`` and ``printRoleBinding`` in k8s
``pkg/printers/internalversion/printers.go`` (v1.34). Roles, ClusterRoles and LimitRanges have no
printer there; they get the server's default table (see ``__init__``).
"""

from __future__ import annotations

from typing import Any

from k8sedu.apiserver.printers.common import AGE, NAME, Clock, Printer, column, name

NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_ROLE_LABEL = "kubernetes.io/role"


def node_status(node: dict) -> str:
    """``Ready``, ``NotReady`` (also for Unknown), ``Unknown`` without a Ready condition, and
    ``,SchedulingDisabled`` when cordoned."""
    status = []
    for condition in node.get("status", {}).get("conditions", []):
        if condition.get("type") == "Ready":
            status = ["Ready" if condition.get("status") == "True" else "NotReady"]
    if not status:
        status = ["Unknown"]
    if node.get("spec", {}).get("unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def node_roles(node: dict) -> str:
    """``findNodeRoles``: ``node-role.kubernetes.io/<role>`` keys and ``kubernetes.io/role``."""
    roles = set()
    for key, value in node.get("metadata", {}).get("labels", {}).items():
        if key.startswith(NODE_ROLE_PREFIX) and key[len(NODE_ROLE_PREFIX) :]:
            roles.add(key[len(NODE_ROLE_PREFIX) :])
        elif key == NODE_ROLE_LABEL and value:
            roles.add(value)
    return ",".join(sorted(roles)) or "<none>"


def _node_address(node: dict, kind: str) -> str:
    for address in node.get("status", {}).get("addresses", []):
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


def node_row(obj: dict, clock: Clock) -> list[Any]:
    info = obj.get("status", {}).get("nodeInfo", {})
    return [
        name(obj),
        node_status(obj),
        node_roles(obj),
        clock.age(obj),
        info.get("kubeletVersion", ""),
        _node_address(obj, "InternalIP"),
        _node_address(obj, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


NODE_COLUMNS = [
    NAME,
    column("Status", description="The status of the node"),
    column("Roles", description="The roles of the node"),
    AGE,
    column("Version", description="Kubelet Version reported by the node."),
    column("Internal-IP", description="List of addresses reachable to the node.", priority=1),
    column("External-IP", description="List of addresses reachable to the node.", priority=1),
    column(
        "OS-Image",
        description="OS Image reported by the node from /etc/os-release "
        "(e.g. Debian GNU/Linux 7 (wheezy)).",
        priority=1,
    ),
    column(
        "Kernel-Version",
        description="Kernel Version reported by the node from 'uname -r' "
        "(e.g. 3.16.0-0.bpo.4-amd64).",
        priority=1,
    ),
    column(
        "Container-Runtime",
        description="ContainerRuntime Version reported by the node "
        "through runtime remote API (e.g. containerd://1.4.2).",
        priority=1,
    ),
]


def namespace_row(obj: dict, clock: Clock) -> list[Any]:
    return [name(obj), obj.get("status", {}).get("phase", ""), clock.age(obj)]


NAMESPACE_COLUMNS = [NAME, column("Status", description="The status of the namespace"), AGE]


def lease_row(obj: dict, clock: Clock) -> list[Any]:
    return [name(obj), obj.get("spec", {}).get("holderIdentity") or "", clock.age(obj)]


LEASE_COLUMNS = [
    NAME,
    column(
        "Holder",
        description="holderIdentity contains the identity of the holder of a current lease.",
    ),
    AGE,
]


def priorityclass_row(obj: dict, clock: Clock) -> list[Any]:
    return [
        name(obj),
        obj.get("value", 0),
        bool(obj.get("globalDefault", False)),
        clock.age(obj),
        obj.get("preemptionPolicy") or "",
    ]


PRIORITYCLASS_COLUMNS = [
    NAME,
    column("Value", "integer", "value represents the integer value of this priority class."),
    column(
        "Global-Default",
        "boolean",
        "globalDefault specifies whether this PriorityClass "
        "should be considered as the default priority for pods that do not have any priority "
        "class.",
    ),
    AGE,
    column(
        "PreemptionPolicy",
        description="preemptionPolicy is the Policy for preempting pods with lower priority.",
        priority=1,
    ),
]


def resourcequota_row(obj: dict, clock: Clock) -> list[Any]:
    status = obj.get("status", {})
    hard, used = status.get("hard", {}), status.get("used", {})
    requests, limits = [], []
    for resource in sorted(hard):
        # "limits.cpu" goes to the LIMIT column, everything else to REQUEST
        target = limits if resource.split(".")[0] == "limits" and "." in resource else requests
        target.append(f"{resource}: {used.get(resource, '0')}/{hard[resource]}")
    return [name(obj), ", ".join(requests), ", ".join(limits), clock.age(obj)]


RESOURCEQUOTA_COLUMNS = [
    NAME,
    column(
        "Request",
        description="Request represents a minimum amount of cpu/memory that a "
        "container may consume.",
    ),
    column(
        "Limit",
        description="Limits control the maximum amount of cpu/memory that a "
        "container may use independent of contention on the node.",
    ),
    AGE,
]


def configmap_row(obj: dict, clock: Clock) -> list[Any]:
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return [name(obj), count, clock.age(obj)]


CONFIGMAP_COLUMNS = [
    NAME,
    column("Data", description="Data contains the configuration data."),
    AGE,
]


def secret_row(obj: dict, clock: Clock) -> list[Any]:
    return [name(obj), obj.get("type", "Opaque"), len(obj.get("data") or {}), clock.age(obj)]


SECRET_COLUMNS = [
    NAME,
    column("Type", description="Used to facilitate programmatic handling of secret data."),
    column("Data", description="Data contains the secret data."),
    AGE,
]


def serviceaccount_row(obj: dict, clock: Clock) -> list[Any]:
    return [name(obj), len(obj.get("secrets") or []), clock.age(obj)]


SERVICEACCOUNT_COLUMNS = [
    NAME,
    column(
        "Secrets",
        description="Secrets is a list of the secrets in the same namespace that "
        "pods running using this ServiceAccount are allowed to use.",
    ),
    AGE,
]


def access_modes(modes: list[str]) -> str:
    """``GetAccessModesAsString``: short names in a fixed order, duplicates dropped."""
    short = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    return ",".join(abbrev for mode, abbrev in short if mode in modes)


def _storage_class(obj: dict) -> str:
    # the beta annotation still wins over the field, as GetPersistentVolume(Claim)Class does
    annotations = obj.get("metadata", {}).get("annotations", {})
    beta = annotations.get("volume.beta.kubernetes.io/storage-class")
    return beta if beta is not None else obj.get("spec", {}).get("storageClassName", "")


def pvc_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    deleting = obj.get("metadata", {}).get("deletionTimestamp") is not None
    bound = bool(spec.get("volumeName"))
    return [
        name(obj),
        "Terminating" if deleting else status.get("phase", ""),
        spec.get("volumeName", ""),
        status.get("capacity", {}).get("storage", "0") if bound else "",
        access_modes(status.get("accessModes", [])) if bound else "",
        _storage_class(obj),
        spec.get("volumeAttributesClassName") or "<unset>",
        clock.age(obj),
        spec.get("volumeMode") or "<unset>",
    ]


PVC_COLUMNS = [
    NAME,
    column("Status", description="phase represents the current phase of PersistentVolumeClaim."),
    column(
        "Volume",
        description="volumeName is the binding reference to the PersistentVolume "
        "backing this claim.",
    ),
    column(
        "Capacity", description="capacity represents the actual resources of the underlying volume."
    ),
    column(
        "Access Modes",
        description="accessModes contains the actual access modes the volume backing the PVC has.",
    ),
    column("StorageClass", description="StorageClass of the pvc"),
    column("VolumeAttributesClass", description="VolumeAttributesClass of the pvc"),
    AGE,
    column(
        "VolumeMode",
        description="volumeMode defines what type of volume is required by the claim.",
        priority=1,
    ),
]


def pv_row(obj: dict, clock: Clock) -> list[Any]:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    claim = spec.get("claimRef")
    deleting = obj.get("metadata", {}).get("deletionTimestamp") is not None
    return [
        name(obj),
        spec.get("capacity", {}).get("storage", "0"),
        access_modes(spec.get("accessModes", [])),
        spec.get("persistentVolumeReclaimPolicy", ""),
        "Terminating" if deleting else status.get("phase", ""),
        f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else "",
        _storage_class(obj),
        spec.get("volumeAttributesClassName") or "<unset>",
        status.get("reason", ""),
        clock.age(obj),
        spec.get("volumeMode") or "<unset>",
    ]


PV_COLUMNS = [
    NAME,
    column(
        "Capacity",
        description="capacity is the description of the persistent volume's "
        "resources and capacity.",
    ),
    column("Access Modes", description="accessModes contains all ways the volume can be mounted."),
    column(
        "Reclaim Policy",
        description="persistentVolumeReclaimPolicy defines what happens to a "
        "persistent volume when released from its claim.",
    ),
    column(
        "Status",
        description="phase indicates if a volume is available, bound to a claim, or "
        "released by a claim.",
    ),
    column(
        "Claim",
        description="claimRef is part of a bi-directional binding between "
        "PersistentVolume and PersistentVolumeClaim.",
    ),
    column("StorageClass", description="StorageClass of the pv"),
    column("VolumeAttributesClass", description="VolumeAttributesClass of the pv"),
    column(
        "Reason",
        description="reason is a brief CamelCase string that describes any failure "
        "and is meant for machine parsing and tidy display in the CLI.",
    ),
    AGE,
    column(
        "VolumeMode",
        description="volumeMode defines if a volume is intended to be used with "
        "a formatted filesystem or to remain in raw block state.",
        priority=1,
    ),
]


def _subjects(binding: dict) -> list[str]:
    """``rbac.SubjectsStrings``: users, groups and ``namespace/name`` service accounts."""
    users, groups, accounts = [], [], []
    for subject in binding.get("subjects") or []:
        kind, who = subject.get("kind"), subject.get("name", "")
        if kind == "ServiceAccount":
            accounts.append(f"{subject.get('namespace', '')}/{who}")
        elif kind == "User":
            users.append(who)
        elif kind == "Group":
            groups.append(who)
    return [", ".join(users), ", ".join(groups), ", ".join(accounts)]


def binding_row(obj: dict, clock: Clock) -> list[Any]:
    ref = obj.get("roleRef", {})
    return [
        name(obj),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        clock.age(obj),
        *_subjects(obj),
    ]


def _binding_columns(kind: str) -> list[dict]:
    return [
        NAME,
        column(
            "Role", description="RoleRef can only reference a ClusterRole in the global namespace."
        ),
        AGE,
        column("Users", description=f"Users in the {kind}", priority=1),
        column("Groups", description=f"Groups in the {kind}", priority=1),
        column("ServiceAccounts", description=f"ServiceAccounts in the {kind}", priority=1),
    ]


PRINTERS = {
    "nodes": Printer(NODE_COLUMNS, node_row),
    "namespaces": Printer(NAMESPACE_COLUMNS, namespace_row),
    "leases": Printer(LEASE_COLUMNS, lease_row),
    "priorityclasses": Printer(PRIORITYCLASS_COLUMNS, priorityclass_row),
    "resourcequotas": Printer(RESOURCEQUOTA_COLUMNS, resourcequota_row),
    "configmaps": Printer(CONFIGMAP_COLUMNS, configmap_row),
    "secrets": Printer(SECRET_COLUMNS, secret_row),
    "serviceaccounts": Printer(SERVICEACCOUNT_COLUMNS, serviceaccount_row),
    "persistentvolumeclaims": Printer(PVC_COLUMNS, pvc_row),
    "persistentvolumes": Printer(PV_COLUMNS, pv_row),
    "rolebindings": Printer(_binding_columns("roleBinding"), binding_row),
    "clusterrolebindings": Printer(_binding_columns("clusterRoleBinding"), binding_row),
}
