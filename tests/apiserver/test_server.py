"""The API server's verbs, one short story each, with the real messages (REFERENCE §2)."""

import json

import pytest

import k8sedu as k


def pod(name="web", **spec):
    spec.setdefault("containers", [{"name": "web", "image": "nginx:1.27"}])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "web"}},
        "spec": spec,
    }


def deployment(name="web", replicas=2):
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
            },
        },
    }


@pytest.fixture
def cluster():
    return k.Cluster.bare()


@pytest.fixture
def api(cluster):
    return cluster.api


class Log:
    def __init__(self):
        self.events = []

    def __call__(self, event):
        self.events.append(
            (
                event["type"],
                event["object"]["metadata"]["name"],
                event["object"]["metadata"]["resourceVersion"],
            )
        )


def test_create_fills_server_fields_and_resource_version_is_the_etcd_revision(cluster, api):
    created = api.create("pods", pod())
    meta = created["metadata"]
    assert meta["namespace"] == "default"
    assert meta["creationTimestamp"] == "2025-01-01T00:00:00Z"
    assert len(meta["uid"]) == 36 and meta["uid"][14] == "4"  # a version-4 UUID
    assert meta["resourceVersion"] == str(cluster.etcd.revision)
    assert meta["generation"] == 1
    assert created["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    stored = cluster.etcd.get("/registry/pods/default/web")
    assert stored.mod_revision == int(meta["resourceVersion"])
    assert "resourceVersion" not in json.loads(stored.value)["metadata"]


def test_create_existing_name_is_already_exists(api):
    api.create("pods", pod())
    with pytest.raises(k.AlreadyExists) as e:
        api.create("pods", pod())
    assert str(e.value) == 'pods "web" already exists'
    assert (e.value.code, e.value.reason) == (409, "AlreadyExists")


@pytest.mark.parametrize(
    ("resource", "name", "message"),
    [
        ("pods", "nope", 'pods "nope" not found'),
        ("deployments", "nope", 'deployments.apps "nope" not found'),
        ("nodes", "nope", 'nodes "nope" not found'),
    ],
    ids=["core", "group-qualified", "cluster-scoped"],
)
def test_not_found_messages(api, resource, name, message):
    with pytest.raises(k.NotFound) as e:
        api.get(resource, name)
    assert str(e.value) == message and e.value.code == 404


def test_stale_update_is_a_conflict_with_the_real_message(api):
    first = api.create("pods", pod())
    fresh = api.get("pods", "web")
    fresh["metadata"]["labels"]["tier"] = "fe"
    api.update("pods", fresh)
    first["metadata"]["labels"]["tier"] = "be"
    with pytest.raises(k.Conflict) as e:
        api.update("pods", first)
    assert str(e.value) == (
        'Operation cannot be fulfilled on pods "web": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )


def test_conflict_names_the_group_qualified_resource(api):
    d = api.create("deployments", deployment())
    api.patch("deployments", "web", {"spec": {"replicas": 3}})
    d["spec"]["replicas"] = 5
    with pytest.raises(k.Conflict, match='on deployments.apps "web"'):
        api.update("deployments", d)


def test_update_without_resource_version_is_unconditional(api):
    api.create("pods", pod())
    body = api.get("pods", "web")
    del body["metadata"]["resourceVersion"]
    body["metadata"]["labels"]["x"] = "y"
    assert api.update("pods", body)["metadata"]["labels"]["x"] == "y"


def test_generation_moves_on_spec_changes_only(api):
    api.create("deployments", deployment())
    assert api.get("deployments", "web")["metadata"]["generation"] == 1
    api.patch("deployments", "web", {"metadata": {"labels": {"team": "a"}}})
    assert api.get("deployments", "web")["metadata"]["generation"] == 1
    api.patch("deployments", "web", {"spec": {"replicas": 5}})
    assert api.get("deployments", "web")["metadata"]["generation"] == 2
    status = api.get("deployments", "web")
    status["status"] = {"replicas": 5, "observedGeneration": 2}
    api.update("deployments/status", status)
    assert api.get("deployments", "web")["metadata"]["generation"] == 2


def test_main_update_keeps_status_and_status_update_keeps_spec(api):
    api.create("deployments", deployment())
    d = api.get("deployments", "web")
    d["status"] = {"replicas": 99}
    api.update("deployments", d)
    assert api.get("deployments", "web").get("status", {}).get("replicas") is None
    d = api.get("deployments", "web")
    d["status"] = {"replicas": 2}
    d["spec"]["replicas"] = 7
    api.update("deployments/status", d)
    got = api.get("deployments", "web")
    assert (got["spec"]["replicas"], got["status"]["replicas"]) == (2, 2)


def test_byte_identical_update_writes_nothing(cluster, api):
    api.create("pods", pod())
    before = cluster.etcd.revision
    same = api.get("pods", "web")
    assert api.update("pods", same)["metadata"]["resourceVersion"] == str(before)
    assert cluster.etcd.revision == before


def test_invalid_lists_every_field_error(api):
    bad = pod("Web", containers=[{"name": "web"}])
    with pytest.raises(k.Invalid) as e:
        api.create("pods", bad)
    text = str(e.value)
    assert text.startswith('Pod "Web" is invalid: [')
    assert 'metadata.name: Invalid value: "Web"' in text
    assert "spec.containers[0].image: Required value" in text
    assert e.value.code == 422


def test_failed_create_leaves_nothing_behind(cluster, api):
    before = cluster.etcd.revision
    with pytest.raises(k.Invalid):
        api.create("pods", pod(containers=[{"name": "web"}]))
    assert cluster.etcd.revision == before
    assert api.list("pods") == []


def test_unknown_field_is_rejected_strictly(api):
    body = pod()
    body["spec"]["containers"][0]["imagee"] = "x"
    with pytest.raises(k.BadRequest, match='unknown field "spec.containers\\[0\\].imagee"'):
        api.create("pods", body)


def test_create_in_missing_namespace(api):
    body = pod()
    body["metadata"]["namespace"] = "nowhere"
    with pytest.raises(k.NotFound, match='namespaces "nowhere" not found'):
        api.create("pods", body)


def test_generate_name_uses_the_real_alphabet(api):
    body = pod()
    body["metadata"] = {"generateName": "web-"}
    name = api.create("pods", body)["metadata"]["name"]
    assert name.startswith("web-") and len(name) == 9
    assert set(name[4:]) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_defaulting_and_default_toleration_seconds(api):
    created = api.create("pods", pod())
    spec = created["spec"]
    assert (spec["restartPolicy"], spec["terminationGracePeriodSeconds"], spec["dnsPolicy"]) == (
        "Always",
        30,
        "ClusterFirst",
    )
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert spec["priority"] == 0
    tolerations = {t["key"]: t for t in spec["tolerations"]}
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        assert tolerations[key] == {
            "key": key,
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        }


def test_priority_class_admission(api):
    body = pod()
    body["spec"]["priorityClassName"] = "system-cluster-critical"
    assert api.create("pods", body)["spec"]["priority"] == 2000000000
    body = pod("other")
    body["spec"]["priorityClassName"] = "missing"
    with pytest.raises(k.Forbidden) as e:
        api.create("pods", body)
    assert str(e.value) == 'pods "other" is forbidden: no PriorityClass with name missing was found'


def test_learner_admission_plugins_mutate_then_validate(cluster, api):
    def add_team(request):
        request["object"]["metadata"].setdefault("labels", {})["team"] = "blue"

    def require_limits(request):
        if request["resource"]["resource"] == "pods":
            for c in request["object"]["spec"]["containers"]:
                if not c.get("resources", {}).get("limits"):
                    raise k.Forbidden(
                        f'pods "{request["name"]}" is forbidden: container {c["name"]} has no limits'
                    )

    cluster.api_admission = cluster.apiserver.admission
    cluster.apiserver.admission.register("AddTeam", mutate=add_team)
    cluster.apiserver.admission.register("RequireLimits", validate=require_limits)
    with pytest.raises(k.Forbidden, match="container web has no limits"):
        api.create("pods", pod())
    ok = pod()
    ok["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1", "memory": "1Gi"}}
    created = api.create("pods", ok)
    assert created["metadata"]["labels"]["team"] == "blue"
    assert created["status"]["qosClass"] == "Guaranteed"  # requests defaulted from limits


def test_watch_delivers_in_commit_order_at_the_same_instant(cluster, api):
    log = Log()
    api.watch("pods", log)
    api.create("pods", pod("a"))
    api.create("pods", pod("b"))
    api.delete("pods", "a")
    assert log.events == []  # writes do not move the clock; nothing delivered yet
    cluster.run(0)
    types = [(t, n) for t, n, _ in log.events]
    assert types == [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")]
    rvs = [int(rv) for _, _, rv in log.events]
    assert rvs == sorted(rvs) and rvs[-1] == cluster.etcd.revision


def test_watch_without_resource_version_starts_with_the_current_state(cluster, api):
    api.create("pods", pod("a"))
    log = Log()
    api.watch("pods", log)
    api.create("pods", pod("b"))
    cluster.run(0)
    assert [(t, n) for t, n, _ in log.events] == [("ADDED", "a"), ("ADDED", "b")]


def test_watch_from_a_resource_version_replays_history(cluster, api):
    rv = api.list("pods").resource_version
    api.create("pods", pod("a"))
    api.patch("pods", "a", {"metadata": {"labels": {"x": "1"}}})
    log = Log()
    api.watch("pods", log, resource_version=rv)
    cluster.run(0)
    assert [(t, n) for t, n, _ in log.events] == [("ADDED", "a"), ("MODIFIED", "a")]


def test_label_selected_watch_sees_objects_enter_and_leave(cluster, api):
    log = Log()
    api.watch("pods", log, label_selector="tier=fe")
    api.create("pods", pod("a"))
    api.patch("pods", "a", {"metadata": {"labels": {"tier": "fe"}}})
    api.patch("pods", "a", {"metadata": {"labels": {"tier": "be"}}})
    cluster.run(0)
    assert [t for t, _, _ in log.events] == ["ADDED", "DELETED"]


def test_a_node_watch_sees_only_the_pods_on_its_node(cluster, api):
    log = Log()
    api.watch("pods", log, field_selector="spec.nodeName=node-1")
    api.create("pods", pod("a", nodeName="node-1"))
    api.create("pods", pod("b", nodeName="node-2"))
    api.create("pods", pod("c"))
    api.delete("pods", "a", grace_period=0)
    cluster.run(0)
    assert [(t, n) for t, n, _ in log.events] == [("ADDED", "a"), ("DELETED", "a")]


def test_a_stopping_api_server_tells_the_watches_it_closes(cluster, api):
    closed = []
    api.watch("pods", Log(), on_close=lambda: closed.append("open"))
    api.watch("pods", Log(), on_close=lambda: closed.append("stopped by its client")).stop()
    cluster.stop("kube-apiserver")
    assert closed == []  # scheduled, like a watch event: at this instant, after the caller
    cluster.run(0)
    assert closed == ["open"]


def test_watch_below_compaction_is_gone(cluster, api):
    rv = api.list("pods").resource_version
    api.create("pods", pod("a"))
    cluster.run(300)  # the API server compacts every 5 minutes...
    api.create("pods", pod("b"))
    cluster.run(300)  # ...at the revision seen one interval earlier
    with pytest.raises(k.Gone) as e:
        api.watch("pods", Log(), resource_version=rv)
    assert str(e.value).startswith(f"too old resource version: {rv} (")
    assert e.value.code == 410


def test_handlers_writes_queue_behind_the_current_event(cluster, api):
    seen = []

    def handler(event):
        name = event["object"]["metadata"]["name"]
        seen.append(name)
        if name == "a":
            api.create("pods", pod("from-handler"))

    api.watch("pods", handler)
    api.create("pods", pod("a"))
    api.create("pods", pod("b"))
    cluster.run(0)
    assert seen == ["a", "b", "from-handler"]


def test_list_with_selectors_and_key_order(api):
    for name in ("c", "a", "b"):
        api.create("pods", pod(name))
    api.patch("pods", "b", {"metadata": {"labels": {"tier": "fe"}}})
    assert [p["metadata"]["name"] for p in api.list("pods")] == ["a", "b", "c"]
    assert [p["metadata"]["name"] for p in api.list("pods", label_selector="tier in (fe)")] == ["b"]
    assert [p["metadata"]["name"] for p in api.list("pods", field_selector="metadata.name!=a")] == [
        "b",
        "c",
    ]
    with pytest.raises(k.BadRequest, match="field label not supported: spec.foo"):
        api.list("pods", field_selector="spec.foo=bar")


def test_returned_objects_are_copies(api):
    api.create("pods", pod())
    got = api.get("pods", "web")
    got["metadata"]["labels"]["app"] = "changed"
    assert api.get("pods", "web")["metadata"]["labels"]["app"] == "web"


def test_unbound_pod_is_deleted_at_once_but_a_bound_one_terminates(cluster, api):
    api.create("pods", pod("free"))
    api.delete("pods", "free")
    assert api.list("pods") == []
    api.create("pods", pod("bound", nodeName="node-1"))
    result = api.delete("pods", "bound")
    assert result["metadata"]["deletionTimestamp"] == "2025-01-01T00:00:30Z"
    assert result["metadata"]["deletionGracePeriodSeconds"] == 30
    cluster.run(120)
    assert api.get("pods", "bound")["metadata"]["deletionTimestamp"]  # no kubelet confirmed
    api.delete("pods", "bound", grace_period=0)
    assert api.list("pods") == []


def test_finalizers_hold_deletion_until_removed(api):
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "finalizers": ["example.com/hold"]},
    }
    api.create("configmaps", body)
    api.delete("configmaps", "cfg")
    held = api.get("configmaps", "cfg")
    assert held["metadata"]["deletionTimestamp"]
    held["metadata"]["finalizers"] = []
    api.update("configmaps", held)
    with pytest.raises(k.NotFound):
        api.get("configmaps", "cfg")


