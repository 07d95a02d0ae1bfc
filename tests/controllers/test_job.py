"""The Job controller: completions, parallelism, retries with the pod-failure back-off, deadlines.

Most tests keep the pods Pending (a nodeSelector no node has) and play the kubelet by setting pod
phases through the API; the last two let the scheduler and kubelets run ``k8sedu/job``. Expected
values: REFERENCE §4.5 and ``pkg/controller/job/job_controller.go`` (backoff 10 s doubling,
``syncJobBatchPeriod`` 1 s, conditions SuccessCriteriaMet/Complete and FailureTarget/Failed).
"""

import pytest

from k8sedu import objects
from k8sedu.cluster import Cluster
from k8sedu.controllers.job import TRACKING_FINALIZER, backoff_delay


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(nodes=1)


def job(name: str = "pi", env: list | None = None, pending: bool = True, **spec) -> dict:
    """A Job; ``pending`` pods fit no node, so the test plays their kubelet by hand."""
    pod_spec = {
        "restartPolicy": "Never",
        "containers": [{"name": "pi", "image": "k8sedu/job:1.0", "env": env or []}],
    }
    if pending:
        pod_spec["nodeSelector"] = {"example.com/no-such-node": "true"}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": {"template": {"spec": pod_spec}, **spec},
    }


def pods(cluster: Cluster, active_only: bool = False) -> list[dict]:
    found = cluster.api.list("pods", namespace="default", label_selector="job-name")
    if active_only:
        found = [
            p for p in found if p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
        ]
    return sorted(found, key=lambda p: p["metadata"]["creationTimestamp"] + p["metadata"]["name"])


def finish(cluster: Cluster, pod: dict, phase: str) -> None:
    """What the kubelet reports when the container exits (exit code 0 or 1)."""
    pod = cluster.api.get("pods", pod["metadata"]["name"])
    now = cluster.timestamp()
    pod["status"] = {
        "phase": phase,
        "conditions": [{"type": "Ready", "status": "False", "lastTransitionTime": now}],
        "containerStatuses": [
            {
                "name": "pi",
                "ready": False,
                "restartCount": 0,
                "state": {
                    "terminated": {
                        "exitCode": 0 if phase == "Succeeded" else 1,
                        "reason": "Completed" if phase == "Succeeded" else "Error",
                        "finishedAt": now,
                    }
                },
            }
        ],
    }
    cluster.api.update_status("pods", pod)


def conditions(cluster: Cluster, name: str = "pi") -> list[tuple]:
    status = cluster.api.get("jobs", name).get("status", {})
    return [(c["type"], c["reason"], c["message"]) for c in status.get("conditions") or []]


@pytest.mark.parametrize(
    ("failures", "delay"),
    [
        pytest.param(1, 10, id="first failure: 10s"),
        pytest.param(2, 20, id="doubling"),
        pytest.param(6, 320, id="sixth: 320s"),
        pytest.param(7, 600, id="capped at MaxJobPodFailureBackOff 10min"),
    ],
)
def test_backoff_delay(failures, delay):
    assert backoff_delay(failures) == delay


@pytest.mark.parametrize(
    ("spec", "active"),
    [
        pytest.param({}, 1, id="defaults: one pod"),
        pytest.param({"completions": 5, "parallelism": 2}, 2, id="parallelism caps"),
        pytest.param({"completions": 2, "parallelism": 5}, 2, id="completions cap"),
        pytest.param({"parallelism": 3, "completions": None}, 3, id="work queue: parallelism"),
    ],
)
def test_active_pods(cluster, spec, active):
    cluster.api.create("jobs", job(**spec))
    cluster.run(2)
    created = pods(cluster)
    assert len(created) == active
    assert all(TRACKING_FINALIZER in p["metadata"]["finalizers"] for p in created)
    assert cluster.api.get("jobs", "pi")["status"]["active"] == active


