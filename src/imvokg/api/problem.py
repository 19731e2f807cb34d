"""The one shape of every error answer: RFC 9457 problem details, with the project's own members.

Whoever refuses a request (a route, the exception handlers, the edge
middleware, the body limit, or the HTTP server itself before the application
sees anything) builds its body here, so a client reads one shape whatever
refused it::

    Content-Type: application/problem+json
    {"type": "about:blank", "title": "Not Found", "status": 404,
     "detail": "no agreement 'x'", "error": "not_found"}

``type`` is ``about:blank``: the status code carries the problem's meaning,
and the stable code that tells refusals of the same status apart is the
``error`` extension member, which together with ``detail`` is the shape this
API answered with before it spoke RFC 9457 (clients that read those two keep
working). ``title`` is the status's reason phrase; ``detail`` is in the
reader's language where the refusal knows it.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

PROBLEM_JSON = "application/problem+json"
ABOUT_BLANK = "about:blank"


def title_of(status: int) -> str:
    """The reason phrase of ``status`` (RFC 9110), what ``title`` says for ``about:blank``."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The problem document: the RFC 9457 members, then ``error``, then any extension (e.g. ``report``)."""
    return {
        "type": ABOUT_BLANK,
        "title": title_of(status),
        "status": status,
        "detail": detail,
        "error": code,
        **extra,
    }


def problem_bytes(status: int, code: str, detail: str, **extra: Any) -> bytes:
    """:func:`problem` encoded as a body (compact UTF-8 JSON)."""
    return json.dumps(problem(status, code, detail, **extra), ensure_ascii=False).encode()


SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "error"],
    "properties": {
        "type": {"type": "string", "description": "RFC 9457: always about:blank (the status says what kind)"},
        "title": {"type": "string", "description": "the reason phrase of the status"},
        "status": {"type": "integer", "description": "the HTTP status code of this answer"},
        "detail": {"type": "string", "description": "what went wrong, for the person who sent the request"},
        "error": {
            "type": "string",
            "description": "a stable code, e.g. bad_request, not_found, query_timeout",
        },
    },
}
"""The problem document as a JSON Schema (``components/schemas/Problem`` in /openapi.json)."""
