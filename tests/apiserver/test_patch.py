"""PATCH semantics. Expected values follow gopkg.in/evanphx/json-patch.v4 (JSON patch), RFC 7386
(merge patch) and k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (strategic merge patch,
kubectl's three-way apply patch), with kube-apiserver's error mapping from handlers/patch.go."""

from __future__ import annotations

import pytest

from k8sedu.apiserver.patch import (
    PatchFailed,
    RejectedPatch,
    json_patch,
    merge_patch,
    strategic_merge_patch,
    three_way_merge_patch,
    two_way_merge_patch,
)
from k8sedu.errors import BadRequest

# --- JSON patch ----------------------------------------------------------------------------------

DOC = {"spec": {"replicas": 1, "list": ["a", "b"], "a/b": 1, "m~n": 2}}


@pytest.mark.parametrize(
    "ops, expected",
    [
        ([{"op": "add", "path": "/spec/paused", "value": True}], {**DOC["spec"], "paused": True}),
        (
            [{"op": "add", "path": "/spec/list/-", "value": "c"}],
            {**DOC["spec"], "list": ["a", "b", "c"]},
        ),
        (
            [{"op": "add", "path": "/spec/list/0", "value": "z"}],
            {**DOC["spec"], "list": ["z", "a", "b"]},
        ),
        ([{"op": "remove", "path": "/spec/list/-1"}], {**DOC["spec"], "list": ["a"]}),
        ([{"op": "replace", "path": "/spec/replicas", "value": 3}], {**DOC["spec"], "replicas": 3}),
        ([{"op": "replace", "path": "/spec/new", "value": 3}], {**DOC["spec"], "new": 3}),
        (
            [{"op": "remove", "path": "/spec/a~1b"}, {"op": "remove", "path": "/spec/m~0n"}],
            {"replicas": 1, "list": ["a", "b"]},
        ),
        (
            [{"op": "move", "from": "/spec/replicas", "path": "/spec/count"}],
            {"list": ["a", "b"], "a/b": 1, "m~n": 2, "count": 1},
        ),
        (
            [{"op": "copy", "from": "/spec/list/1", "path": "/spec/list/0"}],
            {**DOC["spec"], "list": ["b", "a", "b"]},
        ),
        (
            [
                {"op": "test", "path": "/spec/replicas", "value": 1},
                {"op": "remove", "path": "/spec/list"},
            ],
            {"replicas": 1, "a/b": 1, "m~n": 2},
        ),
    ],
    ids=[
        "add",
        "append-dash",
        "insert",
        "negative-index",
        "replace",
        "replace-missing-key-adds",
        "escapes",
        "move",
        "copy",
        "test-then-remove",
    ],
)
def test_json_patch(ops, expected):
    assert json_patch(DOC, ops) == {"spec": expected}
    assert DOC["spec"]["replicas"] == 1  # the input is not modified


@pytest.mark.parametrize(
    "op, detail",
    [
        (
            {"op": "remove", "path": "/spec/nope"},
            "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value",
        ),
        (
            {"op": "replace", "path": "/spec/list/5", "value": 1},
            "replace operation does not apply: doc is missing key: /spec/list/5: missing value",
        ),
        (
            {"op": "add", "path": "/status/phase", "value": "x"},
            'add operation does not apply: doc is missing path: "/status/phase": missing value',
        ),
        (
            {"op": "test", "path": "/spec/replicas", "value": 2},
            "testing value /spec/replicas failed: test failed",
        ),
        ({"op": "launch", "path": "/spec"}, "Unexpected kind: launch"),
    ],
    ids=[
        "remove-missing",
        "replace-out-of-range",
        "add-missing-parent",
        "test-failed",
        "unknown-op",
    ],
)
def test_json_patch_errors_are_the_generic_422(op, detail):
    with pytest.raises(RejectedPatch) as caught:
        json_patch(DOC, [op])
    assert str(caught.value) == "the server rejected our request due to an error in our request"
    assert (caught.value.code, caught.value.reason) == (422, "Invalid")
    assert caught.value.detail == detail


