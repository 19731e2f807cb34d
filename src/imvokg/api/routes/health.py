"""Liveness and the home page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from imvokg.api.deps import ServicesDep

router = APIRouter()


@router.get("/healthz", tags=["meta"])
def healthz(services: ServicesDep) -> dict[str, object]:
    """Alive and able to read the store."""
    return {"status": "ok", "version": services.store.version()}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(services: ServicesDep) -> str:
    queries = "".join(f'<li><a href="/queries/{q.name}">{q.title}</a></li>' for q in services.registry)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>imvokg</title></head><body>"
        "<h1>imvokg: IMVO knowledge graph</h1>"
        "<p>Sector agreements on responsible business conduct, the risks they cover and the "
        "instruments they rest on. Query with <a href=/sparql>SPARQL</a>, the "
        "<a href=/docs>REST API</a> or the named queries below.</p>"
        f"<h2>Named queries</h2><ul>{queries}</ul></body></html>"
    )
