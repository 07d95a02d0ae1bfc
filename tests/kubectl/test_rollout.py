"""``kubectl rollout status|history|undo|restart|pause|resume`` and ``kubectl set image``.

Expected lines are kubectl's (``pkg/polymorphichelpers/rollout_status.go``, ``history.go``,
``rollback.go``; ``pkg/cmd/rollout``, ``pkg/cmd/set/set_image.go``). The test plays the scheduler
and the kubelet on a one-second tick, so ``rollout status`` has something to wait for.
"""

import pytest

from k8sedu.cluster import Cluster
from k8sedu.errors import KubectlError
from tests.controllers.conftest import manager_only


class Nodes:
    """Every second: bind pending pods and make them Ready (unless their image is broken),
    and finish terminating pods."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def tick(self) -> None:
        api = self.cluster.api
        for pod in api.list("pods", namespace="default"):
            name = pod["metadata"]["name"]
            if pod["metadata"].get("deletionTimestamp"):
                api.delete("pods", name, grace_period=0)
            elif not pod["spec"].get("nodeName"):
                api.bind(name, "node-1")
                if pod["spec"]["containers"][0]["image"] != "nginx:broken":
                    body = api.get("pods", name)
                    ready = {
                        "type": "Ready",
                        "status": "True",
                        "lastTransitionTime": self.cluster.timestamp(),
                    }
                    body["status"].update(phase="Running", conditions=[ready])
                    api.update_status("pods", body)


@pytest.fixture
def cluster(monkeypatch) -> Cluster:
    cluster = manager_only(monkeypatch)
    cluster.sim.every(1, Nodes(cluster).tick, first=0.5)
    cluster.kubectl("create deployment web --image=nginx:1.25 --replicas=3")
    cluster.run(3)
    return cluster


def lines(text: str) -> list[str]:
    """The distinct lines in order (kubectl prints a line again for each update of the object)."""
    seen: list[str] = []
    for line in text.splitlines():
        if not seen or seen[-1] != line:
            seen.append(line)
    return seen


def test_status_of_a_finished_rollout(cluster):
    assert (
        cluster.kubectl("rollout status deployment/web")
        == 'deployment "web" successfully rolled out\n'
    )


def test_status_waits_for_the_rollout_and_moves_the_clock(cluster):
    assert (
        cluster.kubectl("set image deployment/web nginx=nginx:1.26")
        == "deployment.apps/web image updated\n"
    )
    start = cluster.now
    out = cluster.kubectl("rollout status deployment web")
    assert lines(out) == [
        "Waiting for deployment spec update to be observed...",
        'Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
        'deployment "web" successfully rolled out',
    ]
    assert cluster.now > start  # the pods needed ticks of simulated time
    assert cluster.kubectl("get deploy web").splitlines()[1].split()[1:4] == ["3/3", "3", "3"]


def test_status_without_watch_prints_once(cluster):
    cluster.kubectl("set image deployment/web nginx=nginx:1.26")
    cluster.run(0)
    out = cluster.kubectl("rollout status deployment/web --watch=false")
    assert (
        out
        == 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n'
    )


def test_status_of_a_stuck_rollout_fails_at_the_progress_deadline(cluster):
    cluster.api.patch("deployments", "web", {"spec": {"progressDeadlineSeconds": 30}})
    cluster.kubectl("set image deployment/web nginx=nginx:broken")
    with pytest.raises(KubectlError) as failed:
        cluster.kubectl("rollout status deployment/web")
    assert str(failed.value) == 'error: deployment "web" exceeded its progress deadline'
    assert failed.value.stdout.splitlines()[-1] == (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...'
    )


def test_status_gives_up_at_its_timeout(cluster):
    cluster.kubectl("set image deployment/web nginx=nginx:broken")
    with pytest.raises(KubectlError, match="^error: timed out waiting for the condition$"):
        cluster.kubectl("rollout status deployment/web --timeout=10s")


def test_history_and_one_revision(cluster):
    cluster.kubectl("set image deployment/web nginx=nginx:1.26")
    cluster.kubectl("rollout status deployment/web")
    assert cluster.kubectl("rollout history deployment/web") == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    )
    detail = cluster.kubectl("rollout history deployment/web --revision=2")
    assert detail.startswith(
        "deployment.apps/web with revision #2\nPod Template:\n  Labels:\tapp=web\n"
    )
    assert "    Image:\tnginx:1.26\n" in detail


def test_undo_returns_to_the_previous_revision(cluster):
    cluster.kubectl("set image deployment/web nginx=nginx:1.26")
    cluster.kubectl("rollout status deployment/web")
    assert cluster.kubectl("rollout undo deployment/web") == "deployment.apps/web rolled back\n"
    cluster.kubectl("rollout status deployment/web")
    assert "nginx:1.25" in cluster.kubectl("get deploy web -o wide")
    assert cluster.kubectl("rollout history deployment/web").splitlines()[2:] == [
        "2         <none>",
        "3         <none>",
        "",
    ]
    again = cluster.kubectl("rollout undo deployment/web --to-revision=3")
    assert (
        again
        == "deployment.apps/web skipped rollback (current template already matches revision 3)\n"
    )


@pytest.mark.parametrize(
    ("command", "error"),
    [
        pytest.param(
            "rollout undo deployment/web --to-revision=7",
            "error: unable to find specified revision 7 in history",
            id="undo to a revision that never was",
        ),
        pytest.param(
            "rollout undo deployment/web",
            'error: no rollout history found for deployment "web"',
            id="undo with one revision only",
        ),
        pytest.param(
            "rollout history deployment/web --revision=5",
            "error: unable to find the specified revision",
            id="history of a missing revision",
        ),
        pytest.param(
            "rollout resume deployment/web",
            'error: deployments.apps "web" is not paused',
            id="resume what is not paused",
        ),
        pytest.param(
            "rollout status",
            "error: Required resource not specified.\nSee 'kubectl rollout status -h' for help and examples",
            id="no resource",
        ),
        pytest.param(
            "rollout status deployment/nope",
            'Error from server (NotFound): deployments.apps "nope" not found',
            id="no such deployment",
        ),
        pytest.param(
            "rollout status pod/web",
            "error: no status viewer has been implemented for Pod",
            id="pods have no rollout",
        ),
        pytest.param(
            "set image deployment/web foo=nginx:2",
            'error: unable to find container named "foo"',
            id="set image of an unknown container",
        ),
        pytest.param(
            "set image deployment/web",
            "error: at least one image update is required",
            id="set image without an image",
        ),
    ],
)
def test_errors(cluster, command, error):
    if command.startswith("rollout status pod"):
        cluster.api.create(
            "pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "web"},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        )
    with pytest.raises(KubectlError) as failed:
        cluster.kubectl(command)
    assert str(failed.value) == error


def test_pause_and_resume(cluster):
    assert cluster.kubectl("rollout pause deployment/web") == "deployment.apps/web paused\n"
    with pytest.raises(KubectlError, match='^error: deployments.apps "web" is already paused$'):
        cluster.kubectl("rollout pause deployment/web")
    with pytest.raises(KubectlError, match="^error: you cannot rollback a paused deployment"):
        cluster.kubectl("rollout undo deployment/web --to-revision=1")
    assert cluster.kubectl("rollout resume deployment/web") == "deployment.apps/web resumed\n"
    assert "paused" not in cluster.api.get("deployments", "web")["spec"]


def test_restart_rolls_out_a_new_template_annotation(cluster):
    assert cluster.kubectl("rollout restart deployment/web") == "deployment.apps/web restarted\n"
    template = cluster.api.get("deployments", "web")["spec"]["template"]
    assert template["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/restartedAt": cluster.timestamp()
    }
    with pytest.raises(KubectlError) as again:
        cluster.kubectl("rollout restart deployment/web")  # same second: an empty patch
    assert str(again.value) == (
        "error: failed to create patch for web: if restart has already been triggered within the "
        "past second, please wait before attempting to trigger another"
    )
    cluster.kubectl("rollout status deployment/web")
    assert len(cluster.api.list("replicasets")) == 2


def test_set_image_to_the_same_image_prints_nothing(cluster):
    assert cluster.kubectl("set image deployment/web nginx=nginx:1.25") == ""
    assert (
        cluster.kubectl("set image deployment/web *=nginx:1.27")
        == "deployment.apps/web image updated\n"
    )
