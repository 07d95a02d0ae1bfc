"""kube-proxy and Services: per-node iptables rules, cluster DNS, and the traffic they route.

``KubeProxy`` (``proxy.py``) is the node process; ``iptables.py`` writes its rules,
``netfilter.py`` is the kernel walking them, ``dns.py`` answers cluster names and
``traffic.py`` sends requests through all of it.
"""

from k8sedu.proxy.proxy import KubeProxy
from k8sedu.proxy.traffic import Traffic, load, request

__all__ = ["KubeProxy", "Traffic", "load", "request"]
