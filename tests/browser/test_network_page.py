"""The page of initiatives x member states, in the reader's language, from harvested decisions.

Two registries on loopback: NL recognises an initiative under the EU minimum requirements; DE,
which follows NL and decides under its (example) national profile, harvests that decision and its
supervisor adopts it. DE's /network page, read in German, shows both decisions in the
initiative's row: NL's recognition and DE's adoption, each verified, each with its profile and a
link to the decision.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import free_port
from tests.test_network import DE_PROFILE, Node, approve, recognitions, start_node, wait_for
from tests.test_workflow import copy_store

from imvokg.messages import say

pytestmark = pytest.mark.slow
SLUG = "example-matrix"


@pytest.fixture(scope="module")
def registries(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    ports = {"NL": free_port(), "DE": free_port()}
    nodes: dict[str, Node] = {}
    try:
        for state, follows in (("NL", []), ("DE", ["NL"])):
            root = tmp_path_factory.mktemp(f"matrix-{state.lower()}")
            nodes[state] = start_node(state, follows, ports, copy_store(store_path, root))
        nl, de = nodes["NL"], nodes["DE"]
        decision = approve(nl, SLUG)
        wait_for("DE harvesting NL's decision", lambda: bool(recognitions(de, SLUG)))
        with de.client(de.supervisor) as http:
            adopted = http.post(
                "/api/v1/network/adoptions",
                json={"decision": decision, "outcome": "adopt", "reason": "as NL"},
            )
        assert adopted.status_code == 200, adopted.text
        yield {"de": de, "recognition": decision, "adoption": adopted.json()["decision"]}
    finally:
        for node in nodes.values():
            node.live.stop()


def test_the_matrix_shows_who_decided_what_verified_in_the_readers_language(
    browser: Any, registries: dict[str, Any], artifacts: Path
) -> None:
    de: Node = registries["de"]
    context = browser.new_context(
        base_url=de.live.url, locale="de-DE", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        response = page.goto("/network")
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("h1").inner_text() == say("de", "Initiatives across member states")
        row = page.locator(f'tr[data-agreement="/id/agreement/{SLUG}"]')
        assert row.locator("th").inner_text() == SLUG  # DE holds the decisions, not the initiative
        nl_cell, de_cell = row.locator('td[data-state="NLD"]'), row.locator('td[data-state="DEU"]')
        assert nl_cell.get_attribute("data-status") == "recognised"
        assert de_cell.get_attribute("data-status") == "adopted"
        for cell in (nl_cell, de_cell):
            assert cell.get_attribute("data-verification") == "valid"
            assert say("de", "verified") in cell.inner_text()
        assert (
            say("de", "recognised") in nl_cell.inner_text() and say("de", "adopted") in de_cell.inner_text()
        )
        assert nl_cell.locator(".profile").inner_text() == "eu-minimum/1.0"
        assert de_cell.locator(".profile").get_attribute("title") == DE_PROFILE
        page.screenshot(path=str(artifacts / "network-matrix-de.png"), full_page=True)
        nl_cell.locator("a").click()
        page.wait_for_load_state()
        assert page.url.endswith(registries["recognition"].removeprefix("https://w3id.org/imvokg"))
        assert errors == []
    finally:
        context.close()
