"""Media types: the one table of every format the project reads, writes or negotiates.

A row says what a format is (SPARQL results, a graph or a dataset), its short
name for ``?format=``, the rdflib plugin that reads and writes it and its file
suffix. The stores ask pyoxigraph for the same media type
(``RdfFormat.from_media_type``), the web edge negotiates among the rows, the
release writer names files by them and request bodies are read by them, so a
format added here is added everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["result", "graph", "dataset"]


@dataclass(frozen=True)
class Format:
    """One media type and what the project calls it."""

    media_type: str
    kind: Kind
    names: tuple[str, ...]
    """``?format=`` values that ask for it, the first one canonical."""
    rdflib: str | None = None
    """rdflib's plugin name (graphs only; results go through pyoxigraph)."""
    suffix: str | None = None
    w3c: str | None = None
    """Its name under http://www.w3.org/ns/formats/ (the Service Description lists them)."""


FORMATS: tuple[Format, ...] = (
    Format("application/sparql-results+json", "result", ("json",), suffix="srj", w3c="SPARQL_Results_JSON"),
    Format("application/sparql-results+xml", "result", ("xml",), suffix="srx", w3c="SPARQL_Results_XML"),
    Format("text/csv", "result", ("csv",), suffix="csv", w3c="SPARQL_Results_CSV"),
    Format("text/tab-separated-values", "result", ("tsv",), suffix="tsv", w3c="SPARQL_Results_TSV"),
    Format("text/turtle", "graph", ("ttl", "turtle"), rdflib="turtle", suffix="ttl", w3c="Turtle"),
    Format("application/n-triples", "graph", ("nt", "ntriples"), rdflib="nt", suffix="nt", w3c="N-Triples"),
    Format("application/ld+json", "graph", ("jsonld",), rdflib="json-ld", suffix="jsonld", w3c="JSON-LD"),
    Format("application/rdf+xml", "graph", ("rdfxml",), rdflib="xml", suffix="rdf", w3c="RDF_XML"),
    Format("application/n-quads", "dataset", ("nq", "nquads"), rdflib="nquads", suffix="nq", w3c="N-Quads"),
    Format("application/trig", "dataset", ("trig",), rdflib="trig", suffix="trig", w3c="TriG"),
)

_BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}

RESULT_MEDIA_TYPES: tuple[str, ...] = tuple(f.media_type for f in FORMATS if f.kind == "result")
"""What a SELECT or ASK answer comes as, the default first."""
GRAPH_MEDIA_TYPES: tuple[str, ...] = tuple(f.media_type for f in FORMATS if f.kind == "graph")
"""What a CONSTRUCT or DESCRIBE answer comes as, the default first."""
DATASET_MEDIA_TYPES: tuple[str, ...] = tuple(f.media_type for f in FORMATS if f.kind == "dataset")
QUERY_GRAPH_MEDIA_TYPES: tuple[str, ...] = GRAPH_MEDIA_TYPES + DATASET_MEDIA_TYPES
"""What a CONSTRUCT or DESCRIBE answer comes as on /sparql and the named queries: the graph formats,
and TriG and N-Quads (the triples in the default graph) for clients that read datasets."""

PUBLISHED_RDF: tuple[str, ...] = (
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
)
"""The representations of a published document (resource, ontology, catalogue), the default first."""

HTML = "text/html"
JSON = "application/json"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"

TRIG = "application/trig"
N_QUADS = "application/n-quads"

RELEASE_FORMATS: dict[str, str] = {
    "ttl": TURTLE,
    "nt.gz": N_TRIPLES,
    "jsonld": JSON_LD,
    "trig": TRIG,
    "nq.gz": N_QUADS,
}
"""Release files: suffix -> media type. The graph formats hold the union of the published graphs;
TriG and N-Quads keep each named graph (its source file, the inferences) apart. The line formats
are gzipped: they are for machines, and the biggest."""

FORMAT_PARAM: dict[str, str] = {name: f.media_type for f in FORMATS for name in f.names} | {"html": HTML}
"""``?format=`` values -> media type."""

CLIENT_FORMAT_NAMES: dict[str, dict[str, str]] = {
    "result": {name: f.media_type for f in FORMATS if f.kind == "result" for name in f.names},
    "graph": {name: f.media_type for f in FORMATS if f.kind != "result" for name in f.names}
    | {
        "json": JSON_LD,
        "json-ld": JSON_LD,
        "xml": "application/rdf+xml",
        "rdf": "application/rdf+xml",
        "rdf+xml": "application/rdf+xml",
        "n3": TURTLE,
        "n-triples": N_TRIPLES,
        "n-quads": N_QUADS,
    },
}
"""What SPARQL clients put in ``format=``/``output=``/``results=``, by the kind of answer.

SPARQLWrapper names the format it wants with one word whatever the query:
``xml`` is SPARQL XML results for a SELECT and RDF/XML for a DESCRIBE, ``json``
SPARQL JSON or JSON-LD, ``n3`` (whose subset Turtle is) a graph in Turtle; and
it sends the media type as well for some (``format=tsv&format=text/tab-separated-values``)."""

ACCEPT_ALIASES: dict[str, tuple[str, ...]] = {
    "application/json": ("application/sparql-results+json", JSON_LD),
    "application/problem+json": (JSON,),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "application/x-turtle": (TURTLE,),
    "text/plain": (N_TRIPLES,),
    "application/json+ld": (JSON_LD,),
}
"""Media types clients send for what we offer under another name, in order of preference.

An alias applies only when the type named is not offered itself: ``application/json``
is plain JSON where JSON is offered (a validation report), SPARQL results on
``/sparql`` and JSON-LD on a linked-data document. ``application/problem+json``
(a client ready for error bodies) takes plain JSON.
"""

READABLE: dict[str, str] = {
    f.media_type: f.rdflib for f in FORMATS if f.kind == "graph" and f.rdflib is not None
} | {"application/x-turtle": "turtle", "application/json": "json-ld", "text/plain": "nt"}
"""Content-Type of a body we accept -> rdflib parser (plain JSON is read as JSON-LD)."""

READABLE_SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".nt": "nt",
}
"""File suffix -> rdflib parser, for files read from disk."""


def by_media_type(media_type: str) -> Format | None:
    """The row of ``media_type`` (parameters such as charset ignored), or None."""
    return _BY_MEDIA_TYPE.get(media_type.split(";")[0].strip().lower())


def rdflib_name(media_type: str) -> str:
    """rdflib's plugin for a graph or dataset format; ValueError for anything else."""
    found = by_media_type(media_type)
    if found is None or found.rdflib is None:
        raise ValueError(f"no RDF format for {media_type}")
    return found.rdflib


def with_charset(media_type: str) -> str:
    """The Content-Type to send: text formats and JSON/XML say they are UTF-8."""
    if "charset" in media_type:
        return media_type
    if media_type.startswith("text/") or media_type.endswith(("+json", "+xml", "/n-triples")):
        return f"{media_type}; charset=utf-8"
    return media_type
