"""Dereferenceable IRIs: /id/..., /scheme/..., /graph/..., /ontology, /shapes, /context.jsonld.

A request path is checked segment by segment on the raw (still percent-encoded)
path before anything else happens: only lowercase ASCII letters, digits and '-'
may appear, so ``..``, ``%2f`` or uppercase never reach the store. The IRI is
the canonical one (``namespaces.BASE`` + path) whatever host was asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from imvokg import __version__
from imvokg.api.deps import ServicesDep
from imvokg.api.docs import SLUG, answers_in
from imvokg.api.lang import page_language
from imvokg.api.negotiation import choose
from imvokg.api.parameters import accepts
from imvokg.api.publishing import WITH_HTML, context_url, local_link, respond
from imvokg.api.state import Services
from imvokg.errors import NotFound
from imvokg.formats import JSON_LD
from imvokg.messages import N_
from imvokg.namespaces import BASE
from imvokg.services import history, linked_data, schema_org, vocabulary_docs
from imvokg.services.identifiers import agreement_iri
from imvokg.services.rdf_formats import jsonld_context, serialize
from imvokg.web import site

router = APIRouter(tags=["linked data"])

SEGMENT = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,198})$")
FORMAT_LINKS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdfxml"))


def _segments(request: Request, prefix: str, least: int, most: int) -> list[str]:
    """The checked path segments after ``prefix``; NotFound for anything irregular."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1")
    if not path.startswith(prefix):
        raise NotFound(N_("no such resource"))
    parts = path[len(prefix) :].split("/")
    if not least <= len(parts) <= most or not all(SEGMENT.match(p) for p in parts):
        raise NotFound(
            N_(
                "no such resource: each path segment is lowercase letters, "
                "digits and '-', e.g. %(prefix)s%(value)s"
            ),
            prefix=prefix,
            value="agreement/nl-garment-textile" if prefix == "/id/" else "sector/gold",
        )
    return parts


def resource_html(request: Request, services: Services, iri: str, lang: str) -> bytes:
    """The readable page of one resource."""
    link = local_link(BASE)
    page = services.linked_data.page(iri)
    labels = page.labels

    def label(target: str) -> str:
        return linked_data.pick_label(labels.get(target), lang) or target.rsplit("/", 1)[-1]

    path = request.url.path
    html = site.render(
        "resource.html",
        summary=_agreement_summary(services, iri, lang, link, label),
        lang=lang,
        path=path,
        params=dict(request.query_params),
        iri=iri,
        title=label(iri),
        rows=linked_data.statement_rows(page.graph, iri, link, labels, lang, page.editorial),
        title_editorial=any(t == label(iri) and lg == lang for _, t, lg in page.editorial),
        incoming=[
            {"href": link(s), "text": label(s), "predicate": label(p), "predicate_href": link(p)}
            for s, p in page.incoming
        ],
        incoming_truncated=page.incoming_truncated,
        provenance=[{"href": link(g), "iri": g, "title": t or g} for g, t in page.provenance],
        sources=[
            {"href": link(s.iri), "title": linked_data.pick_label(s.labels, lang) or s.iri, "page": s.page}
            for s in page.sources
        ],
        formats=[(name, f"{path}?format={code}") for name, code in FORMAT_LINKS],
        query_href="/sparql?" + urlencode({"query": f"DESCRIBE <{iri}>"}),
        structured=schema_org.describe(page.graph, iri, lang, labels, page.sources),
    )
    return html.encode("utf-8")


AGREEMENT = BASE + "id/agreement/"


def _agreement_summary(
    services: Services, iri: str, lang: str, link: Callable[[str], str], label: Callable[[str], str]
) -> dict[str, object] | None:
    """What an agreement's page says first, in the reader's language: status, term, sectors, parties
    by role and the risks it prioritises (the JSON API's answer about it); None for other resources."""
    slug = iri[len(AGREEMENT) :] if iri.startswith(AGREEMENT) else ""
    if not slug or "/" in slug:
        return None
    detail = services.knowledge.get_agreement(slug, lang=lang)
    scheme = BASE + "scheme/"
    status = scheme + "agreement-status/" + detail["status"] if detail["status"] else None
    sectors = [scheme + "sector/" + s for s in detail["sectors"]]
    names = services.linked_data.labels_of([*sectors, *([status] if status else [])])

    def named(iri: str) -> str:
        return linked_data.pick_label(names.get(iri), lang) or label(iri)

    roles: dict[str, list[dict[str, str]]] = {}
    for party in detail["parties"]:
        role = str(party.get("role_label") or party["role"])
        roles.setdefault(role, []).append(
            {"href": link(party["iri"]), "text": str(party["label"] or party["iri"])}
        )
    risks = {scheme + "risk-topic/" + r["risk"]: str(r["risk_label"] or r["risk"]) for r in detail["risks"]}
    period = " – ".join(str(d) for d in (detail["start_date"], detail["end_date"]) if d)
    return {
        "status": named(status) if status else None,
        "period": period or None,
        "sectors": [{"href": link(s), "text": named(s)} for s in sectors],
        "roles": sorted(roles.items()),
        "risks": sorted(({"href": link(k), "text": v} for k, v in risks.items()), key=lambda r: r["text"]),
    }


