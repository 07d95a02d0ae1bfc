"""k8sedu.objects: field selectors (fields/selector.go, core/v1 conversion.go), owner references,
conditions (kubelet UpdatePodCondition), timestamps, HumanDuration (util/duration/duration.go)
and generated names."""

import random
import uuid

import pytest

from k8sedu.errors import BadRequest
from k8sedu.objects import (
    EPOCH,
    NAME_ALPHABET,
    check_field_selector,
    controller_of,
    field_matches,
    generate_name,
    get_condition,
    human_duration,
    is_owned_by,
    is_pod_ready,
    key_of,
    labels_of,
    micro_timestamp,
    new_uid,
    owner_reference,
    parse_field_selector,
    parse_selector,
    parse_timestamp,
    random_suffix,
    set_condition,
    timestamp,
)


def test_metadata_helpers():
    pod = {"metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}}}
    node = {"metadata": {"name": "node-1"}}
    assert (key_of(pod), key_of(node), labels_of(pod), labels_of(node)) == (
        "default/web",
        "node-1",
        {"app": "web"},
        {},
    )


def test_label_selectors_are_reexported():
    assert parse_selector("app=web").matches({"app": "web"})


# --- field selectors ------------------------------------------------------------------------

FIELD_PARSE = {
    "equals": ("status.phase=Running", [("status.phase", "=", "Running")]),
    "double equals": ("status.phase==Running", [("status.phase", "==", "Running")]),
    "not equals, empty value": ("spec.nodeName!=", [("spec.nodeName", "!=", "")]),
    "terms sorted": ("b=1,a=2", [("a", "=", "2"), ("b", "=", "1")]),
    "empty terms skipped": (",a=1,", [("a", "=", "1")]),
    "escaped comma and equals": (r"a=x\,y\=z\\", [("a", "=", "x,y=z\\")]),
    "empty selector": ("", []),
}


@pytest.mark.parametrize(("text", "expected"), FIELD_PARSE.values(), ids=FIELD_PARSE.keys())
def test_parse_field_selector(text, expected):
    assert parse_field_selector(text) == expected


FIELD_ERRORS = {
    "no operator": ("a", "invalid selector: 'a'; can't understand 'a'"),
    "bad escape": (r"a=\x", r"invalid field selector: invalid escape sequence: \x"),
    "trailing backslash": ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
    "unescaped equals": ("a=b=c", "invalid field selector: unescaped character in value: 61"),
}


@pytest.mark.parametrize(("text", "message"), FIELD_ERRORS.values(), ids=FIELD_ERRORS.keys())
def test_field_selector_errors(text, message):
    with pytest.raises(ValueError) as error:
        parse_field_selector(text)
    assert str(error.value) == message


BOUND = {
    "metadata": {"name": "web-1", "namespace": "default"},
    "spec": {"nodeName": "node-1", "schedulerName": "default-scheduler", "hostNetwork": True},
    "status": {"phase": "Running", "podIPs": [{"ip": "10.244.1.5"}]},
}
UNBOUND = {"metadata": {"name": "web-2", "namespace": "default"}, "status": {"phase": "Pending"}}
POD_FIELDS = {
    "bound pods": ("spec.nodeName!=", True, False),
    "unbound pods": ("spec.nodeName=", False, True),
    "on a node": ("spec.nodeName=node-1", True, False),
    "phase and namespace": ("status.phase=Running,metadata.namespace=default", True, False),
    "not running": ("status.phase!=Running", False, True),
    "host network defaults to false": ("spec.hostNetwork=false", False, True),
    "pod IP from podIPs": ("status.podIP=10.244.1.5", True, False),
    "scheduler name": ("spec.schedulerName==default-scheduler", True, False),
}


@pytest.mark.parametrize(("text", "bound", "unbound"), POD_FIELDS.values(), ids=POD_FIELDS.keys())
def test_pod_field_selectors(text, bound, unbound):
    requirements = parse_field_selector(text)
    assert field_matches("pods", BOUND, requirements) is bound
    assert field_matches("pods", UNBOUND, requirements) is unbound


def test_event_node_and_namespace_fields():
    event = {
        "involvedObject": {"kind": "Pod", "name": "web-1"},
        "reason": "Scheduled",
        "type": "Normal",
        "source": {"component": "default-scheduler"},
    }
    terms = "involvedObject.kind=Pod,involvedObject.name=web-1,reason=Scheduled,source=default-scheduler"
    assert field_matches("events", event, parse_field_selector(terms))
    assert field_matches(
        "nodes", {"spec": {"unschedulable": True}}, parse_field_selector("spec.unschedulable=true")
    )
    assert field_matches(
        "namespaces", {"status": {"phase": "Active"}}, parse_field_selector("status.phase=Active")
    )


UNSUPPORTED = {
    "pod field": ("pods", "spec.foo", "field label not supported: spec.foo"),
    "pod host IP": ("pods", "status.hostIP", "field label not supported: status.hostIP"),
    "node namespace": (
        "nodes",
        "metadata.namespace",
        "field label not supported: metadata.namespace",
    ),
    "other resource": (
        "deployments",
        "spec.replicas",
        '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ),
}


@pytest.mark.parametrize(
    ("resource", "field", "message"), UNSUPPORTED.values(), ids=UNSUPPORTED.keys()
)
def test_unsupported_fields_are_bad_requests(resource, field, message):
    with pytest.raises(BadRequest) as error:
        check_field_selector(resource, [(field, "=", "x")])
    assert (str(error.value), error.value.code) == (message, 400)


def test_deployments_select_by_name():
    deployment = {"metadata": {"name": "web", "namespace": "prod"}}
    assert field_matches("deployments", deployment, parse_field_selector("metadata.name=web"))


# --- owner references -----------------------------------------------------------------------

RS = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-7d4", "uid": "u-1"}}


def test_owner_reference_is_a_controller_reference():
    assert owner_reference(RS) == {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "name": "web-7d4",
        "uid": "u-1",
        "controller": True,
        "blockOwnerDeletion": True,
    }


def test_controller_of_and_owned_by():
    other = owner_reference(
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n", "uid": "u-2"}},
        controller=False,
    )
    pod = {"metadata": {"ownerReferences": [other, owner_reference(RS)]}}
    assert controller_of(pod)["uid"] == "u-1"
    assert controller_of({"metadata": {"ownerReferences": [other]}}) is None
    assert is_owned_by(pod, "u-2") and not is_owned_by(pod, "u-3")


# --- conditions -----------------------------------------------------------------------------

T0, T1 = "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z"


def test_a_new_condition_gets_the_transition_time():
    status = {}
    assert set_condition(status, {"type": "Ready", "status": "False"}, T0)
    assert status["conditions"] == [{"type": "Ready", "status": "False", "lastTransitionTime": T0}]


CONDITION_UPDATES = {
    "same status, nothing else: no change": ({"status": "False"}, False, T0),
    "same status, new reason: changed, time kept": ({"status": "False", "reason": "Why"}, True, T0),
    "status flips: changed, new time": ({"status": "True"}, True, T1),
}


@pytest.mark.parametrize(
    ("update", "changed", "time"), CONDITION_UPDATES.values(), ids=CONDITION_UPDATES.keys()
)
def test_condition_transition_rules(update, changed, time):
    status = {"conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": T0}]}
    set_condition(status, {"type": "Ready", "status": "False"}, T0)
    assert set_condition(status, {"type": "Ready", **update}, T1) is changed
    assert get_condition(status, "Ready")["lastTransitionTime"] == time
    assert [c["type"] for c in status["conditions"]] == ["PodScheduled", "Ready"]


