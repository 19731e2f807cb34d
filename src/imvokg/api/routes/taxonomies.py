"""The taxonomies of the JSON API (/api/v1): risk topics, sectors, instruments, provisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from imvokg.api.deps import ServicesDep
from imvokg.api.routes.rest import LANG_HELP, pick_lang
from imvokg.services.taxonomies import TaxonomyService

router = APIRouter(prefix="/api/v1", tags=["taxonomies"])


def _service(services: ServicesDep) -> TaxonomyService:
    # Stateless apart from the runner, whose cache is shared: building one per
    # request costs nothing and keeps the shared Services container untouched.
    return TaxonomyService(services.runner)


@router.get("/risks")
async def risks(
    request: Request,
    services: ServicesDep,
    lang: Annotated[str | None, Query(description=LANG_HELP)] = None,
) -> list[dict[str, Any]]:
    """The risk-topic hierarchy: labels in four languages, definition, broader, narrower, groundings."""
    return await run_in_threadpool(_service(services).risks, lang=pick_lang(request, lang))


@router.get("/sectors")
async def sectors(
    request: Request,
    services: ServicesDep,
    lang: Annotated[str | None, Query(description=LANG_HELP)] = None,
) -> list[dict[str, Any]]:
    """The sector hierarchy: labels in four languages, broader, narrower and NACE mappings."""
    return await run_in_threadpool(_service(services).sectors, lang=pick_lang(request, lang))


@router.get("/instruments")
async def instruments(
    request: Request,
    services: ServicesDep,
    lang: Annotated[str | None, Query(description=LANG_HELP)] = None,
) -> list[dict[str, Any]]:
    """Instruments with their kind (guideline or binding), dates and number of provisions."""
    return await run_in_threadpool(_service(services).instruments, lang=pick_lang(request, lang))


@router.get("/provisions/{slug:path}")
async def provision(
    slug: str,
    request: Request,
    services: ServicesDep,
    lang: Annotated[str | None, Query(description=LANG_HELP)] = None,
) -> dict[str, Any]:
    """One provision, named by the path after /id/instrument/ (e.g. ungp-2011/principle-14)."""
    return await run_in_threadpool(_service(services).provision, slug, lang=pick_lang(request, lang))
