"""A plausible wrong answer to exercise 11 (high availability): still waits when the Lease has been unchanged for exactly leaseDuration (<= where client-go's isLeaseValid says the lease is valid only while observedTime + leaseDuration is after now)."""

# %%
from k8sedu.client.leaderelection import Record


# %%
def step(record, me, now, observed_time, config):
    """One retry of the candidate `me` at `now`: (the record to write or None, whether `me` leads)."""
    if record is None:
        return Record(me, int(config.lease_duration), now, now, 0), True  # no Lease yet: create it
    if record.holder_identity == me:
        if now - record.renew_time > config.renew_deadline:
            return None, False  # could not renew in time: stop before someone takes over
        return record._replace(
            lease_duration_seconds=int(config.lease_duration), renew_time=now
        ), True
    if record.holder_identity and now <= observed_time + record.lease_duration_seconds:
        return None, False  # held by another, not expired by our own clock
    return Record(me, int(config.lease_duration), now, now, record.lease_transitions + 1), True
