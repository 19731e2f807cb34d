"""GET /api/v1/profiles: the requirement profiles this registry knows, one of them, two compared."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from imvokg.api import models
from imvokg.api.deps import ServicesDep
from imvokg.api.lang import LangDep

router = APIRouter(prefix="/api/v1", tags=["api"])

_VERSION = Query(description="a version of the profile (owl:versionInfo); default: the one in force today")


@router.get("/profiles", operation_id="listProfiles", response_model=list[models.ProfileSummary])
async def profiles(services: ServicesDep, language: LangDep) -> JSONResponse:
    """Every requirement profile version: the EU minimum and the member state's own, with validity."""
    answer: Any = await run_in_threadpool(services.profiles.list, lang=language.lang)
    return JSONResponse(answer, headers=language.headers())


@router.get("/profiles/compare", operation_id="compareProfiles", response_model=models.ProfileComparison)
async def compare_profiles(
    services: ServicesDep,
    language: LangDep,
    a: Annotated[str, Query(description="a profile id, e.g. eu-minimum")],
    b: Annotated[str, Query(description="another profile id")],
    version_a: Annotated[str | None, _VERSION] = None,
    version_b: Annotated[str | None, _VERSION] = None,
) -> JSONResponse:
    """What one profile requires (at Violation level) that the other does not, what it grades
    stricter, and what both require alike."""
    answer = await run_in_threadpool(
        services.profiles.compare, a, b, version_a=version_a, version_b=version_b, lang=language.lang
    )
    return JSONResponse(answer, headers=language.headers())


@router.get("/profiles/{profile_id}", operation_id="getProfile", response_model=models.ProfileDetail)
async def profile(
    profile_id: str,
    services: ServicesDep,
    language: LangDep,
    version: Annotated[str | None, _VERSION] = None,
) -> JSONResponse:
    """One profile version and every requirement it checks, with the severity it gives each."""
    answer = await run_in_threadpool(services.profiles.get, profile_id, version=version, lang=language.lang)
    return JSONResponse(answer, headers=language.headers())
