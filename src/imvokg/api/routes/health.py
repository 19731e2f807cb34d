"""Liveness (the home page is in routes/pages.py)."""

from __future__ import annotations

from fastapi import APIRouter

from imvokg.api.deps import ServicesDep

router = APIRouter()


@router.get("/healthz", tags=["meta"])
def healthz(services: ServicesDep) -> dict[str, object]:
    """Alive and able to read the store."""
    return {"status": "ok", "version": services.store.version()}
