"""kubectl's table layout: expected outputs follow Go's text/tabwriter with kubectl's settings
(minwidth 6, padding 3, trailing cells unpadded), tableprinter.go's decorations and get.go's
separators and messages."""

from __future__ import annotations

import pytest

from k8sedu.apiserver.printers import table
from k8sedu.kubectl.table import (
    TabWriter,
    cell_text,
    no_resources_message,
    render,
)
from k8sedu.objects import timestamp

NOW = 300.0


def pod(
    name, status="Running", ready=True, node="node-1", ip="10.244.1.5", labels=None, ns="default"
):
    container = {
        "name": "app",
        "ready": ready,
        "restartCount": 0,
        "state": {"running": {}} if status == "Running" else {"waiting": {"reason": status}},
    }
    return {
        "metadata": {"name": name, "namespace": ns, "creationTimestamp": timestamp(0),
                     "labels": labels or {}},
        "spec": {"containers": [{"name": "app", "image": "nginx"}], "nodeName": node},
        "status": {"phase": "Running" if status == "Running" else "Pending",
                   "podIPs": [{"ip": ip}] if ip else [],
                   "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                   "containerStatuses": [container]},
    }  # fmt: skip


PODS = [
    pod("nginx-deployment-66b6c48dd5-4jw2h", labels={"app": "nginx", "pod-template-hash": "66b6c48dd5"}),
    pod("nginx-deployment-66b6c48dd5-cmwzr", node="node-2", ip="10.244.2.3", labels={"app": "nginx"}),
    pod("nginx-deployment-66b6c48dd5-w8fzv", "ContainerCreating", ready=False, ip=None),
]  # fmt: skip


def pods_table(objs=PODS, **kwargs):
    return table("pods", objs, now=NOW, **kwargs)


def test_three_pod_listing_has_kubectls_exact_spacing():
    assert render(pods_table()) == (
        "NAME                                READY   STATUS              RESTARTS   AGE\n"
        "nginx-deployment-66b6c48dd5-4jw2h   1/1     Running             0          5m\n"
        "nginx-deployment-66b6c48dd5-cmwzr   1/1     Running             0          5m\n"
        "nginx-deployment-66b6c48dd5-w8fzv   0/1     ContainerCreating   0          5m\n"
    )


def test_wide_shows_priority_columns_with_upper_case_headers():
    lines = render(pods_table(PODS[1:2]), wide=True).splitlines()
    assert lines == [
        "NAME                                READY   STATUS    RESTARTS   AGE   IP           "
        "NODE     NOMINATED NODE   READINESS GATES",
        "nginx-deployment-66b6c48dd5-cmwzr   1/1     Running   0          5m    10.244.2.3   "
        "node-2   <none>           <none>",
    ]


def test_all_namespaces_puts_namespace_first():
    objs = [pod("coredns-1", ns="kube-system"), pod("web", ns="default")]
    assert render(table("pods", objs, now=NOW), with_namespace=True) == (
        "NAMESPACE     NAME        READY   STATUS    RESTARTS   AGE\n"
        "kube-system   coredns-1   1/1     Running   0          5m\n"
        "default       web         1/1     Running   0          5m\n"
    )


def test_show_labels_adds_a_sorted_labels_column_last():
    assert render(pods_table(PODS[:1] + PODS[2:]), show_labels=True).splitlines() == [
        "NAME                                READY   STATUS              RESTARTS   AGE   LABELS",
        "nginx-deployment-66b6c48dd5-4jw2h   1/1     Running             0          5m    "
        "app=nginx,pod-template-hash=66b6c48dd5",
        "nginx-deployment-66b6c48dd5-w8fzv   0/1     ContainerCreating   0          5m    <none>",
    ]


def test_label_columns_use_the_last_path_segment_and_empty_cells():
    objs = [pod("a", labels={"app.kubernetes.io/name": "web"}), pod("b")]
    assert render(table("pods", objs, now=NOW), label_columns=["app.kubernetes.io/name"]) == (
        "NAME   READY   STATUS    RESTARTS   AGE   NAME\n"
        "a      1/1     Running   0          5m    web\n"
        "b      1/1     Running   0          5m    \n"
    )


def test_no_headers():
    assert render(pods_table(PODS[1:2]), no_headers=True) == (
        "nginx-deployment-66b6c48dd5-cmwzr   1/1   Running   0     5m\n"
    )


def test_empty_table_prints_nothing():
    assert render(pods_table([])) == ""


def service(name, cluster_ip, ports):
    return {
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": timestamp(0)},
        "spec": {"type": "ClusterIP", "clusterIPs": [cluster_ip], "ports": ports},
    }


def test_get_all_prints_each_kind_with_its_own_header_and_a_blank_line():
    svc = service("kubernetes", "10.96.0.1", [{"port": 443, "protocol": "TCP"}])
    tables = [
        ("pod", pods_table(PODS[1:2])),
        ("service", table("services", [svc], now=NOW)),
        ("deployment.apps", table("deployments", [], now=NOW)),
    ]
    assert render(tables, with_kind=True) == (
        "NAME                                    READY   STATUS    RESTARTS   AGE\n"
        "pod/nginx-deployment-66b6c48dd5-cmwzr   1/1     Running   0          5m\n"
        "\n"
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5m\n"
    )


def test_several_tables_without_headers_have_no_blank_line():
    svc = service("web", "10.96.0.9", [{"port": 80, "protocol": "TCP"}])
    tables = [("pod", pods_table(PODS[1:2])), ("service", table("services", [svc], now=NOW))]
    out = render(tables, with_kind=True, no_headers=True)
    assert out.splitlines()[1] == "service/web   ClusterIP   10.96.0.9   <none>   80/TCP   5m"
    assert "\n\n" not in out


def test_all_namespaces_skips_namespace_for_cluster_scoped_kinds():
    nodes = table(
        "nodes",
        [
            {
                "metadata": {"name": "node-1", "creationTimestamp": timestamp(0)},
                "status": {
                    "conditions": [{"type": "Ready", "status": "True"}],
                    "nodeInfo": {"kubeletVersion": "v1.34.0"},
                },
            }
        ],
        now=NOW,
    )
    assert render([("node", nodes)], with_namespace=True) == (
        "NAME     STATUS   ROLES    AGE   VERSION\n"
        "node-1   Ready    <none>   5m    v1.34.0\n"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\tbb\n", "a     bb\n"),  # minwidth 6: a column is never narrower
        ("abcdef\tx\nab\ty\n", "abcdef   x\nab       y\n"),  # widest cell + padding 3
        ("a\tb\t\n", "a     b     \n"),  # an empty last cell leaves the padding before it
        ("a\tb\nlonger-cell\n", "a     b\nlonger-cell\n"),  # a line without tabs ends the block
    ],
    ids=["min-width", "padding", "empty-last-cell", "block-ends"],
)
def test_tabwriter_alignment(text, expected):
    writer = TabWriter()
    writer.write(text)
    assert writer.flush() == expected


