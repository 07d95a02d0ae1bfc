"""nslookup, curl and wget in a pod go through cluster DNS and the node's kube-proxy rules."""

import pytest

from k8sedu import Cluster, KubectlError


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(nodes=2)
    cluster.kubectl("create deployment web --image=k8sedu/web:1.0 --replicas=2")
    cluster.kubectl("expose deployment web --port=80 --target-port=8080")
    cluster.kubectl("create deployment idle --image=k8sedu/web:1.0 --replicas=0")
    cluster.kubectl("expose deployment idle --port=80 --target-port=8080")
    cluster.run(30)
    return cluster


def exec_in(cluster, command: str) -> str:
    client = cluster.api.list("pods", label_selector="app=web")[0]["metadata"]["name"]
    return cluster.kubectl(f"exec {client} -- {command}")


def web_pods(cluster) -> set[str]:
    return {
        p["metadata"]["name"] + "\n" for p in cluster.api.list("pods", label_selector="app=web")
    }


@pytest.mark.parametrize(
    "command",
    ["curl -s http://web", "curl web.default.svc.cluster.local:80/", "wget -qO- http://web/"],
    ids=["short-name", "fqdn-and-port", "wget"],
)
def test_a_service_name_reaches_one_of_its_pods(cluster, command):
    assert exec_in(cluster, command) in web_pods(cluster)


def test_nslookup_prints_the_cluster_ip_from_kube_dns(cluster):
    ip = cluster.api.get("services", "web")["spec"]["clusterIP"]
    assert exec_in(cluster, "nslookup web") == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
        f"Name:\tweb.default.svc.cluster.local\nAddress: {ip}\n"
    )


def test_nslookup_of_an_unknown_name_is_nxdomain(cluster):
    with pytest.raises(KubectlError) as error:
        exec_in(cluster, "nslookup nope")
    assert error.value.exit_code == 1
    assert "** server can't find nope.default.svc.cluster.local: NXDOMAIN" in error.value.stdout


@pytest.mark.parametrize(
    ("command", "message", "code"),
    [
        ("curl -s http://nope", "curl: (6) Could not resolve host: nope", 6),
        (  # kube-proxy REJECTs a Service without endpoints
            "curl -s http://idle",
            "curl: (7) Failed to connect to idle port 80 after 0 ms: Couldn't connect to server",
            7,
        ),
        (  # no rule for that port: the packet to the cluster IP goes nowhere
            "curl -s http://web:81",
            "curl: (28) Failed to connect to web port 81 after 130000 ms: "
            "Couldn't connect to server",
            28,
        ),
        ("wget -qO- http://nope", "wget: bad address 'nope'", 1),
        ("wget -qO- http://idle", "wget: can't connect to remote host: Connection refused", 1),
    ],
    ids=["unknown-name", "no-endpoints", "unknown-port", "wget-unknown", "wget-refused"],
)
def test_failures_print_what_curl_and_wget_print(cluster, command, message, code):
    with pytest.raises(KubectlError) as error:
        exec_in(cluster, command)
    assert str(error.value).startswith(message)
    assert error.value.exit_code == code
