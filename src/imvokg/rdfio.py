"""Parsing RDF that users send: never fetch, never expand, always name the line.

rdflib's JSON-LD parser fetches remote ``@context`` documents and its RDF/XML
parser goes through an XML parser that knows DTDs and entities. We refuse
both before any parser runs: a JSON-LD ``@context`` must be inline (an
object), and RDF/XML may not declare a DOCTYPE or ENTITY.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rdflib import Graph, URIRef

from imvokg.errors import InputError, UnreadableInput, UnsupportedMediaType
from imvokg.formats import READABLE, READABLE_SUFFIXES

_LINE = re.compile(r"line (\d+)", re.I)
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_IMPORTS = "http://www.w3.org/2002/07/owl#imports"


def format_for_media_type(media_type: str) -> str:
    base = media_type.split(";")[0].strip().lower()
    if base not in READABLE:
        raise UnsupportedMediaType(
            f"cannot read {base or 'a body without Content-Type'}; send text/turtle, application/ld+json, "
            "application/rdf+xml or application/n-triples"
        )
    return READABLE[base]


def read_rdf_file(path: Path, fmt: str | None = None) -> Graph:
    """A user's file, by extension unless the format is given."""
    fmt = {"turtle": "turtle", "json-ld": "json-ld", "xml": "xml", "nt": "nt"}.get(
        fmt or ""
    ) or READABLE_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown file type; name it .ttl, .jsonld, .rdf or .nt, or pass --format")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot read the file ({exc.strerror})") from None
    return parse_untrusted(data, fmt, name=str(path))


def parse_untrusted(data: bytes, fmt: str, *, name: str = "the body") -> Graph:
    """Parse without any network access or entity expansion; errors name the line."""
    if fmt == "json-ld":
        _check_json_ld(data, name)
    if fmt == "xml" and _DTD.search(data):
        raise InputError(
            f"{name}: RDF/XML with a DOCTYPE or ENTITY declaration is refused (no external entities)"
        )
    graph = Graph()
    try:
        graph.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        message = " ".join(str(exc).split())
        line = _LINE.search(message)
        where = f"{name}, line {line.group(1)}" if line else name
        summary = message[:200] if message else type(exc).__name__
        raise UnreadableInput(f"{where}: the {fmt} does not parse ({summary})") from None
    if any(True for _ in graph.triples((None, URIRef(_IMPORTS), None))):
        raise InputError(f"{name}: owl:imports is refused; include what you need in the document itself")
    _check_iris(graph, name)
    return graph


_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _check_iris(graph: Graph, name: str) -> None:
    """Refuse IRIs that are not RDF: rdflib's parsers let some through with only a warning.

    Such an IRI would pass validation and then fail when the graph is written
    as N-Triples or loaded into the store; refusing it here keeps that a 400.
    """
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and (not term or _BAD_IRI.search(term)):
                shown = str(term)[:120]
                raise InputError(
                    f"{name}: <{shown}> is not a valid IRI (spaces, braces, quotes and < > are not allowed)"
                )


def _check_json_ld(data: bytes, name: str) -> None:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        where = f"{name}, line {line}" if line else name
        raise UnreadableInput(f"{where}: the JSON-LD is not valid JSON") from None

    def walk(node: object, depth: int) -> None:
        if depth > 64:
            raise InputError(f"{name}: the JSON-LD nests deeper than 64 levels")
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    _check_context(value)
                elif key == "@import":
                    raise InputError(f"{name}: JSON-LD @import is refused (no remote documents)")
                walk(value, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)

    def _check_context(value: object) -> None:
        if isinstance(value, str):
            raise InputError(
                f"{name}: a remote JSON-LD @context ({value[:80]}) is refused; put the context inline"
            )
        if isinstance(value, list):
            for item in value:
                _check_context(item)
        elif isinstance(value, dict) and "@import" in value:
            raise InputError(f"{name}: JSON-LD @import is refused (no remote documents)")

    walk(document, 0)
