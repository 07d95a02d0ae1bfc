"""The ServiceAccount controller and the root CA publisher furnish every namespace."""

import pytest

from k8sedu.cluster import Cluster
from k8sedu.controllers.serviceaccount import DESCRIPTION


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(nodes=1)
    cluster.api.create(
        "namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}
    )
    cluster.run(1)
    return cluster


def test_every_namespace_gets_a_default_service_account(cluster):
    accounts = [
        (sa["metadata"]["namespace"], sa["metadata"]["name"])
        for sa in cluster.api.list("serviceaccounts")
    ]
    assert accounts == [
        ("default", "default"),
        ("kube-node-lease", "default"),
        ("kube-public", "default"),
        ("kube-system", "default"),
        ("team", "default"),
    ]


def test_every_namespace_gets_the_root_ca_configmap(cluster):
    cm = cluster.api.get("configmaps", "kube-root-ca.crt", namespace="team")
    assert list(cm["data"]) == ["ca.crt"]
    assert cm["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----\n")
    assert cm["data"]["ca.crt"].endswith("-----END CERTIFICATE-----\n")
    assert cm["metadata"]["annotations"] == {"kubernetes.io/description": DESCRIPTION}
    assert DESCRIPTION.startswith(
        "Contains a CA bundle that can be used to verify the kube-apiserver"
    )


@pytest.mark.parametrize(
    ("resource", "name"),
    [
        pytest.param("serviceaccounts", "default", id="default ServiceAccount"),
        pytest.param("configmaps", "kube-root-ca.crt", id="kube-root-ca.crt"),
    ],
)
def test_a_deleted_one_comes_back(cluster, resource, name):
    old_uid = cluster.api.get(resource, name, namespace="team")["metadata"]["uid"]
    cluster.api.delete(resource, name, namespace="team")
    cluster.run(1)
    assert cluster.api.get(resource, name, namespace="team")["metadata"]["uid"] != old_uid


def test_an_edited_root_ca_is_put_back(cluster):
    cm = cluster.api.get("configmaps", "kube-root-ca.crt", namespace="team")
    original = cm["data"]
    cm["data"] = {"ca.crt": "tampered"}
    cluster.api.update("configmaps", cm)
    cluster.run(1)
    assert cluster.api.get("configmaps", "kube-root-ca.crt", namespace="team")["data"] == original
