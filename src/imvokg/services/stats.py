"""Figures about the graph: counts per class, labels per language, sources (``imvokg stats``).

Only the command line calls :func:`graph_stats`, and that is on purpose: each figure
already has one home the API serves. The counts are the named queries
``class-counts`` and ``labels-per-language`` (``GET /queries/class-counts``,
``GET /queries/labels-per-language``), the published size and class partitions
are in VoID (``/.well-known/void``, from ``queries/statistics/published-*.rq``),
and ``resources-without-source`` is a data check the build runs and refuses on.
What is left here is the operator's one-screen summary of a store on disk (the
whole store, the meta graph included) and the exit code a script checks.
"""

from __future__ import annotations

from typing import Any

from imvokg.queries import check_queries, default_registry
from imvokg.store.base import Store


def graph_stats(store: Store) -> dict[str, Any]:
    registry = default_registry()
    classes = store.select(registry.get("class-counts").text)
    labels = store.select(registry.get("labels-per-language").text)
    missing = next(q for q in check_queries() if q.name == "resources-without-source")
    return {
        "triples": store.triple_count(),
        "graphs": len(store.graph_names()),
        "classes": {row["class"].value.rsplit("#", 1)[-1]: int(row["n"].value) for row in classes},
        "labels_per_language": {row["lang"].value: int(row["n"].value) for row in labels},
        "resources_without_source": len(store.select(missing.text)),
    }
