"""The batch fast path gives exactly the per-node plugins' answers (property test).

For random nodes, bound pods and an incoming pod, every default plugin's ``filter_batch`` must
return, node by node, the Status its ``filter`` returns, and ``score_batch`` the scores of
``score`` — also after more pods land, when the remembered per-node answers are refreshed.
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8sedu.scheduler.nodeinfo import PodInfo
from k8sedu.scheduler.plugins.balancedallocation import BalancedAllocation
from k8sedu.scheduler.plugins.imagelocality import ImageLocality
from k8sedu.scheduler.plugins.nodeaffinity import NodeAffinity
from k8sedu.scheduler.plugins.nodename import NodeName
from k8sedu.scheduler.plugins.noderesources import Fit
from k8sedu.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from k8sedu.scheduler.plugins.tainttoleration import TaintToleration
from tests.scheduler.conftest import Harness, make_node, make_pod

TAINTS = [
    {"key": "gpu", "value": "a", "effect": "NoSchedule"},
    {"key": "spot", "effect": "PreferNoSchedule"},
    {"key": "old", "value": "x", "effect": "PreferNoSchedule"},
    {"key": "drain", "effect": "NoExecute"},
]
TOLERATIONS = [
    {"key": "gpu", "operator": "Exists"},
    {"key": "spot", "operator": "Exists", "effect": "PreferNoSchedule"},
    {"operator": "Exists", "effect": "NoExecute"},
]
IMAGES = [("nginx:latest", 150), ("redis:7", 90), ("big/app:1", 900)]
CPU = st.sampled_from([None, "0", "100m", "500m", "1", "3"])
MEMORY = st.sampled_from([None, "0", "128Mi", "1Gi", "3Gi"])


@st.composite
def nodes(draw):
    out = []
    for i in range(draw(st.integers(1, 7))):
        labels = {}
        for key, values in (("zone", ["a", "b"]), ("disk", ["ssd", "hdd"])):
            value = draw(st.sampled_from([None, *values]))
            if value:
                labels[key] = value
        images = [
            {"names": [n], "sizeBytes": mb * 1024 * 1024} for n, mb in IMAGES if draw(st.booleans())
        ]
        out.append(
            make_node(
                f"n{i}",
                cpu=draw(st.sampled_from(["0", "1", "2", "4"])),
                memory=draw(st.sampled_from(["0", "1Gi", "4Gi"])),
                pods=draw(st.sampled_from(["1", "3", "110"])),
                labels=labels,
                taints=draw(
                    st.lists(st.sampled_from(TAINTS), unique_by=lambda t: t["key"], max_size=2)
                ),
                unschedulable=draw(st.booleans()),
                images=images,
                extra={"example.com/gpu": "1"} if draw(st.booleans()) else None,
            )
        )
    return out


@st.composite
def pods(draw, count, node_names=None):
    out = []
    for i in range(count):
        containers = [
            {
                "name": f"c{j}",
                "image": draw(st.sampled_from([n for n, _ in IMAGES] + ["busybox"])),
                "resources": {
                    "requests": {
                        k: v for k, v in (("cpu", draw(CPU)), ("memory", draw(MEMORY))) if v
                    }
                },
            }
            for j in range(draw(st.integers(1, 2)))
        ]
        if draw(st.booleans()):
            containers[0]["resources"]["limits"] = {"example.com/gpu": "1"}
        spec = {"tolerations": draw(st.lists(st.sampled_from(TOLERATIONS), max_size=2))}
        if draw(st.booleans()):
            spec["nodeSelector"] = {"zone": draw(st.sampled_from(["a", "b"]))}
        if draw(st.booleans()):
            term = {
                "matchExpressions": [
                    {
                        "key": "disk",
                        "operator": draw(st.sampled_from(["In", "NotIn", "Exists"])),
                        "values": ["ssd"],
                    }
                ]
            }
            if term["matchExpressions"][0]["operator"] == "Exists":
                del term["matchExpressions"][0]["values"]
            spec["affinity"] = {
                "nodeAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": draw(st.integers(1, 100)), "preference": term}
                    ]
                }
            }
        node = draw(st.sampled_from(node_names)) if node_names else None
        out.append(
            make_pod(
                f"p{i}-{draw(st.integers(0, 10**6))}", containers=containers, node=node, **spec
            )
        )
    return out


PLUGINS = [
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity,
    Fit,
    BalancedAllocation,
    ImageLocality,
]


def check_plugin(h, plugin, pod):
    state = h.state(pod)
    table = h.cache.table()
    infos = table.infos
    if hasattr(plugin, "pre_filter"):
        status = plugin.pre_filter(state, pod)
        if status is not None and status.is_skip:
            return
    if hasattr(plugin, "filter_batch"):
        codes, statuses = plugin.filter_batch(state, state.pod_info, table)
        for i, ni in enumerate(infos):
            expected = plugin.filter(state, pod, ni)
            code = 0 if codes is None else int(codes[i])
            assert (statuses[code] if code else None) == expected, (plugin.name, ni.name)
    if hasattr(plugin, "score_batch"):
        if hasattr(plugin, "pre_score"):
            status = plugin.pre_score(state, pod, infos)
            if status is not None and status.is_skip:
                return
        rows = np.arange(len(infos))
        batch = plugin.score_batch(state, state.pod_info, table, rows).tolist()
        assert batch == [plugin.score(state, pod, ni)[0] for ni in infos], plugin.name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_batch_equals_per_node(data):
    node_objs = data.draw(nodes())
    names = [n["metadata"]["name"] for n in node_objs]
    bound = data.draw(pods(data.draw(st.integers(0, 8)), names))
    h = Harness(node_objs, bound)
    incoming = data.draw(pods(1))[0]
    for factory in PLUGINS:
        check_plugin(h, factory(h), incoming)
    # more pods land (fewer or more than the row-by-row threshold): answers stay exact
    for pod in data.draw(pods(data.draw(st.sampled_from([1, 3, 20])), names)):
        h.cache.add_pod(PodInfo(pod), pod["spec"]["nodeName"])
    for factory in PLUGINS:
        check_plugin(h, factory(h), incoming)