def test_json_patch_must_be_a_list():
    with pytest.raises(
        BadRequest, match="cannot unmarshal object into Go value of type jsonpatch.Patch"
    ):
        json_patch(DOC, {"op": "add"})


# --- JSON merge patch ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "patch, expected",
    [
        ({"spec": {"replicas": 3}}, {"spec": {"replicas": 3, "list": ["a"]}, "x": 1}),
        ({"x": None}, {"spec": {"replicas": 1, "list": ["a"]}}),
        ({"spec": {"list": ["b"]}}, {"spec": {"replicas": 1, "list": ["b"]}, "x": 1}),
        ({"x": {"y": 1, "z": None}}, {"spec": {"replicas": 1, "list": ["a"]}, "x": {"y": 1}}),
    ],
    ids=["merge-object", "null-deletes", "list-replaced", "new-object-drops-nulls"],
)
def test_merge_patch(patch, expected):
    assert merge_patch({"spec": {"replicas": 1, "list": ["a"]}, "x": 1}, patch) == expected


def test_merge_patch_null_body():
    with pytest.raises(BadRequest, match="Invalid JSON Patch"):
        merge_patch({}, None)


# --- strategic merge patch -----------------------------------------------------------------------


def pod(*containers: dict, **spec) -> dict:
    return {"metadata": {"name": "p"}, "spec": {"containers": list(containers), **spec}}


WEB = {
    "name": "web",
    "image": "nginx:1.26",
    "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
}
LOG = {"name": "log", "image": "busybox"}


@pytest.mark.parametrize(
    "patch, expected",
    [
        (
            {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}},
            pod({**WEB, "image": "nginx:1.27"}, LOG),
        ),
        (  # without $setElementOrder a new item goes before the live ones (mergeSortedSlice)
            {"spec": {"containers": [{"name": "side", "image": "envoy"}]}},
            pod({"name": "side", "image": "envoy"}, WEB, LOG),
        ),
        (
            {
                "spec": {
                    "$setElementOrder/containers": [
                        {"name": "web"},
                        {"name": "log"},
                        {"name": "side"},
                    ],
                    "containers": [{"name": "side", "image": "envoy"}],
                }
            },
            pod(WEB, LOG, {"name": "side", "image": "envoy"}),
        ),
        (
            {"spec": {"$setElementOrder/containers": [{"name": "log"}, {"name": "web"}]}},
            pod(LOG, WEB),
        ),
        ({"spec": {"containers": [{"name": "log", "$patch": "delete"}]}}, pod(WEB)),
        (
            {"spec": {"containers": [{"name": "web", "env": [{"name": "B", "$patch": "delete"}]}]}},
            pod({**WEB, "env": [{"name": "A", "value": "1"}]}, LOG),
        ),
        (
            {"spec": {"containers": [{"$patch": "replace"}, {"name": "only", "image": "x"}]}},
            pod({"name": "only", "image": "x"}),
        ),
        (
            {
                "spec": {
                    "containers": [
                        {"name": "web", "env": [{"$patch": "replace"}, {"name": "C", "value": "3"}]}
                    ]
                }
            },
            pod({**WEB, "env": [{"name": "C", "value": "3"}]}, LOG),
        ),
        ({"spec": {"tolerations": [{"key": "b"}]}}, pod(WEB, LOG, tolerations=[{"key": "b"}])),
        ({"spec": {"nodeSelector": None}}, pod(WEB, LOG)),
        (
            {"spec": {"nodeSelector": {"$patch": "replace", "disk": "hdd"}}},
            pod(WEB, LOG, nodeSelector={"disk": "hdd"}),
        ),
        ({"spec": {"nodeSelector": {"$patch": "delete"}}}, pod(WEB, LOG, nodeSelector={})),
        (
            {"spec": {"nodeSelector": {"zone": "b"}}},
            pod(WEB, LOG, nodeSelector={"disk": "ssd", "zone": "b"}),
        ),
        ({"spec": {"hostname": None, "subdomain": None}}, pod(WEB, LOG)),
    ],
    ids=[
        "merge-by-name",
        "new-item-first",
        "set-element-order-appends",
        "set-element-order-reorders",
        "delete-item",
        "delete-nested-item",
        "replace-list",
        "replace-nested-list",
        "list-without-strategy-replaced",
        "null-deletes-map",
        "replace-map",
        "delete-map",
        "merge-map",
        "null-for-missing-key-ignored",
    ],
)
def test_strategic_merge_patch(patch, expected):
    live = pod(WEB, LOG, tolerations=[{"key": "a"}], nodeSelector={"disk": "ssd"})
    if "tolerations" not in expected["spec"]:
        expected["spec"]["tolerations"] = [{"key": "a"}]
    if "nodeSelector" not in expected["spec"] and patch["spec"].get("nodeSelector", 0) is not None:
        expected["spec"]["nodeSelector"] = {"disk": "ssd"}
    assert strategic_merge_patch(live, patch, "Pod") == expected


