"""GET /api/v1/compare over real HTTP, checked against the two agreement detail answers."""

from __future__ import annotations

import httpx


def test_compare_splits_shared_and_distinct_against_the_detail_pages(client: httpx.Client) -> None:
    response = client.get("/api/v1/compare", params={"a": "nl-garment-textile", "b": "nl-gold"})
    assert response.status_code == 200, response.text
    body = response.json()
    left = client.get("/api/v1/agreements/nl-garment-textile").json()
    right = client.get("/api/v1/agreements/nl-gold").json()

    risks_a = {r["risk"] for r in left["risks"]}
    risks_b = {r["risk"] for r in right["risks"]}
    assert {r["slug"] for r in body["risks"]["shared"]} == risks_a & risks_b
    assert {r["slug"] for r in body["risks"]["only_a"]} == risks_a - risks_b
    assert {r["slug"] for r in body["risks"]["only_b"]} == risks_b - risks_a
    assert body["risks"]["shared"], "garment and gold share salient risk topics"

    assert {s["slug"] for s in body["sectors"]["only_a"]} == set(left["sectors"]) - set(right["sectors"])
    provisions_a = {p["iri"] for p in left["provisions"]}
    provisions_b = {p["iri"] for p in right["provisions"]}
    assert {p["iri"] for p in body["provisions"]["shared"]} == provisions_a & provisions_b

    parties_a = {p["iri"] for p in left["parties"]}
    parties_b = {p["iri"] for p in right["parties"]}
    assert {p["iri"] for p in body["parties"]["shared"]} == parties_a & parties_b
    by_kind = {p["iri"] for kind in body["parties"]["a_by_kind"].values() for p in kind}
    assert by_kind == parties_a

    rows = body["requirements"]
    assert [r["id"] for r in rows] == [f"MR-{n:02d}" for n in range(1, 15)]
    assert [r["a"] for r in rows] == [r["status"] for r in left["requirements"]]
    assert [r["b"] for r in rows] == [r["status"] for r in right["requirements"]]
    assert body["a"]["requirements_met"] == sum(r["status"] == "met" for r in left["requirements"])


def test_compare_a_dutch_agreement_with_a_foreign_initiative_in_dutch(client: httpx.Client) -> None:
    body = client.get(
        "/api/v1/compare",
        params={"a": "nl-garment-textile", "b": "de-partnership-sustainable-textiles", "lang": "nl"},
    ).json()
    assert body["a"]["kind"] == "irbc-agreement" and body["b"]["kind"] == "foreign-initiative"
    assert any(r["a"] != r["b"] for r in body["requirements"])
    english = client.get(
        "/api/v1/compare", params={"a": "nl-garment-textile", "b": "de-partnership-sustainable-textiles"}
    ).json()
    assert body["requirements"][0]["title"] != english["requirements"][0]["title"]


def test_compare_refuses_unknown_and_malformed_slugs(client: httpx.Client) -> None:
    unknown = client.get("/api/v1/compare", params={"a": "nl-gold", "b": "no-such-agreement"})
    assert unknown.status_code == 404 and "no-such-agreement" in unknown.json()["detail"]
    malformed = client.get("/api/v1/compare", params={"a": "nl-gold", "b": "Bad Slug!"})
    assert malformed.status_code == 400
    missing = client.get("/api/v1/compare", params={"a": "nl-gold"})
    assert missing.status_code == 400
