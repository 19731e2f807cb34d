"""Materialising derived triples: ``queries/construct/*.rq``, in file order, the one place that runs them.

The build materialises them over the whole store into ``graph/inferred``; an
approval materialises them over the submitted data (with the ontology) in a
scratch store, so a published agreement answers the same questions as a
curated one. Each query sees what the ones before it derived (the salience
rank needs the scores), which is why the order of the files matters.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph

from imvokg.namespaces import GRAPH, INFERRED_GRAPH
from imvokg.queries import construct_queries
from imvokg.store.embedded import EmbeddedStore
from imvokg.validation import SharedOntology

Loader = Callable[[bytes], None]


def materialise(construct: Callable[[str], bytes], load: Loader) -> list[bytes]:
    """Run every construct query with `construct`, handing each non-empty answer to `load` at once.

    Returns the N-Triples of each step, for callers that keep what was derived.
    """
    steps = []
    for query in construct_queries():
        triples = construct(query.text)
        if triples.strip():
            load(triples)
            steps.append(triples)
    return steps


def materialise_store(store: EmbeddedStore) -> int:
    """The build's step: every derived triple of the store into ``graph/inferred``; how many steps wrote."""
    return len(materialise(store.construct, lambda nt: store.bulk_load(nt, graph=str(INFERRED_GRAPH))))


def derived_triples(data: Graph, ontology: SharedOntology) -> Graph:
    """What the construct queries derive from `data` with the ontology; only triples not already there.

    The ontology comes prepared (its N-Triples written once per process), as an approval needs it.
    """
    scratch = EmbeddedStore(None)
    try:
        scratch.bulk_load(ontology.ntriples, graph=str(GRAPH["ontology"]))
        scratch.bulk_load(data.serialize(format="nt", encoding="utf-8"), graph=str(GRAPH["data"]))
        derived = Graph()
        for triples in materialise(
            scratch.construct, lambda nt: scratch.bulk_load(nt, graph=str(GRAPH["inferred"]))
        ):
            derived.parse(data=triples, format="nt")
    finally:
        scratch.close()
    for triple in list(derived):
        if triple in data or triple in ontology.graph:
            derived.remove(triple)
    return derived
