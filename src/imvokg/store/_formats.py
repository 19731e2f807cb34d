"""Media types the stores can produce, in one table both back ends share."""

from __future__ import annotations

RESULT_MEDIA_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}

GRAPH_MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}

DATASET_MEDIA_TYPES = {
    "application/n-quads": "nquads",
    "application/trig": "trig",
}

META_GRAPH = "https://w3id.org/imvokg/graph/meta"
VERSION_PREDICATE = "http://www.w3.org/2002/07/owl#versionInfo"
