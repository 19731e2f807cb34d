"""The web interface in a real browser: pages, query editor, coverage matrix, languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # a real Chromium

PAGES = [
    ("home", "/"),
    ("query", "/sparql"),
    ("coverage", "/coverage?sector=garment-textile"),
    ("compare", "/compare?a=nl-garment-textile&b=fair-wear-foundation"),
    ("ser-2023", "/ser-2023"),
    ("network", "/network"),
]


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def unlabelled_controls(page: Any) -> list[str]:
    """Form controls a screen reader could not name (no <label>, aria-label or aria-labelledby)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea'))
            .filter(el => el.type !== 'hidden')
            .filter(el => el.offsetParent !== null || el.closest('.CodeMirror'))
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
        tab.locator(".tabPanel.active .CodeMirror").first.wait_for()
        tab.evaluate(f"document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue({heavy!r})")
        tab.locator("#run-js").click()
        error = tab.locator("#result-error")
        error.wait_for(state="visible", timeout=60_000)
        assert error.inner_text().startswith("The query ran out of time")
        shot(tab, artifacts, "query-timeout")
    finally:
        context.close()
        hurried.stop()
