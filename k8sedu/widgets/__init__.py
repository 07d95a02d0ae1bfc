"""Dashboards and notebook helpers (ipywidgets): thin views over the cluster (STYLE.md §9).

    from k8sedu.widgets import ClusterDashboard
    ClusterDashboard(cluster)            # play, step, break things, kubectl, live pictures

Each widget drives ``cluster.run()`` and redraws from the trace and the store; none holds state
the cluster does not. Names are imported on first use, so ``import k8sedu.widgets`` stays light
(``k8sedu.widgets.i18n`` is used by the pictures too).
"""

from __future__ import annotations

import importlib

# eager: the function shares its module's name (a lazy lookup would find the module)
from k8sedu.widgets.predict import predict

_EXPORTS = {
    "ClusterDashboard": "k8sedu.widgets.dashboard",
    "SchedulerExplorer": "k8sedu.widgets.scheduler_explorer",
    "RolloutPlayer": "k8sedu.widgets.rollout_player",
    "EtcdBrowser": "k8sedu.widgets.etcd_browser",
    "set_language": "k8sedu.widgets.i18n",
    "load_ipython_extension": "k8sedu.widgets.magic",
}

__all__ = [
    "ClusterDashboard",
    "EtcdBrowser",
    "RolloutPlayer",
    "SchedulerExplorer",
    "load_ipython_extension",
    "predict",
    "set_language",
]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'k8sedu.widgets' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
