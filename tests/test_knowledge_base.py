"""The curated knowledge base, complete and correct: figures and spot checks on the built store.

Counts and facts come from ../shared/reference/irbc-facts.md (section named per
test). They are asked of the real build with SPARQL, so a missing or wrong
triple in data/ fails here, not in front of a researcher.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from tests.test_research_queries import FNV_AGREEMENTS

from imvokg.queries import check_queries
from imvokg.store.embedded import EmbeddedStore

PREFIXES = """
PREFIX imvo: <https://w3id.org/imvokg/ont#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX inst: <https://w3id.org/imvokg/id/instrument/>
PREFIX agr: <https://w3id.org/imvokg/id/agreement/>
PREFIX party: <https://w3id.org/imvokg/id/party/>
PREFIX ptype: <https://w3id.org/imvokg/scheme/provision-type/>
"""


@pytest.fixture(scope="module")
def store(store_path: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(store_path, read_only=True)
    yield opened
    opened.close()


def rows(store: EmbeddedStore, query: str) -> list[dict[str, object]]:
    return [{k: v.python() for k, v in row.items()} for row in store.select(PREFIXES + query)]


def count(store: EmbeddedStore, query: str) -> int:
    (row,) = rows(store, query)
    return int(row["n"])  # type: ignore[arg-type]


def tail(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


# -- completeness ----------------------------------------------------------


# Section 3: 31 principles; pillars I (1-10), II (11-24), III (25-31); FP = 1, 2, 11-15, 25.
def test_ungp_has_31_principles_with_pillar_and_type(store: EmbeddedStore) -> None:
    found = rows(
        store,
        """SELECT ?n ?pillar ?type WHERE {
             ?p eli:is_part_of ?pillarIri ; eli:number ?n ; imvo:provisionType ?t .
             ?pillarIri eli:is_part_of inst:ungp-2011 ; eli:number ?pillar .
             FILTER(?t IN (ptype:foundational-principle, ptype:operational-principle))
             BIND(REPLACE(STR(?t), "^.*/", "") AS ?type) }""",
    )
    principles = {int(str(r["n"])): (r["pillar"], r["type"]) for r in found}
    assert sorted(principles) == list(range(1, 32))
    for n, (pillar, kind) in principles.items():
        assert pillar == ("I" if n <= 10 else "II" if n <= 24 else "III"), n
        foundational = n in {1, 2, 11, 12, 13, 14, 15, 25}
        assert kind == ("foundational-principle" if foundational else "operational-principle"), n


# Section 4: ten fundamental conventions under five principles, two each.
def test_ilo_ten_conventions_under_five_principles(store: EmbeddedStore) -> None:
    found = rows(store, "SELECT ?c ?p WHERE { ?c imvo:implementsPrinciple ?p }")
    conventions = {tail(r["c"]) for r in found}
    expected = {"c029", "c105", "c087", "c098", "c138", "c182", "c100", "c111", "c155", "c187"}
    assert conventions == {f"ilo-{c}" for c in expected}
    per_principle: dict[str, int] = {}
    for r in found:
        per_principle[tail(r["p"])] = per_principle.get(tail(r["p"]), 0) + 1
    assert len(per_principle) == 5 and set(per_principle.values()) == {2}


# Table 1.1: the coal covenant and eleven agreements of 2016-2019.
def test_twelve_dutch_agreements(store: EmbeddedStore) -> None:
    assert count(store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a imvo:IrbcAgreement }") == 12


# Section 6: fourteen comparable initiatives listed (the AGT row is Dutch); at least twelve.
def test_at_least_twelve_foreign_initiatives(store: EmbeddedStore) -> None:
    n = count(store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a imvo:ForeignSectorInitiative }")
    assert n >= 12


def test_thirty_risk_topics_in_four_languages_with_an_english_definition(store: EmbeddedStore) -> None:
    topics = rows(
        store,
        """SELECT ?t (GROUP_CONCAT(DISTINCT LANG(?l); separator=" ") AS ?langs) (COUNT(DISTINCT ?d) AS ?defs)
           WHERE { ?t a imvo:RiskTopic ; skos:prefLabel ?l .
                   OPTIONAL { ?t skos:definition ?d FILTER(LANG(?d) = "en") } }
           GROUP BY ?t""",
    )
    assert len(topics) >= 30
    for t in topics:
        assert {"nl", "en", "de", "fr"} <= set(str(t["langs"]).split()), t["t"]
        assert int(str(t["defs"])) >= 1, t["t"]


# Section 7: every sector of a Dutch agreement has a NACE mapping.
def test_every_agreement_sector_maps_to_nace(store: EmbeddedStore) -> None:
    unmapped = rows(
        store,
        """SELECT DISTINCT ?s WHERE { ?a a imvo:IrbcAgreement ; imvo:coversSector ?s .
             FILTER NOT EXISTS { ?s skos:exactMatch|skos:closeMatch ?nace
                                 FILTER(STRSTARTS(STR(?nace), "http://data.europa.eu/ux2/nace")) } }""",
    )
    assert unmapped == []
    assert (
        count(
            store,
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?a a imvo:IrbcAgreement ; imvo:coversSector ?s }",
        )
        == 12
    )


# Section 2.2: six steps.
def test_six_due_diligence_steps(store: EmbeddedStore) -> None:
    n = count(
        store,
        """SELECT (COUNT(DISTINCT ?s) AS ?n)
           WHERE { ?s a imvo:DueDiligenceStep FILTER NOT EXISTS { ?s skos:broader ?b } }""",
    )
    assert n == 6


# Section 2.1: both editions with chapters I-XI.
@pytest.mark.parametrize("edition", ["oecd-mne-guidelines-2011", "oecd-mne-guidelines-2023"])
def test_oecd_guidelines_editions_have_eleven_chapters(store: EmbeddedStore, edition: str) -> None:
    n = count(
        store,
        f"""SELECT (COUNT(DISTINCT ?c) AS ?n)
            WHERE {{ ?c eli:is_part_of inst:{edition} ; imvo:provisionType ptype:chapter }}""",
    )
    assert n == 11


# Section 5.1: articles 1-39 of the 2024 text.
def test_csddd_has_39_articles(store: EmbeddedStore) -> None:
    n = count(
        store,
        """SELECT (COUNT(DISTINCT ?a) AS ?n)
           WHERE { ?a eli:is_part_of+ inst:csddd-2024 ; imvo:provisionType ptype:article }""",
    )
    assert n == 39


# -- spot checks against the reference ---------------------------------------

# Table 1.1 signing dates. TruStone: the reference says May 2019 (Flemish parties 10 May 2019).
SIGNED = {
    "nl-coal": "2014-11-17",
    "nl-garment-textile": "2016-07-04",
    "nl-banking": "2016-10-28",
    "nl-plant-proteins": "2017-03-07",
    "nl-forestry": "2017-03-22",
    "nl-gold": "2017-06-19",
    "nl-food-products": "2018-06-29",
    "nl-insurance": "2018-07-05",
    "nl-pension-funds": "2018-12-20",
    "nl-metals": "2019-05-23",
    "nl-floriculture": "2019-07-02",
}


def test_signing_dates_match_the_reference(store: EmbeddedStore) -> None:
    found = {
        tail(r["a"]): str(r["d"])
        for r in rows(store, "SELECT ?a ?d WHERE { ?a a imvo:IrbcAgreement ; imvo:signingDate ?d }")
    }
    assert set(found) == set(SIGNED) | {"nl-natural-stone"}
    for slug, date in SIGNED.items():
        assert found[slug] == date, slug
    # The data records the date the Flemish parties signed; the reference only fixes May 2019.
    assert found["nl-natural-stone"].startswith("2019-05-")


def test_fnv_memberships(store: EmbeddedStore) -> None:
    found = {
        tail(r["a"])
        for r in rows(
            store,
            "SELECT ?a WHERE { ?m org:member party:fnv ; org:organization ?a . ?a a imvo:IrbcAgreement }",
        )
    }
    # Section 1.2: FNV is named among the parties of ten agreements, not gold (1.2.3) or coal (1.2.12).
    assert found == FNV_AGREEMENTS


# 1.2.1: nine priority themes. Each reference theme with the topic code(s) that may carry it; "raw
# materials" is the scheme's raw-materials topic, not depletion of natural resources.
GARMENT_THEMES = {
    "discrimination & gender": {"discrimination", "gender-equality"},
    "child labour": {"child-labour"},
    "forced labour": {"forced-labour"},
    "freedom of association": {"freedom-of-association"},
    "living wage": {"living-wage"},
    "occupational health & safety": {"occupational-health-safety"},
    "raw materials": {"raw-materials"},
    "water pollution & chemicals": {"water-soil-pollution", "hazardous-substances"},
    "animal welfare": {"animal-welfare"},
}


def test_garment_agreement_has_the_nine_themes(store: EmbeddedStore) -> None:
    commitments = {
        tail(r["t"])
        for r in rows(
            store, "SELECT ?t WHERE { agr:nl-garment-textile imvo:hasCommitment/imvo:addressesRiskTopic ?t }"
        )
    }
    prioritised = {
        tail(r["t"])
        for r in rows(
            store,
            """SELECT ?t WHERE { agr:nl-garment-textile imvo:hasRiskAssessment/imvo:hasAssessedRisk ?r .
                                 ?r imvo:isSalient true ; imvo:riskTopic ?t }""",
        )
    }
    assert len(commitments) == 9 and commitments == prioritised
    for theme, codes in GARMENT_THEMES.items():
        assert len(codes & commitments) == 1, theme
    assert "depletion-natural-resources" not in commitments


# -- house rules ------------------------------------------------------------


def _check(name: str):  # type: ignore[no-untyped-def]
    return next(q for q in check_queries() if q.name == name)


@pytest.mark.parametrize("name", ["resources-without-source", "resources-without-nl-or-en-label"])
def test_checks_return_nothing(store: EmbeddedStore, name: str) -> None:
    assert list(store.select(_check(name).text)) == []


# data/assessments/README.md: score = mean(scale, scope, irremediable character) x likelihood.
def test_salience_score_is_derived_from_the_levels(store: EmbeddedStore) -> None:
    found = rows(
        store,
        """SELECT ?r ?scale ?scope ?irr ?lik ?score WHERE {
             ?r a imvo:AssessedRisk ; imvo:salienceScore ?score ;
                imvo:severityScale/rdf:value ?scale ; imvo:severityScope/rdf:value ?scope ;
                imvo:irremediability/rdf:value ?irr ; imvo:likelihood/rdf:value ?lik }""",
    )
    assessed = count(store, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a imvo:AssessedRisk }")
    assert len(found) == assessed > 0
    for r in found:
        levels = [Decimal(str(r[k])) for k in ("scale", "scope", "irr")]
        expected = sum(levels) / 3 * Decimal(str(r["lik"]))
        assert abs(Decimal(str(r["score"])) - expected) < Decimal("0.01"), r["r"]


@pytest.mark.slow  # a CLI process
def test_stats_command_reports_no_resource_without_source(store_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "imvokg", "stats", "--store", str(store_path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["resources_without_source"] == 0
    assert report["classes"]["IrbcAgreement"] == 12