@pytest.mark.parametrize(
    "patch, expected",
    [
        ({"metadata": {"finalizers": ["b", "c"]}}, ["a", "b", "c"]),
        ({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}, ["b"]),
        ({"metadata": {"$setElementOrder/finalizers": ["b", "a"]}}, ["b", "a"]),
    ],
    ids=["union", "delete-from-primitive-list", "reorder"],
)
def test_primitive_merge_list(patch, expected):
    live = {"metadata": {"name": "p", "finalizers": ["a", "b"]}}
    assert strategic_merge_patch(live, patch, "Pod")["metadata"]["finalizers"] == expected


def test_retain_keys_clears_the_other_strategy_fields():
    live = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    assert strategic_merge_patch(live, patch, "Deployment") == {
        "spec": {"strategy": {"type": "Recreate"}}
    }


@pytest.mark.parametrize(
    "patch, error, message",
    [
        (
            {"spec": {"containers": [{"image": "nginx:1.27"}]}},
            PatchFailed,
            "map: map[image:nginx:1.27] does not contain declared merge key: name",
        ),
        (
            {"spec": {"containers": [{"$patch": "merge"}]}},
            PatchFailed,
            "merging lists cannot yet be specified in the patch",
        ),
        (
            {"spec": {"nodeSelector": {"$patch": "keep"}}},
            PatchFailed,
            "unknown patch type: keep in map: map[$patch:keep]",
        ),
        (
            {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}},
            BadRequest,
            "invalid patch format of retainKeys",
        ),
        (
            {"spec": {"$deleteFromPrimitiveList": ["x"]}},
            BadRequest,
            "invalid patch format of primitive list",
        ),
    ],
    ids=[
        "missing-merge-key",
        "merge-directive-in-list",
        "unknown-directive",
        "retain-keys-mismatch",
        "bad-primitive-list-key",
    ],
)
def test_strategic_merge_patch_errors(patch, error, message):
    live = {
        "spec": {"containers": [WEB], "nodeSelector": {"a": "b"}, "strategy": {"type": "Recreate"}}
    }
    kind = "Deployment" if "strategy" in patch["spec"] else "Pod"
    with pytest.raises(error) as caught:
        strategic_merge_patch(live, patch, kind)
    assert str(caught.value) == message


def test_unknown_reason_for_plain_go_errors():
    assert (PatchFailed("x").code, PatchFailed("x").reason) == (500, "Unknown")


# --- kubectl apply (three-way) -------------------------------------------------------------------


def manifest(image="nginx:1.26", replicas=None, env=("A", "B"), ports=(80,)) -> dict:
    container = {
        "name": "web",
        "image": image,
        "env": [{"name": n, "value": n.lower()} for n in env],
        "ports": [{"containerPort": p} for p in ports],
    }
    spec = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": spec,
    }


