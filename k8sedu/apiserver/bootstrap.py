"""What kube-apiserver creates for itself when it starts (its post-start hooks).

The system namespaces (``default``, ``kube-system``, ``kube-public``, ``kube-node-lease``), the two
system PriorityClasses, and the ``kubernetes`` Service in ``default`` at the first service IP
(10.96.0.1:443) whose endpoint is the API server itself (``pkg/controlplane/controller``).
Each is created only when missing, so a restarted API server changes nothing.
"""

from __future__ import annotations

from k8sedu.apiserver.admission import SYSTEM_PRIORITY_CLASSES
from k8sedu.errors import AlreadyExists

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
KUBERNETES_SERVICE_IP = "10.96.0.1"
API_PORT = 6443


def bootstrap(client, apiserver_ip: str) -> None:
    """Create the objects every cluster starts with (idempotent)."""
    for ns in SYSTEM_NAMESPACES:
        _ensure(
            client,
            "namespaces",
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
        )
    for name, value in SYSTEM_PRIORITY_CLASSES.items():
        _ensure(
            client,
            "priorityclasses",
            {
                "apiVersion": "scheduling.k8s.io/v1",
                "kind": "PriorityClass",
                "metadata": {"name": name},
                "value": value,
                "description": "Used for system critical pods that must not be moved from their current node."
                if name == "system-node-critical"
                else "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
            },
        )
    _ensure(
        client,
        "services",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "clusterIP": KUBERNETES_SERVICE_IP,
                "ports": [
                    {"name": "https", "port": 443, "protocol": "TCP", "targetPort": API_PORT}
                ],
                "sessionAffinity": "None",
                "type": "ClusterIP",
            },
        },
    )
    _ensure(
        client,
        "endpoints",
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
            },
            "subsets": [
                {
                    "addresses": [{"ip": apiserver_ip}],
                    "ports": [{"name": "https", "port": API_PORT, "protocol": "TCP"}],
                }
            ],
        },
    )
    _ensure(
        client,
        "endpointslices",
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "kubernetes"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": [apiserver_ip], "conditions": {"ready": True}}],
            "ports": [{"name": "https", "port": API_PORT, "protocol": "TCP"}],
        },
    )


def _ensure(client, resource: str, body: dict) -> None:
    try:
        client.create(resource, body)
    except AlreadyExists:
        pass
