"""What kubectl shows of the kubelet's work: get pods cells, logs, exec, top."""

import pytest

from k8sedu import Cluster, KubectlError
from tests.kubelet.conftest import pod


def row(cluster, name):
    return cluster.kubectl(f"get pod {name} --no-headers").split(None, 4)


def test_restarts_column_shows_the_last_restart():
    # REFERENCE §8: RESTARTS "3 (2m10s ago)"
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("web", "k8sedu/web:1.0"))
    for at in (10, 20, 40):  # restarts at once, then after 10 s, then after 20 s
        cluster.run(at - cluster.now)
        cluster.kill_container("web")
    cluster.run(170 - cluster.now)
    assert row(cluster, "web")[:4] == ["web", "1/1", "Running", "3"]
    assert cluster.kubectl("get pod web --no-headers").split("   ")[3].strip() == "3 (2m10s ago)"


def test_crash_loop_status():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("crash", "k8sedu/crash:1.0", env={"CRASH_AFTER": 3}))
    cluster.run(45)  # runs 3 s each: exits at 3, 6, 19 and 42 s; waits 40 s from there
    name, ready, status, restarts = cluster.kubectl("get pod crash --no-headers").split("   ")[:4]
    assert (ready.strip(), status.strip()) == ("0/1", "CrashLoopBackOff")
    assert restarts.strip() == "3 (3s ago)"


def test_logs_current_previous_and_tail():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("crash", "k8sedu/crash:1.0", env={"CRASH_AFTER": 3}))
    cluster.run(10)
    assert cluster.kubectl("logs crash") == (
        "2025/01/01 00:00:03 starting k8sedu/crash:1.0\n"
        "2025/01/01 00:00:06 fatal: simulated crash, exiting with code 1\n"
    )
    assert cluster.kubectl("logs crash -p").startswith("2025/01/01 00:00:00 starting")
    assert cluster.kubectl("logs crash --tail=1").count("\n") == 1


@pytest.mark.parametrize(
    "command, message",
    [
        ("logs nope", 'Error from server (NotFound): pods "nope" not found'),
        (
            "logs web -p",
            'Error from server (BadRequest): previous terminated container "c" in pod "web" not found',
        ),
        ("logs web -c x", "Error from server (BadRequest): container x is not valid for pod web"),
        (
            "logs bad",
            'Error from server (BadRequest): container "c" in pod "bad" is waiting to start: '
            "trying and failing to pull image",
        ),
    ],
    ids=["no-pod", "no-previous", "bad-container", "image-pull"],
)
def test_logs_errors(command, message):
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("web", "k8sedu/web:1.0"))
    cluster.api.create("pods", pod("bad", "k8sedu/web:9.9"))
    cluster.run(5)
    with pytest.raises(KubectlError) as error:
        cluster.kubectl(command)
    assert str(error.value) == message


def test_logs_follow_runs_simulated_time():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("job", "k8sedu/job:1.0", env={"DURATION": 30}))
    cluster.run(5)
    out = cluster.kubectl("logs -f job")
    assert out.endswith("00:00:30 done\n") and cluster.now == pytest.approx(
        30 + 4_300_000 / 34_000_000
    )


@pytest.mark.parametrize(
    "command, expected",
    [
        ("exec web -- hostname", "web\n"),
        (
            "exec web -- cat /etc/resolv.conf",
            "search default.svc.cluster.local svc.cluster.local cluster.local\n"
            "nameserver 10.96.0.10\noptions ndots:5\n",
        ),
        ("exec web -- sh -c 'cat /etc/hostname'", "web\n"),
    ],
    ids=["hostname", "resolv-conf", "sh-c"],
)
def test_exec_commands(command, expected):
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("web", "k8sedu/web:1.0", env={"GREETING": "hi"}))
    cluster.run(5)
    assert cluster.kubectl(command) == expected


def test_exec_env_and_errors():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("web", "k8sedu/web:1.0", env={"GREETING": "hi"}))
    cluster.run(5)
    env = cluster.kubectl("exec web -- env").splitlines()
    assert env[:3] == [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME=web",
        "GREETING=hi",
    ]
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in env and env[-1] == "HOME=/root"
    with pytest.raises(KubectlError) as error:
        cluster.kubectl("exec web ls")
    assert str(error.value) == (
        "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"
    )
    with pytest.raises(KubectlError) as error:
        cluster.kubectl("exec web -- cat /nope")
    assert str(error.value).endswith("command terminated with exit code 1")
    with pytest.raises(KubectlError) as error:
        cluster.kubectl("exec web -- ls")
    assert 'exec: "ls": executable file not found in $PATH: unknown' in str(error.value)


def test_curl_a_pod_ip_without_cluster_dns():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("a", "k8sedu/web:1.0"))
    cluster.api.create("pods", pod("b", "k8sedu/web:1.0"))
    cluster.run(5)
    ip = cluster.api.get("pods", "b")["status"]["podIP"]
    assert cluster.kubectl(f"exec a -- curl -s http://{ip}:8080/") == "b\n"
    with pytest.raises(KubectlError) as error:
        cluster.kubectl(f"exec a -- curl -s http://{ip}:9090/")
    assert str(error.value).startswith(f"curl: (7) Failed to connect to {ip} port 9090")


def test_top_pods_and_nodes():
    cluster = Cluster(nodes=1)
    cluster.api.create(
        "pods", pod("busy", "k8sedu/busy:1.0", env={"CPU": "450m", "MEMORY": "64Mi"})
    )
    cluster.run(5)
    with pytest.raises(KubectlError) as error:
        cluster.kubectl("top pods")
    assert str(error.value) == "error: metrics not available yet"
    cluster.run(20)
    assert cluster.kubectl("top pods") == (
        "NAME   CPU(cores)   MEMORY(bytes)   \nbusy   450m         64Mi            \n"
    )
    lines = cluster.kubectl("top nodes").splitlines()
    assert lines[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert lines[2].split() == ["node-1", "490m", "12%", "344Mi", "4%"]


def test_cpu_over_the_limit_is_throttled():
    cluster = Cluster(nodes=1)
    cluster.api.create(
        "pods",
        pod("busy", "k8sedu/busy:1.0", env={"CPU": "900m"}, resources={"limits": {"cpu": "500m"}}),
    )
    cluster.run(30)
    assert cluster.kubectl("top pod busy --no-headers").split()[1] == "500m"


def test_exec_into_a_deployment_picks_one_of_its_pods():
    cluster = Cluster(nodes=1)
    cluster.kubectl("create deployment web --image=k8sedu/web:1.0 --replicas=2")
    cluster.run(30)
    names = {p["metadata"]["name"] for p in cluster.api.list("pods", label_selector="app=web")}
    assert cluster.kubectl("exec deploy/web -- hostname").strip() in names
    with pytest.raises(KubectlError, match='deployments.apps "nope" not found'):
        cluster.kubectl("exec deploy/nope -- hostname")
