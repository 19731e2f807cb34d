"""The namespaces the project mints or reuses, bound once for every graph."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/imvokg/"
"""The base of every IRI the project mints. A constant, not a setting: the data, the shapes and
the `.rq` files are written with it, and links stay canonical behind any host."""
IMVO = Namespace(BASE + "ont#")
IMVOSH = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
SCHEME = Namespace(BASE + "scheme/")
GRAPH = Namespace(BASE + "graph/")
QUERY = Namespace(BASE + "query/")
REQ = Namespace(BASE + "id/requirement/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
M8G = Namespace("http://data.europa.eu/m8g/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
VANN = Namespace("http://purl.org/vocab/vann/")

INFERRED_GRAPH = GRAPH["inferred"]
ONTOLOGY_GRAPH = GRAPH["ontology"]
SHAPES_GRAPH = GRAPH["shapes"]
TRANSLATIONS_GRAPH_PREFIX = GRAPH["translations-"]
"""graph/translations-<lang>: the editorial translations of one language (files translations/<lang>.ttl)."""
EDITORIAL_TRANSLATIONS = URIRef(ID["source/editorial-translations"])
"""The source every editorial translation cites: how they were made, and that they await review."""

META_GRAPH = BASE + "graph/meta"
"""The graph that holds the data version (``owl:versionInfo``), which every cache keys on."""
VERSION_PREDICATE = "http://www.w3.org/2002/07/owl#versionInfo"

PREFIXES: dict[str, Namespace] = {
    "imvo": IMVO,
    "imvosh": IMVOSH,
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "org": Namespace(str(ORG)),
    "prov": Namespace(str(PROV)),
    "eli": ELI,
    "m8g": M8G,
    "foaf": Namespace(str(FOAF)),
    "dcat": Namespace(str(DCAT)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "sh": Namespace(str(SH)),
    "country": COUNTRY,
    "agr": Namespace(BASE + "id/agreement/"),
    "party": Namespace(BASE + "id/party/"),
    "inst": Namespace(BASE + "id/instrument/"),
    "req": REQ,
    "rt": Namespace(BASE + "scheme/risk-topic/"),
    "sector": Namespace(BASE + "scheme/sector/"),
    "step": Namespace(BASE + "scheme/dd-step/"),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes so serialisations read well."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX lines for the query page and examples."""
    return "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
