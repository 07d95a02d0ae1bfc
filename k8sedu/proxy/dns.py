"""Cluster DNS: the names CoreDNS's ``kubernetes`` plugin answers, and how a pod's search path
turns ``web`` into ``web.default.svc.cluster.local``.

Records (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/):

* ``<svc>.<ns>.svc.cluster.local`` → the Service's cluster IP; for a headless Service
  (``clusterIP: None``) the addresses of its ready endpoints; for ``ExternalName`` a CNAME.
* ``<a-b-c-d>.<ns>.pod.cluster.local`` → ``a.b.c.d``.

A pod's ``/etc/resolv.conf`` has ``search <ns>.svc.cluster.local svc.cluster.local
cluster.local`` and ``options ndots:5``, so a short name is tried with each suffix first.

Simplified: CoreDNS runs as a Deployment behind the ``kube-dns`` Service (10.96.0.10) with its
own watches; here each kube-proxy process keeps the informers that answer, and names outside
the cluster do not resolve (the simulation has no Internet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from k8sedu.proxy.serviceport import SERVICE_NAME_LABEL

if TYPE_CHECKING:
    from k8sedu.client.informer import InformerFactory

CLUSTER_DOMAIN = "cluster.local"
DNS_SERVER = "10.96.0.10"  # the kube-dns Service of kubeadm and kind
HEADLESS_SELECTOR = "service.kubernetes.io/headless"


class Answer(NamedTuple):
    """What a lookup returned: the name that matched, its A records or its CNAME."""

    name: str
    addresses: tuple[str, ...] = ()
    cname: str = ""
    pods: tuple[str, ...] = ()  # for headless answers: the pod (``ns/name``) behind each address


def search_names(name: str, namespace: str) -> list[str]:
    """The names a pod in ``namespace`` asks for, in order (``ndots:5``).

    >>> search_names("web", "default")[:2]
    ['web.default.svc.cluster.local', 'web.svc.cluster.local']
    """
    name = name.rstrip(".")
    suffixes = [f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]
    searched = [f"{name}.{suffix}" for suffix in suffixes]
    return searched + [name] if name.count(".") < 5 else [name] + searched


class ClusterDNS:
    """Answers cluster names from a process's informers (Services, headless EndpointSlices)."""

    def __init__(self, informers: InformerFactory) -> None:
        self.services = informers.informer("services")
        self.headless = informers.informer("endpointslices", label_selector=HEADLESS_SELECTOR)
        # answers stay right until a Service or headless EndpointSlice changes (traffic asks
        # the same name ten times a second)
        self._answers: dict[tuple[str, str], Answer | None] = {}
        self._seen: tuple[str, str] = ("", "")

    def resolve(self, name: str, namespace: str = "default") -> Answer | None:
        """The first answer along the search path, or None (NXDOMAIN)."""
        seen = (self.services.resource_version, self.headless.resource_version)
        if seen != self._seen:
            self._answers, self._seen = {}, seen
        key = (name, namespace)
        if key not in self._answers:
            self._answers[key] = self._search(name, namespace)
        return self._answers[key]

    def _search(self, name: str, namespace: str) -> Answer | None:
        for candidate in search_names(name, namespace):
            answer = self.lookup(candidate)
            if answer is not None:
                return answer
        return None

    def lookup(self, fqdn: str) -> Answer | None:
        labels = fqdn.split(".")
        if fqdn.endswith(f".svc.{CLUSTER_DOMAIN}") and len(labels) == 5:
            return self._service(fqdn, labels[1], labels[0])
        if fqdn.endswith(f".pod.{CLUSTER_DOMAIN}") and len(labels) == 5:
            ip = labels[0].replace("-", ".")
            return Answer(fqdn, (ip,)) if ip.count(".") == 3 else None
        return None

    def _service(self, fqdn: str, namespace: str, name: str) -> Answer | None:
        svc = self.services.get(f"{namespace}/{name}")
        if svc is None:
            return None
        spec = svc.get("spec") or {}
        if spec.get("type") == "ExternalName":
            return Answer(fqdn, cname=spec.get("externalName", ""))
        if spec.get("clusterIP") not in (None, "", "None"):
            return Answer(fqdn, (spec["clusterIP"],))
        found: dict[str, str] = {}
        for eps in self.headless.list(namespace):
            if (eps["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) != name:
                continue
            for ep in eps.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready") is not False and ep.get("addresses"):
                    ref = ep.get("targetRef") or {}
                    found[ep["addresses"][0]] = f"{ref.get('namespace')}/{ref.get('name')}"
        ips = tuple(sorted(found))
        return Answer(fqdn, ips, pods=tuple(found[ip] for ip in ips)) if ips else None


def nslookup(answer: Answer | None, query: str, namespace: str = "default") -> str:
    """What ``nslookup QUERY`` prints in a pod (BIND's format); NXDOMAIN when nothing matched."""
    lines = [f"Server:\t\t{DNS_SERVER}", f"Address:\t{DNS_SERVER}#53", ""]
    if answer is None:
        fqdn = search_names(query, namespace)[0]
        return "\n".join(lines + [f"** server can't find {fqdn}: NXDOMAIN", ""])
    if answer.cname:
        return "\n".join(lines + [f"{answer.name}\tcanonical name = {answer.cname}", ""])
    for ip in answer.addresses:
        lines += [f"Name:\t{answer.name}", f"Address: {ip}"]
    return "\n".join(lines + [""])
