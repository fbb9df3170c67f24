"""The exception handlers that make every error leave the service as problem details.

Logs name the route's template (`/api/v1/quality/departments`), never the concrete path or
query, which may hold an ID number; the `instance` reference ties a log line to an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from frontline.web.catalogue import Catalogue, Language
from frontline.web.cookies import take_cookies
from frontline.web.language import of_page
from frontline.web.problems import (
    BY_STATUS,
    HTTP,
    INTERNAL,
    INVALID_REQUEST,
    PROBLEM_MEDIA_TYPE,
    FieldError,
    Problem,
    ProblemDetails,
)

logger = logging.getLogger("frontline.web")

ProblemPage = Callable[[Request, ProblemDetails, Mapping[str, str]], Response | None]
"""Renders a problem as an HTML page for the requests it recognises (the console's), else None."""


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(Problem, _on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_invalid)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _on_unexpected)


def problem_response(
    request: Request, problem: Problem, cause: BaseException | None = None
) -> Response:
    """The response telling `problem`: an HTML page where one is wanted, else problem+json.

    `cause`: the unexpected error behind a server error, logged with its traceback (server
    side only; the engine hides SQL parameters, so no personal data reaches the log).
    """
    state = request.app.state
    language = of_page(request)
    details = problem.details(state.catalogue, language)
    route = getattr(request.scope.get("route"), "path", "-")
    level = logging.ERROR if details.status >= 500 else logging.INFO
    logger.log(
        level,
        "%s %s on %s: %s",
        details.status,
        problem.kind.slug,
        route,
        details.instance,
        exc_info=cause,
    )
    headers = {**problem.headers, "Content-Language": _tag(language), "Cache-Control": "no-store"}
    page: ProblemPage | None = getattr(state, "problem_page", None)
    response = page(request, details, headers) if page is not None else None
    if response is None:
        response = JSONResponse(
            details.model_dump(exclude_none=True),
            status_code=details.status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=headers,
        )
    response.raw_headers.extend(take_cookies(request))
    return response


def field_errors(
    errors: Iterable[Mapping[str, Any]], catalogue: Catalogue, language: Language
) -> list[FieldError]:
    """Pydantic's validation errors as `FieldError`s, without the submitted values."""
    found = []
    for error in errors:
        location, *path = [str(part) for part in error.get("loc", ())] or ["body"]
        kind = str(error.get("type", "value_error"))
        message = None
        key = f"field.{kind}"
        if key in catalogue:
            try:
                message = catalogue.text(key, language, **dict(error.get("ctx") or {}))
            except (KeyError, IndexError, ValueError):
                message = None  # the context lacks a placeholder: fall back below
        if message is None:
            message = catalogue.text("field.invalid", language, message=error.get("msg", kind))
        found.append(
            FieldError(
                location=location, field=".".join(path) or location, type=kind, message=message
            )
        )
    return found


async def _on_problem(request: Request, problem: Problem) -> Response:
    return problem_response(request, problem)


async def _on_http(request: Request, error: HTTPException) -> Response:
    kind = BY_STATUS.get(error.status_code, HTTP)
    # The framework's own detail text is English-only and sometimes echoes input: not shown.
    kept = ("allow", "www-authenticate", "retry-after")
    headers = {k: v for k, v in (error.headers or {}).items() if k.lower() in kept}
    return problem_response(request, Problem(kind, status=error.status_code, headers=headers))


async def _on_invalid(request: Request, error: RequestValidationError) -> Response:
    errors = field_errors(error.errors(), request.app.state.catalogue, of_page(request))
    problem = Problem(INVALID_REQUEST, values={"count": len(errors)}, errors=errors)
    return problem_response(request, problem)


async def _on_unexpected(request: Request, error: Exception) -> Response:
    return problem_response(request, Problem(INTERNAL), cause=error)


def _tag(language: Language) -> str:
    return "zh-CN" if language == "zh" else "en"
