"""Random sequences of API writes keep etcd's invariants (the spine's property test).

After any mix of creates, updates, patches and deletes through the API server:
the store revision rises by exactly one per successful write, every object's resourceVersion is
its key's mod_revision, a watch replayed from the start rebuilds exactly the final state, and
reads below a compaction fail.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import k8sedu as k

NAMES = ["a", "b", "c", "d"]
ops = st.lists(
    st.tuples(
        st.sampled_from(["create", "label", "patch", "delete", "update-stale"]),
        st.sampled_from(NAMES),
    ),
    min_size=1,
    max_size=30,
)


def configmap(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"v": "0"}}


class Replay:
    def __init__(self):
        self.state = {}

    def __call__(self, event):
        obj = event["object"]
        if event["type"] == "DELETED":
            self.state.pop(obj["metadata"]["name"], None)
        else:
            self.state[obj["metadata"]["name"]] = obj["metadata"]["resourceVersion"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_api_writes_keep_store_invariants(sequence):
    cluster = k.Cluster.bare()
    api = cluster.api
    start = api.list("configmaps", namespace="default").resource_version
    revisions = [cluster.etcd.revision]
    counter = 0
    for op, name in sequence:
        before = cluster.etcd.revision
        wrote = True
        try:
            if op == "create":
                api.create("configmaps", configmap(name))
            elif op == "label":
                counter += 1
                api.patch("configmaps", name, {"metadata": {"labels": {"n": str(counter)}}})
            elif op == "patch":
                counter += 1
                api.patch("configmaps", name, {"data": {"v": str(counter)}}, type="merge")
            elif op == "delete":
                api.delete("configmaps", name)
            else:
                stale = api.get("configmaps", name)
                api.patch("configmaps", name, {"data": {"v": f"x{counter}"}}, type="merge")
                counter += 1
                stale["data"]["v"] = "stale"
                with pytest.raises(k.Conflict):
                    api.update("configmaps", stale)
        except (k.NotFound, k.AlreadyExists):
            wrote = False
        after = cluster.etcd.revision
        if wrote:
            assert after > before
        else:
            assert after == before  # a failed request leaves nothing behind
        revisions.append(after)
    assert revisions == sorted(revisions)
    # every object's resourceVersion is its key's mod_revision
    live = {
        cm["metadata"]["name"]: cm["metadata"]["resourceVersion"]
        for cm in api.list("configmaps", "default")
    }
    for name, rv in live.items():
        assert cluster.etcd.get(f"/registry/configmaps/default/{name}").mod_revision == int(rv)
    # a watch from the first resourceVersion replays exactly into the final state
    replay = Replay()
    api.watch("configmaps", replay, namespace="default", resource_version=start)
    cluster.run(0)
    assert {n: rv for n, rv in replay.state.items() if n in NAMES} == live
    # after two compaction intervals the old resourceVersion is gone
    api.create("configmaps", configmap("last"))
    cluster.run(601)
    with pytest.raises(k.Gone):
        api.watch("configmaps", Replay(), namespace="default", resource_version=start)
