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
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from imvokg.errors import InputError, UnreadableInput, UnsupportedMediaType
from imvokg.formats import READABLE, READABLE_SUFFIXES
from imvokg.messages import N_

_LINE = re.compile(r"line (\d+)", re.I)
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
NEWLINE = b"\n"
MAX_DEPTH = 64
"""Deepest nesting of blank nodes (and of JSON-LD objects) a submitted document may have."""


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
    """Parse without any network access or entity expansion; errors name the line and the value.

    Turtle, N-Triples and RDF/XML are read by pyoxigraph, the parser of the
    store itself: what it accepts the store accepts, it refuses lone
    surrogates, malformed language tags and IRIs that are not RFC 3987 with
    the line and column, and it keeps its own stack, so deep nesting cannot
    exhaust Python's recursion. JSON-LD is read by rdflib (pyoxigraph drops
    invalid values silently there) and every term is then checked with
    pyoxigraph's constructors. Either way, literals whose lexical form does
    not fit their XML Schema datatype and blank nodes nested deeper than
    ``MAX_DEPTH`` are refused before anything else sees the graph.
    """
    if fmt == "json-ld":
        _check_json_ld(data, name)
    if fmt == "xml":
        if _DTD.search(data):
            raise InputError(
                N_(
                    "%(name)s: RDF/XML with a DOCTYPE or ENTITY declaration is refused (no external entities)"
                ),
                name=name,
            )
        _check_xml(data, name)
    graph = _parse_json_ld(data, name) if fmt == "json-ld" else _parse_strict(data, fmt, name)
    if any(True for _ in graph.triples((None, URIRef(_IMPORTS), None))):
        raise InputError(
            N_("%(name)s: owl:imports is refused; include what you need in the document itself"), name=name
        )
    _check_values(graph, data, name, strict=fmt == "json-ld")
    _check_depth(graph, name)
    return graph


_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML}
_OX_PREFIX = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")
_OX_SUFFIX = re.compile(r" \(line \d+\)$")


def _parse_strict(data: bytes, fmt: str, name: str) -> Graph:
    """Parse with pyoxigraph; a syntax error names its line and column."""
    graph = Graph()
    try:
        for quad in ox.parse(data, format=_OX_FORMATS[fmt], without_named_graphs=True):
            graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    except SyntaxError as exc:
        message = _OX_SUFFIX.sub("", _OX_PREFIX.sub("", " ".join(str(exc.msg).split())))
        where = name if exc.lineno is None else f"{name}, line {exc.lineno}, column {exc.offset}"
        raise UnreadableInput(f"{where}: the {fmt} does not parse ({message[:200]})") from None
    return graph


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term for a pyoxigraph term (a plain string stays a plain literal, as rdflib reads it)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise InputError(N_("RDF-star triple terms are not accepted"))


def _parse_json_ld(data: bytes, name: str) -> Graph:
    graph = Graph()
    try:
        graph.parse(data=data, format="json-ld")
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        message = " ".join(str(exc).split())
        line = _LINE.search(message)
        where = f"{name}, line {line.group(1)}" if line else name
        summary = message[:200] if message else type(exc).__name__
        raise UnreadableInput(f"{where}: the json-ld does not parse ({summary})") from None
    return graph


def _check_values(graph: Graph, data: bytes, name: str, *, strict: bool) -> None:
    """Refuse any term the store would refuse, and literals that do not fit their datatype.

    ``strict`` checks every IRI and literal with pyoxigraph's constructors (the
    parser did not); ill-typed literals (``"2020-13-45"^^xsd:date``) are
    refused for every format, because a shape may not look at them and the
    published data would then carry a value no client can read.
    """
    seen: set[Node] = set()
    for triple in graph:
        for term in triple:
            if term in seen or isinstance(term, BNode):
                continue
            seen.add(term)
            problem = _problem(term, strict=strict)
            if problem:
                shown = str(term)[:120].encode("utf-8", "backslashreplace").decode()
                raise InputError(
                    problem[0], place=_where(name, data, str(term)), shown=repr(shown), **problem[1]
                )


