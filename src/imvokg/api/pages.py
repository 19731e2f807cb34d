"""Small HTML pages served by the API (the full interface lives in the web pages module)."""

from __future__ import annotations

from html import escape

from imvokg.api.state import Services
from imvokg.namespaces import sparql_prologue

EXAMPLE = (
    "SELECT ?agreement ?label WHERE {\n"
    "  ?agreement a imvo:IrbcAgreement ; rdfs:label ?label .\n"
    '  FILTER(LANG(?label) = "en")\n'
    "} ORDER BY ?label"
)


def query_page(services: Services) -> str:
    """A plain query form: works without JavaScript, posts to /sparql."""
    options = "".join(
        f'<li><a href="/queries/{escape(q.name)}.rq">{escape(q.title)}</a></li>' for q in services.registry
    )
    text = escape(sparql_prologue() + "\n\n" + EXAMPLE)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>SPARQL query - imvokg</title></head>"
        "<body><h1>SPARQL query</h1><form method=get action=/sparql>"
        "<label for=query>Query</label><br>"
        f"<textarea id=query name=query rows=18 cols=100>{text}</textarea><br>"
        "<label for=format>Result format</label> <select id=format name=format>"
        "<option value=json>JSON</option><option value=csv>CSV</option><option value=tsv>TSV</option>"
        "<option value=xml>XML</option></select> <button type=submit>Run</button></form>"
        f"<h2>Named queries</h2><ul>{options}</ul></body></html>"
    )
