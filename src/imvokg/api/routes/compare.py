"""GET /api/v1/compare: two initiatives side by side."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from imvokg.api import models
from imvokg.api.answers import json_answer
from imvokg.api.deps import ServicesDep
from imvokg.api.docs import SLUG
from imvokg.api.lang import LangDep
from imvokg.api.routes.history import AsOf, services_at, stamped

router = APIRouter(prefix="/api/v1", tags=["api"])


@router.get("/compare", operation_id="compareInitiatives", response_model=models.Comparison)
async def compare(
    services: ServicesDep,
    language: LangDep,
    a: Annotated[str, Query(description="agreement slug, e.g. nl-garment-textile", json_schema_extra=SLUG)],
    b: Annotated[
        str,
        Query(description="agreement slug, e.g. de-partnership-sustainable-textiles", json_schema_extra=SLUG),
    ],
    as_of: AsOf = None,
) -> Response:
    """Parties by kind, sectors, risks and provisions (shared, only in a, only in b), and the
    minimum-requirement conformance of both, row by row."""
    target, snapshot = await services_at(services, as_of)
    return stamped(
        await json_answer(target, target.compare.compare_question(a, b, lang=language.lang), lang=language),
        snapshot,
    )
