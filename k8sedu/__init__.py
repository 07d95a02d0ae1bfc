"""k8sedu: a faithful, deterministic Kubernetes cluster simulator for learning.

    import k8sedu as k
    cluster = k.Cluster(nodes=3)
    cluster.apply("web.yaml")
    cluster.run(30)
    print(cluster.kubectl("get pods -o wide"))

Names are imported on first use, so ``import k8sedu`` stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Cluster": "k8sedu.cluster",
    "Etcd": "k8sedu.etcd",
    "Compacted": "k8sedu.etcd",
    "KeyValue": "k8sedu.etcd",
    "RealEtcd": "k8sedu.etcd",
    "Sim": "k8sedu.sim",
    "APIError": "k8sedu.errors",
    "AlreadyExists": "k8sedu.errors",
    "BadRequest": "k8sedu.errors",
    "Conflict": "k8sedu.errors",
    "ConnectionRefused": "k8sedu.errors",
    "FieldError": "k8sedu.errors",
    "Forbidden": "k8sedu.errors",
    "Gone": "k8sedu.errors",
    "Invalid": "k8sedu.errors",
    "KubectlError": "k8sedu.errors",
    "NotFound": "k8sedu.errors",
    "Resources": "k8sedu.quantity",
    "check": "k8sedu.grading.check",
    "connect": "k8sedu.connect",
    "NotSimulated": "k8sedu.connect",
    "predict": "k8sedu.widgets.predict",
    "set_language": "k8sedu.widgets.i18n",
}

# eager: the function shares its module's name, so after `import k8sedu.quiz` a lazy lookup would
# find the module (the same reason as predict in k8sedu/widgets/__init__.py)
from k8sedu.quiz import quiz  # noqa: E402, F401

__all__ = sorted([*_EXPORTS, "quiz"])


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'k8sedu' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython) -> None:
    """``%load_ext k8sedu``: the ``%kubectl`` magic and API-object cards."""
    from k8sedu.widgets.magic import load_ipython_extension as load

    load(ipython)


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
