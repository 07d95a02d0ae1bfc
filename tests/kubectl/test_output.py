"""kubectl's non-table output: -o yaml|json|name|jsonpath|custom-columns, --sort-by, -o parsing."""

import pytest

from k8sedu.errors import KubectlError
from k8sedu.kubectl.output import (
    as_list,
    custom_columns,
    jsonpath_output,
    name_line,
    parse_output_flag,
    sort_objects,
    to_json,
    to_yaml,
)

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "creationTimestamp": "2025-01-01T00:00:00Z",
        "labels": {"run": "nginx"},
        "name": "nginx",
        "namespace": "default",
        "resourceVersion": "1234",
        "uid": "5f0b3c1e-6a9d-4b8e-9d2f-0c1a2b3c4d5e",
    },
    "spec": {
        "containers": [
            {
                "image": "nginx",
                "name": "nginx",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "resources": {},
            }
        ],
        "enableServiceLinks": True,
        "tolerations": [
            {
                "effect": "NoExecute",
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "tolerationSeconds": 300,
            }
        ],
    },
    "status": {
        "conditions": [
            {
                "lastProbeTime": None,
                "lastTransitionTime": "2025-01-01T00:00:00Z",
                "status": "True",
                "type": "Initialized",
            }
        ],
        "phase": "Running",
    },
}

# The shape of `kubectl get pod nginx -o yaml`: go-yaml v2 quotes what would read back as
# something else ("True", "1234", timestamps), keeps list items level with their key, {} for
# an empty map, null for a JSON null.
POD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2025-01-01T00:00:00Z"
  labels:
    run: nginx
  name: nginx
  namespace: default
  resourceVersion: "1234"
  uid: 5f0b3c1e-6a9d-4b8e-9d2f-0c1a2b3c4d5e
spec:
  containers:
  - image: nginx
    name: nginx
    ports:
    - containerPort: 80
      protocol: TCP
    resources: {}
  enableServiceLinks: true
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2025-01-01T00:00:00Z"
    status: "True"
    type: Initialized
  phase: Running
