"""Descriptions of the dataset for portals and crawlers: DCAT-AP 3, VoID, SPARQL examples.

Every IRI here is canonical (under ``namespaces.BASE``), whatever host serves
the request: a portal that harvests the catalogue from a test server still
records the identifiers that will resolve in production. The DCAT-AP 3.0.0
shapes type-check values with ``sh:class``, so every object that a shape
constrains carries its ``rdf:type`` here (licence, language, media type...).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SH, SKOS, XSD

from imvokg.config import Settings
from imvokg.namespaces import BASE, PREFIXES, bind_prefixes
from imvokg.queries import QueryRegistry
from imvokg.services.dumps import DumpFile
from imvokg.services.runner import QueryRunner

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
SCHEMA = Namespace("https://schema.org/")
DCAT3 = Namespace(str(DCAT))  # open namespace: rdflib's closed DCAT lacks dcat:version
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
EU_LICENCE = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
"""The same licence in the EU authority table, which DCAT-AP portals read; the CC URL stays its sameAs."""
PUBLIC = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
PUBLISHER_PATH = "id/party/imvokg-project"
THEMES = {  # EU data-theme authority table, with its English labels
    "ECON": "Economy and finance",
    "GOVE": "Government and public sector",
    "JUST": "Justice, legal system and public safety",
    "SOCI": "Population and society",
}
LANGUAGES = ("ENG", "NLD")
FILE_TYPES = {
    "ttl": "RDF_TURTLE",
    "nt.gz": "RDF_N_TRIPLES",
    "jsonld": "JSON_LD",
    "trig": "RDF_TRIG",
    "nq.gz": "RDF_N_QUADS",
}
FORMAT_NAMES = {
    "ttl": "Turtle",
    "nt.gz": "N-Triples (gzip)",
    "jsonld": "JSON-LD",
    "trig": "TriG (named graphs)",
    "nq.gz": "N-Quads (named graphs, gzip)",
}


@dataclass(frozen=True)
class Facts:
    """What the store says about itself, read once per version."""

    version: str
    modified: str | None
    first_date: str | None
    last_date: str | None


FACT_QUERIES = ("date-span", "last-modified")
"""The named queries :meth:`CatalogService.facts` runs (the catalogue and the feed are dated with them)."""
PAGE_QUERIES = ("catalog-entries", "labels-of")
"""What the catalogue's HTML page runs besides the facts: the resources to browse and their names."""
VOID_QUERIES = ("published-size", "published-classes", "published-properties")
"""The named queries :meth:`CatalogService.void` runs."""


def _typed(graph: Graph, node: URIRef | BNode, *types: URIRef) -> URIRef | BNode:
    for kind in types:
        graph.add((node, RDF.type, kind))
    return node


def _texts(graph: Graph, node: URIRef | BNode, predicate: URIRef, **by_lang: str) -> None:
    for lang, text in by_lang.items():
        graph.add((node, predicate, Literal(text, lang=lang)))