def test_pod_readiness_reads_the_ready_condition():
    ready = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    assert is_pod_ready(ready) and not is_pod_ready({"status": {}})
    assert get_condition(ready, "Ready") == get_condition(ready["status"], "Ready")


# --- time -----------------------------------------------------------------------------------


def test_timestamps():
    assert EPOCH.isoformat() == "2025-01-01T00:00:00+00:00"
    assert timestamp(30) == "2025-01-01T00:00:30Z"
    assert timestamp(30.9) == "2025-01-01T00:00:30Z"  # metav1.Time drops the fraction
    assert micro_timestamp(30) == "2025-01-01T00:00:30.000000Z"
    assert micro_timestamp(0.1 + 0.2) == "2025-01-01T00:00:00.300000Z"
    assert timestamp(86400 * 31) == "2025-02-01T00:00:00Z"
    assert parse_timestamp("2025-01-01T00:02:00Z") == 120
    assert parse_timestamp(micro_timestamp(12.5)) == 12.5


# every branch of HumanDuration at its boundaries
MINUTE, HOUR, DAY, YEAR = 60, 3600, 86400, 365 * 86400
DURATIONS = [
    (-2, "<invalid>"),
    (-1.5, "0s"),
    (-0.5, "0s"),
    (0, "0s"),
    (119.9, "119s"),
    (2 * MINUTE, "2m"),
    (2 * MINUTE + 5, "2m5s"),
    (10 * MINUTE - 1, "9m59s"),
    (10 * MINUTE, "10m"),
    (3 * HOUR - 1, "179m"),
    (3 * HOUR, "3h"),
    (3 * HOUR + MINUTE, "3h1m"),
    (8 * HOUR - 1, "7h59m"),
    (8 * HOUR, "8h"),
    (48 * HOUR - 1, "47h"),
    (48 * HOUR, "2d"),
    (49 * HOUR, "2d1h"),
    (8 * DAY - 1, "7d23h"),
    (8 * DAY, "8d"),
    (2 * YEAR - 1, "729d"),
    (2 * YEAR, "2y"),
    (2 * YEAR + DAY, "2y1d"),
    (8 * YEAR - 1, "7y364d"),
    (8 * YEAR + 40 * DAY, "8y"),
]


@pytest.mark.parametrize(
    ("seconds", "expected"), DURATIONS, ids=[d[1] + f"@{d[0]}" for d in DURATIONS]
)
def test_human_duration(seconds, expected):
    assert human_duration(seconds) == expected


# --- names and uids -------------------------------------------------------------------------


def test_generated_names_use_the_real_alphabet_and_length():
    rng = random.Random("0/names")
    suffix = random_suffix(rng)
    assert len(suffix) == 5 and set(suffix) <= set(NAME_ALPHABET)
    name = generate_name("x" * 70, rng)
    assert len(name) == 63 and name.startswith("x" * 58)
    assert generate_name("web-", random.Random(1)) == generate_name("web-", random.Random(1))


def test_uids_are_seeded_version_4_uuids():
    uid = new_uid(random.Random("0/uids"))
    assert uuid.UUID(uid).version == 4
    assert uid == new_uid(random.Random("0/uids")) != new_uid(random.Random("1/uids"))


def test_doctests():
    import doctest

    import k8sedu.objects

    assert doctest.testmod(k8sedu.objects).failed == 0
