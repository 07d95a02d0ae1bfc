from types import SimpleNamespace

import pytest

from k8sedu.viz import kube_proxy_rules
from k8sedu.viz.proxy import graph, parse

# from kubernetes pkg/proxy/iptables/proxier_test.go (v1.34), a Service with two endpoints
TWO = """*nat
:KUBE-SERVICES - [0:0]
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment ns4/svc4:p80 -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment ns4/svc4:p80 -j KUBE-SEP-C6EBXVWJJZMIWKLZ
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
COMMIT
"""


def three(n: int = 3) -> str:
    """n endpoints: rule i of n has probability 1/(n-i) (REFERENCE §6), the last none."""
    lines = [
        '-A KUBE-SERVICES -m comment --comment "ns/web cluster IP" -d 10.96.0.9 --dport 80'
        " -j KUBE-SVC-WEB"
    ]
    for i in range(n):
        prob = f" -m statistic --mode random --probability {1 / (n - i):0.10f}" if i < n - 1 else ""
        lines.append(f"-A KUBE-SVC-WEB -m comment --comment ns/web{prob} -j KUBE-SEP-{i}")
        lines.append(f"-A KUBE-SEP-{i} -m tcp -p tcp -j DNAT --to-destination 10.244.1.{i}:8080")
    return "\n".join(lines)


def test_parse_reads_the_rule_fields():
    rules = parse(TWO)
    assert rules[0].chain == "KUBE-SERVICES" and rules[0].target == "KUBE-SVC-4SW47YFZTEDKD3PK"
    assert (rules[0].destination, rules[0].port) == ("172.30.0.44", "80")
    assert rules[2].probability == 0.5
    assert rules[5].to == "10.180.0.4:80"


def test_the_packet_path_is_service_svc_sep_pod():
    g = graph(parse(TWO))
    assert list(g.successors("172.30.0.44:80")) == ["KUBE-SVC-4SW47YFZTEDKD3PK"]
    assert set(g.successors("KUBE-SVC-4SW47YFZTEDKD3PK")) == {
        "KUBE-SEP-UKSFD7AGPMPPLUHC",
        "KUBE-SEP-C6EBXVWJJZMIWKLZ",
    }
    assert list(g.successors("KUBE-SEP-UKSFD7AGPMPPLUHC")) == ["10.180.0.4:80"]
    assert "KUBE-MARK-MASQ" not in g


@pytest.mark.parametrize("n", [2, 3, 5], ids=["two", "three", "five"])
def test_each_endpoint_ends_up_with_an_equal_share(n):
    g = graph(parse(three(n)))
    shares = [g.edges["KUBE-SVC-WEB", f"KUBE-SEP-{i}"]["share"] for i in range(n)]
    assert shares == pytest.approx([1 / n] * n)
    assert g.edges["KUBE-SVC-WEB", "KUBE-SEP-0"]["label"].startswith(f"p={1 / n:.4f}")
    assert g.edges["KUBE-SVC-WEB", f"KUBE-SEP-{n - 1}"]["label"].startswith("rest")


def test_a_real_node_names_the_pods(web_cluster):
    fig = kube_proxy_rules(web_cluster.node("node-1"))
    texts = "\n".join(t.get_text() for t in fig.axes[0].texts)
    assert "web-0" in texts and "web-1" in texts  # DNAT targets named by pod IP
    assert "default/kubernetes:https" in texts and "172.18.0.2:6443" in texts
    title = next(t for t in fig.texts if t.get_gid() == "title").get_text()
    assert "node-1" in title


def test_a_node_without_kube_proxy_is_an_error():
    bare_host = SimpleNamespace(name="node-9", proxy=None, cluster=None)
    with pytest.raises(ValueError, match="node-9 runs no kube-proxy"):
        kube_proxy_rules(bare_host)
