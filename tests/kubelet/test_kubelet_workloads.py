import pytest

from k8sedu import workloads


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
