"""SPARQL 1.1 Protocol, query only: GET, urlencoded POST and direct POST."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import Response

from imvokg.api.deps import ServicesDep
from imvokg.api.docs import answers_in, sparql_body, sparql_parameters
from imvokg.api.negotiation import FORMAT_PARAMETERS, choose, format_values, query_format, wants_page
from imvokg.api.parameters import accepts
from imvokg.api.publishing import add_vary
from imvokg.api.routes import pages
from imvokg.api.state import Services
from imvokg.errors import InputError, QueryRefused, UnsupportedMediaType
from imvokg.formats import GRAPH_MEDIA_TYPES, HTML, QUERY_GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES, with_charset
from imvokg.messages import N_
from imvokg.services.description import service_description
from imvokg.services.sparql import SparqlAnswer

router = APIRouter(tags=["sparql"])

PROTOCOL_PARAMETERS = (
    "query",
    "default-graph-uri",
    "named-graph-uri",
    "update",
    "release",
    *FORMAT_PARAMETERS,
)
"""What the SPARQL 1.1 Protocol and the clients people use send (``update`` is refused by name),
and ``release``: an earlier state of the registry to query (GET /api/v1/releases lists them)."""


async def execute(
    services: Services,
    request: Request,
    query_text: str,
    default_graphs: list[str],
    named_graphs: list[str],
    formats: list[str],
    release: str | None = None,
) -> Response:
    """Answer a query on the current store, or on an earlier release (``release=``)."""
    inspected = services.sparql.inspect(query_text, default_graphs, named_graphs)
    media_type = query_format(request, graph=inspected.returns_graph, format_values=formats)
    answer = await services.sparql.answer(
        inspected,
        media_type=media_type,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        release=release,
    )
    return _answer(answer)


def _answer(answer: SparqlAnswer) -> Response:
    """The answer, saying which release of the registry it came from (``X-Release``)."""
    headers = {"Vary": "Accept", "X-Cache": "hit" if answer.cached else "miss"}
    if answer.release:
        headers["X-Release"] = answer.release
    return Response(answer.body, media_type=with_charset(answer.media_type), headers=headers)


@router.get(
    "/sparql",
    operation_id="sparqlQuery",
    response_model=None,
    responses=answers_in(*RESULT_MEDIA_TYPES, *QUERY_GRAPH_MEDIA_TYPES, HTML),
    openapi_extra=sparql_parameters(),
)
@accepts(*PROTOCOL_PARAMETERS)
async def sparql_get(request: Request, services: ServicesDep) -> Response:
    """Run `query=`; with no query: the Service Description, or the query page for a browser."""
    params = request.query_params
    if "update" in params:
        raise QueryRefused(N_("SPARQL Update is not allowed: this endpoint is read-only"))
    query = params.get("query")
    if query is None:
        if wants_page(request, GRAPH_MEDIA_TYPES):  # a browser: the query page
            return add_vary(await pages.query_page(request, services), "Accept")
        media_type = choose(request, GRAPH_MEDIA_TYPES)
        body = service_description(services.settings, str(request.url_for("sparql_get")), media_type)
        return Response(body, media_type=with_charset(media_type), headers={"Vary": "Accept"})
    if wants_page(
        request, RESULT_MEDIA_TYPES
    ):  # a browser following a shared link: the query page, query in the editor
        return add_vary(await pages.query_page(request, services, query), "Accept")
    return await execute(
        services,
        request,
        query,
        params.getlist("default-graph-uri"),
        params.getlist("named-graph-uri"),
        format_values(params.multi_items()),
        params.get("release"),
    )


@router.post(
    "/sparql",
    operation_id="sparqlQueryPost",
    response_model=None,
    responses=answers_in(*RESULT_MEDIA_TYPES, *QUERY_GRAPH_MEDIA_TYPES),
    openapi_extra=sparql_body(),
)
@accepts(*PROTOCOL_PARAMETERS)
async def sparql_post(request: Request, services: ServicesDep) -> Response:
    """urlencoded `query=` or a direct `application/sparql-query` body."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    params = request.query_params
    default_graphs = params.getlist("default-graph-uri")
    named_graphs = params.getlist("named-graph-uri")
    formats = format_values(params.multi_items())
    release = params.get("release")
    if content_type == "application/sparql-query":
        query = _decode(raw)
    elif content_type == "application/x-www-form-urlencoded":
        form = parse_qs(_decode(raw), keep_blank_values=True)
        if "update" in form:
            raise QueryRefused(N_("SPARQL Update is not allowed: this endpoint is read-only"))
        if "query" not in form:
            raise InputError(N_("no query given: send query=... in the form body"))
        query = form["query"][0]
        default_graphs += form.get("default-graph-uri", [])
        named_graphs += form.get("named-graph-uri", [])
        formats += format_values((name, v) for name, values in form.items() for v in values)
        release = release or next(iter(form.get("release", [])), None)
    elif content_type == "application/sparql-update":
        raise QueryRefused(N_("SPARQL Update is not allowed: this endpoint is read-only"))
    else:
        raise UnsupportedMediaType(
            N_("send the query as application/sparql-query or application/x-www-form-urlencoded")
        )
    return await execute(services, request, query, default_graphs, named_graphs, formats, release)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(N_("the request body is not UTF-8 text")) from None
