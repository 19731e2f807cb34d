"""The taxonomies of the JSON API (/api/v1): risk topics, sectors, instruments, provisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from imvokg.api import models
from imvokg.api.answers import json_answer
from imvokg.api.deps import ServicesDep
from imvokg.api.docs import PROVISION
from imvokg.api.lang import LangDep
from imvokg.api.routes.history import AsOf, services_at, stamped

router = APIRouter(prefix="/api/v1", tags=["taxonomies"])


@router.get("/risks", operation_id="listRisks", response_model=list[models.RiskTopic])
async def risks(
    services: ServicesDep,
    language: LangDep,
    as_of: AsOf = None,
) -> Response:
    """The risk-topic hierarchy: labels in four languages, definition, broader, narrower, groundings."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(target, target.taxonomies.risks_question(lang=language.lang), lang=language),
        snapshot,
    )


@router.get("/sectors", operation_id="listSectors", response_model=list[models.Sector])
async def sectors(
    services: ServicesDep,
    language: LangDep,
    as_of: AsOf = None,
) -> Response:
    """The sector hierarchy: labels in four languages, broader, narrower and NACE mappings."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(target, target.taxonomies.sectors_question(lang=language.lang), lang=language),
        snapshot,
    )


@router.get("/instruments", operation_id="listInstruments", response_model=list[models.Instrument])
async def instruments(
    services: ServicesDep,
    language: LangDep,
    as_of: AsOf = None,
) -> Response:
    """Instruments with their kind (guideline or binding), dates and number of provisions."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(target, target.taxonomies.instruments_question(lang=language.lang), lang=language),
        snapshot,
    )


@router.get("/provisions/{slug:path}", operation_id="getProvision", response_model=models.Provision)
async def provision(
    slug: Annotated[str, Path(json_schema_extra=PROVISION)],
    services: ServicesDep,
    language: LangDep,
    as_of: AsOf = None,
) -> Response:
    """One provision, named by the path after /id/instrument/ (e.g. ungp-2011/principle-14)."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(
            target, target.taxonomies.provision_question(slug, lang=language.lang), lang=language
        ),
        snapshot,
    )
