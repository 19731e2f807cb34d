"""Interactive API documentation served from this package, never from a CDN.

``/docs`` is Swagger UI 5 (npm ``swagger-ui-dist``, vendored under
``web/static/vendor/swagger-ui/`` with its licence): version 4 cannot read the
OpenAPI 3.1 document FastAPI writes and showed a blank page. The page has no
inline script (its start-up is ``static/js/api-docs.js``), so it runs under
the site's ordinary content policy. The OpenAPI document itself is completed
here: the problem+json error shape on every operation, paging on every list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts

from imvokg import __version__
from imvokg.api import problem
from imvokg.api.conventions import MAX_LIMIT, MAX_OFFSET, is_list
from imvokg.formats import FORMATS, HTML, JSON_LD, READABLE
from imvokg.queries import DATE_PATTERN
from imvokg.services.history import TIMESTAMP_PATTERN
from imvokg.services.identifiers import MEMBER_STATE_PATTERN, SLUG_PATTERN
from imvokg.services.taxonomies import PROVISION_PATTERN

VENDOR = "/static/vendor/swagger-ui"
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>imvokg API</title>
<link rel="stylesheet" href="{vendor}/swagger-ui.css?v={version}">
<link rel="icon" type="image/png" href="{vendor}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{vendor}/swagger-ui-bundle.js?v={version}"></script>
<script src="/static/js/api-docs.js?v={version}"></script>
</body>
</html>
"""


def operation_id(route: APIRoute) -> str:
    """The operationId of a route that does not choose one: its function's name in camelCase.

    Routes of the API choose theirs (``operation_id=`` in the decorator:
    ``listAgreements``, ``sparqlQuery``); pages for people end in ``Page``.
    """
    first, *rest = route.name.split("_")
    name = first + "".join(word[:1].upper() + word[1:] for word in rest)
    return name + "Page" if route.response_class is HTMLResponse else name


def install(app: FastAPI) -> None:
    """The /docs page (the app is created with docs_url=None) and the completed OpenAPI document."""
    page = PAGE.format(vendor=VENDOR, version=__version__, openapi=app.openapi_url or "/openapi.json")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(page)

    document_errors(app)


