"""NodePorts: two pods cannot listen on the same host port of one node.

Source: ``pkg/scheduler/framework/plugins/nodeports/node_ports.go`` and ``HostPortInfo`` in
``framework/types.go``. A wanted ``(hostIP, protocol, hostPort)`` conflicts with a used one on the
same IP, or on any IP when either side binds ``0.0.0.0``. PreFilter skips pods without host ports.
"""

from __future__ import annotations

from k8sedu.scheduler.framework import SKIP, Code, Status

NAME = "NodePorts"
ERR_REASON = "node(s) didn't have free ports for the requested pod ports"
_REJECTED = Status(Code.UNSCHEDULABLE, ERR_REASON)
ALL_IPS = "0.0.0.0"


def port_conflict(used: dict, ip: str, protocol: str, port: int) -> bool:
    """``HostPortInfo.CheckConflict``."""
    for used_ip, used_protocol, used_port in used:
        same_port = used_protocol == protocol and used_port == port
        if same_port and (ip == ALL_IPS or used_ip in (ALL_IPS, ip)):
            return True
    return False


class NodePorts:
    name = NAME

    def __init__(self, handle=None, args: dict | None = None) -> None:
        self.handle = handle

    def pre_filter(self, state, pod) -> Status | None:
        return SKIP if not state.pod_info.host_ports else None

    def filter(self, state, pod, node_info) -> Status | None:
        for ip, protocol, port in state.pod_info.host_ports:
            if port_conflict(node_info.used_ports, ip, protocol, port):
                return _REJECTED
        return None
