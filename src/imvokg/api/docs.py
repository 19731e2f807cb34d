"""Interactive API documentation served from this package, never from a CDN.

FastAPI's default /docs page loads Swagger UI from a CDN, which breaks on an
offline machine and needs a looser content policy. The `swagger-ui-bundle`
package ships the same assets; we serve them under /docs-assets and keep the
page's only inline script (Swagger's start-up call), so the policy for /docs
names no remote source.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs-assets"


def install(app: FastAPI) -> None:
    """Mount the Swagger UI assets and the /docs page (the app is created with docs_url=None)."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="imvokg API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
