"""Minimum-requirement conformance of the agreements in the published graph.

Each answer is one pySHACL run over the agreement's neighbourhood (the named
query ``agreement-neighbourhood``: the agreement and what the shapes follow
from it), not over the whole graph: the same statuses for a third of the time,
because the shapes never look further than that neighbourhood. Answers are
cached with the resources of that neighbourhood as what they depend on, so a
repeated call is a dictionary lookup, a write that touches the neighbourhood
(an approval, a withdrawal, an amendment) is seen at once, and other writes
keep it.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef

from imvokg.cache import about, linked
from imvokg.services.runner import QueryRunner, note, tags_of
from imvokg.store.base import Term
from imvokg.validation import message_language, requirement_conformance

NEIGHBOURHOOD_QUERY = "agreement-neighbourhood"


class ConformanceService:
    """Requirement rows (MR-01 ... MR-14: met / not_met / warning) per agreement."""

    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner

    def for_agreement(self, agreement_iri: str, *, lang: str = "en") -> list[dict[str, Any]]:
        """One row per minimum requirement, titles and messages in ``lang`` (where they exist)."""
        language = message_language(lang)
        key = ("conformance", agreement_iri, language)
        scope = (about(agreement_iri), linked(agreement_iri))
        return self.runner.tracked_part(key, lambda: self._compute(agreement_iri, language), scope)

    def neighbourhood(self, agreement_iri: str) -> Graph:
        """The agreement's neighbourhood as an rdflib graph (what the shapes look at)."""
        ntriples = self.runner.construct_named(NEIGHBOURHOOD_QUERY, {"agreement": Term.iri(agreement_iri)})
        graph = Graph()
        if ntriples.strip():
            graph.parse(data=ntriples, format="nt")
        return graph

    def _compute(self, agreement_iri: str, lang: str) -> list[dict[str, Any]]:
        graph = self.neighbourhood(agreement_iri)
        note(tags_of({str(t) for triple in graph for t in triple if isinstance(t, URIRef)}))
        rows = requirement_conformance(graph, agreement_iri, lang=lang)
        return [
            {
                "id": row["id"],
                "iri": row["iri"],
                "title": row["title"],
                "status": row["status"],
                "messages": row["messages"],
            }
            for row in rows
        ]
