"""Errors as ``application/problem+json`` (RFC 9457): the one place HTTP status codes are chosen.

Tolka's own errors keep their message as ``detail`` and their "where" attributes (``source``,
``line``, ``pointer``, ``field``) as extension members, so a client never parses messages. Anything
unexpected is a 500 whose detail says so without leaking internals (the traceback goes to the log).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from adapters.opcua.endpoint import EndpointError
from services.gateway.store import ConflictError, NotFoundError
from translator.errors import (
    IncompatibleFieldsError,
    InputError,
    InputTooLargeError,
    MissingModelError,
    TolkaError,
    UnitError,
    UnitTableError,
    UnknownFormatError,
)
from translator.matching.matcher import MethodNotAvailableError

__all__ = ["PROBLEM_JSON", "PROBLEM_SCHEMA", "install_problem_handlers", "problem", "status_of"]

log = logging.getLogger("tolka.gateway")

PROBLEM_JSON = "application/problem+json"

_STATUS: tuple[tuple[type[TolkaError], int], ...] = (
    (EndpointError, 502),
    (NotFoundError, 404),
    (ConflictError, 409),
    (InputTooLargeError, 413),
    (UnknownFormatError, 415),
    (MethodNotAvailableError, 503),
    (UnitTableError, 500),  # the server's TOLKA_UNECE_TABLE, not the request's input
    (InputError, 422),
    (MissingModelError, 422),
    (IncompatibleFieldsError, 422),
    (UnitError, 422),
)
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error (RFC 9457); Tolka's errors add where it was (source, line, pointer, field, ...)",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}
"""The OpenAPI schema of every error response."""
_WHERE = ("source", "line", "pointer", "field", "source_field", "target_field", "uri", "known", "url")


def status_of(exc: TolkaError) -> int:
    """The HTTP status of one of Tolka's errors (400 for any not listed)."""
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    return 400


def problem(status: int, detail: str, instance: str = "", **extra: Any) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v not in (None, "", ())})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _tolka_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TolkaError)
    where = {name: getattr(exc, name) for name in _WHERE if getattr(exc, name, None) not in (None, "")}
    if "known" in where:
        where["known"] = list(where["known"])
    return problem(status_of(exc), str(exc), request.url.path, **where)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": "/".join(str(part) for part in e.get("loc", ())), "message": e.get("msg", "")}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors) or "invalid request"
    return problem(422, detail, request.url.path, errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), request.url.path)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(
        500, f"internal error ({type(exc).__name__}); the service log has the details", request.url.path
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` with problem+json, and say so in its OpenAPI schema."""
    app.add_exception_handler(TolkaError, _tolka_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _document_problems(default_openapi())
        return app.openapi_schema  # type: ignore[return-value]  # set by default_openapi

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it


def _document_problems(schema: dict[str, Any]) -> None:
    """Every operation answers its errors (4XX, and 422 in place of FastAPI's HTTPValidationError) as
    problem+json."""
    problem_response = {
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses["4XX"] = {"description": "Client error", **problem_response}
            if "422" in responses:
                responses["422"] = {"description": "Validation error", **problem_response}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Problem"] = PROBLEM_SCHEMA
