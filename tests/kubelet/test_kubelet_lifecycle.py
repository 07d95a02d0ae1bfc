"""Pod lifecycle scenarios on one kubelet, with the timings of REFERENCE §5."""

import pytest

from k8sedu import Cluster
from tests.kubelet.conftest import History, container_status, pod, restart_count


def events(cluster, name):
    return [
        (e["reason"], e["message"]) for e in cluster.events if e["involvedObject"]["name"] == name
    ]


def test_a_pod_goes_from_pending_to_running_with_the_real_events():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("web", "nginx:1.27"))
    cluster.run(1)
    status = cluster.api.get("pods", "web")["status"]
    assert status["phase"] == "Pending"
    assert container_status(status)["state"] == {"waiting": {"reason": "ContainerCreating"}}
    cluster.run(5)
    status = cluster.api.get("pods", "web")["status"]
    assert status["phase"] == "Running"
    assert status["podIP"] == "10.244.1.2" and status["hostIP"] == "172.18.0.3"
    assert [c["type"] for c in status["conditions"]] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    assert container_status(status)["image"] == "docker.io/library/nginx:1.27"
    assert events(cluster, "web") == [
        ("Pulling", 'Pulling image "nginx:1.27"'),
        (
            "Pulled",
            'Successfully pulled image "nginx:1.27" in 2.117s (2.117s including waiting). '
            "Image size: 72000000 bytes.",
        ),
        ("Created", "Created container: c"),
        ("Started", "Started container c"),
    ]


def test_a_second_pod_finds_the_image_on_the_node():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("a", "nginx:1.27"))
    cluster.run(5)
    cluster.api.create("pods", pod("b", "nginx:1.27"))
    cluster.run(1)
    assert events(cluster, "b")[0] == (
        "Pulled",
        'Container image "nginx:1.27" already present on machine',
    )
    assert cluster.api.get("pods", "b")["status"]["phase"] == "Running"


def test_serial_pulls_count_the_waiting():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("a", "nginx:1.27"))
    cluster.api.create("pods", pod("b", "redis:7.4"))
    cluster.run(10)
    pulled = [m for r, m in events(cluster, "b") if r == "Pulled"]
    assert pulled == [
        'Successfully pulled image "redis:7.4" in 1.323s (3.441s including waiting). '
        "Image size: 45000000 bytes."
    ]


def test_a_bad_tag_is_err_image_pull_then_image_pull_back_off():
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("bad", "nginx:nope"))
    cluster.run(0.6)
    waiting = container_status(cluster.api.get("pods", "bad")["status"])["state"]["waiting"]
    assert waiting["reason"] == "ErrImagePull"
    cluster.run(1)
    waiting = container_status(cluster.api.get("pods", "bad")["status"])["state"]["waiting"]
    assert waiting["reason"] == "ImagePullBackOff"
    assert waiting["message"].startswith(
        'Back-off pulling image "nginx:nope": ErrImagePull: rpc error'
    )
    reasons = [r for r, _ in events(cluster, "bad")]
    assert reasons == ["Pulling", "Failed", "Failed", "BackOff", "Failed"]


def test_crash_loop_back_off_delays():
    # REFERENCE §5: first restart immediate, then 10, 20, 40, 80, 160, 300, 300 s after each exit
    cluster = Cluster(nodes=1)
    cluster.api.create("pods", pod("crash", "k8sedu/crash:1.0"))
    history = History(cluster, "crash")
    cluster.run(1300)
    counts = sorted({restart_count(s): t for t, s in reversed(history.seen)}.items())
    starts = [t for n, t in counts if n > 0]
    gaps = [round(b - a, 3) for a, b in zip(starts, starts[1:])]
    assert gaps[:7] == [10, 20, 40, 80, 160, 300, 300]
    waiting = container_status(history.seen[-1][1])["state"]["waiting"]
    assert waiting["reason"] == "CrashLoopBackOff"
    assert waiting["message"].startswith(
        "back-off 5m0s restarting failed container=c pod=crash_default("
    )


