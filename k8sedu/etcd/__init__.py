"""etcd: the MVCC key-value store that holds the cluster's state (see ``store.py``)."""

from k8sedu.etcd.lease import LeaseNotFound
from k8sedu.etcd.real import RealEtcd
from k8sedu.etcd.store import Compacted, Etcd, FutureRevision, KeyValue
from k8sedu.etcd.watch import Event, WatchHandle

__all__ = [
    "Compacted",
    "Etcd",
    "Event",
    "FutureRevision",
    "KeyValue",
    "LeaseNotFound",
    "RealEtcd",
    "WatchHandle",
]