def _problem(term: Node, *, strict: bool) -> tuple[str, dict[str, str]] | None:
    """The message (and its values) of what is wrong with one term, or None."""
    text = str(term)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return N_("%(place)s: the text is not valid Unicode (a lone surrogate) (%(shown)s)"), {}
    try:
        if strict and isinstance(term, URIRef):
            ox.NamedNode(text)
        elif strict and isinstance(term, Literal) and term.language:
            ox.Literal(text, language=term.language)
    except ValueError:
        if isinstance(term, URIRef):
            return N_("%(place)s: not a valid IRI (%(shown)s)"), {}
        return N_("%(place)s: not a valid language tag (%(shown)s)"), {}
    if isinstance(term, Literal) and str(term.datatype or "").startswith(_XSD) and term.ill_typed:
        datatype = str(term.datatype)[len(_XSD) :]
        return N_("%(place)s: the value does not fit its datatype xsd:%(datatype)s (%(shown)s)"), {
            "datatype": datatype
        }
    return None


def _where(name: str, data: bytes, value: str) -> str:
    """``name, line N`` where the value first appears in the document (best effort), else ``name``."""
    needle = value[:60].encode("utf-8", "surrogatepass")
    at = data.find(needle) if needle else -1
    return f"{name}, line {data.count(NEWLINE, 0, at) + 1}" if at >= 0 else name


def _check_depth(graph: Graph, name: str) -> None:
    """Refuse blank nodes nested deeper than ``MAX_DEPTH`` (lists may be long: rdf:rest is not nesting).

    Code after the parser (SHACL, serialisers, the description of a resource)
    walks blank nodes recursively; a bound here keeps all of it within Python's stack.
    """
    children: dict[Node, list[Node]] = {}
    inner: set[Node] = set()
    for s, p, o in graph:
        if isinstance(o, BNode) and p != RDF.rest and o != s:
            children.setdefault(s, []).append(o)
            inner.add(o)
    level = [node for node in children if node not in inner] or list(children)[:1]
    seen: set[Node] = set(level)
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise InputError(
                N_("%(name)s: blank nodes nest deeper than %(max_depth)s levels"),
                name=name,
                max_depth=MAX_DEPTH,
            )
        level = [child for node in level for child in children.get(node, ()) if child not in seen]
        seen.update(level)


def _check_xml(data: bytes, name: str) -> None:
    """Well-formed XML first, with expat (iterative; no DTD gets this far): errors name line and column."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise UnreadableInput(
            f"{name}, line {exc.lineno}, column {exc.offset + 1}: the xml does not parse "
            f"({expat.ErrorString(exc.code)})"
        ) from None


def _check_json_ld(data: bytes, name: str) -> None:
    try:
        document = json.loads(data)
    except RecursionError:
        raise InputError(
            N_("%(name)s: the JSON-LD nests deeper than %(max_depth)s levels"), name=name, max_depth=MAX_DEPTH
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        where = f"{name}, line {line}, column {getattr(exc, 'colno', 0)}" if line else name
        raise UnreadableInput(
            f"{where}: the JSON-LD is not valid JSON ({getattr(exc, 'msg', exc)})"
        ) from None
    _check_json_depth(document, name)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    _check_context(value)
                elif key == "@import":
                    raise InputError(
                        N_("%(name)s: JSON-LD @import is refused (no remote documents)"), name=name
                    )
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    def _check_context(value: object) -> None:
        if isinstance(value, str):
            raise InputError(
                N_("%(name)s: a remote JSON-LD @context (%(context)s) is refused; put the context inline"),
                name=name,
                context=value[:80],
            )
        if isinstance(value, list):
            for item in value:
                _check_context(item)
        elif isinstance(value, dict) and "@import" in value:
            raise InputError(N_("%(name)s: JSON-LD @import is refused (no remote documents)"), name=name)

    walk(document)


def _check_json_depth(document: object, name: str) -> None:
    """Refuse JSON nested deeper than ``MAX_DEPTH``, without recursion (the check must not be the crash)."""
    level = [document]
    for _ in range(MAX_DEPTH + 1):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node if isinstance(node, list) else ())
        ]
        if not level:
            return
    raise InputError(
        N_("%(name)s: the JSON-LD nests deeper than %(max_depth)s levels"), name=name, max_depth=MAX_DEPTH
    )
