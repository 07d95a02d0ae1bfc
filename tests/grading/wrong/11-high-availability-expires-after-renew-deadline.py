"""A plausible wrong answer to exercise 11 (high availability): judges another holder's Lease by its renewTime and takes it once that is renewDeadline old, instead of waiting leaseDuration after it was last seen to change."""

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
    if record.holder_identity and now - record.renew_time <= config.renew_deadline:
        return None, False  # the holder renewed recently: wait
    return Record(me, int(config.lease_duration), now, now, record.lease_transitions + 1), True
