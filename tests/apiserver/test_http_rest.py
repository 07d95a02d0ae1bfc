"""The REST API over the simulated API server, request by request (no sockets): routes,
discovery, Tables, writes, errors, logs and watches as REAL-CLIENTS.md records real clients
needing them."""

import json

import pytest

import k8sedu as k
from k8sedu.apiserver import http_rest
from k8sedu.apiserver.http_rest import Request

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"


def call(cluster, method, path, body=None, accept="application/json", content_type=None, **query):
    headers = {"accept": accept, "user-agent": "kubectl/v1.33.1 (linux/amd64)"}
    if content_type:
        headers["content-type"] = content_type
    data = json.dumps(body).encode() if body is not None else b""
    answer = http_rest.handle(cluster, Request(method, path, query, headers, data))
    cluster.sim.run(0)
    return answer


def decoded(answer):
    return json.loads(answer.body) if answer.body else None


POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "k8sedu/web:1.0"}]},
}
DEPLOY = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "app", "namespace": "default"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "app"}},
        "template": {
            "metadata": {"labels": {"app": "app"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}
PODS = "/api/v1/namespaces/default/pods"
DEPLOYS = "/apis/apps/v1/namespaces/default/deployments"


@pytest.fixture
def cluster():
    return k.Cluster(nodes=1)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/api/v1/namespaces/default/pods/web/log", ("pods", "default", "web", "log")),
        ("/api/v1/nodes/node-1/status", ("nodes", None, "node-1", "status")),
        ("/api/v1/namespaces/kube-system", ("namespaces", None, "kube-system", "")),
        ("/api/v1/namespaces/gone/finalize", ("namespaces", None, "gone", "finalize")),
        ("/apis/apps/v1/namespaces/d/deployments/web/scale", ("deployments", "d", "web", "scale")),
        ("/api/v1/pods", ("pods", None, None, "")),
        ("/apis/apps/v2/deployments", None),
        ("/api/v1/pods/web", None),
        ("/api/v1/namespaces/default/nodes", None),
        ("/api/v1/namespaces/default/pods/web/bogus", None),
    ],
    ids=lambda v: str(v),
)
def test_routes(path, expected):
    route = http_rest.parse(path)
    got = route and (route.res.plural, route.namespace, route.name, route.sub)
    assert got == expected


def test_legacy_discovery_has_what_kubectl_needs(cluster):
    # REAL-CLIENTS §3.1 and §5.1: shortNames, categories, subresources with their own kinds
    resources = {r["name"]: r for r in decoded(call(cluster, "GET", "/api/v1"))["resources"]}
    assert resources["pods"]["shortNames"] == ["po"] and resources["pods"]["categories"] == ["all"]
    assert resources["pods/log"] == {
        "name": "pods/log",
        "singularName": "",
        "namespaced": True,
        "kind": "Pod",
        "verbs": ["get"],
    }
    apps = {r["name"]: r for r in decoded(call(cluster, "GET", "/apis/apps/v1"))["resources"]}
    scale = apps["deployments/scale"]
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")


def test_aggregated_discovery_when_asked(cluster):
    answer = call(cluster, "GET", "/apis", accept=AGGREGATED)
    assert (
        answer.content_type
        == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    )
    groups = {g["metadata"]["name"]: g for g in decoded(answer)["items"]}
    apps = {r["resource"]: r for r in groups["apps"]["versions"][0]["resources"]}
    deployments = apps["deployments"]
    assert deployments["resource"] == "deployments" and deployments["shortNames"] == ["deploy"]
    assert {s["subresource"] for s in deployments["subresources"]} == {"scale", "status"}
    core = decoded(call(cluster, "GET", "/api", accept=AGGREGATED))["items"][0]
    assert "name" not in core["metadata"]


