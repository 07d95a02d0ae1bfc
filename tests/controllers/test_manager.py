"""kube-controller-manager: registration, replace, stop/start, identities, snapshots."""

import pytest

from k8sedu.client.controller import Controller
from k8sedu.cluster import Cluster
from k8sedu.controllers.serviceaccount import ServiceAccountController


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(nodes=1)


def namespace(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def service_accounts(cluster: Cluster, ns: str) -> list[str]:
    return [sa["metadata"]["name"] for sa in cluster.api.list("serviceaccounts", namespace=ns)]


class QuietServiceAccounts(ServiceAccountController):
    """A learner's replacement that never creates anything."""

    def reconcile(self, key: str) -> None:
        pass


def test_runs_its_controllers_in_a_fixed_order(cluster):
    manager = cluster.controller_manager
    assert manager.name == "kube-controller-manager"
    assert manager.controllers[:4] == [
        "serviceaccount",
        "root-ca-cert-publisher",
        "namespace",
        "garbagecollector",
    ]
    assert all(manager.controller(name).running for name in manager.controllers)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        pytest.param("garbagecollector", "garbagecollector", id="short"),
        pytest.param("garbage-collector-controller", "garbagecollector", id="canonical"),
        pytest.param(
            "root-ca-certificate-publisher-controller",
            "root-ca-cert-publisher",
            id="canonical root-ca",
        ),
        pytest.param("namespace-controller", "namespace", id="canonical namespace"),
    ],
)
def test_accepts_short_and_canonical_names(cluster, name, short):
    assert cluster.component(
        f"kube-controller-manager/{name}"
    ) is cluster.controller_manager.controller(short)


def test_an_unknown_controller_is_a_key_error(cluster):
    with pytest.raises(KeyError, match="no controller 'replicaset-typo'"):
        cluster.controller_manager.replace("replicaset-typo", QuietServiceAccounts)


def test_replace_swaps_in_a_learners_controller(cluster):
    old = cluster.controller_manager.controller("serviceaccount")
    new = cluster.controller_manager.replace("serviceaccount", QuietServiceAccounts)
    assert isinstance(new, Controller) and new.running and not old.running
    assert cluster.controller_manager.controller("serviceaccount-controller") is new
    cluster.api.create("namespaces", namespace("team"))
    cluster.run(1)
    assert service_accounts(cluster, "team") == []


def test_identities_informers_as_the_manager_writes_as_the_controller(cluster):
    cluster.api.create("namespaces", namespace("team"))
    cluster.run(1)
    creates = cluster.trace.filter(
        component="kube-controller-manager", verb="create", resource="serviceaccounts"
    )
    [create] = [r for r in creates if r.key == "team/default"]
    assert create.detail["user"] == "system:serviceaccount:kube-system:service-account-controller"
    lists = cluster.trace.filter(
        component="kube-controller-manager", verb="list", resource="namespaces"
    )
    assert {r.detail["user"] for r in lists} == {"system:kube-controller-manager"}


def test_stopped_manager_does_nothing_and_catches_up_when_started(cluster):
    cluster.run(1)
    cluster.stop("kube-controller-manager")
    assert not any(
        cluster.controller_manager.controller(n).running
        for n in cluster.controller_manager.controllers
    )
    assert cluster.controller_manager.informers is None  # its memory is gone
    cluster.api.create("namespaces", namespace("team"))
    cluster.run(60)
    assert service_accounts(cluster, "team") == []
    cluster.start("kube-controller-manager")
    # a stopped manager does not release its Lease: the new process takes it once it has seen
    # it unchanged for 15 s, then catches up
    cluster.run_until(lambda c: c.controller_manager.leading, timeout=30)
    cluster.run(1)
    assert service_accounts(cluster, "team") == ["default"]


def test_one_stopped_controller_stays_off_across_a_manager_restart(cluster):
    cluster.stop("kube-controller-manager/serviceaccount")
    cluster.stop("kube-controller-manager")
    cluster.start("kube-controller-manager")
    cluster.run_until(lambda c: c.controller_manager.leading, timeout=30)  # its old Lease expires
    cluster.api.create("namespaces", namespace("team"))
    cluster.run(1)
    assert service_accounts(cluster, "team") == []
    assert [cm["metadata"]["name"] for cm in cluster.api.list("configmaps", namespace="team")] == [
        "kube-root-ca.crt"
    ]
    cluster.start("kube-controller-manager/serviceaccount")
    cluster.run(1)
    assert service_accounts(cluster, "team") == ["default"]


def test_snapshot_and_restore_replay_the_same_history(cluster):
    cluster.run(1)
    snap = cluster.snapshot()
    restored = Cluster.restore(snap)
    for c in (cluster, restored):
        c.api.create("namespaces", namespace("team"))
        c.run(2)
        c.api.delete("namespaces", "team")
        c.run(10)
    assert cluster.trace.since(1) == restored.trace.since(1)
    assert service_accounts(restored, "kube-public") == ["default"]
    assert [ns["metadata"]["name"] for ns in restored.api.list("namespaces")] == [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
    ]
