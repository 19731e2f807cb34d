"""Figures about the graph: counts per class, labels per language, sources."""

from __future__ import annotations

from typing import Any

from imvokg.queries import check_queries
from imvokg.store.base import Store


def graph_stats(store: Store) -> dict[str, Any]:
    classes = store.select(
        "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class . "
        'FILTER(STRSTARTS(STR(?class), "https://w3id.org/imvokg/ont#")) } GROUP BY ?class ORDER BY ?class'
    )
    labels = store.select(
        "SELECT ?lang (COUNT(*) AS ?n) WHERE { { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION "
        "{ ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } BIND(LANG(?l) AS ?lang) "
        'FILTER(?lang != "") } GROUP BY ?lang ORDER BY DESC(?n)'
    )
    missing = next(q for q in check_queries() if q.name == "resources-without-source")
    return {
        "triples": store.triple_count(),
        "graphs": len(store.graph_names()),
        "classes": {row["class"].value.rsplit("#", 1)[-1]: int(row["n"].value) for row in classes},
        "labels_per_language": {row["lang"].value: int(row["n"].value) for row in labels},
        "resources_without_source": len(store.select(missing.text)),
    }
