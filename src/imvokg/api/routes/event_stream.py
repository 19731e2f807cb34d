"""``/ldes``: the registry's decisions as a Linked Data Event Stream (see services/event_stream.py).

Turtle by default, JSON-LD on request; TriG (``Accept: application/trig``)
adds each member's whole graph and its Data Integrity proof graph, which is
what another registry's harvester reads. Full pages are immutable and cached
for a year; the open page for seconds.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from imvokg.api.conventions import IMMUTABLE
from imvokg.api.deps import ServicesDep
from imvokg.api.docs import answers_in
from imvokg.api.negotiation import negotiate
from imvokg.errors import NotAcceptable
from imvokg.messages import N_
from imvokg.services.event_stream import FORMATS

router = APIRouter(tags=["event stream"])

OPEN = "public, max-age=5"


def _media_type(request: Request) -> str:
    """The client's preferred format of the stream (Turtle for */*)."""
    chosen = negotiate(request.headers.get("accept"), list(FORMATS))
    if chosen is None:
        raise NotAcceptable(N_("the event stream is available as %(formats)s"), formats=", ".join(FORMATS))
    return chosen


def _answer(body: bytes, media: str, cache: str) -> Response:
    return Response(body, media_type=media, headers={"Cache-Control": cache, "Vary": "Accept"})


@router.get(
    "/ldes",
    operation_id="getEventStream",
    summary="The event stream of this registry's decisions",
    responses=answers_in(*FORMATS),
)
async def event_stream(request: Request, services: ServicesDep) -> Response:
    media = _media_type(request)
    return _answer(
        services.event_stream.stream_document(str(request.base_url), media), media, "public, max-age=60"
    )


@router.get(
    "/ldes/{number}",
    operation_id="getEventStreamPage",
    summary="One page of the event stream",
    responses=answers_in(*FORMATS),
)
async def event_stream_page(number: int, request: Request, services: ServicesDep) -> Response:
    media = _media_type(request)
    body, immutable = await run_in_threadpool(
        services.event_stream.page_document, number, str(request.base_url), media
    )
    return _answer(body, media, IMMUTABLE if immutable else OPEN)
