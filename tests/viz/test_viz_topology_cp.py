"""The control plane in the topology picture: three machines, etcd roles, Lease holders, the
load balancer and its backends."""

import pytest

import k8sedu as k
from k8sedu.viz import topology
from tests.viz.test_viz_topology import collections, members

MACHINES = ["control-plane", "control-plane2", "control-plane3"]


@pytest.fixture(scope="module")
def ha():
    cluster = k.Cluster(nodes=1, control_planes=3)
    cluster.run(10)
    return cluster


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def test_each_machine_draws_its_four_components(ha):
    fig = topology(ha)
    running = members(fig, "processes:running")
    for machine in MACHINES:
        for comp in ("etcd", "kube-apiserver", "kube-scheduler", "kube-controller-manager"):
            assert f"{machine}/{comp}" in running
    assert members(fig, "control-plane") == set(MACHINES)
    assert members(fig, "nodes:") == {"node-1"}  # control-plane2 and 3 are not drawn as workers


def test_roles_name_the_etcd_leader_its_followers_and_the_lease_holders(ha):
    words = texts(topology(ha))
    roles = [m["role"] for m in ha.etcd.members()]
    assert roles == ["leader", "follower", "follower"]  # the first member wins the first election
    assert words.count("follower") == 2
    # one etcd leader, one kube-scheduler and one kube-controller-manager Lease holder
    assert words.count("leader") == 3


def test_the_load_balancer_lines_are_dashed_to_an_unready_api_server():
    cluster = k.Cluster(nodes=0, control_planes=3)
    cluster.run(5)
    cluster.fail_node("control-plane2")
    cluster.run(5)
    fig = topology(cluster)
    found = collections(fig)
    assert members(fig, "load-balancer") == {"kind-external-load-balancer:6443"}
    assert "kind-external-load-balancer:6443 · 2/3 ready" in texts(fig)
    assert len(found["backends:ready"].get_segments()) == 2
    assert len(found["backends:not-ready"].get_segments()) == 1
    assert members(fig, "control-plane:off") == {"control-plane2"}
    assert "down" in texts(fig)
    assert "control-plane2/etcd" in members(fig, "processes:stopped")


def test_a_single_control_plane_has_no_load_balancer():
    cluster = k.Cluster(nodes=1)
    fig = topology(cluster)
    assert "load-balancer" not in collections(fig)
    assert {"etcd", "kube-apiserver", "kube-scheduler"} <= members(fig, "processes:running")
