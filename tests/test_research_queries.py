"""The researchers' questions (queries/research) asked over HTTP, answers checked against the reference.

Every expected value below is a fact of ../shared/reference/irbc-facts.md (the
section is named in each test); the named query must compute it from the
curated graph. Tests go through `GET /queries/{name}` on a real server, as a
researcher's script would.
"""

from __future__ import annotations

import httpx
import pytest

from imvokg.queries import default_registry

ID = "https://w3id.org/imvokg/id/"
SCHEME = "https://w3id.org/imvokg/scheme/"
AGR = ID + "agreement/"
INST = ID + "instrument/"


def ask(client: httpx.Client, name: str, **params: str) -> list[dict[str, str]]:
    """Run one named query and return its rows as {variable: lexical value}."""
    response = client.get(
        f"/queries/{name}", params=params, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def tail(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_there_are_at_least_twenty_research_queries_with_titles_and_descriptions() -> None:
    research = [q for q in default_registry() if "/queries/research/" in q.path.replace("\\", "/")]
    assert len(research) >= 20
    for query in research:
        assert query.title and len(query.description) > 40, query.name
        assert query.keywords, query.name


# 1.2 / section 3: every Dutch agreement applies the UNGPs; none cites principle 14 by itself.
def test_agreements_citing_a_ungp_principle(client: httpx.Client) -> None:
    rows = ask(client, "agreements-citing-provision", provision=INST + "ungp-2011/principle-14")
    agreements = {tail(r["agreement"]) for r in rows}
    assert {"nl-garment-textile", "nl-banking", "nl-metals", "nl-gold"} <= agreements
    assert all(r["cites_whole_instrument"] == "true" for r in rows)


# The garment Complaints and Disputes Committee is the grievance mechanism UNGP 31 describes.
def test_a_citation_through_a_mechanism_counts_for_the_principle(client: httpx.Client) -> None:
    rows = ask(client, "agreements-citing-provision", provision=INST + "ungp-2011/principle-31")
    direct = {tail(r["agreement"]) for r in rows if r["cites_whole_instrument"] == "false"}
    assert direct == {"nl-garment-textile"}


# Section 2.1: an agreement citing the 2011 Guidelines applies its chapter IV (human rights).
def test_agreements_citing_an_oecd_chapter(client: httpx.Client) -> None:
    rows = ask(client, "agreements-citing-provision", provision=INST + "oecd-mne-guidelines-2011/chapter-iv")
    assert {"nl-banking", "nl-pension-funds", "nl-insurance"} <= {tail(r["agreement"]) for r in rows}


# Section 4 and 5.1: child labour rests on ILO C138 and C182 and on CSDDD Annex items on both.
def test_provisions_grounding_child_labour(client: httpx.Client) -> None:
    rows = ask(client, "provisions-grounding-risk", topic=SCHEME + "risk-topic/child-labour")
    found = {r["provision"].removeprefix(INST) for r in rows}
    assert {"ilo-c138", "ilo-c182"} <= found
    assert any(p.startswith("csddd-2024/annex-part-i") for p in found)


# Section 4: children's rights inherit the child-labour groundings through skos:broader.
def test_groundings_of_narrower_topics_count_for_the_broader(client: httpx.Client) -> None:
    rows = ask(client, "provisions-grounding-risk", topic=SCHEME + "risk-topic/labour-rights")
    found = {r["provision"].removeprefix(INST) for r in rows}
    # All ten fundamental conventions ground a narrower labour-rights topic.
    conventions = {"c029", "c105", "c087", "c098", "c138", "c182", "c100", "c111", "c155", "c187"}
    assert {f"ilo-{c}" for c in conventions} <= found


# 1.2.1: garment parties: associations VGT, Modint, INretail; unions FNV and CNV; five NGOs.
def test_parties_by_kind_of_the_garment_agreement(client: httpx.Client) -> None:
    rows = {r["kind"]: r for r in ask(client, "parties-by-kind", agreement=AGR + "nl-garment-textile")}
    assert rows["trade-union"]["parties"] == "2"
    assert set(rows["trade-union"]["names"].split(" | ")) == {"FNV", "CNV"}
    assert rows["industry-association"]["parties"] == "3"
    assert rows["ngo"]["parties"] == "5"


# Section 1.2: FNV takes part in more agreements than any other union, CNV second.
def test_fnv_tops_the_union_list(client: httpx.Client) -> None:
    rows = ask(client, "trade-unions-in-most-agreements", dutch_only="true")
    assert [tail(r["party"]) for r in rows[:2]] == ["fnv", "cnv"]
    assert int(rows[0]["agreements"]) == 10


def test_ngos_in_most_agreements(client: httpx.Client) -> None:
    rows = ask(client, "ngos-in-most-agreements", dutch_only="true")
    top = int(rows[0]["agreements"])
    leaders = {tail(r["party"]) for r in rows if int(r["agreements"]) == top}
    # 1.2.2, 1.2.8, 1.2.9: Oxfam Novib, PAX and Amnesty sign banking, insurance and pension funds.
    assert {"oxfam-novib", "pax", "amnesty-nl"} <= leaders
    assert [int(r["agreements"]) for r in rows] == sorted((int(r["agreements"]) for r in rows), reverse=True)


# Table 1.1: on 1 Jan 2018 garment, banking, plant proteins, forestry and gold were running;
# food products (29 Jun 2018) had not been signed.
def test_agreements_active_on_a_date(client: httpx.Client) -> None:
    active = {tail(r["agreement"]) for r in ask(client, "agreements-active-on", on="2018-01-01")}
    assert {"nl-garment-textile", "nl-banking", "nl-plant-proteins", "nl-forestry", "nl-gold"} <= active
    assert "nl-food-products" not in active
    # Plant proteins ended early on 19 Mar 2019.
    later = {tail(r["agreement"]) for r in ask(client, "agreements-active-on", on="2019-06-01")}
    assert "nl-plant-proteins" not in later and "nl-food-products" in later


# Section 6: German textile partnership, Fair Wear and the International Accord work in garments.
def test_foreign_initiatives_sharing_the_garment_sector(client: httpx.Client) -> None:
    rows = ask(client, "foreign-initiatives-sharing-sector", agreement=AGR + "nl-garment-textile")
    same = {tail(r["initiative"]) for r in rows if r["relation"] == "same"}
    assert {"de-partnership-sustainable-textiles", "fair-wear-foundation", "international-accord"} <= same
    # The Sustainable Apparel Coalition is in apparel and footwear, a sibling under textile and clothing.
    assert {"sustainable-apparel-coalition"} == {
        tail(r["initiative"]) for r in rows if r["relation"] == "sibling"
    }


# Section 6 and 1.2.3: the minerals programmes share the conflict-financing risk with the gold agreement.
def test_foreign_initiatives_sharing_risks_with_gold(client: httpx.Client) -> None:
    rows = ask(client, "foreign-initiatives-sharing-risks", agreement=AGR + "nl-gold")
    sharing = {tail(r["initiative"]) for r in rows if "conflict-financing" in r["shared_topics"].split()}
    assert {
        "lbma-responsible-gold",
        "responsible-jewellery-council",
        "responsible-minerals-initiative",
    } <= sharing


# Section 2.1: chapter IV (Human Rights) exists in both editions.
def test_oecd_2011_and_2023_editions_of_a_chapter(client: httpx.Client) -> None:
    rows = ask(client, "oecd-guidelines-editions", chapter=INST + "oecd-mne-guidelines-2023/chapter-iv")
    chapters = {r["edition"]: r for r in rows if r["level"] == "chapter"}
    assert set(chapters) == {"2011", "2023"}
    assert all("Human Rights" in r["label"] for r in chapters.values())
    assert all(r["number"] == "IV" for r in chapters.values())


# Section 5.1 (Art. 5(1) mapping): Art. 7 embeds (step 1), Art. 8 identifies (step 2),
# Art. 10 and 11 prevent and end (step 3), Art. 12 remediates (step 6), Art. 15 monitors,
# Art. 16 communicates.
def test_csddd_articles_against_the_dd_steps(client: httpx.Client) -> None:
    rows = ask(client, "csddd-articles-by-dd-step")
    by_step: dict[str, set[str]] = {}
    for r in rows:
        if r["instrument"] == "csddd-2024":
            by_step.setdefault(tail(r["step"]), set()).add(tail(r["provision"]))
    assert by_step["step-1"] == {"article-7"}
    assert {"article-8", "article-9"} <= by_step["step-2"]
    assert by_step["step-3"] == {"article-10", "article-11"}
    assert by_step["step-4"] == {"article-15"}
    assert by_step["step-5"] == {"article-16"}
    assert {"article-12", "article-14"} <= by_step["step-6"]


# Section 8: the SER paper asks that agreements follow the OECD Guidelines and UNGPs and involve unions.
def test_ser_recommendations_and_the_requirements_that_address_them(client: httpx.Client) -> None:
    rows = ask(client, "lessons-and-requirements", by=ID + "party/ser")
    addressed: dict[str, set[str]] = {}
    for r in rows:
        addressed.setdefault(tail(r["finding"]), set()).add(r.get("requirement_id", ""))
    assert {"MR-01", "MR-02"} <= addressed["ser-2023-follow-oecd-ungp"]
    assert "MR-03" in addressed["ser-2023-involve-unions-civil-society"]
    assert all(r["evaluator"] == ID + "party/ser" for r in rows)


def requirements(client: httpx.Client, slug: str) -> dict[str, bool]:
    rows = ask(client, "agreement-requirements", agreement=AGR + slug)
    return {r["id"]: r["met"] == "true" for r in rows}


# 1.2.1: the garment agreement cites OECD and UNGPs, has unions, NGOs and business as signatories,
# a complaints committee, an assessment framework and a five-year term; no SME measure is recorded.
def test_requirements_the_garment_agreement_meets(client: httpx.Client) -> None:
    met = requirements(client, "nl-garment-textile")
    for mr in ("MR-01", "MR-02", "MR-03", "MR-04", "MR-05", "MR-08", "MR-09", "MR-11"):
        assert met[mr], mr
    assert set(met) == {f"MR-{n:02d}" for n in range(1, 12)}


# 1.2.12: the coal covenant was signed by a minister and energy companies only: no union, no NGO.
def test_requirements_the_coal_covenant_misses(client: httpx.Client) -> None:
    met = requirements(client, "nl-coal")
    assert met["MR-05"]
    assert not met["MR-03"] and not met["MR-04"]
    # End unconfirmed: no defined term.
    assert not met["MR-11"]


# 1.2.1: only the garment agreement has an independent complaints and disputes committee among Dutch ones.
def test_agreements_with_a_grievance_mechanism(client: httpx.Client) -> None:
    rows = ask(client, "agreements-with-grievance-or-sme-support", kind="grievance")
    dutch = {tail(r["agreement"]) for r in rows if tail(r["agreement"]).startswith("nl-")}
    assert dutch == {"nl-garment-textile"}
    # Section 6: the International Accord has a complaints mechanism.
    assert "international-accord" in {tail(r["agreement"]) for r in rows}


# 1.2.5 and 1.2.11: forestry simplifies chain-of-custody proof for SMEs; metals offers a toolbox.
def test_agreements_with_sme_support(client: httpx.Client) -> None:
    rows = ask(client, "agreements-with-grievance-or-sme-support", kind="sme")
    assert {"nl-forestry", "nl-metals"} <= {tail(r["agreement"]) for r in rows}
    assert all(r["mechanism_kind"] == "sme" for r in rows)


# Section 6 notes: the 2018 minerals assessment covered five programmes (CFSI/RMI, ITSCI, LBMA, RJC, DMCC).
def test_the_2018_minerals_alignment_assessment(client: httpx.Client) -> None:
    rows = ask(client, "alignment-assessments", against=INST + "oecd-minerals-ddg")
    assert {tail(r["initiative"]) for r in rows} == {
        "responsible-minerals-initiative",
        "itsci",
        "lbma-responsible-gold",
        "responsible-jewellery-council",
        "dmcc-precious-metals",
    }
    assert {r["date"] for r in rows} == {"2018-04-17"}


# Section 6: garment assessments of SAC (2019), the German partnership (2020), the AGT (2020, largely
# aligned) and Fair Wear.
def test_garment_alignment_assessments_and_outcomes(client: httpx.Client) -> None:
    rows = ask(client, "alignment-assessments", against=INST + "oecd-garment-ddg-2017")
    initiatives = {tail(r["initiative"]) for r in rows}
    assert {
        "sustainable-apparel-coalition",
        "de-partnership-sustainable-textiles",
        "nl-garment-textile",
        "fair-wear-foundation",
    } == initiatives
    agt = [r for r in rows if tail(r["initiative"]) == "nl-garment-textile"]
    assert agt[0]["outcome"] == "largely-aligned"


# Section 1.2: FNV is a party to ten of the Dutch agreements (not gold, not coal) and founded Fair Wear.
FNV_AGREEMENTS = {
    "nl-garment-textile",
    "nl-banking",
    "nl-plant-proteins",
    "nl-forestry",
    "nl-food-products",
    "nl-insurance",
    "nl-pension-funds",
    "nl-metals",
    "nl-natural-stone",
    "nl-floriculture",
}


def test_fnv_memberships(client: httpx.Client) -> None:
    rows = ask(client, "party-memberships", party=ID + "party/fnv")
    dutch = {tail(r["agreement"]) for r in rows if r["dutch"] == "true"}
    assert dutch == FNV_AGREEMENTS
    assert "fair-wear-foundation" in {tail(r["agreement"]) for r in rows}


# 1.2.1: the garment agreement's nine themes are its prioritised risks, each covered by a commitment.
def test_salient_risks_of_the_garment_agreement(client: httpx.Client) -> None:
    rows = ask(client, "agreement-salient-risks", agreement=AGR + "nl-garment-textile")
    assert len(rows) == 9
    assert all(r["covered"] == "true" and r["salient"] == "true" for r in rows)
    ranks = sorted(int(r["rank"]) for r in rows)
    assert ranks == list(range(1, 10))
    scores = [float(r["score"]) for r in sorted(rows, key=lambda r: int(r["rank"]))]
    assert scores == sorted(scores, reverse=True)


# Section 5.2 and 4: climate change is ESRS E1; forced labour rests on C029 and C105.
def test_risk_topics_with_esrs_and_ilo(client: httpx.Client) -> None:
    rows = {tail(r["topic"]): r for r in ask(client, "risk-topics-esrs-ilo")}
    assert rows["climate-change"]["esrs_standards"].split() == ["E1"]
    assert set(rows["forced-labour"]["ilo_conventions"].split()) == {"C029", "C105"}
    assert set(rows["freedom-of-association"]["ilo_conventions"].split()) == {"C087", "C098"}
    assert set(rows["discrimination"]["ilo_conventions"].split()) == {"C100", "C111"}


# Table 1.1: plant proteins is the one agreement terminated early; twelve Dutch agreements in all.
def test_agreements_per_status(client: httpx.Client) -> None:
    rows = {tail(r["status"]): r for r in ask(client, "agreements-by-status")}
    assert rows["terminated-early"]["agreement_slugs"].split() == ["nl-plant-proteins"]
    assert sum(int(r["agreements"]) for r in rows.values()) == 12
    assert "nl-garment-textile" in rows["ended"]["agreement_slugs"].split()


# Table 1.1, in signing order.
SIGNING_ORDER = [
    ("nl-coal", "2014-11-17"),
    ("nl-garment-textile", "2016-07-04"),
    ("nl-banking", "2016-10-28"),
    ("nl-plant-proteins", "2017-03-07"),
    ("nl-forestry", "2017-03-22"),
    ("nl-gold", "2017-06-19"),
    ("nl-food-products", "2018-06-29"),
    ("nl-insurance", "2018-07-05"),
    ("nl-pension-funds", "2018-12-20"),
    ("nl-natural-stone", "2019-05-10"),
    ("nl-metals", "2019-05-23"),
    ("nl-floriculture", "2019-07-02"),
]


def test_signing_timeline(client: httpx.Client) -> None:
    rows = ask(client, "signing-timeline")
    assert [(tail(r["agreement"]), r["signing_date"]) for r in rows] == SIGNING_ORDER


# Section 7: garment maps to C13/C14; banking to K64.19; pension funds to K65.30.
def test_sectors_with_nace(client: httpx.Client) -> None:
    rows = {tail(r["sector"]): r for r in ask(client, "sectors-nace")}

    def primary(slug: str) -> set[str]:
        return set((rows[slug].get("nace_exact", "") + " " + rows[slug].get("nace_close", "")).split())

    garment = rows["garment-textile"]
    assert {"13", "14"} <= primary("garment-textile")
    assert "64.19" in primary("banking")
    assert "65.30" in primary("pension-funds")
    assert tail(garment["broader"]) == "textile-clothing"


# Section 3: 31 principles in three pillars, 8 foundational (1, 2, 11-15, 25).
def test_provisions_of_the_ungps(client: httpx.Client) -> None:
    rows = ask(client, "instrument-provisions", instrument=INST + "ungp-2011")
    kinds: dict[str, set[str]] = {}
    for r in rows:
        kinds.setdefault(r["kind"], set()).add(r["number"])
    assert len(kinds["pillar"]) == 3
    assert kinds["foundational-principle"] == {"1", "2", "11", "12", "13", "14", "15", "25"}
    assert len(kinds["foundational-principle"] | kinds["operational-principle"]) == 31


# 1.2.1: KIT's end evaluation (Feb 2022): big transparency gain, no field research in producing countries.
def test_findings_about_the_garment_agreement(client: httpx.Client) -> None:
    rows = ask(client, "agreement-findings", agreement=AGR + "nl-garment-textile")
    kinds = {tail(r["finding"]): r["kind"] for r in rows}
    assert kinds["kit-2022-agt-transparency-gain"] == "lesson"
    assert kinds["kit-2022-agt-no-field-research"] == "bottleneck"
    assert all(r["evaluator"] == ID + "party/kit" for r in rows)


# Section 1.4: KPMG names GHG, water scarcity, unsafe work, child labour and women's rights for textile
# and clothing. The garment agreement's nine themes (1.2.1) cover unsafe work and child labour but not
# GHG or water scarcity.
def test_garment_agreement_misses_kpmg_salient_risks(client: httpx.Client) -> None:
    rows = ask(client, "agreements-missing-kpmg-salient-risks", agreement=AGR + "nl-garment-textile")
    missing = {tail(r["topic"]) for r in rows}
    assert {"climate-change", "water-scarcity"} <= missing
    assert not {"child-labour", "occupational-health-safety"} & missing
    assert {tail(r["kpmg_sector"]) for r in rows} == {"textile-clothing"}


# Section 1.4: KPMG attributes land grabbing to chemicals, wood & paper and food.
def test_kpmg_2014_sector_themes(client: httpx.Client) -> None:
    rows = ask(client, "kpmg-2014-sector-themes")
    land = {tail(r["sector"]) for r in rows if tail(r["topic"]) == "land-rights"}
    assert land == {"chemicals", "wood-paper", "food"}
    assert len({r["sector"] for r in rows}) >= 12


@pytest.mark.parametrize("lang,expected", [("nl", "kinderarbeid"), ("en", "child labour")])
def test_labels_follow_the_lang_parameter(client: httpx.Client, lang: str, expected: str) -> None:
    rows = ask(client, "provisions-grounding-risk", topic=SCHEME + "risk-topic/child-labour", lang=lang)
    assert expected in {r["grounded_topic_label"] for r in rows}


# -- taxonomy endpoints -------------------------------------------------------


def test_risks_endpoint_gives_the_hierarchy_in_four_languages(client: httpx.Client) -> None:
    risks = {r["slug"]: r for r in client.get("/api/v1/risks", params={"lang": "fr"}).json()}
    assert len(risks) >= 30
    child = risks["child-labour"]
    assert child["label"] == child["labels"]["fr"]
    assert set(child["labels"]) == {"nl", "en", "de", "fr"}
    assert child["labels"]["nl"] == "kinderarbeid"
    assert "labour-rights" in child["broader"]
    assert "child-labour" in risks["labour-rights"]["narrower"]
    # Section 4: C138 and C182 ground child labour.
    assert {"ilo-c138", "ilo-c182"} <= {g["slug"] for g in child["grounded_by"]}
    assert all(r["definition"] for r in risks.values())


def test_risks_endpoint_follows_accept_language(client: httpx.Client) -> None:
    risks = client.get("/api/v1/risks", headers={"Accept-Language": "de-DE,de;q=0.9"}).json()
    child = next(r for r in risks if r["slug"] == "child-labour")
    assert child["label"] == child["labels"]["de"]


# Section 7: garment maps to NACE C13/C14 and sits under textile and clothing.
def test_sectors_endpoint(client: httpx.Client) -> None:
    sectors = {s["slug"]: s for s in client.get("/api/v1/sectors", params={"lang": "nl"}).json()}
    garment = sectors["garment-textile"]
    assert garment["broader"] == ["textile-clothing"]
    primary = {tail(i) for i in garment["nace"]["exact"] + garment["nace"]["close"]}
    assert {"13", "14"} <= primary
    assert garment["label"] == garment["labels"]["nl"]
    assert "garment-textile" in sectors["textile-clothing"]["narrower"]


# Sections 3, 4, 5.1: UNGPs (2011-06-16, 31 principles + 3 pillars), ILO conventions binding,
# CSDDD adopted 13 Jun 2024 in force 25 Jul 2024 with 39 articles.
def test_instruments_endpoint(client: httpx.Client) -> None:
    instruments = {i["slug"]: i for i in client.get("/api/v1/instruments").json()}
    ungp = instruments["ungp-2011"]
    assert ungp["kind"] == "guideline" and ungp["issued"] == "2011-06-16"
    assert ungp["provision_count"] == 34
    csddd = instruments["csddd-2024"]
    assert csddd["kind"] == "binding"
    assert csddd["issued"] == "2024-06-13" and csddd["entry_into_force"] == "2024-07-25"
    assert csddd["provision_count"] >= 39
    assert instruments["ilo-c138"]["kind"] == "binding"
    # Section 5.1: Directive (EU) 2025/794 amends the CSDDD and entered into force on 17 Apr 2025.
    assert instruments["eu-2025-794"]["amends"] == "csddd-2024"
    assert instruments["eu-2025-794"]["entry_into_force"] == "2025-04-17"


def test_provision_endpoint(client: httpx.Client) -> None:
    body = client.get("/api/v1/provisions/ungp-2011/principle-31").json()
    assert body["instrument"] == "ungp-2011" and body["parent"] == "ungp-2011/pillar-iii"
    assert body["kind"] == "operational-principle" and body["number"] == "31"
    assert {"en", "nl"} <= set(body["labels"])
    assert "nl-garment-textile" in {a["slug"] for a in body["agreements"]}
    assert "access-to-remedy" in {t["slug"] for t in body["risk_topics"]}


def test_provision_endpoint_gives_equivalents_across_editions(client: httpx.Client) -> None:
    body = client.get("/api/v1/provisions/oecd-mne-guidelines-2011/chapter-iv", params={"lang": "nl"}).json()
    assert [e["slug"] for e in body["equivalent_provisions"]] == ["oecd-mne-guidelines-2023/chapter-iv"]
    assert body["label"] == body["labels"]["nl"]
    assert len(body["parts"]) >= 1
    # 1.2: the Dutch agreements cite the 2011 Guidelines as a whole.
    assert "nl-garment-textile" in {a["slug"] for a in body["agreements_citing_instrument"]}


@pytest.mark.parametrize(
    "path,status",
    [
        ("/api/v1/provisions/ungp-2011/principle-99", 404),
        ("/api/v1/provisions/ungp-2011/Principle-1", 400),
        ("/api/v1/provisions/ungp-2011/principle_1", 400),
        ("/api/v1/provisions/ungp-2011/%3E%20x", 400),
    ],
)
def test_provision_endpoint_refuses_bad_and_unknown_slugs(
    client: httpx.Client, path: str, status: int
) -> None:
    assert client.get(path).status_code == status
