"""``/ldes``: the registry's decisions as a Linked Data Event Stream (see services/event_stream.py).

Turtle by default, JSON-LD on request; TriG (``Accept: application/trig``)
adds each member's whole graph and its Data Integrity proof graph, which is
what another registry's harvester reads. Full pages are immutable and cached
for a year; the open page for seconds.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from imvokg.api.deps import ServicesDep
from imvokg.api.negotiation import negotiate
from imvokg.errors import NotAcceptable
from imvokg.services.event_stream import EventStream

router = APIRouter(tags=["event stream"])

_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
_DATASETS = ("application/trig", "application/n-quads")
IMMUTABLE = "public, max-age=31536000, immutable"
OPEN = "public, max-age=5"


def _media_type(request: Request) -> str:
    """The client's preferred format of the stream (Turtle for */*)."""
    chosen = negotiate(request.headers.get("accept"), list(_FORMATS))
    if chosen is None:
        raise NotAcceptable("the event stream is available as " + ", ".join(_FORMATS))
    return chosen


def _stream(services: ServicesDep) -> EventStream:
    return EventStream(services.runner, services.registry, page_size=services.settings.ldes_page_size)


def _answer(quads: list[ox.Quad], media: str, cache: str) -> Response:
    if media not in _DATASETS:
        quads = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
        body = ox.serialize([q.triple for q in quads], format=_FORMATS[media])
    else:
        body = ox.serialize(quads, format=_FORMATS[media])
    return Response(body, media_type=media, headers={"Cache-Control": cache, "Vary": "Accept"})


@router.get("/ldes", summary="The event stream of this registry's decisions")
async def event_stream(request: Request, services: ServicesDep) -> Response:
    media = _media_type(request)
    base = str(request.base_url)
    triples = _stream(services).stream_triples(base + "ldes", base + "ldes/0")
    return _answer([ox.Quad(t.subject, t.predicate, t.object) for t in triples], media, "public, max-age=60")


@router.get("/ldes/{number}", summary="One page of the event stream")
async def event_stream_page(number: int, request: Request, services: ServicesDep) -> Response:
    media = _media_type(request)
    base = str(request.base_url)
    stream = _stream(services)

    def build() -> tuple[list[ox.Quad], bool]:
        page = stream.page(number)
        quads = stream.page_quads(
            page, base + "ldes", f"{base}ldes/{number}", f"{base}ldes/{number + 1}", graphs=media in _DATASETS
        )
        return quads, page.immutable

    quads, immutable = await run_in_threadpool(build)
    return _answer(quads, media, IMMUTABLE if immutable else OPEN)
