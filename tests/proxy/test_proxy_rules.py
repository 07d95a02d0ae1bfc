"""kube-proxy's iptables-restore text, chain names and sync timing (pkg/proxy/iptables/proxier.go)."""

import pytest

from k8sedu.cluster import Cluster
from k8sedu.proxy import iptables
from k8sedu.proxy.netfilter import compile_rule

# chain names as they appear in iptables-save of every kubeadm/kind cluster
KNOWN_CHAINS = [
    ("default/kubernetes:https", "tcp", "KUBE-SVC-NPX46M4PTMTKRN6Y"),
    ("kube-system/kube-dns:dns", "udp", "KUBE-SVC-TCOU7JCQXEZGVUNU"),
    ("kube-system/kube-dns:dns-tcp", "tcp", "KUBE-SVC-ERIFXISQEP7F7OF4"),
    ("kube-system/kube-dns:metrics", "tcp", "KUBE-SVC-JD5MR3NA4I4DYORP"),
]


@pytest.mark.parametrize(("name", "proto", "chain"), KNOWN_CHAINS, ids=[c[0] for c in KNOWN_CHAINS])
def test_service_chain_names_match_real_clusters(name, proto, chain):
    assert iptables.service_chain(name, proto) == chain


@pytest.mark.parametrize(
    ("n", "text"), [(2, "0.5000000000"), (3, "0.3333333333"), (4, "0.2500000000")], ids=str
)
def test_probability_is_printed_with_ten_decimals(n, text):
    assert iptables.probability(n) == text


def test_kernel_keeps_the_probability_that_iptables_save_shows():
    rule = ("-A", "X", "-m", "statistic", "--mode", "random", "--probability", "0.3333333333")
    assert f"{compile_rule(rule).probability:.11f}" == "0.33333333349"


def svc_rules(cluster, name="default/web"):
    lines = cluster.node("node-1").proxy.rules().splitlines()
    return [line for line in lines if name in line or line.startswith(":KUBE-S")]


def test_three_endpoints_balance_one_third_one_half_then_the_rest(cluster, make):
    svc = make.service()
    for i, (node, ip) in enumerate([("node-1", "10.244.1.5"), ("node-2", "10.244.2.7")]):
        make.pod(f"web-{i}", node, ip)
    make.pod("web-2", "node-2", "10.244.2.9")
    cluster.run(1)
    ip = svc["spec"]["clusterIP"]
    svc_chain = iptables.service_chain("default/web", "tcp")
    seps = [iptables.endpoint_chain("default/web", "tcp", f"{a}:8080")
            for a in ("10.244.1.5", "10.244.2.7", "10.244.2.9")]  # fmt: skip
    nat = cluster.node("node-1").proxy.rules()
    assert nat.startswith("*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n")
    assert nat.endswith(
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be '
        'the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\nCOMMIT\n'
    )
    expected = [
        f'-A KUBE-SERVICES -m comment --comment "default/web cluster IP" -m tcp -p tcp -d {ip} '
        f"--dport 80 -j {svc_chain}",
        f'-A {svc_chain} -m comment --comment "default/web cluster IP" -m tcp -p tcp -d {ip} '
        "--dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
        f'-A {svc_chain} -m comment --comment "default/web -> 10.244.1.5:8080" -m statistic '
        f"--mode random --probability 0.3333333333 -j {seps[0]}",
        f'-A {svc_chain} -m comment --comment "default/web -> 10.244.2.7:8080" -m statistic '
        f"--mode random --probability 0.5000000000 -j {seps[1]}",
        f'-A {svc_chain} -m comment --comment "default/web -> 10.244.2.9:8080" -j {seps[2]}',
        f"-A {seps[0]} -m comment --comment default/web -s 10.244.1.5 -j KUBE-MARK-MASQ",
        f"-A {seps[0]} -m comment --comment default/web -m tcp -p tcp -j DNAT "
        "--to-destination 10.244.1.5:8080",
    ]
    lines = nat.splitlines()
    start = lines.index(expected[0])
    assert lines[start : start + len(expected)] == expected


