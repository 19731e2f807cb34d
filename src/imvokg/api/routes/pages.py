"""The web pages: home with search, the query page, the coverage matrix, the comparison and the SER paper.

Pages are rendered on the server (they read well without JavaScript); the
scripts in web/static add the editor, running queries in place, cell details
and exports. Labels come in the page language; the language is chosen by
?lang=, then the remembered cookie, then Accept-Language.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from imvokg import languages
from imvokg.api.deps import ServicesDep
from imvokg.api.lang import page_language
from imvokg.api.state import Services
from imvokg.errors import ImvokgError, InputError, NotFound
from imvokg.namespaces import BASE
from imvokg.store.base import Term
from imvokg.web import views
from imvokg.web.site import STATIC_DIR, render

router = APIRouter(include_in_schema=False)

COOKIE_AGE = 365 * 24 * 3600
SEARCH_MIN = 2


def static_files() -> StaticFiles:
    """The site's CSS, scripts and vendored editor, served from the package (app.py mounts it)."""
    return StaticFiles(directory=str(STATIC_DIR))


def html_page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` in the page language; remember an explicit ?lang= choice in a cookie."""
    language = page_language(request)
    params = dict(request.query_params)
    body = render(template, lang=language.lang, path=request.url.path, params=params, **context)
    response = HTMLResponse(body, status_code=status, headers=language.headers())
    chosen = languages.normalise(request.query_params.get("lang"))
    if chosen:
        response.set_cookie(languages.COOKIE, chosen, max_age=COOKIE_AGE, samesite="lax", path="/")
    return response


def _rows(services: Services, name: str, bindings: dict[str, Term]) -> list[dict[str, str]]:
    """A named query's answer as plain strings, cached per store version."""
    key = ("page-rows", name, tuple(sorted((k, v.value) for k, v in bindings.items())))

    def compute() -> list[dict[str, str]]:
        rows = services.runner.select(name, bindings)
        return [
            {
                **{k: t.value for k, t in row.items()},
                **{f"{k}_lang": t.lang for k, t in row.items() if t.lang},
            }
            for row in rows
        ]

    return services.runner.cached(key, compute)


def _sectors(services: Services, lang: str) -> list[dict[str, str]]:
    return [
        {"slug": views.slug_of(r["sector"]), "label": r["label"], "agreements": r["agreements"]}
        for r in _rows(services, "sectors", {"lang": Term.literal(lang)})
    ]


# -- home ---------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, services: ServicesDep) -> HTMLResponse:
    """What the graph holds, a search over names in all languages, and where to start."""
    lang = page_language(request).lang
    query = (request.query_params.get("q") or "").strip()[:200]

    def gather() -> dict[str, Any]:
        counts = {r["what"]: int(r["count"]) for r in _rows(services, "home-counts", {})}
        results = None
        if len(query) >= SEARCH_MIN:
            found = _rows(services, "label-search", {"text": Term.literal(query), "lang": Term.literal(lang)})
            kinds = services.linked_data.type_names((r["resource"] for r in found), lang)
            results = [
                {**r, "kind": kinds.get(r["resource"], ""), "slug": views.slug_of(r["resource"])}
                for r in found
            ]
        agreements = services.knowledge.list_agreements(lang=lang)
        return {"counts": counts, "results": results, "agreements": agreements}

    data = await run_in_threadpool(gather)
    return html_page(request, "home.html", q=query, search_min=SEARCH_MIN, **data)


# -- query page (the browser branch of GET /sparql) ------------------------------


async def query_page(request: Request, services: Services, query: str | None = None) -> HTMLResponse:
    """The SPARQL editor page; `query` (from ?query=) is put in the editor and run.

    ``?example=NAME`` with the named query's parameters (the example forms) puts
    that query in the editor with the values bound, checked as the named-query
    service checks them, and runs it.
    """
    lang = page_language(request).lang
    example = request.query_params.get("example")
    if query is None and example:
        given = {
            p.name: value
            for p in services.registry.get(example).parameters
            if (value := request.query_params.get(p.name, "").strip())
        }
        named, _ = services.registry.bind(example, given)
        query = views.runnable_text(named.text, [p.to_dict() for p in named.parameters], lang, given)
    said = services.runner.cached(("query-texts", lang), lambda: services.catalog.query_texts(lang))
    examples = [
        {
            **q.to_dict(),
            "title": said.get(q.name, q.title),
            "description": said.get(q.name + "#description", q.description),
            "parameters": [
                {**p.to_dict(), "description": said.get(f"{q.name}/parameter/{p.name}", p.description)}
                for p in q.parameters
            ],
            "text": views.runnable_text(q.text, [p.to_dict() for p in q.parameters], lang),
        }
        for q in services.registry
    ]
    return html_page(
        request,
        "query.html",
        query_text=query if query is not None else views.default_query(lang),
        autorun=query is not None,
        examples=examples,
        timeout_s=services.settings.query_timeout_s,
        prefixes=services_prefixes(),
    )


@router.get("/sparql/completions")
async def completions(
    request: Request, services: ServicesDep, text: str = "", kind: str = "resource", namespace: str = ""
) -> JSONResponse:
    """What the editor offers as the reader types: terms of the graph by name in the page language."""
    lang = page_language(request).lang
    found = await run_in_threadpool(services.completion.complete, text, kind, lang, namespace)
    return JSONResponse({"lang": lang, "completions": [c.to_dict() for c in found]})


def services_prefixes() -> dict[str, str]:
    """The project's prefixes, for completion in the editor."""
    from imvokg.namespaces import PREFIXES

    return {p: str(ns) for p, ns in PREFIXES.items()}


# -- coverage matrix ----------------------------------------------------------


@router.get("/coverage", response_class=HTMLResponse)
async def coverage(request: Request, services: ServicesDep) -> HTMLResponse:
    """Salient risks of a sector against the agreements and initiatives on it."""
    lang = page_language(request).lang
    sector = (request.query_params.get("sector") or "").strip()

    def gather() -> dict[str, Any]:
        sectors = _sectors(services, lang)
        if not sector:
            return {"sectors": sectors, "matrix": None, "sector_label": None}
        answer = services.knowledge.coverage(sector, lang=lang)
        on_sector = services.knowledge.list_agreements(sector=sector, lang=lang)
        cells = _rows(
            services, "coverage-cells", {"sector": Term.iri(answer["sector_iri"]), "lang": Term.literal(lang)}
        )
        label = next((s["label"] for s in sectors if s["slug"] == sector), sector)
        return {
            "sectors": sectors,
            "matrix": views.coverage_matrix(answer, on_sector, cells),
            "sector_label": label,
            "sector_iri": answer["sector_iri"],
        }

    try:
        data = await run_in_threadpool(gather)
    except (NotFound, InputError) as problem:
        sectors = await run_in_threadpool(_sectors, services, lang)
        return html_page(
            request,
            "coverage.html",
            status=404,
            sector=sector,
            sectors=sectors,
            matrix=None,
            sector_label=None,
            problem=problem.detail_in(lang),
        )
    return html_page(request, "coverage.html", sector=sector, problem=None, **data)


# -- compare ------------------------------------------------------------------


@router.get("/compare", response_class=HTMLResponse)
async def compare(request: Request, services: ServicesDep) -> HTMLResponse:
    """Two initiatives side by side."""
    lang = page_language(request).lang
    a = (request.query_params.get("a") or "").strip()
    b = (request.query_params.get("b") or "").strip()

    def gather() -> dict[str, Any]:
        agreements = services.knowledge.list_agreements(lang=lang)
        result = None
        if a and b:
            result = views.compare(
                services.knowledge.get_agreement(a, lang=lang), services.knowledge.get_agreement(b, lang=lang)
            )
        if result is not None:
            names = {s["slug"]: s["label"] for s in _sectors(services, lang)}
            for group in result["sectors"].values():
                for item in group:
                    item["label"] = names.get(item["key"], item["key"])
                    item["key"] = f"{BASE}scheme/sector/{item['key']}"
        return {"agreements": agreements, "result": result}

    try:
        data = await run_in_threadpool(gather)
    except ImvokgError as problem:
        agreements = await run_in_threadpool(lambda: services.knowledge.list_agreements(lang=lang))
        return html_page(
            request,
            "compare.html",
            status=404,
            a=a,
            b=b,
            agreements=agreements,
            result=None,
            problem=problem.detail_in(lang),
        )
    return html_page(request, "compare.html", a=a, b=b, problem=None, **data)


# -- initiatives across member states ---------------------------------------------


@router.get("/network", response_class=HTMLResponse)
async def network(request: Request, services: ServicesDep) -> HTMLResponse:
    """Initiatives x member states: who recognised, refused, withdrew, adopted or declined what."""
    lang = page_language(request).lang
    data = await run_in_threadpool(services.network.matrix, lang=lang)
    return html_page(request, "network.html", **data)


# -- the SER position paper of 18 January 2023 -----------------------------------


@router.get("/ser-2023", response_class=HTMLResponse)
async def ser_2023(request: Request, services: ServicesDep) -> HTMLResponse:
    """What the SER paper the project started from asks, and where the registry answers it."""
    lang = page_language(request).lang
    rows = await run_in_threadpool(_rows, services, "ser-2023-statements", {"lang": Term.literal(lang)})
    return html_page(request, "ser-2023.html", groups=views.paper_statements(rows), total=len(rows))
