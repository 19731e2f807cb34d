"""The web interface in a real browser: pages, query editor, coverage matrix, languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.slow  # a real Chromium

PAGES = [
    ("home", "/"),
    ("query", "/sparql"),
    ("coverage", "/coverage?sector=garment-textile"),
    ("compare", "/compare?a=nl-garment-textile&b=fair-wear-foundation"),
    ("ser-2023", "/ser-2023"),
]


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def unlabelled_controls(page: Any) -> list[str]:
    """Form controls a screen reader could not name (no <label>, aria-label or aria-labelledby)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea'))
            .filter(el => el.type !== 'hidden' && !(el.closest('.CodeMirror') && el.id !== 'query-input'))
            .filter(el => el.offsetParent !== null || el.id === 'query-input')
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby'))
            .map(el => el.outerHTML.slice(0, 120))"""
    )


@pytest.mark.parametrize(("name", "path"), PAGES)
def test_each_page_loads_with_a_title_a_language_and_labelled_inputs(
    page: Any, artifacts: Path, name: str, path: str
) -> None:
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.title().strip() and "imvokg" in page.title()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").count() == 1
    assert unlabelled_controls(page) == []
    # the skip link is the first thing the keyboard reaches, and leads to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    shot(page, artifacts, f"page-{name}")
    assert page.problems.errors == []


def test_an_example_query_runs_with_ctrl_enter_and_a_result_leads_to_a_resource_page(
    page: Any, artifacts: Path
) -> None:
    page.goto("/sparql")
    example = page.locator('#example-list li[data-name="agreements"]')
    example.locator("summary").click()
    example.locator("button.load-example").click()
    assert "SELECT" in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    page.keyboard.press("Control+Enter")
    rows = page.locator("#results table.results-table tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 20  # 12 Dutch agreements and 14 foreign initiatives
    assert re.match(r"^Results: \d+ \(\d+ ms\)$", page.locator("#result-status").inner_text())
    # IRIs are links shown by label, pointing at this server's /id/ pages
    link = page.locator('#results a[href^="/id/agreement/"]').first
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#results a[data-iri]'))"
        ".some(a => !a.textContent.startsWith('agr:') && !a.textContent.startsWith('http'))"
    )
    assert "?query=" in page.url  # the shareable link is in the address bar
    shot(page, artifacts, "query-results")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(href)
    assert page.locator("h1").count() >= 1 and page.title()
    shot(page, artifacts, "resource-from-result")


def test_results_download_as_csv_tsv_and_json(page: Any, artifacts: Path) -> None:
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/imvokg/ont#IrbcAgreement> } ORDER BY ?s"
    page.goto("/sparql?query=" + quote(query))
    page.locator("#results tbody tr").first.wait_for()
    assert page.locator("#results tbody tr").count() == 12
    for kind, first in (("csv", "s\r\n"), ("tsv", "?s\n"), ("json", "{")):  # SPARQL 1.1 CSV ends lines CRLF
        with page.expect_download() as info:
            page.locator(f'#downloads button[data-download="{kind}"]').click()
        saved = artifacts / f"download.{kind}"
        info.value.save_as(saved)
        text = saved.read_bytes().decode("utf-8")
        assert text.startswith(first), (kind, text[:40])
        assert "nl-garment-textile" in text


def test_a_shared_link_reopens_the_query(page: Any) -> None:
    query = "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"
    page.goto("/sparql?query=" + quote(query))
    page.locator("#results tbody tr").first.wait_for()
    assert page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()") == query
    assert page.locator("#results tbody tr").count() == 3


def test_a_bad_query_shows_the_error_detail(page: Any, artifacts: Path) -> None:
    page.goto("/sparql")
    page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT ?x WHERE { ?x ?y')")
    page.locator("#run").click()
    error = page.locator("#result-error")
    error.wait_for(state="visible")
    text = error.inner_text()
    assert "The query failed (400)" in text
    assert len(text.split("\n", 1)[1].strip()) > 5  # the server's detail is shown
    assert page.locator("#results table").count() == 0
    shot(page, artifacts, "query-error")


def test_the_editor_is_usable_with_the_keyboard_alone(page: Any) -> None:
    page.goto("/sparql")
    page.locator("#share").focus()
    page.keyboard.press("Shift+Tab")  # back from "Copy link" to "Run"
    page.keyboard.press("Shift+Tab")  # back into the editor
    assert page.evaluate("document.activeElement.id") == "query-input"
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("PREFIX sk")
    page.keyboard.press("Control+Space")
    page.locator(".CodeMirror-hints li", has_text="skos:").first.wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("ASK { ?c a skos:Concept }")
    value = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert value.startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nASK")
    page.keyboard.press("Control+Enter")
    page.locator(".ask-answer").wait_for()
    assert "yes" in page.locator(".ask-answer").inner_text()
    # Tab leaves the editor (it does not trap the keyboard) and reaches the Run button
    page.locator(".CodeMirror").click()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"


def test_prefix_completion_declares_the_prefix(page: Any) -> None:
    page.goto("/sparql")
    page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue('')")
    page.locator(".CodeMirror").click()
    page.keyboard.type("SELECT * WHERE { ?a a imv")
    page.keyboard.press("Control+Space")
    page.locator(".CodeMirror-hints li", has_text="imvo:").first.wait_for()
    page.keyboard.press("Enter")
    value = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert value.startswith("PREFIX imvo: <https://w3id.org/imvokg/ont#>\n")
    assert value.endswith("?a a imvo:")


def test_switching_to_german_shows_german_labels_and_is_remembered(page: Any, artifacts: Path) -> None:
    page.goto("/?q=child")
    assert page.locator("#search-results a", has_text="child labour").count() >= 1
    page.locator('.lang-switch a[data-lang="de"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("#search-results a", has_text="Kinderarbeit").count() >= 1
    assert page.locator("label[for=q]").inner_text() == "Namen in allen Sprachen suchen"
    shot(page, artifacts, "home-search-de")
    # remembered: the next page, without ?lang=, is German too
    page.goto("/coverage?sector=garment-textile")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator('tr[data-risk="child-labour"] th a').inner_text() == "Kinderarbeit"
    assert page.locator("main h1").inner_text().startswith("Abdeckungsmatrix")
    shot(page, artifacts, "coverage-de")


def test_accept_language_picks_the_language(browser: Any, server: Any) -> None:
    context = browser.new_context(base_url=server.url, locale="fr-FR")
    try:
        tab = context.new_page()
        tab.goto("/coverage?sector=garment-textile")
        assert tab.locator("html").get_attribute("lang") == "fr"
        assert tab.locator('tr[data-risk="child-labour"] th a').inner_text() == "travail des enfants"
    finally:
        context.close()


def test_the_coverage_matrix_shows_a_covered_cell_and_a_gap(page: Any, artifacts: Path) -> None:
    page.goto("/coverage?sector=garment-textile")
    rows = page.locator("#matrix tbody tr")
    scores = [
        float(s) for s in rows.locator(".salience").evaluate_all("els => els.map(e => e.dataset.score)")
    ]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 5
    covered = page.locator('tr[data-risk="child-labour"] td[data-agreement="nl-garment-textile"]')
    assert covered.get_attribute("data-status") == "covered"
    button = covered.locator("button")
    assert "child labour" in button.get_attribute("title")
    button.click()
    detail = page.locator("#cell-detail-body")
    assert "Child labour: commitment of the garment and textile agreement" in detail.inner_text()
    assert detail.locator('a[href="/id/commitment/nl-garment-textile--child-labour"]').count() == 1
    gap = page.locator('tr[data-risk="water-scarcity"]')
    assert "gap" in gap.get_attribute("class")
    statuses = gap.locator("td.cell").evaluate_all("els => els.map(e => e.dataset.status)")
    assert statuses and set(statuses) == {"not_covered"}
    assert gap.locator("th .gap-badge").is_visible()
    gap.locator("td.cell button").first.focus()
    page.keyboard.press("Enter")  # cells open from the keyboard too
    assert "not covered" in detail.inner_text()
    shot(page, artifacts, "coverage-garment-textile")


def test_the_coverage_matrix_exports_svg_and_png(page: Any, artifacts: Path) -> None:
    page.goto("/coverage?sector=garment-textile")
    with page.expect_download() as svg_info:
        page.locator("#export-svg").click()
    svg_path = artifacts / "coverage-garment-textile.svg"
    svg_info.value.save_as(svg_path)
    svg = svg_path.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "water scarcity" in svg and "child labour" in svg
    with page.expect_download() as png_info:
        page.locator("#export-png").click()
    png_path = artifacts / "coverage-garment-textile-export.png"
    png_info.value.save_as(png_path)
    data = png_path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_compare_puts_two_initiatives_side_by_side(page: Any, artifacts: Path) -> None:
    page.goto("/compare")
    page.locator("#a").select_option("nl-garment-textile")
    page.locator("#b").select_option("fair-wear-foundation")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    assert "a=nl-garment-textile" in page.url and "b=fair-wear-foundation" in page.url
    table = page.locator("table.compare").first
    assert "Dutch Agreement on Sustainable Garments and Textile" in table.inner_text()
    assert "FNV" in table.inner_text()
    risks = page.locator("section.diff").nth(1)
    assert "child labour" in risks.locator(".only-a").inner_text()
    shot(page, artifacts, "compare")


def test_a_query_over_its_time_limit_says_so(browser: Any, settings: Any, artifacts: Path) -> None:
    from tests.conftest import start_server

    # read-only: the session server may hold the store read-write
    hurried = start_server(settings.model_copy(update={"query_timeout_s": 1.0, "read_only": True}))
    context = browser.new_context(base_url=hurried.url, locale="en-GB")
    try:
        tab = context.new_page()
        tab.goto("/sparql")
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        tab.evaluate(f"document.querySelector('.CodeMirror').CodeMirror.setValue({heavy!r})")
        tab.locator("#run").click()
        error = tab.locator("#result-error")
        error.wait_for(state="visible", timeout=60_000)
        assert error.inner_text().startswith("The query ran out of time")
        shot(tab, artifacts, "query-timeout")
    finally:
        context.close()
        hurried.stop()
