"""YASGUI and fetch() on a page of another origin, against the service: CORS preflight, problem+json
errors and paging headers read as a web application elsewhere reads them, in a real browser."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from tests.conftest import free_port

pytestmark = pytest.mark.slow

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>elsewhere</title>
<link rel="stylesheet" href="{api}/static/vendor/yasgui/yasgui.min.css">
<script src="{api}/static/vendor/yasgui/yasgui.min.js"></script></head>
<body><div id="yasgui"></div></body></html>
"""


@pytest.fixture()
def elsewhere(server: Any) -> Iterator[str]:
    """A page served from http://localhost:PORT, another origin than the service's 127.0.0.1."""
    body = PAGE.format(api=server.url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}/"
    httpd.shutdown()
    thread.join(timeout=10)


def test_another_origin_reads_results_errors_and_pages(page: Any, server: Any, elsewhere: str) -> None:
    page.goto(elsewhere)
    answer = page.evaluate(
        """async (api) => {
            const select = 'SELECT ?s WHERE { ?s a <https://w3id.org/imvokg/ont#IrbcAgreement> } LIMIT 3';
            const ok = await fetch(api + '/sparql', {method: 'POST', body: select, headers: {
                'Content-Type': 'application/sparql-query', 'Accept': 'application/sparql-results+json'}});
            const bad = await fetch(api + '/sparql?query=' + encodeURIComponent('SELECT ?x WHERE { ?x'));
            const list = await fetch(api + '/api/v1/agreements?limit=2');
            return {rows: (await ok.json()).results.bindings.length,
                    badStatus: bad.status, badType: bad.headers.get('content-type'),
                    problem: await bad.json(),
                    link: list.headers.get('link'), items: (await list.json()).length};
        }""",
        server.url,
    )
    # a POST of application/sparql-query is not a simple request: the browser sends it only after
    # the service answered its OPTIONS preflight, and lets the page read the answer only with CORS
    assert answer["rows"] == 3
    assert answer["badStatus"] == 400 and answer["badType"].startswith("application/problem+json")
    assert answer["problem"]["error"] == "query_syntax_error" and answer["problem"]["detail"]
    assert answer["items"] == 2 and 'rel="next"' in answer["link"]


def test_yasgui_on_another_origin_runs_a_query_on_the_endpoint(
    page: Any, server: Any, elsewhere: str
) -> None:
    page.goto(elsewhere)
    page.wait_for_function("typeof window.Yasgui === 'function'")
    page.evaluate(
        """(endpoint) => {
            localStorage.clear();
            const yasgui = new Yasgui(document.getElementById('yasgui'), {
                requestConfig: {endpoint, method: 'POST'}, copyEndpointOnNewTab: false});
            window.tab = yasgui.getTab();
            window.tab.getYasqe().setValue(
                'SELECT ?s WHERE { ?s a <https://w3id.org/imvokg/ont#IrbcAgreement> } LIMIT 4');
            window.tab.getYasqe().query();
        }""",
        server.url + "/sparql",
    )
    page.wait_for_function("window.tab.getYasr().results?.getBindings().length === 4")
    shown = page.locator("#yasgui .yasr").inner_text()
    assert "nl-" in shown or "w3id.org/imvokg/id/agreement/" in shown
