"""What one resource of the graph "is", for dereferencing its IRI.

The RDF answer is the resource's Concise Bounded Description across all named
graphs (graph/inferred included), plus the labels of the IRIs it points to, so
a client that fetched one document can show it without a second request. The
HTML page adds what a reader needs and RDF clients can ask SPARQL for: the
links pointing in, the named graphs (source files) the statements come from,
and the sources the resource cites, with their titles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SH, SKOS

from imvokg.namespaces import META_GRAPH
from imvokg.store import Store, Term

LABEL_PREDICATES = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SH.name)
MAX_INCOMING = 300
_LABEL_FILTER = "FILTER(?lp IN (" + ", ".join(f"<{p}>" for p in LABEL_PREDICATES) + ") && isLiteral(?l))"


@dataclass(frozen=True)
class Source:
    """A document the resource cites with dcterms:source."""

    iri: str
    labels: dict[str, str]
    page: str | None


@dataclass
class ResourcePage:
    """Everything the HTML page of a resource shows."""

    iri: str
    graph: Graph
    incoming: list[tuple[str, str]]
    incoming_truncated: bool
    provenance: list[tuple[str, str | None]]
    sources: list[Source]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


def resource_exists(store: Store, iri: str) -> bool:
    """True when the IRI is used as subject or object in any graph."""
    return store.ask(
        "ASK WHERE { { ?s ?p ?o } UNION { ?x ?q ?s } }",
        bindings={"s": Term.iri(iri)},
    )


def describe(store: Store, iri: str) -> Graph:
    """The Concise Bounded Description of ``iri`` plus the labels of its IRI objects."""
    subject = Term.iri(iri)
    graph = Graph()
    cbd = store.construct("DESCRIBE ?s WHERE { }", bindings={"s": subject})
    if cbd:
        graph.parse(data=cbd, format="nt")
    labels = store.construct(
        f"CONSTRUCT {{ ?o ?lp ?l }} WHERE {{ ?s ?p ?o . FILTER(isIRI(?o)) ?o ?lp ?l . {_LABEL_FILTER} }}",
        bindings={"s": subject},
    )
    if labels:
        graph.parse(data=labels, format="nt")
    return graph


def resource_page(store: Store, iri: str) -> ResourcePage:
    """The description plus incoming links, provenance, sources and every label the page needs."""
    subject = Term.iri(iri)
    graph = describe(store, iri)
    incoming_rows = store.select(
        f"SELECT DISTINCT ?x ?p WHERE {{ ?x ?p ?s . FILTER(isIRI(?x)) }} LIMIT {MAX_INCOMING + 1}",
        bindings={"s": subject},
    ).rows
    incoming = sorted((row["x"].value, row["p"].value) for row in incoming_rows[:MAX_INCOMING])
    provenance_rows = store.select(
        "SELECT DISTINCT ?g ?title WHERE { GRAPH ?g { ?s ?p ?o } "
        f"OPTIONAL {{ GRAPH <{META_GRAPH}> {{ ?g <{DCTERMS.title}> ?title }} }} }} ORDER BY ?g",
        bindings={"s": subject},
    ).rows
    provenance = [(row["g"].value, row["title"].value if "title" in row else None) for row in provenance_rows]
    source_rows = store.select(
        f"SELECT DISTINCT ?src ?page WHERE {{ ?s <{DCTERMS.source}> ?src . FILTER(isIRI(?src)) "
        f"OPTIONAL {{ ?src <{FOAF.page}> ?page }} }} ORDER BY ?src",
        bindings={"s": subject},
    ).rows
    pages: dict[str, str | None] = {}
    for row in source_rows:
        pages.setdefault(row["src"].value, row["page"].value if "page" in row else None)
    wanted = {iri, *pages}
    wanted.update(str(t) for triple in graph for t in triple if isinstance(t, URIRef))
    wanted.update(x for pair in incoming for x in pair)
    labels = labels_of(store, wanted)
    for s, p, o in graph:
        if p in LABEL_PREDICATES and isinstance(s, URIRef) and isinstance(o, Literal):
            labels.setdefault(str(s), {}).setdefault(o.language or "", str(o))
    sources = [Source(src, labels.get(src, {}), page) for src, page in pages.items()]
    return ResourcePage(
        iri=iri,
        graph=graph,
        incoming=incoming,
        incoming_truncated=len(incoming_rows) > MAX_INCOMING,
        provenance=provenance,
        sources=sources,
        labels=labels,
    )


def labels_of(store: Store, iris: Iterable[str], chunk: int = 400) -> dict[str, dict[str, str]]:
    """Labels per IRI and language (rdfs:label first, then skos:prefLabel, dcterms:title, sh:name)."""
    found: dict[str, dict[str, str]] = {}
    valid = sorted({i for i in iris if _is_iri(i)})
    rank = {str(p): n for n, p in enumerate(LABEL_PREDICATES)}
    for start in range(0, len(valid), chunk):
        values = " ".join(Term.iri(i).n3() for i in valid[start : start + chunk])
        rows = store.select(
            f"SELECT ?x ?lp ?l WHERE {{ VALUES ?x {{ {values} }} ?x ?lp ?l . {_LABEL_FILTER} }}"
        ).rows
        ordered = sorted(rows, key=lambda r: rank.get(r["lp"].value, 99))
        for row in ordered:
            found.setdefault(row["x"].value, {}).setdefault(row["l"].lang or "", row["l"].value)
    return found


def pick_label(labels: dict[str, str] | None, lang: str) -> str | None:
    """The label in ``lang``, else English, else one without a language, else any."""
    if not labels:
        return None
    for key in (lang, "en", ""):
        if key in labels:
            return labels[key]
    return next(iter(labels.values()))


def statements(graph: Graph, iri: str) -> list[tuple[URIRef, list[URIRef | Literal | BNode]]]:
    """Outgoing statements of ``iri`` grouped by predicate, rdf:type first."""
    grouped: dict[URIRef, list[URIRef | Literal | BNode]] = {}
    for p, o in graph.predicate_objects(URIRef(iri)):
        grouped.setdefault(p, []).append(o)  # type: ignore[arg-type]
    order = sorted(grouped, key=lambda p: (p != RDF.type, str(p)))
    return [
        (p, sorted(grouped[p], key=lambda o: (getattr(o, "language", None) or "", str(o)))) for p in order
    ]


def _is_iri(value: str) -> bool:
    try:
        Term.iri(value)
    except ValueError:
        return False
    return True
