"""The SPARQL 1.1 Protocol endpoint over real HTTP: forms, formats, refusals."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from rdflib import Graph
from rdflib.query import Result
from SPARQLWrapper import JSON, SPARQLWrapper

COUNT_AGREEMENTS = (
    "PREFIX imvo: <https://w3id.org/imvokg/ont#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a imvo:IrbcAgreement }"
)
CONSTRUCT = (
    "PREFIX imvo: <https://w3id.org/imvokg/ont#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a imvo:IrbcAgreement ; rdfs:label ?l }"
)


def _parse_results(body: bytes, fmt: str) -> Result:
    return Result.parse(io.BytesIO(body), format=fmt)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_select_in_every_result_format(client: httpx.Client, accept: str, fmt: str) -> None:
    response = client.get("/sparql", params={"query": COUNT_AGREEMENTS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    result = _parse_results(response.content, fmt)
    values = [str(row[0]) for row in result]
    assert values == ["12"]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_graph_format(client: httpx.Client, accept: str, fmt: str) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["vary"] == "Accept"
    graph = Graph().parse(data=response.content, format=fmt)
    assert len(graph) >= 24  # 12 agreements, a label in nl and en each


def test_the_three_ways_to_send_a_query_agree(client: httpx.Client) -> None:
    get = client.get("/sparql", params={"query": COUNT_AGREEMENTS})
    form = client.post("/sparql", data={"query": COUNT_AGREEMENTS})
    direct = client.post(
        "/sparql", content=COUNT_AGREEMENTS, headers={"Content-Type": "application/sparql-query"}
    )
    bodies = {r.status_code for r in (get, form, direct)}
    assert bodies == {200}
    assert get.json() == form.json() == direct.json()
    assert get.json()["results"]["bindings"][0]["n"]["value"] == "12"


def test_default_is_json_and_unsupported_accept_is_406(client: httpx.Client) -> None:
    assert client.get("/sparql", params={"query": "ASK {}"}).json() == {"head": {}, "boolean": True}
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"] == "not_acceptable"


def test_q_values_choose_the_format(client: httpx.Client) -> None:
    response = client.get(
        "/sparql",
        params={"query": COUNT_AGREEMENTS},
        headers={"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9"},
    )
    assert response.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"data": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, "Update"),
        ({"data": {"query": "INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }"}}, "INSERT"),
        ({"data": {"query": "LOAD <http://127.0.0.1:9/x>"}}, "LOAD"),
        (
            {"data": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}},
            "SERVICE",
        ),
        ({"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, "Update"),
    ],
)
def test_updates_load_and_service_are_refused(client: httpx.Client, kwargs: dict, word: str) -> None:
    response = client.post("/sparql", **kwargs)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "query_refused"
    assert word in body["detail"]


def test_a_keyword_inside_a_literal_is_not_refused(client: httpx.Client) -> None:
    query = 'SELECT ?s WHERE { ?s ?p "SERVICE and DROP" }'
    assert client.get("/sparql", params={"query": query}).status_code == 200


def test_syntax_error_is_a_clear_400(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x "})
    assert response.status_code == 400
    assert response.json()["error"] == "query_syntax_error"


def test_unsupported_body_type_is_415(client: httpx.Client) -> None:
    response = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 415


def test_bare_get_gives_the_service_description(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.content, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(str(o) == sd + "Service" for o in graph.objects())
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "<textarea" in page.text


def test_default_graph_uri_restricts_the_dataset(client: httpx.Client) -> None:
    only_gold = client.get(
        "/sparql",
        params={
            "query": COUNT_AGREEMENTS,
            "default-graph-uri": "https://w3id.org/imvokg/graph/agreements-nl-gold",
        },
    )
    assert only_gold.json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_sparqlwrapper_as_a_real_client(server) -> None:
    endpoint = SPARQLWrapper(server.url + "/sparql")
    endpoint.setQuery(COUNT_AGREEMENTS)
    endpoint.setReturnFormat(JSON)
    result = endpoint.query().convert()
    assert json.loads(json.dumps(result))["results"]["bindings"][0]["n"]["value"] == "12"