def resource_response(request: Request, services: Services, iri: str) -> Response:
    """Content negotiation for one IRI of ours, with validators and 304."""
    media_type = choose(request, WITH_HTML)
    if not services.linked_data.exists(iri):
        raise NotFound(N_("nothing is known about <%(iri)s>"), iri=iri)
    language = page_language(request)
    lang = language.lang
    ctx = context_url(request)

    def make() -> bytes:
        if media_type == "text/html":
            return resource_html(request, services, iri, lang)
        return serialize(services.linked_data.describe(iri), media_type, context_url=ctx)

    return respond(
        request,
        version=services.store.version(),
        key=iri,
        media_type=media_type,
        lang=language,
        make=make,
        cache=services.runner.cache,
        queries=linked_data.QUERIES if media_type == "text/html" else linked_data.RDF_QUERIES,
    )


@router.get(
    "/id/{rest:path}", operation_id="getResource", response_model=None, responses=answers_in(*WITH_HTML)
)
@router.head("/id/{rest:path}", response_model=None, include_in_schema=False)
@accepts("format")
def instance(request: Request, rest: str, services: ServicesDep) -> Response:
    """An instance IRI (``/id/{type}/{slug}``, deeper for provisions).

    An agreement with versions is its own Memento TimeGate (RFC 7089): ``Accept-Datetime``
    redirects to the version in force then (``/id/agreement/{slug}/v/{n}``, a memento with
    ``Memento-Datetime``); ``/timemap/agreement/{slug}`` lists the versions.
    """
    parts = _segments(request, "/id/", 2, 6)
    iri = BASE + "id/" + "/".join(parts)
    if parts[0] == "agreement":
        versioned = _memento(request, services, iri)
        if versioned is not None:
            return versioned
    return resource_response(request, services, iri)


def _versions(services: Services, agreement: str) -> list[history.Version]:
    return services.runner.cached(
        ("versions", agreement), lambda: history.versions(services.runner, agreement)
    )


def _here(request: Request) -> Callable[[str], str]:
    """Our IRIs as URLs of this server (Memento clients follow them)."""
    root = str(request.base_url).rstrip("/") + "/"
    return lambda iri: root + iri.removeprefix(BASE)


def _memento(request: Request, services: Services, iri: str) -> Response | None:
    """The Memento answers of an agreement or one of its versions; None for anything else."""
    of = history.version_of(iri)
    agreement = of[0] if of else iri
    found = _versions(services, agreement)
    if not found:
        return None
    here = _here(request)
    slug = agreement.rsplit("/", 1)[-1]
    links = (
        f'<{here(agreement)}>; rel="original timegate", '
        f'<{str(request.base_url).rstrip("/")}/timemap/agreement/{slug}>; rel="timemap"; '
        'type="application/link-format"'
    )
    if of is None:
        asked = request.headers.get("accept-datetime")
        if asked is None:
            response = resource_response(request, services, iri)
        else:
            version = history.memento_at(found, history.parse_http_date(asked))
            response = Response(status_code=302, headers={"Location": here(version.iri)})
        response.headers["Link"] = links
        response.headers["Vary"] = ", ".join(
            v for v in (response.headers.get("Vary"), "Accept-Datetime") if v
        )
        return response
    asked_version = next((v for v in found if v.number == of[1]), None)
    if asked_version is None:
        raise NotFound(N_("nothing is known about <%(iri)s>"), iri=iri)
    version = asked_version
    media_type = choose(request, WITH_HTML)
    if media_type == "text/html":
        response = resource_response(request, services, iri)
    else:
        ctx = context_url(request)

        def make() -> bytes:
            try:
                snapshot = services.snapshots.at(datetime.fromisoformat(version.published))
                then = services.as_of(snapshot).linked_data
            except NotFound:  # no snapshot of that moment: the version's record alone
                then = None
            return serialize(
                history.memento_graph(services.linked_data, then, iri, agreement), media_type, context_url=ctx
            )

        response = respond(
            request,
            version=services.store.version(),
            key=iri + "#memento",
            media_type=media_type,
            make=make,
            cache=services.runner.cache,
        )
    response.headers["Memento-Datetime"] = history.http_date(version.published)
    response.headers["Link"] = links
    return response


@router.get("/timemap/agreement/{slug}", response_model=None, responses=answers_in("application/link-format"))
def timemap(
    slug: Annotated[str, Path(json_schema_extra=SLUG)], request: Request, services: ServicesDep
) -> Response:
    """The TimeMap of an agreement (RFC 7089): the original, its TimeGate and every version as a memento."""
    agreement = agreement_iri(slug).value
    found = _versions(services, agreement)
    if not found:
        raise NotFound(N_("%(value)s has no recorded versions"), value=slug)
    here = _here(request)
    body = history.timemap(here(agreement), here(agreement), str(request.url), found, here)
    return Response(body, media_type="application/link-format")


