"""Named queries: the list, their text, and running them with bound parameters."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from imvokg.api.deps import ServicesDep
from imvokg.api.docs import answers_in
from imvokg.api.negotiation import query_format
from imvokg.api.parameters import ANY, accepts
from imvokg.api.routes.history import AsOf, services_at, stamped
from imvokg.errors import InputError
from imvokg.formats import QUERY_GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES, with_charset
from imvokg.messages import N_

router = APIRouter(tags=["queries"])


@router.get("/queries", operation_id="listNamedQueries")
def list_queries(services: ServicesDep) -> list[dict[str, object]]:
    """Every named query: name, title, description and parameters (name, type, example)."""
    return [q.to_dict() for q in services.registry]


@router.get(
    "/queries/{name}",
    operation_id="runNamedQuery",
    response_model=None,
    responses=answers_in(*RESULT_MEDIA_TYPES, *QUERY_GRAPH_MEDIA_TYPES, "application/sparql-query"),
)
@accepts(ANY)
async def run_named_query(name: str, request: Request, services: ServicesDep, as_of: AsOf = None) -> Response:
    """Run a named query; parameters come as query-string fields and are bound as RDF terms.

    `as_of` runs it on the registry as it stood at that moment (transaction time; a query's own
    `valid_on` asks what was in force on a date). `GET /queries/{name}.rq` gives the query text.
    """
    if name.endswith(".rq"):
        query = services.registry.get(name[:-3])
        return PlainTextResponse(query.text, media_type="application/sparql-query; charset=utf-8")
    raw = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        if len(values) > 1:
            raise InputError(N_("parameter '%(key)s' was given more than once"), key=key)
        raw[key] = values[0]
    format_param = raw.pop("format", None)
    raw.pop("as_of", None)  # not a query's parameter: which state of the registry answers
    query, bindings = services.registry.bind(name, raw)
    graph = query.kind in {"CONSTRUCT", "DESCRIBE"}
    media_type = query_format(request, graph=graph, format_values=[format_param] if format_param else [])

    target, snapshot = await services_at(services, as_of)

    def answer() -> tuple[bytes, str]:
        return target.runner.serialized(
            name,
            bindings,
            result_media_type=media_type if not graph else "application/sparql-results+json",
            graph_media_type=media_type if graph else "text/turtle",
        )

    # Named queries are trusted and their answers change only when the store does:
    # cache them per store version, like the domain answers.
    cache_key = ("named-query", name, media_type, tuple(sorted((k, v.n3()) for k, v in bindings.items())))
    hit = target.runner.peek(cache_key)  # on the event loop when nothing needs reading
    if hit is None:
        hit = await run_in_threadpool(target.runner.cached, cache_key, answer)
    body, produced = cast(tuple[bytes, str], hit)
    return stamped(Response(body, media_type=with_charset(produced), headers={"Vary": "Accept"}), snapshot)
