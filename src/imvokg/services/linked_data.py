"""What one resource of the graph "is", for dereferencing its IRI.

The RDF answer is the resource's Concise Bounded Description across all named
graphs (graph/inferred included), plus the labels of the IRIs it points to, so
a client that fetched one document can show it without a second request. The
HTML page adds what a reader needs and RDF clients can ask SPARQL for: the
links pointing in, the named graphs (source files) the statements come from,
and the sources the resource cites, with their titles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from imvokg.namespaces import PREFIXES
from imvokg.services.runner import QueryRunner
from imvokg.store import Term

LABEL_PREDICATES = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SH.name)
"""In the order a name is preferred; ``labels-of.rq`` asks for these."""
MAX_INCOMING = 300
"""Incoming links a page lists (``resource-incoming.rq`` returns one more, to tell there are more)."""

QUERIES = (
    "resource-exists",
    "resource-description",
    "resource-object-labels",
    "resource-incoming",
    "resource-graphs",
    "resource-sources",
    "labels-of",
    "resource-editorial",
)
"""The named queries behind a resource's page (queries/linked-data/)."""
RDF_QUERIES = ("resource-exists", "resource-description", "resource-object-labels")
"""The named queries behind a resource's RDF: its description and the names of what it points to."""


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
    editorial: frozenset[tuple[str, str, str]] = frozenset()
    """(predicate, text, language) of the statements that are editorial translations."""


class LinkedDataService:
    """What the graph says about a resource, for its RDF and its page, from the named queries above."""

    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner

    def exists(self, iri: str) -> bool:
        """True when the IRI is used as subject or object in any graph."""
        return self.runner.ask_named("resource-exists", {"iri": Term.iri(iri)})

    def describe(self, iri: str) -> Graph:
        """The Concise Bounded Description of ``iri`` plus the labels of its IRI objects."""
        about = {"resource": Term.iri(iri)}
        graph = Graph()
        for name in ("resource-description", "resource-object-labels"):
            triples = self.runner.construct_named(name, about)
            if triples:
                graph.parse(data=triples, format="nt")
        return graph

    def page(self, iri: str) -> ResourcePage:
        """The description plus incoming links, provenance, sources and every label the page needs."""
        select = self.runner.select
        graph = self.describe(iri)
        about = {"resource": Term.iri(iri)}
        incoming_rows = select("resource-incoming", about).rows
        incoming = sorted((row["x"].value, row["p"].value) for row in incoming_rows[:MAX_INCOMING])
        provenance = [
            (row["g"].value, row["title"].value if "title" in row else None)
            for row in select("resource-graphs", about).rows
        ]
        pages: dict[str, str | None] = {}
        for row in select("resource-sources", about).rows:
            pages.setdefault(row["src"].value, row["page"].value if "page" in row else None)
        wanted = {iri, *pages}
        wanted.update(str(t) for triple in graph for t in triple if isinstance(t, URIRef))
        wanted.update(x for pair in incoming for x in pair)
        labels = self.labels_of(wanted)
        for s, p, o in graph:
            if p in LABEL_PREDICATES and isinstance(s, URIRef) and isinstance(o, Literal):
                labels.setdefault(str(s), {}).setdefault(o.language or "", str(o))
        editorial = select("resource-editorial", about).rows
        return ResourcePage(
            iri=iri,
            graph=graph,
            incoming=incoming,
            incoming_truncated=len(incoming_rows) > MAX_INCOMING,
            provenance=provenance,
            sources=[Source(src, labels.get(src, {}), page) for src, page in pages.items()],
            labels=labels,
            editorial=frozenset((row["p"].value, row["o"].value, row["o"].lang or "") for row in editorial),
        )

    def type_names(self, iris: Iterable[str], lang: str) -> dict[str, str]:
        """What each resource is, in `lang`: the name of a class of the ontology it is stated to be.

        Only stated types count (not the superclasses the reasoner adds), so a trade union
        reads "trade union", not "party".
        """
        valid = sorted({i for i in iris if _is_iri(i)})
        if not valid:
            return {}
        language = self.runner.registry.term("type-names", "lang", lang)
        rows = self.runner.select_rows("type-names", "x", [Term.iri(i) for i in valid], {"lang": language})
        names: dict[str, str] = {}
        for row in rows:
            names.setdefault(row["x"].value, row["name"].value)
        return names

    def labels_of(self, iris: Iterable[str], chunk: int = 400) -> dict[str, dict[str, str]]:
        """Labels per IRI and language (rdfs:label first, then skos:prefLabel, dcterms:title, sh:name)."""
        found: dict[str, dict[str, str]] = {}
        valid = sorted({i for i in iris if _is_iri(i)})
        rank = {str(p): n for n, p in enumerate(LABEL_PREDICATES)}
        for start in range(0, len(valid), chunk):
            terms = [Term.iri(i) for i in valid[start : start + chunk]]
            rows = self.runner.select_rows("labels-of", "x", terms).rows
            for row in sorted(rows, key=lambda r: rank.get(r["lp"].value, 99)):
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


