"""kubectl create service: the Service create_service.go builds (``createService``), the name
printer's line, ``--dry-run=client -o yaml`` as kubectl prints it, and the errors of
``NameFromCommandArgs``, ``Validate``, ``parsePorts`` and cobra's required flag."""

import pytest

import k8sedu as k
from k8sedu.errors import KubectlError, NotFound


@pytest.fixture(scope="module")
def cluster():
    return k.Cluster(nodes=1)


@pytest.mark.parametrize(
    "command, line",
    [
        ("create service clusterip my-cs --tcp=5678:8080", "service/my-cs created\n"),
        ("create service nodeport my-ns --tcp=5678:8080", "service/my-ns created\n"),
        ("create service loadbalancer my-lbs --tcp=5678:8080", "service/my-lbs created\n"),
        ("create service externalname my-en --external-name bar.com", "service/my-en created\n"),
        (
            "create svc clusterip my-headless --clusterip=None --dry-run=client",
            "service/my-headless created (dry run)\n",
        ),
        (
            "create service clusterip dry --tcp=80 --dry-run=client",
            "service/dry created (dry run)\n",
        ),
        ("create service clusterip named --tcp=80 -o name", "service/named\n"),
    ],
    ids=["clusterip", "nodeport", "loadbalancer", "externalname", "headless", "dry-run", "name"],
)
def test_create_prints_the_name_line(cluster, command, line):
    assert cluster.kubectl(command) == line


def test_dry_run_creates_nothing(cluster):
    cluster.kubectl("create service clusterip ghost --tcp=80 --dry-run=client")
    with pytest.raises(NotFound):
        cluster.api.get("services", "ghost")


@pytest.mark.parametrize(
    "command, spec",
    [
        (
            "create service clusterip web --tcp=5678:8080,443:https",
            {"type": "ClusterIP", "selector": {"app": "web"}, "ports": [
                {"name": "5678-8080", "port": 5678, "protocol": "TCP", "targetPort": 8080},
                {"name": "443-https", "port": 443, "protocol": "TCP", "targetPort": "https"},
            ]},
        ),
        (
            "create service nodeport np --tcp=80 --node-port=30080",
            {"type": "NodePort", "selector": {"app": "np"}, "ports": [
                {"name": "80", "port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 30080},
            ]},
        ),
        (
            "create service externalname en --external-name=bar.com",
            {"type": "ExternalName", "selector": {"app": "en"}, "externalName": "bar.com"},
        ),
    ],
    ids=["clusterip-two-ports", "nodeport", "externalname"],
)  # fmt: skip
def test_the_service_kubectl_builds(cluster, command, spec):
    name = command.split()[3]
    cluster.kubectl(command)
    service = cluster.api.get("services", name)
    assert service["metadata"]["labels"] == {"app": name}
    assert {key: service["spec"].get(key) for key in spec} == spec


def test_headless_service_needs_no_port(cluster):
    out = cluster.kubectl("create service clusterip db --clusterip=None --dry-run=client -o yaml")
    assert "spec:\n  clusterIP: None\n  selector:\n    app: db\n  type: ClusterIP\n" in out


DRY_RUN_YAML = """\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: my-cs
  name: my-cs
spec:
  ports:
  - name: 5678-8080
    port: 5678
    protocol: TCP
    targetPort: 8080
  selector:
    app: my-cs
  type: ClusterIP
status:
  loadBalancer: {}
"""


def test_dry_run_client_yaml(cluster):
    out = cluster.kubectl("create service clusterip my-cs --tcp=5678:8080 --dry-run=client -o yaml")
    assert out == DRY_RUN_YAML


def test_dry_run_keeps_the_namespace_given_with_n(cluster):
    out = cluster.kubectl(
        "create service clusterip x --tcp=80 -n kube-system --dry-run=client -o yaml"
    )
    assert "  namespace: kube-system\n" in out


@pytest.mark.parametrize(
    "command, stderr",
    [
        ("create service clusterip no-port", "error: at least one tcp port specifier must be provided"),
        ("create service nodeport no-port", "error: at least one tcp port specifier must be provided"),
        ("create service externalname en2", 'error: required flag(s) "external-name" not set'),
        ("create service externalname en2 --external-name=Not_DNS", "error: invalid service external name Not_DNS"),
        ("create service clusterip", "error: exactly one NAME is required, got 0\nSee 'kubectl create service clusterip -h' for help and examples"),
        ("create service clusterip a b --tcp=80", "error: exactly one NAME is required, got 2\nSee 'kubectl create service clusterip -h' for help and examples"),
        ("create service clusterip p --tcp=http", 'error: strconv.ParseUint: parsing "http": invalid syntax'),
        ("create service clusterip p --tcp=99999", 'error: strconv.ParseUint: parsing "99999": value out of range'),
        ("create service clusterip p --tcp=80:0", "error: must be between 1 and 65535, inclusive"),
        ("create service clusterip p --tcp=80:web--1", "error: must not contain consecutive hyphens"),
        ("create service clusterip p --tcp=80 --dry-run=yes", 'error: Invalid dry-run value (yes). Must be "none", "server", or "client".'),
        ("create service clusterip p --tcp=80 -o wide", 'error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml'),
        ("create service nodeport p --tcp=80 --clusterip=None", "error: unknown flag: --clusterip\nSee 'kubectl create service nodeport --help' for usage."),
    ],
    ids=["no-tcp", "nodeport-no-tcp", "no-external-name", "bad-external-name", "no-name",
         "two-names", "port-not-a-number", "port-out-of-range", "target-port-zero",
         "target-port-name", "bad-dry-run", "wide", "clusterip-flag-on-nodeport"],
)  # fmt: skip
def test_errors(cluster, command, stderr):
    with pytest.raises(KubectlError) as failed:
        cluster.kubectl(command)
    assert str(failed.value) == stderr


def test_already_exists_is_wrapped(cluster):
    cluster.kubectl("create service clusterip twice --tcp=80")
    with pytest.raises(KubectlError) as failed:
        cluster.kubectl("create service clusterip twice --tcp=80")
    # Run(): fmt.Errorf("failed to create %s service: %v", o.Type, err)
    assert str(failed.value) == (
        'error: failed to create ClusterIP service: services "twice" already exists'
    )
