"""Parsing RDF that users send: never fetch, never expand, always name the line.

rdflib's JSON-LD parser fetches remote ``@context`` documents and its RDF/XML
parser goes through an XML parser that knows DTDs and entities. We refuse
both before any parser runs: a JSON-LD ``@context`` must be inline (an
object), and RDF/XML may not declare a DOCTYPE or ENTITY.
"""

from __future__ import annotations

import contextlib
import json
import json.scanner
import re
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from imvokg.errors import InputError, UnreadableInput, UnsupportedMediaType
from imvokg.formats import READABLE, READABLE_SUFFIXES
from imvokg.lexical import fits
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
        raise InputError(
            N_("%(file)s: unknown file type; name it .ttl, .jsonld, .rdf or .nt, or pass --format"), file=path
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(
            N_("%(file)s: cannot read the file (%(problem)s)"), file=path, problem=exc.strerror
        ) from None
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
    strings: dict[str, int] | None = None
    if fmt == "json-ld":
        strings = _check_json_ld(data, name)
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
    _check_values(graph, data, name, strings)
    _check_depth(graph, name)
    return graph


_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML}
_OX_PREFIX = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")
_OX_SUFFIX = re.compile(r" \(line \d+\)$")
_QUOTED = re.compile(r"'([^']{1,60})'")


def _parse_strict(data: bytes, fmt: str, name: str) -> Graph:
    """Parse with pyoxigraph; a syntax error names its line and column."""
    graph = Graph()
    try:
        for quad in ox.parse(data, format=_OX_FORMATS[fmt], without_named_graphs=True):
            graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    except SyntaxError as exc:
        message = _OX_SUFFIX.sub("", _OX_PREFIX.sub("", " ".join(str(exc.msg).split())))
        at = (exc.lineno, exc.offset) if exc.lineno is not None else None
        quoted = _QUOTED.search(message)
        if at is None and quoted:  # no position from the parser: where the value it quotes is written
            at = _locate(data, quoted.group(1), None)
        where = name if at is None else f"{name}, line {at[0]}, column {at[1]}"
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
        # normalize=False keeps the form as written: rdflib would rewrite an ill-typed boolean
        # ("yes") to "false", and the check of lexical forms would then see a valid one.
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
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


_BAD_IRI = N_("%(place)s: not a valid IRI (%(shown)s)")
_BAD_TAG = N_("%(place)s: not a valid language tag (%(shown)s)")
_BAD_VALUE = N_("%(place)s: the value does not fit its datatype xsd:%(datatype)s (%(shown)s)")
_TOO_DEEP = N_("%(name)s: the JSON-LD nests deeper than %(max_depth)s levels")
_BAD_TEXT = N_("%(place)s: the text is not valid Unicode (a lone surrogate) (%(shown)s)")


def _check_values(graph: Graph, data: bytes, name: str, strings: dict[str, int] | None) -> None:
    """Refuse any term the store would refuse, and literals that do not fit their datatype.

    For JSON-LD (``strings`` holds where each JSON string starts) every IRI and
    language tag is checked with pyoxigraph's constructors (the parser did not);
    ill-typed literals (``"2020-13-45"^^xsd:date``, checked by :mod:`imvokg.lexical`)
    are refused for every format, because a shape may not look at them and the
    published data would then carry a value no client can read. The refusal
    names the line and column where the offending text is, and the text.
    """
    seen: set[Node] = set()
    for triple in graph:
        for term in triple:
            if term in seen or isinstance(term, BNode):
                continue
            seen.add(term)
            text = str(term)
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                shown = text[:120].encode("utf-8", "backslashreplace").decode()
                at = _locate(data, text, strings)
                raise InputError(_BAD_TEXT, place=_place(name, at), shown=repr(shown)) from None
            problem = _problem(term, strict=strings is not None)
            if problem:
                msgid, value, extra = problem
                hints = (extra["iri"], "xsd:" + extra["datatype"]) if "iri" in extra else ()
                at = _locate(data, value, strings, hints)
                raise value_error(msgid, name, value, at, datatype=extra.get("datatype", ""))


def value_error(
    msgid: str, name: str, value: str, at: tuple[int, int] | None, datatype: str = ""
) -> InputError:
    """The refusal of one value, with its line and column when they are known."""
    shown = repr(value[:120].encode("utf-8", "backslashreplace").decode())
    return InputError(msgid, place=_place(name, at), shown=shown, datatype=datatype)


