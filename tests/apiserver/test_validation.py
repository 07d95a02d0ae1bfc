"""Semantic validation: each case one rule, asserting the exact text of k8s v1.34's field errors
(messages from ``pkg/apis/*/validation`` and ``apimachinery/pkg/util/validation``)."""

import copy

import pytest

from k8sedu.apiserver.defaults import apply_defaults
from k8sedu.apiserver.validation import validate
from k8sedu.errors import invalid

SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035 = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "
    "is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
    "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
PORT_RANGE = "must be between 1 and 65535, inclusive"
NON_NEGATIVE = "must be greater than or equal to 0"
MISMATCH = "`selector` does not match template `labels`"


def ctr(**extra):
    return {"name": "web", "image": "nginx:1.27", **extra}


def make(resource, **fields):
    """A valid, defaulted object of ``resource`` with ``fields`` merged into its spec."""
    meta = {"name": "web", "namespace": "default", "uid": "u1", "resourceVersion": "5"}
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [ctr()]}}
    bodies = {
        "pods": {"spec": {"containers": [ctr()]}},
        "deployments": {
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template}
        },
        "daemonsets": {"spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template}},
        "jobs": {
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "manualSelector": True,
                "template": template,
            }
        },
        "services": {"spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}},
        "horizontalpodautoscalers": {
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "maxReplicas": 5,
            }
        },
        "poddisruptionbudgets": {
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}
        },
        "leases": {"spec": {"holderIdentity": "a", "leaseDurationSeconds": 15}},
    }
    obj = copy.deepcopy(bodies.get(resource, {}))
    obj["metadata"] = meta
    if resource in ("jobs",):
        obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    obj.setdefault("spec", {}).update(copy.deepcopy(fields))
    apply_defaults(resource, obj)
    return obj


def with_meta(obj, **meta):
    obj["metadata"].update(meta)
    return obj


def messages(resource, obj, old=None):
    return [str(e) for e in validate(resource, obj, old)]