def live_after_apply(applied: dict, replicas: int = 1) -> dict:
    """What the server holds: the manifest plus defaults and status."""
    live = strategic_merge_patch(
        applied, {"spec": {"replicas": applied["spec"].get("replicas", replicas)}}, "Deployment"
    )
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    live["status"] = {"replicas": live["spec"]["replicas"]}
    return live


def apply(last: dict | None, new: dict, live: dict) -> dict:
    return strategic_merge_patch(
        live, three_way_merge_patch(last, new, live, "Deployment"), "Deployment"
    )


def container(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]["containers"][0]


def test_apply_keeps_a_scale_when_the_manifest_has_no_replicas():
    first = manifest()
    live = strategic_merge_patch(
        live_after_apply(first), {"spec": {"replicas": 5}}, "Deployment"
    )  # kubectl scale
    result = apply(first, manifest(image="nginx:1.27"), live)
    assert result["spec"]["replicas"] == 5
    assert container(result)["image"] == "nginx:1.27"
    assert container(result)["imagePullPolicy"] == "IfNotPresent"  # defaulted field kept
    assert result["status"] == {"replicas": 1}


def test_apply_overrides_a_scale_when_the_manifest_sets_replicas():
    first = manifest(replicas=2)
    live = strategic_merge_patch(live_after_apply(first), {"spec": {"replicas": 5}}, "Deployment")
    assert three_way_merge_patch(first, manifest(replicas=2), live, "Deployment") == {
        "spec": {"replicas": 2}
    }
    assert apply(first, manifest(replicas=2), live)["spec"]["replicas"] == 2


def test_apply_removes_replicas_dropped_from_the_manifest():
    first = manifest(replicas=2)
    patch = three_way_merge_patch(first, manifest(), live_after_apply(first), "Deployment")
    assert patch == {"spec": {"replicas": None}}
    assert "replicas" not in apply(first, manifest(), live_after_apply(first))["spec"]


def test_apply_removes_an_env_var_dropped_from_the_manifest():
    first = manifest()
    live = live_after_apply(first)
    patch = three_way_merge_patch(first, manifest(env=("A",)), live, "Deployment")
    assert patch == {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "web"}],
                    "containers": [
                        {
                            "name": "web",
                            "$setElementOrder/env": [{"name": "A"}],
                            "env": [{"name": "B", "$patch": "delete"}],
                        }
                    ],
                }
            }
        }
    }
    assert container(apply(first, manifest(env=("A",)), live))["env"] == [
        {"name": "A", "value": "a"}
    ]


def test_apply_adds_a_container_port_in_manifest_order():
    first = manifest()
    result = apply(first, manifest(ports=(443, 80)), live_after_apply(first))
    assert container(result)["ports"] == [{"containerPort": 443}, {"containerPort": 80}]


def test_apply_changes_the_image_only():
    first = manifest()
    patch = three_way_merge_patch(
        first, manifest(image="nginx:1.27"), live_after_apply(first), "Deployment"
    )
    assert patch == {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "web"}],
                    "containers": [{"name": "web", "image": "nginx:1.27"}],
                }
            }
        }
    }


def test_first_apply_without_last_applied_keeps_live_fields():
    live = live_after_apply(manifest())
    assert three_way_merge_patch(None, manifest(), live, "Deployment") == {}


def test_two_way_patch_for_a_label():
    original = manifest()
    modified = {**original, "metadata": {"name": "web", "labels": {"tier": "front"}}}
    assert two_way_merge_patch(original, modified, "Deployment") == {
        "metadata": {"labels": {"tier": "front"}}
    }


def test_two_way_patch_with_retain_keys():
    original = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    modified = {"spec": {"strategy": {"type": "Recreate"}}}
    patch = two_way_merge_patch(original, modified, "Deployment")
    assert patch == {
        "spec": {"strategy": {"type": "Recreate", "rollingUpdate": None, "$retainKeys": ["type"]}}
    }
    assert strategic_merge_patch(original, patch, "Deployment") == modified
