"""The SPARQL clients people use, against the real server: SPARQLWrapper with every return format
over GET, urlencoded POST and direct POST, rdflib's SPARQLStore, and TriG/N-Quads read back."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import subprocess
from pathlib import Path
from xml.dom.minidom import Document

import httpx
import pytest
from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from tests.conftest import LiveServer

IMVO = "https://w3id.org/imvokg/ont#"
GOLD = URIRef("https://w3id.org/imvokg/id/agreement/nl-gold")
SELECT = f"SELECT ?a WHERE {{ ?a a <{IMVO}IrbcAgreement> }} ORDER BY ?a"
ASK = f"ASK {{ <{GOLD}> a <{IMVO}IrbcAgreement> }}"
CONSTRUCT = f"CONSTRUCT {{ ?a a <{IMVO}IrbcAgreement> }} WHERE {{ ?a a <{IMVO}IrbcAgreement> }}"
DESCRIBE = f"DESCRIBE <{GOLD}>"

# (method, request method) as SPARQLWrapper names them: GET, an urlencoded form, the query as the body
WAYS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


def client(server: LiveServer, query: str, return_format: str, way: tuple[str, str]) -> object:
    endpoint = SPARQLWrapper(server.url + "/sparql")
    endpoint.setQuery(query)
    endpoint.setReturnFormat(return_format)
    endpoint.setMethod(way[0])
    endpoint.setRequestMethod(way[1])
    return endpoint.query().convert()


def agreements_in_results(converted: object, return_format: str) -> list[str]:
    if return_format == JSON:
        assert isinstance(converted, dict)
        return [row["a"]["value"] for row in converted["results"]["bindings"]]
    if return_format == XML:
        assert isinstance(converted, Document)
        return [node.firstChild.data for node in converted.getElementsByTagName("uri")]
    assert isinstance(converted, bytes)
    rows = list(csv.reader(io.StringIO(converted.decode()), delimiter="," if return_format == CSV else "\t"))
    return [row[0].strip("<>") for row in rows[1:]]


@pytest.mark.parametrize("way", WAYS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(
    server: LiveServer, return_format: str, way: tuple[str, str]
) -> None:
    found = agreements_in_results(client(server, SELECT, return_format, way), return_format)
    assert len(found) == 12 and str(GOLD) in found


@pytest.mark.parametrize("way", WAYS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_ask(server: LiveServer, return_format: str, way: tuple[str, str]) -> None:
    converted = client(server, ASK, return_format, way)
    if return_format == JSON:
        assert converted["boolean"] is True  # type: ignore[index]
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[attr-defined]


def as_graph(converted: object, return_format: str) -> Graph:
    if isinstance(converted, Graph):
        return converted
    assert isinstance(converted, bytes), (return_format, type(converted))
    return Graph().parse(data=converted, format="turtle")  # Turtle is N3 too


@pytest.mark.parametrize("way", WAYS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("return_format", [TURTLE, N3, RDF, RDFXML, JSONLD, XML, JSON])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_graphs_in_every_rdf_format(
    server: LiveServer, query: str, return_format: str, way: tuple[str, str]
) -> None:
    graph = as_graph(client(server, query, return_format, way), return_format)
    assert (GOLD, None, None) in graph
    if query == CONSTRUCT:
        assert len(graph) == 12


def test_sparqlwrapper_describe_with_its_default_format(server: LiveServer) -> None:
    endpoint = SPARQLWrapper(server.url + "/sparql")  # no setReturnFormat: XML, i.e. RDF/XML for a graph
    endpoint.setQuery(DESCRIBE)
    graph = endpoint.query().convert()
    assert isinstance(graph, Graph) and (GOLD, None, None) in graph


def test_a_format_word_that_fits_no_answer_of_this_kind_is_406_naming_it(client: httpx.Client) -> None:
    refused = client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert refused.status_code == 406 and "csv" in refused.json()["detail"]
    # with an Accept the client can take, the word is a hint only
    answered = client.get(
        "/sparql", params={"query": CONSTRUCT, "format": "csv"}, headers={"Accept": "text/turtle"}
    )
    assert answered.status_code == 200 and answered.headers["content-type"].startswith("text/turtle")


def test_rdflib_sparqlstore_reads_the_endpoint(server: LiveServer) -> None:
    store = SPARQLStore(server.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(SELECT))
    assert len(rows) == 12 and (GOLD,) in [tuple(r) for r in rows]
    assert bool(graph.query(ASK).askAnswer) is True
    label = list(
        graph.query(f"SELECT ?l WHERE {{ <{GOLD}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
    )
    assert {r[0].language for r in label} >= {"en", "nl"}
    assert all(isinstance(r[0], Literal) for r in label)


@pytest.mark.parametrize(("accept", "fmt"), [("application/trig", "trig"), ("application/n-quads", "nquads")])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graph_answers_in_trig_and_n_quads_parse_back(
    client: httpx.Client, query: str, accept: str, fmt: str
) -> None:
    for response in (
        client.get("/sparql", params={"query": query}, headers={"Accept": accept}),
        client.post("/sparql", data={"query": query}, headers={"Accept": accept}),
    ):
        assert response.status_code == 200, response.text[:300]
        assert response.headers["content-type"].startswith(accept)
        dataset = Dataset()
        dataset.parse(data=response.content, format=fmt)
        assert any(s == GOLD for s, _, _, _ in dataset.quads((None, None, None, None)))


@pytest.mark.slow  # parses the whole published graph three times with rdflib
def test_the_dumps_come_as_trig_and_n_quads_with_their_named_graphs(client: httpx.Client) -> None:
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).json()
    by_type = {f["media_type"]: f for f in listing}
    assert {"application/trig", "application/n-quads"} <= set(by_type)
    trig = client.get(by_type["application/trig"]["url"])
    quads = client.get(by_type["application/n-quads"]["url"])
    assert trig.status_code == quads.status_code == 200
    from_trig = ConjunctiveGraph()
    from_trig.parse(data=trig.content, format="trig")
    from_nquads = ConjunctiveGraph()
    from_nquads.parse(data=gzip.decompress(quads.content), format="nquads")
    graphs = {str(c.identifier) for c in from_trig.contexts() if len(c)}
    assert "https://w3id.org/imvokg/graph/inferred" in graphs and len(graphs) > 10
    assert len(from_trig) == len(from_nquads) > 1000
    turtle = Graph().parse(data=client.get(by_type["text/turtle"]["url"]).content, format="turtle")

    def ground(triples: object) -> set:
        return {t for t in triples if not any(isinstance(term, BNode) for term in t)}  # type: ignore[attr-defined]

    assert ground(from_trig) == ground(turtle)  # the same triples, with their graphs kept


def test_the_service_description_lists_trig_and_n_quads(client: httpx.Client) -> None:
    description = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert "formats/TriG" in description and "formats/N-Quads" in description


CLIENTS = Path(__file__).parent / "clients"
AGREEMENT_LABELS = (
    "PREFIX imvo: <https://w3id.org/imvokg/ont#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    'SELECT ?a ?label WHERE { ?a a imvo:IrbcAgreement ; rdfs:label ?label FILTER(LANG(?label) = "en") }'
)


def comunica(server: LiveServer, kind: str, query: str) -> list[dict]:
    """What Comunica (npm @comunica/query-sparql) reads from /sparql, one dict per row or triple."""
    if shutil.which("node") is None or not (CLIENTS / "node_modules" / "@comunica" / "query-sparql").exists():
        pytest.skip("needs node and `npm ci` in tests/clients (.ci/run does both)")
    done = subprocess.run(
        ["node", str(CLIENTS / "comunica-query.mjs"), server.url + "/sparql", kind, query],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.slow  # a node process that loads Comunica
def test_comunica_selects_what_the_endpoint_answers(server: LiveServer, client: httpx.Client) -> None:
    ours = client.post(
        "/sparql", data={"query": AGREEMENT_LABELS}, headers={"Accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    expected = sorted((row["a"]["value"], row["label"]["value"]) for row in ours)
    rows = comunica(server, "select", AGREEMENT_LABELS)
    assert sorted((row["a"], row["label"]) for row in rows) == expected and len(expected) > 10


@pytest.mark.slow
def test_comunica_constructs_a_graph_from_the_endpoint(server: LiveServer) -> None:
    query = AGREEMENT_LABELS.replace("SELECT ?a ?label WHERE", "CONSTRUCT { ?a rdfs:label ?label } WHERE")
    triples = comunica(server, "construct", query)
    subjects = {t["s"] for t in triples}
    assert "https://w3id.org/imvokg/id/agreement/nl-garment-textile" in subjects
    assert {t["p"] for t in triples} == {"http://www.w3.org/2000/01/rdf-schema#label"}
