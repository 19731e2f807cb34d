"""schema.org JSON-LD for the pages of resources and of the catalogue, for search engines and portals.

A page embeds it as ``<script type="application/ld+json">`` (templates/base.html), so a crawler that
reads no RDF still learns what the page is about and which IRI names it. The type follows what the
graph states:

- an agreement or initiative (``imvo:SectorAgreement``, ``imvo:ForeignSectorInitiative``) is a
  ``CreativeWork``: the text its parties agreed on. schema.org has no type for an agreement, and
  ``Legislation`` is for acts of a legislator, which a covenant between companies, unions, NGOs and
  a government is not; its parties are its ``contributor``\\ s, its sectors and risks what it is
  ``about``;
- an instrument is ``Legislation`` when it binds (``imvo:BindingInstrument``: the CSDDD, an ILO
  convention once ratified, a Dutch act), a ``CreativeWork`` otherwise (the OECD Guidelines, the UNGPs);
- a party (``org:Organization``) is an ``Organization``;
- a concept (a sector, a risk topic, any ``skos:Concept``) is a ``DefinedTerm`` of the
  ``DefinedTermSet`` that is its scheme;
- the catalogue's dataset (``dcat:Dataset``) is a ``Dataset`` with a ``DataDownload`` per release file.

Anything else gets no description. ``@id`` and ``url`` are the resource's canonical IRI (the
w3id.org IRI, which resolves to the page); ``isBasedOn`` lists its sources (``dcterms:source``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, RDF, SKOS

from imvokg.services.catalog import DCAT3, IANA
from imvokg.services.linked_data import Source, pick_label

IMVO = Namespace("https://w3id.org/imvokg/ont#")
CONTEXT = "https://schema.org"

AGREEMENTS = (IMVO.SectorAgreement, IMVO.ForeignSectorInitiative)
INSTRUMENT = IMVO.Instrument
BINDING = IMVO.BindingInstrument


def _texts(graph: Graph, subject: URIRef, *predicates: URIRef) -> dict[str, str]:
    """The first predicate's literals with text, by language ('' for none)."""
    for predicate in predicates:
        found = {
            o.language or "": str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)
        }
        if found:
            return found
    return {}


