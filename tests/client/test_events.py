"""The EventRecorder: client-go's Event names, fields and correlation (dedup, aggregate, spam)."""

import pytest

from k8sedu.apiserver.client import Client
from k8sedu.client.events import EventRecorder


@pytest.fixture
def setup(owner):
    cluster = owner.cluster
    cm = cluster.api.create(
        "configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}}
    )
    recorder = EventRecorder(Client(cluster, "system:test", "test-owner"), "replicaset-controller")
    return cluster, recorder, cm


def test_an_event_has_client_go_name_and_fields(setup):
    cluster, recorder, cm = setup
    cluster.run(1.5)
    ev = recorder.event(cm, "Normal", "SuccessfulCreate", "Created pod: web-abcde")
    # 2025-01-01T00:00:01.5Z = 1735689601.5 s since the Unix epoch, in hex nanoseconds
    assert ev["metadata"]["name"] == f"web.{1735689601_500_000_000:x}"
    assert ev["metadata"]["namespace"] == "default"
    assert ev["involvedObject"] == {
        "kind": "ConfigMap",
        "namespace": "default",
        "name": "web",
        "uid": cm["metadata"]["uid"],
        "apiVersion": "v1",
        "resourceVersion": cm["metadata"]["resourceVersion"],
    }
    assert (ev["type"], ev["reason"], ev["message"], ev["count"]) == (
        "Normal",
        "SuccessfulCreate",
        "Created pod: web-abcde",
        1,
    )
    assert ev["source"] == {"component": "replicaset-controller"}
    assert (ev["reportingComponent"], ev["reportingInstance"]) == ("replicaset-controller", "")
    assert ev["firstTimestamp"] == ev["lastTimestamp"] == "2025-01-01T00:00:01Z"


def test_the_same_event_twice_is_one_object_with_count_2(setup):
    cluster, recorder, cm = setup
    first = recorder.event(cm, "Warning", "FailedCreate", "quota exceeded")
    cluster.run(10)
    second = recorder.event(cm, "Warning", "FailedCreate", "quota exceeded")
    events = cluster.events
    assert len(events) == 1
    assert second["metadata"]["name"] == first["metadata"]["name"]
    assert (events[0]["count"], events[0]["firstTimestamp"], events[0]["lastTimestamp"]) == (
        2,
        "2025-01-01T00:00:00Z",
        "2025-01-01T00:00:10Z",
    )


@pytest.mark.parametrize(
    ("second", "expected_events"),
    [
        pytest.param(("Warning", "FailedCreate", "other message"), 2, id="other message"),
        pytest.param(("Warning", "OtherReason", "quota exceeded"), 2, id="other reason"),
        pytest.param(("Normal", "FailedCreate", "quota exceeded"), 2, id="other type"),
        pytest.param(("Warning", "FailedCreate", "quota exceeded"), 1, id="identical"),
    ],
)
def test_only_identical_events_are_merged(setup, second, expected_events):
    cluster, recorder, cm = setup
    recorder.event(cm, "Warning", "FailedCreate", "quota exceeded")
    cluster.run(1)
    recorder.event(cm, *second)
    assert len(cluster.events) == expected_events


def test_a_cluster_scoped_object_reports_in_default(setup):
    cluster, recorder, _ = setup
    ns = cluster.api.get("namespaces", "kube-system")
    ev = recorder.event(ns, "Normal", "Test", "about a cluster-scoped object")
    assert ev["metadata"]["namespace"] == "default"
    assert "namespace" not in ev["involvedObject"]


def test_ten_similar_messages_in_ten_minutes_are_combined(setup):
    cluster, recorder, cm = setup
    for i in range(12):
        recorder.event(cm, "Warning", "BackOff", f"attempt {i}")
        cluster.run(1)
    messages = [ev["message"] for ev in cluster.events]
    # events_cache.go: the 10th distinct message starts one aggregate, counted from then on
    assert len(messages) == 10
    assert messages[-1] == "(combined from similar events): attempt 11"
    assert cluster.events[-1]["count"] == 3


def test_spam_filter_allows_25_events_per_object(setup):
    cluster, recorder, cm = setup
    stored = [recorder.event(cm, "Normal", f"Reason{i}", "m") for i in range(30)]
    assert sum(ev is not None for ev in stored) == 25
    cluster.run(300)  # refills one token every 5 minutes
    assert recorder.event(cm, "Normal", "Late", "m") is not None
    assert recorder.event(cm, "Normal", "Later", "m") is None


def test_unknown_event_types_are_dropped(setup):
    cluster, recorder, cm = setup
    assert recorder.event(cm, "Error", "X", "y") is None
    assert cluster.events == []


def test_events_at_one_instant_get_distinct_names(setup):
    cluster, recorder, cm = setup
    other = EventRecorder(Client(cluster, "system:other", "other"), "deployment-controller")
    names = [
        recorder.event(cm, "Normal", "SuccessfulCreate", f"Created pod: web-{i}")["metadata"][
            "name"
        ]
        for i in range(3)
    ]
    names.append(other.event(cm, "Normal", "ScalingReplicaSet", "Scaled up")["metadata"]["name"])
    base = 1735689600_000_000_000
    # one recorder counts on by 1 ns; another one's names taken at this instant are skipped
    assert names == [f"web.{base + i:x}" for i in range(4)]
