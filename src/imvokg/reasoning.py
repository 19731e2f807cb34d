"""OWL reasoning with HermiT (through owlready2), run once per build.

owlready2 fetches owl:imports and reads only N-Triples/RDF-XML, so the
reasoner gets a closed world we assemble ourselves: the TBox, local
declaration stubs of the reused vocabularies, and the part of the ABox the
axioms talk about (class assertions and object-property assertions). Free
text, dates and annotations are left out: they carry no axioms, and leaving
them out keeps HermiT fast. owlready2 is imported lazily, in a fresh World.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from imvokg.errors import InconsistentOntology, JavaUnavailable, ReasonerError
from imvokg.messages import N_

KEEP_NAMESPACES = (
    "https://w3id.org/imvokg/ont#",
    "http://www.w3.org/ns/org#",
)


@dataclass(frozen=True)
class ReasoningResult:
    """What HermiT added: class memberships and derived property values."""

    inferred: Graph
    seconds: float


def reasoner_input(tbox: Graph, abox: Graph) -> Graph:
    """The closed world handed to HermiT: TBox plus the axiom-relevant ABox."""
    world = Graph()
    for triple in tbox:
        world.add(triple)
    classes = set(tbox.subjects(RDF.type, OWL.Class))
    object_properties = set(tbox.subjects(RDF.type, OWL.ObjectProperty))
    for s, p, o in abox:
        if (
            isinstance(s, URIRef)
            and isinstance(o, URIRef)
            and ((p == RDF.type and o in classes) or p in object_properties)
        ):
            world.add((s, p, o))
    return world


def run_hermit(world_graph: Graph) -> ReasoningResult:
    """Classify and realise with HermiT; return only the triples it added."""
    import time

    java = shutil.which("java")
    if java is None:
        raise JavaUnavailable(
            N_(
                "the OWL reasoner needs a Java runtime; install one (e.g. `apt-get install "
                "default-jre-headless`) or run the build with --no-reason"
            )
        )
    import owlready2

    owlready2.JAVA_EXE = java
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="imvokg-reason-") as tmp:
        path = Path(tmp) / "closure.nt"
        world_graph.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            onto = world.get_ontology(path.as_uri()).load(format="ntriples")
            before = {(s, p, o) for s, p, o in world.as_rdflib_graph()}
            with onto:
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=True, debug=0, ignore_unsupported_datatypes=True
                )
        except owlready2.OwlReadyInconsistentOntologyError:
            raise InconsistentOntology(
                "the ontology and data are inconsistent: " + explain_inconsistency(world_graph)
            ) from None
        except owlready2.OwlReadyJavaError as exc:
            raise ReasonerError(
                N_("the reasoner failed: %(value)s"), value=str(exc).splitlines()[-1][:300]
            ) from None
        inferred = Graph()
        for triple in world.as_rdflib_graph():
            if triple in before:
                continue
            s, p, o = triple
            if not (isinstance(s, URIRef) and isinstance(o, URIRef)):
                continue
            if (p == RDF.type and str(o).startswith(KEEP_NAMESPACES)) or str(p).startswith(
                KEEP_NAMESPACES[0]
            ):
                inferred.add(triple)
        world.close()
    return ReasoningResult(inferred, time.perf_counter() - started)


def explain_inconsistency(world_graph: Graph) -> str:
    """Name the individuals typed with classes the ontology declares disjoint.

    HermiT only says "inconsistent"; the usual cause in curated data is an
    organisation or resource typed twice with disjoint classes, so we look for
    exactly that, through the subclass hierarchy.
    """
    disjoint: set[frozenset[Node]] = set()
    for a, b in world_graph.subject_objects(OWL.disjointWith):
        disjoint.add(frozenset((a, b)))
    for node in world_graph.subjects(RDF.type, OWL.AllDisjointClasses):
        head = world_graph.value(node, OWL.members)
        members = list(world_graph.items(head)) if head is not None else []
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                disjoint.add(frozenset((a, b)))

    def ancestors(cls: Node) -> set[Node]:
        return {c for c in world_graph.transitive_objects(cls, RDFS.subClassOf) if c is not None}

    problems = []
    for individual in set(world_graph.subjects(RDF.type, None)):
        types = [t for t in world_graph.objects(individual, RDF.type) if isinstance(t, URIRef)]
        closure = {t: ancestors(t) for t in types}
        for pair in disjoint:
            a, b = tuple(pair)
            holders_a = [t for t, anc in closure.items() if a in anc]
            holders_b = [t for t, anc in closure.items() if b in anc]
            if holders_a and holders_b:
                problems.append(
                    f"{individual} is typed {holders_a[0]} and {holders_b[0]}, "
                    f"but {a} and {b} are declared disjoint"
                )
    if not problems:
        return "no disjoint-class clash found; check domain/range and restriction axioms"
    return "; ".join(sorted(set(problems))[:10])