@router.get(
    "/scheme/{rest:path}", operation_id="getConcept", response_model=None, responses=answers_in(*WITH_HTML)
)
@router.head("/scheme/{rest:path}", response_model=None, include_in_schema=False)
@accepts("format")
def concept(request: Request, rest: str, services: ServicesDep) -> Response:
    """A concept scheme (``/scheme/{scheme}``) or one of its concepts (``/scheme/{scheme}/{code}``)."""
    parts = _segments(request, "/scheme/", 1, 2)
    return resource_response(request, services, BASE + "scheme/" + "/".join(parts))


@router.get(
    "/graph/{rest:path}", operation_id="getNamedGraph", response_model=None, responses=answers_in(*WITH_HTML)
)
@router.head("/graph/{rest:path}", response_model=None, include_in_schema=False)
@accepts("format")
def named_graph(request: Request, rest: str, services: ServicesDep) -> Response:
    """A named graph: its source file, checksum and build time (the provenance pages link here)."""
    parts = _segments(request, "/graph/", 1, 1)
    return resource_response(request, services, BASE + "graph/" + parts[0])


@router.get("/ontology", operation_id="getOntology", response_model=None, responses=answers_in(*WITH_HTML))
@router.head("/ontology", response_model=None, include_in_schema=False)
@accepts("format")
def ontology(request: Request, services: ServicesDep) -> Response:
    """The imvo ontology: HTML documentation of every class and property, or the OWL as RDF."""
    media_type = choose(request, WITH_HTML)
    language = page_language(request)
    lang = language.lang
    link = local_link(BASE)
    ctx = context_url(request)

    def make() -> bytes:
        graph = services.vocabulary.ontology_graph()
        if media_type != "text/html":
            return serialize(graph, media_type, context_url=ctx)
        doc = vocabulary_docs.ontology_doc(graph)
        names = {t.iri: t.labels for t in (*doc.classes, *doc.properties)}
        iris = {i for t in (*doc.classes, *doc.properties) for i in (*t.supers, *t.domains, *t.ranges)}
        names.update(services.linked_data.labels_of(iris - set(names)))
        return site.render(
            "ontology.html",
            lang=lang,
            path="/ontology",
            params=dict(request.query_params),
            doc=doc,
            link=link,
            label=lambda iri: linked_data.pick_label(names.get(iri), lang) or iri.rsplit("#", 1)[-1],
            text=lambda texts: linked_data.pick_label(texts, lang),
            formats=[(name, f"/ontology?format={code}") for name, code in FORMAT_LINKS],
        ).encode("utf-8")

    return respond(
        request,
        version=services.store.version(),
        key="/ontology",
        media_type=media_type,
        lang=language,
        make=make,
        cache=services.runner.cache,
        queries=("ontology-document", "labels-of") if media_type == "text/html" else ("ontology-document",),
    )


@router.get("/shapes", operation_id="getShapes", response_model=None, responses=answers_in(*WITH_HTML))
@router.head("/shapes", response_model=None, include_in_schema=False)
@accepts("format")
def shapes(request: Request, services: ServicesDep) -> Response:
    """The SHACL shapes: Turtle (or another RDF format), or an HTML list with messages and requirements."""
    media_type = choose(request, WITH_HTML)
    language = page_language(request)
    lang = language.lang
    link = local_link(BASE)
    ctx = context_url(request)

    def make() -> bytes:
        graph = services.vocabulary.shapes_graph()
        if media_type != "text/html":
            return serialize(graph, media_type, context_url=ctx)
        docs = vocabulary_docs.shapes_doc(graph)
        iris = {i for d in docs for i in (*d.targets, *d.see_also, *([d.path] if d.path else []))}
        names = services.linked_data.labels_of(iris)
        return site.render(
            "shapes.html",
            lang=lang,
            path="/shapes",
            params=dict(request.query_params),
            shapes=docs,
            link=link,
            label=lambda iri: linked_data.pick_label(names.get(iri), lang) or iri.rsplit("/", 1)[-1],
            text=lambda texts: linked_data.pick_label(texts, lang),
            formats=[(name, f"/shapes?format={code}") for name, code in FORMAT_LINKS],
        ).encode("utf-8")

    return respond(
        request,
        version=services.store.version(),
        key="/shapes",
        media_type=media_type,
        lang=language,
        make=make,
        cache=services.runner.cache,
        queries=("shapes-document", "labels-of") if media_type == "text/html" else ("shapes-document",),
    )


@router.get(
    "/context.jsonld",
    operation_id="getJsonLdContext",
    name="jsonld_context_document",
    response_model=None,
    responses=answers_in(JSON_LD),
)
def jsonld_context_document(request: Request, services: ServicesDep) -> Response:
    """The JSON-LD @context every JSON-LD answer names (prefixes only; stable per release)."""
    body = json.dumps(jsonld_context(), indent=2, sort_keys=True).encode("utf-8")
    return respond(
        request,
        version=__version__,
        key="/context.jsonld",
        media_type="application/ld+json",
        make=lambda: body,
        cache=services.runner.cache,
    )