def test_binding_sets_node_and_condition_once(api):
    api.create("pods", pod())
    api.bind("web", "node-1")
    bound = api.get("pods", "web")
    assert bound["spec"]["nodeName"] == "node-1"
    assert {"type": "PodScheduled", "status": "True"}.items() <= bound["status"]["conditions"][
        0
    ].items()
    with pytest.raises(k.Conflict, match='pod web is already assigned to node "node-1"'):
        api.bind("web", "node-2")


def test_scale_subresource(api):
    api.create("deployments", deployment())
    scale = api.get("deployments/scale", "web")
    assert scale["kind"] == "Scale" and scale["spec"]["replicas"] == 2
    assert scale["status"]["selector"] == "app=web"
    scale["spec"]["replicas"] = 4
    api.update("deployments/scale", scale)
    assert api.get("deployments", "web")["spec"]["replicas"] == 4


def test_services_get_cluster_ips_and_node_ports(api):
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    created = api.create("services", svc)["spec"]
    assert created["clusterIP"].startswith("10.") and created["clusterIP"] != "10.96.0.1"
    assert 30000 <= created["ports"][0]["nodePort"] <= 32767
    assert created["ports"][0]["targetPort"] == 80
    taken = dict(svc, metadata={"name": "other"})
    taken["spec"] = dict(
        svc["spec"], ports=[{"port": 80, "nodePort": created["ports"][0]["nodePort"]}]
    )
    with pytest.raises(k.Invalid, match="provided port is already allocated"):
        api.create("services", taken)


