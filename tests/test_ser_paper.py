# ruff: noqa: E501  (SPARQL and Turtle read better on one line than split)
"""The seed document, whole: the 51 statements of the SER position paper of 18 January 2023.

The paper is ../shared/reference/seed/ (Dutch). Its statements, by section and
in the paper's order, are listed below; the build must hold each one with its
place, labels and definitions in Dutch and English, its source, and what in
the registry answers it, and the named query and the page must list them
unanswered first. The corrections found while checking the graph against the
reference (irbc-facts.md, sections named per test) are checked here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from imvokg.queries import check_queries, default_registry
from imvokg.store.embedded import EmbeddedStore

FND = "https://w3id.org/imvokg/id/finding/"
ID = "https://w3id.org/imvokg/id/"
SCHEME = "https://w3id.org/imvokg/scheme/"
QUERY = "https://w3id.org/imvokg/query/"
PAPER = ID + "source/ser-2023-position-paper"
UNANSWERED = SCHEME + "answer-status/unanswered"

PREFIXES = """
PREFIX imvo: <https://w3id.org/imvokg/ont#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX inst: <https://w3id.org/imvokg/id/instrument/>
PREFIX src: <https://w3id.org/imvokg/id/source/>
"""

# The paper, section by section. Recommendations: (statement, the recommendation it is a point of).
CENTRAL_CLAIMS = [
    "ser-2023-claim-combination-furthers-impact",
    "ser-2023-claim-strong-incentive",
    "ser-2023-claim-agreements-offer-platform",
]
BOTTLENECKS = [  # numbered 1-10 in the paper
    "ser-2023-bottleneck-irbc-pays-too-little",
    "ser-2023-bottleneck-top-management-commitment",
    "ser-2023-bottleneck-chain-insight",
    "ser-2023-bottleneck-prioritising-severe-risks",
    "ser-2023-bottleneck-cross-sector-topics",
    "ser-2023-bottleneck-joint-approach-trust",
    "ser-2023-bottleneck-effects-hard-to-monitor",
    "ser-2023-bottleneck-access-to-remedy",
    "ser-2023-bottleneck-stakeholder-consultation",
    "ser-2023-bottleneck-impact-takes-time",
]
IMPACT_CONDITIONS = [
    "ser-2023-condition-support-and-tailoring",
    "ser-2023-condition-chain-insight-with-stakeholders",
    "ser-2023-condition-clarify-guidelines",
    "ser-2023-condition-dialogue-and-trust",
    "ser-2023-condition-long-term-investment",
]
RECOMMENDATIONS: list[tuple[str, list[str]]] = [
    (
        "ser-2023-joint-fulfilment",
        [
            "ser-2023-joint-fulfilment-supervision",
            "ser-2023-joint-fulfilment-same-results",
            "ser-2023-joint-fulfilment-lessons",
        ],
    ),
    (
        "ser-2023-requirements-for-agreements",
        ["ser-2023-follow-oecd-ungp", "ser-2023-involve-unions-civil-society"],
    ),
    ("ser-2023-recognition-of-agreements", ["ser-2023-lighter-supervision-no-safe-harbour"]),
    (
        "ser-2023-supervisor-approach",
        [
            "ser-2023-supervisor-impact-first",
            "ser-2023-supervisor-continuous-improvement",
            "ser-2023-supervisor-guidance",
            "ser-2023-supervisor-best-practices",
            "ser-2023-supervisor-involves-stakeholders",
            "ser-2023-supervisor-cross-border-cooperation",
        ],
    ),
    (
        "ser-2023-periodic-sector-risk-analysis",
        [
            "ser-2023-sector-priorities-for-companies",
            "ser-2023-salience-severity-likelihood",
            "ser-2023-supervisor-uses-sector-analysis",
        ],
    ),
    (
        "ser-2023-european-sector-agreements",
        [
            "ser-2023-eu-agreements-impact-and-stakeholders",
            "ser-2023-eu-agreements-monitoring-reporting",
            "ser-2023-eu-agreements-internal-transparency",
            "ser-2023-eu-agreements-minimum-requirements",
            "ser-2023-eu-agreements-participation-incentives",
            "ser-2023-eu-agreements-role-clarity",
            "ser-2023-eu-agreements-sme-attention",
            "ser-2023-eu-agreements-access-to-remedy",
            "ser-2023-eu-agreements-scaling-internationalisation",
        ],
    ),
    ("ser-2023-strong-government-role", ["ser-2023-subsidy-scheme-unsuitable"]),
    ("ser-2023-eu-level-playing-field", []),
]


def expected_places() -> dict[str, tuple[str, str, str | None]]:
    """statement slug -> (section, place such as '4' or '4.2', parent slug)."""
    places: dict[str, tuple[str, str, str | None]] = {}
    for section, slugs in (
        ("central-claims", CENTRAL_CLAIMS),
        ("bottlenecks", BOTTLENECKS),
        ("impact-conditions", IMPACT_CONDITIONS),
    ):
        for n, slug in enumerate(slugs, 1):
            places[slug] = (section, str(n), None)
    for n, (slug, points) in enumerate(RECOMMENDATIONS, 1):
        places[slug] = ("recommendations", str(n), None)
        for m, point in enumerate(points, 1):
            places[point] = ("recommendations", f"{n}.{m}", slug)
    return places


@pytest.fixture(scope="module")
def store(store_path: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(store_path, read_only=True)
    yield opened
    opened.close()


def rows(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in row.items()} for row in store.select(PREFIXES + query)]


def ask(client: httpx.Client, name: str, **params: str) -> list[dict[str, str]]:
    response = client.get(
        f"/queries/{name}", params=params, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def tail(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


# -- the 51 statements ---------------------------------------------------------------


def test_the_list_in_this_test_has_51_statements_in_the_papers_shape() -> None:
    places = expected_places()
    assert len(places) == 51
    assert (len(CENTRAL_CLAIMS), len(BOTTLENECKS), len(IMPACT_CONDITIONS), len(RECOMMENDATIONS)) == (
        3,
        10,
        5,
        8,
    )
    assert sum(len(points) for _, points in RECOMMENDATIONS) == 25


def test_every_statement_is_in_the_graph_in_its_place(client: httpx.Client) -> None:
    found = {tail(r["statement"]): r for r in ask(client, "ser-2023-statements")}
    expected = expected_places()
    assert set(found) == set(expected)
    for slug, (section, place, parent) in expected.items():
        row = found[slug]
        assert tail(row["section"]) == section, slug
        assert row["place"] == place, slug
        assert (tail(row["parent"]) if "parent" in row else None) == parent, slug


def test_every_statement_has_dutch_and_english_label_and_definition_source_and_author(
    store: EmbeddedStore,
) -> None:
    found = rows(
        store,
        """SELECT ?s (GROUP_CONCAT(DISTINCT LANG(?l); separator=" ") AS ?labels)
                    (GROUP_CONCAT(DISTINCT LANG(?d); separator=" ") AS ?definitions)
                    (SAMPLE(?by) AS ?author) (GROUP_CONCAT(DISTINCT STR(?kind); separator=" ") AS ?kinds)
           WHERE { ?s imvo:paperSection ?section ; dcterms:source src:ser-2023-position-paper ;
                      rdfs:label ?l ; skos:definition ?d ; a ?kind .
                   OPTIONAL { ?s prov:wasAttributedTo ?by } }
           GROUP BY ?s""",
    )
    assert len(found) == 51
    kinds: dict[str, int] = {}
    for r in found:
        assert {"nl", "en"} <= set(r["labels"].split()), r["s"]
        assert {"nl", "en"} <= set(r["definitions"].split()), r["s"]
        assert r["author"] == ID + "party/ser", r["s"]
        for kind in ("CentralClaim", "Bottleneck", "ImpactCondition", "Recommendation"):
            if f"https://w3id.org/imvokg/ont#{kind}" in r["kinds"].split():
                kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == {"CentralClaim": 3, "Bottleneck": 10, "ImpactCondition": 5, "Recommendation": 33}


def test_every_answer_points_at_something_the_registry_has(
    client: httpx.Client, store: EmbeddedStore
) -> None:
    """Each answer is a named query that exists, or a resource the graph describes."""
    names = set(default_registry().names())
    described = {
        r["x"]
        for r in rows(
            store,
            "SELECT DISTINCT ?x WHERE { ?s imvo:answeredBy ?x . ?x ?p ?o . FILTER(?p != imvo:addressesFinding) }",
        )
    }
    answers = 0
    for row in ask(client, "ser-2023-statements"):
        for answer in row.get("answered_by", "").split():
            answers += 1
            if answer.startswith(QUERY):
                assert answer.removeprefix(QUERY) in names, (row["statement"], answer)
            else:
                assert answer in described, (row["statement"], answer)
        assert (int(row["answers"]) == 0) == (row["answer_status"] == UNANSWERED), row["statement"]
    assert answers > 51


def test_every_requirement_that_answers_a_statement_has_a_shape(store: EmbeddedStore) -> None:
    found = rows(
        store,
        """PREFIX m8g: <http://data.europa.eu/m8g/>
           SELECT ?r (COUNT(DISTINCT ?shape) AS ?shapes) WHERE {
             ?f imvo:paperSection ?x ; imvo:answeredBy ?r . ?r a m8g:Requirement .
             OPTIONAL { ?shape rdfs:seeAlso ?r } }
           GROUP BY ?r""",
    )
    assert len(found) >= 10
    assert [r["r"] for r in found if int(r["shapes"]) == 0] == []


def test_the_unanswered_come_first_and_are_what_the_data_says(
    client: httpx.Client, store: EmbeddedStore
) -> None:
    listed = ask(client, "ser-2023-statements", lang="nl")
    ranks = {SCHEME + "answer-status/" + k: n for n, k in enumerate(["unanswered", "indirect", "answered"])}
    order = [ranks[r["answer_status"]] for r in listed]
    assert order == sorted(order) and order[0] == 0
    in_data = {
        r["s"]
        for r in rows(
            store,
            f"SELECT ?s WHERE {{ ?s dcterms:source src:ser-2023-position-paper ; imvo:answerStatus <{UNANSWERED}> }}",
        )
    }
    assert {r["statement"] for r in listed if r["answer_status"] == UNANSWERED} == in_data
    filtered = ask(client, "ser-2023-statements", status=UNANSWERED)
    assert {r["statement"] for r in filtered} == in_data
    # The paper's own order within a status: the bottlenecks by their number.
    bottlenecks = [tail(r["statement"]) for r in listed if r["kind"] == "bottleneck"]
    by_status: dict[str, list[str]] = {}
    for r in listed:
        if r["kind"] == "bottleneck":
            by_status.setdefault(r["answer_status"], []).append(tail(r["statement"]))
    for slugs in by_status.values():
        assert slugs == [b for b in BOTTLENECKS if b in slugs]
    assert len(bottlenecks) == 10
    assert listed[0]["answer_status_label"] == "nog niets"


def test_the_statements_the_issue_names_as_missing_are_there_and_linked(client: httpx.Client) -> None:
    found = {tail(r["statement"]): r for r in ask(client, "ser-2023-statements")}
    # executable: supervision from the sector analysis, SME attention, joint fulfilment
    assert (
        QUERY + "supervision-by-sector-analysis"
        in found["ser-2023-supervisor-uses-sector-analysis"]["answered_by"]
    )
    assert ID + "requirement/mr-10" in found["ser-2023-eu-agreements-sme-attention"]["answered_by"].split()
    assert (
        QUERY + "joint-fulfilment-evidence" in found["ser-2023-joint-fulfilment-same-results"]["answered_by"]
    )
    assert QUERY + "cross-sector-topics" in found["ser-2023-bottleneck-cross-sector-topics"]["answered_by"]
    # nothing yet: the EU level playing field and the subsidy scheme
    for slug in ("ser-2023-eu-level-playing-field", "ser-2023-subsidy-scheme-unsuitable"):
        assert found[slug]["answer_status"] == UNANSWERED, slug
        assert found[slug]["note"], slug


# -- sources and milestones (irbc-facts.md 1.3 and the paper's footnotes) --------------------

MILESTONES = {
    "initiative-bill-35761-submitted": "2021-03-11",
    "council-of-state-advice-35761": "2021-07-08",
    "revised-bill-35761-2022": "2022-11-01",
    "round-table-35761-2023": "2023-01-18",
    "amended-bill-35761-2023": "2023-09-16",
    "bill-35761-taken-over-2023": "2023-12-22",
    "ser-advice-2014-04": "2014-04-25",
    "kit-evaluation-to-parliament-2020": "2020-07-10",
    "new-irbc-policy-2020": "2020-10-16",
    "child-labour-due-diligence-act-2019": "2019-10-24",
    "cabinet-pauses-national-law-2022": "2022-11",
}


def test_policy_milestones_have_the_reference_dates_and_the_statements_link_to_them(
    store: EmbeddedStore,
) -> None:
    dates = {
        tail(r["m"]): r["d"]
        for r in rows(
            store,
            "SELECT ?m ?d WHERE { ?m a imvo:PolicyMilestone ; imvo:milestoneDate ?d ; dcterms:source ?s }",
        )
    }
    for slug, date in MILESTONES.items():
        assert dates[slug] == date, slug
    linked = {
        (tail(r["s"]), tail(r["m"]))
        for r in rows(
            store,
            "SELECT ?s ?m WHERE { ?s imvo:paperSection ?x ; imvo:concerns ?m . ?m a imvo:PolicyMilestone }",
        )
    }
    assert ("ser-2023-joint-fulfilment", "initiative-bill-35761-submitted") in linked
    assert ("ser-2023-lighter-supervision-no-safe-harbour", "initiative-bill-35761-submitted") in linked
    assert ("ser-2023-periodic-sector-risk-analysis", "kpmg-sector-risk-analysis-2014") in linked
    later = rows(
        store,
        "SELECT ?m WHERE { ?m imvo:concernsBill <https://w3id.org/imvokg/id/milestone/initiative-bill-35761-submitted> }",
    )
    assert {"round-table-35761-2023", "council-of-state-advice-35761"} <= {tail(r["m"]) for r in later}


def test_the_documents_the_paper_cites_are_sources(store: EmbeddedStore) -> None:
    cited = rows(
        store,
        """SELECT ?c (GROUP_CONCAT(DISTINCT LANG(?l); separator=" ") AS ?langs) WHERE {
             src:ser-2023-position-paper dcterms:references ?c . ?c rdfs:label ?l ; dcterms:publisher ?p }
           GROUP BY ?c""",
    )
    assert len(cited) == 5
    assert all({"nl", "en"} <= set(r["langs"].split()) for r in cited)
    paper = rows(
        store, "SELECT ?d WHERE { src:ser-2023-position-paper dcterms:issued ?d ; dcterms:publisher ?p }"
    )
    assert [r["d"] for r in paper] == ["2023-01-18"]


# -- executable statements ----------------------------------------------------------


# 1.2.1 and 1.4: the garment agreement prioritises child labour itself; KPMG marks women's rights
# (gender equality) for textile and clothing, and no garment commitment is on it.
def test_supervision_from_the_sector_analysis(client: httpx.Client) -> None:
    found = {
        tail(r["topic"]): r
        for r in ask(client, "supervision-by-sector-analysis", sector=SCHEME + "sector/garment-textile")
    }
    child = found["child-labour"]
    assert tail(child["prioritised_by"]) == "nl-garment-textile" and child["gap"] == "false"
    assert found["gender-equality"]["gap"] == "true"
    assert found["raw-materials"]["covered_by"].endswith("nl-garment-textile")
    scores = [float(r["max_score"]) for r in found.values()]
    assert len(scores) > 1 and scores == sorted(scores, reverse=True)


# 1.2.1: freedom of association is a garment theme; 1.2.12: the coal covenant has no such commitment.
def test_cross_sector_topics(client: httpx.Client) -> None:
    found = {
        (tail(r["risk_topic"]), tail(r["agreement"])): r["covers"] for r in ask(client, "cross-sector-topics")
    }
    assert found[("freedom-of-association", "nl-garment-textile")] == "true"
    assert found[("freedom-of-association", "nl-coal")] == "false"
    assert {topic for topic, _ in found} == {"freedom-of-association", "gender-equality"}
    other = ask(client, "cross-sector-topics", topic=SCHEME + "risk-topic/child-labour")
    assert {tail(r["risk_topic"]) for r in other} == {"child-labour"}


# 1.2.1: nine priority themes, all with a commitment; a complaints and disputes committee.
def test_joint_fulfilment_evidence(client: httpx.Client) -> None:
    (garment,) = ask(client, "joint-fulfilment-evidence", agreement=ID + "agreement/nl-garment-textile")
    assert garment["salient_risks"] == garment["salient_risks_covered"] == "9"
    assert int(garment["grievance_mechanisms"]) >= 1 and int(garment["evaluation_findings"]) >= 1
    assert len(ask(client, "joint-fulfilment-evidence")) == 12


# -- the page -----------------------------------------------------------------


def test_the_page_lists_the_statements_unanswered_first(client: httpx.Client) -> None:
    page = client.get("/ser-2023", params={"lang": "nl"}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    body = page.text
    assert body.count("data-statement=") == 51
    sections = [body.index(f'data-status="{s}"') for s in ("unanswered", "indirect", "answered")]
    assert sections == sorted(sections)
    assert "Inzet op Europees niveau voor een gelijk speelveld" in body
    assert 'href="/queries/supervision-by-sector-analysis.rq"' in body
    assert client.get("/", params={"lang": "en"}).text.count('href="/ser-2023?lang=en"') == 1


def test_milestones_and_features_are_linked_data(client: httpx.Client) -> None:
    for path in (
        "/id/milestone/round-table-35761-2023",
        "/id/feature/gaps",
        "/id/finding/ser-2023-eu-level-playing-field",
    ):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, path
        assert "dcterms:source" in response.text or "http://purl.org/dc/terms/source" in response.text, path


# -- corrections ----------------------------------------------------------------


NEW_CHECKS = ["nace-iris-with-dots-or-wrong-revision", "unmarked-editorial-links", "eu-acts-without-eli"]


def _check(name: str) -> str:
    return next(q.text for q in check_queries() if q.name == name)


@pytest.mark.parametrize("name", NEW_CHECKS)
def test_the_new_checks_find_nothing_in_the_build(store: EmbeddedStore, name: str) -> None:
    assert list(store.select(_check(name))) == []


BAD = """
@prefix imvo: <https://w3id.org/imvokg/ont#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix basis: <https://w3id.org/imvokg/scheme/assessment-basis/> .
<https://w3id.org/imvokg/scheme/sector/x> a imvo:Sector ; skos:closeMatch <http://data.europa.eu/ux2/nace2/64.19> ,
    <http://data.europa.eu/ux2/nace2.1/6419> .