def _one(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    value = next(iter(sorted(str(o) for o in graph.objects(subject, predicate))), None)
    return value


def _named(
    graph: Graph, subject: URIRef, predicate: URIRef, kind: str, name: Any, lang: str
) -> list[dict[str, Any]]:
    """The IRIs ``subject`` points to by ``predicate``, as typed nodes with their name."""
    out = []
    for target in sorted({o for o in graph.objects(subject, predicate) if isinstance(o, URIRef)}):
        node: dict[str, Any] = {"@type": kind, "@id": str(target)}
        label = name(str(target))
        if label:
            node["name"] = label
        out.append(node)
    return out


def describe(
    graph: Graph,
    iri: str,
    lang: str,
    labels: dict[str, dict[str, str]],
    sources: Iterable[Source] = (),
) -> dict[str, Any] | None:
    """The schema.org description of ``iri`` from its page's graph, in ``lang``; None if no type fits."""
    subject = URIRef(iri)
    types = set(graph.objects(subject, RDF.type))

    def name(target: str) -> str | None:
        return pick_label(labels.get(target), lang)

    if types & set(AGREEMENTS):
        kind = "CreativeWork"
    elif BINDING in types:
        kind = "Legislation"
    elif INSTRUMENT in types:
        kind = "CreativeWork"
    elif ORG.Organization in types:
        kind = "Organization"
    elif SKOS.Concept in types:
        kind = "DefinedTerm"
    elif SKOS.ConceptScheme in types:
        kind = "DefinedTermSet"
    else:
        return None
    out: dict[str, Any] = {"@context": CONTEXT, "@type": kind, "@id": iri, "url": iri}
    title = name(iri)
    if title:
        out["name"] = title
    description = pick_label(_texts(graph, subject, DCTERMS.description, SKOS.definition), lang)
    if description:
        out["description"] = description
    identifier = _one(graph, subject, DCTERMS.identifier) or _one(graph, subject, SKOS.notation)
    based_on = sorted({s.page or s.iri for s in sources})
    if based_on:
        out["isBasedOn"] = based_on
    if types & set(AGREEMENTS):
        if signed := _one(graph, subject, IMVO.signingDate):
            out["dateCreated"] = signed
        start, end = _one(graph, subject, IMVO.startDate), _one(graph, subject, IMVO.endDate)
        if start or end:
            out["temporalCoverage"] = f"{start or '..'}/{end or '..'}"
        parties = _named(graph, subject, IMVO.hasParty, "Organization", name, lang)
        if parties:
            out["contributor"] = parties
        about = _named(graph, subject, IMVO.coversSector, "DefinedTerm", name, lang)
        about += _named(graph, subject, IMVO.coversRiskTopic, "DefinedTerm", name, lang)
        if about:
            out["about"] = about
    elif kind == "Legislation":
        if identifier:
            out["legislationIdentifier"] = identifier
        if issued := _one(graph, subject, DCTERMS.issued):
            out["legislationDate"] = issued
    elif kind == "CreativeWork":
        if identifier:
            out["identifier"] = identifier
        if issued := _one(graph, subject, DCTERMS.issued):
            out["datePublished"] = issued
    elif kind == "DefinedTerm":
        if identifier:
            out["termCode"] = identifier
        schemes = _named(graph, subject, SKOS.inScheme, "DefinedTermSet", name, lang)
        if schemes:
            out["inDefinedTermSet"] = schemes[0]
    return out


def dataset(graph: Graph, lang: str) -> dict[str, Any] | None:
    """The catalogue's ``dcat:Dataset`` as a schema.org ``Dataset`` (from the DCAT-AP graph of /catalog)."""
    found = next(iter(graph.subjects(RDF.type, DCAT.Dataset)), None)
    if not isinstance(found, URIRef):
        return None
    out: dict[str, Any] = {"@context": CONTEXT, "@type": "Dataset", "@id": str(found), "url": str(found)}
    if title := pick_label(_texts(graph, found, DCTERMS.title), lang):
        out["name"] = title
    if description := pick_label(_texts(graph, found, DCTERMS.description), lang):
        out["description"] = description
    # the licence is stated on the catalogue and each distribution: the EU authority IRI and the
    # Creative Commons URL it is owl:sameAs
    holders = [found, *graph.subjects(DCAT.dataset, found)]
    licences = sorted({str(x) for h in holders for x in graph.objects(h, DCTERMS.license)})
    licences += sorted({str(x) for lic in licences for x in graph.objects(URIRef(lic), OWL.sameAs)})
    if licences:
        out["license"] = licences
    if version := _one(graph, found, DCAT3.version):
        out["version"] = version
    if modified := _one(graph, found, DCTERMS.modified):
        out["dateModified"] = modified
    keywords = sorted(str(k) for k in graph.objects(found, DCAT.keyword))
    if keywords:
        out["keywords"] = keywords
    publisher = next(iter(graph.objects(found, DCTERMS.publisher)), None)
    if isinstance(publisher, URIRef):
        out["publisher"] = {"@type": "Organization", "@id": str(publisher)}
        if who := pick_label(_texts(graph, publisher, FOAF.name), lang):
            out["publisher"]["name"] = who
    downloads = []
    for dist in sorted(graph.objects(found, DCAT.distribution), key=str):
        url = next(iter(graph.objects(dist, DCAT.downloadURL)), None)
        if url is None:
            continue
        item: dict[str, Any] = {"@type": "DataDownload", "contentUrl": str(url)}
        media = next(iter(graph.objects(dist, DCAT.mediaType)), None)
        if media is not None:
            item["encodingFormat"] = str(media).removeprefix(IANA)
        downloads.append(item)
    if downloads:
        out["distribution"] = downloads
    return out
