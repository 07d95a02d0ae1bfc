"""kube-apiserver's health endpoints: ``/livez``, ``/readyz`` and ``/healthz`` and their checks.

Models ``staging/src/k8s.io/apiserver/pkg/server/healthz/healthz.go``: each endpoint runs its
named checks in order (``handleRootHealth``); all passing answers ``ok`` (with ``?verbose`` the
list ``[+]ping ok`` … and ``readyz check passed``), any failing answers 500 with the whole list,
the failures as ``[-]etcd failed: reason withheld``, and ``readyz check failed``;
``?exclude=etcd`` skips a check (``[+]etcd excluded: ok``); ``/readyz/etcd`` runs one check
(``adaptCheckToHandler``). The check names are kube-apiserver v1.34's, as ``kubectl get
--raw='/readyz?verbose'`` lists them on a kind cluster.

The checks ask the API server a request reaches: in a replicated control plane the one the load
balancer picks (``k8sedu/ha.py``), whose etcd member decides the ``etcd`` checks.
Simplified: only the etcd checks can fail; the post-start hooks finished when the server started.
"""

from __future__ import annotations

import json

from k8sedu.apiserver.client import Client
from k8sedu.errors import ConnectionRefused

TEXT = "text/plain; charset=utf-8"
POST_START_HOOKS = tuple(
    f"poststarthook/{hook}"
    for hook in (
        "start-apiserver-admission-initializer",
        "generic-apiserver-start-informers",
        "priority-and-fairness-config-consumer",
        "priority-and-fairness-filter",
        "storage-object-count-tracker-hook",
        "start-apiextensions-informers",
        "start-apiextensions-controllers",
        "crd-informer-synced",
        "start-system-namespaces-controller",
        "start-cluster-authentication-info-controller",
        "start-kube-apiserver-identity-lease-controller",
        "start-kube-apiserver-identity-lease-garbage-collector",
        "start-legacy-token-tracking-controller",
        "start-service-ip-repair-controllers",
        "rbac/bootstrap-roles",
        "scheduling/bootstrap-system-priority-classes",
        "priority-and-fairness-config-producer",
        "bootstrap-controller",
        "start-kubernetes-service-cidr-controller",
        "aggregator-reload-proxy-client-cert",
        "start-kube-aggregator-informers",
        "apiservice-status-local-available-controller",
        "apiservice-status-remote-available-controller",
        "apiservice-registration-controller",
        "apiservice-discovery-controller",
        "kube-apiserver-autoregistration",
    )
)
_LATE = ("autoregister-completion", "poststarthook/apiservice-openapi-controller",
         "poststarthook/apiservice-openapiv3-controller")  # fmt: skip
# endpoint → its checks in installation order: healthz and livez get AddHealthChecks' checks,
# readyz also etcd-readiness, informer-sync and shutdown (AddReadyzChecks)
CHECKS: dict[str, tuple[str, ...]] = {
    "livez": ("ping", "log", "etcd", *POST_START_HOOKS, *_LATE),
    "healthz": ("ping", "log", "etcd", *POST_START_HOOKS, *_LATE),
    "readyz": ("ping", "log", "etcd", "etcd-readiness", "informer-sync", *POST_START_HOOKS,
               *_LATE, "shutdown"),
}  # fmt: skip
ETCD_CHECKS = ("etcd", "etcd-readiness")


def serving(cluster, client):
    """The API server a request of ``client`` reaches, ready or not (a health check, ``/version``
    need no etcd); ``ConnectionRefused`` when none runs."""
    balancer = cluster.api_load_balancer
    if balancer is not None:
        return balancer.pick(client, ready=False)
    server = cluster.apiserver
    if server is None or not server.running:
        raise ConnectionRefused(cluster.apiserver_host)
    return server


def etcd_error(cluster, server) -> str | None:
    """Why ``server``'s etcd check fails, None when it passes (``CreateHealthCheck`` of
    ``storagebackend/factory/etcd3.go`` wraps the client's error)."""
    if cluster.api_load_balancer is None:
        up, ready = cluster.components["etcd"].running, True
    else:  # kubeadm's stacked etcd: the server's own machine's member
        up = cluster.etcd.raft.members[server.etcd.name].up
        ready = server.etcd.ready()
    if not up:
        reason = "dial tcp 127.0.0.1:2379: connect: connection refused"
    elif not ready:
        reason = "etcdserver: request timed out"
    else:
        return None
    return f"error getting data from etcd: {reason}"


def results(cluster, server, endpoint: str) -> list[tuple[str, str | None]]:
    """(check name, error or None) of every check of ``endpoint`` (``livez``, ``readyz`` …)."""
    etcd = etcd_error(cluster, server)
    return [(name, etcd if name in ETCD_CHECKS else None) for name in CHECKS[endpoint]]


def answer(cluster, path: str, query: dict, server=None) -> tuple[int, str, bytes] | None:
    """(status, content type, body) for a health path, None for any other path. ``query`` maps
    a parameter to its value or list of values; ``server`` defaults to the one a request reaches
    (``serving``)."""
    endpoint, _, single = path.strip("/").partition("/")
    if endpoint not in CHECKS or (single and single not in CHECKS[endpoint]):
        return None
    if server is None:
        server = serving(cluster, Client(cluster, "system:anonymous", "kubectl"))
    found = results(cluster, server, endpoint)
    if single:  # adaptCheckToHandler
        error = dict(found)[single]
        if error is None:
            return 200, TEXT, b"ok"
        return 500, TEXT, f"internal server error: {error}\n".encode()
    return _root(endpoint, found, _values(query, "exclude"), "verbose" in query)


def _root(endpoint: str, found: list, excluded: list[str], verbose: bool) -> tuple[int, str, bytes]:
    """``handleRootHealth``."""
    lines, failed = [], False
    excluded = list(dict.fromkeys(excluded))
    for name, error in found:
        if name in excluded:
            excluded.remove(name)
            lines.append(f"[+]{name} excluded: ok\n")
        elif error is not None:
            failed = True
            lines.append(f"[-]{name} failed: reason withheld\n")
        else:
            lines.append(f"[+]{name} ok\n")
    if excluded:
        names = ",".join(json.dumps(name) for name in sorted(excluded))
        lines.append(f"warn: some health checks cannot be excluded: no matches for {names}\n")
    if failed:  # http.Error ends the text with a newline
        return 500, TEXT, f"{''.join(lines)}{endpoint} check failed\n".encode()
    if not verbose:
        return 200, TEXT, b"ok"
    return 200, TEXT, f"{''.join(lines)}{endpoint} check passed\n".encode()


def _values(query: dict, name: str) -> list[str]:
    value = query.get(name, [])
    return [value] if isinstance(value, str) else list(value)