def _place(name: str, at: tuple[int, int] | None) -> str:
    """``name, line L, column C`` (``name`` alone when the place is not known)."""
    return name if at is None else f"{name}, line {at[0]}, column {at[1]}"


def _problem(term: Node, *, strict: bool) -> tuple[str, str, dict[str, str]] | None:
    """(message, the offending text, more values for the message), or None when the term is fine."""
    text = str(term)
    if strict and isinstance(term, URIRef):
        try:
            ox.NamedNode(text)
        except ValueError:
            return _BAD_IRI, text, {}
    if isinstance(term, Literal) and term.language and strict and not _valid_tag(term.language):
        return _BAD_TAG, term.language, {}
    if isinstance(term, Literal) and str(term.datatype or "").startswith(_XSD):
        datatype = str(term.datatype)
        if term.ill_typed or not fits(text, datatype):
            return _BAD_VALUE, text, {"datatype": datatype[len(_XSD) :], "iri": datatype}
    return None


def _valid_tag(tag: str) -> bool:
    try:
        ox.Literal("x", language=tag)
    except ValueError:
        return False
    return True


def _locate(
    data: bytes, value: str, strings: dict[str, int] | None, hints: tuple[str, ...] = ()
) -> tuple[int, int] | None:
    """(line, column) where ``value`` is written in the document, in any of its spellings.

    JSON-LD: where the JSON string with that value starts (``strings``, exact).
    Turtle, N-Triples and RDF/XML: the first place the text appears as it is,
    with ``\\u`` escapes, or with XML character references; else the first of ``hints``
    (the datatype of an empty value) that is there.
    """
    text = data.decode("utf-8", "replace")
    if strings is not None:  # JSON: the string with that value, else (a key) its JSON spellings
        at = strings.get(value)
        if at is None:
            at = min(
                (
                    i
                    for s in {json.dumps(value), json.dumps(value, ensure_ascii=False)}
                    if (i := text.find(s)) >= 0
                ),
                default=None,
            )
        return None if at is None else _line_column(text, at)
    head = value[:60]
    escaped = "".join(_turtle_escape(c) for c in head)
    bare = [
        head,
        escaped,
        re.sub(r"\\[uU][0-9A-F]+", lambda m: m.group(0)[:2] + m.group(0)[2:].lower(), escaped),
        head.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"),
        "".join(c if 0x20 <= ord(c) < 0x7F and c not in '&<>"' else f"&#x{ord(c):X};" for c in head),
    ]
    # delimited first ("1"^^, >1<, <iri>, @tag), so that a short value is not found inside another one
    spellings = [f"{left}{b}{right}" for b in bare for left, right in _DELIMITERS if len(value) <= 60]
    spellings += [b for b in bare if b] + list(hints)
    for spelling in spellings:
        at = text.find(spelling)
        if at >= 0:
            return _line_column(text, at)
    return None


_DELIMITERS = (('"', '"'), (">", "<"), ("<", ">"), ("@", " "), ("@", "\n"), ("'", "'"), ('"', "'"))


def _turtle_escape(char: str) -> str:
    code = ord(char)
    if char in '"\\':
        return "\\" + char
    if 0x20 <= code < 0x7F:
        return char
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _line_column(text: str, at: int) -> tuple[int, int]:
    """1-based line and column (in characters) of offset ``at``."""
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


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


_XML_LANG = "http://www.w3.org/XML/1998/namespace lang"


def _check_xml(data: bytes, name: str) -> None:
    """Well-formed XML first, with expat (iterative; no DTD gets this far): errors name line and column.

    expat knows where each element starts, pyoxigraph's RDF/XML parser does not
    always say: what it would refuse without a line (an element outside any
    namespace, a bad ``xml:lang``) is refused here, at the element.
    """
    parser = expat.ParserCreate(namespace_separator=" ")

    def element(tag: str, attributes: dict[str, str]) -> None:
        at = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        if " " not in tag:
            raise UnreadableInput(
                f"{name}, line {at[0]}, column {at[1]}: the xml does not parse "
                f"(XML namespaces are required in RDF/XML: <{tag[:60]}>)"
            )
        tag_value = attributes.get(_XML_LANG)
        if tag_value and not _valid_tag(tag_value):
            raise value_error(_BAD_TAG, name, tag_value, at)

    parser.StartElementHandler = element
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise UnreadableInput(
            f"{name}, line {exc.lineno}, column {exc.offset + 1}: the xml does not parse "
            f"({expat.ErrorString(exc.code)})"
        ) from None


