"""GET /api/v1/compare: two initiatives side by side."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from imvokg.api.deps import ServicesDep
from imvokg.api.routes.rest import LANG_HELP, pick_lang
from imvokg.services.compare import CompareService

router = APIRouter(prefix="/api/v1", tags=["api"])


@router.get("/compare")
async def compare(
    request: Request,
    services: ServicesDep,
    a: Annotated[str, Query(description="agreement slug, e.g. nl-garment-textile")],
    b: Annotated[str, Query(description="agreement slug, e.g. de-partnership-sustainable-textiles")],
    lang: Annotated[str | None, Query(description=LANG_HELP)] = None,
) -> dict[str, Any]:
    """Parties by kind, sectors, risks and provisions (shared, only in a, only in b), and the
    minimum-requirement conformance of both, row by row."""
    service = CompareService(services.knowledge)
    return await run_in_threadpool(service.compare, a, b, lang=pick_lang(request, lang))
