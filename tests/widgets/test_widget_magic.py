import pytest
from IPython.core.interactiveshell import InteractiveShell

import k8sedu as k
from k8sedu.widgets import magic


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    magic.load_ipython_extension(ip)
    magic.use(None)
    ip.user_ns["cluster"] = k.Cluster(nodes=1)
    yield ip
    ip.user_ns.pop("cluster", None)


def test_line_magic_prints_kubectl_stdout(shell, capsys):
    shell.run_line_magic("kubectl", "get nodes")
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert "node-1" in out


def test_cell_magic_runs_each_line(shell, capsys):
    shell.run_cell_magic("kubectl", "", "create namespace team\n# a comment\nget namespace team\n")
    out = capsys.readouterr().out
    assert "namespace/team created" in out and "team   Active" in out


def test_errors_are_shown_as_a_terminal_shows_them(shell, capsys):
    shell.run_line_magic("kubectl", "get pods nope")
    captured = capsys.readouterr()
    assert captured.err == 'Error from server (NotFound): pods "nope" not found\n'
    assert "Traceback" not in captured.out + captured.err


def test_which_cluster(shell):
    first = shell.user_ns["cluster"]
    assert magic.current_cluster(shell.user_ns) is first
    other = k.Cluster.bare()
    magic.use(other)
    assert magic.current_cluster(shell.user_ns) is other
    magic.use(None)
    with pytest.raises(LookupError, match="several clusters"):
        magic.current_cluster({"a": first, "b": other})
    with pytest.raises(LookupError, match="no cluster yet"):
        magic.current_cluster({})


def test_api_objects_get_a_card(shell):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": [{"name": "c"}]},
        "status": {"phase": "Running"},
    }
    html = shell.display_formatter.formatters["text/html"](pod)
    assert "k8s-card" in html and "default/web" in html and "Running" in html
    assert shell.display_formatter.formatters["text/html"]({"a": 1}) is None
