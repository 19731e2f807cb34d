"""Liveness (the home page is in routes/pages.py)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from imvokg.api.deps import ServicesDep

router = APIRouter()


@router.get("/healthz", operation_id="getHealth", tags=["meta"])
async def healthz(services: ServicesDep) -> dict[str, object]:
    """Alive and able to read the store."""
    version = services.store.known_version() or await run_in_threadpool(services.store.version)
    return {"status": "ok", "version": version}
