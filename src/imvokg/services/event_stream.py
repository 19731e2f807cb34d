"""The registry's decisions as a Linked Data Event Stream (LDES 1.0 on the TREE specification).

Other member states' registries follow this stream instead of polling: it is
an ``ldes:EventStream`` whose members are this registry's decisions, each an
immutable event (a withdrawal is a new member, never a change to the
recognition it withdraws), timestamped by ``prov:generatedAtTime`` and
ordered by it. ``ldes:versionOfPath dcterms:isVersionOf`` names what a
decision is a version of: the recognition of one agreement by one member
state, so a client that keeps the last version of each sees today's state.

Pages hold ``page_size`` members each, oldest first, and are chained by a
``tree:GreaterThanOrEqualToRelation`` on the timestamp: page *k* points to
page *k+1* with the first timestamp found there. A page that is full and has
a successor never changes again (served as immutable); the last page is open
and grows as decisions are published. Every decision is kept: there is no
retention policy, and the stream says so.

Timestamps strictly increase (the workflow stamps each publication under its
lock), so a new member always lands on the open page, never inside a page a
client has already read.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from imvokg.errors import NotFound
from imvokg.integrity import serialize as write
from imvokg.messages import N_
from imvokg.queries import QueryRegistry
from imvokg.services.runner import QueryRunner
from imvokg.services.signing import proof_graph_iri
from imvokg.store.base import Term

MEMBERS_QUERY = "stream-members"
STATEMENTS_QUERY = "stream-page-statements"
GRAPHS_QUERY = "stream-page-graphs"
TREE = "https://w3id.org/tree#"
LDES = "https://w3id.org/ldes#"
PROV_TIME = "http://www.w3.org/ns/prov#generatedAtTime"
IS_VERSION_OF = "http://purl.org/dc/terms/isVersionOf"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
DESCRIPTION = "http://purl.org/dc/terms/description"


@dataclass(frozen=True)
class Member:
    iri: str
    time: str
    graph: str
    agreement: str | None
    state: str | None

    def version_of(self) -> str | None:
        """The recognition this decision is a version of: one agreement in one member state."""
        if not self.agreement or not self.state:
            return None
        return f"{self.agreement}/recognition/{self.state.rsplit('/', 1)[-1]}"


@dataclass(frozen=True)
class Page:
    number: int
    members: list[Member]
    next_time: str | None
    """First timestamp of the next page, when there is one."""
    immutable: bool


FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
"""The stream's formats, the first the default; the dataset formats carry each member's graphs."""
DATASET_FORMATS = ("application/trig", "application/n-quads")


def serialize(quads: list[ox.Quad], media_type: str) -> bytes:
    """Quads in one of FORMATS; a graph format keeps only the default graph."""
    if media_type in DATASET_FORMATS:
        return write(quads, FORMATS[media_type])
    return write([q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)], FORMATS[media_type])


class EventStream:
    """Builds the stream's description and pages from the store's decisions."""

    def __init__(self, runner: QueryRunner, registry: QueryRegistry, *, page_size: int = 100) -> None:
        self.runner = runner
        self.registry = registry
        self.page_size = max(1, page_size)

    def members(self) -> list[Member]:
        """Every member, oldest first (cached per store version)."""
        return self.runner.cached(("ldes-members", self.runner.store.version()), self._members)

    def _members(self) -> list[Member]:
        out, seen = [], set()
        for row in self.runner.select(MEMBERS_QUERY):
            iri = row["member"].value
            if iri in seen:
                continue
            seen.add(iri)
            out.append(
                Member(
                    iri=iri,
                    time=row["time"].value,
                    graph=row["graph"].value,
                    agreement=row["agreement"].value if "agreement" in row else None,
                    state=row["state"].value if "state" in row else None,
                )
            )
        return out

    def page(self, number: int) -> Page:
        members = self.members()
        count = max(1, -(-len(members) // self.page_size))  # an empty stream still has page 0
        if not 0 <= number < count:
            raise NotFound(N_("the event stream has pages 0 to %(last)s"), last=count - 1)
        start = number * self.page_size
        chunk = members[start : start + self.page_size]
        following = members[start + self.page_size] if start + self.page_size < len(members) else None
        full = len(chunk) == self.page_size
        return Page(
            number, chunk, following.time if following else None, immutable=full and following is not None
        )

    def stream_triples(self, stream: str, view: str) -> list[ox.Triple]:
        """The stream itself: what a client reads first."""
        node = ox.NamedNode(stream)
        return [
            ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(LDES + "EventStream")),
            ox.Triple(node, ox.NamedNode(LDES + "timestampPath"), ox.NamedNode(PROV_TIME)),
            ox.Triple(node, ox.NamedNode(LDES + "versionOfPath"), ox.NamedNode(IS_VERSION_OF)),
            ox.Triple(node, ox.NamedNode(TREE + "view"), ox.NamedNode(view)),
            ox.Triple(
                node,
                ox.NamedNode(DESCRIPTION),
                ox.Literal(
                    "Every recognition decision and withdrawal of this registry, oldest first. Every "
                    "member is kept (no retention policy). Each member's graph and its Data Integrity "
                    "proof are in the TriG form of the pages.",
                    language="en",
                ),
            ),
        ]

    def page_quads(
        self, page: Page, stream: str, page_iri: str, next_iri: str, *, graphs: bool
    ) -> list[ox.Quad]:
        """A page: the stream, the relation to the next page, each member's own statements and,
        with ``graphs``, each member's whole graph and its proof graph under their names (TriG)."""
        default = ox.DefaultGraph()
        iri = ox.NamedNode

        def quad(subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: object) -> ox.Quad:
            return ox.Quad(subject, iri(predicate), obj, default)  # type: ignore[arg-type]

        out = [
            ox.Quad(t.subject, t.predicate, t.object, default)
            for t in self.stream_triples(stream, self.view_of(page_iri))
        ]
        node = iri(page_iri)
        out.append(quad(node, RDF_TYPE, iri(TREE + "Node")))
        if page.next_time is not None:
            relation = ox.BlankNode("next")
            out += [
                quad(node, TREE + "relation", relation),
                quad(relation, RDF_TYPE, iri(TREE + "GreaterThanOrEqualToRelation")),
                quad(relation, TREE + "node", iri(next_iri)),
                quad(relation, TREE + "path", iri(PROV_TIME)),
                quad(relation, TREE + "value", ox.Literal(page.next_time, datatype=iri(XSD_DATETIME))),
            ]
        members = {member.iri: member for member in page.members}
        for member in page.members:
            out.append(quad(iri(stream), TREE + "member", iri(member.iri)))
            version_of = member.version_of()
            if version_of:
                out.append(quad(iri(member.iri), IS_VERSION_OF, iri(version_of)))
        if not page.members:
            return out
        window = {
            "from": Term.literal(page.members[0].time, datatype=XSD_DATETIME),
            "to": Term.literal(page.members[-1].time, datatype=XSD_DATETIME),
        }
        for row in self.runner.select(STATEMENTS_QUERY, window):
            if row["member"].value in members:  # the window's ends may hold other pages' members
                out.append(quad(iri(row["member"].value), row["p"].value, _term(row["o"])))
        if graphs:
            wanted = {member.graph for member in page.members}
            wanted |= {proof_graph_iri(graph) for graph in wanted}
            for row in self.runner.select(GRAPHS_QUERY, window):
                if row["graph"].value in wanted:
                    s_term = _term(row["s"])
                    out.append(ox.Quad(s_term, iri(row["p"].value), _term(row["o"]), iri(row["graph"].value)))  # type: ignore[arg-type]
        return out

    def stream_document(self, base: str, media_type: str) -> bytes:
        """The stream's description, for a client at ``base`` (the URL it reached us at)."""
        triples = self.stream_triples(base + "ldes", base + "ldes/0")
        return serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples], media_type)

    def page_document(self, number: int, base: str, media_type: str) -> tuple[bytes, bool]:
        """Page ``number`` in ``media_type``, and whether it will never change."""
        page = self.page(number)
        quads = self.page_quads(
            page, base + "ldes", f"{base}ldes/{number}", f"{base}ldes/{number + 1}",
            graphs=media_type in DATASET_FORMATS,
        )  # fmt: skip
        return serialize(quads, media_type), page.immutable

    @staticmethod
    def view_of(page_iri: str) -> str:
        return page_iri.rsplit("/", 1)[0] + "/0"


def _term(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A result term of the store as a pyoxigraph term, to serialise the page."""
    if term.kind == "iri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype) if term.datatype else None)
