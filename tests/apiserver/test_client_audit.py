"""The audit trail names what each request touched, as the trace records it."""

import k8sedu as k


def test_generate_name_create_is_recorded_under_the_name_the_server_made():
    cluster = k.Cluster.bare()
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"generateName": "cfg-"},
    }
    made = cluster.api.create("configmaps", body)["metadata"]["name"]
    record = cluster.trace.records[-1]
    assert (record.verb, record.key) == ("create", f"default/{made}")
    assert made.startswith("cfg-") and len(made) == 9


def test_lists_keep_their_namespace_key():
    cluster = k.Cluster.bare()
    cluster.api.list("configmaps")
    record = cluster.trace.records[-1]
    assert (record.verb, record.key) == ("list", "")
