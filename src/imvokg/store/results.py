"""Writing a SELECT answer computed outside the store in the SPARQL results formats.

Some named queries are answered from an index rather than by the store (label
search); their answers must come out in the same formats as the store's own.
JSON is written directly from the terms; XML, CSV and TSV go through
pyoxigraph's result serialisers, so every format follows the W3C rules the
store itself follows.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from imvokg.formats import RESULT_MEDIA_TYPES
from imvokg.store._formats import results_format
from imvokg.store.base import SelectResult


def results_json(result: SelectResult) -> bytes:
    """SPARQL 1.1 Query Results JSON."""
    document = {
        "head": {"vars": list(result.variables)},
        "results": {"bindings": [{name: term.to_json() for name, term in row.items()} for row in result]},
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def serialize_select(result: SelectResult, media_type: str) -> bytes:
    """The answer in one of :data:`RESULT_MEDIA_TYPES`."""
    fmt = results_format(media_type)
    body = results_json(result)
    if media_type == RESULT_MEDIA_TYPES[0]:
        return body
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=fmt) or b""
