"""The authority's public keys and the verification of its decisions.

``GET /authority`` is the controlled identifier document (CID 1.0) with every
key the authority ever signed with; ``GET /api/v1/decisions/{id}/verification``
checks a published decision's proofs against them.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from imvokg.api import models
from imvokg.api.deps import ServicesDep
from imvokg.api.docs import MEMBER_STATE, SLUG, answers_in
from imvokg.formats import JSON_LD
from imvokg.services.authority import authority_document

router = APIRouter(tags=["integrity"])


@router.get(
    "/authority",
    operation_id="getAuthorityKeys",
    summary="The authority's public keys (controlled identifier document)",
    responses=answers_in(JSON_LD),
)
async def authority(services: ServicesDep) -> Response:
    """The keys that verify this registry's decisions, retired ones included (with `expires`)."""
    keys = await run_in_threadpool(services.authority_keys.public_keys)
    body = json.dumps(authority_document(services.settings, keys), indent=2)
    return Response(body, media_type="application/ld+json", headers={"Cache-Control": "public, max-age=300"})


@router.get(
    "/api/v1/decisions/{decision_id}/verification",
    operation_id="verifyDecision",
    summary="Check a decision's signature",
    response_model=models.DecisionVerification,
)
async def decision_verification(decision_id: str, services: ServicesDep) -> dict[str, object]:
    """`valid`, `invalid`, `unknown_key` or `unsigned`, with the reason, for the decision's graph
    and, for a recognition, the graph of the agreement it recognised."""
    return await run_in_threadpool(services.verification.decision, decision_id)


@router.get(
    "/api/v1/initiatives/{slug}/recognitions",
    operation_id="listInitiativeRecognitions",
    summary="Where an initiative is recognised, across this registry and its peers",
    response_model=list[models.InitiativeRecognition],
)
async def initiative_recognitions(
    slug: Annotated[str, Path(json_schema_extra=SLUG)], services: ServicesDep
) -> list[dict[str, object]]:
    """Every decision on the initiative, this registry's own and those harvested from other member
    states, with the member state, outcome, dates, whose registry and whether its proof holds now."""
    return await run_in_threadpool(services.network.initiative_recognitions, slug)


@router.get(
    "/api/v1/network/recognised-elsewhere",
    operation_id="listRecognisedElsewhere",
    summary="Initiatives another member state recognised that this registry has not decided on",
    response_model=list[models.RecognisedElsewhere],
)
async def recognised_elsewhere(
    member_state: Annotated[str, Query(json_schema_extra=MEMBER_STATE)], services: ServicesDep
) -> list[dict[str, str]]:
    """`member_state`: the state whose (harvested) recognitions to compare with, e.g. NL."""
    return await run_in_threadpool(services.network.recognised_elsewhere, member_state)
