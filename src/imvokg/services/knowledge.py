"""The domain questions of the REST API: agreements, coverage, gaps, recognitions.

Each answer is assembled from named queries (queries/agreements, queries/
coverage) so the SPARQL behind it can be read and rerun. Each question comes
in two forms: ``x_question(...)`` builds the :class:`Question` (its key needs no
I/O, so the web edge can look it up on the event loop) and ``x(...)`` gives its
value; both reach the same single cache entry.

Every question states its scope, what its answer depends on beyond the
resources it names (``imvokg.cache``): lists depend on anything new being
typed, a sector's answers on the sector's family (agreements on narrower
sectors count), an agreement's description on what points at it (decisions).
So a write keeps every answer it does not concern.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from imvokg.cache import TYPED, Question, about, linked, named_iris
from imvokg.errors import NotFound
from imvokg.messages import N_
from imvokg.services.conformance import ConformanceService
from imvokg.services.identifiers import (
    agreement_iri,
    country_code,
    country_iri,
    risk_iri,
    sector_iri,
    short,
)
from imvokg.services.runner import QueryRunner, lang_term, note, row_text, row_value, tags_of
from imvokg.store.base import Row, SelectResult, Term

_PLAIN_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class KnowledgeService:
    """Answers to the questions researchers and supervisors ask most."""

    def __init__(self, runner: QueryRunner, conformance: ConformanceService | None = None) -> None:
        self.runner = runner
        self.conformance = conformance or ConformanceService(runner)

    # -- agreements --------------------------------------------------------
    def list_agreements(
        self,
        *,
        sector: str | None = None,
        risk: str | None = None,
        recognised_by: str | None = None,
        valid_on: str | None = None,
        lang: str | None = None,
    ) -> list[dict[str, Any]]:
        return self.runner.ask(
            self.list_agreements_question(
                sector=sector, risk=risk, recognised_by=recognised_by, valid_on=valid_on, lang=lang
            )
        )

    def list_agreements_question(
        self,
        *,
        sector: str | None = None,
        risk: str | None = None,
        recognised_by: str | None = None,
        valid_on: str | None = None,
        lang: str | None = None,
    ) -> Question[list[dict[str, Any]]]:
        bindings: dict[str, Term] = {"lang": lang_term(lang)}
        must_exist: list[tuple[Term, str]] = []
        if sector:
            bindings["sector"] = sector_iri(sector)
            must_exist.append((bindings["sector"], "sector"))
        if risk:
            bindings["risk"] = risk_iri(risk)
            must_exist.append((bindings["risk"], "risk topic"))
        if recognised_by:
            bindings["recognised_by"] = country_iri(recognised_by)
        if valid_on:
            bindings["valid_on"] = self.runner.registry.term("agreements", "valid_on", valid_on)

        def compute() -> list[dict[str, Any]]:
            for term, what in must_exist:
                self._existing(term, what)
            for term, _ in must_exist:
                self._family(term)
            return self._list_agreements(bindings)

        scope = frozenset({TYPED, *(linked(t.value) for t in bindings.values() if t.kind == "iri")})
        return Question(("agreements", _bound(bindings)), compute, scope)

    def _list_agreements(self, bindings: dict[str, Term]) -> list[dict[str, Any]]:
        rows = self.runner.select("agreements", bindings)
        out = []
        for row in rows:
            iri = row["agreement"].value
            out.append(
                {
                    "slug": short(iri),
                    "iri": iri,
                    "label": row_value(row, "label"),
                    "kind": row_value(row, "kind"),
                    "country": country_code(row_text(row, "country")),
                    "signing_date": row_value(row, "signing_date"),
                    "start_date": row_value(row, "start_date"),
                    "end_date": row_value(row, "end_date"),
                    "status": row_value(row, "status"),
                    "sectors": sorted(short(s) for s in (row_text(row, "sectors") or "").split() if s),
                }
            )
        return out

    def get_agreement(self, slug: str, *, lang: str | None = None) -> dict[str, Any]:
        return self.runner.ask(self.get_agreement_question(slug, lang=lang))

    def get_agreement_question(self, slug: str, *, lang: str | None = None) -> Question[dict[str, Any]]:
        iri = agreement_iri(slug)
        language = lang_term(lang)
        return Question(
            ("agreement", iri.value, language.value),
            lambda: self._agreement(iri, language),
            frozenset({about(iri.value), linked(iri.value)}),
        )

    def _agreement(self, iri: Term, language: Term) -> dict[str, Any]:
        bindings = {"agreement": iri, "lang": language}
        summary = self.runner.select("agreement-summary", bindings)
        if not len(summary):
            raise NotFound(
                N_("there is no agreement '%(value)s'; GET /api/v1/agreements lists them"),
                value=short(iri.value),
            )
        facts: dict[str, list[Row]] = defaultdict(list)
        for row in summary:
            facts[short(row["property"].value)].append(row)

        def literal(prop: str, lang_code: str | None = None) -> Any:
            for row in facts.get(prop, []):
                term = row["value"]
                if lang_code is None or term.lang == lang_code:
                    return term.python()
            return None

        names = {row["value"].lang: row["value"].value for row in facts.get("label", []) if row["value"].lang}
        parties = [
            {
                "slug": short(row["party"].value),
                "iri": row["party"].value,
                "label": row_value(row, "party_label"),
                "kind": row_value(row, "kind"),
                "role": short(row["role"].value),
                "role_label": row_value(row, "role_label"),
                "country": country_code(row_text(row, "country")),
                "start_date": row_value(row, "start_date"),
                "end_date": row_value(row, "end_date"),
            }
            for row in self.runner.select("agreement-parties", bindings)
        ]
        commitments = [
            {
                "iri": row["commitment"].value,
                "label": row_value(row, "commitment_label"),
                "risk": short(row["topic"].value),
                "risk_label": row_value(row, "topic_label"),
                "steps": sorted((row_text(row, "steps") or "").split()),
            }
            for row in self.runner.select("agreement-commitments", bindings)
        ]
        provisions = [
            {
                "iri": row["provision"].value,
                "label": row_value(row, "label"),
                "instrument": row_value(row, "instrument"),
                "instrument_label": row_value(row, "instrument_label"),
            }
            for row in self.runner.select("agreement-provisions", bindings)
        ]
        mechanisms = [
            {
                "iri": row["mechanism"].value,
                "label": row_value(row, "label"),
                "kinds": sorted((row_text(row, "kinds") or "").split()),
                "operated_by": row_value(row, "operated_by"),
                "description": row_value(row, "description"),
            }
            for row in self.runner.select("agreement-mechanisms", bindings)
        ]
        recognitions = self._recognitions({"agreement": iri, "lang": language})
        return {
            "slug": short(iri.value),
            "iri": iri.value,
            "label": names.get(language.value) or names.get("en"),
            "names": names,
            "kind": "foreign-initiative"
            if "ForeignSectorInitiative" in {short(r["value"].value) for r in facts.get("type", [])}
            else "irbc-agreement",
            "description": literal("description", "en"),
            "sectors": sorted(short(r["value"].value) for r in facts.get("coversSector", [])),
            "country": country_code(literal("country")),
            "signing_date": literal("signingDate"),
            "start_date": literal("startDate"),
            "end_date": literal("endDate"),
            "status": short(literal("agreementStatus") or "") or None,
            "founding_year": literal("foundingYear"),
            "web_page": literal("page"),
            "sources": sorted(r["value"].value for r in facts.get("source", [])),
            "notes": [r["value"].value for r in facts.get("note", [])],
            "editorial_notes": [r["value"].value for r in facts.get("editorialNote", [])],
            "parties": parties,
            "risks": commitments,
            "provisions": provisions,
            "mechanisms": mechanisms,
            "recognitions": recognitions,
            "requirements": self.conformance.for_agreement(iri.value, lang=language.value),
        }

    # -- coverage and gaps -------------------------------------------------
    def coverage(
        self, sector: str, *, min_salience: float | None = None, lang: str | None = None
    ) -> dict[str, Any]:
        return self.runner.ask(self.coverage_question(sector, min_salience=min_salience, lang=lang))

    def coverage_question(
        self, sector: str, *, min_salience: float | None = None, lang: str | None = None
    ) -> Question[dict[str, Any]]:
        sector_term = sector_iri(sector)
        bindings = {"sector": sector_term, "lang": lang_term(lang)}
        if min_salience is not None:
            bindings["min_salience"] = self.runner.registry.term(
                "sector-coverage", "min_salience", repr(float(min_salience))
            )
        return Question(
            ("coverage", _bound(bindings)),
            lambda: self._coverage(sector_term, bindings),
            frozenset({linked(sector_term.value)}),
        )

    def _coverage(self, sector_term: Term, bindings: dict[str, Term]) -> dict[str, Any]:
        self._existing(sector_term, "sector")
        self._family(sector_term)
        rows = self.runner.select("sector-coverage", bindings)
        # the query names covering agreements in English; the agreement list has them in the
        # asked language (and is cached), so names come from there
        language = bindings["lang"].value if "lang" in bindings else "en"
        # (the names of the agreements in the rows: those are what this answer depends on, not on
        # everything the list does)
        agreements = self.runner.ask(self.list_agreements_question(lang=language), depend=False)
        names = {a["iri"]: a["label"] for a in agreements if a.get("label")}
        by_topic: dict[str, dict[str, Any]] = {}
        for row in rows:
            topic = row["topic"].value
            entry = by_topic.setdefault(
                topic,
                {
                    "risk": short(topic),
                    "iri": topic,
                    "label": row_value(row, "topic_label"),
                    "salience": None,
                    "assessments": {},
                    "agreements": {},
                },
            )
            risk_iri_value = row["risk"].value
            if risk_iri_value not in entry["assessments"]:
                entry["assessments"][risk_iri_value] = {
                    "assessed_risk": risk_iri_value,
                    "assessment": row["assessment"].value,
                    "assessment_label": row_value(row, "assessment_label"),
                    "assessed_sector": short(row["assessed_sector"].value),
                    "score": row_value(row, "score"),
                    "rank": row_value(row, "rank"),
                    "severity": {
                        "scale": row_value(row, "scale"),
                        "scope": row_value(row, "scope"),
                        "irremediable_character": row_value(row, "irremediability"),
                    },
                    "likelihood": row_value(row, "likelihood"),
                    "basis": row_value(row, "basis"),
                }
            if "agreement" in row:
                agreement = row["agreement"].value
                entry["agreements"][agreement] = {
                    "slug": short(agreement),
                    "iri": agreement,
                    "label": names.get(agreement) or row_value(row, "agreement_label"),
                    "coverage": "covered" if row_value(row, "match") == "direct" else "partly_covered",
                    "match": row_value(row, "match"),
                    "recognised": bool(row_value(row, "recognised")),
                }
        risks = []
        for entry in by_topic.values():
            assessments = sorted(entry["assessments"].values(), key=lambda a: -(a["score"] or 0))
            best = assessments[0]
            entry["salience"] = {
                "score": best["score"],
                "severity": best["severity"],
                "likelihood": best["likelihood"],
                "basis": best["basis"],
                "from": best["assessment"],
            }
            entry["assessments"] = assessments
            entry["agreements"] = sorted(entry["agreements"].values(), key=lambda a: a["slug"])
            entry["covered"] = bool(entry["agreements"])
            risks.append(entry)
        risks.sort(key=lambda e: (-(e["salience"]["score"] or 0), e["label"] or ""))
        return {
            "sector": short(sector_term.value),
            "sector_iri": sector_term.value,
            "query": "/queries/sector-coverage",
            "risks": risks,
        }

    def gaps(self, sector: str, *, recognised_only: bool = True, lang: str | None = None) -> dict[str, Any]:
        return self.runner.ask(self.gaps_question(sector, recognised_only=recognised_only, lang=lang))

    def gaps_question(
        self, sector: str, *, recognised_only: bool = True, lang: str | None = None
    ) -> Question[dict[str, Any]]:
        sector_term = sector_iri(sector)
        bindings = {
            "sector": sector_term,
            "lang": lang_term(lang),
            "recognised_only": self.runner.registry.term(
                "sector-gaps", "recognised_only", "true" if recognised_only else "false"
            ),
        }

        def compute() -> dict[str, Any]:
            self._existing(sector_term, "sector")
            self._family(sector_term)
            # the agreements on the sector decide what is covered, and none shows in the answer
            covering = self.runner.ask(self.list_agreements_question(sector=sector), depend=False)
            note(tags_of(a["iri"] for a in covering))
            rows = self.runner.select("sector-gaps", bindings)
            return {
                "sector": short(sector_term.value),
                "sector_iri": sector_term.value,
                "basis": "recognised agreements" if recognised_only else "any agreement",
                "query": "/queries/sector-gaps",
                "gaps": [
                    {
                        "risk": short(row["topic"].value),
                        "iri": row["topic"].value,
                        "label": row_value(row, "topic_label"),
                        "max_score": row_value(row, "max_score"),
                        "assessments": row_value(row, "assessments"),
                    }
                    for row in rows
                ],
            }

        # and on anything new typed: a decision or an agreement may close or open a gap
        return Question(("gaps", _bound(bindings)), compute, frozenset({TYPED, linked(sector_term.value)}))

    # -- recognitions ------------------------------------------------------
    def recognitions(
        self, *, member_state: str | None = None, valid_on: str | None = None, lang: str | None = None
    ) -> list[dict[str, Any]]:
        return self.runner.ask(
            self.recognitions_question(member_state=member_state, valid_on=valid_on, lang=lang)
        )

    def recognitions_question(
        self, *, member_state: str | None = None, valid_on: str | None = None, lang: str | None = None
    ) -> Question[list[dict[str, Any]]]:
        bindings: dict[str, Term] = {"lang": lang_term(lang)}
        if member_state:
            bindings["member_state"] = country_iri(member_state)
        if valid_on:
            bindings["valid_on"] = self.runner.registry.term("recognitions", "valid_on", valid_on)
        return Question(
            ("recognitions", _bound(bindings)),
            lambda: self._recognitions(bindings),
            frozenset({TYPED}),
            update=lambda before, touched: self._recognitions_updated(bindings, before, touched),
        )

    def _recognitions(self, bindings: dict[str, Term]) -> list[dict[str, Any]]:
        return self._recognition_rows(self.runner.select("recognitions", bindings))

    def _recognitions_updated(
        self, bindings: dict[str, Term], before: list[dict[str, Any]], touched: frozenset[str]
    ) -> list[dict[str, Any]] | None:
        """The list after a write: the rows of the agreements it touched read again, the others kept.

        A row reads its decision, the agreement (names, later decisions of the
        same member state, versions) and the authority's name. Every write to a
        decision or a version names its agreement (``imvo:recognises``,
        ``dcterms:isVersionOf``: the agreement is ``linked``), so the rows of the
        other agreements stay as they were, unless the write touched a resource
        a kept row names (an authority's name): then the list is computed whole
        (None), as it is when a date is not a plain date (the order below
        compares them as text).
        """
        base = agreement_iri("x").value[:-1]
        written = {tag.split(":", 1)[1] for tag in touched if tag.startswith(("about:", "linked:"))}
        agreements = sorted(iri for iri in written if iri.startswith(base) and "/" not in iri[len(base) :])
        slugs = {short(iri) for iri in agreements}
        if any(short(iri) in slugs for iri in written if iri not in agreements):
            return None  # a resource elsewhere with an agreement's slug: the rows cannot tell them apart
        kept = [row for row in before if row["agreement"] not in slugs]
        subjects = {tag[len("about:") :] for tag in touched if tag.startswith("about:")}
        if subjects & set(named_iris(kept)):
            return None
        fresh = (
            self._recognition_rows(
                self.runner.select_rows(
                    "recognitions", "agreement", [Term.iri(a) for a in agreements], bindings
                )
            )
            if agreements
            else []
        )
        rows = kept + fresh
        issued = [row["issued"] for row in rows if row["issued"] is not None]
        if not all(isinstance(i, str) and _PLAIN_DATE.match(i) for i in issued):
            return None
        if len({row["decision"] for row in rows}) != len(rows):
            return None  # a decision in two rows: only the query itself groups them
        # ORDER BY DESC(?issued) ?decision: newest first, undated last, then by decision
        rows.sort(key=lambda row: row["decision"])
        rows.sort(key=lambda row: (row["issued"] is not None, row["issued"] or ""), reverse=True)
        return rows

    def _recognition_rows(self, result: SelectResult) -> list[dict[str, Any]]:
        return [
            {
                "decision": row["decision"].value,
                "agreement": short(row["agreement"].value),
                "agreement_label": row_value(row, "agreement_label"),
                "authority": row_value(row, "authority"),
                "authority_label": row_value(row, "authority_label"),
                "member_state": country_code(row_text(row, "state")),
                "issued": row_value(row, "issued"),
                "valid_from": row_value(row, "valid_from"),
                "valid_until": row_value(row, "valid_until"),
                "outcome": short(row_text(row, "outcome") or ""),
                "supervision_regime": short(row_text(row, "regime") or "") or None,
                "legal_effects": sorted(short(e) for e in (row_text(row, "legal_effects") or "").split()),
                "version": row_value(row, "version"),
                "version_superseded": row_value(row, "superseded"),
            }
            for row in result
        ]

    # -- helpers -----------------------------------------------------------
    def _existing(self, term: Term, what: str) -> Term:
        """`term` if the graph knows it; else NotFound naming `what` ("sector" or "risk topic")."""
        known = self.runner.tracked_part(
            ("exists", term.value),
            lambda: self.runner.ask_named("resource-exists", {"iri": term}),
            (about(term.value), linked(term.value)),
        )
        if not known:
            if what == "sector":
                raise NotFound(N_("there is no sector '%(value)s' in the graph"), value=short(term.value))
            raise NotFound(N_("there is no risk topic '%(value)s' in the graph"), value=short(term.value))
        return term

    def _family(self, concept: Term) -> None:
        """Note that the answer being computed depends on what points at the concept's family."""
        family = self.runner.tracked_part(("family", concept.value), lambda: _family_of(self.runner, concept))
        note(linked(member) for member in family)


def _family_of(runner: QueryRunner, concept: Term) -> list[str]:
    return [row["member"].value for row in runner.select("concept-family", {"concept": concept})]


def _bound(bindings: dict[str, Term]) -> tuple[tuple[str, str], ...]:
    """Bindings as part of a cache key: order-free, values only (the names fix their types)."""
    return tuple(sorted((k, v.value) for k, v in bindings.items()))
