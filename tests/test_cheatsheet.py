"""lessons/cheatsheet.md is verified: every command runs, every kind and component exists.

The sheet's rows are Markdown table rows ``| task | `kubectl …` | API objects | who acts next |``.
Kinds are written ``Kind group/version`` (``Deployment apps/v1``); the last column is a chain of
components (``kube-scheduler``, ``kubelet``, ``<name> controller``) and objects, joined by ``→``
or ``,``, each possibly followed by a note in parentheses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import k8sedu as k
from k8sedu.apiserver import registry

SHEET = Path(__file__).resolve().parents[1] / "lessons" / "cheatsheet.md"
KIND = re.compile(r"\b([A-Z][A-Za-z]+) ((?:[a-z0-9.-]+/)?v\d+(?:(?:alpha|beta)\d+)?)\b")
SHOP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - {name: shop, image: k8sedu/web:1.0, resources: {requests: {cpu: 100m}}}
"""


def rows() -> list[list[str]]:
    """The body rows of every table: [task, command, objects, who acts]."""
    found = []
    for line in SHEET.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] not in ("task", "---"):
            assert len(cells) == 4, line
            found.append(cells)
    return found


ROWS = rows()


def kinds(text: str) -> list[tuple[str, str]]:
    return KIND.findall(re.sub(r"`[^`]*`", "", text))


def chain(text: str) -> list[str]:
    """The components and objects of the last column, notes and fields removed."""
    bare = re.sub(r"\([^)]*\)|`[^`]*`", "", text)
    return [token.strip() for token in re.split(r"→|,", bare) if token.strip()]


@pytest.fixture(scope="module")
def cluster() -> k.Cluster:
    return k.Cluster(nodes=3, seed=0)


def test_the_sheet_has_its_tables_and_fits_two_pages():
    assert len(ROWS) >= 20
    assert len(SHEET.read_text(encoding="utf-8").splitlines()) < 110


def test_every_command_runs_in_order(cluster, tmp_path, monkeypatch):
    (tmp_path / "shop.yaml").write_text(SHOP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # `kubectl apply -f shop.yaml` reads it from here
    for task, command, _objects, _who in ROWS:
        assert command.startswith("`kubectl ") and command.endswith("`"), task
        try:
            out = cluster.kubectl(command.strip("`").removeprefix("kubectl "))
        except k.KubectlError as e:
            pytest.fail(f"{command} ({task}) failed: {e}")
        assert getattr(out, "exit_code", 0) == 0, command
        cluster.run(20)  # let the components act before the next row (metrics need 15 s)


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_every_kind_is_served_with_that_group_version(row):
    named = kinds(row[2]) + kinds(row[3])
    assert named or row[2].startswith("—"), f"{row[0]}: no API object named"
    for kind, api_version in named:
        assert registry.for_kind(kind, api_version) is not None, f"{kind} {api_version}"


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_every_component_runs_in_the_cluster(row, cluster):
    processes = cluster.node("node-1").processes
    for token in chain(row[3]):
        if KIND.fullmatch(token):
            continue  # an object of the chain, checked above
        if token.endswith(" controller"):
            name = token.removesuffix(" controller")
            assert cluster.component(f"kube-controller-manager/{name}") is not None, token
        else:
            assert token in cluster.components or token in processes, token


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kube-scheduler (skips the node)", ["kube-scheduler"]),
        (
            "deployment controller → ReplicaSet apps/v1 → kubelet",
            ["deployment controller", "ReplicaSet apps/v1", "kubelet"],
        ),
        (
            "kubelet, endpointslice controller (`NoExecute`, only)",
            ["kubelet", "endpointslice controller"],
        ),
    ],
    ids=["note", "arrows", "commas"],
)
def test_the_chain_parser(text, expected):
    assert chain(text) == expected
