"""The JSON API (/api/v1): agreements, coverage, gaps, recognitions, taxonomies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from imvokg.api import models
from imvokg.api.answers import json_answer
from imvokg.api.deps import ServicesDep
from imvokg.api.docs import DATE, MEMBER_STATE, SLUG
from imvokg.api.lang import LangDep
from imvokg.api.routes.history import AsOf, services_at, stamped

router = APIRouter(prefix="/api/v1", tags=["api"])


@router.get("/agreements", operation_id="listAgreements", response_model=list[models.AgreementSummary])
async def agreements(
    services: ServicesDep,
    language: LangDep,
    sector: Annotated[
        str | None, Query(description="sector slug, e.g. garment-textile", json_schema_extra=SLUG)
    ] = None,
    risk: Annotated[
        str | None, Query(description="risk topic slug, e.g. child-labour", json_schema_extra=SLUG)
    ] = None,
    recognised_by: Annotated[
        str | None,
        Query(description="member state, ISO 3166-1 alpha-2 or alpha-3", json_schema_extra=MEMBER_STATE),
    ] = None,
    valid_on: Annotated[str | None, Query(description="date YYYY-MM-DD", json_schema_extra=DATE)] = None,
    as_of: AsOf = None,
) -> Response:
    """Sector agreements and initiatives, filtered."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(
            target,
            target.knowledge.list_agreements_question(
                sector=sector, risk=risk, recognised_by=recognised_by, valid_on=valid_on, lang=language.lang
            ),
            lang=language,
        ),
        snapshot,
    )


@router.get("/agreements/{slug}", operation_id="getAgreement", response_model=models.AgreementDetail)
async def agreement(
    slug: Annotated[str, Path(json_schema_extra=SLUG)],
    services: ServicesDep,
    language: LangDep,
    as_of: AsOf = None,
) -> Response:
    """One agreement: names, sectors, period, parties, risks, provisions, mechanisms, recognitions."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(
            target, target.knowledge.get_agreement_question(slug, lang=language.lang), lang=language
        ),
        snapshot,
    )


@router.get("/coverage", operation_id="getCoverage", response_model=models.Coverage)
async def coverage(
    services: ServicesDep,
    language: LangDep,
    sector: Annotated[str, Query(description="sector slug, e.g. garment-textile", json_schema_extra=SLUG)],
    min_salience: Annotated[
        float | None, Query(ge=0, le=25, description="lowest salience score (1-25)")
    ] = None,
    as_of: AsOf = None,
) -> Response:
    """Salient risks of a sector (by salience, with components) and the agreements covering each."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(
            target,
            target.knowledge.coverage_question(sector, min_salience=min_salience, lang=language.lang),
            lang=language,
        ),
        snapshot,
    )


@router.get("/gaps", operation_id="getGaps", response_model=models.Gaps)
async def gaps(
    services: ServicesDep,
    language: LangDep,
    sector: Annotated[str, Query(description="sector slug, e.g. garment-textile", json_schema_extra=SLUG)],
    basis: Annotated[
        str, Query(pattern="^(recognised|any)$", description="which agreements count as covering")
    ] = "recognised",
    as_of: AsOf = None,
) -> Response:
    """Salient risks of the sector no recognised agreement (basis=any: no agreement) covers."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(
            target,
            target.knowledge.gaps_question(sector, recognised_only=basis == "recognised", lang=language.lang),
            lang=language,
        ),
        snapshot,
    )


@router.get("/recognitions", operation_id="listRecognitions", response_model=list[models.Recognition])
async def recognitions(
    services: ServicesDep,
    language: LangDep,
    member_state: Annotated[
        str | None, Query(description="ISO 3166-1 alpha-2 or alpha-3", json_schema_extra=MEMBER_STATE)
    ] = None,
    valid_on: Annotated[str | None, Query(description="date YYYY-MM-DD", json_schema_extra=DATE)] = None,
    as_of: AsOf = None,
) -> Response:
    """Recognition decisions: authority, member state, date, validity, supervision regime."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(
            target,
            target.knowledge.recognitions_question(
                member_state=member_state, valid_on=valid_on, lang=language.lang
            ),
            lang=language,
        ),
        snapshot,
    )
