import pytest
from matplotlib.colors import to_hex

from k8sedu.viz import palette, topology
from k8sedu.viz.topology import TopologyLayout
from tests.viz.conftest import pod


def collections(fig) -> dict:
    """gid → the collection drawn under it."""
    return {c.get_gid(): c for c in fig.axes[0].collections if c.get_gid()}


def members(fig, prefix: str) -> set[str]:
    return {
        url for gid, c in collections(fig).items() if gid.startswith(prefix) for url in c.get_urls()
    }


def centre(fig, key: str) -> tuple[float, float]:
    for coll in collections(fig).values():
        if key in coll.get_urls():
            path = coll.get_paths()[coll.get_urls().index(key)]
            x0, y0, x1, y1 = path.get_extents().bounds
            return round(x0 + x1 / 2, 3), round(y0 + y1 / 2, 3)
    raise KeyError(key)


def test_pods_sit_in_their_nodes_coloured_by_phase(web_cluster):
    fig = topology(web_cluster)
    running = collections(fig)["pods:Running"]
    assert set(running.get_urls()) == {"default/web-0", "default/web-1", "default/web-2"}
    assert {to_hex(c) for c in running.get_facecolors()} == {
        palette.PHASE_COLORS["Running"].lower()
    }
    assert members(fig, "pods:Pending") == {"default/stuck"}
    # the unscheduled pod is drawn in the "Not scheduled yet" box (x from 87), not in a node
    assert centre(fig, "default/stuck")[0] > 87
    assert centre(fig, "default/web-0")[0] < 40  # node-1 is the first of three columns


def test_control_plane_and_node_processes_are_drawn(web_cluster):
    web_cluster.stop("kube-scheduler")
    fig = topology(web_cluster)
    assert "kube-scheduler" in members(fig, "processes:stopped")
    assert {"etcd", "kube-apiserver", "kube-controller-manager"} <= members(
        fig, "processes:running"
    )
    assert {"node-1/kubelet", "node-1/kube-proxy"} <= members(fig, "processes:running")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"kubelet", "kube-proxy", "kube-scheduler"} <= texts


def test_a_failed_node_is_hatched_then_not_ready(web_cluster):
    web_cluster.fail_node("node-2")
    fig = topology(web_cluster)
    assert members(fig, "nodes:Ready:off") == {"node-2"}
    assert collections(fig)["nodes:Ready:off"].get_hatch() == "///"
    web_cluster.run(60)  # node-monitor-grace-period 40 s (REFERENCE §4.4): the Node turns Unknown
    fig = topology(web_cluster)
    assert members(fig, "nodes:Unknown") == {"node-2"}
    assert collections(fig)["nodes:Unknown:off"].get_linestyle()[0][1] is not None  # dashed


def test_service_lines_end_at_its_ready_endpoints(web_cluster):
    fig = topology(web_cluster)
    lines = collections(fig)["endpoints:default/web:ready"]
    ends = {tuple(round(v, 3) for v in seg[-1]) for seg in lines.get_segments()}
    assert ends == {centre(fig, f"default/web-{i}") for i in range(3)}
    # the kubernetes Service's endpoint is the API server itself
    assert "endpoints:default/kubernetes:ready" in collections(fig)


def test_pods_keep_their_place_across_redraws(web_cluster):
    layout = TopologyLayout()
    before = topology(web_cluster, layout)
    kept, freed = centre(before, "default/web-2"), centre(before, "default/web-0")
    web_cluster.api.delete("pods", "web-0", grace_period=0)
    web_cluster.api.create("pods", pod("web-3", "node-1"))
    web_cluster.run(5)
    after = topology(web_cluster, layout)
    assert centre(after, "default/web-2") == kept
    # the new pod takes the slot web-0 freed, instead of pushing the others around
    assert centre(after, "default/web-3") == freed


@pytest.mark.parametrize("seconds", [0, 42])
def test_title_says_when(web_cluster, seconds):
    web_cluster.run(seconds)
    fig = topology(web_cluster)
    title = next(t for t in fig.axes[0].texts if t.get_gid() == "title").get_text()
    assert f"t = {web_cluster.now:g} s" in title


def test_figure_is_a_projector_sized_png(web_cluster):
    data = topology(web_cluster)._repr_png_()  # how a notebook shows it, with any backend
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 720)


def test_cached_labels_look_the_same(web_cluster):
    """The dashboard's layout draws static labels once and lays them over each redraw."""
    import io

    import numpy as np
    from PIL import Image

    cached = TopologyLayout(cache_labels=True)
    topology(web_cluster, cached)
    assert "kubelet" in {label[2] for label in cached.labels}
    assert "kubelet" not in {t.get_text() for t in cached.figure.axes[0].texts}
    plain = TopologyLayout()
    topology(web_cluster, plain)

    def pixels(data: bytes):
        return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float)

    assert np.abs(pixels(cached.png()) - pixels(plain.png())).mean() < 0.5
