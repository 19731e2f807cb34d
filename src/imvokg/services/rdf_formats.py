"""Serialising an rdflib graph in the RDF media types we publish, JSON-LD compacted.

JSON-LD documents point at one published context (``/context.jsonld``) instead of
carrying a copy: clients cache it once and the documents stay small. The context
holds prefixes only, so compaction never changes the meaning of a value and an
expanded document gives back exactly the triples of the Turtle form.
"""

from __future__ import annotations

import json

from rdflib import Graph

from imvokg.formats import PUBLISHED_RDF, rdflib_name
from imvokg.namespaces import PREFIXES, bind_prefixes

EXTRA_PREFIXES = {
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "void": "http://rdfs.org/ns/void#",
    "schema": "https://schema.org/",
    "adms": "http://www.w3.org/ns/adms#",
    "vann": "http://purl.org/vocab/vann/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


def jsonld_context() -> dict[str, object]:
    """The published context document: every prefix the project binds."""
    terms: dict[str, str] = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    terms.update(EXTRA_PREFIXES)
    return {"@context": terms}


def serialize(graph: Graph, media_type: str, *, context_url: str | None = None) -> bytes:
    """The graph in ``media_type``; JSON-LD compacted against the published context.

    With ``context_url`` the JSON-LD names the context by URL (as the dereferenced
    resources do); without it the context is inlined (for files read offline).
    """
    if media_type not in PUBLISHED_RDF:
        raise ValueError(f"cannot serialise as {media_type}")
    fmt = rdflib_name(media_type)
    bind_prefixes(graph)
    for prefix, ns in EXTRA_PREFIXES.items():
        graph.bind(prefix, ns, override=False)
    if fmt != "json-ld":
        return graph.serialize(format=fmt, encoding="utf-8")
    context = jsonld_context()["@context"]
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    if not isinstance(document, dict):
        document = {"@graph": document}
    document["@context"] = context_url or context
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