CREATE_CASES = [
    ("name-required", "pods", with_meta(make("pods"), name=""),
     ["metadata.name: Required value: name or generateName is required"]),
    ("pod-name-subdomain", "pods", with_meta(make("pods"), name="Web"),
     [f'metadata.name: Invalid value: "Web": {SUBDOMAIN}']),
    ("generate-name-prefix-ok", "pods", with_meta(make("pods"), name="web-x7k2p", generateName="web-"), []),
    ("service-name-dns1035", "services", with_meta(make("services"), name="1web"),
     [f'metadata.name: Invalid value: "1web": {DNS1035}']),
    ("namespace-name-label", "namespaces", {"metadata": {"name": "team.a"}, "spec": {"finalizers": ["kubernetes"]}},
     ['metadata.name: Invalid value: "team.a": must not contain dots']),
    ("namespace-required", "pods", with_meta(make("pods"), namespace=""), ["metadata.namespace: Required value"]),
    ("label-key", "pods", with_meta(make("pods"), labels={"-app": "web"}),
     [f'metadata.labels: Invalid value: "-app": {NAME_PART}']),
    ("label-value", "pods", with_meta(make("pods"), labels={"app": "web server"}),
     [f'metadata.labels: Invalid value: "web server": {LABEL_VALUE}']),
    ("annotation-key", "pods", with_meta(make("pods"), annotations={"a/b/c": "x"}),
     ["metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric "
      "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  "
      "or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') "
      "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]),
    ("containers-required", "pods", make("pods", containers=[]), ["spec.containers: Required value"]),
    ("container-name-required", "pods", make("pods", containers=[ctr(name="")]),
     ["spec.containers[0].name: Required value"]),
    ("container-name-label", "pods", make("pods", containers=[ctr(name="Web")]),
     [f'spec.containers[0].name: Invalid value: "Web": {LABEL}']),
    ("container-name-duplicate", "pods", make("pods", containers=[ctr(), ctr()]),
     ['spec.containers[1].name: Duplicate value: "web"']),
    ("image-required", "pods", make("pods", containers=[ctr(image="")]), ["spec.containers[0].image: Required value"]),
    ("container-port-range", "pods", make("pods", containers=[ctr(ports=[{"containerPort": 70000}])]),
     [f"spec.containers[0].ports[0].containerPort: Invalid value: 70000: {PORT_RANGE}"]),
    ("container-port-name", "pods", make("pods", containers=[ctr(ports=[{"name": "we--b", "containerPort": 80}])]),
     ['spec.containers[0].ports[0].name: Invalid value: "we--b": must not contain consecutive hyphens']),
    ("container-port-protocol", "pods", make("pods", containers=[ctr(ports=[{"containerPort": 80, "protocol": "tcp"}])]),
     ['spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"']),
    ("requests-above-limits", "pods",
     make("pods", containers=[ctr(resources={"requests": {"cpu": "2"}, "limits": {"cpu": "1"}})]),
     ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']),
    ("negative-quantity", "pods", make("pods", containers=[ctr(resources={"requests": {"memory": "-1Mi"}})]),
     [f'spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": {NON_NEGATIVE}']),
    ("extended-resource-needs-limit", "pods", make("pods", containers=[ctr(resources={"requests": {"example.com/gpu": 1}})]),
     ["spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"]),
    ("restart-policy", "pods", make("pods", restartPolicy="Sometimes"),
     ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']),
    ("dns-policy", "pods", make("pods", dnsPolicy="Cluster"),
     ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", '
      '"ClusterFirst", "Default", "None"']),
    ("probe-two-handlers", "pods",
     make("pods", containers=[ctr(livenessProbe={"httpGet": {"port": 80}, "tcpSocket": {"port": 80}})]),
     ["spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]),
    ("probe-no-handler", "pods", make("pods", containers=[ctr(readinessProbe={"periodSeconds": 5})]),
     ["spec.containers[0].readinessProbe: Required value: must specify a handler type"]),
    ("liveness-success-threshold", "pods",
     make("pods", containers=[ctr(livenessProbe={"tcpSocket": {"port": 80}, "successThreshold": 2})]),
     ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
    ("probe-negative-threshold", "pods",
     make("pods", containers=[ctr(readinessProbe={"tcpSocket": {"port": 80}, "failureThreshold": -1})]),
     [f"spec.containers[0].readinessProbe.failureThreshold: Invalid value: -1: {NON_NEGATIVE}"]),
    ("probe-port", "pods", make("pods", containers=[ctr(readinessProbe={"httpGet": {"port": 0}})]),
     [f"spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: {PORT_RANGE}"]),
    ("mount-unknown-volume", "pods",
     make("pods", containers=[ctr(volumeMounts=[{"name": "data", "mountPath": "/data"}])]),
     ['spec.containers[0].volumeMounts[0].name: Not found: "data"']),
    ("toleration-empty-key", "pods", make("pods", tolerations=[{"operator": "Equal", "value": "x"}]),
     ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, '
      'which means "match all values and all keys"']),
    ("toleration-effect", "pods", make("pods", tolerations=[{"key": "k", "operator": "Exists", "effect": "NoRun"}]),
     ['spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", '
      '"PreferNoSchedule", "NoExecute"']),
    ("node-selector-value", "pods", make("pods", nodeSelector={"disk": "fast ssd"}),
     [f'spec.nodeSelector: Invalid value: "fast ssd": {LABEL_VALUE}']),
    ("deployment-selector-mismatch", "deployments",
     make("deployments", selector={"matchLabels": {"app": "api"}}),
     [f'spec.template.metadata.labels: Invalid value: map[string]string{{"app":"web"}}: {MISMATCH}']),
    ("deployment-selector-required", "deployments", make("deployments", selector=None),
     ["spec.selector: Required value",
      f'spec.template.metadata.labels: Invalid value: map[string]string{{"app":"web"}}: {MISMATCH}']),
    ("deployment-selector-empty", "deployments", make("deployments", selector={"matchLabels": {}}),
     ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, "
      "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]),
    ("deployment-replicas", "deployments", make("deployments", replicas=-1),
     [f"spec.replicas: Invalid value: -1: {NON_NEGATIVE}"]),
    ("deployment-both-zero", "deployments",
     make("deployments", strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}}),
     ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0%: may not be 0 when `maxSurge` is 0"]),
    ("deployment-percent", "deployments",
     make("deployments", strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "20Percent"}}),
     ["spec.strategy.rollingUpdate.maxSurge: Invalid value: 20Percent: a valid percent string must be a numeric "
      "string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]),
    ("deployment-over-100", "deployments",
     make("deployments", strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "110%"}}),
     ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 110%: must not be greater than 100%"]),
    ("deployment-restart-policy", "deployments",
     make("deployments", template={"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [ctr()], "restartPolicy": "Never"}}),
     ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']),
    ("template-container-path", "deployments",
     make("deployments", template={"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [ctr(image="")]}}),
     ["spec.template.spec.containers[0].image: Required value"]),
    ("daemonset-surge-and-unavailable", "daemonsets",
     make("daemonsets", updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}),
     ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"]),
    ("service-ports-required", "services", make("services", ports=[]), ["spec.ports: Required value"]),
    ("service-port-range", "services", make("services", ports=[{"port": 0, "targetPort": 80}]),
     [f"spec.ports[0].port: Invalid value: 0: {PORT_RANGE}"]),
    ("service-port-names", "services", make("services", ports=[{"port": 80}, {"port": 443}]),
     ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]),
    ("service-duplicate-port", "services",
     make("services", ports=[{"name": "a", "port": 80}, {"name": "b", "port": 80}]),
     ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), '
      'Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}']),
    ("service-type", "services", make("services", type="Public"),
     ['spec.type: Unsupported value: "Public": supported values: "ClusterIP", "ExternalName", "LoadBalancer", '
      '"NodePort"']),
    ("service-node-port-on-cluster-ip", "services", make("services", ports=[{"port": 80, "nodePort": 30080}]),
     ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]),
    ("service-node-port-range", "services", make("services", type="NodePort", ports=[{"port": 80, "nodePort": 80}]),
     ["spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
      "The range of valid ports is 30000-32767"]),
    ("service-selector", "services", make("services", selector={"app": "-web"}),
     [f'spec.selector: Invalid value: "-web": {LABEL_VALUE}']),
    ("job-restart-always", "jobs",
     make("jobs", template={"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [ctr()]}}),
     ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']),
    ("job-counts", "jobs", make("jobs", parallelism=-1, backoffLimit=-2),
     [f"spec.parallelism: Invalid value: -1: {NON_NEGATIVE}", f"spec.backoffLimit: Invalid value: -2: {NON_NEGATIVE}"]),
    ("hpa-replicas", "horizontalpodautoscalers", make("horizontalpodautoscalers", minReplicas=0, maxReplicas=0),
     ["spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
      "spec.maxReplicas: Invalid value: 0: must be greater than 0"]),
    ("hpa-max-below-min", "horizontalpodautoscalers", make("horizontalpodautoscalers", minReplicas=6),
     ["spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`"]),
    ("hpa-target-required", "horizontalpodautoscalers", make("horizontalpodautoscalers", scaleTargetRef={}),
     ["spec.scaleTargetRef.kind: Required value", "spec.scaleTargetRef.name: Required value"]),
    ("pdb-percent", "poddisruptionbudgets", make("poddisruptionbudgets", minAvailable="150%"),
     ["spec.minAvailable: Invalid value: 150%: must not be greater than 100%"]),
    ("priorityclass-too-high", "priorityclasses", {"metadata": {"name": "top"}, "value": 2_000_000_000},
     ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]),
    ("priorityclass-system-prefix", "priorityclasses", {"metadata": {"name": "system-mine"}, "value": 10},
     ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
      "error: system-mine is not a known system priority class"]),
    ("node-taint-effect", "nodes", {"metadata": {"name": "n1"}, "spec": {"taints": [{"key": "k", "effect": "NoRun"}]}},
     ['metadata.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", '
      '"PreferNoSchedule", "NoExecute"']),
    ("configmap-key", "configmaps", {"metadata": {"name": "cfg", "namespace": "default"}, "data": {"a b": "1"}},
     ["data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' "
      "or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]),
    ("lease-duration", "leases", make("leases", leaseDurationSeconds=0),
     ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]),
    ("event-namespace", "events",
     {"metadata": {"name": "web.1", "namespace": "default"}, "involvedObject": {"kind": "Pod", "namespace": "team-a"}},
     ['involvedObject.namespace: Invalid value: "team-a": does not match event.namespace']),
]  # fmt: skip


@pytest.mark.parametrize(
    "resource, obj, expected", [c[1:] for c in CREATE_CASES], ids=[c[0] for c in CREATE_CASES]
)
def test_create_validation(resource, obj, expected):
    assert messages(resource, obj) == expected


def test_every_kind_accepts_its_defaulted_example():
    for resource in (
        "pods",
        "deployments",
        "daemonsets",
        "jobs",
        "services",
        "horizontalpodautoscalers",
        "leases",
    ):
        assert messages(resource, make(resource)) == [], resource


def test_invalid_error_lists_every_field_error():
    errs = validate("pods", make("pods", containers=[ctr(image="")], restartPolicy="Sometimes"))
    assert str(invalid("Pod", "", "web", errs)) == (
        'Pod "web" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: '
        '"Sometimes": supported values: "Always", "OnFailure", "Never"]'
    )


def test_pdb_both_set():
    errs = messages("poddisruptionbudgets", make("poddisruptionbudgets", maxUnavailable=1))
    assert len(errs) == 1
    assert errs[0].startswith(
        "spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)"
    )
    assert errs[0].endswith(": minAvailable and maxUnavailable cannot be both set")


# --- updates ------------------------------------------------------------------------------------


def updated(resource, change, **fields):
    old = make(resource, **fields)
    new = copy.deepcopy(old)
    change(new)
    apply_defaults(resource, new)  # the server defaults the new object before validating it
    return messages(resource, new, old)


def set_in(path, value):
    def change(obj):
        target = obj
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


POD_FORBIDDEN = (
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
    "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
    "previously negative)"
)
TOLERATION = {"key": "k", "operator": "Exists", "effect": "NoSchedule"}

UPDATE_CASES = [
    ("pod-image-may-change", "pods", set_in(("spec", "containers", 0, "image"), "nginx:1.28"), {}, []),
    ("pod-toleration-may-be-added", "pods", set_in(("spec", "tolerations"), [TOLERATION]), {}, []),
    ("pod-toleration-may-not-go", "pods", set_in(("spec", "tolerations"), []), {"tolerations": [TOLERATION]},
     ["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]),
    ("pod-containers-may-not-be-added", "pods", set_in(("spec", "containers"), [ctr(), ctr(name="b")]), {},
     ["spec.containers: Forbidden: pod updates may not add or remove containers"]),
    ("resource-version-required", "pods", set_in(("metadata", "resourceVersion"), ""), {},
     ['metadata.resourceVersion: Invalid value: "": must be specified for an update']),
    ("name-immutable", "configmaps", set_in(("metadata", "name"), "other"), {},
     ['metadata.name: Invalid value: "other": field is immutable']),
    ("deployment-selector-immutable", "deployments",
     lambda d: (set_in(("spec", "selector", "matchLabels"), {"app": "web2"})(d),
                set_in(("spec", "template", "metadata", "labels"), {"app": "web2"})(d)), {},
     ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, '
      "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]),
    ("deployment-replicas-may-change", "deployments", set_in(("spec", "replicas"), 5), {}, []),
    ("service-cluster-ip-immutable", "services", set_in(("spec", "clusterIP"), "10.96.0.99"),
     {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"]},
     ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set']),
    ("job-selector-immutable", "jobs", set_in(("spec", "selector", "matchLabels", "tier"), "x"), {},
     [f'spec.template.metadata.labels: Invalid value: map[string]string{{"app":"web"}}: {MISMATCH}',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, '
      "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "resource, change, fields, expected",
    [c[1:] for c in UPDATE_CASES],
    ids=[c[0] for c in UPDATE_CASES],
)
def test_update_validation(resource, change, fields, expected):
    assert updated(resource, change, **fields) == expected


def test_pod_update_of_other_fields_is_forbidden():
    errs = updated("pods", set_in(("spec", "restartPolicy"), "Never"))
    assert len(errs) == 1
    first_line, diff = errs[0].split("\n", 1)
    assert first_line == POD_FORBIDDEN
    assert '"Never"' in diff


def test_priorityclass_value_is_immutable():
    old = {"metadata": {"name": "high", "resourceVersion": "3"}, "value": 1000}
    apply_defaults("priorityclasses", old)
    new = {**copy.deepcopy(old), "value": 2000}
    assert messages("priorityclasses", new, old) == [
        "value: Forbidden: may not be changed in an update."
    ]
