"""The interactive API documentation (/docs, Swagger UI 5 from the package) in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow


def test_docs_list_every_operation_of_the_openapi_document(page: Any, server: Any, artifacts: Path) -> None:
    document = httpx.get(server.url + "/openapi.json").json()
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(server.url) else None)
    page.goto("/docs")
    page.locator(".opblock").first.wait_for()
    page.wait_for_function(f"document.querySelectorAll('.opblock').length >= {len(operations)}")
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.opblock')].map(b => [
            b.querySelector('.opblock-summary-method').textContent.trim(),
            b.querySelector('.opblock-summary-path').getAttribute('data-path')])"""
    )
    assert {(method, path) for method, path in shown} == operations
    assert page.locator(".errors-wrapper").count() == 0, "Swagger UI reports errors in the document"
    assert not page.problems.errors, page.problems.errors  # no console error, no CSP refusal
    assert not [url for url in remote if not url.startswith(("data:", "blob:"))], remote
    page.screenshot(path=str(artifacts / "api-docs.png"), full_page=False)
