"""The taxonomies of the JSON API: risk topics, sectors, instruments and provisions.

Each answer is assembled from the named queries in queries/taxonomies, so a
researcher can rerun the SPARQL behind any list. Lists change only when the
store changes, so every answer is cached per store version through the
runner; a request in another language is another cache entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from imvokg.cache import Question
from imvokg.errors import InputError, NotFound
from imvokg.languages import LANGUAGES
from imvokg.messages import N_
from imvokg.namespaces import BASE
from imvokg.services.identifiers import short
from imvokg.services.runner import QueryRunner, lang_term, row_text, row_value
from imvokg.store.base import Row, Term

INSTRUMENT_BASE = f"{BASE}id/instrument/"
# The path below /id/instrument/ is at most instrument/part/sub-part/... (six segments); a
# generous bound keeps silly inputs out of the query without limiting data. Also the
# OpenAPI ``pattern`` of the provision path.
PROVISION_PATTERN = "^[a-z0-9-]+(?:/[a-z0-9-]+){0,5}$"
_PROVISION = re.compile(PROVISION_PATTERN)


def _iris(row: Row, name: str) -> list[str]:
    """A space-separated GROUP_CONCAT column as a sorted list of IRIs."""
    return sorted(v for v in str(row_value(row, name) or "").split() if v)


def _labels(row: Row, langs: tuple[str, ...] = LANGUAGES) -> dict[str, str]:
    return {code: value for code in langs if (value := row_text(row, f"label_{code}"))}


def provision_iri(slug: str) -> Term:
    """The IRI of a provision from the path after /id/instrument/, checked segment by segment.

    Each segment must be a slug so that nothing a user types can reach the
    query except a well-formed IRI of our own namespace.
    """
    if not _PROVISION.fullmatch(slug):
        raise InputError(
            N_(
                "a provision is named by the path after /id/instrument/, lowercase letters, "
                "digits and '-' in each segment, e.g. ungp-2011/principle-14"
            )
        )
    return Term.iri(INSTRUMENT_BASE + slug)


def _provision_slug(iri: str | None) -> str | None:
    if iri and iri.startswith(INSTRUMENT_BASE):
        return iri[len(INSTRUMENT_BASE) :]
    return None


class TaxonomyService:
    """Lists of the controlled vocabularies and instruments, and one provision."""

    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner

    # -- risk topics -------------------------------------------------------
    def risks(self, *, lang: str | None = None) -> list[dict[str, Any]]:
        return self.runner.ask(self.risks_question(lang=lang))

    def risks_question(self, *, lang: str | None = None) -> Question[list[dict[str, Any]]]:
        language = lang_term(lang)
        return Question(("taxonomy-risks", language.value), lambda: self._risks(language))

    def _risks(self, language: Term) -> list[dict[str, Any]]:
        bindings = {"lang": language}
        grounded: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.runner.select("taxonomy-risk-groundings", bindings):
            grounded[row["topic"].value].append(
                {
                    "iri": row["provision"].value,
                    "slug": _provision_slug(row["provision"].value),
                    "label": row_value(row, "provision_label"),
                    "instrument": short(row_text(row, "instrument") or ""),
                }
            )
        out = []
        for row in self.runner.select("taxonomy-risk-topics", bindings):
            iri = row["topic"].value
            out.append(
                {
                    "slug": short(iri),
                    "iri": iri,
                    "notation": row_value(row, "notation"),
                    "label": row_value(row, "label"),
                    "labels": _labels(row),
                    "definition": row_value(row, "definition"),
                    "broader": [short(b) for b in _iris(row, "broader")],
                    "narrower": [short(n) for n in _iris(row, "narrower")],
                    "grounded_by": grounded.get(iri, []),
                }
            )
        return out

    # -- sectors -----------------------------------------------------------
    def sectors(self, *, lang: str | None = None) -> list[dict[str, Any]]:
        return self.runner.ask(self.sectors_question(lang=lang))

    def sectors_question(self, *, lang: str | None = None) -> Question[list[dict[str, Any]]]:
        language = lang_term(lang)
        return Question(("taxonomy-sectors", language.value), lambda: self._sectors(language))

    def _sectors(self, language: Term) -> list[dict[str, Any]]:
        out = []
        for row in self.runner.select("taxonomy-sectors", {"lang": language}):
            iri = row["sector"].value
            out.append(
                {
                    "slug": short(iri),
                    "iri": iri,
                    "label": row_value(row, "label"),
                    "labels": _labels(row),
                    "definition": row_value(row, "definition"),
                    "broader": [short(b) for b in _iris(row, "broader")],
                    "narrower": [short(n) for n in _iris(row, "narrower")],
                    "nace": {
                        "exact": _iris(row, "nace_exact"),
                        "close": _iris(row, "nace_close"),
                        "related": _iris(row, "nace_related"),
                    },
                }
            )
        return out

    # -- instruments -------------------------------------------------------
    def instruments(self, *, lang: str | None = None) -> list[dict[str, Any]]:
        return self.runner.ask(self.instruments_question(lang=lang))

    def instruments_question(self, *, lang: str | None = None) -> Question[list[dict[str, Any]]]:
        language = lang_term(lang)
        return Question(("taxonomy-instruments", language.value), lambda: self._instruments(language))

    def _instruments(self, language: Term) -> list[dict[str, Any]]:
        out = []
        for row in self.runner.select("taxonomy-instruments", {"lang": language}):
            iri = row["instrument"].value
            amends = row_text(row, "amends")
            out.append(
                {
                    "slug": short(iri),
                    "iri": iri,
                    "kind": row_value(row, "kind"),
                    "label": row_value(row, "label"),
                    "labels": _labels(row, ("en", "nl")),
                    "issued": row_value(row, "issued"),
                    "entry_into_force": row_value(row, "entry_into_force"),
                    "amends": short(amends) if amends else None,
                    "provision_count": int(row_text(row, "provisions") or 0),
                }
            )
        return out

    # -- one provision -----------------------------------------------------
    def provision(self, slug: str, *, lang: str | None = None) -> dict[str, Any]:
        return self.runner.ask(self.provision_question(slug, lang=lang))

    def provision_question(self, slug: str, *, lang: str | None = None) -> Question[dict[str, Any]]:
        iri = provision_iri(slug)
        language = lang_term(lang)
        return Question(
            ("taxonomy-provision", iri.value, language.value), lambda: self._provision(iri, language)
        )

    def _provision(self, iri: Term, language: Term) -> dict[str, Any]:
        bindings = {"provision": iri, "lang": language}
        rows = list(self.runner.select("taxonomy-provision", bindings))
        # An aggregate without GROUP BY answers one empty row for an unknown IRI.
        if not rows or row_value(rows[0], "instrument") is None:
            raise NotFound(
                N_("there is no provision '%(value)s'; GET /api/v1/instruments lists the instruments"),
                value=_provision_slug(iri.value),
            )
        facts = rows[0]
        links: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.runner.select("provision-links", bindings):
            target = row["target"].value
            links[row["relation"].value].append(
                {
                    "iri": target,
                    "slug": _provision_slug(target) or short(target),
                    "label": row_value(row, "target_label"),
                }
            )
        parent = row_text(facts, "parent")
        instrument = row_text(facts, "instrument")
        return {
            "slug": _provision_slug(iri.value),
            "iri": iri.value,
            "label": row_value(facts, "label"),
            "labels": _labels(facts, ("en", "nl")),
            "number": row_value(facts, "number"),
            "kind": row_value(facts, "kind"),
            "heading": row_value(facts, "heading"),
            "description": row_value(facts, "description"),
            "page": row_value(facts, "page"),
            "instrument": _provision_slug(instrument),
            "parent": _provision_slug(parent) if parent else None,
            "parts": links.get("part", []),
            "equivalent_provisions": links.get("equivalent", []),
            "risk_topics": [{**t, "slug": short(t["iri"])} for t in links.get("grounds", [])],
            "due_diligence_steps": [{**t, "slug": short(t["iri"])} for t in links.get("step", [])],
            "implements": links.get("implements", []),
            "agreements": [{**t, "slug": short(t["iri"])} for t in links.get("cited-by", [])],
            "agreements_citing_instrument": [
                {**t, "slug": short(t["iri"])} for t in links.get("cited-by-instrument", [])
            ],
            "queries": ["/queries/taxonomy-provision", "/queries/provision-links"],
        }
