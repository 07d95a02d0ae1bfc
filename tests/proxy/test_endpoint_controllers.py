"""The Endpoints and EndpointSlice controllers (pkg/controller/endpoint, .../endpointslice)."""

import pytest


def endpoints(cluster, name="web"):
    return cluster.api.get("endpoints", name)


def slices(cluster, name="web"):
    return cluster.api.list("endpointslices", label_selector=f"kubernetes.io/service-name={name}")


def test_ready_and_not_ready_pods_go_to_addresses_and_not_ready_addresses(cluster, make):
    make.service(target="http")  # a named targetPort, resolved from the container's ports
    make.pod("web-0", "node-1", "10.244.1.5")
    make.pod("web-1", "node-2", "10.244.2.7", ready=False)
    cluster.run(1)
    (subset,) = endpoints(cluster)["subsets"]
    assert [a["ip"] for a in subset["addresses"]] == ["10.244.1.5"]
    assert [a["ip"] for a in subset["notReadyAddresses"]] == ["10.244.2.7"]
    assert subset["ports"] == [{"port": 8080, "protocol": "TCP"}]
    assert subset["addresses"][0]["targetRef"]["name"] == "web-0"
    assert subset["addresses"][0]["nodeName"] == "node-1"


def test_publish_not_ready_addresses_lists_every_pod_as_ready(cluster, make):
    make.service(publishNotReadyAddresses=True)
    make.pod("web-0", "node-1", "10.244.1.5", ready=False)
    cluster.run(1)
    assert [a["ip"] for a in endpoints(cluster)["subsets"][0]["addresses"]] == ["10.244.1.5"]
    (eps,) = slices(cluster)
    assert eps["endpoints"][0]["conditions"] == {
        "ready": True,
        "serving": False,
        "terminating": False,
    }


def test_terminating_pods_leave_endpoints_but_stay_in_slices(cluster, make):
    make.service()
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    cluster.api.delete("pods", "web-0")  # no kubelet: it stays Terminating
    cluster.run(1)
    assert "subsets" not in endpoints(cluster)
    (eps,) = slices(cluster)
    assert eps["endpoints"][0]["conditions"] == {
        "ready": False,
        "serving": True,
        "terminating": True,
    }


@pytest.mark.parametrize(
    "spec",
    [{"type": "ExternalName", "externalName": "example.com", "selector": None}, {"selector": None}],
    ids=["external-name", "no-selector"],
)
def test_services_without_selector_get_nothing(cluster, make, spec):
    make.service(**spec)
    cluster.run(1)
    assert slices(cluster) == []
    assert [e["metadata"]["name"] for e in cluster.api.list("endpoints")] == ["kubernetes"]


def test_slice_shape_labels_owner_and_ports(cluster, make):
    svc = make.service()
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    (eps,) = slices(cluster)
    meta = eps["metadata"]
    assert meta["name"].startswith("web-") and len(meta["name"]) == len("web-") + 5
    assert meta["labels"] == {
        "kubernetes.io/service-name": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    }
    assert meta["ownerReferences"][0]["uid"] == svc["metadata"]["uid"]
    assert eps["addressType"] == "IPv4"
    assert eps["ports"] == [{"name": "", "port": 8080, "protocol": "TCP"}]


def test_a_service_without_pods_has_one_placeholder_slice(cluster, make):
    make.service()
    cluster.run(1)
    (eps,) = slices(cluster)
    assert eps["endpoints"] == [] and "ports" not in eps
    assert "<unset>" in cluster.kubectl("get endpointslices")


def test_slices_hold_at_most_100_endpoints(cluster, make):
    make.service()
    for i in range(101):
        make.pod(f"web-{i}", "node-1", f"10.244.1.{i + 2}")
    cluster.run(1)
    assert sorted(len(s["endpoints"]) for s in slices(cluster)) == [1, 100]


def test_deleting_the_service_deletes_its_endpoints(cluster, make):
    make.service()
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    cluster.api.delete("services", "web")
    cluster.run(1)
    assert [e["metadata"]["name"] for e in cluster.api.list("endpoints")] == ["kubernetes"]
    assert slices(cluster) == []
