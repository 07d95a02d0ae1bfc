"""Serving a cluster: the two clock modes, the lock Python calls take, the kubeconfig, and
``k8sedu serve`` from a shell."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

import k8sedu as k
from k8sedu.serve import LOCKED, Server

DEPLOY = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "app", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "app"}},
        "template": {
            "metadata": {"labels": {"app": "app"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def post(url, path, body):
    request = urllib.request.Request(
        url + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    return json.loads(urllib.request.urlopen(request).read())


def test_paused_clock_stands_still_but_the_instant_is_processed():
    cluster = k.Cluster(nodes=1)
    with cluster.serve(mode="paused") as server:
        post(server.url, "/apis/apps/v1/namespaces/default/deployments", DEPLOY)
        # the deployment controller reacted at the same instant; no time passed
        assert [rs["metadata"]["name"][:4] for rs in cluster.api.list("replicasets")] == ["app-"]
        assert cluster.now == 0


def test_realtime_clock_moves_and_pause_stops_it():
    cluster = k.Cluster(nodes=1)
    with cluster.serve(mode="realtime", speed=50) as server:
        wait_for(lambda: cluster.now > 5)
        server.pause()
        stopped_at = cluster.now
        time.sleep(0.1)
        assert cluster.now == stopped_at
        server.resume()
        wait_for(lambda: cluster.now > stopped_at)


def test_python_calls_hold_the_lock_while_serving_and_get_their_methods_back():
    cluster = k.Cluster(nodes=1)
    plain_api = cluster.api
    with cluster.serve(mode="paused") as server:
        assert {name for name in LOCKED if name in vars(cluster)} == set(LOCKED)
        with server.lock:  # the same (re-entrant) lock: calls inside still work
            cluster.run(1)
            assert cluster.api.get("nodes", "node-1")["metadata"]["name"] == "node-1"
        restored = k.Cluster.restore(cluster.snapshot())  # snapshots pickle the plain cluster
        assert "run" not in vars(restored) and restored.now == 1
    assert not {name for name in LOCKED if name in vars(cluster)}
    assert cluster.api is plain_api


def test_kubeconfig_points_at_the_server_and_is_removed_after():
    cluster = k.Cluster.bare()
    server = cluster.serve(mode="paused")
    config = yaml.safe_load(Path(server.kubeconfig).read_text())
    assert config["clusters"][0]["cluster"]["server"] == server.url
    assert server.url.startswith("http://127.0.0.1:")
    assert config["current-context"] == "kind-k8sedu"
    assert config["contexts"][0]["context"]["namespace"] == "default"
    assert config["users"][0]["user"] == {}
    server.stop()
    assert not Path(server.kubeconfig).exists()


def test_off_loopback_needs_a_token():
    server = Server(k.Cluster.bare(), address="0.0.0.0")
    assert server.token and len(server.token) > 20


@pytest.mark.parametrize(
    "options, message",
    [({"mode": "fast"}, "mode must be one of"), ({"speed": 0}, "speed must be positive")],
    ids=["mode", "speed"],
)
def test_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        Server(k.Cluster.bare(), **options)


def test_cli_serve_prints_the_kubeconfig_and_stops_on_ctrl_c(tmp_path):
    kubeconfig = tmp_path / "config"
    child = subprocess.Popen(
        [sys.executable, "-m", "k8sedu.cli", "serve", "--nodes", "1", "--kubeconfig", kubeconfig],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = child.stdout.readline()
        assert child.stdout.readline() == f"export KUBECONFIG={kubeconfig}\n"
        url = banner.split(" serves ")[1].split()[0]
        version = json.loads(urllib.request.urlopen(url + "/version").read())
        assert version["gitVersion"] == "v1.34.0"
        nodes = json.loads(urllib.request.urlopen(url + "/api/v1/nodes").read())["items"]
        created = nodes[0]["metadata"]["creationTimestamp"]
        assert not created.startswith("2025-01-01")  # t = 0 is now (DESIGN decision 20)
    finally:
        os.kill(child.pid, signal.SIGINT)
        assert child.wait(timeout=10) == 0
