"""Figures about the graph: counts per class, labels per language, sources."""

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
