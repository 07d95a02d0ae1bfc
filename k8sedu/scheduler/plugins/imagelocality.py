"""ImageLocality: prefer nodes that already have the pod's images (no pull needed).

Source: ``pkg/scheduler/framework/plugins/imagelocality/image_locality.go``. For every container
image (init and app) present on the node, add its size scaled by the share of nodes that have
it — so an image on every node does not pull pods to one ("node heating"). The sum is clamped to
[23 MiB, 1000 MiB × containers] and mapped linearly onto 0–100. Image names without a tag are
compared as ``:latest``.
"""

from __future__ import annotations

import numpy as np

from k8sedu.scheduler.framework import MAX_NODE_SCORE, Status, go_div

NAME = "ImageLocality"
MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def calculate_priority(sum_scores: np.ndarray, num_containers: int) -> np.ndarray:
    """``calculatePriority``: clamp the summed image scores, scale onto 0–100."""
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    clamped = np.where(
        sum_scores < MIN_THRESHOLD,
        MIN_THRESHOLD,
        np.where(sum_scores > max_threshold, max_threshold, sum_scores),
    )
    return go_div(MAX_NODE_SCORE * (clamped - MIN_THRESHOLD), max_threshold - MIN_THRESHOLD)


class ImageLocality:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle

    def _spread(self, image: str) -> float:
        """``NumNodes / totalNumNodes`` for one image (``scaledImageScore``)."""
        cache = self.handle.cache
        return cache.image_nodes.get(image, 0) / len(cache.table())

    def score(self, state, pod, node_info) -> tuple[int, Status | None]:
        pi = state.pod_info
        total = sum(
            int(float(node_info.images[image]) * self._spread(image))
            for image in pi.images
            if image in node_info.images
        )
        return int(calculate_priority(np.int64(total), pi.num_containers)), None

    def score_batch(self, state, pod_info, table, rows: np.ndarray) -> np.ndarray:
        known = self.handle.cache.image_nodes
        if not any(image in known for image in pod_info.images):
            return np.zeros(len(rows), dtype=np.int64)  # no node has any: all score 0
        total = np.zeros(len(rows), dtype=np.int64)
        for image in pod_info.images:
            if image in known:
                sizes = table.image_sizes(image)[rows]
                total += np.trunc(sizes.astype(np.float64) * self._spread(image)).astype(np.int64)
        return calculate_priority(total, pod_info.num_containers)
