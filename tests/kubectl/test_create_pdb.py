"""kubectl create poddisruptionbudget|pdb: the PodDisruptionBudget create_pdb.go builds
(``ParseToLabelSelector``, ``intstr.Parse``), its name line, ``--dry-run=client -o yaml`` and the
errors of ``Validate`` and ``ParseToLabelSelector``, in their order."""

import pytest

import k8sedu as k
from k8sedu.errors import KubectlError
from k8sedu.kubectl.commands.create_pdb import label_selector


@pytest.fixture(scope="module")
def cluster():
    return k.Cluster(nodes=1)


@pytest.mark.parametrize(
    "command, line",
    [
        (
            "create poddisruptionbudget my-pdb --selector=app=rails --min-available=1",
            "poddisruptionbudget.policy/my-pdb created\n",
        ),
        (
            "create pdb half --selector=app=nginx --min-available=50%",
            "poddisruptionbudget.policy/half created\n",
        ),
        (
            "create pdb one-down --selector=app=nginx --max-unavailable=1 --dry-run=client",
            "poddisruptionbudget.policy/one-down created (dry run)\n",
        ),
    ],
    ids=["min-available", "pdb-alias-percent", "dry-run"],
)
def test_create_prints_the_name_line(cluster, command, line):
    assert cluster.kubectl(command) == line


@pytest.mark.parametrize(
    "command, name, spec",
    [
        (
            "create pdb by-count --selector=app=web --min-available=2",
            "by-count",
            {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
        ),
        (
            "create pdb by-share --selector=app=web,tier=db --max-unavailable=25%",
            "by-share",
            {"maxUnavailable": "25%", "selector": {"matchLabels": {"app": "web", "tier": "db"}}},
        ),
    ],
    ids=["integer", "percentage"],
)
def test_the_budget_kubectl_builds(cluster, command, name, spec):
    cluster.kubectl(command)
    assert cluster.api.get("poddisruptionbudgets", name)["spec"] == spec


@pytest.mark.parametrize(
    "text, selector",
    [
        ("app=web", {"matchLabels": {"app": "web"}}),
        ("app==web", {"matchLabels": {"app": "web"}}),
        ("tier in (b,a)", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}),
        ("tier notin (a)", {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["a"]}]}),
        ("canary", {"matchExpressions": [{"key": "canary", "operator": "Exists"}]}),
        ("!canary", {"matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}),
    ],
    ids=["equals", "double-equals", "in", "notin", "exists", "does-not-exist"],
)  # fmt: skip
def test_parse_to_label_selector(text, selector):
    assert label_selector(text) == selector


DRY_RUN_YAML = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  creationTimestamp: null
  name: my-pdb
spec:
  minAvailable: 50%
  selector:
    matchLabels:
      app: nginx
status:
  currentHealthy: 0
  desiredHealthy: 0
  disruptionsAllowed: 0
  expectedPods: 0
"""


def test_dry_run_client_yaml(cluster):
    command = "create pdb my-pdb --selector=app=nginx --min-available=50% --dry-run=client -o yaml"
    assert cluster.kubectl(command) == DRY_RUN_YAML


@pytest.mark.parametrize(
    "command, stderr",
    [
        ("create pdb", "error: exactly one NAME is required, got 0\nSee 'kubectl create poddisruptionbudget -h' for help and examples"),
        ("create pdb '' --selector=app=x --min-available=1", "error: name must be specified"),
        ("create pdb p --min-available=1", "error: a selector must be specified"),
        ("create pdb p --selector=app=x", "error: one of min-available or max-unavailable must be specified"),
        ("create pdb p --selector=app=x --min-available=1 --max-unavailable=1", "error: min-available and max-unavailable cannot be both specified"),
        ("create pdb p --selector=app=x --min-available=10Gb", "error: invalid format specified for min-available"),
        ("create pdb p --selector=app=x --max-unavailable=-1", "error: invalid format specified for max-unavailable"),
        ("create pdb p --selector=app!=x --min-available=1", 'error: "!=" is not a valid label selector operator'),
        ("create pdb p --selector=replicas>1 --min-available=1", 'error: "gt" isn\'t supported in label selectors'),
        ("create pdb p --selector=app=x, --min-available=1", "error: couldn't parse the selector string \"app=x,\": found '', expected: identifier after ','"),
    ],
    ids=["no-name", "empty-name", "no-selector", "no-budget", "both-budgets", "bad-min",
         "bad-max", "not-equals", "greater-than", "bad-selector"],
)  # fmt: skip
def test_errors(cluster, command, stderr):
    with pytest.raises(KubectlError) as failed:
        cluster.kubectl(command)
    assert str(failed.value) == stderr


def test_already_exists_is_wrapped(cluster):
    cluster.kubectl("create pdb twice --selector=app=x --min-available=1")
    with pytest.raises(KubectlError) as failed:
        cluster.kubectl("create pdb twice --selector=app=x --min-available=1")
    # Run(): fmt.Errorf("failed to create poddisruptionbudgets: %v", err)
    assert str(failed.value) == (
        'error: failed to create poddisruptionbudgets: poddisruptionbudgets.policy "twice" '
        "already exists"
    )