def test_a_service_without_endpoints_is_rejected_in_the_filter_table(cluster, make):
    svc = make.service()
    cluster.run(1)
    proxy = cluster.node("node-1").proxy
    assert "default/web" not in proxy.rules()
    assert (
        '-A KUBE-SERVICES -m comment --comment "default/web has no endpoints" -m tcp -p tcp '
        f"-d {svc['spec']['clusterIP']} --dport 80 -j REJECT"
    ) in proxy.rules("filter").splitlines()


def test_client_ip_affinity_checks_recent_lists_before_balancing(cluster, make):
    make.service(sessionAffinity="ClientIP")
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    sep = iptables.endpoint_chain("default/web", "tcp", "10.244.1.5:8080")
    svc_chain = iptables.service_chain("default/web", "tcp")
    lines = cluster.node("node-1").proxy.rules().splitlines()
    assert (
        f'-A {svc_chain} -m comment --comment "default/web -> 10.244.1.5:8080" -m recent '
        f"--name {sep} --rcheck --seconds 10800 --reap -j {sep}"
    ) in lines
    assert (
        f"-A {sep} -m comment --comment default/web -m recent --name {sep} --set -m tcp -p tcp "
        "-j DNAT --to-destination 10.244.1.5:8080"
    ) in lines


def test_local_external_policy_writes_ext_chain_and_drops_where_no_endpoint(cluster, make):
    svc = make.service(type="NodePort", externalTrafficPolicy="Local")
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    node_port = svc["spec"]["ports"][0]["nodePort"]
    ext = iptables.external_chain("default/web", "tcp")
    svl = iptables.local_chain("default/web", "tcp")
    with_endpoint = cluster.node("node-1").proxy.rules().splitlines()
    assert (
        f"-A KUBE-NODEPORTS -m comment --comment default/web -m tcp -p tcp --dport {node_port} "
        f"-j {ext}"
    ) in with_endpoint
    assert f"-A {ext} -j {svl}" in with_endpoint
    without = cluster.node("node-2").proxy
    assert f"-A {ext} -j {svl}" not in without.rules()
    assert (
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/web has no local endpoints" '
        f"-m addrtype --dst-type LOCAL -m tcp -p tcp --dport {node_port} -j DROP"
    ) in without.rules("filter").splitlines()


def test_removed_endpoint_chains_are_deleted_by_the_next_sync(cluster, make):
    make.service()
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    sep = iptables.endpoint_chain("default/web", "tcp", "10.244.1.5:8080")
    cluster.api.delete("pods", "web-0", grace_period=0)
    cluster.run(1)
    nat = cluster.node("node-1").proxy.rules().splitlines()
    assert f":{sep} - [0:0]" in nat and f"-X {sep}" in nat


def test_syncs_wait_for_the_min_sync_period(cluster, make):
    make.service()
    cluster.run(5)
    proxy = cluster.node("node-1").proxy
    before = proxy.syncs
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(0)  # the same instant: the last sync was long ago
    assert proxy.syncs == before + 1
    make.pod("web-1", "node-1", "10.244.1.6")
    cluster.run(0.999)  # waits for --iptables-min-sync-period
    assert "10.244.1.6" not in proxy.rules()
    cluster.run(0.001)
    assert "10.244.1.6" in proxy.rules()


def test_an_idle_node_does_not_sync():
    cluster = Cluster(nodes=1)  # with its kubelet: heartbeats change no Service
    cluster.api.create("services", {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"},
                       "ports": [{"port": 80}]}})  # fmt: skip
    cluster.run(5)
    proxy = cluster.node("node-1").proxy
    settled = proxy.syncs
    cluster.run(3600)
    assert proxy.syncs == settled


def test_a_stopped_kube_proxy_leaves_its_rules_in_place(cluster, make):
    make.service()
    make.pod("web-0", "node-1", "10.244.1.5")
    cluster.run(1)
    proxy = cluster.node("node-1").proxy
    proxy.stop()
    make.pod("web-1", "node-2", "10.244.2.5")
    cluster.run(5)
    assert "10.244.1.5:8080" in proxy.rules() and "10.244.2.5" not in proxy.rules()
    proxy.start()
    cluster.run(0)
    assert "10.244.2.5:8080" in proxy.rules()
