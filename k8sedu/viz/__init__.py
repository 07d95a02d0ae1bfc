"""Pictures of the cluster (matplotlib + networkx): pure functions that return a Figure.

    import k8sedu.viz as viz
    viz.topology(cluster)                     # what runs where
    viz.traffic(cluster)                      # who talked to whom through the API server
    history = viz.record(cluster)             # start recording, run, then:
    viz.timeline(history)                     # pods, replicas, HPA, nodes over time
    viz.scheduler_scores(cluster.scheduler.explain("web-1"))
    viz.etcd_history(cluster, "/registry/pods/")
    viz.kube_proxy_rules(cluster.node("node-1"))
    viz.capstone_run(k8sedu.capstone.run(docs))  # lesson 12's run over time

The core never imports this package (STYLE.md §8): pictures read the trace and the store.
The functions are imported here eagerly: three of them share their module's name, and a lazy
lookup would hand out the module once something imported it.
"""

from k8sedu.viz.capstone import capstone_run
from k8sedu.viz.etcd import etcd_history
from k8sedu.viz.history import History, record
from k8sedu.viz.palette import png
from k8sedu.viz.proxy import kube_proxy_rules
from k8sedu.viz.scheduler import scheduler_scores
from k8sedu.viz.timeline import timeline
from k8sedu.viz.topology import TopologyLayout, topology
from k8sedu.viz.traffic import traffic

__all__ = [
    "History",
    "TopologyLayout",
    "capstone_run",
    "etcd_history",
    "kube_proxy_rules",
    "png",
    "record",
    "scheduler_scores",
    "timeline",
    "topology",
    "traffic",
]