@pytest.mark.parametrize(
    "path, status, content_type",
    [
        ("/openapi/v2", 200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"),
        ("/openapi/v3", 404, "application/json"),
        ("/version/", 200, "application/json"),
        ("/api/", 200, "application/json"),
        ("/healthz", 200, "text/plain; charset=utf-8"),
        ("/apis/widgets.example.com/v1", 404, "application/json"),
    ],
    ids=[
        "openapi-v2-empty",
        "openapi-v3-absent",
        "version-slash",
        "api-slash",
        "healthz",
        "no-group",
    ],
)
def test_meta_paths(cluster, path, status, content_type):
    answer = call(cluster, "GET", path)
    assert (answer.status, answer.content_type) == (status, content_type)
    assert "@" not in answer.content_type  # REAL-CLIENTS §10


def test_list_as_table_carries_rv_and_namespaced_row_objects():
    cluster = k.Cluster.bare()  # no scheduler: the pod stays Pending
    call(cluster, "POST", PODS, POD, content_type="application/json")
    answer = call(cluster, "GET", "/api/v1/pods", accept=TABLE, limit="500")
    table = decoded(answer)
    assert answer.content_type == "application/json;as=Table;v=v1;g=meta.k8s.io"
    assert table["kind"] == "Table" and table["metadata"]["resourceVersion"]
    row = table["rows"][0]
    assert row["cells"][:3] == ["web", "0/1", "Pending"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["namespace"] == "default"
    assert [c["priority"] for c in table["columnDefinitions"]] == [0] * 5 + [1] * 4


def test_list_as_json_is_a_kind_list(cluster):
    revision = cluster.etcd.revision
    body = decoded(http_rest.handle(cluster, Request("GET", DEPLOYS, {}, {})))
    assert (body["kind"], body["apiVersion"], body["items"]) == ("DeploymentList", "apps/v1", [])
    assert body["metadata"]["resourceVersion"] == str(revision)


@pytest.mark.parametrize(
    "validation, status, warning",
    [
        ("Strict", 400, None),
        ("Warn", 201, '299 - "unknown field \\"spec.containerz\\""'),
        ("Ignore", 201, None),
    ],
)
def test_field_validation(cluster, validation, status, warning):
    bad = json.loads(json.dumps(POD))
    bad["spec"]["containerz"] = []
    answer = call(cluster, "POST", PODS, bad, fieldValidation=validation)
    assert answer.status == status
    assert answer.headers.get("Warning") == warning
    if status == 400:  # REAL-CLIENTS §3.2
        assert decoded(answer)["message"] == (
            'Pod in version "v1" cannot be handled as a Pod: strict decoding error: '
            'unknown field "spec.containerz"'
        )


def test_create_without_content_type_or_kind(cluster):
    # the Python client 37 sends no Content-Type, and a dict body without apiVersion/kind
    body = {"metadata": {"name": "py"}, "spec": POD["spec"]}
    answer = call(cluster, "POST", PODS, body)
    assert answer.status == 201 and decoded(answer)["kind"] == "Pod"


def test_server_side_apply_upserts(cluster):
    apply = "application/apply-patch+yaml"
    first = call(cluster, "PATCH", f"{DEPLOYS}/app", DEPLOY, content_type=apply, force="false")
    second_body = json.loads(json.dumps(DEPLOY))
    second_body["spec"]["replicas"] = 3
    second = call(cluster, "PATCH", f"{DEPLOYS}/app", second_body, content_type=apply)
    assert (first.status, second.status) == (201, 200)
    assert decoded(second)["spec"]["replicas"] == 3


def test_scale_merge_patch_answers_a_scale(cluster):
    call(cluster, "POST", DEPLOYS, DEPLOY)
    answer = call(
        cluster,
        "PATCH",
        f"{DEPLOYS}/app/scale",
        {"spec": {"replicas": 3}},
        content_type="application/merge-patch+json",
    )
    scale = decoded(answer)
    assert (scale["kind"], scale["apiVersion"], scale["spec"]) == (
        "Scale",
        "autoscaling/v1",
        {"replicas": 3},
    )


def test_strategic_merge_patch_with_kubectl_directives(cluster):
    call(cluster, "POST", DEPLOYS, DEPLOY)
    patch = {  # what kubectl apply sends for a changed image (REAL-CLIENTS §3.5)
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "web"}],
                    "containers": [{"image": "nginx:1.26", "name": "web"}],
                }
            }
        }
    }
    answer = call(
        cluster,
        "PATCH",
        f"{DEPLOYS}/app",
        patch,
        content_type="application/strategic-merge-patch+json",
        fieldValidation="Strict",
    )
    assert decoded(answer)["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"


def test_unknown_patch_type_is_415(cluster):
    call(cluster, "POST", DEPLOYS, DEPLOY)
    answer = call(cluster, "PATCH", f"{DEPLOYS}/app", {}, content_type="text/plain")
    assert (answer.status, decoded(answer)["reason"]) == (415, "UnsupportedMediaType")


@pytest.mark.parametrize(
    "method, path, body, status, reason, message",
    [
        ("GET", f"{PODS}/nope", None, 404, "NotFound", 'pods "nope" not found'),
        ("GET", f"{DEPLOYS}/nope", None, 404, "NotFound", 'deployments.apps "nope" not found'),
        ("POST", PODS, POD, 409, "AlreadyExists", 'pods "web" already exists'),
        ("GET", "/api/v1/widgets", None, 404, "NotFound", http_rest.NO_ROUTE),
        ("PUT", f"{PODS}/other", POD, 400, "BadRequest", None),
        ("POST", "/api/v1/pods", POD, 405, "MethodNotAllowed", None),
    ],
    ids=["get-404", "get-404-group", "create-409", "unknown-resource", "put-name", "post-all-ns"],
)
def test_errors_are_status_bodies(cluster, method, path, body, status, reason, message):
    call(cluster, "POST", PODS, POD)
    answer = call(cluster, method, path, body)
    got = decoded(answer)
    assert (answer.status, got["kind"], got["status"], got["reason"], got["code"]) == (
        status,
        "Status",
        "Failure",
        reason,
        status,
    )
    if message:
        assert got["message"] == message


def test_invalid_carries_causes(cluster):
    # kubectl prints 422s from details.kind/name/causes (REAL-CLIENTS §6)
    bad = json.loads(json.dumps(POD))
    del bad["spec"]["containers"][0]["image"]
    got = decoded(call(cluster, "POST", PODS, bad))
    assert got["code"] == 422 and got["details"]["kind"] == "Pod"
    assert got["details"]["causes"] == [
        {
            "reason": "FieldValueRequired",
            "message": "Required value",
            "field": "spec.containers[0].image",
        }
    ]


def test_delete_answers(cluster):
    call(cluster, "POST", DEPLOYS, DEPLOY)
    call(cluster, "POST", PODS, POD)
    gone = decoded(call(cluster, "DELETE", f"{DEPLOYS}/app", {"propagationPolicy": "Background"}))
    assert (gone["kind"], gone["status"]) == ("Status", "Success")  # REAL-CLIENTS §5.5
    assert gone["details"]["kind"] == "deployments" and gone["details"]["group"] == "apps"
    pod = decoded(call(cluster, "DELETE", f"{PODS}/web"))
    assert pod["kind"] == "Pod"


def test_logs_with_tail_lines(cluster):
    call(cluster, "POST", PODS, POD)
    cluster.run(20)
    every = call(cluster, "GET", f"{PODS}/web/log").body.decode().splitlines()
    last = call(cluster, "GET", f"{PODS}/web/log", tailLines="1", container="web")
    assert len(every) >= 2 and last.content_type == "text/plain"
    assert last.body.decode().splitlines() == every[-1:]


def test_watch_from_zero_sends_current_state_first(cluster):
    call(cluster, "POST", PODS, POD)
    stream = call(cluster, "GET", PODS, watch="True", resourceVersion="0")  # Python client 33
    line = json.loads(stream.queue.get_nowait())
    assert (line["type"], line["object"]["metadata"]["name"]) == ("ADDED", "web")
    stream.close()


def test_watch_below_compaction_is_one_410_event(cluster):
    cluster.run(700)  # kube-apiserver compacts every 5 minutes
    stream = call(cluster, "GET", PODS, watch="true", resourceVersion="2")
    event = json.loads(stream.queue.get_nowait())
    assert stream.queue.get_nowait() == b""  # the end of the stream
    status = event["object"]
    assert (event["type"], status["code"], status["reason"]) == ("ERROR", 410, "Expired")
    assert status["message"].startswith("too old resource version: 2 (")


def test_table_watch_sends_columns_once(cluster):
    stream = call(cluster, "GET", PODS, accept=TABLE, watch="true")
    call(cluster, "POST", PODS, POD)
    call(cluster, "DELETE", f"{PODS}/web")
    first, second = (json.loads(stream.queue.get_nowait()) for _ in range(2))
    assert first["object"]["kind"] == "Table" and first["object"]["columnDefinitions"]
    assert second["object"]["columnDefinitions"] is None
    assert second["object"]["rows"][0]["cells"][0] == "web"
    stream.close()
    assert stream.watcher not in cluster.apiserver.watchers.by_resource["pods"]
