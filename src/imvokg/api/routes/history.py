"""The registry's history (/api/v1/agreements/{slug}/history) and ``as_of`` answers.

The history lists an agreement's versions, the events that made them and the diff between
versions; ``as_of`` hands a question to the same services over the snapshot of the registry
in force at that moment (``services.history``), so the answer is the one given then.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from imvokg.api import models
from imvokg.api.deps import ServicesDep, WorkflowDep
from imvokg.api.docs import AS_OF as AS_OF_SCHEMA
from imvokg.api.docs import SLUG
from imvokg.api.state import Services
from imvokg.errors import NotFound
from imvokg.messages import N_
from imvokg.services import history
from imvokg.services.identifiers import agreement_iri

router = APIRouter(prefix="/api/v1", tags=["history"])
MAX_VERSION = 999_999
"""The highest version number an IRI can carry (``/v/{n}``: at most six digits)."""

AS_OF = (
    "the registry as it stood at this moment (transaction time): a date YYYY-MM-DD (its end, UTC) "
    "or a timestamp; distinct from valid_on, which asks what was in force on a date"
)


AsOf = Annotated[str | None, Query(description=AS_OF, json_schema_extra=AS_OF_SCHEMA)]
"""The ``as_of`` parameter of every answer about the registry's state (one spelling, one pattern)."""


def services_as_of(services: Services, as_of: str) -> tuple[Services, history.Snapshot]:
    """The services over the snapshot of the registry in force at ``as_of``."""
    snapshot = services.snapshots.at(history.parse_moment(as_of))
    return services.as_of(snapshot), snapshot


async def services_at(services: Services, as_of: str | None) -> tuple[Services, history.Snapshot | None]:
    """The services that answer: today's, or those over the registry as it stood at ``as_of``.

    Every route with ``as_of`` goes through here, so a malformed moment is the same 400 and a
    moment before the first record the same 404 everywhere, raised before anything is read.
    """
    if not as_of:
        return services, None
    return await run_in_threadpool(services_as_of, services, as_of)


def as_of_headers(snapshot: history.Snapshot | None) -> dict[str, str]:
    """Which state of the registry answered: the moment of its snapshot and the release."""
    if snapshot is None:
        return {}
    return {"X-Registry-As-Of": snapshot.moment.isoformat(), "X-Release": snapshot.version}


def stamped(response: Response, snapshot: history.Snapshot | None) -> Response:
    """`response`, saying which state of the registry answered it (nothing for today's)."""
    response.headers.update(as_of_headers(snapshot))
    return response


@router.get("/agreements/{slug}/history", response_model=models.AgreementHistory)
async def agreement_history(
    slug: Annotated[str, Path(json_schema_extra=SLUG)],
    request: Request,
    services: ServicesDep,
    workflow: WorkflowDep,
    older: Annotated[int | None, Query(alias="from", ge=1, le=MAX_VERSION, description="diff from")] = None,
    newer: Annotated[int | None, Query(alias="to", ge=1, le=MAX_VERSION, description="diff to")] = None,
) -> dict[str, Any]:
    """Versions of one agreement (who, when, from which submission), its events, and the diffs.

    ``diffs`` compares each version with the one before; ``from`` and ``to`` ask for the diff
    between any two versions (``diff``). A diff lists added and removed statements (N-Triples)
    grouped by parties, risks, commitments, mechanisms and the agreement's own facts.
    """
    iri = agreement_iri(slug).value

    def run() -> dict[str, Any]:
        found = history.versions(services.runner, iri)
        if not found:
            raise NotFound(N_("%(value)s has no recorded versions"), value=slug)
        data = workflow.journal.data
        answer: dict[str, Any] = {
            "agreement": slug,
            "iri": iri,
            "current": found[-1].iri,
            "versions": [v.to_dict() for v in found],
            "events": sorted(
                history.events(services.runner, iri) + history.rejections(workflow.journal.all(), iri),
                key=lambda e: e["time"] or "",
                reverse=True,
            ),
            "diffs": [
                history.diff_versions(services.runner, data, iri, v.number - 1, v.number).to_dict()
                for v in found[1:]
            ],
        }
        if older is not None or newer is not None:
            answer["diff"] = history.diff_versions(services.runner, data, iri, older, newer).to_dict()
        return answer

    return await run_in_threadpool(run)


@router.get("/releases", response_model=list[models.Release])
async def releases(services: ServicesDep) -> list[dict[str, Any]]:
    """Every recorded state of the registry, newest first: ``/sparql?release=`` runs a query on one.

    A release is the store version a write (approval, amendment, withdrawal, adoption) or a
    build left; ``since`` and ``until`` are when it was the registry's current state.
    """

    def run() -> list[dict[str, Any]]:
        found = services.snapshots.all()
        out = []
        for index, snapshot in enumerate(found):
            following = found[index + 1].moment.isoformat() if index + 1 < len(found) else None
            out.append(
                {"release": snapshot.version, "since": snapshot.moment.isoformat(), "until": following}
            )
        return out[::-1]

    return await run_in_threadpool(run)
