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

from dataclasses import replace
from typing import Any

from fastapi import Response
from fastapi.concurrency import run_in_threadpool

from imvokg.api.lang import LanguageChoice
from imvokg.api.state import Services
from imvokg.cache import Answer, Question
from imvokg.formats import JSON


async def json_answer(services: Services, question: Question[Any], *, lang: LanguageChoice) -> Response:
    """The answer to `question` as JSON, in `lang`, saying so (Content-Language, Vary)."""
    answer = services.runner.peek_answer(question)
    computed = False
    if answer is None or not answer.encoded:

        def compute() -> Any:
            nonlocal computed
            computed = True
            return question.compute()

        answer = await run_in_threadpool(_encoded, services, replace(question, compute=compute))
    # as on /sparql: whether this answer was computed for this request or came from the cache
    headers = {**lang.headers(), **queries_header(answer.queries), "X-Cache": "miss" if computed else "hit"}
    return Response(answer.body, media_type=JSON, headers=headers)


def queries_header(queries: tuple[str, ...]) -> dict[str, str]:
    """``Link`` to the text of every named query the answer ran (RFC 8288, ``rel="describedby"``)."""
    if not queries:
        return {}
    return {"Link": ", ".join(f'</queries/{name}.rq>; rel="describedby"' for name in queries)}


def _encoded(services: Services, question: Question[Any]) -> Answer[Any]:
    answer = services.runner.answer(question)
    answer.body  # noqa: B018  (encode here, in the worker thread)
    return answer
