"""Domain answers as JSON bytes, cached per store version and served without a thread hop.

A cached answer is a dictionary lookup; what costs is the way to it. FastAPI
would validate and encode the returned structure on every request and run
the lookup in a worker thread (the store may block). Here the encoded bytes
are cached, keyed on the store version, the path, the query string and the
language the answer is in; when the version is known without I/O (the
embedded store remembers it, a remote one for a second) a hit is answered
on the event loop. A miss computes in a worker thread, as before, and
errors (404, 400) are raised, never cached.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool

from imvokg.api.lang import LanguageChoice
from imvokg.api.state import Services

JSON = "application/json"


def encode(value: Any) -> bytes:
    """The bytes FastAPI's JSONResponse would send for the same value."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def answer_key(request: Request, lang: str) -> tuple[object, ...]:
    """Path, query string (order-free, without `lang`) and the language the answer is in."""
    params = tuple(sorted((k, v) for k, v in request.query_params.multi_items() if k != "lang"))
    return ("json", request.url.path, params, lang)


async def json_answer(
    request: Request, services: Services, compute: Callable[[], Any], *, lang: LanguageChoice
) -> Response:
    """The answer of `compute` as JSON, in `lang`, saying so (Content-Language, Vary)."""
    key = answer_key(request, lang.lang)
    body = services.runner.peek(key)
    computed = False
    if body is None:

        def compute_and_encode() -> bytes:
            nonlocal computed
            computed = True
            return encode(compute())

        body = await run_in_threadpool(services.runner.cached, key, compute_and_encode)
    # as on /sparql: whether this answer was computed for this request or came from the cache
    headers = {**lang.headers(), "X-Cache": "miss" if computed else "hit"}
    return Response(body, media_type=JSON, headers=headers)
