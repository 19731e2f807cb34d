"""The dataset described for portals: /catalog, /.well-known/void, sparql-examples, /dumps, /feed."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response

from imvokg.api import models
from imvokg.api.conventions import IMMUTABLE
from imvokg.api.deps import ServicesDep
from imvokg.api.docs import answers_in
from imvokg.api.lang import page_language
from imvokg.api.negotiation import choose
from imvokg.api.parameters import accepts
from imvokg.api.publishing import (
    RDF_OFFERED,
    WITH_HTML,
    context_url,
    local_link,
    not_modified,
    respond,
    validator_headers,
)
from imvokg.api.state import Services
from imvokg.formats import HTML, RELEASE_FORMATS
from imvokg.namespaces import BASE
from imvokg.services import catalog, dumps, feed, linked_data, schema_org
from imvokg.services.rdf_formats import serialize
from imvokg.web import site

router = APIRouter(tags=["publication"])


def _facts(services: Services) -> catalog.Facts:
    return services.runner.cached(("catalog-facts",), services.catalog.facts)


def _catalog_html(request: Request, services: Services, lang: str, files: list[dumps.DumpFile]) -> bytes:
    link = local_link(BASE)
    entries = [row["x"].value for row in services.runner.select("catalog-entries").rows]
    labels = services.linked_data.labels_of(entries)
    browse = sorted(
        ({"href": link(i), "text": linked_data.pick_label(labels.get(i), lang) or i} for i in entries),
        key=lambda e: str(e["text"]).lower(),
    )
    return site.render(
        "catalog.html",
        lang=lang,
        path="/catalog",
        params=dict(request.query_params),
        facts=_facts(services),
        files=files,
        browse=browse,
        structured=schema_org.dataset(catalog.catalogue(services.settings, _facts(services), files), lang),
        formats=[(n, f"/catalog?format={c}") for n, c in (("Turtle", "ttl"), ("JSON-LD", "jsonld"))],
    ).encode("utf-8")


@router.get("/catalog", operation_id="getCatalog", response_model=None, responses=answers_in(*WITH_HTML))
@router.head("/catalog", response_model=None, include_in_schema=False)
@accepts("format")
def get_catalog(request: Request, services: ServicesDep) -> Response:
    """DCAT-AP 3: the catalogue, the dataset, a distribution per release file, the SPARQL service."""
    media_type = choose(request, WITH_HTML)
    language = page_language(request)
    lang = language.lang
    files = services.releases.current()
    ctx = context_url(request)

    def make() -> bytes:
        if media_type == "text/html":
            return _catalog_html(request, services, lang, files)
        graph = catalog.catalogue(services.settings, _facts(services), files)
        return serialize(graph, media_type, context_url=ctx)

    version = services.store.version()
    return respond(
        request,
        version=version,
        key="/catalog",
        media_type=media_type,
        lang=language,
        make=make,
        cache=services.runner.cache,
        queries=catalog.FACT_QUERIES + (catalog.PAGE_QUERIES if media_type == "text/html" else ()),
    )


@router.get(
    "/.well-known/void", operation_id="getVoid", response_model=None, responses=answers_in(*RDF_OFFERED)
)
@router.head("/.well-known/void", response_model=None, include_in_schema=False)
@accepts("format")
def get_void(request: Request, services: ServicesDep) -> Response:
    """VoID: size, partitions, endpoint, dumps, URI space and vocabularies."""
    media_type = choose(request, RDF_OFFERED)
    files = services.releases.current()
    ctx = context_url(request)

    def make() -> bytes:
        graph = services.catalog.void(files)
        return serialize(graph, media_type, context_url=ctx)

    version = services.store.version()
    return respond(
        request,
        version=version,
        key="/void",
        media_type=media_type,
        make=make,
        cache=services.runner.cache,
        queries=catalog.VOID_QUERIES,
    )


@router.get(
    "/.well-known/sparql-examples",
    operation_id="getSparqlExamples",
    response_model=None,
    responses=answers_in(*RDF_OFFERED),
)
@router.head("/.well-known/sparql-examples", response_model=None, include_in_schema=False)
@accepts("format")
def get_sparql_examples(request: Request, services: ServicesDep) -> Response:
    """Every named query as an sh:SPARQLExecutable."""
    media_type = choose(request, RDF_OFFERED)
    ctx = context_url(request)

    def make() -> bytes:
        return serialize(
            catalog.sparql_examples(services.settings, services.registry), media_type, context_url=ctx
        )

    version = services.store.version()
    return respond(
        request,
        version=version,
        key="/examples",
        media_type=media_type,
        make=make,
        cache=services.runner.cache,
    )


@router.get("/dumps", include_in_schema=False)
def dumps_redirect() -> RedirectResponse:
    return RedirectResponse("/dumps/", status_code=308)


@router.get(
    "/dumps/",
    operation_id="listDumps",
    response_model=None,
    responses={200: {"model": list[models.ReleaseFile], "content": {HTML: {}}}},
)
@router.head("/dumps/", response_model=None, include_in_schema=False)
@accepts("format")
def list_dumps(request: Request, services: ServicesDep) -> Response:
    """Every release file: an HTML list for a browser, JSON otherwise."""
    files = services.releases.listing()
    accept = request.headers.get("accept", "")
    if "text/html" in accept or request.query_params.get("format") == "html":
        language = page_language(request)
        html = site.render(
            "dumps.html",
            lang=language.lang,
            path="/dumps/",
            params=dict(request.query_params),
            files=files,
        )
        headers = language.headers(vary=("Accept",))
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)
    return JSONResponse(
        [
            {
                "name": f.name,
                "url": f"/dumps/{f.name}",
                "version": f.version,
                "media_type": f.media_type,
                "compressed": f.compressed,
                "byte_size": f.size,
                "sha256": f.sha256,
                "modified": f.modified.isoformat(timespec="seconds"),
            }
            for f in files
        ],
        headers={"Vary": "Accept"},
    )


@router.get(
    "/dumps/{name}",
    operation_id="getDump",
    response_model=None,
    responses=answers_in(
        *(m for suffix, m in RELEASE_FORMATS.items() if not suffix.endswith(".gz")), "application/gzip"
    ),
)
@router.head("/dumps/{name}", response_model=None, include_in_schema=False)
def get_dump(name: str, request: Request, services: ServicesDep) -> Response:
    """One release file; names are matched against the directory listing, never joined into a path."""
    found = services.releases.find(name)
    etag = f'"{found.sha256[:32]}"'
    headers = validator_headers(etag, found.modified.replace(microsecond=0), vary=False)
    headers["Cache-Control"] = IMMUTABLE  # a release's name carries its version: it never changes
    if not_modified(request, etag, found.modified.replace(microsecond=0)):
        return Response(status_code=304, headers=headers)
    media_type = "application/gzip" if found.compressed else found.media_type
    return FileResponse(found.path, media_type=media_type, filename=found.name, headers=headers)


@router.get(
    "/feed", operation_id="getFeed", response_model=None, responses=answers_in("application/atom+xml")
)
@router.head("/feed", response_model=None, include_in_schema=False)
def get_feed(request: Request, services: ServicesDep) -> Response:
    """Atom feed of recognition decisions, newest first."""
    base = BASE
    facts = _facts(services)
    fallback = facts.modified or datetime.now(UTC).isoformat(timespec="seconds")
    self_url = str(request.url_for("get_feed"))

    def make() -> bytes:
        return services.feed.atom_feed(
            feed_id=base + "feed",
            self_url=self_url,
            alternate_url=base + "catalog",
            fallback_updated=feed.atom_time(fallback),
        )

    version = services.store.version()
    return respond(
        request,
        version=version,
        key="/feed",
        media_type="application/atom+xml",
        make=make,
        cache=services.runner.cache,
        queries=(*catalog.FACT_QUERIES, "recognition-feed", "labels-of"),
    )


SITEMAP_PAGES = (
    *("/", "/sparql", "/coverage", "/compare", "/catalog"),
    *("/ontology", "/shapes", "/dumps/", "/docs"),
)
"""The site's own pages a search engine should know; the catalogue's entry points follow them."""


@router.get("/robots.txt", operation_id="getRobots", response_class=PlainTextResponse)
def robots(request: Request) -> PlainTextResponse:
    """What crawlers may fetch: the pages and documents, not queries run for them (they cost CPU)."""
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /sparql?",
        "Disallow: /queries/",
        "Disallow: /api/",
        f"Sitemap: {request.url_for('get_sitemap')}",
    ]
    return PlainTextResponse("\n".join(lines) + "\n")


@router.get(
    "/sitemap.xml", operation_id="getSitemap", response_model=None, responses=answers_in("application/xml")
)
def get_sitemap(request: Request, services: ServicesDep) -> Response:
    """sitemaps.org 0.9: the site's pages and every resource a reader looks for (``sitemap-resources``):
    agreements and initiatives, parties, risk topics, sectors, concept schemes and instruments."""
    base = str(request.base_url).rstrip("/")
    link = local_link(BASE)
    entries = [row["x"].value for row in services.runner.select("sitemap-resources").rows]
    paths = [*SITEMAP_PAGES, *(link(iri) for iri in entries if link(iri).startswith("/"))]
    urls = "".join(f"<url><loc>{escape(base + path)}</loc></url>" for path in dict.fromkeys(paths))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )
    return Response(body.encode(), media_type="application/xml")
