"""The JSON API (/api/v1): agreements, coverage, gaps, recognitions, taxonomies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from imvokg.api import models
from imvokg.api.answers import json_answer
from imvokg.api.deps import ServicesDep
from imvokg.api.docs import AS_OF as AS_OF_SCHEMA
from imvokg.api.docs import DATE, MEMBER_STATE, SLUG
from imvokg.api.lang import LangDep
from imvokg.api.routes.history import AS_OF, as_of_headers, services_as_of
from imvokg.api.state import Services
from imvokg.services import history

AsOf = Annotated[str | None, Query(description=AS_OF, json_schema_extra=AS_OF_SCHEMA)]


async def _at(
    request: Request, services: Services, as_of: str | None
) -> tuple[Services, history.Snapshot | None]:
    """The services that answer: today's, or those over the registry as it stood at ``as_of``."""
    if not as_of:
        return services, None
    return await run_in_threadpool(services_as_of, services, as_of)


def _stamped(response: Response, snapshot: history.Snapshot | None) -> Response:
    response.headers.update(as_of_headers(snapshot))
    return response


router = APIRouter(prefix="/api/v1", tags=["api"])


@router.get("/agreements", operation_id="listAgreements", response_model=list[models.AgreementSummary])
async def agreements(
    request: Request,
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
    target, snapshot = await _at(request, services, as_of)
    return _stamped(
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
    request: Request,
    services: ServicesDep,
    language: LangDep,
    as_of: AsOf = None,
) -> Response:
    """One agreement: names, sectors, period, parties, risks, provisions, mechanisms, recognitions."""
    target, snapshot = await _at(request, services, as_of)
    return _stamped(
        await json_answer(
            target, target.knowledge.get_agreement_question(slug, lang=language.lang), lang=language
        ),
        snapshot,
    )


@router.get("/coverage", operation_id="getCoverage", response_model=models.Coverage)
async def coverage(
    request: Request,
    services: ServicesDep,
    language: LangDep,
    sector: Annotated[str, Query(description="sector slug, e.g. garment-textile", json_schema_extra=SLUG)],
    min_salience: Annotated[
        float | None, Query(ge=0, le=25, description="lowest salience score (1-25)")
    ] = None,
    as_of: AsOf = None,
) -> Response:
    """Salient risks of a sector (by salience, with components) and the agreements covering each."""
    target, snapshot = await _at(request, services, as_of)
    return _stamped(
        await json_answer(
            target,
            target.knowledge.coverage_question(sector, min_salience=min_salience, lang=language.lang),
            lang=language,
        ),
        snapshot,
    )


@router.get("/gaps", operation_id="getGaps", response_model=models.Gaps)
async def gaps(
    request: Request,
    services: ServicesDep,
    language: LangDep,
    sector: Annotated[str, Query(description="sector slug, e.g. garment-textile", json_schema_extra=SLUG)],
    basis: Annotated[
        str, Query(pattern="^(recognised|any)$", description="which agreements count as covering")
    ] = "recognised",
    as_of: AsOf = None,
) -> Response:
    """Salient risks of the sector no recognised agreement (basis=any: no agreement) covers."""
    target, snapshot = await _at(request, services, as_of)
    return _stamped(
        await json_answer(
            target,
            target.knowledge.gaps_question(sector, recognised_only=basis == "recognised", lang=language.lang),
            lang=language,
        ),
        snapshot,
    )


@router.get("/recognitions", operation_id="listRecognitions", response_model=list[models.Recognition])
async def recognitions(
    request: Request,
    services: ServicesDep,
    language: LangDep,
    member_state: Annotated[
        str | None, Query(description="ISO 3166-1 alpha-2 or alpha-3", json_schema_extra=MEMBER_STATE)
    ] = None,
    valid_on: Annotated[str | None, Query(description="date YYYY-MM-DD", json_schema_extra=DATE)] = None,
    as_of: AsOf = None,
) -> Response:
    """Recognition decisions: authority, member state, date, validity, supervision regime."""
    target, snapshot = await _at(request, services, as_of)
    return _stamped(
        await json_answer(
            target,
            target.knowledge.recognitions_question(
                member_state=member_state, valid_on=valid_on, lang=language.lang
            ),
            lang=language,
        ),
        snapshot,
    )