def test_completes_after_completions(cluster):
    cluster.api.create("jobs", job(completions=2, parallelism=1))
    cluster.run(1)
    for _ in range(2):
        finish(cluster, pods(cluster, active_only=True)[0], "Succeeded")
        cluster.run(2)
    status = cluster.api.get("jobs", "pi")["status"]
    assert status["succeeded"] == 2 and status["active"] == 0
    assert conditions(cluster) == [
        ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "CompletionsReached", "Reached expected number of succeeded pods"),
    ]
    assert status["uncountedTerminatedPods"] == {}
    assert all(
        TRACKING_FINALIZER not in (p["metadata"].get("finalizers") or []) for p in pods(cluster)
    )
    reasons = [e["reason"] for e in cluster.events if e["involvedObject"]["kind"] == "Job"]
    assert reasons == ["SuccessfulCreate", "SuccessfulCreate", "Completed"]


def test_retries_with_backoff_then_fails(cluster):
    """backoffLimit 2: failures at t, replacements 10 s and 20 s after the last failure, and the
    third failure fails the Job (failed 3 > 2)."""
    cluster.api.create("jobs", job(backoffLimit=2))
    cluster.run(1)
    created_at = []
    for _ in range(3):
        pod = pods(cluster, active_only=True)[0]
        created_at.append(objects.parse_timestamp(pod["metadata"]["creationTimestamp"]))
        finish(cluster, pod, "Failed")
        failed_at = cluster.now
        if len(created_at) < 3:
            cluster.run_until(lambda c: len(pods(c, active_only=True)) == 1, 700)
            assert cluster.now - failed_at == backoff_delay(len(created_at))
    cluster.run(2)
    status = cluster.api.get("jobs", "pi")["status"]
    assert status["failed"] == 3 and status["active"] == 0
    assert conditions(cluster) == [
        ("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
        ("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
    ]
    warning = [e for e in cluster.events if e["type"] == "Warning"][-1]
    assert (warning["reason"], warning["message"]) == (
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
    )


def test_active_deadline(cluster):
    cluster.api.create("jobs", job(activeDeadlineSeconds=30))
    cluster.run(29)
    assert conditions(cluster) == []
    cluster.run(2)
    assert (
        "FailureTarget",
        "DeadlineExceeded",
        "Job was active longer than specified deadline",
    ) in conditions(cluster)
    assert all(p["metadata"].get("deletionTimestamp") for p in pods(cluster))


def test_ttl_after_finished_deletes_job(cluster):
    cluster.api.create("jobs", job(ttlSecondsAfterFinished=60))
    cluster.run(1)
    finish(cluster, pods(cluster)[0], "Succeeded")
    cluster.run(2)
    assert (
        "Complete",
        "CompletionsReached",
        "Reached expected number of succeeded pods",
    ) in conditions(cluster)
    cluster.run(50)
    assert cluster.api.list("jobs", namespace="default")
    cluster.run(20)
    assert not cluster.api.list("jobs", namespace="default")


@pytest.mark.parametrize(
    ("exit_code", "expected"),
    [
        pytest.param("0", ("Complete", 1, 0), id="k8sedu/job exits 0: Complete"),
        pytest.param("1", ("Failed", 0, 3), id="exits 1 three times: BackoffLimitExceeded"),
    ],
)
def test_real_pods(cluster, exit_code, expected):
    env = [{"name": "EXIT_CODE", "value": exit_code}]
    cluster.api.create("jobs", job(env=env, pending=False, backoffLimit=2))

    def finished(c: Cluster) -> bool:
        return any(t in ("Complete", "Failed") for t, _, _ in conditions(c))

    cluster.run_until(finished, 600)
    status = cluster.api.get("jobs", "pi")["status"]
    final = [t for t, _, _ in conditions(cluster) if t in ("Complete", "Failed")]
    assert (final[0], status.get("succeeded", 0), status.get("failed", 0)) == expected
