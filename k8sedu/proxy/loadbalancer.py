"""The load-balancer half of a cloud provider: gives ``type: LoadBalancer`` Services an IP.

Models the service controller of ``k8s.io/cloud-provider/controllers/service`` as a provider
like cloud-provider-kind or MetalLB runs it: a LoadBalancer Service gets the first free address
of the cluster's pool in ``status.loadBalancer.ingress`` (``ipMode: VIP``), with the events
``EnsuringLoadBalancer`` and ``EnsuredLoadBalancer``. Without a pool
(``Cluster(load_balancer_range=None)``, the default) nothing provisions load balancers, and
``kubectl get svc`` shows EXTERNAL-IP ``<pending>`` forever, as on a bare kubeadm cluster.

The pool is ``"172.18.255.200-172.18.255.250"`` or a CIDR such as ``"172.18.255.192/27"``.
Traffic to the IP enters at a node that passes the load balancer's health check (see
``traffic.py``), then kube-proxy's ``loadbalancer IP`` rule takes over.

Simplified: it runs inside kube-controller-manager (as ``service-lb``) instead of a
cloud-controller-manager; ``loadBalancerClass`` Services are left to their own controller.
"""

from __future__ import annotations

import ipaddress

from k8sedu.client.controller import Controller


def pool_addresses(pool: str) -> list[str]:
    """Every address of a pool written as ``first-last`` or as a CIDR.

    >>> pool_addresses("172.18.255.200-172.18.255.202")
    ['172.18.255.200', '172.18.255.201', '172.18.255.202']
    """
    if "-" in pool:
        first, last = (ipaddress.ip_address(p.strip()) for p in pool.split("-", 1))
        return [str(ipaddress.ip_address(i)) for i in range(int(first), int(last) + 1)]
    return [str(ip) for ip in ipaddress.ip_network(pool).hosts()]


def ingress_ips(svc: dict) -> list[str]:
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return [i["ip"] for i in ingress if i.get("ip")]


class ServiceLBController(Controller):
    resource = "services"
    service_account = "service-controller"
    event_component = "service-controller"

    def reconcile(self, key: str) -> None:
        svc = self.informer("services").get(key)
        pool = getattr(self.cluster, "load_balancer_range", None)
        if svc is None or not pool:
            return
        spec = svc.get("spec") or {}
        wanted = spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass")
        current = ingress_ips(svc)
        if wanted == bool(current):
            return
        status = dict(svc.get("status") or {})
        if wanted:
            ip = self._free_address(pool, spec.get("loadBalancerIP"))
            if ip is None:
                return  # the pool is exhausted: the Service stays <pending>
            self.recorder.event(svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer")
            status["loadBalancer"] = {"ingress": [{"ip": ip, "ipMode": "VIP"}]}
        else:  # no longer a LoadBalancer: release its address
            self.recorder.event(svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer")
            status["loadBalancer"] = {}
        self.client.update_status("services", dict(svc, status=status))
        if wanted:
            self.recorder.event(svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer")
        else:
            self.recorder.event(svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer")

    def _free_address(self, pool: str, requested: str | None) -> str | None:
        taken = {ip for svc in self.informer("services").list() for ip in ingress_ips(svc)}
        addresses = pool_addresses(pool)
        if requested:
            return requested if requested in addresses and requested not in taken else None
        return next((ip for ip in addresses if ip not in taken), None)
