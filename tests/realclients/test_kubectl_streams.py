"""Real kubectl exec, attach and port-forward against ``cluster.serve()``: SPDY/3.1 on every version,
WebSocket first on the newer ones (exec from 1.30, port-forward from 1.31). Exec prints what
``cluster.kubectl()`` prints on a twin; a forwarded port answers HTTP as the pod's container does."""

import re
import shlex
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

FORWARDING = re.compile(r"Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)")
# kubectl's portforward.go (the kubelet's message inside it is httpstream.go's and containerd's)
REFUSED = re.compile(
    r"an error occurred forwarding (\d+) -> 9999: error forwarding port 9999 to pod [0-9a-f]{64}, "
    r'uid : failed to execute portforward in network namespace \\?"/var/run/netns/cni-[0-9a-f-]+\\?": '
    r"failed to connect to localhost:9999 inside namespace \\?\"[0-9a-f]{64}\\?\", IPv4: dial tcp4 "
    r"127\.0\.0\.1:9999: connect: connection refused IPv6 dial tcp6 \[::1\]:9999: connect: "
    r"connection refused"
)
EXECS = [
    "exec POD -- hostname",
    "exec POD -- sh -c 'cat /etc/hostname'",
    "exec POD -c web -- env",
    "exec POD -- cat /nope",  # non-zero exit: the code comes from the Status' cause
    "exec POD -- nothere",  # the runtime's error on the error stream
    "exec POD -c nope -- env",  # refused before the upgrade (a Status)
    "exec nope -- env",
]


def pod_name(cluster) -> str:
    return sorted(p["metadata"]["name"] for p in cluster.api.list("pods"))[0]


def same_as_simulated(kubectl, cluster, rc, command: str):
    twin = rc.twin_of(cluster)
    real = subprocess.run(
        argv(kubectl, *shlex.split(command)),
        capture_output=True,
        text=True,
        env=kubectl.env,
        timeout=30,
    )
    out, err, code = rc.expected(twin, command)
    assert (real.returncode, real.stdout) == (code, out)
    assert real.stderr.strip() == err.strip()


def argv(kubectl, *args: str) -> list[str]:
    return [kubectl.binary, "--cache-dir", str(kubectl.cache), *args]


class Forward:
    """A running ``kubectl port-forward TARGET :REMOTE`` and the local port kubectl chose."""

    def __init__(self, kubectl, target: str, remote: int) -> None:
        self.child = subprocess.Popen(
            argv(kubectl, "port-forward", target, f":{remote}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=kubectl.env,
        )
        line = self.child.stdout.readline()
        found = FORWARDING.search(line)
        assert found, f"kubectl printed {line!r}"
        self.port = int(found[1])
        self.stdout = [line]
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        self.stdout.extend(self.child.stdout)

    def get(self, method: str = "GET") -> tuple[int, bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/", method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def stop(self) -> tuple[int, str]:
        if self.child.poll() is None:
            self.child.terminate()
        _, err = self.child.communicate(timeout=10)
        self.reader.join(timeout=10)
        return self.child.returncode, err


@pytest.mark.parametrize("command", EXECS)
def test_exec(reading_kubectl, read_only_cluster, rc, command):
    cluster = read_only_cluster[0]
    same_as_simulated(reading_kubectl, cluster, rc, command.replace("POD", pod_name(cluster)))


def test_port_forward_to_a_pod_and_a_service(kubectl, served_cluster):
    cluster, _ = served_cluster
    pod = pod_name(cluster)
    cluster.api.create(
        "services",
        {
            "metadata": {"name": "app"},
            "spec": {"selector": {"app": "app"}, "ports": [{"port": 80, "targetPort": 8080}]},
        },
    )
    forward = Forward(kubectl, f"pod/{pod}", 8080)
    try:
        # one keep-alive-less request per local connection, each its own pair of streams
        assert [forward.get(), forward.get(), forward.get("HEAD")] == [
            (200, f"{pod}\n".encode()),
            (200, f"{pod}\n".encode()),
            (200, b""),
        ]
    finally:
        code, _ = forward.stop()
    assert code == -15  # still forwarding when terminated
    # kubectl picks a pod of the Service and maps port 80 to its targetPort (client side)
    by_service = Forward(kubectl, "svc/app", 80)
    try:
        status, body = by_service.get()
    finally:
        by_service.stop()
    assert "-> 8080" in by_service.stdout[0]
    assert status == 200 and body.decode().startswith("app-")


def test_port_forward_to_a_closed_port(kubectl, served_cluster):
    cluster, _ = served_cluster
    forward = Forward(kubectl, f"pod/{pod_name(cluster)}", 9999)
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        forward.get()
    forward.child.wait(timeout=10)  # the error ends the whole forwarding (kubectl 1.26+)
    code, err = forward.stop()
    assert REFUSED.search(err), err
    assert err.rstrip().endswith("error: lost connection to pod")
    assert code == 1


def test_unhealthy_container_answers_500(kubectl, served_cluster):
    cluster, _ = served_cluster
    pod = pod_name(cluster)
    cluster.make_unhealthy(pod)
    forward = Forward(kubectl, f"pod/{pod}", 8080)
    try:
        assert forward.get() == (500, b"unhealthy\n")
    finally:
        forward.stop()


def test_stopping_the_server_ends_forwarding_and_its_threads(kubectl, served_cluster):
    cluster, server = served_cluster
    before = set(threading.enumerate())
    forward = Forward(kubectl, f"pod/{pod_name(cluster)}", 8080)
    assert forward.get()[0] == 200
    server.stop()
    forward.child.wait(timeout=15)  # kubectl notices the connection is gone and gives up
    _, err = forward.stop()
    assert "lost connection to pod" in err
    for thread in set(threading.enumerate()) - before - {forward.reader}:
        thread.join(timeout=5)
        assert not thread.is_alive(), thread.name


def test_attach_shows_new_output_until_the_container_ends(kubectl, served_cluster):
    cluster, _ = served_cluster
    pod = pod_name(cluster)
    child = subprocess.Popen(
        argv(kubectl, "attach", pod),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=kubectl.env,
    )
    try:
        assert "try pressing enter" in child.stderr.readline()
        time.sleep(1.0)  # the prompt comes just before kubectl connects: let it attach
        cluster.make_unhealthy(pod)  # the container writes a line
        cluster.kill_container(pod)  # and its run ends: so does the attach, with Success
        out, _ = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0
    assert out.endswith("health checks now fail (injected fault)\n")
    assert cluster.kubectl(f"logs {pod} --previous").endswith(out)


def test_smoke(smoke_kubectl, served_cluster, rc):
    """Every other kubectl: one exec and one forwarded request."""
    cluster, _ = served_cluster
    pod = pod_name(cluster)
    same_as_simulated(smoke_kubectl, cluster, rc, f"exec {pod} -- cat /nope")
    forward = Forward(smoke_kubectl, f"pod/{pod}", 8080)
    try:
        assert forward.get() == (200, f"{pod}\n".encode())
    finally:
        forward.stop()