@pytest.mark.parametrize(
    "policy, exit_code, phase, reason",
    [
        ("Never", 0, "Succeeded", "Completed"),
        ("OnFailure", 0, "Succeeded", "Completed"),
        ("Never", 3, "Failed", "Error"),
    ],
    ids=["never-ok", "on-failure-ok", "never-fails"],
)
def test_run_to_completion(policy, exit_code, phase, reason):
    cluster = Cluster(nodes=1)
    body = pod("job", "k8sedu/job:1.0", env={"DURATION": 20, "EXIT_CODE": exit_code})
    body["spec"]["restartPolicy"] = policy
    cluster.api.create("pods", body)
    cluster.run(30)
    status = cluster.api.get("pods", "job")["status"]
    terminated = container_status(status)["state"]["terminated"]
    assert (status["phase"], terminated["reason"], terminated["exitCode"]) == (
        phase,
        reason,
        exit_code,
    )
    assert cluster.kubectl("get pods --no-headers").split()[2] == reason


def test_oom_killed_at_the_memory_limit():
    cluster = Cluster(nodes=1)
    body = pod(
        "leak",
        "k8sedu/leak:1.0",
        env={"MEMORY": "20Mi", "LEAK_PER_SECOND": "1Mi"},
        resources={"limits": {"memory": "64Mi"}},
    )
    body["spec"]["restartPolicy"] = "Never"
    cluster.api.create("pods", body)
    history = History(cluster, "leak")
    cluster.run(60)
    started = cluster.api.get("pods", "leak")["status"]
    terminated = container_status(started)["state"]["terminated"]
    assert (terminated["reason"], terminated["exitCode"]) == ("OOMKilled", 137)
    # 44 MiB to grow at 1 MiB/s
    ran = [t for t, s in history.seen if "terminated" in container_status(s).get("state", {})][0]
    assert ran == pytest.approx(0.135 + 44, abs=0.01)
    assert cluster.kubectl("get pods --no-headers").split()[2] == "OOMKilled"


@pytest.mark.parametrize(
    "container, gone_after",
    [
        ({"image": "k8sedu/web:1.0"}, 0),
        ({"image": "k8sedu/web:1.0", "env": {"SHUTDOWN_SECONDS": 5}}, 5),
        ({"image": "busybox:1.36", "command": ["sleep", "3600"]}, 30),
        ({"image": "k8sedu/web:1.0", "lifecycle": {"preStop": {"sleep": {"seconds": 10}}}}, 10),
    ],
    ids=["exits-on-sigterm", "slow-shutdown", "ignores-sigterm-killed-at-grace", "pre-stop-sleep"],
)
def test_graceful_termination(container, gone_after):
    cluster = Cluster(nodes=1)
    body = pod("p", container.pop("image"), **container)
    cluster.api.create("pods", body)
    cluster.run(10)
    cluster.api.delete("pods", "p")
    assert "Terminating" in cluster.kubectl("get pods")
    took = cluster.run_until(lambda c: not c.api.list("pods"), timeout=60)
    assert took == pytest.approx(gone_after, abs=0.01)
    assert ("Killing", "Stopping container c") in events(cluster, "p")


def test_admission_rejects_a_pod_that_does_not_fit():
    cluster = Cluster(nodes=1, node_cpu="1")
    cluster.api.create("pods", pod("big", "nginx:1.27", resources={"requests": {"cpu": "1500m"}}))
    cluster.run(1)
    status = cluster.api.get("pods", "big")["status"]
    assert (status["phase"], status["reason"]) == ("Failed", "OutOfcpu")
    assert status["message"] == (
        "Pod was rejected: Node didn't have enough resource: cpu, requested: 1500, used: 0, capacity: 1000"
    )


def test_init_containers_run_in_order_first():
    cluster = Cluster(nodes=1)
    body = pod("app", "k8sedu/web:1.0")
    body["spec"]["initContainers"] = [
        {"name": "one", "image": "k8sedu/job:1.0", "env": [{"name": "DURATION", "value": "5"}]},
        {"name": "two", "image": "k8sedu/job:1.0", "env": [{"name": "DURATION", "value": "5"}]},
    ]
    cluster.api.create("pods", body)
    cluster.run(3)
    assert cluster.kubectl("get pods --no-headers").split()[2] == "Init:0/2"
    cluster.run(5)
    assert cluster.kubectl("get pods --no-headers").split()[2] == "Init:1/2"
    cluster.run(5)
    assert cluster.kubectl("get pods --no-headers").split()[1:3] == ["1/1", "Running"]