def test_tabwriter_column_blocks_are_separate():
    writer = TabWriter()
    writer.write("a\tb\tc\nlonger-name\tb\nx\ty\tz\n")
    # column 1 exists on every line; column 2 only on lines 1 and 3, which are not contiguous
    assert writer.flush() == "a             b     c\nlonger-name   b\nx             y     z\n"


def test_tabwriter_remembers_widths_across_flushes():
    writer = TabWriter()
    writer.write("NAME\tSTATUS\nweb-123456\tRunning\n")
    writer.flush()
    writer.write("db\tPending\n")
    assert writer.flush() == "db" + " " * 11 + "Pending\n"  # "web-123456" (10) + 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (True, "true"), (False, "false"), (3, "3"), (2.0, "2"),
     ("line one\nline two", "line one..."), ("\x1b[31mred", "^[[31mred")],
    ids=["nil", "true", "false", "int", "whole-float", "newline", "escape"],
)  # fmt: skip
def test_cell_text(value, expected):
    assert cell_text(value) == expected


@pytest.mark.parametrize(
    ("namespace", "all_namespaces", "expected"),
    [
        ("default", False, "No resources found in default namespace.\n"),
        ("default", True, "No resources found\n"),
        (None, False, "No resources found\n"),
    ],
    ids=["namespace", "all-namespaces", "cluster-scoped"],
)
def test_no_resources_message(namespace, all_namespaces, expected):
    assert no_resources_message(namespace, all_namespaces) == expected
