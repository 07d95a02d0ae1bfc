"""The ``Volumes:`` section of ``kubectl describe`` (describe.go: ``describeVolumes`` and its
``print…VolumeSource`` helpers).

Simplified: only the volume sources k8sedu pods use are spelled out (emptyDir, hostPath, configMap,
secret, projected, persistentVolumeClaim, downwardAPI); others print ``<unknown>`` as kubectl does
for a source it does not know.
"""

from __future__ import annotations

from k8sedu.kubectl.describe.writer import PrefixWriter, go_bool
from k8sedu.quantity import parse as parse_quantity


def describe_volumes(w: PrefixWriter, volumes: list | None, space: str) -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{' ' if space else ''}{v.get('name', '')}:\n")
        if "hostPath" in v:
            src = v["hostPath"]
            w.write(
                2,
                "Type:\tHostPath (bare host directory volume)\n"
                f"    Path:\t{src.get('path', '')}\n    HostPathType:\t{src.get('type') or '<none>'}\n",
            )
        elif "emptyDir" in v:
            src = v["emptyDir"] or {}
            size = src.get("sizeLimit")
            size = size if size and parse_quantity(size).value > 0 else "<unset>"
            w.write(
                2,
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                f"    Medium:\t{src.get('medium', '')}\n    SizeLimit:\t{size}\n",
            )
        elif "secret" in v:
            src = v["secret"]
            w.write(
                2,
                "Type:\tSecret (a volume populated by a Secret)\n"
                f"    SecretName:\t{src.get('secretName', '')}\n    Optional:\t{go_bool(src.get('optional'))}\n",
            )
        elif "configMap" in v:
            src = v["configMap"]
            w.write(
                2,
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                f"    Name:\t{src.get('name', '')}\n    Optional:\t{go_bool(src.get('optional'))}\n",
            )
        elif "projected" in v:
            _describe_projected(w, v["projected"])
        elif "persistentVolumeClaim" in v:
            src = v["persistentVolumeClaim"]
            w.write(
                2,
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
                f"    ClaimName:\t{src.get('claimName', '')}\n    ReadOnly:\t{go_bool(src.get('readOnly'))}\n",
            )
        elif "downwardAPI" in v:
            w.write(
                2,
                "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
            )
            for item in v["downwardAPI"].get("items") or []:
                ref = item.get("fieldRef") or {}
                if ref:
                    w.write(3, f"{ref.get('fieldPath', '')} -> {item.get('path', '')}\n")
                if item.get("resourceFieldRef"):
                    w.write(
                        3,
                        f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n",
                    )
        else:
            w.write(1, "<unknown>\n")


def _describe_projected(w: PrefixWriter, projected: dict) -> None:
    w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for source in projected.get("sources") or []:
        if "secret" in source:
            src = source["secret"]
            w.write(
                2,
                f"SecretName:\t{src.get('name', '')}\n    Optional:\t{go_bool(src.get('optional'))}\n",
            )
        elif "downwardAPI" in source:
            w.write(2, "DownwardAPI:\ttrue\n")
        elif "configMap" in source:
            src = source["configMap"]
            w.write(
                2,
                f"ConfigMapName:\t{src.get('name', '')}\n    Optional:\t{go_bool(src.get('optional'))}\n",
            )
        elif "serviceAccountToken" in source:
            w.write(
                2,
                f"TokenExpirationSeconds:\t{source['serviceAccountToken'].get('expirationSeconds', 0)}\n",
            )
