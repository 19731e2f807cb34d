"""Domain answers as JSON bytes, from the one cache entry per answer, without a thread hop on a hit.

A cached answer is a dictionary lookup; what costs is the way to it. FastAPI
would validate and encode the returned structure on every request and run
the lookup in a worker thread (the store may block). Here the route hands
over the service's :class:`~imvokg.cache.Question`, whose key is built without
I/O: when the store version is known too (the embedded store remembers it, a
remote one for a second) and the answer's JSON is already encoded, a hit is
answered on the event loop. Anything else computes or encodes in a worker
thread, and errors (404, 400) are raised, never cached.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from fastapi.concurrency import run_in_threadpool

from imvokg.api.lang import LanguageChoice
from imvokg.api.state import Services
from imvokg.cache import Question
from imvokg.formats import JSON


async def json_answer(services: Services, question: Question[Any], *, lang: LanguageChoice) -> Response:
    """The answer to `question` as JSON, in `lang`, saying so (Content-Language, Vary)."""
    hit = services.runner.peek_answer(question)
    computed = False
    if hit is not None and hit.encoded:
        body = hit.body
    else:

        def compute() -> Any:
            nonlocal computed
            computed = True
            return question.compute()

        body = await run_in_threadpool(lambda: services.runner.answer(Question(question.key, compute)).body)
    # as on /sparql: whether this answer was computed for this request or came from the cache
    headers = {**lang.headers(), "X-Cache": "miss" if computed else "hit"}
    return Response(body, media_type=JSON, headers=headers)
