"""Self-descriptions of the endpoint: the SPARQL 1.1 Service Description."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from imvokg.config import Settings
from imvokg.formats import FORMATS, QUERY_GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES, rdflib_name
from imvokg.namespaces import bind_prefixes

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")


def service_description(settings: Settings, endpoint: str, media_type: str) -> bytes:
    """The sd:Service for this endpoint, in the asked RDF format."""
    graph = bind_prefixes(Graph())
    graph.bind("sd", SD)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for offered in FORMATS:  # what /sparql answers in: results and graphs
        if offered.w3c and offered.media_type in (*RESULT_MEDIA_TYPES, *QUERY_GRAPH_MEDIA_TYPES):
            graph.add((service, SD.resultFormat, W3C_FORMATS[offered.w3c]))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Read-only SPARQL 1.1 endpoint of the IMVO knowledge graph. The default graph is the union "
                "of all named graphs; SPARQL Update, LOAD and SERVICE are refused. Queries time out after "
                f"{settings.query_timeout_s:g} s.",
                lang="en",
            ),
        )
    )
    return graph.serialize(format=rdflib_name(media_type), encoding="utf-8")
