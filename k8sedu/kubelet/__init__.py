"""The kubelet: the node agent (``kubelet.py``) and its parts, one small module each."""

from k8sedu.kubelet.kubelet import Kubelet

__all__ = ["Kubelet"]
