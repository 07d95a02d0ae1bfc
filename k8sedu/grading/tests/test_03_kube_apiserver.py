"""Graded tests of exercise 03 (kube-apiserver): label selectors, an admission plugin, a fix.

Expected values follow the real Kubernetes rules: selector matching as in
``k8s.io/apimachinery/pkg/labels/selector.go`` (``Requirement.Matches``: ``!=`` and ``notin``
match a missing key), the admission order of ``staging/src/k8s.io/apiserver`` (defaulting runs
before validating admission, so a limit without a request already has its request, REFERENCE §2),
and the Deployment validation of ``pkg/apis/apps/validation`` (selector must match the template
labels; the selector is immutable in apps/v1).
"""

import random

import pytest
import yaml

import k8sedu as k
from k8sedu.labels import parse_selector

# -- part 1: label selectors -----------------------------------------------------------------------

WEB = {"app": "web", "tier": "frontend", "env": "prod"}


def _case(selector, labels, expected, id):
    return pytest.param(selector, labels, expected, id=id)


EQUALITY = [
    _case("app=web", WEB, True, "equal"),
    _case("app==web", WEB, True, "double-equal"),
    _case("app=db", WEB, False, "equal-other-value"),
    _case("team=a", WEB, False, "equal-missing-key"),
    _case("app!=db", WEB, True, "not-equal"),
    _case("app!=web", WEB, False, "not-equal-same-value"),
]

MISSING_KEY = [
    _case("team!=a", WEB, True, "not-equal-missing-key"),
    _case("team notin (a,b)", WEB, True, "notin-missing-key"),
    _case("team in (a,b)", WEB, False, "in-missing-key"),
    _case("canary!=true", {}, True, "not-equal-no-labels"),
]

SET_BASED = [
    _case("env in (prod,staging)", WEB, True, "in"),
    _case("env in (dev,staging)", WEB, False, "in-no-match"),
    _case("env notin (dev,staging)", WEB, True, "notin"),
    _case("env notin (prod)", WEB, False, "notin-match"),
    _case("tier", WEB, True, "exists"),
    _case("canary", WEB, False, "exists-missing"),
    _case("!canary", WEB, True, "does-not-exist"),
    _case("!tier", WEB, False, "does-not-exist-present"),
]

COMBINED = [
    _case("app=web,env in (prod,staging)", WEB, True, "and-with-in-list"),
    _case("env in (prod,staging),app=db", WEB, False, "second-requirement-fails"),
    _case("app=web,tier!=backend,!canary", WEB, True, "three-requirements"),
    _case("env in (dev,prod),tier notin (backend,db),app", WEB, True, "commas-inside-parens"),
    _case("", WEB, True, "empty-selects-everything"),
    _case("", {}, True, "empty-selects-unlabelled"),
]


@pytest.mark.parametrize(("selector", "labels", "expected"), EQUALITY)
def test_equality_selectors(submission, selector, labels, expected):
    """Equality-based selectors: =, == and !=."""
    got = submission.selector_matches(selector, dict(labels))
    assert got is expected, f"{selector!r} on {labels} should give {expected}"


@pytest.mark.points(2)
@pytest.mark.hint("A label that is not there is not equal to anything, and not in any set.")
@pytest.mark.parametrize(("selector", "labels", "expected"), MISSING_KEY)
def test_missing_key(submission, selector, labels, expected):
    """!= and notin match a pod that has no such label; in does not."""
    got = submission.selector_matches(selector, dict(labels))
    assert got is expected, f"{selector!r} on {labels} should give {expected} (the key is missing)"


@pytest.mark.parametrize(("selector", "labels", "expected"), SET_BASED)
def test_set_based_selectors(submission, selector, labels, expected):
    """Set-based selectors: in, notin, exists and !exists."""
    got = submission.selector_matches(selector, dict(labels))
    assert got is expected, f"{selector!r} on {labels} should give {expected}"


@pytest.mark.hint("Split requirements on the commas that are not inside parentheses.")
@pytest.mark.parametrize(("selector", "labels", "expected"), COMBINED)
def test_combined_selectors(submission, selector, labels, expected):
    """Comma-separated requirements must all match; an empty selector matches everything."""
    got = submission.selector_matches(selector, dict(labels))
    assert got is expected, f"{selector!r} on {labels} should give {expected}"


def test_selector_leaves_labels_alone(submission):
    """Matching does not change the labels it is given."""
    labels = dict(WEB)
    submission.selector_matches("team notin (a),app=web", labels)
    assert labels == WEB, "selector_matches must not add or remove labels"


@pytest.mark.hidden
@pytest.mark.points(1)
def test_selector_with_spaces(submission):
    """Spaces around operators, commas and values are allowed."""
    cases = [
        ("env in ( prod , staging )", True),
        ("app = web , tier != db", True),
        ("app == web, !canary", True),
        ("team notin (a, b), env in (dev)", False),
    ]
    for selector, expected in cases:
        got = submission.selector_matches(selector, dict(WEB))
        assert got is expected, f"{selector!r} should give {expected}: spaces do not matter"


