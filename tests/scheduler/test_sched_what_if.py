"""``Scheduler.what_if``: the same decision under other weights or scoring strategy, binding nothing."""

import k8sedu as k


def pod(name, cpu, node=None):
    spec = {
        "containers": [
            {"name": "c", "image": "nginx:1.27", "resources": {"requests": {"cpu": cpu}}}
        ]
    }
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def test_scoring_strategy_flips_the_choice_and_changes_nothing():
    cluster = k.Cluster(nodes=3)
    cluster.api.create("pods", pod("big", "2", node="node-1"))
    cluster.run(5)
    cluster.api.create("pods", pod("new", "500m"))
    cluster.run(5)
    placed = cluster.api.get("pods", "new")["spec"]["nodeName"]
    assert placed != "node-1"  # LeastAllocated, the default, spreads away from the busy node
    scheduler = cluster.scheduler
    state = (scheduler.next_start_node_index, scheduler.rng.getstate(), cluster.etcd.revision)
    packed = scheduler.what_if("new", scoring_strategy="MostAllocated")
    assert packed.chosen == "node-1"  # bin packing goes to the busiest node that fits
    spread = scheduler.what_if("new", scoring_strategy="LeastAllocated")
    assert spread.chosen != "node-1"
    assert (
        scheduler.next_start_node_index,
        scheduler.rng.getstate(),
        cluster.etcd.revision,
    ) == state
    assert cluster.api.get("pods", "new")["spec"]["nodeName"] == placed


def test_weights_change_the_weighted_scores():
    cluster = k.Cluster(nodes=2)
    cluster.api.create("pods", pod("new", "100m"))
    cluster.run(5)
    heavy = cluster.scheduler.what_if("new", weights={"NodeResourcesFit": 10})
    fit = [r for r in heavy.rows if r["plugin"] == "NodeResourcesFit" and r["weighted"] is not None]
    assert fit and all(r["weighted"] == 10 * r["normalized"] for r in fit)
