"""Two controllers that furnish every namespace: the ``default`` ServiceAccount and the root CA.

``ServiceAccountController`` models ``pkg/controller/serviceaccount/serviceaccounts_controller.go``:
every Active namespace gets a ServiceAccount named ``default``, created again if deleted.
``RootCACertPublisher`` models ``pkg/controller/certificates/rootcacertpublisher/publisher.go``:
every namespace gets the ConfigMap ``kube-root-ca.crt`` whose ``ca.crt`` is the cluster's CA
bundle, so pods can verify the API server; an edited or deleted copy is put back.

Simplified: the CA certificate is fixed, well-formed-looking PEM text, not a real certificate.
"""

from __future__ import annotations

from k8sedu.client.controller import Controller
from k8sedu.errors import AlreadyExists, Forbidden, NotFound

DEFAULT_SERVICE_ACCOUNT = "default"
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
DESCRIPTION_ANNOTATION = "kubernetes.io/description"
DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters."
)
# not a real certificate: a simulated cluster has no cryptography
ROOT_CA_PEM = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDBTCCAe2gAwIBAgIIazhrOHNlZHUwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n"
    "AxMKa3ViZXJuZXRlczAeFw0yNTAxMDEwMDAwMDBaFw0zNDEyMzAwMDAwMDBaMBUx\n"
    "EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n"
    "AoIBAQDK8sedu0simulated0cluster0certificate0authority0k8sedu0AB\n"
    "-----END CERTIFICATE-----\n"
)


def _active(ns: dict | None) -> bool:
    return ns is not None and (ns.get("status") or {}).get("phase") == "Active"


class ServiceAccountController(Controller):
    service_account = "service-account-controller"

    def setup(self) -> None:
        self.handle("serviceaccounts", on_delete=self.service_account_deleted)
        self.handle("namespaces", self.enqueue_name, self.namespace_updated)

    def enqueue_name(self, ns: dict) -> None:
        self.queue.add(ns["metadata"]["name"])

    def namespace_updated(self, old: dict, new: dict) -> None:
        self.queue.add(new["metadata"]["name"])

    def service_account_deleted(self, sa: dict) -> None:
        self.queue.add(sa["metadata"]["namespace"])

    def reconcile(self, key: str) -> None:
        """``syncNamespace``: create the ``default`` ServiceAccount if an Active namespace lacks it."""
        if not _active(self.informer("namespaces").get(key)):
            return
        if self.informer("serviceaccounts").get(f"{key}/{DEFAULT_SERVICE_ACCOUNT}") is not None:
            return
        body = {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": DEFAULT_SERVICE_ACCOUNT},
        }
        try:
            self.client.create("serviceaccounts", body, key)
        except (AlreadyExists, Forbidden, NotFound):
            pass  # already there, or the namespace is terminating or gone


class RootCACertPublisher(Controller):
    service_account = "root-ca-cert-publisher"

    def setup(self) -> None:
        self.handle(
            "configmaps", on_update=self.configmap_updated, on_delete=self.configmap_deleted
        )
        self.handle("namespaces", self.enqueue_name, self.namespace_updated)

    def enqueue_name(self, ns: dict) -> None:
        self.queue.add(ns["metadata"]["name"])

    def namespace_updated(self, old: dict, new: dict) -> None:
        if _active(new):
            self.queue.add(new["metadata"]["name"])

    def configmap_updated(self, old: dict, new: dict) -> None:
        self.configmap_deleted(new)

    def configmap_deleted(self, cm: dict) -> None:
        if cm["metadata"]["name"] == ROOT_CA_CONFIGMAP:
            self.queue.add(cm["metadata"]["namespace"])

    def reconcile(self, key: str) -> None:
        """``syncNamespace``: create the ConfigMap, or put its data and annotation back."""
        cm = self.informer("configmaps").get(f"{key}/{ROOT_CA_CONFIGMAP}")
        data = {"ca.crt": ROOT_CA_PEM}
        if cm is None:
            body = {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": ROOT_CA_CONFIGMAP,
                    "annotations": {DESCRIPTION_ANNOTATION: DESCRIPTION},
                },
                "data": data,
            }
            try:
                self.client.create("configmaps", body, key)
            except (AlreadyExists, Forbidden, NotFound):
                pass  # don't retry if the namespace is gone or terminating
            return
        annotations = cm["metadata"].get("annotations") or {}
        if cm.get("data") == data and annotations.get(DESCRIPTION_ANNOTATION):
            return
        updated = dict(cm, data=data)  # a shallow copy: the cached object stays untouched
        updated["metadata"] = dict(
            cm["metadata"], annotations=dict(annotations, **{DESCRIPTION_ANNOTATION: DESCRIPTION})
        )
        self.client.update("configmaps", updated)
