"""The scheduler's cache: one NodeInfo per node, kept incrementally from the informers.

Models ``pkg/scheduler/backend/cache/cache.go`` and ``node_tree.go``. Bound pods come from the
pod informer; a pod the scheduler has just placed is *assumed* onto its node at once, so the
next cycle already counts it (otherwise a burst of pods would all pick the same emptiest node).
When the informer echoes the binding, the assumed pod is simply confirmed.

Nodes are listed in node-tree order — zones interleaved (``zone-a[0], zone-b[0], zone-a[1]…``)
— which is the order the scheduler scans them round-robin. ``table()`` gives the same nodes as
numpy columns (allocatable, requested, pod counts, taint groups, label indexes) for the default
plugins' batch paths; a pod change rewrites one row, a node added or removed rebuilds the table
on next use.

Simplified: no assumed-pod expiry (binding here is synchronous, so it never times out).
"""

from __future__ import annotations

import numpy as np

from k8sedu.scheduler.nodeinfo import NodeInfo, PodInfo

ZONE_LABEL = "topology.kubernetes.io/zone"
REGION_LABEL = "topology.kubernetes.io/region"
MAX_ROW_MEMOS = 32  # distinct pod shapes remembered at once (oldest forgotten first)
FEW_ROWS = 16  # up to this many changed rows are recomputed one by one


def zone_key(node: dict) -> str:
    """``utilnode.GetZoneKey``: region and zone joined, or "" when the node has neither."""
    labels = node["metadata"].get("labels") or {}
    region, zone = labels.get(REGION_LABEL, ""), labels.get(ZONE_LABEL, "")
    return f"{region}:\x00:{zone}" if region or zone else ""


def scheduling_view(node: dict) -> tuple:
    """The parts of a Node that scheduling decisions read."""
    spec, status = node.get("spec") or {}, node.get("status") or {}
    return (
        node["metadata"].get("labels"),
        spec.get("taints"),
        spec.get("unschedulable"),
        status.get("allocatable"),
        status.get("images"),
    )


