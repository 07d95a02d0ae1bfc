"""Builders for scheduler tests: Node and Pod dicts, and a plugin harness over a real Cache."""

from __future__ import annotations

import random

import numpy as np
import pytest

from k8sedu.scheduler.cache import Cache
from k8sedu.scheduler.framework import CycleState
from k8sedu.scheduler.nodeinfo import PodInfo


def make_node(
    name: str,
    cpu: str = "4",
    memory: str = "8Gi",
    pods: str = "110",
    labels: dict | None = None,
    taints: list | None = None,
    unschedulable: bool = False,
    images: list | None = None,
    extra: dict | None = None,
) -> dict:
    alloc = {"cpu": cpu, "memory": memory, "pods": pods, **(extra or {})}
    spec: dict = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": spec,
        "status": {"capacity": dict(alloc), "allocatable": alloc, "images": images or []},
    }


def make_pod(
    name: str,
    cpu: str | None = None,
    memory: str | None = None,
    *,
    namespace: str = "default",
    labels: dict | None = None,
    node: str | None = None,
    priority: int | None = None,
    containers: list | None = None,
    **spec,
) -> dict:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    if containers is None:
        containers = [{"name": "c", "image": "nginx", "resources": {"requests": requests}}]
    body_spec = {"containers": containers, **spec}
    if node:
        body_spec["nodeName"] = node
    if priority is not None:
        body_spec["priority"] = priority
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": f"uid-{namespace}-{name}",
            "labels": labels or {},
        },
        "spec": body_spec,
    }


class FakeInformer:
    def __init__(self, objects: list[dict]) -> None:
        self.objects = objects
        self.resource_version = "1"

    def list(self, namespace: str | None = None) -> list[dict]:
        return [o for o in self.objects if namespace in (None, o["metadata"].get("namespace"))]

    def get(self, key: str) -> dict | None:
        for o in self.objects:
            meta = o["metadata"]
            if key in (meta["name"], f"{meta.get('namespace')}/{meta['name']}"):
                return o
        return None


class Harness:
    """A plugin's handle without a cluster: a Cache of the given nodes and bound pods."""

    def __init__(self, nodes: list[dict], pods: list[dict] = (), **listers) -> None:
        self.cache = Cache()
        for n in nodes:
            self.cache.add_node(n)
        for p in pods:
            self.cache.add_pod(PodInfo(p), p["spec"]["nodeName"])
        self.listers = {k: FakeInformer(v) for k, v in listers.items()}
        self.nominator = None
        self.rng = random.Random(0)

    def informer(self, resource: str) -> FakeInformer:
        return self.listers.get(resource, FakeInformer([]))

    def state(self, pod: dict) -> CycleState:
        return CycleState(PodInfo(pod))

    def node(self, name: str):
        return self.cache.nodes[name]

    def filter(self, plugin, pod: dict, node: str):
        """pre_filter (if any) then filter on one node; returns the Status or None."""
        state = self.state(pod)
        if hasattr(plugin, "pre_filter"):
            status = plugin.pre_filter(state, pod)
            if status is not None and status.is_skip:
                return None
        return plugin.filter(state, pod, self.node(node))

    def scores(self, plugin, pod: dict) -> dict[str, int]:
        """pre_score, score per node, normalize: {node: final score} over every node."""
        state = self.state(pod)
        infos = self.cache.table().infos
        if hasattr(plugin, "pre_score"):
            status = plugin.pre_score(state, pod, infos)
            if status is not None and status.is_skip:
                return {}
        raw = {ni.name: plugin.score(state, pod, ni)[0] for ni in infos}
        if hasattr(plugin, "normalize_score"):
            plugin.normalize_score(state, pod, raw)
        elif hasattr(plugin, "normalize_batch"):
            rows = np.arange(len(infos))
            values = np.array(list(raw.values()), dtype=np.int64)
            raw = dict(
                zip(raw, plugin.normalize_batch(state, state.pod_info, values, rows).tolist())
            )
        return raw


@pytest.fixture
def harness():
    return Harness