def answers_in(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route whose 200 is negotiated: the media types it may answer in."""
    return {
        200: {
            "description": "The answer, in the negotiated media type",
            "content": {m: {} for m in media_types},
        }
    }


def document_paging(route: APIRoute, operation: dict[str, Any]) -> None:
    """A list operation (a JSON array answer) takes ``limit`` and ``offset`` (api/conventions.py)."""
    if not is_list(route):
        return
    answer = operation.get("responses", {}).get("200", {})
    parameters = operation.setdefault("parameters", [])
    parameters += [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"at most this many items (the page size), 1 to {MAX_LIMIT}",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": MAX_LIMIT},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "skip this many items; the Link header names the next page",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        },
    ]
    answer.setdefault("headers", {})["Link"] = {
        "description": 'RFC 8288: rel="next", "prev" and "first" pages where there are more',
        "schema": {"type": "string"},
    }


# What a parameter accepts, for /openapi.json (``json_schema_extra=``): the services check the
# same patterns with their own messages, so the document promises exactly what is accepted.
SLUG = {"pattern": SLUG_PATTERN}
MEMBER_STATE = {"pattern": MEMBER_STATE_PATTERN}
DATE = {"format": "date", "pattern": DATE_PATTERN}
AS_OF = {
    "anyOf": [
        {"type": "string", "format": "date", "pattern": DATE_PATTERN},
        {"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN},
    ]
}
PROVISION = {"pattern": PROVISION_PATTERN}


SPARQL_QUERY = {"type": "string", "format": "SPARQL_Query", "description": "a SPARQL 1.1 query (no update)"}
"""A query's text. ``format`` values here are the names under http://www.w3.org/ns/formats/: no JSON
Schema can say "valid Turtle", so the document names the syntax and a client (or schemathesis, see
tests/test_schemathesis.py) knows what to send."""


def sparql_body() -> dict[str, Any]:
    """``openapi_extra=`` for POST /sparql: the two bodies it reads (a direct query, or a form)."""
    form = {"type": "object", "required": ["query"], "properties": {"query": SPARQL_QUERY}}
    content = {
        "application/sparql-query": {"schema": SPARQL_QUERY},
        "application/x-www-form-urlencoded": {"schema": form},
    }
    return {"requestBody": {"required": True, "content": content}}


def sparql_parameters() -> dict[str, Any]:
    """``openapi_extra=`` for GET /sparql: ``query`` (without it, the Service Description)."""
    return {"parameters": [{"name": "query", "in": "query", "required": False, "schema": SPARQL_QUERY}]}


def rdf_body(description: str) -> dict[str, Any]:
    """``openapi_extra=`` for an operation that reads an RDF document in any accepted syntax."""
    content: dict[str, Any] = {
        f.media_type: {"schema": {"type": "string", "format": f.w3c}}
        for f in FORMATS
        if f.media_type in READABLE and f.media_type != JSON_LD
    }
    content[JSON_LD] = {"schema": {"type": "object", "description": "JSON-LD; any @context inline"}}
    return {"requestBody": {"required": True, "description": description, "content": content}}


SPARQL_RESULTS_JSON: dict[str, Any] = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON Format: head and results (SELECT) or boolean (ASK)",
    "required": ["head"],
    "properties": {
        "head": {
            "type": "object",
            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
        },
        "results": {
            "type": "object",
            "required": ["bindings"],
            "properties": {
                "bindings": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "required": ["type", "value"],
                            "properties": {
                                "type": {"enum": ["uri", "literal", "bnode", "triple"]},
                                "value": {},
                                "datatype": {"type": "string"},
                                "xml:lang": {"type": "string"},
                            },
                        },
                    },
                }
            },
        },
        "boolean": {"type": "boolean"},
    },
}
"""The one JSON results shape (https://www.w3.org/TR/sparql11-results-json/), written out for clients."""

TEXT_ANSWERS = {
    HTML: "an HTML page for people",
    "application/xml": "XML (sitemaps.org 0.9)",
    "application/atom+xml": "an Atom 1.0 feed (RFC 4287)",
    "application/link-format": "an RFC 6690 link format document (a Memento TimeMap)",
    "application/sparql-query": "the query's text with its parameters bound",
}


def answer_schema(media_type: str) -> dict[str, Any]:
    """The schema of an answer in ``media_type``: a JSON shape, or a string in a named syntax.

    A string's ``format`` is its name under http://www.w3.org/ns/formats/ (as for
    request bodies, see :data:`SPARQL_QUERY`); other text carries ``contentMediaType``.
    """
    if media_type == "application/sparql-results+json":
        return SPARQL_RESULTS_JSON
    if media_type == JSON_LD:
        return {
            "type": ["object", "array"],
            "description": "JSON-LD 1.1 (expanded, or compacted with @context)",
        }
    known = next((f for f in FORMATS if f.media_type == media_type), None)
    if known is not None:
        return {"type": "string", "format": known.w3c, "contentMediaType": media_type}
    if media_type == "application/gzip":
        return {"type": "string", "format": "binary", "contentMediaType": media_type}
    if media_type == "application/sparql-query":
        return {**SPARQL_QUERY, "contentMediaType": media_type}
    return {"type": "string", "contentMediaType": media_type, "description": TEXT_ANSWERS.get(media_type, "")}


EXAMPLES_FILE = Path(__file__).with_name("openapi-examples.json")
"""What the service answered on the curated data for each operation, shortened (written by
``tools/openapi_examples.py``; tests/test_openapi.py checks each against its schema)."""


def examples() -> dict[str, dict[str, dict[str, Any]]]:
    """``{operationId: {status: {media type: Example Object}}}`` from :data:`EXAMPLES_FILE`."""
    loaded: dict[str, dict[str, dict[str, Any]]] = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return loaded


def document_answers(route: APIRoute, operation: dict[str, Any], known: dict[str, Any]) -> None:
    """Each success answer of ``operation``: exactly its media types, each with a schema and an example.

    FastAPI adds ``application/json`` to every 200 of a route whose class is the
    default JSONResponse, also where the route negotiates among other types
    (``answers_in``); those routes keep only what they declare. A media type
    without a schema of its own gets :func:`answer_schema`.
    """
    declared = route.responses.get(200, {}).get("content")
    for status, answer in operation.get("responses", {}).items():
        if not str(status).startswith("2"):
            continue
        content = answer.get("content", {})
        if status == "200" and declared:
            # what the route declares, and application/json only where a model gives its shape
            content = answer["content"] = {
                m: item for m, item in content.items() if m in declared or item.get("schema")
            }
        for media_type, item in content.items():
            if not item.get("schema"):
                item["schema"] = answer_schema(media_type)
            example = known.get(status, {}).get(media_type)
            if example is not None:
                item["examples"] = {"curated": example}


NOT_FOUND = problem.problem(404, "not_found", "no agreement 'no-such-agreement'")
"""The example of every error answer, built as the error handlers build theirs."""


def document_errors(app: FastAPI) -> None:
    """Say in /openapi.json what every error answer is: problem+json (api/problem.py), on any status.

    FastAPI documents a 422 ``HTTPValidationError`` that this API never sends
    (bad parameters are 400, see api/errors.py); each operation instead gets a
    ``default`` response with the one error shape, so a client (and
    schemathesis) can check every refusal against the document.
    """
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = problem.SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        error = {
            "description": "Refused or failed: RFC 9457 problem details with the members error and detail "
            "(401 adds WWW-Authenticate, 405 Allow, 429 and 503 Retry-After)",
            "content": {
                problem.PROBLEM_JSON: {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "examples": {"not_found": {"value": NOT_FOUND}},
                }
            },
        }
        known = examples()
        routes = {
            route.operation_id or operation_id(route): route
            for route in (context.original_route for context in iter_route_contexts(app.routes))
            if isinstance(route, APIRoute) and route.include_in_schema
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                validation = responses.pop("422", None)
                if validation is not None and "HTTPValidationError" not in str(validation):
                    responses["422"] = validation  # a route's own 422 (a validation report) stays
                responses["default"] = error
                route = routes[operation["operationId"]]
                document_paging(route, operation)
                document_answers(route, operation, known.get(operation["operationId"], {}))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