def _check_json_ld(data: bytes, name: str) -> dict[str, int]:
    """Valid JSON, not too deep, nothing remote, language tags the store takes.

    Returns where each JSON string starts (the first time each value occurs),
    so that a refusal of a value can name its line and column.
    """
    try:
        text = data.decode("utf-8")  # JSON-LD is UTF-8 (json.loads would guess UTF-16 from a bad byte)
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")
        bad = _line_column(before, len(before))
        raise UnreadableInput(
            f"{name}, line {bad[0]}, column {bad[1]}: the JSON-LD is not valid JSON (not UTF-8)"
        ) from None
    try:
        document = json.loads(text)
    except RecursionError:
        at = _json_too_deep(text)
        raise InputError(_TOO_DEEP, name=_place(name, at), max_depth=MAX_DEPTH) from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{name}, line {line}, column {getattr(exc, 'colno', 0)}" if line else name
        raise UnreadableInput(
            f"{where}: the JSON-LD is not valid JSON ({getattr(exc, 'msg', exc)})"
        ) from None
    _check_json_depth(document, name, text)
    strings = _json_strings(text)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    _check_context(value)
                elif key == "@import":
                    raise InputError(
                        N_("%(name)s: JSON-LD @import is refused (no remote documents)"), name=name
                    )
                elif key == "@language" and isinstance(value, str) and not _valid_tag(value):
                    # rdflib would refuse it without saying where
                    raise value_error(_BAD_TAG, name, value, _locate(data, value, strings))
                if key == "@value" and isinstance(value, str):
                    datatype = _xsd_type(node.get("@type"))
                    if datatype and not fits(value, datatype):  # rdflib rewrites it ("yes" -> "false")
                        local = datatype[len(_XSD) :]
                        raise value_error(
                            _BAD_VALUE, name, value, _locate(data, value, strings), datatype=local
                        )
                for iri in _iris_of(key, value):
                    if _NOT_IN_IRI.search(iri):  # rdflib would drop the triple without a word
                        raise value_error(_BAD_IRI, name, iri, _locate(data, iri, strings))
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
    return strings


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
"""Characters RFC 3987 never allows in an IRI, relative or not."""
_IRI_KEYS = ("@id", "@type", "@vocab", "@base")


def _xsd_type(datatype: object) -> str | None:
    """The full IRI of an XML Schema ``@type`` (written in full or as ``xsd:``), else None."""
    if isinstance(datatype, str) and datatype.startswith(("xsd:", _XSD)):
        return _XSD + datatype.split(":", 1)[1] if datatype.startswith("xsd:") else datatype
    return None


def _iris_of(key: str, value: object) -> list[str]:
    """The IRIs a JSON-LD member names: its key when it is a (compact) IRI, and ``@id``-like values."""
    found = [key] if not key.startswith("@") and ":" in key else []
    if key in _IRI_KEYS:
        found += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    return found


def _json_strings(text: str) -> dict[str, int]:
    """Where each string of a JSON text starts, by value (the first occurrence wins).

    Python's own JSON scanner, with its string reader wrapped to note the
    offset; called only after the depth check, as it recurses like the document.
    """
    positions: dict[str, int] = {}
    decoder = json.JSONDecoder()
    read_string = decoder.parse_string  # type: ignore[attr-defined]

    def noted(source: str, end: int, strict: bool = True) -> tuple[str, int]:
        value, after = read_string(source, end, strict)
        positions.setdefault(value, end - 1)
        return value, after

    decoder.parse_string = noted  # type: ignore[attr-defined]
    decoder.memo = {}  # type: ignore[attr-defined]
    scan = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    with contextlib.suppress(ValueError, StopIteration, RecursionError):
        scan(text, len(text) - len(text.lstrip()))  # json.loads read it already: a help, not a check
    return positions


def _check_json_depth(document: object, name: str, text: str) -> None:
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
    at = _json_too_deep(text)
    raise InputError(_TOO_DEEP, name=_place(name, at), max_depth=MAX_DEPTH)


def _json_too_deep(text: str) -> tuple[int, int] | None:
    """Where the first array or object deeper than ``MAX_DEPTH`` opens (a loop, no recursion)."""
    depth, in_string, escaped = 0, False, False
    for at, char in enumerate(text):
        if in_string:
            escaped = not escaped and char == "\\"
            in_string = escaped or char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _line_column(text, at)
        elif char in "]}":
            depth -= 1
    return None