def _random_selector(rng: random.Random) -> str:
    keys, values = ["app", "tier", "env", "team"], ["web", "db", "prod", "a", "b"]
    parts = []
    for _ in range(rng.randint(1, 3)):
        key, kind = rng.choice(keys), rng.randrange(7)
        some = ",".join(rng.sample(values, rng.randint(1, 3)))
        parts.append(
            [
                f"{key}={rng.choice(values)}",
                f"{key}=={rng.choice(values)}",
                f"{key}!={rng.choice(values)}",
                f"{key} in ({some})",
                f"{key} notin ({some})",
                key,
                f"!{key}",
            ][kind]
        )
    return ",".join(parts)


@pytest.mark.hidden
@pytest.mark.points(2)
def test_selector_agrees_with_kubernetes(submission):
    """300 random selectors and label sets, compared with the real matching rules."""
    rng = random.Random(3)
    for _ in range(300):
        selector = _random_selector(rng)
        labels = {
            key: rng.choice(["web", "db", "prod", "a", "b"])
            for key in ("app", "tier", "env", "team")
            if rng.random() < 0.5
        }
        expected = parse_selector(selector).matches(labels)
        got = submission.selector_matches(selector, dict(labels))
        assert got is expected, f"{selector!r} on {labels} should give {expected}"


# -- part 2: a validating admission plugin ----------------------------------------------------------


def container(name, requests=None, limits=None, image="k8sedu/web:1.0"):
    resources = {}
    if requests is not None:
        resources["requests"] = requests
    if limits is not None:
        resources["limits"] = limits
    return {"name": name, "image": image, "resources": resources}


def pod(name, *containers, init=(), labels=None):
    spec = {"containers": list(containers)}
    if init:
        spec["initContainers"] = list(init)
    meta = {"name": name, "labels": labels or {"app": "web"}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


BOTH = {"cpu": "250m", "memory": "128Mi"}


@pytest.fixture
def guarded(submission):
    """A bare cluster (etcd + kube-apiserver) with the learner's plugin registered."""
    cluster = k.Cluster.bare()
    cluster.apiserver.admission.register("RequireRequests", validate=submission.require_requests)
    return cluster


def _rejected(cluster, body) -> str:
    with pytest.raises(k.APIError) as caught:
        cluster.api.create("pods", body)
    error = caught.value
    assert error.code == 403, f"reject with k.Forbidden (HTTP 403), not {type(error).__name__}"
    return str(error)


@pytest.mark.points(1)
def test_pod_with_requests_is_admitted(guarded):
    """A pod whose every container sets cpu and memory requests is created."""
    body = pod("ok", container("web", BOTH), container("log", BOTH), init=[container("init", BOTH)])
    guarded.api.create("pods", body)
    assert guarded.api.get("pods", "ok")["metadata"]["name"] == "ok", "this pod is fine: admit it"


@pytest.mark.points(2)
@pytest.mark.parametrize(
    ("requests", "missing"),
    [
        pytest.param({"memory": "128Mi"}, "cpu", id="no-cpu"),
        pytest.param({"cpu": "250m"}, "memory", id="no-memory"),
        pytest.param(None, "cpu", id="no-requests"),
    ],
)
def test_missing_request_is_forbidden(guarded, requests, missing):
    """A container without a cpu or memory request is refused with 403 Forbidden."""
    message = _rejected(guarded, pod("bad", container("web", requests)))
    assert message.startswith('pods "bad" is forbidden: '), (
        "use forbidden(request, why): the message starts 'pods \"bad\" is forbidden: '"
    )
    assert "web" in message and missing in message, f"name the container and the {missing}"


@pytest.mark.points(2)
@pytest.mark.hint("Init containers are containers too: look at spec.initContainers as well.")
def test_init_containers_are_checked(guarded):
    """An init container without requests is refused too."""
    body = pod("init", container("web", BOTH), init=[container("migrate", {"cpu": "100m"})])
    message = _rejected(guarded, body)
    assert "migrate" in message and "memory" in message, "the init container has no memory request"


@pytest.mark.points(2)
@pytest.mark.hint("Collect every problem first, then raise once with all of them.")
def test_every_violation_is_reported(guarded):
    """One rejection lists every container that lacks a request, and only those."""
    body = pod(
        "many",
        container("web", {"memory": "64Mi"}),
        container("fine", BOTH),
        container("sidecar", None),
        init=[container("setup", {"cpu": "100m"})],
    )
    message = _rejected(guarded, body)
    for name in ("web", "sidecar", "setup"):
        assert f'"{name}"' in message or f" {name}" in message, f"{name!r} lacks a request"
    assert "fine" not in message, "the container 'fine' has both requests: do not name it"


@pytest.mark.points(1)
@pytest.mark.hint("Defaulting runs before validating admission (REFERENCE §2).")
def test_limits_only_is_admitted(guarded):
    """A container with limits but no requests is admitted: defaulting copied the limits."""
    guarded.api.create("pods", pod("limits", container("web", limits=BOTH)))
    got = guarded.api.get("pods", "limits")["spec"]["containers"][0]["resources"]["requests"]
    assert got == BOTH, "the API server sets requests from limits before your plugin runs"


@pytest.mark.points(1)
@pytest.mark.parametrize(
    ("resource", "body"),
    [
        pytest.param(
            "configmaps",
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}},
            id="configmap",
        ),
        pytest.param(
            "deployments",
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "d"},
                "spec": {
                    "selector": {"matchLabels": {"app": "d"}},
                    "template": {
                        "metadata": {"labels": {"app": "d"}},
                        "spec": {"containers": [container("web")]},
                    },
                },
            },
            id="deployment",
        ),
        pytest.param(
            "services",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "s"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
            },
            id="service",
        ),
    ],
)
def test_other_resources_pass(guarded, resource, body):
    """The plugin looks at pods only; other kinds pass through untouched."""
    made = guarded.api.create(resource, body)
    assert made["metadata"]["name"] == body["metadata"]["name"], f"{resource} are not pods"


