"""The web pages over HTTP (no browser): languages, search, query page, matrix, compare, assets."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from imvokg import languages
from imvokg.queries import default_registry
from imvokg.web import views
from imvokg.web.site import STATIC_DIR, TEMPLATES_DIR, local_path

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


# -- interface text and language choice ------------------------------------------


def test_local_paths_of_our_iris() -> None:
    assert local_path("https://w3id.org/imvokg/id/agreement/nl-gold") == "/id/agreement/nl-gold"
    assert (
        local_path("https://w3id.org/imvokg/scheme/risk-topic/child-labour")
        == "/scheme/risk-topic/child-labour"
    )
    assert local_path("https://w3id.org/imvokg/ont#Party") == "/ontology#Party"
    assert local_path("http://example.org/x") == "http://example.org/x"


# -- home -------------------------------------------------------------------------


def test_home_shows_counts_and_entry_points(client: httpx.Client) -> None:
    page = client.get("/", headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert re.search(r'<span class="number">12</span> <span class="what">Dutch IRBC agreements', page.text)
    assert re.search(r'<span class="number">14</span> <span class="what">foreign initiatives', page.text)
    for link in ("/coverage?sector=", "/compare?a=", "/sparql?lang=en"):
        assert link in page.text


def test_search_finds_names_in_any_language_and_links_to_resource_pages(client: httpx.Client) -> None:
    german = client.get("/", params={"q": "kinderarbeit", "lang": "de"})
    assert '<a href="/scheme/risk-topic/child-labour">Kinderarbeit</a>' in german.text
    # the Dutch word finds the same topic, shown in English for an English page
    dutch = client.get("/", params={"q": "kinderarbeid", "lang": "en"})
    assert '<a href="/scheme/risk-topic/child-labour">child labour</a>' in dutch.text
    none = client.get("/", params={"q": "zzqqxx"})
    assert "Nothing found for" in none.text
    # search text is data, never markup
    evil = client.get("/", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in evil.text and "&lt;script&gt;" in evil.text


def test_a_chosen_language_is_remembered_in_a_cookie(client: httpx.Client) -> None:
    first = client.get("/", params={"lang": "de"})
    assert first.cookies.get(languages.COOKIE) == "de"
    assert '<html lang="de">' in first.text
    with httpx.Client(base_url=client.base_url, cookies={languages.COOKIE: "de"}) as remembered:
        again = remembered.get("/coverage")
    assert '<html lang="de">' in again.text and "Abdeckungsmatrix" in again.text


# -- query page -------------------------------------------------------------------


def test_the_query_page_for_a_browser_and_results_for_a_client(client: httpx.Client) -> None:
    page = client.get("/sparql", headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html")
    assert '<textarea id="query" name="query"' in page.text
    assert "/static/vendor/yasgui/yasgui.min.js" in page.text
    for query in default_registry():
        assert f'data-name="{query.name}"' in page.text
    shared = client.get(
        "/sparql", params={"query": "SELECT ?x WHERE { VALUES ?x { 1 } } # <b>"}, headers=BROWSER
    )
    assert shared.headers["content-type"].startswith("text/html")
    assert "SELECT ?x WHERE { VALUES ?x { 1 } } # &lt;b&gt;</textarea>" in shared.text
    answer = client.get(
        "/sparql",
        params={"query": "SELECT ?x WHERE { VALUES ?x { 1 } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.json()["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]


@pytest.mark.slow  # every named query through /sparql
def test_every_example_loaded_into_the_editor_runs(client: httpx.Client) -> None:
    for query in default_registry():
        text = views.runnable_text(query.text, [p.to_dict() for p in query.parameters], "en")
        for param in query.parameters:
            if param.required or param.type == "lang":
                assert f"VALUES ?{param.name} " in text, (query.name, param.name)
        answer = client.post("/sparql", data={"query": text}, headers={"Accept": "*/*"})
        assert answer.status_code == 200, (query.name, answer.text[:300])


def test_an_example_form_puts_the_query_with_its_values_in_the_editor(client: httpx.Client) -> None:
    gold = "https://w3id.org/imvokg/id/agreement/nl-gold"
    page = client.get("/sparql", params={"example": "agreement-parties", "agreement": gold}, headers=BROWSER)
    assert page.status_code == 200
    assert "VALUES ?agreement { &lt;" + gold + "&gt; }" in page.text
    assert '"autorun": true' in page.text
    # the form's fields are checked as the named-query service checks them
    wrong = client.get(
        "/sparql", params={"example": "agreement-parties", "agreement": "not an iri"}, headers=BROWSER
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "bad_request"
    missing = client.get("/sparql", params={"example": "no-such-query"}, headers=BROWSER)
    assert missing.status_code == 404


def test_runnable_text_writes_each_parameter_type() -> None:
    text = "SELECT * WHERE { ?s ?p ?o }"
    params = [
        {"name": "a", "type": "iri", "example": "https://w3id.org/imvokg/id/x", "required": True},
        {"name": "b", "type": "date", "example": "2020-01-01", "required": True},
        {"name": "c", "type": "string", "example": 'say "hi"', "required": True},
        {"name": "d", "type": "integer", "example": "3", "required": True},
        {"name": "e", "type": "decimal", "example": "2.5", "required": False},
        {"name": "lang", "type": "lang", "example": "en", "required": False},
    ]
    out = views.runnable_text(text, params, "de")
    assert "VALUES ?a { <https://w3id.org/imvokg/id/x> }" in out
    assert 'VALUES ?b { "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> }' in out
    assert 'VALUES ?c { "say \\"hi\\"" }' in out
    assert "VALUES ?d { 3 }" in out
    assert "?e" not in out  # optional parameters stay unbound
    assert 'VALUES ?lang { "de" }' in out


# -- coverage matrix and compare ----------------------------------------------------


def test_the_coverage_matrix_marks_covered_cells_and_gaps(client: httpx.Client) -> None:
    page = client.get("/coverage", params={"sector": "garment-textile", "lang": "en"})
    assert page.status_code == 200
    row = re.search(r'<tr data-risk="child-labour">(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert re.search(r'data-agreement="nl-garment-textile" data-status="covered"', row.group(1))
    assert "/id/commitment/nl-garment-textile--child-labour" in row.group(1)
    gap = re.search(r'<tr data-risk="water-scarcity" class="gap">(.*?)</tr>', page.text, re.S)
    assert gap is not None and 'data-status="covered"' not in gap.group(1)
    order = re.findall(r'data-score="([\d.]+)"', page.text)
    assert [float(s) for s in order] == sorted((float(s) for s in order), reverse=True)


def test_coverage_and_compare_answer_404_pages_for_unknown_names(client: httpx.Client) -> None:
    sector = client.get("/coverage", params={"sector": "no-such-sector"}, headers=BROWSER)
    assert sector.status_code == 404 and sector.headers["content-type"].startswith("text/html")
    assert "no-such-sector" in sector.text and 'role="alert"' in sector.text
    pair = client.get("/compare", params={"a": "nl-gold", "b": "no-such-agreement"}, headers=BROWSER)
    assert pair.status_code == 404 and "no-such-agreement" in pair.text


def test_compare_lists_what_each_covers(client: httpx.Client) -> None:
    page = client.get("/compare", params={"a": "nl-garment-textile", "b": "fair-wear-foundation"})
    assert page.status_code == 200
    assert "Only in Dutch Agreement on Sustainable Garments and Textile" in page.text
    assert "Only in Fair Wear Foundation" in page.text
    assert '<a href="/id/party/fnv">FNV</a>' in page.text


def test_compare_view_splits_shared_and_distinct() -> None:
    a = {"risks": [{"risk": "x", "risk_label": "X"}, {"risk": "y", "risk_label": "Y"}], "parties": []}
    b = {
        "risks": [{"risk": "y", "risk_label": "Y"}, {"risk": "z", "risk_label": "Z"}],
        "parties": [],
        "requirements": [{"id": "MR-01", "title": "t", "status": "met", "messages": []}],
    }
    result = views.compare(a, b)
    assert [r["key"] for r in result["risks"]["only_a"]] == ["x"]
    assert [r["key"] for r in result["risks"]["both"]] == ["y"]
    assert [r["key"] for r in result["risks"]["only_b"]] == ["z"]
    assert result["requirements"][0]["b"]["status"] == "met" and result["requirements"][0]["a"] is None
    assert views.compare({"parties": []}, {"parties": []})["requirements"] is None


# -- assets -------------------------------------------------------------------------


def test_static_assets_are_served_from_the_package(client: httpx.Client) -> None:
    for path in (
        "/static/css/site.css",
        "/static/js/query.js",
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/vendor/yasgui/LICENSE",
        "/static/vendor/chartjs/chart.umd.min.js",
        "/static/vendor/cytoscape/cytoscape.min.js",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
    for licence in ("yasgui/LICENSE", "chartjs/LICENSE.md", "cytoscape/LICENSE"):
        assert "Permission is hereby granted" in client.get("/static/vendor/" + licence).text, licence


def test_vendored_assets_are_small_and_documented() -> None:
    vendor = STATIC_DIR / "vendor"
    docs = vendor / "swagger-ui"  # the API documentation's, loaded by /docs only
    size = sum(p.stat().st_size for p in vendor.rglob("*") if p.is_file() and docs not in p.parents)
    assert size < 2_000_000  # YASGUI (editor, results) 1.1 MB, Chart.js 0.2 MB, Cytoscape.js 0.4 MB
    assert sum(p.stat().st_size for p in docs.rglob("*") if p.is_file()) < 2_100_000  # Swagger UI 1.9 MB
    for licence in ("yasgui/LICENSE", "chartjs/LICENSE.md", "cytoscape/LICENSE", "swagger-ui/LICENSE"):
        assert (vendor / licence).is_file(), licence
    assert (vendor / "README.md").is_file()


def test_pages_load_nothing_from_other_hosts() -> None:
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    for path in [*TEMPLATES_DIR.glob("*.html"), *(STATIC_DIR / "js").glob("*.js")]:
        text = Path(path).read_text(encoding="utf-8")
        if (
            path.name in {"home.html", "query.html", "coverage.html", "compare.html", "base.html"}
            or path.suffix == ".js"
        ):
            assert not external.search(text), path.name
