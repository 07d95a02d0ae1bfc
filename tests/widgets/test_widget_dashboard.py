"""Drive the dashboard from Python as a learner would with the mouse."""

import pytest

import k8sedu as k
from k8sedu.viz.history import history_of
from k8sedu.widgets import ClusterDashboard

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def dash():
    return ClusterDashboard(k.Cluster(nodes=2))


def button(dash, css_class):
    return next(b for b in dash.faults.children[1:] if css_class in b._dom_classes)


def text(output) -> str:
    return "".join(o["text"] for o in output.outputs)


def test_it_draws_at_once(dash):
    assert bytes(dash.images[0].value).startswith(PNG)
    assert dash.clock.value.startswith("t = 0 s · 2025-01-01T00:00:00Z")
    assert "k8s-dashboard" in dash.widget._dom_classes


@pytest.mark.parametrize("speed", [1, 5, 30])
def test_step_moves_the_clock_by_one_tick(dash, speed):
    dash.speed.value = speed
    before = bytes(dash.images[0].value)
    dash.step_button.click()
    assert dash.cluster.now == speed
    assert dash.clock.value.startswith(f"t = {speed} s")
    assert bytes(dash.images[0].value) != before  # the title tells the time


def test_play_ticks_step(dash):
    dash.play.value += 1
    dash.play.value += 1
    assert dash.cluster.now == 2


def test_kubectl_console_runs_commands(dash):
    dash.command.value = "create deployment web --image=k8sedu/web:1.0 --replicas=2"
    assert dash.command.value == ""  # cleared for the next command
    dash.run_command("kubectl get deployments")
    out = text(dash.console)
    assert "$ kubectl create deployment web" in out and "deployment.apps/web created" in out
    assert "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" in out
    assert dash.commands == [
        "create deployment web --image=k8sedu/web:1.0 --replicas=2",
        "get deployments",
    ]


def test_kubectl_errors_go_to_stderr(dash):
    dash.run_command("get pods nope")
    errors = [o["text"] for o in dash.console.outputs if o["name"] == "stderr"]
    assert errors == ['Error from server (NotFound): pods "nope" not found\n']


def test_fail_and_recover_a_node(dash):
    fail = button(dash, "k8s-node-node-1")
    assert fail.description == "Fail node-1"
    fail.click()
    assert not dash.cluster.node("node-1").up
    assert button(dash, "k8s-node-node-1").description == "Recover node-1"
    button(dash, "k8s-node-node-1").click()
    assert dash.cluster.node("node-1").up


def test_stop_and_start_a_component(dash):
    button(dash, "k8s-component-kube-scheduler").click()
    assert not dash.cluster.scheduler.running
    assert button(dash, "k8s-component-kube-scheduler").description == "Start kube-scheduler"
    button(dash, "k8s-component-kube-scheduler").click()
    assert dash.cluster.scheduler.running


def test_reset_rewinds_the_same_cluster_object(dash):
    cluster = dash.cluster
    dash.step()
    dash.checkpoint_button.click()
    dash.run_command("create deployment web --image=k8sedu/web:1.0")
    dash.step()
    dash.step()
    dash.reset_button.click()
    assert dash.cluster is cluster and cluster.now == 1
    assert cluster.api.list("deployments") == []
    assert history_of(cluster).cluster is cluster  # the recording rewound with it
    cluster.run(5)  # and the rewound cluster still runs
    assert cluster.now == 6


def test_reset_without_checkpoint_says_so(dash):
    dash.reset_button.click()
    assert "press Checkpoint first" in dash.message.value


@pytest.mark.parametrize("tab", [1, 2], ids=["timeline", "traffic"])
def test_other_tabs_render_when_shown(dash, tab):
    assert bytes(dash.images[tab].value) == b""
    dash.tabs.selected_index = tab
    assert bytes(dash.images[tab].value).startswith(PNG)


def test_the_magic_follows_the_dashboard(dash):
    from k8sedu.widgets import magic

    assert magic.current_cluster() is dash.cluster
