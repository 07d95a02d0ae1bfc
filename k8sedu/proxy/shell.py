"""``nslookup`` and ``curl`` / ``wget`` typed in a pod (``kubectl exec POD -- curl web``).

A name is looked up along the pod's search path (``/etc/resolv.conf``: ``<ns>.svc.cluster.local``
… with ``ndots:5``) by cluster DNS, and a request leaves from the pod's node through that node's
kube-proxy rules — the same path as ``cluster.request`` (``traffic.py``), so a Service with no
ready endpoints refuses, a dead node's pod times out, and an unhealthy container answers 500.
A healthy ``k8sedu/web`` container answers with its host name (``workloads.http_body``).

The messages are curl 8's and BusyBox wget's. Simplified: the request's source address is the
node's, not the pod's; a timeout returns at once with the time curl would have waited (the
Linux SYN retries, about 130 s), since a command does not move the simulated clock.
"""

from __future__ import annotations

from k8sedu import workloads
from k8sedu.proxy import dns, path, traffic

CONNECT_TIMEOUT_MS = 130_000  # Linux tcp_syn_retries=6: the SYN is given up after ~127-130 s


def run(cluster, pod: dict, argv: list[str]) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) of ``nslookup NAME``, ``curl [-s] URL`` or ``wget -qO- URL``."""
    command = argv[0].rsplit("/", 1)[-1]
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args:
        return "", _usage(command), 1 if command != "curl" else 2
    namespace, node = pod["metadata"]["namespace"], pod["spec"].get("nodeName")
    if command == "nslookup":
        resolver = _resolver(cluster, node)
        found = resolver.resolve(args[0], namespace) if resolver else None
        if resolver is None:
            return ";; connection timed out; no servers could be reached\n\n", "", 1
        return dns.nslookup(found, args[0], namespace), "", 0 if found else 1
    host, port = _host_port(args[0])
    result = _request(cluster, host, port, namespace, node)
    return _curl(result, host, port) if command == "curl" else _wget(result, host)


def _usage(command: str) -> str:
    if command == "curl":
        return "curl: try 'curl --help' or 'curl --manual' for more information\n"
    return f"Usage: {command} [OPTIONS] NAME\n"


def _host_port(url: str) -> tuple[str, int | None]:
    """``http://web:8080/x`` → ("web", 8080); no port → None (the Service's first port)."""
    authority = url.split("://", 1)[-1].split("/", 1)[0]
    host, _, port = authority.partition(":")
    return host, int(port) if port.isdigit() else None


def _resolver(cluster, node: str | None):
    """The cluster DNS the pod's node reaches (the same cache traffic uses)."""
    return path.cluster_dns(cluster, cluster.hosts.get(node or "") or cluster.control_plane)


def _request(cluster, host: str, port: int | None, namespace: str, node: str | None):
    """One request from the pod's node: a Traffic of one, or "could not resolve host"."""
    is_ip = host.replace(".", "").isdigit()
    if not is_ip:
        resolver = _resolver(cluster, node)
        if resolver is None or resolver.resolve(host, namespace) is None:
            return "could not resolve host"
    target = f"{host}:{port}" if port else host
    if is_ip and port is None:
        target = f"{host}:80"
    return traffic.request(cluster, target, namespace=namespace, from_node=node)


def _outcome(result) -> tuple[str, str]:
    """(reason, backend pod) of a one-request Traffic; reason "" for an answer."""
    backend = next(iter(result.per_backend), "")
    reason = next(iter(result.failed), "")
    return reason, backend


def _curl(result, host: str, port: int | None) -> tuple[str, str, int]:
    shown_port = port or 80
    if isinstance(result, str):
        return "", f"curl: (6) Could not resolve host: {host}\n", 6
    reason, backend = _outcome(result)
    if reason in ("", "HTTP 500"):  # curl prints a 500's body and succeeds (no --fail)
        return workloads.http_body(backend, 500 if reason else 200), "", 0
    if reason == "connection timed out":
        message = f"after {CONNECT_TIMEOUT_MS} ms: Couldn't connect to server"
        return "", f"curl: (28) Failed to connect to {host} port {shown_port} {message}\n", 28
    if reason == "could not resolve host":
        return "", f"curl: (6) Could not resolve host: {host}\n", 6
    return (
        "",
        f"curl: (7) Failed to connect to {host} port {shown_port} after 0 ms: "
        "Couldn't connect to server\n",
        7,
    )


def _wget(result, host: str) -> tuple[str, str, int]:
    if isinstance(result, str):
        return "", f"wget: bad address '{host}'\n", 1
    reason, backend = _outcome(result)
    if reason == "":
        return workloads.http_body(backend, 200), "", 0
    if reason == "HTTP 500":
        return "", "wget: server returned error: HTTP/1.1 500 Internal Server Error\n", 1
    if reason == "could not resolve host":
        return "", f"wget: bad address '{host}'\n", 1
    why = "Connection timed out" if reason == "connection timed out" else "Connection refused"
    return "", f"wget: can't connect to remote host: {why}\n", 1
