"""ClusterIP and NodePort allocation for Services.

Service IPs come from ``10.96.0.0/12`` (kubeadm's and kind's default; the bare apiserver default is
``10.0.0.0/24``) and node ports from ``30000-32767`` (REFERENCE §2 and §6). As in the real
allocators, the range is split into a lower static band, kept for addresses users ask for, and an
upper band from which free values are drawn at random (here from the seeded generator):
``min(max(16, size/16), 256)`` addresses and ``min(max(16, size/32), 128)`` ports.
Source: k8s ``pkg/registry/core/service/ipallocator`` and ``portallocator``.
"""

from __future__ import annotations

import ipaddress

from k8sedu.errors import FieldError

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORT_BASE, NODE_PORT_SIZE = 30000, 2768


class Allocator:
    def __init__(self, rng) -> None:
        self.rng = rng
        self.ips: set[int] = set()
        self.ports: set[int] = set()

    # offsets inside the CIDR: 0 is the network address and the last one the broadcast address
    _ip_size = SERVICE_CIDR.num_addresses - 2
    _ip_static = min(max(16, _ip_size // 16), 256)
    _port_static = min(max(16, NODE_PORT_SIZE // 32), 128)

    def rebuild(self, services: list[dict]) -> None:
        """Recompute what is taken from the stored Services (after an API server restart)."""
        self.ips.clear()
        self.ports.clear()
        for svc in services:
            self.take(svc)

    def take(self, svc: dict) -> None:
        spec = svc.get("spec", {})
        for ip in spec.get("clusterIPs") or [spec.get("clusterIP")]:
            if ip and ip != "None":
                self.ips.add(int(ipaddress.ip_address(ip)))
        for port in spec.get("ports") or []:
            if port.get("nodePort"):
                self.ports.add(port["nodePort"])

    def release(self, svc: dict) -> None:
        spec = svc.get("spec", {})
        for ip in spec.get("clusterIPs") or [spec.get("clusterIP")]:
            if ip and ip != "None":
                self.ips.discard(int(ipaddress.ip_address(ip)))
        for port in spec.get("ports") or []:
            self.ports.discard(port.get("nodePort"))

    def allocate_ip(self, requested: str | None) -> str:
        """A free cluster IP: the requested one if free, else one drawn from the upper band."""
        base = int(SERVICE_CIDR.network_address)
        if requested:
            try:
                value = int(ipaddress.ip_address(requested))
            except ValueError:
                raise AllocationError(_ip_error(requested, "must be a valid IP address")) from None
            if ipaddress.ip_address(requested) not in SERVICE_CIDR:
                raise AllocationError(
                    _ip_error(
                        requested,
                        f"failed to allocate IP {requested}: the provided IP ({requested}) "
                        f"is not in the valid range. The range of valid IPs is {SERVICE_CIDR}",
                    )
                )
            if value in self.ips:
                raise AllocationError(
                    _ip_error(
                        requested,
                        f"failed to allocate IP {requested}: provided IP is already allocated",
                    )
                )
            self.ips.add(value)
            return requested
        while True:
            value = base + 1 + self._ip_static + self.rng.randrange(self._ip_size - self._ip_static)
            if value not in self.ips:
                self.ips.add(value)
                return str(ipaddress.ip_address(value))

    def allocate_port(self, requested: int | None, index: int) -> int:
        if requested:
            if requested in self.ports:
                raise AllocationError(
                    _port_error(index, requested, "provided port is already allocated")
                )
            self.ports.add(requested)
            return requested
        if len(self.ports) >= NODE_PORT_SIZE:
            raise AllocationError(_port_error(index, 0, "range is full"))
        while True:
            value = (
                NODE_PORT_BASE
                + self._port_static
                + self.rng.randrange(NODE_PORT_SIZE - self._port_static)
            )
            if value not in self.ports:
                self.ports.add(value)
                return value


class AllocationError(Exception):
    """No free value, or the requested one is taken: the server answers Invalid with these errors."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(str(errors[0]))
        self.errors = errors


def _ip_error(ip: str, detail: str):
    return [FieldError("spec.clusterIPs", "Invalid value", [ip], detail)]


def _port_error(index: int, port: int, detail: str):
    return [FieldError(f"spec.ports[{index}].nodePort", "Invalid value", port, detail)]
