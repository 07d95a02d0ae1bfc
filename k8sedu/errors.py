"""API errors with the real ``meta/v1`` Status, and the field errors of validation.

Each exception's ``str()`` is the message the real kube-apiserver sends, ``code`` the HTTP status
and ``reason`` the Status reason; ``status()`` gives the whole Status object as served over HTTP.
Sources: k8s ``staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go`` and
``staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One ``field.Error``: ``spec.containers[0].image: Required value``.

    ``type`` is the error type's text (``Required value``, ``Invalid value``, ``Unsupported value``,
    ``Duplicate value``, ``Forbidden``, ``Too long``, ``Not found``, ``Too many``); ``value`` is
    printed for the types that show it, Go-style (strings quoted).
    """

    field: str
    type: str
    value: object = None
    detail: str = ""

    # the types whose message omits the bad value (field.Error.ErrorBody)
    _NO_VALUE = ("Required value", "Forbidden", "Too long", "Internal error", "Too many")

    def body(self) -> str:
        if self.type in self._NO_VALUE:
            text = self.type
        else:
            text = f"{self.type}: {go_value(self.value)}"
        return f"{text}: {self.detail}" if self.detail else text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"

    @property
    def reason(self) -> str:
        """The ``StatusCause`` reason (``FieldValueRequired`` …)."""
        return _CAUSE_REASONS.get(self.type, "FieldValueInvalid")


_CAUSE_REASONS = {
    "Required value": "FieldValueRequired",
    "Invalid value": "FieldValueInvalid",
    "Unsupported value": "FieldValueNotSupported",
    "Duplicate value": "FieldValueDuplicate",
    "Forbidden": "FieldValueForbidden",
    "Too long": "FieldValueTooLong",
    "Not found": "FieldValueNotFound",
    "Too many": "FieldValueTooMany",
}


def go_value(value: object) -> str:
    """Print a value as Go's ``%v``/``%q`` would in a field error."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


class APIError(Exception):
    """An error the API server answered with (a ``metav1.Status`` with ``status: Failure``)."""

    code = 500
    reason = "InternalError"

    def __init__(self, message: str, *, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def __str__(self) -> str:
        return self.message

    def status(self) -> dict:
        """The ``meta/v1`` Status the API server sends for this error."""
        status = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            status["details"] = self.details
        return status

    def __reduce__(self):
        return (_rebuild_error, (type(self), self.message, self.details))


def _rebuild_error(cls, message, details):
    return cls(message, details=details)


class BadRequest(APIError):
    code, reason = 400, "BadRequest"


class Unauthorized(APIError):
    code, reason = 401, "Unauthorized"


class Forbidden(APIError):
    code, reason = 403, "Forbidden"


class NotFound(APIError):
    code, reason = 404, "NotFound"


class MethodNotAllowed(APIError):
    code, reason = 405, "MethodNotAllowed"


class AlreadyExists(APIError):
    code, reason = 409, "AlreadyExists"


class Conflict(APIError):
    code, reason = 409, "Conflict"


class Gone(APIError):
    code, reason = 410, "Expired"


class Invalid(APIError):
    code, reason = 422, "Invalid"


class TooManyRequests(APIError):
    code, reason = 429, "TooManyRequests"


class InternalError(APIError):
    code, reason = 500, "InternalError"


class ServiceUnavailable(APIError):
    code, reason = 503, "ServiceUnavailable"


def _details(name: str, group: str, kind: str, causes: list | None = None) -> dict:
    details = {"name": name} if name else {}
    if group:
        details["group"] = group
    details["kind"] = kind
    if causes:
        details["causes"] = causes
    return details


def not_found(resource: str, group: str, name: str) -> NotFound:
    """``pods "web" not found`` / ``deployments.apps "web" not found``."""
    return NotFound(
        f'{qualified(resource, group)} "{name}" not found', details=_details(name, group, resource)
    )


def already_exists(resource: str, group: str, name: str) -> AlreadyExists:
    return AlreadyExists(
        f'{qualified(resource, group)} "{name}" already exists',
        details=_details(name, group, resource),
    )


OPTIMISTIC_LOCK = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


def conflict(resource: str, group: str, name: str, why: str = OPTIMISTIC_LOCK) -> Conflict:
    return Conflict(
        f'Operation cannot be fulfilled on {qualified(resource, group)} "{name}": {why}',
        details=_details(name, group, resource),
    )


def invalid(kind: str, group: str, name: str, errors: list[FieldError]) -> Invalid:
    """``Pod "web" is invalid: spec.containers[0].image: Required value``; several errors in ``[…]``."""
    text = str(errors[0]) if len(errors) == 1 else "[" + ", ".join(map(str, errors)) + "]"
    causes = [{"reason": e.reason, "message": e.body(), "field": e.field} for e in errors]
    return Invalid(
        f'{qualified(kind, group)} "{name}" is invalid: {text}',
        details=_details(name, group, kind, causes),
    )


def gone(requested: int | str, oldest: int) -> Gone:
    """The watch-cache answer below the compaction: ``too old resource version: 5 (12)``."""
    return Gone(f"too old resource version: {requested} ({oldest})")


def qualified(resource: str, group: str) -> str:
    """``deployments.apps`` for non-core groups, ``pods`` for the core group."""
    return f"{resource}.{group}" if group else resource


class ConnectionRefused(Exception):
    """A client could not reach the API server (it is stopped): what real clients see."""

    def __init__(self, host: str = "172.18.0.2:6443") -> None:
        super().__init__(
            f"The connection to the server {host} was refused - did you specify the right host or port?"
        )
        self.host = host

    def __reduce__(self):
        return (ConnectionRefused, (self.host,))


class KubectlError(Exception):
    """A failed ``kubectl`` command: ``str()`` is kubectl's stderr, ``exit_code`` its status."""

    def __init__(self, stderr: str, exit_code: int = 1, stdout: str = "") -> None:
        super().__init__(stderr)
        self.stderr = stderr
        self.exit_code = exit_code
        self.stdout = stdout

    def __str__(self) -> str:
        return self.stderr

    def __reduce__(self):
        return (KubectlError, (self.stderr, self.exit_code, self.stdout))
