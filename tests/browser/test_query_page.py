"""The query page in a real browser: YASGUI with the graph's completions, views, downloads, code.

Each test drives Debian's Chromium against the real test server; nothing is
mocked. Downloads are read back and parsed in the format their button names.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from rdflib import Graph

pytestmark = pytest.mark.slow  # a real Chromium

ACTIVE = ".tabPanel.active"
TEN_THOUSAND = (
    "SELECT ?n WHERE {\n"
    + "".join(f"  VALUES ?{v} {{ 0 1 2 3 4 5 6 7 8 9 }}\n" for v in "abcd")
    + "  BIND(?a * 1000 + ?b * 100 + ?c * 10 + ?d AS ?n)\n}"
)
CONSTRUCT = (
    "PREFIX imvo: <https://w3id.org/imvokg/ont#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "CONSTRUCT { ?a a imvo:IrbcAgreement ; rdfs:label ?l } WHERE { ?a a imvo:IrbcAgreement ; rdfs:label ?l "
    'FILTER(LANG(?l) = "en") }'
)


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def editor(page: Any) -> str:
    return f"document.querySelector('{ACTIVE} .CodeMirror').CodeMirror"


def editor_value(page: Any) -> str:
    return str(page.evaluate(f"{editor(page)}.getValue()"))


def run(page: Any, text: str) -> None:
    """Put `text` in the editor of the tab in view and run it with Ctrl+Enter."""
    page.locator(f"{ACTIVE} .CodeMirror").first.wait_for()
    page.evaluate(f"t => {editor(page)}.setValue(t)", text)
    page.locator(f"{ACTIVE} .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "() => !document.querySelector('#downloads').hidden"
        " || !document.querySelector('#result-error').hidden"
    )


def rows(page: Any) -> Any:
    return page.locator(f"{ACTIVE} .yasr table.dataTable tbody tr")


def download(page: Any, artifacts: Path, kind: str, media_type: str) -> Path:
    """Click the download button `kind`; check the answer's media type and the file's name; the file."""
    posted = page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST")
    with posted as answer, page.expect_download() as info:
        page.locator(f'#downloads button[data-download="{kind}"]').click()
    assert answer.value.headers["content-type"].startswith(media_type), kind
    assert info.value.suggested_filename == f"query-result.{kind}"
    saved = artifacts / f"download.{kind}"
    info.value.save_as(saved)
    return saved


def view(page: Any, name: str) -> None:
    page.locator(f"{ACTIVE} .yasr .select_{name}").click()


def test_an_example_runs_from_its_form_and_results_link_to_resource_pages(page: Any, artifacts: Path) -> None:
    page.goto("/sparql")
    filter_box = page.locator("#example-filter")
    filter_box.fill("parties roles")
    example = page.locator('#example-list li[data-name="agreement-parties"]')
    assert example.is_visible() and page.locator('#example-list li[data-name="sectors"]').is_hidden()
    example.locator("summary").click()
    field = example.locator('input[data-param="agreement"]')
    field.fill("https://w3id.org/imvokg/id/agreement/nl-gold")
    example.locator("button.load-example").click()
    page.wait_for_load_state()
    assert "VALUES ?agreement { <https://w3id.org/imvokg/id/agreement/nl-gold> }" in editor_value(page)
    rows(page).first.wait_for()
    assert rows(page).count() >= 5
    assert re.match(r"^Results: \d+ \(\d+ ms\)$", page.locator("#result-status").inner_text())
    page.wait_for_function(
        f"() => Array.from(document.querySelectorAll('{ACTIVE} .yasr a[data-iri]'))"
        ".some(a => a.getAttribute('href').startsWith('/id/') && !a.textContent.includes(':'))"
    )
    assert "?query=" in page.url  # the shareable link is in the address bar
    shot(page, artifacts, "query-example-form")
    link = page.locator(f'{ACTIVE} .yasr a[href^="/id/"]').first
    href = link.get_attribute("href")
    cut_short = link.locator("xpath=ancestor::div[contains(@class, 'expandable')]")
    if cut_short.count():  # a long name is cut short: the first click shows it whole
        cut_short.first.dispatch_event("click")
    link.click()
    page.wait_for_url("**" + href)
    assert page.problems.errors == []


def test_ten_thousand_rows_page_sort_and_filter(page: Any, artifacts: Path) -> None:
    page.goto("/sparql")
    run(page, TEN_THOUSAND)
    assert page.locator("#result-status").inner_text().startswith("Results: 10000 ")
    info = page.locator(f"{ACTIVE} .dt-info")
    assert "10,000" in info.inner_text()
    assert rows(page).count() == 50  # one page is drawn, not 10,000 rows
    page.locator(f"{ACTIVE} .dt-paging-button.next").click()
    assert "51 to 100" in info.inner_text()
    page.locator(f"{ACTIVE} .dt-paging-button.last").click()
    assert "9,951 to 10,000" in info.inner_text()
    header = page.locator(f"{ACTIVE} table.dataTable thead th", has_text="n")
    header.click()  # ascending
    header.click()  # descending
    page.wait_for_function(
        f"() => document.querySelector('{ACTIVE} table.dataTable tbody tr').innerText.includes('9999')"
    )
    page.locator(f"{ACTIVE} .tableFilter").press_sequentially("4242")
    page.wait_for_function(
        f"() => document.querySelectorAll('{ACTIVE} table.dataTable tbody tr').length === 1"
    )
    assert "4242" in rows(page).first.inner_text()
    shot(page, artifacts, "query-10000-rows")
    assert page.problems.errors == []


def test_numbers_switch_to_a_chart_and_dates_to_a_timeline(page: Any, artifacts: Path) -> None:
    page.goto("/sparql")
    run(
        page,
        'SELECT ?name ?count WHERE { VALUES (?name ?count) { ("alpha" 3) ("beta" 5) ("gamma" 2) } }',
    )
    view(page, "chart")
    chart = page.locator(f"{ACTIVE} .chart-view")
    chart.wait_for()
    assert chart.get_attribute("data-kind") == "bar" and chart.get_attribute("data-points") == "3"
    assert chart.locator("canvas").count() == 1
    chart.locator("select.chart-kind").select_option("pie")
    assert chart.get_attribute("data-kind") == "pie"
    shot(page, artifacts, "query-chart")
    # the query the page opens with has start dates: a timeline
    run(page, page.evaluate("JSON.parse(document.getElementById('page-data').textContent).start"))
    view(page, "timeline")
    timeline = page.locator(f"{ACTIVE} .timeline-view")
    timeline.wait_for()
    assert int(timeline.get_attribute("data-points")) >= 20
    shot(page, artifacts, "query-timeline")
    assert page.problems.errors == []


def test_a_construct_shows_a_graph_and_downloads_as_turtle_n_triples_and_json_ld(
    page: Any, artifacts: Path
) -> None:
    page.goto("/sparql")
    run(page, CONSTRUCT)
    view(page, "graph")
    graph_view = page.locator(f"{ACTIVE} .graph-view")
    graph_view.wait_for()
    assert int(graph_view.get_attribute("data-nodes")) >= 13  # twelve agreements and their class
    assert graph_view.locator("canvas").count() >= 1
    shot(page, artifacts, "query-graph")
    assert page.locator('#downloads [data-download="csv"]').is_hidden()
    for kind, media_type, rdf_format in (
        ("ttl", "text/turtle", "turtle"),
        ("nt", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
    ):
        saved = download(page, artifacts, kind, media_type)
        parsed = Graph().parse(saved, format=rdf_format)
        assert len(parsed) == 24, kind  # twelve agreements: a type and an English name each
    assert page.problems.errors == []


def test_a_select_downloads_as_csv_tsv_and_json(page: Any, artifacts: Path) -> None:
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/imvokg/ont#IrbcAgreement> } ORDER BY ?s"
    page.goto("/sparql?query=" + quote(query))
    rows(page).first.wait_for()
    assert rows(page).count() == 12
    assert page.locator('#downloads [data-download="ttl"]').is_hidden()
    for kind, media_type in (
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("json", "application/sparql-results+json"),
    ):
        saved = download(page, artifacts, kind, media_type)
        text = saved.read_text(encoding="utf-8")
        if kind == "json":
            values = [b["s"]["value"] for b in json.loads(text)["results"]["bindings"]]
        else:
            table = list(csv.reader(io.StringIO(text), delimiter="," if kind == "csv" else "\t"))
            assert table[0] == (["s"] if kind == "csv" else ["?s"])
            values = [r[0].strip("<>") for r in table[1:] if r]
        assert len(values) == 12 and "https://w3id.org/imvokg/id/agreement/nl-garment-textile" in values, kind


def test_completion_offers_a_concept_by_its_german_name(page: Any, artifacts: Path) -> None:
    page.goto("/sparql?lang=de")
    page.locator(f"{ACTIVE} .CodeMirror").first.wait_for()
    page.evaluate(f"{editor(page)}.setValue('SELECT ?x WHERE {{ ?x ?p Kinderarb')")
    page.evaluate(f"{editor(page)}.focus(); {editor(page)}.setCursor({{line: 0, ch: 1000}})")
    page.keyboard.press("Control+Space")
    hint = page.locator(".CodeMirror-hints li", has_text="Kinderarbeit").first
    hint.wait_for()
    shot(page, artifacts, "query-completion-de")
    hint.click()
    assert "child-labour" in editor_value(page)


def test_the_page_and_its_table_speak_the_reader_language(page: Any, artifacts: Path) -> None:
    page.goto("/sparql?lang=de")
    run(page, TEN_THOUSAND)
    assert page.locator("#result-status").inner_text().startswith("Ergebnisse: 10000 ")
    assert page.locator(f"{ACTIVE} .dt-info").inner_text().startswith("Zeilen 1 bis 50 von 10.000")
    assert page.locator(f"{ACTIVE} .yasr .select_table span").inner_text() == "Tabelle"
    assert page.locator(f"{ACTIVE} .tableFilter").get_attribute("placeholder") == "Zeilen filtern"
    shot(page, artifacts, "query-de")


def test_class_names_complete_from_the_ontology(page: Any) -> None:
    page.goto("/sparql")
    page.locator(f"{ACTIVE} .CodeMirror").first.wait_for()
    page.evaluate(
        f"{editor(page)}.setValue('PREFIX imvo: <https://w3id.org/imvokg/ont#>\\nSELECT * WHERE {{ ?a a ')"
    )
    page.evaluate(f"{editor(page)}.focus(); {editor(page)}.setCursor({{line: 1, ch: 1000}})")
    page.keyboard.type("imvo:IrbcAg")
    page.keyboard.press("Control+Space")
    hint = page.locator(".CodeMirror-hints li", has_text="imvo:IrbcAgreement").first
    hint.wait_for()
    hint.click()
    assert editor_value(page).endswith("?a a imvo:IrbcAgreement")


def test_tabs_history_and_a_shared_link(page: Any) -> None:
    page.goto("/sparql")
    run(page, "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }")
    run(page, "SELECT ?y WHERE { VALUES ?y { 4 5 } }")
    page.locator("#history-panel summary").click()
    items = page.locator("#history-list .history-item")
    assert items.count() == 2 and "?y" in items.first.inner_text()
    tabs_before = page.locator(".yasgui .tabsList .tab").count()
    items.nth(1).click()  # the older query opens in a tab of its own
    assert page.locator(".yasgui .tabsList .tab").count() == tabs_before + 1
    assert editor_value(page) == "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"
    # the address bar holds the last query run; opened again, it runs in the editor
    shared = page.url
    assert "query=" in shared
    page.goto(shared)
    rows(page).first.wait_for()
    assert rows(page).count() == 2 and editor_value(page) == "SELECT ?y WHERE { VALUES ?y { 4 5 } }"


def test_a_bad_query_shows_the_error_detail(page: Any, artifacts: Path) -> None:
    page.goto("/sparql")
    run(page, "SELECT ?x WHERE { ?x ?y")
    error = page.locator("#result-error")
    text = error.inner_text()
    assert text.startswith("The query failed")
    assert "does not parse" in text
    assert len(text.split("\n", 1)[1].strip()) > 5  # the server's detail is shown
    shot(page, artifacts, "query-error")


def test_the_code_panel_gives_curl_python_r_and_javascript_that_run(
    page: Any, server: Any, tmp_path: Path
) -> None:
    page.goto("/sparql")
    query = 'SELECT ?x ?label WHERE { VALUES (?x ?label) { (1 "one") (2 "two") } } ORDER BY ?x'
    run(page, query)
    page.locator("#code-panel summary").click()
    snippets = {}
    for key in ("curl", "sparqlwrapper", "httpx", "r", "js"):
        page.locator(f'.code-tabs [data-code="{key}"]').click()
        snippets[key] = page.locator("#code-text").inner_text()
        assert server.url + "/sparql" in snippets[key], key
    curl = subprocess.run(
        ["bash", "-c", snippets["curl"]], capture_output=True, text=True, timeout=60, check=True
    )
    assert curl.stdout.replace("\r\n", "\n") == "x,label\n1,one\n2,two\n"
    for key in ("sparqlwrapper", "httpx"):
        ran = subprocess.run(
            [sys.executable, "-c", snippets[key]], capture_output=True, text=True, timeout=60
        )
        assert ran.returncode == 0, (key, ran.stderr)
        assert ran.stdout.splitlines() == ["{'x': '1', 'label': 'one'}", "{'x': '2', 'label': 'two'}"], key
    node = shutil.which("node")
    if node:  # the JavaScript snippet is an ES module (top-level await), for Node 18+ or a browser
        script = tmp_path / "query.mjs"
        script.write_text(snippets["js"], encoding="utf-8")
        ran = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines() == ["{ x: '1', label: 'one' }", "{ x: '2', label: 'two' }"]
    rscript = shutil.which("Rscript")
    if rscript:  # Debian's r-base-core and r-cran-httr (.ci/run installs them)
        script = tmp_path / "query.R"
        script.write_text(snippets["r"], encoding="utf-8")
        ran = subprocess.run([rscript, str(script)], capture_output=True, text=True, timeout=120)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines() == ["  x label", "1 1   one", "2 2   two"]
