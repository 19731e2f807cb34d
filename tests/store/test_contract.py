"""The Store contract, the same cases on every back end: embedded, Oxigraph server, Virtuoso.

Each test writes into graphs of its own (a fresh IRI per test), so the
session-wide servers can be shared without the cases seeing each other.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from tests.store.servers import ServerProcess, oxigraph_server, virtuoso_server

from imvokg.errors import QuerySyntaxError, UnreadableInput
from imvokg.store.base import Store, Term
from imvokg.store.embedded import EmbeddedStore
from imvokg.store.remote import RemoteStore

EX = "http://example.org/contract/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

BACK_ENDS = [
    "embedded",
    pytest.param("oxigraph", marks=pytest.mark.slow),  # a server process per back end
    pytest.param("virtuoso", marks=pytest.mark.slow),
]
__all__ = ["oxigraph_server", "virtuoso_server"]  # session fixtures used by name


@pytest.fixture(scope="module", params=BACK_ENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    kind = request.param
    if kind == "embedded":
        opened: Store = EmbeddedStore(tmp_path_factory.mktemp("embedded") / "store")
    else:
        server: ServerProcess = request.getfixturevalue(f"{kind}_server")
        opened = RemoteStore(
            server.query, update_endpoint=server.update, gsp_endpoint=server.gsp, timeout_s=30
        )
    yield opened
    opened.close()


@pytest.fixture()
def graph(store: Store) -> str:
    """A fresh named graph holding a small known dataset."""
    iri = f"{EX}graph/{uuid.uuid4().hex}"
    store.replace_graphs({iri: data_for(iri)})
    return iri


def data_for(graph: str) -> bytes:
    """Two things with labels in two languages, a number, a plain string and a blank node."""
    s = f"{graph}/"
    return (
        f'<{s}a> <{LABEL}> "Kleding"@nl .\n'
        f'<{s}a> <{LABEL}> "Garment"@en .\n'
        f'<{s}a> <{EX}rank> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        f"<{s}a> <{EX}in> <{graph}> .\n"
        f'<{s}b> <{LABEL}> "Gold"@en .\n'
        f'<{s}b> <{EX}note> "with \\"quotes\\" and a\\nnewline" .\n'
        f"<{s}b> <{EX}in> <{graph}> .\n"
        f"_:n1 <{EX}about> <{s}b> .\n"
    ).encode()


def things(graph: str) -> str:
    return f"SELECT ?s ?label ?rank WHERE {{ ?s <{EX}in> <{graph}> ; <{LABEL}> ?label "


def test_select_without_bindings_reads_the_union_default_graph(store: Store, graph: str) -> None:
    result = store.select(things(graph) + "OPTIONAL { ?s <" + EX + "rank> ?rank } } ORDER BY STR(?label)")
    assert result.variables == ("s", "label", "rank")
    assert [row["label"].value for row in result] == ["Garment", "Gold", "Kleding"]
    garment = result.rows[0]
    assert garment["label"] == Term.literal("Garment", lang="en")
    assert garment["rank"].python() == 1
    assert "rank" not in result.rows[1], "an unbound OPTIONAL variable is absent from the row"


def test_select_binds_iris_and_literals(store: Store, graph: str) -> None:
    query = things(graph) + "FILTER(LANG(?label) = ?lang) } ORDER BY STR(?label)"
    a = Term.iri(f"{graph}/a")
    rows = store.select(query, bindings={"s": a, "lang": Term.literal("nl")}).rows
    assert [(row["s"], row["label"].value) for row in rows] == [(a, "Kleding")]
    by_label = store.select(things(graph) + "} ", bindings={"label": Term.literal("Gold", lang="en")})
    assert [row["s"].value for row in by_label] == [f"{graph}/b"]


def test_binding_a_variable_only_in_an_optional(store: Store, graph: str) -> None:
    query = (
        f"SELECT ?s ?rank WHERE {{ ?s <{EX}in> <{graph}> OPTIONAL {{ ?s <{EX}rank> ?rank }} }} ORDER BY ?s"
    )
    one = Term("literal", "1", datatype="http://www.w3.org/2001/XMLSchema#integer")
    rows = store.select(query, bindings={"rank": one}).rows
    # The VALUES block binds ?rank before the OPTIONAL: rows where the OPTIONAL
    # does not match keep the bound value (the same meaning on every back end).
    assert [row["s"].value for row in rows] == [f"{graph}/a", f"{graph}/b"]
    assert [row["rank"].python() for row in rows] == [1, 1]
    two = Term("literal", "2", datatype="http://www.w3.org/2001/XMLSchema#integer")
    # ... and never removes a row: a bound value the data contradicts is simply kept.
    assert [row["rank"].python() for row in store.select(query, bindings={"rank": two})] == [2, 2]
    assert store.select(query, bindings={}).variables == ("s", "rank")
    assert len(store.select(query, bindings=None)) == 2


def test_literals_survive_the_round_trip(store: Store, graph: str) -> None:
    rows = store.select(f"SELECT ?note WHERE {{ <{graph}/b> <{EX}note> ?note }}").rows
    assert rows[0]["note"] == Term.literal('with "quotes" and a\nnewline')
    bound = store.select(
        f"SELECT ?s WHERE {{ ?s <{EX}in> <{graph}> ; <{EX}note> ?note }}",
        bindings={"note": Term.literal('with "quotes" and a\nnewline')},
    )
    assert [row["s"].value for row in bound] == [f"{graph}/b"]


def test_ask(store: Store, graph: str) -> None:
    query = f"ASK WHERE {{ ?s <{EX}in> <{graph}> ; <{LABEL}> ?label }}"
    assert store.ask(query) is True
    assert store.ask(query, bindings={"label": Term.literal("Gold", lang="en")}) is True
    assert store.ask(query, bindings={"label": Term.literal("Gold", lang="nl")}) is False


def test_construct_returns_ntriples(store: Store, graph: str) -> None:
    body = store.construct(
        f"CONSTRUCT {{ ?s <{LABEL}> ?label }} WHERE {{ ?s <{EX}in> <{graph}> ; <{LABEL}> ?label }}",
        bindings={"s": Term.iri(f"{graph}/a")},
    )
    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    assert sorted(str(t.object) for t in triples) == ['"Garment"@en', '"Kleding"@nl']


RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@pytest.mark.parametrize("media_type", RESULT_TYPES)
def test_query_serialized_results(store: Store, graph: str, media_type: str) -> None:
    body, served = store.query_serialized(
        things(graph) + "FILTER(LANG(?label) = 'en') } ORDER BY STR(?label)",
        result_media_type=media_type,
        graph_media_type="text/turtle",
    )
    assert served == media_type
    if media_type == "text/csv":
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        assert [r["label"] for r in rows] == ["Garment", "Gold"]
        return
    fmt = {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }[media_type]
    parsed = ox.parse_query_results(body, format=fmt)
    assert [str(s["label"]) for s in parsed] == ['"Garment"@en', '"Gold"@en']


@pytest.mark.parametrize("media_type", GRAPH_TYPES)
def test_query_serialized_graphs(store: Store, graph: str, media_type: str) -> None:
    body, served = store.query_serialized(
        f"CONSTRUCT {{ ?s <{LABEL}> ?label }} WHERE {{ ?s <{EX}in> <{graph}> ; <{LABEL}> ?label }}",
        result_media_type="application/sparql-results+json",
        graph_media_type=media_type,
    )
    assert served == media_type
    fmt = {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/ld+json": ox.RdfFormat.JSON_LD,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
    }[media_type]
    labels = sorted(str(t.object) for t in ox.parse(body, format=fmt))
    assert labels == ['"Garment"@en', '"Gold"@en', '"Kleding"@nl']


def test_query_serialized_ask_and_named_graphs(store: Store, graph: str) -> None:
    body, _ = store.query_serialized(
        f"ASK WHERE {{ ?s <{EX}in> <{graph}> }}",
        result_media_type="application/sparql-results+json",
        graph_media_type="text/turtle",
    )
    assert json.loads(body)["boolean"] is True
    body, _ = store.query_serialized(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{EX}in> ?o }} }}",
        result_media_type="application/sparql-results+json",
        graph_media_type="text/turtle",
        named_graphs=[graph],
    )
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"


def test_replace_graphs_replaces_and_bumps_the_version(store: Store, graph: str) -> None:
    before = store.version()
    other = f"{EX}graph/{uuid.uuid4().hex}"
    store.replace_graphs({graph: f"<{graph}/c> <{EX}in> <{graph}> .\n".encode(), other: data_for(other)})
    after = store.version()
    assert after != before
    rows = store.select(f"SELECT ?s WHERE {{ ?s <{EX}in> <{graph}> }}").rows
    assert [row["s"].value for row in rows] == [f"{graph}/c"], "the old content of the graph is gone"
    assert {graph, other} <= set(store.graph_names())
    store.replace_graphs({other: b""})
    assert other not in store.graph_names()
    assert store.version() not in {before, after}


def test_replace_graphs_is_all_or_nothing(store: Store, graph: str) -> None:
    before = store.version()
    other = f"{EX}graph/{uuid.uuid4().hex}"
    with pytest.raises(UnreadableInput):
        store.replace_graphs({other: data_for(other), graph: b"<not ntriples"})
    assert store.version() == before
    assert other not in store.graph_names()
    assert len(store.select(f"SELECT ?s WHERE {{ ?s <{EX}in> <{graph}> }}")) == 2


def test_graph_names_and_counts(store: Store, graph: str) -> None:
    names = store.graph_names()
    assert graph in names
    assert not [n for n in names if n.startswith("http://www.openlinksw.com/")]
    assert store.triple_count() >= 8


def test_dump_as_dataset_keeps_the_graphs(store: Store, graph: str) -> None:
    body = store.dump("application/n-quads")
    quads = [q for q in ox.parse(body, format=ox.RdfFormat.N_QUADS) if q.graph_name == ox.NamedNode(graph)]
    assert len(quads) == 8
    union = store.dump("application/n-triples", exclude_graphs=[graph])
    assert f"<{graph}/a>".encode() not in union


@pytest.mark.parametrize(
    ("method", "query"),
    [
        ("select", "SELECT * WHERE { ?s ?p "),
        ("ask", "ASK WHERE { ?s ?p ?o"),
        ("construct", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p }"),
    ],
)
def test_bad_syntax_is_a_query_syntax_error(store: Store, method: str, query: str) -> None:
    with pytest.raises(QuerySyntaxError):
        getattr(store, method)(query)
    with pytest.raises(QuerySyntaxError):
        store.query_serialized(
            query, result_media_type="application/sparql-results+json", graph_media_type="text/turtle"
        )


def test_the_store_answers_in_its_own_words(store: Store) -> None:
    """The wrong kind of query for a method is refused with the project's error, not a library's."""
    with pytest.raises(QuerySyntaxError):
        store.select("ASK WHERE { ?s ?p ?o }")
    with pytest.raises(QuerySyntaxError):
        store.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_comments_and_prologue_do_not_change_the_query_form(store: Store, graph: str) -> None:
    """A header comment that mentions update words (drop, insert, load) is still a read query."""
    query = (
        "# title: drop nothing, insert nothing, load nothing\n"
        "PREFIX ex: <" + EX + ">\n"
        f"SELECT ?s WHERE {{ ?s ex:in <{graph}> }}"
    )
    assert len(store.select(query)) == 2