class NodeTable:
    """The snapshot's nodes as columns, row ``i`` being ``infos[i]`` (node-tree order)."""

    def __init__(self, infos: list[NodeInfo]) -> None:
        self.infos = infos
        self.names = [ni.name for ni in infos]
        self.index = {name: i for i, name in enumerate(self.names)}
        n = len(infos)

        def column(get, dtype=np.int64) -> np.ndarray:
            return np.fromiter((get(ni) for ni in infos), dtype=dtype, count=n)

        self.alloc_cpu = column(lambda ni: ni.allocatable.cpu)
        self.alloc_mem = column(lambda ni: ni.allocatable.memory)
        self.alloc_eph = column(lambda ni: ni.allocatable.ephemeral_storage)
        self.alloc_pods = column(lambda ni: ni.allocatable.pods)
        self.req_cpu = column(lambda ni: ni.requested.cpu)
        self.req_mem = column(lambda ni: ni.requested.memory)
        self.req_eph = column(lambda ni: ni.requested.ephemeral_storage)
        self.nz_cpu = column(lambda ni: ni.non_zero_requested.cpu)
        self.nz_mem = column(lambda ni: ni.non_zero_requested.memory)
        self.pod_count = column(len)
        self.unschedulable = column(lambda ni: ni.unschedulable, bool)
        self._taints: tuple[np.ndarray, list[tuple]] | None = None
        self._labels: dict[str, dict] = {}
        self._images: dict[str, np.ndarray] = {}
        self.memo: dict = {}  # plugins' per-snapshot results that only node changes invalidate
        self._row_memos: dict = {}  # key -> [per-row array, rows changed since]

    def __len__(self) -> int:
        return len(self.infos)

    def refresh_pods(self, i: int) -> None:
        """Row ``i`` after a pod was added to or removed from its node."""
        ni = self.infos[i]
        req, nz = ni.requested, ni.non_zero_requested
        self.req_cpu[i], self.req_mem[i], self.req_eph[i] = (
            req.cpu,
            req.memory,
            req.ephemeral_storage,
        )
        self.nz_cpu[i], self.nz_mem[i] = nz.cpu, nz.memory
        self.pod_count[i] = len(ni)
        for memo in self._row_memos.values():
            memo[1].add(i)

    def refresh_node(self, i: int) -> None:
        """Row ``i`` after its Node object changed (allocatable, taints, labels, cordon)."""
        ni = self.infos[i]
        alloc = ni.allocatable
        self.alloc_cpu[i], self.alloc_mem[i] = alloc.cpu, alloc.memory
        self.alloc_eph[i], self.alloc_pods[i] = alloc.ephemeral_storage, alloc.pods
        self.unschedulable[i] = ni.unschedulable
        for memo in self._row_memos.values():
            memo[1].add(i)
        self._taints = None
        self._labels.clear()
        self._images.clear()
        self.memo.clear()

    def memo_rows(self, key, compute, compute_one) -> np.ndarray:
        """``compute(rows)`` for every row, remembered under ``key`` and brought up to date as
        pods come and go: a cycle recomputes only the rows that changed since, one by one with
        ``compute_one(row)`` (the per-node code) when they are few.

        Both must give the same values and depend only on ``key`` and row ``i``'s node.
        """
        memo = self._row_memos.get(key)
        if memo is None:
            if len(self._row_memos) >= MAX_ROW_MEMOS:
                del self._row_memos[next(iter(self._row_memos))]
            memo = self._row_memos[key] = [compute(np.arange(len(self.infos))), set()]
        elif memo[1]:
            values, dirty = memo
            if len(dirty) <= FEW_ROWS:
                for i in dirty:
                    values[i] = compute_one(i)
            else:
                rows = np.fromiter(dirty, dtype=np.int64, count=len(dirty))
                values[rows] = compute(rows)
            dirty.clear()
        return memo[0]

    def taint_groups(self) -> tuple[np.ndarray, list[tuple]]:
        """Nodes grouped by their taint lists: (group of each row, the taints of each group).

        Plugins decide once per distinct taint list instead of once per node.
        """
        if self._taints is None:
            groups: dict[tuple, int] = {}
            ids = np.empty(len(self.infos), dtype=np.int32)
            for i, ni in enumerate(self.infos):
                key = tuple(
                    (t.get("key", ""), t.get("value", ""), t.get("effect", "")) for t in ni.taints
                )
                ids[i] = groups.setdefault(key, len(groups))
            self._taints = (ids, list(groups))
        return self._taints

    def label_index(self, key: str) -> dict[str | None, np.ndarray]:
        """Rows by their value of label ``key`` (``None``: rows without the label), so that a
        selector is judged once per distinct value."""
        index = self._labels.get(key)
        if index is None:
            rows: dict[str | None, list[int]] = {}
            for i, ni in enumerate(self.infos):
                rows.setdefault(ni.labels.get(key), []).append(i)
            index = {value: np.array(r, dtype=np.int64) for value, r in rows.items()}
            self._labels[key] = index
        return index

    def image_sizes(self, image: str) -> np.ndarray:
        """Every row's size of ``image`` in bytes (0 where the node does not have it)."""
        sizes = self._images.get(image)
        if sizes is None:
            sizes = np.fromiter((ni.images.get(image, 0) for ni in self.infos), np.int64)
            self._images[image] = sizes
        return sizes


