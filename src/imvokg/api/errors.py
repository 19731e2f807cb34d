"""The one place where project errors become HTTP answers.

Every error answer is JSON ``{"error": code, "detail": message}``; no raw
library text and no stack trace ever reaches a client.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from imvokg import errors

log = logging.getLogger("imvokg.api")

STATUS = [
    (errors.UnsupportedMediaType, 415),
    (errors.NotAcceptable, 406),
    (errors.InputError, 400),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Forbidden, 403),
    (errors.AuthError, 401),
    (errors.ValidationFailed, 422),
    (errors.QueryTimeout, 503),
    (errors.StoreError, 503),
]

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


def error_response(status: int, code: str, detail: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail, **extra}, status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.ImvokgError)
    async def project_error(_: Request, exc: errors.ImvokgError) -> JSONResponse:
        status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
        extra = {}
        report = exc.context.get("report")
        if report is not None and hasattr(report, "to_dict"):
            extra["report"] = report.to_dict()
        if status == 500:
            log.error("unexpected project error: %s", exc.detail)
        response = error_response(status, exc.code, exc.detail, **extra)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="imvokg"'
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for item in exc.errors():
            where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
        return error_response(400, "bad_request", "invalid parameters: " + "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        return error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "error"), detail)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "the server could not answer this request")
