"""Validate, submit, approve, reject and withdraw (/api/v1).

The routes read the body and the caller, hand both to the workflow service in
a worker thread (validation and store writes block) and shape the answer.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from imvokg.api import models
from imvokg.api.deps import PrincipalDep, ServicesDep, WorkflowDep
from imvokg.api.docs import MEMBER_STATE, SLUG, rdf_body
from imvokg.api.lang import LangDep
from imvokg.api.negotiation import negotiate
from imvokg.errors import InputError, NotAcceptable, NotFound
from imvokg.messages import N_
from imvokg.services.publication import DecisionDraft
from imvokg.services.reports import report_json
from imvokg.services.workflow import validate_body

router = APIRouter(prefix="/api/v1", tags=["workflow"])

REPORT_TYPES = ("application/json", "text/turtle")


async def _json_body(request: Request) -> dict[str, Any] | None:
    """An optional JSON object body (decision drafts); empty means defaults."""
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        if line:
            raise InputError(N_("the body is not valid JSON (line %(line)s)"), line=line) from None
        raise InputError(N_("the body is not valid JSON")) from None
    if not isinstance(body, dict):
        raise InputError(N_("the body is a JSON object"))
    return body


@router.post(
    "/validate",
    operation_id="validateAgreement",
    response_model=models.ValidationReport,
    responses={200: {"content": {"text/turtle": {}}}},  # the raw sh:ValidationReport, by Accept
    openapi_extra=rdf_body("the agreement to validate; nothing is stored"),
)
async def validate(request: Request, language: LangDep, services: ServicesDep) -> Response:
    """Validate an agreement against the registry's requirement profile; stores nothing.

    Body: Turtle, JSON-LD, RDF/XML or N-Triples, by Content-Type. With
    ``Accept: text/turtle`` the answer is the raw ``sh:ValidationReport``.
    """
    media = negotiate(request.headers.get("accept"), REPORT_TYPES)
    if media is None:
        raise NotAcceptable(N_("the report is available as application/json or text/turtle"))
    body = await request.body()

    def run() -> Any:
        requirements = services.profiles.current_applied()
        report = validate_body(
            body, request.headers.get("content-type"), lang=language.lang, requirements=requirements
        )
        return report, requirements.profile.iri

    report, profile = await run_in_threadpool(run)
    if media == "text/turtle":
        return Response(report.to_turtle(), media_type="text/turtle", headers={"Vary": "Accept"})
    answer = report_json(report, language.lang, profile=profile)
    return JSONResponse(answer, headers=language.headers(answer["lang"], vary=("Accept",)))


@router.post(
    "/submissions",
    operation_id="createSubmission",
    status_code=201,
    response_model=models.SubmissionCreated,
    openapi_extra=rdf_body("the agreement to submit"),
)
async def submit(
    request: Request,
    principal: PrincipalDep,
    workflow: WorkflowDep,
    language: LangDep,
    member_state: Annotated[
        str | None,
        Query(
            description="member state asked to recognise it (ISO 3166-1); default: the agreement's",
            json_schema_extra=MEMBER_STATE,
        ),
    ] = None,
    replaces: Annotated[
        str | None,
        Query(
            description="an amendment: the current version it replaces "
            "(its number or IRI, e.g. https://w3id.org/imvokg/id/agreement/x/v/1)"
        ),
    ] = None,
) -> JSONResponse:
    """Submit an agreement (submitter role): 201 pending, or 422 with the report and nothing stored.

    An ``Idempotency-Key`` header makes a retry safe: the same key again answers with the
    submission it made, and nothing new is stored.
    """
    body = await request.body()
    record, report = await run_in_threadpool(
        workflow.submit,
        principal,
        body,
        request.headers.get("content-type"),
        member_state=member_state,
        replaces=replaces,
        lang=language.lang,
        idempotency_key=request.headers.get("idempotency-key"),
    )
    location = f"/api/v1/submissions/{record.id}"
    readable = report_json(report, language.lang)
    return JSONResponse(
        {
            "id": record.id,
            "status": record.status,
            "location": location,
            "submission": record.to_dict(),
            "report": readable,
        },
        status_code=201,
        headers={"Location": location, **language.headers(readable["lang"])},
    )


@router.get("/submissions", operation_id="listSubmissions", response_model=list[models.Submission])
async def submissions(
    principal: PrincipalDep,
    workflow: WorkflowDep,
    status: Annotated[str | None, Query(pattern="^(pending|approved|rejected)$")] = None,
) -> list[dict[str, Any]]:
    """Submissions the caller may see (own ones; a supervisor: those for their member state)."""
    records = await run_in_threadpool(workflow.list, principal, status=status)
    return [r.to_dict() for r in records]


@router.get("/submissions/{submission_id}", operation_id="getSubmission", response_model=models.Submission)
async def submission(submission_id: str, principal: PrincipalDep, workflow: WorkflowDep) -> dict[str, Any]:
    """One submission and its status."""
    record = await run_in_threadpool(workflow.get, principal, submission_id)
    return record.to_dict()


@router.post(
    "/submissions/{submission_id}/approve",
    operation_id="approveSubmission",
    response_model=models.Approval,
    responses={202: {"model": models.Approval, "description": "four-eyes: first approval recorded"}},
)
async def approve(
    submission_id: str, request: Request, principal: PrincipalDep, workflow: WorkflowDep
) -> JSONResponse:
    """Publish the agreement and record the recognition decision, in one store write.

    Optional JSON body (a decision draft): ``issued``, ``valid_from``,
    ``valid_until`` (dates, default today / open-ended),
    ``supervision_regime`` (``risk-based-lighter`` or ``regular``), ``reason``.
    With the four-eyes rule on, the first approval answers 202 (``decision`` null,
    ``approvals_needed`` 1) and a second supervisor's approval publishes.
    """
    draft = DecisionDraft.from_json(await _json_body(request))
    answer = await run_in_threadpool(workflow.approve, principal, submission_id, draft)
    return JSONResponse(answer, status_code=202 if answer["decision"] is None else 200)


@router.post(
    "/submissions/{submission_id}/reject", operation_id="rejectSubmission", response_model=models.Submission
)
async def reject(
    submission_id: str, request: Request, principal: PrincipalDep, workflow: WorkflowDep
) -> dict[str, Any]:
    """Close the submission without publishing; optional JSON body ``{"reason": "..."}``."""
    body = await _json_body(request) or {}
    unknown = sorted(set(body) - {"reason"})
    if unknown:
        raise InputError(
            N_("unknown field(s) %(unknown)s; a rejection has only 'reason'"), unknown=", ".join(unknown)
        )
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise InputError(N_("reason is text"))
    record = await run_in_threadpool(workflow.reject, principal, submission_id, reason)
    return record.to_dict()


@router.post(
    "/agreements/{slug}/withdraw", operation_id="withdrawAgreement", response_model=models.Withdrawal
)
async def withdraw(
    slug: Annotated[str, Path(json_schema_extra=SLUG)],
    request: Request,
    principal: PrincipalDep,
    workflow: WorkflowDep,
) -> dict[str, Any]:
    """Withdraw the recognition by the caller's member state: a new decision, nothing deleted.

    Optional JSON body: ``valid_from`` (first day without recognition, default
    today), ``issued``, ``supervision_regime`` (default ``regular``), ``reason``.
    """
    draft = DecisionDraft.from_json(await _json_body(request), regime_default="regular")
    return await run_in_threadpool(workflow.withdraw, principal, slug, draft)


@router.post(
    "/network/adoptions",
    operation_id="adoptDecision",
    response_model=models.Adoption,
    response_model_exclude_none=True,
)
async def adopt(
    request: Request, principal: PrincipalDep, workflow: WorkflowDep, services: ServicesDep
) -> dict[str, Any]:
    """Mutual recognition: adopt (or decline) another member state's harvested decision.

    JSON body: ``decision`` (the other state's decision IRI), ``outcome`` (``adopt`` or
    ``decline``), and the draft fields ``valid_from``, ``valid_until``, ``issued``,
    ``supervision_regime``, ``reason``. The new decision is signed and published like any other.
    """
    body = await _json_body(request) or {}
    peer_decision = body.pop("decision", None)
    outcome = body.pop("outcome", None)
    if not isinstance(peer_decision, str) or outcome not in ("adopt", "decline"):
        raise InputError(N_('the body names "decision" (an IRI) and "outcome" ("adopt" or "decline")'))
    draft = DecisionDraft.from_json(body)
    network = services.network

    def run() -> dict[str, Any]:
        peer = network.peer_decision(peer_decision)
        if peer is None:
            raise NotFound(
                N_("no decision %(decision)s was harvested from another registry"), decision=peer_decision
            )
        return workflow.adopt(principal, peer, peer_decision, adopt=outcome == "adopt", draft=draft)

    return await run_in_threadpool(run)