@pytest.mark.parametrize(
    "ports", [[{"port": 5432}], None], ids=["with-ports", "headless-needs-no-ports"]
)
def test_a_headless_service_gets_cluster_ips_none(api, ports):
    spec = {"clusterIP": "None", "selector": {"app": "db"}}
    if ports:
        spec["ports"] = ports
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}, "spec": spec}
    created = api.create("services", svc)["spec"]
    assert (created["clusterIP"], created["clusterIPs"]) == ("None", ["None"])


def test_kubernetes_service_exists_at_the_first_ip(api):
    svc = api.get("services", "kubernetes")
    assert svc["spec"]["clusterIP"] == "10.96.0.1"
    assert svc["spec"]["ports"][0]["port"] == 443
    ep = api.get("endpoints", "kubernetes")
    assert ep["subsets"][0]["addresses"][0]["ip"] == "172.18.0.2"


def test_system_namespaces_cannot_be_deleted(api):
    with pytest.raises(k.Forbidden) as e:
        api.delete("namespaces", "default")
    assert str(e.value) == 'namespaces "default" is forbidden: this namespace may not be deleted'


def test_writes_straight_to_etcd_are_seen_by_the_api(cluster, api):
    body = pod("sneaky")
    body["metadata"]["namespace"] = "default"
    cluster.etcd.put("/registry/pods/default/sneaky", json.dumps(body))
    assert api.get("pods", "sneaky")["metadata"]["resourceVersion"] == str(cluster.etcd.revision)


def test_stopped_api_server_refuses_connections(cluster, api):
    cluster.stop("kube-apiserver")
    with pytest.raises(k.ConnectionRefused) as e:
        api.list("pods")
    assert str(e.value) == (
        "The connection to the server 172.18.0.2:6443 was refused - did you specify the right host or port?"
    )
    cluster.start("kube-apiserver")
    assert api.get("namespaces", "default")["metadata"]["name"] == "default"


def test_audit_trail_records_user_verb_and_code(cluster, api):
    api.create("pods", pod())
    with pytest.raises(k.NotFound):
        api.get("pods", "nope")
    records = cluster.trace.filter(component="kubernetes-admin")
    assert [(r.verb, r.resource, r.key, r.detail["code"]) for r in records[-2:]] == [
        ("create", "pods", "default/web", 201),
        ("get", "pods", "default/nope", 404),
    ]
    assert records[-1].detail["user"] == "kubernetes-admin"
