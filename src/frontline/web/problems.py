"""Errors as RFC 9457 problem details (`application/problem+json`), one model for every route.

A route refuses with `raise Problem(FORBIDDEN)`; framework errors (unknown path, wrong method,
invalid input) and unexpected failures are turned into the same shape by `handlers`. The
title and detail come from the message catalogue in the reader's language; `instance` is a
fresh reference that the server logs, so a person can quote it — the body never carries a
stack trace, a query string, the submitted values or anything else about a person.
"""

from __future__ import annotations

import http
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from frontline.web.catalogue import Catalogue, Language

PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True, slots=True)
class ProblemType:
    """A kind of problem: its `type` URI is `/problems/<slug>`, its messages
    `problem.<slug>.title` and `problem.<slug>.detail` in the catalogue."""

    slug: str
    status: int

    @property
    def uri(self) -> str:
        """The problem type's URI, relative to the service."""
        return f"/problems/{self.slug}"


UNAUTHENTICATED = ProblemType("unauthenticated", 401)
BAD_CREDENTIALS = ProblemType("bad-credentials", 401)
SESSION_INVALID = ProblemType("session-invalid", 401)
ACCOUNT_INACTIVE = ProblemType("account-inactive", 403)
DEVICE_REQUIRED = ProblemType("device-required", 403)
FORBIDDEN = ProblemType("forbidden", 403)
CSRF = ProblemType("csrf", 403)
NOT_FOUND = ProblemType("not-found", 404)
METHOD_NOT_ALLOWED = ProblemType("method-not-allowed", 405)
INVALID_REQUEST = ProblemType("invalid-request", 422)
ACCOUNT_LOCKED = ProblemType("account-locked", 423)
RATE_LIMITED = ProblemType("rate-limited", 429)
INVALID_HOST = ProblemType("invalid-host", 400)
BAD_REQUEST = ProblemType("bad-request", 400)
INTERNAL = ProblemType("internal", 500)
UNAVAILABLE = ProblemType("unavailable", 503)
HTTP = ProblemType("http", 400)
"""Any other HTTP error: its status comes from the error itself."""

BY_STATUS = {
    400: BAD_REQUEST,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    422: INVALID_REQUEST,
    500: INTERNAL,
}
"""The problem type a bare HTTP status (from the framework) is reported as."""


class FieldError(BaseModel):
    """One invalid field of a request."""

    location: str = Field(description="Where the field is: body, query, path, header or cookie.")
    field: str = Field(description="The field's name; nested fields are joined with dots.")
    type: str = Field(description="A machine-readable error code (pydantic's error type).")
    message: str = Field(description="What is wrong, in the reader's language.")


class ProblemDetails(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(description="URI of the problem type, e.g. /problems/forbidden.")
    title: str = Field(description="A short summary of the problem type, in the reader's language.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What happened and what to do, in the reader's language.")
    instance: str = Field(description="A reference to this occurrence, to quote when asking.")
    errors: list[FieldError] | None = Field(
        default=None, description="The invalid fields (only for invalid-request problems)."
    )
    retry_after: int | None = Field(
        default=None, description="Seconds to wait before trying again (423 and 429)."
    )


class Problem(Exception):  # noqa: N818 - named after what it carries, as RFC 9457 does
    """A refusal a route raises; rendered as problem details.

    `detail` names a catalogue message to use instead of the type's own; `values` fill its
    placeholders. `keep_changes` commits the request's transaction although the request fails
    (a refused sign-in must still count towards the lock-out).
    """

    def __init__(
        self,
        kind: ProblemType,
        *,
        detail: str | None = None,
        values: Mapping[str, object] | None = None,
        status: int | None = None,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[FieldError] = (),
        keep_changes: bool = False,
    ) -> None:
        super().__init__(kind.slug)
        self.kind = kind
        self.status = status or kind.status
        self.detail_key = detail or f"problem.{kind.slug}.detail"
        self.values = dict(values or {})
        self.retry_after = retry_after
        self.headers = dict(headers or {})
        if retry_after is not None:
            self.headers["Retry-After"] = str(retry_after)
        self.errors = list(errors)
        self.keep_changes = keep_changes

    def details(self, catalogue: Catalogue, language: Language) -> ProblemDetails:
        """The problem as the reader sees it."""
        title_key = f"problem.{self.kind.slug}.title"
        values = {"status": self.status, **self.values}
        if self.retry_after is not None:
            values.setdefault("wait", waiting_time(self.retry_after, language))
        return ProblemDetails(
            type=self.kind.uri,
            title=catalogue.text(title_key, language, **values),
            status=self.status,
            detail=catalogue.text(self.detail_key, language, **values),
            instance=f"urn:uuid:{uuid.uuid4()}",
            errors=self.errors or None,
            retry_after=self.retry_after,
        )


def waiting_time(seconds: int, language: Language) -> str:
    """`seconds` as a person reads a wait: "45 秒", "15 分钟", "2 minutes"."""
    if seconds < 90:
        return f"{seconds} 秒" if language == "zh" else f"{seconds} seconds"
    minutes = -(-seconds // 60)  # rounded up: never tell someone to come back too early
    return f"{minutes} 分钟" if language == "zh" else f"{minutes} minutes"


def status_phrase(status: int) -> str:
    """The standard reason phrase of `status` (for logs)."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entries for `statuses`, each a problem details body."""
    return {
        status: {
            "description": status_phrase(status),
            "content": {
                PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
            },
        }
        for status in statuses
    }


EVERY_ROUTE = (400, 500)
"""What any route may answer: a refused host or unreadable body, and a server error."""


def add_problem_schemas(openapi: dict[str, Any]) -> dict[str, Any]:
    """`openapi` with the `ProblemDetails` and `FieldError` schemas among its components, and
    the problems of `EVERY_ROUTE` declared on every operation."""
    schema = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    found = openapi.setdefault("components", {}).setdefault("schemas", {})
    found.update(schema.pop("$defs", {}))
    found["ProblemDetails"] = schema
    common = {str(status): response for status, response in problem_responses(*EVERY_ROUTE).items()}
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, response in common.items():
                responses.setdefault(status, response)
    return openapi
