"""/openapi.json over real HTTP: every answer of every operation has a schema per media type and an
example, the examples are what the service answers (they fit their schema and parse in their syntax),
and a negotiated operation lists exactly the media types it sends.

The examples are written by ``tools/openapi_examples.py`` from a running server; these tests hold
them to the document, so an answer whose shape changes without new examples fails here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import httpx
import jsonschema_rs
import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.plugins.sparql import prepareQuery

from imvokg.formats import FORMATS

RDF_SYNTAX = {f.media_type: f.rdflib for f in FORMATS if f.rdflib}
DATASETS = {f.media_type for f in FORMATS if f.kind == "dataset"}
ATOM = "{http://www.w3.org/2005/Atom}feed"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"


def answers(document: dict) -> Iterator[tuple[str, str, str, dict]]:
    """(operationId, status, media type, Media Type Object) of every documented answer."""
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                for media_type, item in answer.get("content", {}).items():
                    yield operation["operationId"], status, media_type, item


def is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def test_every_answer_has_a_schema_and_an_example(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    lacking = []
    for operations in document["paths"].values():
        for operation in operations.values():
            successes = [
                s for s, a in operation["responses"].items() if s.startswith("2") and a.get("content")
            ]
            if not successes:
                lacking.append(f"{operation['operationId']}: no success answer with content")
    for name, status, media_type, item in answers(document):
        if not item.get("schema"):
            lacking.append(f"{name} {status} {media_type}: no schema")
        if not item.get("examples") and "example" not in item:
            lacking.append(f"{name} {status} {media_type}: no example")
    assert not lacking, "\n".join(lacking)


def test_negotiated_answers_do_not_all_claim_json(client: httpx.Client) -> None:
    """application/json appears where the service sends it, with the shape of what it sends."""
    document = client.get("/openapi.json").json()
    claims = {(n, m): item for n, s, m, item in answers(document) if s.startswith("2")}
    assert "application/json" not in {
        m for n, m in claims if n in ("getCatalog", "sparqlQuery", "getResource")
    }
    for (name, media_type), item in claims.items():
        if media_type == "application/json":
            assert item["schema"] not in ({}, None), name
    assert claims["sparqlQuery", "application/sparql-results+json"]["schema"]["required"] == ["head"]
    assert claims["getResource", "text/turtle"]["schema"]["format"] == "Turtle"
    assert set(m for n, m in claims if n == "listDumps") == {"application/json", "text/html"}
    assert set(m for n, m in claims if n == "validateAgreement") == {"application/json", "text/turtle"}


def test_each_listed_media_type_is_what_the_operation_answers_in(client: httpx.Client) -> None:
    """Asked for each media type it lists, an operation that needs no parameters answers in it."""
    document = client.get("/openapi.json").json()
    checked = wrong = 0
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        needs = [p for p in (operation or {}).get("parameters", []) if p.get("required")]
        if operation is None or needs or "{" in path or path == "/sparql":
            continue  # /sparql without a query is the Service Description (RDF only)
        for media_type in operation["responses"]["200"].get("content", {}):
            response = client.get(path, headers={"Accept": media_type})
            if response.status_code == 401:
                break  # a supervisor's list: the workflow tests ask it with a key
            checked += 1
            if response.status_code != 200 or response.headers["content-type"].split(";")[0] != media_type:
                wrong += 1
                print(path, media_type, response.status_code, response.headers["content-type"])
    assert checked > 30 and wrong == 0


def syntax_problem(client: httpx.Client, media_type: str, value: Any, context: dict) -> str | None:
    """Why ``value`` is not a document in ``media_type`` (None when it parses)."""
    if media_type == "application/ld+json":
        if isinstance(value, dict) and set(value) == {"@context"}:
            return None  # the context document itself states nothing
        if isinstance(value, dict) and value.get("@context") == "https://www.w3.org/ns/cid/v1":
            return None if value.get("verificationMethod") else "no key"  # W3C's context: not fetched here
        inlined = json.loads(json.dumps(value).replace('"https://imvokg.example.org/context.jsonld"', "null"))
        if isinstance(inlined, dict) and "@context" in inlined and inlined["@context"] is None:
            inlined["@context"] = context  # the server's own context, as a reader's processor fetches it
        graph = Dataset() if isinstance(inlined, dict) and "@graph" in inlined else Graph()
        graph.parse(data=json.dumps(inlined), format="json-ld")
        return None if len(graph) or value in ([], {}) else "no statements"
    if is_json(media_type):
        return None  # the schema says it all
    if not isinstance(value, str):
        return "not text"
    if media_type in RDF_SYNTAX:
        graph = Dataset() if media_type in DATASETS else Graph()
        graph.parse(data=value, format=RDF_SYNTAX[media_type])
        return None if len(graph) else "no statements"
    if media_type == "application/sparql-results+xml":
        list(ox.parse_query_results(value.encode(), format=ox.QueryResultsFormat.XML))
    elif media_type == "text/tab-separated-values":
        list(ox.parse_query_results(value.encode(), format=ox.QueryResultsFormat.TSV))
    elif media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(value)))
        if len({len(r) for r in rows}) != 1:
            return "rows of unequal length"
    elif media_type == "text/html":
        if not value.lower().startswith("<!doctype html") or "<title>" not in value:
            return "not the start of an HTML page"
    elif media_type in ("application/xml", "application/atom+xml"):
        root = ElementTree.fromstring(value)
        if root.tag not in (ATOM, SITEMAP):
            return f"root {root.tag}"
    elif media_type == "application/link-format":
        if not re.match(r'<[^>]+>;\s*rel="[^"]+"', value):
            return "no link"
    elif media_type == "application/sparql-query":
        prepareQuery(value)
    elif media_type == "text/plain":
        return None if value.strip() else "empty"
    else:
        return f"no check for {media_type}"
    return None


def test_every_example_fits_its_schema_and_parses_in_its_syntax(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    context = client.get("/context.jsonld").json()["@context"]
    failures = []
    seen = 0
    for name, status, media_type, item in answers(document):
        schema = {**item["schema"], "components": document["components"]}
        validator = jsonschema_rs.validator_for(schema)
        for key, example in item.get("examples", {}).items():
            seen += 1
            where = f"{name} {status} {media_type} {key}"
            if "externalValue" in example:  # a gzip release: the listing it names has one, served as gzip
                listed = client.get(example["externalValue"]).json()
                packed = next(f["url"] for f in listed if f["compressed"])
                response = client.get(packed)
                if response.status_code != 200 or not response.headers["content-type"].startswith(media_type):
                    failures.append(f"{where}: {response.status_code} {response.headers['content-type']}")
                continue
            value = example["value"]
            errors = [e.message for e in validator.iter_errors(value)]
            if errors:
                failures.append(f"{where}: {errors[:3]}")
                continue
            try:
                problem = syntax_problem(client, media_type, value, context)
            except Exception as exc:  # a parser's refusal, whatever its kind
                problem = f"{type(exc).__name__}: {str(exc)[:200]}"
            if problem:
                failures.append(f"{where}: {problem}")
    assert seen > 100
    assert not failures, "\n".join(failures)


def test_a_broken_example_would_be_caught(client: httpx.Client) -> None:
    """The checks above refuse what does not fit: a wrong shape, and text that is not its syntax."""
    document = client.get("/openapi.json").json()
    agreement = next(
        item
        for n, s, m, item in answers(document)
        if n == "getAgreement" and s == "200" and m == "application/json"
    )
    validator = jsonschema_rs.validator_for({**agreement["schema"], "components": document["components"]})
    good = agreement["examples"]["curated"]["value"]
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "slug": 7})
    assert not validator.is_valid({k: v for k, v in good.items() if k != "iri"})
    try:
        problem = syntax_problem(client, "text/turtle", "<a> <b> .", {})
    except Exception:
        problem = "refused"
    assert problem