"""


def test_yaml_of_a_pod():
    assert to_yaml(POD) == POD_YAML


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("80", 'v: "80"\n', id="number-string"),
        pytest.param("true", 'v: "true"\n', id="bool-string"),
        pytest.param("yes", 'v: "yes"\n', id="yaml11-bool-string"),
        pytest.param("", 'v: ""\n', id="empty"),
        pytest.param("null", 'v: "null"\n', id="null-string"),
        pytest.param("~", 'v: "~"\n', id="tilde"),
        pytest.param("1.5", 'v: "1.5"\n', id="float-string"),
        pytest.param("1e3", 'v: "1e3"\n', id="exponent-string"),
        pytest.param("0x1F", 'v: "0x1F"\n', id="hex-string"),
        pytest.param("12:30", 'v: "12:30"\n', id="base60-string"),
        pytest.param("2025-01-01", 'v: "2025-01-01"\n', id="date"),
        pytest.param("500m", "v: 500m\n", id="quantity-plain"),
        pytest.param("nginx:1.27", "v: nginx:1.27\n", id="colon-without-space-plain"),
        pytest.param("a: b", "v: 'a: b'\n", id="colon-space-single-quoted"),
        pytest.param("*", "v: '*'\n", id="indicator-single-quoted"),
        pytest.param("- x", "v: '- x'\n", id="dash-single-quoted"),
        pytest.param("a\tb", 'v: "a\\tb"\n', id="tab-double-quoted"),
        pytest.param("line1\nline2\n", "v: |\n  line1\n  line2\n", id="literal-block"),
        pytest.param("line1\nline2", "v: |-\n  line1\n  line2\n", id="literal-block-strip"),
        pytest.param(1.5, "v: 1.5\n", id="float"),
        pytest.param(2.0, "v: 2\n", id="whole-float-is-int"),
        pytest.param([], "v: []\n", id="empty-list"),
    ],
)
def test_yaml_scalars(value, expected):
    assert to_yaml({"v": value}) == expected


def test_yaml_folds_long_plain_strings_at_80_columns():
    message = (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 Insufficient cpu."
    )
    assert to_yaml({"message": message}) == (
        "message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane:\n"
        "  }, 2 Insufficient cpu.'\n"
    )


def test_yaml_key_order_is_go_yaml_natural_order():
    # keyList.Less: digit runs by value, non-letters before letters
    labels = {"a10": "x", "a9": "x", "app": "x", "B": "x", "_z": "x"}
    assert to_yaml(labels) == "_z: x\nB: x\na9: x\na10: x\napp: x\n"


def test_json_is_indented_sorted_and_go_escaped():
    assert to_json({"b": [], "a": {"msg": "<none> & more"}, "c": {}, "d": 2.0}) == (
        "{\n"
        '    "a": {\n'
        '        "msg": "\\u003cnone\\u003e \\u0026 more"\n'
        "    },\n"
        '    "b": [],\n'
        '    "c": {},\n'
        '    "d": 2\n'
        "}\n"
    )


def test_list_wrapper():
    assert to_json(as_list([])) == (
        '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n'
        '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
    )


@pytest.mark.parametrize(
    "resource, expected",
    [
        ("pods", "pod/nginx"),
        ("deployments", "deployment.apps/nginx"),
        ("horizontalpodautoscalers", "horizontalpodautoscaler.autoscaling/nginx"),
    ],
    ids=["core", "apps", "autoscaling"],
)
def test_name_lines(resource, expected):
    assert name_line(POD, resource) == expected


def _pod(name, node=None, restarts=0, cpu=None, created="2025-01-01T00:00:00Z"):
    pod = {
        "metadata": {"name": name, "creationTimestamp": created},
        "spec": {"containers": [{"name": "app", "image": "nginx"}]},
        "status": {"containerStatuses": [{"restartCount": restarts}]},
    }
    if node:
        pod["spec"]["nodeName"] = node
    if cpu:
        pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": cpu}}
    return pod


def test_custom_columns_layout():
    pods = [_pod("web-1", "node-1"), _pod("web-22")]
    assert custom_columns(
        "NAME:.metadata.name,NODE:.spec.nodeName,IMAGES:.spec.containers[*].image", pods
    ) == ("NAME     NODE     IMAGES\nweb-1    node-1   nginx\nweb-22   <none>   nginx\n")


def test_custom_columns_without_headers_and_relaxed_paths():
    assert (
        custom_columns(
            "N:metadata.name,R:{.status.containerStatuses[0].restartCount}",
            [_pod("a", restarts=2)],
            no_headers=True,
        )
        == "a     2\n"
    )


@pytest.mark.parametrize(
    "spec, message",
    [
        ("NAME", "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"),
        ("", "error: custom-columns format specified but no custom columns given"),
    ],
    ids=["no-colon", "empty"],
)
def test_custom_columns_errors(spec, message):
    with pytest.raises(KubectlError) as err:
        custom_columns(spec, [POD])
    assert str(err.value) == message


def _names(objects):
    return [o["metadata"]["name"] for o in objects]


@pytest.mark.parametrize(
    "pods, sort_by, expected",
    [
        pytest.param(
            [_pod("c", restarts=10), _pod("a", restarts=2), _pod("b", restarts=1)],
            ".status.containerStatuses[0].restartCount",
            ["b", "a", "c"],
            id="numbers-numerically",
        ),
        pytest.param(
            [_pod("a", cpu="1"), _pod("b", cpu="250m"), _pod("c", cpu="1500m")],
            "{.spec.containers[0].resources.requests.cpu}",
            ["b", "a", "c"],
            id="quantities-by-value",
        ),
        pytest.param(
            [_pod("web-10"), _pod("web-9"), _pod("web-1")],
            ".metadata.name",
            ["web-1", "web-9", "web-10"],
            id="natural-names",
        ),
        pytest.param(
            [_pod("a", created="2025-01-01T00:01:00Z"), _pod("b", created="2025-01-01T00:00:30Z")],
            ".metadata.creationTimestamp",
            ["b", "a"],
            id="timestamps",
        ),
        pytest.param(
            [_pod("a", "node-2"), _pod("b"), _pod("c", "node-1")],
            ".spec.nodeName",
            ["b", "c", "a"],
            id="missing-first",
        ),
    ],
)
def test_sort_by(pods, sort_by, expected):
    assert _names(sort_objects(pods, sort_by)) == expected


def test_sort_by_a_field_no_object_has():
    with pytest.raises(KubectlError) as err:
        sort_objects([_pod("a")], ".spec.nope")
    assert (
        str(err.value)
        == 'error: couldn\'t find any field with path "{.spec.nope}" in the list of objects'
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        ("", ("", "")),
        ("wide", ("wide", "")),
        ("yaml", ("yaml", "")),
        ("jsonpath={.metadata.name}", ("jsonpath", "{.metadata.name}")),
        ("jsonpath={.a=b}", ("jsonpath", "{.a=b}")),
        ("custom-columns=NAME:.metadata.name", ("custom-columns", "NAME:.metadata.name")),
    ],
    ids=["default", "wide", "yaml", "jsonpath", "jsonpath-with-equals", "custom-columns"],
)
def test_parse_output_flag(value, expected):
    assert parse_output_flag(value) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        (
            "foo",
            'error: unable to match a printer suitable for the output format "foo", allowed formats are: '
            "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
            "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml",
        ),
        ("jsonpath", "error: template format specified but no template given"),
        ("jsonpath=", "error: template format specified but no template given"),
    ],
    ids=["unknown", "jsonpath-without-template", "empty-template"],
)
def test_parse_output_flag_errors(value, message):
    with pytest.raises(KubectlError) as err:
        parse_output_flag(value)
    assert str(err.value) == message


def test_jsonpath_output_and_its_errors():
    assert jsonpath_output("{.metadata.name}", POD) == "nginx"
    with pytest.raises(KubectlError) as err:
        jsonpath_output("{.metadata.name", POD)
    assert str(err.value) == "error: error parsing jsonpath {.metadata.name, unclosed action"
    with pytest.raises(KubectlError) as err:
        jsonpath_output("{.spec.containers[3]}", {"spec": {"containers": []}})
    assert str(err.value) == (
        'error: error executing jsonpath "{.spec.containers[3]}": Error executing template: '
        "array index out of bounds: index 3, length 0. Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{.spec.containers[3]}\n"
        '\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"spec":map[string]interface {}{"containers":[]interface {}{}}}'
    )
