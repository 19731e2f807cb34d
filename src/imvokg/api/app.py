"""create_app(settings): the FastAPI application, with nothing done at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from imvokg import __version__
from imvokg.api import docs, errors, security
from imvokg.api.conventions import Conventions
from imvokg.api.limits import BodySizeLimit
from imvokg.api.parameters import known_parameters
from imvokg.api.routes import (
    compare,
    event_stream,
    health,
    history,
    integrity,
    linked_data,
    pages,
    profiles,
    publication,
    queries,
    rest,
    sparql,
    taxonomies,
    workflow,
    workspace,
)
from imvokg.api.state import wire
from imvokg.config import Settings
from imvokg.heap import freeze_long_lived
from imvokg.label_index import SAVED_FILE as LABELS_FILE
from imvokg.label_index import LabelIndex
from imvokg.queries import default_registry
from imvokg.services.harvest import start_background_harvest
from imvokg.services.runner import QueryRunner
from imvokg.services.warmup import start_warmup
from imvokg.store import Store, open_store, sparql_pool

# Every router of the application, in the order their paths are matched.
ROUTERS = (
    health, pages, workspace, sparql, queries, rest, history, taxonomies, compare, profiles, workflow,
    publication, integrity, event_stream, linked_data,
)  # fmt: skip


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """Build the application; the store opens when the app starts, not before."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store or open_store(settings, read_only=settings.read_only)
        registry = default_registry()
        runner = QueryRunner(opened, registry)
        saved = getattr(opened, "path", None)  # the embedded store's directory holds the build's index
        labels = (
            LabelIndex(opened, saved=saved / LABELS_FILE if saved else None) if settings.label_index else None
        )
        if labels is not None:
            runner.accelerate("label-search", labels.search_bindings)
            runner.after_write(labels.refresh)  # the next search after a write finds its names ready
        pool = sparql_pool(settings, opened)  # user SPARQL runs in worker processes
        app.state.services = wire(settings, runner, sparql_pool=pool)
        app.state.services.workflow.catch_up()  # every state of the registry has its snapshot
        if pool is not None:
            await pool.start()
        if settings.freeze_heap:
            freeze_long_lived()  # before the socket opens: this one full collection stalls no request
        if settings.warm_cache:
            start_warmup(
                app.state.services.knowledge,
                labels,
                budget_s=settings.warm_budget_s,
                completion=app.state.services.completion,
                freeze=settings.freeze_heap,
                requirements=app.state.services.profiles.current_applied,
            )
        # the peers file, when there is one; harvested graphs keep the answers they do not touch
        stop_harvest = start_background_harvest(settings, opened, write=runner.write)
        try:
            yield
        finally:
            stop_harvest()
            if pool is not None:
                pool.close()
            if store is None:
                opened.close()

    app = FastAPI(
        title="imvokg",
        version=__version__,
        summary="Knowledge graph of international responsible business conduct (IMVO) agreements",
        description=(
            "Sector agreements, the risks they cover, the instruments they rest on and the "
            "decisions that recognise them, as SPARQL, JSON and linked data."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(known_parameters)],
        generate_unique_id_function=docs.operation_id,  # every route: unknown query parameters are a 400
    )
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Conventions)  # HEAD, Cache-Control, ETag and 304, paging of lists
    security.install(app, settings)  # path guard, security headers, CORS, /sparql rate limit
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", pages.static_files(), name="static")
    docs.install(app)
    return app
