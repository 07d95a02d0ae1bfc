import pytest

import k8sedu as k
from k8sedu.widgets import RolloutPlayer


@pytest.fixture
def player():
    cluster = k.Cluster(nodes=3)
    cluster.kubectl("create deployment web --image=k8sedu/web:1.0 --replicas=4")
    cluster.run(10)
    player = RolloutPlayer(cluster, "web")
    cluster.kubectl("set image deployment/web web=k8sedu/web:1.1")
    cluster.run(60)
    player.refresh()
    return player


def test_steps_through_the_rollout(player):
    assert len(player.replicasets()) == 2
    assert player.slider.value == player.slider.max == len(player.frames) - 1
    last = player.at(player.slider.max)
    assert sorted(desired for desired, _ready in last.values()) == [0, 4]


def test_every_step_respects_max_surge(player):
    # default maxSurge 25 % of 4 rounds up to 1 (REFERENCE §4.1): never more than 5 desired
    for i in range(len(player.frames)):
        assert sum(desired for desired, _ready in player.at(i).values()) <= 5


def test_buttons_move_and_draw(player):
    player.prev_button.click()
    assert player.slider.value == player.slider.max - 1
    assert bytes(player.image.value).startswith(b"\x89PNG")
    assert f"step {player.slider.value + 1} of {len(player.frames)}" in player.caption.value
    player.next_button.click()
    player.next_button.click()  # never past the end
    assert player.slider.value == player.slider.max


def test_nothing_recorded_yet():
    player = RolloutPlayer(k.Cluster(nodes=1), "ghost")
    assert "No rollout of ghost recorded yet" in player.caption.value
