"""Interactive API documentation served from this package, never from a CDN.

FastAPI's default /docs page loads Swagger UI from a CDN, which breaks on an
offline machine and needs a looser content policy. The `swagger-ui-bundle`
package ships the same assets; we serve them under /docs-assets and keep the
page's only inline script (Swagger's start-up call), so the policy for /docs
names no remote source.
"""

from __future__ import annotations

from typing import Any

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

    document_errors(app)


def answers_in(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route whose 200 is negotiated: the media types it may answer in."""
    return {
        200: {
            "description": "The answer, in the negotiated media type",
            "content": {m: {} for m in media_types},
        }
    }


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "a stable code, e.g. bad_request, not_found"},
        "detail": {"type": "string", "description": "what went wrong, for the person who sent the request"},
    },
}


def document_errors(app: FastAPI) -> None:
    """Say in /openapi.json what every error answer is: ``{"error", "detail"}``, on any status.

    FastAPI documents a 422 ``HTTPValidationError`` that this API never sends
    (bad parameters are 400, see api/errors.py); each operation instead gets a
    ``default`` response with the one error shape, so a client (and
    schemathesis) can check every refusal against the document.
    """
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = ERROR_SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        error = {
            "description": "Refused or failed: the JSON error shape (401 adds WWW-Authenticate; 429 and 503 "
            "add Retry-After)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                validation = responses.pop("422", None)
                if validation is not None and "HTTPValidationError" not in str(validation):
                    responses["422"] = validation  # a route's own 422 (a validation report) stays
                responses["default"] = error
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