@pytest.mark.points(1)
@pytest.mark.hint("Only a CREATE carries a new pod to check; a DELETE has no object at all.")
def test_existing_pods_can_change_and_go(submission):
    """Pods made before the plugin can still be labelled, have status written, and be deleted."""
    cluster = k.Cluster.bare()
    cluster.api.create("pods", pod("old", container("web")))
    cluster.apiserver.admission.register("RequireRequests", validate=submission.require_requests)
    cluster.api.patch("pods", "old", {"metadata": {"labels": {"audit": "done"}}})
    status = cluster.api.get("pods", "old")
    status["status"]["phase"] = "Pending"
    cluster.api.update_status("pods", status)
    cluster.api.delete("pods", "old")
    with pytest.raises(k.NotFound):
        cluster.api.get("pods", "old")


@pytest.mark.hidden
@pytest.mark.points(1)
def test_generated_names_and_namespaces(guarded):
    """Pods with generateName or in another namespace are checked the same way."""
    guarded.api.create(
        "namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    )
    body = pod("", container("web", {"cpu": "1"}))
    body["metadata"] = {"generateName": "web-", "namespace": "shop"}
    with pytest.raises(k.APIError) as caught:
        guarded.api.create("pods", body)
    assert caught.value.code == 403 and "memory" in str(caught.value), "no memory request"
    body["spec"]["containers"][0]["resources"]["requests"]["memory"] = "1Gi"
    made = guarded.api.create("pods", body)
    assert made["metadata"]["name"].startswith("web-"), "a valid pod with generateName is created"


# -- part 3: the Deployment whose selector does not match ------------------------------------------

LIVE = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: k8sedu/web:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
    tier: frontend
  ports:
  - port: 80
    targetPort: 8080
"""


def _documents(text: str) -> dict[str, dict]:
    docs = [d for d in yaml.safe_load_all(text) if d]
    return {d["kind"]: d for d in docs}


@pytest.fixture
def fixed_cluster(submission):
    """The live Deployment and Service, then the learner's FIXED_WEB applied on top."""
    cluster = k.Cluster(nodes=2)
    cluster.apply(LIVE)
    cluster.run(20)
    error = None
    try:
        cluster.apply(submission.FIXED_WEB)
    except k.APIError as e:
        error = e
    cluster.run(40)
    return cluster, error


@pytest.mark.points(1)
def test_fixed_manifest_keeps_the_service(submission):
    """FIXED_WEB holds the Deployment and the Service, and the Service is unchanged."""
    docs = _documents(submission.FIXED_WEB)
    assert set(docs) == {"Deployment", "Service"}, "FIXED_WEB holds one Deployment and one Service"
    service = _documents(LIVE)["Service"]
    assert docs["Service"]["spec"] == service["spec"], (
        "the Service belongs to another team: fix the Deployment, not the Service"
    )


@pytest.mark.points(2)
@pytest.mark.hint("A Deployment's selector is immutable: change the template's labels instead.")
def test_fixed_manifest_is_accepted(fixed_cluster):
    """Applying FIXED_WEB over the live Deployment is accepted by the API server."""
    _cluster, error = fixed_cluster
    assert error is None, f"the API server refused FIXED_WEB: {error}"


@pytest.mark.points(3)
@pytest.mark.hint("The Service selects app=web AND tier=frontend: the pods need both labels.")
def test_service_finds_the_pods(fixed_cluster):
    """After the fix the Service has 3 ready endpoints and the Deployment 3 available pods."""
    cluster, error = fixed_cluster
    assert error is None, f"the API server refused FIXED_WEB: {error}"
    endpoints = cluster.api.get("endpoints", "web")
    ready = [a for s in endpoints.get("subsets") or [] for a in s.get("addresses") or []]
    assert len(ready) == 3, f"the Service should have 3 ready endpoints, it has {len(ready)}"
    status = cluster.api.get("deployments", "web")["status"]
    assert status.get("availableReplicas") == 3, "the Deployment should have 3 available pods"