def catalogue(settings: Settings, facts: Facts, dumps: list[DumpFile]) -> Graph:
    """The DCAT-AP 3 catalogue: catalogue, dataset, one distribution per dump, the SPARQL service."""
    base = BASE
    g = bind_prefixes(Graph())
    for prefix, ns in (("vcard", VCARD), ("spdx", SPDX)):
        g.bind(prefix, ns)
    catalog = _typed(g, URIRef(base + "catalog"), DCAT.Catalog)
    dataset = _typed(g, URIRef(base + "catalog#dataset"), DCAT.Dataset)
    service = _typed(g, URIRef(base + "sparql"), DCAT.DataService, RDFS.Resource)
    publisher = _typed(g, URIRef(base + PUBLISHER_PATH), FOAF.Agent, FOAF.Organization)
    g.add((publisher, FOAF.name, Literal("imvokg project", lang="en")))
    licence = _typed(g, EU_LICENCE, DCTERMS.LicenseDocument)
    g.add((licence, RDFS.label, Literal("Creative Commons Attribution 4.0 International", lang="en")))
    g.add((licence, OWL.sameAs, LICENCE))
    homepage = _typed(g, URIRef(base), FOAF.Document)
    contact = _typed(g, URIRef(base + "catalog#contact"), VCARD.Kind, VCARD.Organization)
    g.add((contact, VCARD.fn, Literal("imvokg editors")))
    g.add((contact, VCARD.hasURL, URIRef(base)))
    languages = [_typed(g, URIRef(f"{EU}language/{code}"), DCTERMS.LinguisticSystem) for code in LANGUAGES]
    taxonomy = _typed(g, URIRef(EU + "data-theme"), SKOS.ConceptScheme)
    g.add((taxonomy, DCTERMS.title, Literal("Data theme", lang="en")))
    themes = []
    for code, label in THEMES.items():
        theme = _typed(g, URIRef(f"{EU}data-theme/{code}"), SKOS.Concept)
        g.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((theme, SKOS.inScheme, taxonomy))
        themes.append(theme)

    _texts(g, catalog, DCTERMS.title, en="imvokg catalogue", nl="imvokg-catalogus")
    _texts(
        g,
        catalog,
        DCTERMS.description,
        en="The IMVO knowledge graph of international responsible business conduct agreements, "
        "as downloadable releases and a SPARQL endpoint.",
        nl="De IMVO-kennisgraaf van convenanten voor internationaal maatschappelijk verantwoord "
        "ondernemen, als downloadbare releases en een SPARQL-endpoint.",
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, FOAF.homepage, homepage))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, DCAT.themeTaxonomy, taxonomy))
    for language in languages:
        g.add((catalog, DCTERMS.language, language))
    if facts.modified:
        g.add((catalog, DCTERMS.modified, Literal(facts.modified, datatype=XSD.dateTime)))

    _texts(g, dataset, DCTERMS.title, en="IMVO knowledge graph", nl="IMVO-kennisgraaf")
    _texts(
        g,
        dataset,
        DCTERMS.description,
        en="Dutch IRBC sector agreements and comparable initiatives abroad, their parties, the risks they "
        "cover, the instruments and provisions they rest on (OECD Guidelines, UNGPs, ILO, CSDDD), "
        "sector risk analyses and recognition decisions; every statement sourced.",
        nl="De Nederlandse IMVO-convenanten en vergelijkbare initiatieven in het buitenland, hun partijen, "
        "de risico's die ze dekken, de instrumenten en bepalingen waarop ze steunen en de besluiten "
        "die ze erkennen; elke bewering met bron.",
    )
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((dataset, DCTERMS.accessRights, _typed(g, PUBLIC, DCTERMS.RightsStatement)))
    g.add((dataset, DCAT.landingPage, homepage))
    g.add((dataset, DCAT3.version, Literal(facts.version)))
    g.add((dataset, OWL.versionInfo, Literal(facts.version)))
    g.add((dataset, DCTERMS.identifier, Literal(base + "catalog#dataset")))
    g.add((dataset, DCTERMS.conformsTo, _typed(g, URIRef(base + "ont"), DCTERMS.Standard)))
    for theme in themes:
        g.add((dataset, DCAT.theme, theme))
    for language in languages:
        g.add((dataset, DCTERMS.language, language))
    for keyword in ("IMVO", "IRBC", "responsible business conduct", "due diligence", "OECD", "CSDDD"):
        g.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    if facts.modified:
        g.add((dataset, DCTERMS.modified, Literal(facts.modified, datatype=XSD.dateTime)))
    if facts.first_date or facts.last_date:
        period = _typed(g, URIRef(base + "catalog#temporal"), DCTERMS.PeriodOfTime)
        if facts.first_date:
            g.add((period, DCAT.startDate, Literal(facts.first_date, datatype=XSD.date)))
        if facts.last_date:
            g.add((period, DCAT.endDate, Literal(facts.last_date, datatype=XSD.date)))
        g.add((dataset, DCTERMS.temporal, period))

    sha256 = _typed(g, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
    for dump in dumps:
        dist = _typed(g, URIRef(f"{base}dumps/{dump.name}#distribution"), DCAT.Distribution)
        url = _typed(g, URIRef(f"{base}dumps/{dump.name}"), RDFS.Resource)
        g.add((dataset, DCAT.distribution, dist))
        g.add(
            (dist, DCTERMS.title, Literal(f"{FORMAT_NAMES[dump.suffix]} release {dump.version}", lang="en"))
        )
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        written = dump.modified.replace(microsecond=0).isoformat()
        g.add(
            (dist, DCTERMS.issued, Literal(written, datatype=XSD.dateTime))
        )  # when this release was written
        g.add((dist, DCAT.mediaType, _typed(g, URIRef(IANA + dump.media_type), DCTERMS.MediaType)))
        file_type = URIRef(f"{EU}file-type/{FILE_TYPES[dump.suffix]}")
        g.add((dist, DCTERMS.format, _typed(g, file_type, DCTERMS.MediaTypeOrExtent)))
        if dump.compressed:
            gzip_type = _typed(g, URIRef(IANA + "application/gzip"), DCTERMS.MediaType)
            g.add((dist, DCAT.compressFormat, gzip_type))
        g.add((dist, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        checksum = _typed(g, URIRef(f"{base}dumps/{dump.name}#sha256"), SPDX.Checksum)
        g.add((checksum, SPDX.algorithm, sha256))
        g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
        g.add((dist, SPDX.checksum, checksum))
        g.add((dist, DCTERMS.license, licence))
        g.add(
            (
                dist,
                DCTERMS.modified,
                Literal(dump.modified.isoformat(timespec="seconds"), datatype=XSD.dateTime),
            )
        )

    endpoint_dist = _typed(g, URIRef(base + "sparql#distribution"), DCAT.Distribution)
    g.add((dataset, DCAT.distribution, endpoint_dist))
    _texts(g, endpoint_dist, DCTERMS.title, en="SPARQL 1.1 endpoint", nl="SPARQL 1.1-endpoint")
    g.add((endpoint_dist, DCAT.accessURL, service))
    g.add((endpoint_dist, DCAT.accessService, service))
    g.add((endpoint_dist, DCTERMS.license, licence))

    _texts(g, service, DCTERMS.title, en="imvokg SPARQL endpoint", nl="imvokg SPARQL-endpoint")
    _texts(
        g,
        service,
        DCTERMS.description,
        en="Read-only SPARQL 1.1 Protocol endpoint; the default graph is the union of all named graphs.",
    )
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCTERMS.license, licence))
    g.add((service, DCAT.contactPoint, contact))
    protocol = _typed(g, URIRef("https://www.w3.org/TR/sparql11-protocol/"), DCTERMS.Standard)
    g.add((service, DCTERMS.conformsTo, protocol))
    return g


def sparql_examples(settings: Settings, registry: QueryRegistry) -> Graph:
    """Every named query as an ``sh:SPARQLExecutable`` (the SIB sparql-examples convention)."""
    base = BASE
    g = bind_prefixes(Graph())
    g.bind("schema", SCHEMA)
    forms = {
        "SELECT": (SH.SPARQLSelectExecutable, SH.select),
        "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
        "ASK": (SH.SPARQLAskExecutable, SH.ask),
        "DESCRIBE": (SH.SPARQLExecutable, SH.select),
    }
    for query in registry:
        node = URIRef(f"{base}query/{query.name}")
        kind, predicate = forms.get(query.kind, (SH.SPARQLExecutable, SH.select))
        g.add((node, RDF.type, SH.SPARQLExecutable))
        g.add((node, RDF.type, kind))
        g.add((node, predicate, Literal(query.text)))
        g.add((node, RDFS.label, Literal(query.title, lang="en")))
        g.add((node, RDFS.comment, Literal(query.description or query.title, lang="en")))
        g.add((node, SCHEMA.target, URIRef(base + "sparql")))
        for keyword in query.keywords:
            g.add((node, SCHEMA.keywords, Literal(keyword)))
    return g


class CatalogService:
    """What the store says about itself: the facts the catalogue is dated with, VoID, the queries' texts."""

    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner

    def facts(self) -> Facts:
        """Version, build time and the span of dates the agreements cover."""
        span = self.runner.select("date-span").rows
        modified = self.runner.select("last-modified").rows
        row = span[0] if span else {}
        return Facts(
            version=self.runner.version(),
            modified=modified[0]["m"].value if modified and "m" in modified[0] else None,
            first_date=row["first"].value[:10] if "first" in row else None,
            last_date=row["last"].value[:10] if "last" in row else None,
        )

    def void(self, dumps: list[DumpFile], *, vocabularies: dict[str, str] | None = None) -> Graph:
        """VoID: size, class and property partitions, endpoint, dumps, URI space, vocabularies."""
        base = BASE
        g = bind_prefixes(Graph())
        g.bind("void", VOID)
        dataset = URIRef(base + "catalog#dataset")
        g.add((dataset, RDF.type, VOID.Dataset))
        g.add((dataset, DCTERMS.title, Literal("IMVO knowledge graph", lang="en")))
        g.add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
        g.add((dataset, VOID.uriSpace, Literal(base)))
        g.add((dataset, VOID.rootResource, URIRef(base + "catalog")))
        g.add((dataset, DCTERMS.license, LICENCE))
        for dump in dumps:
            g.add((dataset, VOID.dataDump, URIRef(f"{base}dumps/{dump.name}")))
        total = self.runner.select("published-size").rows
        g.add((dataset, VOID.triples, Literal(int(total[0]["n"].value) if total else 0)))
        classes = self.runner.select("published-classes").rows
        for index, row in enumerate(classes):
            part = URIRef(f"{base}catalog#class-{index}")
            g.add((dataset, VOID.classPartition, part))
            g.add((part, VOID["class"], URIRef(row["c"].value)))
            g.add((part, VOID.entities, Literal(int(row["n"].value))))
        properties = self.runner.select("published-properties").rows
        known = {str(ns): str(ns) for ns in PREFIXES.values()}
        known.update(vocabularies or {})
        used: set[str] = set()
        for index, row in enumerate(properties):
            part = URIRef(f"{base}catalog#property-{index}")
            iri = row["p"].value
            g.add((dataset, VOID.propertyPartition, part))
            g.add((part, VOID.property, URIRef(iri)))
            g.add((part, VOID.triples, Literal(int(row["n"].value))))
            used.update(ns for ns in known if iri.startswith(ns))
        for ns in sorted(used):
            if not ns.startswith(base) or ns.startswith(base + "ont"):
                g.add((dataset, VOID.vocabulary, URIRef(base + "ont" if ns.startswith(base + "ont") else ns)))
        return g

    def query_texts(self, lang: str) -> dict[str, str]:
        """The named queries' titles and descriptions in `lang` (editorial translations), by subject.

        Keys are ``<name>`` (title), ``<name>#description`` and ``<name>/parameter/<p>`` (a
        parameter's description); a query without a text in `lang` keeps its English header.
        """
        base = "https://w3id.org/imvokg/query/"
        language = self.runner.registry.term("query-texts", "lang", lang)
        rows = self.runner.select("query-texts", {"lang": language}).rows
        found: dict[str, str] = {}
        for row in rows:
            name = row["q"].value[len(base) :]
            if "/parameter/" in name or row["p"].value == str(RDFS.label):
                found[name] = row["t"].value
            else:
                found[name + "#description"] = row["t"].value
        return found