class Cache:
    """NodeInfos by node name, the node tree, pod locations and image spread."""

    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        self.pod_node: dict[str, str] = {}  # pod uid -> node name
        self.assumed: set[str] = set()  # uids placed by us, not yet echoed by the informer
        self.zones: dict[str, list[str]] = {}  # zone key -> node names in arrival order
        self.image_nodes: dict[str, int] = {}  # image name -> how many nodes have it
        # nodes hosting pods with (required anti-)affinity: InterPodAffinity looks only there
        self.affinity_nodes: dict[str, None] = {}
        self.anti_affinity_nodes: dict[str, None] = {}
        self._table: NodeTable | None = None

    # -- nodes ---------------------------------------------------------------------------------

    def add_node(self, node: dict) -> None:
        name = node["metadata"]["name"]
        ni = self.nodes.get(name)
        if ni is None:
            ni = self.nodes[name] = NodeInfo()
        elif ni.node is not None:
            self.update_node(ni.node, node)
            return
        ni.set_node(node)
        self._count_images(ni, 1)
        self.zones.setdefault(zone_key(node), []).append(name)
        self._table = None

    def update_node(self, old: dict, new: dict) -> bool:
        """Take the new Node; True if anything the scheduler looks at changed (a heartbeat that
        only renews conditions is not such a change)."""
        name = new["metadata"]["name"]
        ni = self.nodes.get(name)
        if ni is None or ni.node is None:
            self.add_node(new)
            return True
        if scheduling_view(ni.node) == scheduling_view(new):
            ni.node = new
            return False
        old = ni.node
        if zone_key(old) != zone_key(new):
            self._leave_zone(old)
            self.zones.setdefault(zone_key(new), []).append(name)
            self._table = None
        self._count_images(ni, -1)
        ni.set_node(new)
        self._count_images(ni, 1)
        if self._table is not None:
            self._table.refresh_node(self._table.index[name])
        return True

    def remove_node(self, node: dict) -> None:
        name = node["metadata"]["name"]
        ni = self.nodes.get(name)
        if ni is None:
            return
        self._count_images(ni, -1)
        self._leave_zone(node)
        if len(ni):  # pods still bound there: keep them counted on a node-less NodeInfo
            ni.node, ni.images = None, {}
        else:
            del self.nodes[name]
        self._table = None

    def _leave_zone(self, node: dict) -> None:
        key = zone_key(node)
        names = self.zones.get(key, [])
        if node["metadata"]["name"] in names:
            names.remove(node["metadata"]["name"])
        if not names:
            self.zones.pop(key, None)

    def _count_images(self, ni: NodeInfo, delta: int) -> None:
        if ni.node is None:
            return
        for name in ni.images:
            left = self.image_nodes.get(name, 0) + delta
            if left > 0:
                self.image_nodes[name] = left
            else:
                self.image_nodes.pop(name, None)

    # -- pods ----------------------------------------------------------------------------------

    def add_pod(self, pi: PodInfo, node_name: str) -> None:
        """Count a pod on a node (a bound pod from the informer, or our own assumption)."""
        old = self.pod_node.get(pi.uid)
        if old is not None and old != node_name:
            self.remove_pod(pi.uid)
        ni = self.nodes.get(node_name)
        if ni is None:
            ni = self.nodes[node_name] = NodeInfo()
            ni.name = node_name
        self.pod_node[pi.uid] = node_name
        if ni.add_pod(pi):
            self._refresh(node_name)

    def assume_pod(self, pi: PodInfo, node_name: str) -> PodInfo:
        """``AssumePod``: count the pod on ``node_name`` before the binding is seen."""
        pod = dict(pi.pod, spec=dict(pi.pod.get("spec") or {}, nodeName=node_name))
        assumed = pi.with_pod(pod)
        self.add_pod(assumed, node_name)
        self.assumed.add(pi.uid)
        return assumed

    def confirm_pod(self, pi: PodInfo) -> None:
        """The informer shows the pod bound: it replaces the assumed copy (``AddPod``)."""
        self.assumed.discard(pi.uid)
        self.add_pod(pi, pi.node_name)

    def forget_pod(self, uid: str) -> None:
        """``ForgetPod``: an assumed pod whose binding failed."""
        self.assumed.discard(uid)
        self.remove_pod(uid)

    def remove_pod(self, uid: str) -> PodInfo | None:
        node_name = self.pod_node.pop(uid, None)
        if node_name is None:
            return None
        self.assumed.discard(uid)
        ni = self.nodes[node_name]
        pi = ni.remove_pod(uid)
        if ni.node is None and not len(ni):
            del self.nodes[node_name]
        self._refresh(node_name)
        return pi

    def pod(self, uid: str) -> PodInfo | None:
        node_name = self.pod_node.get(uid)
        return None if node_name is None else self.nodes[node_name]._pods.get(uid)

    def _refresh(self, node_name: str) -> None:
        ni = self.nodes.get(node_name)
        for holders, count in (
            (self.affinity_nodes, ni.pods_with_affinity if ni else 0),
            (self.anti_affinity_nodes, ni.pods_with_required_anti_affinity if ni else 0),
        ):
            if count:
                holders[node_name] = None
            else:
                holders.pop(node_name, None)
        table = self._table
        if table is not None:
            i = table.index.get(node_name)
            if i is not None:
                table.refresh_pods(i)

    # -- the snapshot ----------------------------------------------------------------------------

    def node_order(self) -> list[str]:
        """Node names in node-tree order: zones interleaved (``nodeTree.list``)."""
        zones = list(self.zones.values())
        out: list[str] = []
        depth = max((len(z) for z in zones), default=0)
        for i in range(depth):
            out.extend(z[i] for z in zones if i < len(z))
        return out

    def table(self) -> NodeTable:
        """The current snapshot (``UpdateSnapshot``): rebuilt only after nodes came or went."""
        if self._table is None:
            self._table = NodeTable([self.nodes[name] for name in self.node_order()])
        return self._table
