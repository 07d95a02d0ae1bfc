"""client-go's leader election as one pure step: take, wait, renew, take over an expired Lease."""

import pytest

from k8sedu.client.leaderelection import Config, Record, lease_spec, record_of, step
from k8sedu.objects import EPOCH

CFG = Config()
MINE = Record("cp1_me", 15, acquire_time=0.0, renew_time=8.0, lease_transitions=2)
THEIRS = Record("cp2_other", 15, acquire_time=0.0, renew_time=8.0, lease_transitions=2)
RELEASED = THEIRS._replace(holder_identity="")


def me(acquire: float, renew: float, transitions: int) -> Record:
    return Record("cp1_me", 15, acquire, renew, transitions)


# record, now, observed_time -> what to write (None: nothing), leading; tryAcquireOrRenew's rules
CASES = [
    pytest.param(None, 5.0, 0.0, me(5, 5, 0), True, id="no Lease: create it"),
    pytest.param(THEIRS, 22.9, 8.0, None, False, id="held, seen 14.9 s ago: wait"),
    pytest.param(THEIRS, 23.0, 8.0, me(23, 23, 3), True, id="seen exactly 15 s ago: expired"),
    pytest.param(
        THEIRS._replace(renew_time=1e9),
        40.0,
        20.0,
        me(40, 40, 3),
        True,
        id="expired by our clock, whatever renewTime says",
    ),
    pytest.param(RELEASED, 9.0, 8.0, me(9, 9, 3), True, id="released: take it at once"),
    pytest.param(MINE, 10.0, 8.0, me(0, 10, 2), True, id="ours: renew, keep acquireTime"),
    pytest.param(MINE, 60.0, 8.0, me(0, 60, 2), True, id="ours, expired: still ours"),
]


@pytest.mark.parametrize("record, now, observed, want, leading", CASES)
def test_step(record, now, observed, want, leading):
    assert step(record, "cp1_me", now, observed, CFG) == (want, leading)


def test_the_recommended_defaults():
    # component-base/config/v1alpha1/defaults.go RecommendedDefaultLeaderElectionConfiguration
    assert (CFG.lease_duration, CFG.renew_deadline, CFG.retry_period) == (15.0, 10.0, 2.0)


@pytest.mark.parametrize(
    "durations, message",
    [
        ((10, 10, 2), "leaseDuration must be greater than renewDeadline"),
        ((15, 2.4, 2), "renewDeadline must be greater than retryPeriod\\*JitterFactor"),
    ],
    ids=["lease-not-longer-than-deadline", "deadline-within-jittered-retry"],
)
def test_new_leader_elector_rejects_bad_timing(durations, message):
    with pytest.raises(ValueError, match=message):
        Config(*durations)


def test_a_record_round_trips_through_the_lease_spec_as_micro_time():
    record = Record("control-plane_abc", 15, 1.5, 3.25, 4)
    spec = lease_spec(record, EPOCH)
    assert spec == {
        "holderIdentity": "control-plane_abc",
        "leaseDurationSeconds": 15,
        "acquireTime": "2025-01-01T00:00:01.500000Z",
        "renewTime": "2025-01-01T00:00:03.250000Z",
        "leaseTransitions": 4,
    }
    assert record_of({"spec": spec}, EPOCH) == record
