"""Two initiatives side by side: what they share and where they differ.

Built from the agreement detail answers (named queries, cached per store
version) and the requirement conformance rows, so a comparison never says
anything the two detail pages do not.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from imvokg.cache import Question
from imvokg.services.identifiers import agreement_iri
from imvokg.services.knowledge import KnowledgeService
from imvokg.services.runner import lang_term


def _split(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Shared, only in a and only in b, keyed by IRI and sorted by label."""

    def ordered(keys: set[str], source: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted((source[k] for k in keys), key=lambda item: (str(item.get("label") or ""), item["iri"]))

    return {
        "shared": ordered(a.keys() & b.keys(), a),
        "only_a": ordered(a.keys() - b.keys(), a),
        "only_b": ordered(b.keys() - a.keys(), b),
    }


def _parties_by_kind(detail: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    by_kind: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for party in detail["parties"]:
        entry = by_kind[party.get("kind") or "party"].setdefault(
            party["iri"], {"slug": party["slug"], "iri": party["iri"], "label": party["label"], "roles": []}
        )
        if party["role"] not in entry["roles"]:
            entry["roles"].append(party["role"])
    return {
        kind: sorted(parties.values(), key=lambda p: str(p["label"] or p["slug"]))
        for kind, parties in sorted(by_kind.items())
    }


class CompareService:
    """Compare two agreements of the published graph."""

    def __init__(self, knowledge: KnowledgeService) -> None:
        self.knowledge = knowledge

    def compare(self, a: str, b: str, *, lang: str = "en") -> dict[str, Any]:
        return self.knowledge.runner.ask(self.compare_question(a, b, lang=lang))

    def compare_question(self, a: str, b: str, *, lang: str = "en") -> Question[dict[str, Any]]:
        key = ("compare", agreement_iri(a).value, agreement_iri(b).value, lang_term(lang).value)
        return Question(key, lambda: self._compare(a, b, lang))

    def _compare(self, a: str, b: str, lang: str) -> dict[str, Any]:
        left = self.knowledge.get_agreement(a, lang=lang)
        right = self.knowledge.get_agreement(b, lang=lang)

        def risks(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
            out: dict[str, dict[str, Any]] = {}
            for commitment in detail["risks"]:
                iri = "https://w3id.org/imvokg/scheme/risk-topic/" + commitment["risk"]
                out[iri] = {"slug": commitment["risk"], "iri": iri, "label": commitment["risk_label"]}
            return out

        def sectors(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
            return {
                s: {"slug": s, "iri": "https://w3id.org/imvokg/scheme/sector/" + s, "label": s}
                for s in detail["sectors"]
            }

        def provisions(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
            return {
                p["iri"]: {
                    "iri": p["iri"],
                    "label": p["label"],
                    "instrument": p["instrument"],
                    "instrument_label": p["instrument_label"],
                }
                for p in detail["provisions"]
            }

        def parties(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
            return {
                p["iri"]: {"slug": p["slug"], "iri": p["iri"], "label": p["label"], "kind": p["kind"]}
                for p in detail["parties"]
            }

        right_rows = {row["id"]: row for row in right["requirements"]}
        requirements = [
            {
                "id": row["id"],
                "title": row["title"],
                "a": row["status"],
                "b": right_rows[row["id"]]["status"] if row["id"] in right_rows else None,
                "a_messages": row["messages"],
                "b_messages": right_rows[row["id"]]["messages"] if row["id"] in right_rows else [],
            }
            for row in left["requirements"]
        ]

        def summary(detail: dict[str, Any]) -> dict[str, Any]:
            met = sum(1 for r in detail["requirements"] if r["status"] == "met")
            return {
                "slug": detail["slug"],
                "iri": detail["iri"],
                "label": detail["label"],
                "kind": detail["kind"],
                "country": detail["country"],
                "start_date": detail["start_date"],
                "end_date": detail["end_date"],
                "status": detail["status"],
                "requirements_met": met,
                "recognitions": len(detail["recognitions"]),
            }

        return {
            "a": summary(left),
            "b": summary(right),
            "parties": {
                "a_by_kind": _parties_by_kind(left),
                "b_by_kind": _parties_by_kind(right),
                **_split(parties(left), parties(right)),
            },
            "sectors": _split(sectors(left), sectors(right)),
            "risks": _split(risks(left), risks(right)),
            "provisions": _split(provisions(left), provisions(right)),
            "requirements": requirements,
        }
