"""``kubectl get --raw PATH``: GET one path of the API server and print the body as it came.

Models ``staging/src/k8s.io/kubectl/pkg/cmd/get/get.go`` (``Complete``/``Validate`` refuse
arguments, ``-o`` and filters beside ``--raw``; ``RawGet`` copies the body to stdout) and how
client-go reports a failure (``rest/request.go`` ``newUnstructuredResponseError``: a plain-text
body becomes ``an error on the server ("…") has prevented the request from succeeding``).
The request takes the path a real one takes: the health endpoints (``k8sedu.apiserver.health``)
or the REST API (``k8sedu.apiserver.http_rest``, whose discovery answers ``/``, the root document
listing every path, as the HTTP server does), on the API server the load balancer picks.
Simplified: watches (``?watch=true``) are refused.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from k8sedu import errors
from k8sedu.apiserver import health, http_rest
from k8sedu.apiserver.http_stream import Stream
from k8sedu.errors import APIError, KubectlError
from k8sedu.kubectl.commands._common import Invocation

USER_AGENT = "kubectl/v1.34.0 (linux/amd64) kubernetes/k8sedu"
MAX_TEXT = 2048  # maxUnstructuredResponseTextBytes: a longer text body is cut
# errors.NewGenericServerResponse: the message per status code, for a body that is no Status
GENERIC = {
    400: (errors.BadRequest, "the server rejected our request for an unknown reason"),
    404: (errors.NotFound, "the server could not find the requested resource"),
    500: (errors.InternalError, "an error on the server ({}) has prevented the request from succeeding"),
    503: (errors.ServiceUnavailable, "the server is currently unable to handle the request"),
}  # fmt: skip
UNKNOWN = "the server responded with the status code {} but did not return more information"
BY_REASON = {
    cls.reason: cls
    for cls in (
        errors.BadRequest, errors.Unauthorized, errors.Forbidden, errors.NotFound,
        errors.MethodNotAllowed, errors.AlreadyExists, errors.Conflict, errors.Gone,
        errors.Invalid, errors.TooManyRequests, errors.InternalError, errors.ServiceUnavailable,
    )
}  # fmt: skip
FILTERS = ("watch", "watch-only", "selector")


def run(inv: Invocation) -> None:
    url = inv.flags["raw"]
    if inv.args:
        raise KubectlError("error: arguments may not be passed when --raw is specified")
    if any(inv.flags[name] for name in FILTERS):
        raise KubectlError(
            "error: --raw may not be specified with other flags that filter the server request "
            "or alter the output"
        )
    if inv.flags["output"]:
        raise KubectlError("error: --raw and --output are mutually exclusive")
    if not url.startswith("/"):  # url.ParseRequestURI
        raise KubectlError(
            f'error: --raw must be a valid URL path: parse "{url}": invalid URI for request'
        )
    status, content_type, body = get(inv, url)
    if status >= 300:
        raise response_error(status, content_type, body)
    inv.out(body.decode())


def get(inv: Invocation, url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of ``GET url`` as kubectl sends it."""
    path, _, text = url.partition("?")
    query = parse_qs(text, keep_blank_values=True)
    server = health.serving(inv.cluster, inv.api)  # refused when no API server runs
    found = health.answer(inv.cluster, path, query, server)
    if found is not None:
        return found
    request = http_rest.Request(
        "GET",
        path,
        {name: values[-1] for name, values in query.items()},
        {"accept": "application/json", "user-agent": USER_AGENT},
    )
    response = http_rest.handle(inv.cluster, request)
    if isinstance(response, Stream):
        response.close()
        raise KubectlError("error: k8sedu does not stream a watch or a log through --raw")
    return response.status, response.content_type, response.body


def response_error(status: int, content_type: str, body: bytes) -> APIError:
    """The error client-go makes of a failed response: the Status it carries, else a generic
    one quoting a text body (Go's ``%q``)."""
    if content_type.startswith("application/json"):
        answer = json.loads(body)
        if answer.get("kind") == "Status":
            cls = BY_REASON.get(answer.get("reason"), errors.InternalError)
            return cls(answer.get("message", ""), details=answer.get("details"))
    cls, message = GENERIC.get(status, (errors.InternalError, UNKNOWN.format(status)))
    text = "unknown"
    if content_type.startswith("text/"):
        text = body[:MAX_TEXT].decode(errors="replace").strip()
    return cls(message.format(json.dumps(text, ensure_ascii=False)))