<https://w3id.org/imvokg/id/commitment/x> imvo:coversStep <https://w3id.org/imvokg/scheme/dd-step/step-1> .
<https://w3id.org/imvokg/id/party/x> imvo:country <http://publications.europa.eu/resource/authority/country/NLD> ;
    imvo:countryBasis basis:editorial-judgement .
<https://w3id.org/imvokg/id/instrument/x> a imvo:Instrument ; dcterms:identifier "Directive (EU) 2099/1" .
"""


@pytest.mark.parametrize(("name", "expected"), [(NEW_CHECKS[0], 2), (NEW_CHECKS[1], 2), (NEW_CHECKS[2], 2)])
def test_the_new_checks_find_what_they_are_for(name: str, expected: int) -> None:
    planted = ox.Store()
    planted.load(BAD.encode(), format=ox.RdfFormat.TURTLE)
    assert len(list(planted.query(_check(name)))) == expected


# Section 9: ELI and CELEX per EU act; eli:amends between the CSDDD and its amendments.
def test_eu_acts_have_eli_and_celex_and_amendments_use_eli(store: EmbeddedStore) -> None:
    acts = {
        tail(r["a"]): (r["eli"], r["celex"])
        for r in rows(store, "SELECT ?a ?eli ?celex WHERE { ?a owl:sameAs ?eli ; eli:id_local ?celex }")
    }
    assert acts["csddd-2024"] == ("http://data.europa.eu/eli/dir/2024/1760/oj", "32024L1760")
    assert acts["csrd-2022"] == ("http://data.europa.eu/eli/dir/2022/2464/oj", "32022L2464")
    assert acts["eu-conflict-minerals-2017-821"][1] == "32017R0821"
    assert acts["eu-2025-794"][1] == "32025L0794"
    amended = {tail(r["x"]) for r in rows(store, "SELECT ?x WHERE { inst:csddd-2024 eli:is_amended_by ?x }")}
    assert amended == {"eu-2025-794", "eu-2026-470"}
    amending = {tail(r["x"]) for r in rows(store, "SELECT ?x WHERE { ?x eli:amends inst:csddd-2024 }")}
    assert amending == amended


# Section 9: NORMLEX pages for the ten fundamental conventions.
def test_ilo_conventions_link_to_normlex(store: EmbeddedStore) -> None:
    pages = {
        r["code"]: r["page"]
        for r in rows(
            store,
            """SELECT ?code ?page WHERE { ?c imvo:implementsPrinciple ?p ; dcterms:identifier ?code ; foaf:page ?page
                                          FILTER(CONTAINS(STR(?page), "normlex")) }""",
        )
    }
    assert len(pages) == 10
    for code, page in pages.items():
        assert page.endswith(f"P12100_ILO_CODE:{code}"), code


# Section 9: Rev. 2 codes without dots in the Rev. 2 namespace; the 38.32 -> 38.21 correspondence.
def test_nace_iris_per_revision(store: EmbeddedStore) -> None:
    banking = rows(
        store, "SELECT ?n WHERE { <https://w3id.org/imvokg/scheme/sector/banking> skos:exactMatch ?n }"
    )
    assert [r["n"] for r in banking] == ["http://data.europa.eu/ux2/nace2/6419"]
    to21 = rows(store, "SELECT ?n WHERE { <http://data.europa.eu/ux2/nace2/3832> skos:closeMatch ?n }")
    assert [r["n"] for r in to21] == ["http://data.europa.eu/ux2/nace2.1/3821"]


# 1.2.7: FNV left the food products agreement in May 2023.
def test_membership_periods(store: EmbeddedStore) -> None:
    ends = rows(
        store,
        """SELECT ?end WHERE { <https://w3id.org/imvokg/id/membership/nl-food-products--fnv>
                                 org:memberDuring/time:hasEnd/time:inXSDgYearMonth ?end }""",
    )
    assert [r["end"] for r in ends] == ["2023-05"]


def test_sourced_and_editorial_links_can_be_told_apart(store: EmbeddedStore) -> None:
    found = {
        (tail(r["basis"]), r["kind"]): int(r["n"])
        for r in rows(
            store,
            """SELECT ?basis ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {
                 { ?x imvo:coversStep ?s BIND("commitment" AS ?kind) }
                 UNION { ?x imvo:correspondsToStep ?s ; eli:is_part_of+ inst:ungp-2011 BIND("ungp" AS ?kind) }
                 UNION { ?x imvo:correspondsToStep ?s ; eli:is_part_of+ inst:csddd-2024 BIND("csddd" AS ?kind) }
                 ?x imvo:stepBasis ?basis }
               GROUP BY ?basis ?kind""",
        )
    }
    assert set(found) == {
        ("editorial-judgement", "commitment"),
        ("editorial-judgement", "ungp"),
        ("sourced", "csddd"),
    }
