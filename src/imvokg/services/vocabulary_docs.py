"""Documentation of the ontology and the shapes, read from the published graph.

Generated from the store (not from the files) so the page always documents the
vocabulary the running service answers with; the API caches it per store
version, so the cost is paid once per release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from imvokg.namespaces import BASE
from imvokg.services.runner import QueryRunner

ONTOLOGY_IRI = BASE + "ont"

_KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}


class VocabularyService:
    """The ontology and the shapes as the store holds them (the documents below are made from these)."""

    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner

    def ontology_graph(self) -> Graph:
        """Every triple of the named graph that declares the imvo ontology."""
        return self._graph("ontology-document")

    def shapes_graph(self) -> Graph:
        """Every triple of the named graphs that hold SHACL node shapes."""
        return self._graph("shapes-document")

    def _graph(self, name: str) -> Graph:
        body = self.runner.construct_named(name)
        return Graph().parse(data=body, format="nt") if body else Graph()


def _texts(graph: Graph, node: Node, *predicates: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for predicate in predicates:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal):
                out.setdefault(value.language or "", str(value))
    return out


def _class_expression(graph: Graph, node: Node) -> list[str]:
    """IRIs named by a class expression: an IRI itself, or the members of a union/intersection."""
    if isinstance(node, URIRef):
        return [str(node)]
    for operator in (OWL.unionOf, OWL.intersectionOf):
        head = graph.value(node, operator)
        if head is not None:
            return [str(m) for m in Collection(graph, head) if isinstance(m, URIRef)]
    return []


@dataclass
class TermDoc:
    """One class or property, as the documentation shows it."""

    iri: str
    kind: str
    labels: dict[str, str]
    definitions: dict[str, str]
    supers: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class OntologyDoc:
    iri: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    version: str | None
    classes: list[TermDoc]
    properties: list[TermDoc]


def ontology_doc(graph: Graph) -> OntologyDoc:
    """Classes and properties with labels, definitions, super-classes, domains and ranges."""
    ontology = URIRef(ONTOLOGY_IRI)
    classes: list[TermDoc] = []
    properties: list[TermDoc] = []
    for kind_iri, kind in _KINDS.items():
        for subject in sorted(set(graph.subjects(RDF.type, kind_iri)), key=str):
            if not isinstance(subject, URIRef):
                continue
            doc = TermDoc(
                iri=str(subject),
                kind=kind,
                labels=_texts(graph, subject, RDFS.label, SKOS.prefLabel),
                definitions=_texts(graph, subject, SKOS.definition, RDFS.comment),
            )
            if kind == "class":
                for sup in graph.objects(subject, RDFS.subClassOf):
                    doc.supers.extend(_class_expression(graph, sup))
                classes.append(doc)
            else:
                doc.supers = sorted(str(s) for s in graph.objects(subject, RDFS.subPropertyOf))
                for dom in graph.objects(subject, RDFS.domain):
                    doc.domains.extend(_class_expression(graph, dom))
                for rng in graph.objects(subject, RDFS.range):
                    doc.ranges.extend(_class_expression(graph, rng))
                properties.append(doc)
    version = graph.value(ontology, OWL.versionInfo)
    return OntologyDoc(
        iri=ONTOLOGY_IRI,
        titles=_texts(graph, ontology, DCTERMS.title),
        descriptions=_texts(graph, ontology, DCTERMS.description),
        version=str(version) if version is not None else None,
        classes=classes,
        properties=properties,
    )


@dataclass
class ShapeDoc:
    """One shape with an IRI: what it checks, what it says when it fails, which requirement it serves."""

    iri: str
    kind: str
    names: dict[str, str]
    messages: dict[str, str]
    severity: str | None
    targets: list[str]
    path: str | None
    see_also: list[str]
    parts: list[str]

    @property
    def anchor(self) -> str:
        return self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def shapes_doc(graph: Graph) -> list[ShapeDoc]:
    """Every shape that has an IRI, sorted by IRI."""
    kinds = {SH.NodeShape: "node shape", SH.PropertyShape: "property shape", SH.SPARQLConstraint: "SPARQL"}
    found: dict[URIRef, str] = {}
    for kind_iri, kind in kinds.items():
        for subject in graph.subjects(RDF.type, kind_iri):
            if isinstance(subject, URIRef):
                found.setdefault(subject, kind)
    for predicate in (SH.property, SH.sparql):
        for value in graph.objects(None, predicate):
            if isinstance(value, URIRef):
                found.setdefault(value, "property shape" if predicate == SH.property else "SPARQL")
    docs = []
    for subject in sorted(found, key=str):
        severity = graph.value(subject, SH.severity)
        path = graph.value(subject, SH.path)
        targets = [str(t) for p in (SH.targetClass, SH.targetNode) for t in graph.objects(subject, p)]
        parts = [
            str(o)
            for p in (SH.property, SH.sparql, SH.node)
            for o in graph.objects(subject, p)
            if isinstance(o, URIRef)
        ]
        docs.append(
            ShapeDoc(
                iri=str(subject),
                kind=found[subject],
                names=_texts(graph, subject, SH.name, RDFS.label),
                messages=_texts(graph, subject, SH.message),
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else None,
                targets=sorted(targets),
                path=str(path)
                if isinstance(path, URIRef)
                else ("(complex path)" if isinstance(path, BNode) else None),
                see_also=sorted(str(o) for o in graph.objects(subject, RDFS.seeAlso)),
                parts=sorted(parts),
            )
        )
    return docs
