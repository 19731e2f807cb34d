"""The JSON API and named queries over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from imvokg.queries import default_registry


def test_healthz(client: httpx.Client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"


def test_coverage_of_the_garment_sector(client: httpx.Client) -> None:
    body = client.get("/api/v1/coverage", params={"sector": "garment-textile"}).json()
    risks = {r["risk"]: r for r in body["risks"]}
    # the garment agreement prioritised child labour and covers it directly
    child = risks["child-labour"]
    covering = {a["slug"]: a for a in child["agreements"]}
    assert covering["nl-garment-textile"]["coverage"] == "covered"
    assert child["salience"]["severity"]["scale"] >= 4
    # ordered by salience, highest first
    scores = [r["salience"]["score"] for r in body["risks"]]
    assert scores == sorted(scores, reverse=True)
    # KPMG 2014 found water scarcity for textiles; no garment commitment addresses it
    assert risks["water-scarcity"]["covered"] is False


def test_gaps_any_and_recognised(client: httpx.Client) -> None:
    anyone = client.get("/api/v1/gaps", params={"sector": "garment-textile", "basis": "any"}).json()
    recognised = client.get("/api/v1/gaps", params={"sector": "garment-textile"}).json()
    gap_any = {g["risk"] for g in anyone["gaps"]}
    gap_recognised = {g["risk"] for g in recognised["gaps"]}
    assert "water-scarcity" in gap_any
    assert "child-labour" not in gap_any
    # no recognition decision exists yet, so every salient risk is a gap
    assert gap_any < gap_recognised
    assert "child-labour" in gap_recognised


def test_unknown_sector_is_404_and_bad_slug_is_400(client: httpx.Client) -> None:
    assert client.get("/api/v1/coverage", params={"sector": "no-such-sector"}).status_code == 404
    response = client.get("/api/v1/coverage", params={"sector": "Bad Slug!"})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


def test_agreement_list_and_filters(client: httpx.Client) -> None:
    everything = client.get("/api/v1/agreements").json()
    assert len([a for a in everything if a["kind"] == "irbc-agreement"]) == 12
    gold = {a["slug"] for a in client.get("/api/v1/agreements", params={"sector": "gold"}).json()}
    assert "nl-gold" in gold and "nl-banking" not in gold
    on_date = {a["slug"] for a in client.get("/api/v1/agreements", params={"valid_on": "2017-01-01"}).json()}
    assert "nl-garment-textile" in on_date and "nl-metals" not in on_date
    child = {a["slug"] for a in client.get("/api/v1/agreements", params={"risk": "child-labour"}).json()}
    assert "nl-garment-textile" in child
    assert client.get("/api/v1/agreements", params={"recognised_by": "NL"}).json() == []
    assert client.get("/api/v1/agreements", params={"recognised_by": "XX"}).status_code == 400
    assert client.get("/api/v1/agreements", params={"valid_on": "yesterday"}).status_code == 400


def test_labels_follow_the_asked_language(client: httpx.Client) -> None:
    nl = client.get("/api/v1/agreements/nl-gold", params={"lang": "nl"}).json()
    assert nl["label"] == "Convenant Verantwoord Goud"
    header = client.get("/api/v1/agreements/nl-gold", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).json()
    assert header["label"] == "Convenant Verantwoord Goud"
    en = client.get("/api/v1/agreements/nl-gold").json()
    assert en["label"] != nl["label"]


def test_agreement_detail(client: httpx.Client) -> None:
    body = client.get("/api/v1/agreements/nl-garment-textile").json()
    assert body["signing_date"] == "2016-07-04"
    kinds = {p["kind"] for p in body["parties"]}
    assert {"trade-union", "ngo", "industry-association"} <= kinds
    roles = {(p["slug"], p["role"]) for p in body["parties"]}
    assert ("fnv", "signatory") in roles
    assert any("grievance-mechanism" in m["kinds"] for m in body["mechanisms"])
    assert len(body["risks"]) == 9
    assert body["sources"]
    assert client.get("/api/v1/agreements/nope").status_code == 404


def test_named_query_list_and_text(client: httpx.Client) -> None:
    listed = client.get("/queries").json()
    names = {q["name"] for q in listed}
    assert {"sector-coverage", "agreements"} <= names
    text = client.get("/queries/sector-coverage.rq")
    assert text.status_code == 200 and "# title:" in text.text


# Queries whose honest answer on the curated data is empty, and why.
NO_DECISION = "no recognition decision under the CSDDD exists yet"
EMPTY_ON_CURATED = {
    "recognitions": NO_DECISION,
    "recognition-feed": NO_DECISION,
    "submission-decision": "the curated data holds no approved submission",
    "stream-members": NO_DECISION,  # the event stream lists decisions only (tests/test_event_stream.py)
    "stream-page-statements": NO_DECISION,
    "stream-page-graphs": NO_DECISION,
    "peer-decision": "no registry harvested yet (tests/test_harvest.py)",
    "initiative-recognitions": NO_DECISION,
    "agreement-trail": NO_DECISION,  # decisions made in the workspace: tests/test_workspace.py
    "decision-matrix": NO_DECISION,  # the network page: tests/browser/test_network_page.py
    "recognised-elsewhere-not-here": "no registry harvested yet (tests/test_harvest.py)",
    "agreement-versions": "curated agreements change with a build; versions come from amendments",
}


@pytest.mark.parametrize("name", default_registry().names())
def test_every_named_query_runs_with_its_examples_and_returns_rows(client: httpx.Client, name: str) -> None:
    query = default_registry().get(name)
    params = {p.name: p.example for p in query.parameters if p.required}
    response = client.get(f"/queries/{name}", params=params)
    assert response.status_code == 200, response.text
    if query.kind == "SELECT":
        rows = response.json()["results"]["bindings"]
        if name in EMPTY_ON_CURATED:
            assert rows == [], EMPTY_ON_CURATED[name]
        else:
            assert rows, f"{name} returned no rows for its example"


def test_named_query_parameters_are_validated(client: httpx.Client) -> None:
    missing = client.get("/queries/sector-coverage")
    assert missing.status_code == 400 and "sector" in missing.json()["detail"]
    bad_iri = client.get("/queries/sector-coverage", params={"sector": "x> } ; DROP ALL ; {"})
    assert bad_iri.status_code == 400
    unknown = client.get("/queries/sector-coverage", params={"sector": "https://x.org/a", "evil": "1"})
    assert unknown.status_code == 400
    injected = client.get("/queries/agreements", params={"lang": 'en") } UNION { ?s ?p ?o . FILTER("'})
    assert injected.status_code == 400


def test_api_docs_are_served_without_any_remote_asset(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http://" not in page.text.replace("http://127.0.0.1", "") and "https://" not in page.text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    bundle = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and "swagger-ui" in bundle.text[:2000].lower()
    policy = page.headers["content-security-policy"]
    assert "cdn" not in policy and "unsafe-inline" not in policy.split("script-src")[-1].split(";")[0]
    assert "<script>" not in page.text  # no inline script: the start-up is static/js/api-docs.js
    assert client.get("/openapi.json").json()["info"]["title"] == "imvokg"


def test_coverage_names_the_covering_agreements_in_the_asked_language(client: httpx.Client) -> None:
    def names(lang: str) -> set[str]:
        body = client.get("/api/v1/coverage", params={"sector": "garment-textile", "lang": lang}).json()
        return {
            a["label"]
            for risk in body["risks"]
            for a in risk["agreements"]
            if a["slug"] == "nl-garment-textile"
        }

    assert names("nl") == {"Convenant Duurzame Kleding en Textiel"}
    assert names("en") == {"Dutch Agreement on Sustainable Garments and Textile"}


def _linked_queries(response: httpx.Response) -> list[str]:
    links = [part.strip() for part in response.headers.get("link", "").split(",") if part.strip()]
    assert all(link.endswith('rel="describedby"') for link in links), links
    return [link.split(">")[0].removeprefix("</queries/").removesuffix(".rq") for link in links]


@pytest.mark.parametrize(
    ("path", "must_name"),
    [
        ("/api/v1/coverage?sector=garment-textile", {"resource-exists", "sector-coverage", "agreements"}),
        ("/api/v1/gaps?sector=gold", {"resource-exists", "sector-gaps"}),
        ("/api/v1/agreements?sector=gold", {"resource-exists", "agreements"}),
        ("/api/v1/agreements/nl-gold", {"agreement-summary", "agreement-neighbourhood"}),
        ("/api/v1/risks", {"taxonomy-risk-topics"}),
        ("/api/v1/compare?a=nl-gold&b=nl-metals", {"agreement-summary", "agreement-neighbourhood"}),
    ],
)
def test_every_json_answer_names_the_queries_it_ran(
    client: httpx.Client, path: str, must_name: set[str]
) -> None:
    first = client.get(path)
    again = client.get(path)  # from the cache: the same names
    assert first.status_code == 200, first.text
    named = _linked_queries(first)
    assert must_name <= set(named) and named == _linked_queries(again)
    for name in named:
        assert client.get(f"/queries/{name}.rq").status_code == 200, name