# -- the statements table of a resource page ---------------------------------

Link = Callable[[str], str]
Labels = dict[str, dict[str, str]]
MAX_DEPTH = 6
"""How deep blank nodes (qualified statements, lists) are unfolded on a page."""


def curie(iri: str) -> str:
    """``rdf:type`` rather than the full IRI, for terms without a label."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)) :]}"
    return iri


def statement_rows(
    graph: Graph,
    iri: str,
    link: Link,
    labels: Labels,
    lang: str,
    editorial: frozenset[tuple[str, str, str]] = frozenset(),
) -> list[dict[str, object]]:
    """What the page's statements table shows: each property of ``iri`` with its values, named in ``lang``.

    Plain dictionaries (kind, text, href, language, datatype), so the web layer
    renders them without knowing rdflib's terms.
    """
    return _rows(graph, URIRef(iri), link, labels, lang, 0, editorial)


def _value(
    graph: Graph,
    node: object,
    link: Link,
    labels: Labels,
    lang: str,
    depth: int,
    editorial: frozenset[tuple[str, str, str]] = frozenset(),
    predicate: str = "",
) -> dict[str, object]:
    if isinstance(node, URIRef):
        iri = str(node)
        text = pick_label(labels.get(iri), lang) or curie(iri)
        return {"kind": "iri", "href": link(iri), "text": text, "iri": iri}
    if isinstance(node, Literal):
        datatype = str(node.datatype).rsplit("#", 1)[-1] if node.datatype else None
        marked = (predicate, str(node), node.language or "") in editorial
        return {
            "kind": "literal",
            "text": str(node),
            "lang": node.language,
            "datatype": datatype,
            "editorial": marked,
        }
    if isinstance(node, BNode) and depth < MAX_DEPTH:
        rows = _rows(graph, node, link, labels, lang, depth + 1)
        return {"kind": "bnode", "rows": rows}
    return {"kind": "literal", "text": "[ ... ]", "lang": None, "datatype": None}


def _rows(
    graph: Graph,
    subject: object,
    link: Link,
    labels: Labels,
    lang: str,
    depth: int = 0,
    editorial: frozenset[tuple[str, str, str]] = frozenset(),
) -> list[dict[str, object]]:
    grouped: dict[str, list[object]] = {}
    for p, o in graph.predicate_objects(subject):  # type: ignore[arg-type]
        grouped.setdefault(str(p), []).append(o)
    rows: list[dict[str, object]] = []
    for predicate in sorted(grouped, key=lambda p: (not p.endswith("#type"), p)):
        values = sorted(grouped[predicate], key=lambda o: (getattr(o, "language", None) or "", str(o)))
        rows.append(
            {
                "predicate": {
                    "href": link(predicate),
                    "text": pick_label(labels.get(predicate), lang) or curie(predicate),
                    "iri": predicate,
                },
                "values": [
                    _value(
                        graph,
                        v,
                        link,
                        labels,
                        lang,
                        depth,
                        editorial if depth == 0 else frozenset(),
                        predicate,
                    )
                    for v in values
                ],
            }
        )
    return rows
