"""The one place where project errors become HTTP answers.

Every error answer is ``application/problem+json`` (RFC 9457, the shape is in
``api/problem.py``) with the members ``error`` (a stable code) and ``detail``;
no raw library text and no stack trace ever reaches a client. A refusal that carries
a validation report (422) adds it in the shape ``services/reports.py`` gives,
in the request's language, whichever route refused. The detail is said in that
language too (``lang=``, then ``Accept-Language``, then English).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from imvokg import errors
from imvokg.api.lang import api_language
from imvokg.api.problem import PROBLEM_JSON, problem
from imvokg.api.publishing import add_vary
from imvokg.messages import N_, say
from imvokg.services.reports import report_json
from imvokg.validation import ValidationReport

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

# Starlette's own details for the answers it makes itself, so they are translated too.
STARLETTE_DETAILS = (N_("Not Found"), N_("Method Not Allowed"))

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


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
"""The methods a 405's ``Allow`` may name (OPTIONS is answered for CORS preflights only)."""

RETRY_AFTER_S = 5
"""Seconds a client is told to wait after a 503 (busy, timed out, store away) before trying again."""


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def error_response(status: int, code: str, detail: str, **extra: object) -> JSONResponse:
    return ProblemResponse(problem(status, code, detail, **extra), status_code=status)


def allowed_methods(request: Request) -> str:
    """``Allow`` of a 405: the methods of every route at this path, not only the first one matched.

    Starlette names the methods of the first route whose path matches; GET and
    POST of one path are often two routes (``/sparql``), and other routers add
    their own, so each method is tried against the whole routing table.
    """
    allowed = []
    for method in METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(1, "HEAD")  # every GET answers HEAD too (api/conventions.py)
    return ", ".join(allowed)


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.ImvokgError)
    async def project_error(request: Request, exc: errors.ImvokgError) -> JSONResponse:
        status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
        extra: dict[str, object] = {}
        language = api_language(request, request.query_params.get("lang"))
        headers = language.headers()
        report = exc.context.get("report")
        if isinstance(report, ValidationReport):  # every 422 with a report: the one readable shape
            readable = report_json(report, language.lang)
            extra["report"] = readable
            headers = language.headers(readable["lang"])
        if status == 500:
            log.error("unexpected project error: %s", exc.detail)
        response = error_response(status, exc.code, exc.detail_in(language.lang), **extra)
        response.headers.update(headers)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="imvokg"'
        if status == 406:  # the answer depends on Accept: a cache must not serve it to others
            add_vary(response, "Accept")
        if status in (429, 503):
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for item in exc.errors():
            where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
        language = api_language(request, request.query_params.get("lang"))
        detail = say(language.lang, "invalid parameters: %(problems)s", problems="; ".join(problems))
        response = error_response(400, "bad_request", detail)
        response.headers.update(language.headers())
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else N_("request failed")
        language = api_language(request, request.query_params.get("lang"))
        detail = say(language.lang, detail)
        response = error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "error"), detail)
        response.headers.update(exc.headers or {})
        response.headers.update(language.headers())  # the detail is in the reader's language
        if exc.status_code == 405:
            response.headers["Allow"] = allowed_methods(request)
        return response

    @app.exception_handler(ClientDisconnect)
    async def client_gone(_: Request, __: ClientDisconnect) -> JSONResponse:
        # the client hung up (or the server did: a body deadline); the answer reaches nobody
        return error_response(400, "bad_request", "the request body did not arrive")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        lang = api_language(request, request.query_params.get("lang")).lang
        return error_response(500, "internal_error", say(lang, "the server could not answer this request"))
