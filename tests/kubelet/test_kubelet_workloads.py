import math

import pytest

from k8sedu import workloads
from k8sedu.kubelet.runtime import Container


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("nginx", ("docker.io/library/nginx", "latest")),
        ("nginx:1.27", ("docker.io/library/nginx", "1.27")),
        ("k8sedu/web:1.0", ("docker.io/k8sedu/web", "1.0")),
        ("registry.k8s.io/pause:3.10", ("registry.k8s.io/pause", "3.10")),
        ("localhost:5000/app:v1", ("localhost:5000/app", "v1")),
    ],
    ids=["official-no-tag", "official-tag", "user-repo", "other-registry", "registry-with-port"],
)
def test_image_names_are_normalized_like_docker(ref, expected):
    assert workloads.parse_image(ref) == expected


@pytest.mark.parametrize(
    "ref, known",
    [
        ("k8sedu/web:1.1", True),
        ("k8sedu/web:latest", True),
        ("nginx:1.27", True),
        ("k8sedu/web:9.9", False),
        ("nosuchimage", False),
    ],
    ids=["tag", "latest", "catalogue", "bad-tag", "bad-name"],
)
def test_registry_knows_names_and_tags(ref, known):
    assert (workloads.image_size(ref) is not None) is known


def test_pull_errors_are_containerds():
    assert workloads.pull_error("nginx:nope").endswith(
        '"docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found'
    )
    assert "pull access denied, repository does not exist" in workloads.pull_error("nosuch:1")


@pytest.mark.parametrize(
    "container, ports, exits",
    [
        ({"image": "k8sedu/web:1.0"}, (8080,), None),
        ({"image": "k8sedu/web:1.0", "ports": [{"containerPort": 9000}]}, (8080, 9000), None),
        ({"image": "nginx:1.27"}, (80,), None),
        (
            {"image": "k8sedu/crash:1.0", "env": [{"name": "CRASH_AFTER", "value": "5"}]},
            (),
            (5.0, 1),
        ),
        ({"image": "k8sedu/job:1.0", "env": [{"name": "DURATION", "value": "30"}]}, (), (30.0, 0)),
        ({"image": "busybox:1.36"}, (), (0.0, 0)),
        ({"image": "busybox:1.36", "command": ["sleep", "3600"]}, (), (3600.0, 0)),
    ],
    ids=["web", "web-declared-port", "catalogue", "crash", "job", "busybox-sh", "sleep"],
)
def test_behaviour_table(container, ports, exits):
    b = workloads.behaviour({"name": "c", **container})
    assert (b.ports, b.exits) == (ports, exits)


def test_flaky_alternates_health():
    b = workloads.behaviour(
        {
            "name": "c",
            "image": "k8sedu/flaky:1.0",
            "env": [
                {"name": "UNHEALTHY_AFTER", "value": "30"},
                {"name": "UNHEALTHY_FOR", "value": "10"},
            ],
        }
    )
    assert [b.healthy(t) for t in (5, 29, 30, 39, 40, 75)] == [
        True,
        True,
        False,
        False,
        True,
        False,
    ]
    assert b.next_change(5) == 30 and b.next_change(30) == 40


def _limited_web(limit: str | None) -> Container:
    spec = {"name": "web", "image": "k8sedu/web", "ports": [{"containerPort": 8080}]}
    if limit:
        spec["resources"] = {"limits": {"cpu": limit}}
    return Container("c1", "uid", spec, started=0.0, attempt=0, ip="10.244.1.5")


def test_an_unlimited_container_answers_in_the_base_latency_whatever_the_rate():
    web = _limited_web(None)
    web.rps = 1000.0
    assert web.latencies(10.0) == [(1.0, workloads.BASE_LATENCY)]


def test_a_limited_container_is_throttled_in_its_busy_seconds():
    """100m limit, 1m idle + 5m per request/s: a second with 20 or more requests (the one
    asked included) goes over the limit. At 19 rps on average that is P(Poisson(19) ≥ 19)."""
    web = _limited_web("100m")
    web.rps = 19.0
    spread = web.latencies(10.0)
    assert sum(p for p, _ in spread) == pytest.approx(1.0)
    base = workloads.BASE_LATENCY
    throttled = sum(p for p, t in spread if t > base)
    poisson = [math.exp(n * math.log(19) - 19 - math.lgamma(n + 1)) for n in range(19)]
    assert throttled == pytest.approx(1 - sum(poisson), abs=1e-6)
    # with n others, demand is 1 + 5 (n + 1) millicores: 30 others → 156m → 1.56 × base
    assert (base * 156 / 100) in [pytest.approx(t) for _, t in spread]
    web.rps = 0.0
    assert web.latencies(10.0) == [(1.0, base)]
