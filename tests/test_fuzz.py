"""No input gives a 5xx: generated hostile RDF, SPARQL, headers and paths over real HTTP.

The strategies build documents in every accepted syntax (Turtle, N-Triples,
JSON-LD, RDF/XML) around a conforming agreement and put one hostile thing in
them: deep nesting, a huge value, odd Unicode (lone surrogates as escapes and
as raw bytes), a malformed language tag, a lexical form that does not fit its
XML Schema datatype, a bad IRI, or plain corruption of the bytes. The
properties:

- ``/api/v1/validate`` (anonymous) and ``/sparql`` never answer 5xx, and every
  refusal has the documented JSON error shape;
- ``/api/v1/submissions`` (with a key) never answers 5xx, and what it accepts
  (201) can be approved (200): a value the store refuses never waits as a
  pending submission nobody can approve;
- odd paths and header values on any route never answer 5xx.

``FUZZ_EXAMPLES`` scales the number of generated cases (``make fuzz`` runs a
long one); the bounded default keeps this file at about two minutes.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from tests.test_workflow import FIXTURE, Env, start_writable_env

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
LEAKS = ("Traceback", "pyoxigraph", "site-packages", 'File "')
MEDIA = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
}
AGR = "https://w3id.org/imvokg/id/agreement/"
XSD = "http://www.w3.org/2001/XMLSchema#"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
DATATYPES = ["date", "dateTime", "integer", "decimal", "boolean", "gYear", "double", "anyURI", "string"]


# --------------------------------------------------------------------------
# what we generate
# --------------------------------------------------------------------------

# every code point, lone surrogates included
any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)
odd_text = st.one_of(
    any_text,
    st.sampled_from(["\ud800", "\udfff", "a\ud83d", "\x00", "\u202e", "\ufeff", "\uffff", "e\u0301", "💩"]),
)
lang_tags = st.one_of(
    st.from_regex(r"[A-Za-z0-9_!-]{0,12}", fullmatch=True),
    st.sampled_from(["en", "nl", "x-private", "en-toolongsubtag", "--", "1en", "en-", "zh-Hant-TW"]),
)
iris = st.one_of(
    st.sampled_from(
        ["relative", "http://e.org/a b", "http://e.org/{x}", "::", "http://[::1", "urn:x", "http://e.org/\\"]
    ),
    st.builds(lambda t: "http://e.org/" + t, any_text),
)


def escape(text: str) -> str:
    """A Turtle/N-Triples string body: every non-ASCII code point as a \\u/\\U escape (surrogates too)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
    return "".join(out)


@st.composite
def hostile_values(draw: st.DrawFn) -> dict:
    """One hostile value, described independently of the syntax that will carry it."""
    kind = draw(st.sampled_from(["text", "lang", "typed", "iri", "nested", "huge", "plain"]))
    return {
        "kind": kind,
        "text": draw(odd_text),
        "lang": draw(lang_tags),
        "datatype": draw(st.sampled_from(DATATYPES)),
        "iri": draw(iris),
        "depth": draw(st.sampled_from([1, 10, 63, 65, 200, 3000, 20000])),
        "size": draw(st.sampled_from([1_000, 50_000, 150_000])),
        "raw": draw(st.booleans()),
    }


def turtle_object(value: dict) -> str:
    kind = value["kind"]
    if kind == "lang":
        return f'"{escape(value["text"])}"@{value["lang"]}'
    if kind == "typed":
        return f'"{escape(value["text"])}"^^<{XSD}{value["datatype"]}>'
    if kind == "iri":
        return f"<{value['iri']}>"
    if kind == "nested":
        depth = value["depth"]
        return f"[ <{COMMENT}> " * depth + '"x"' + " ]" * depth if value["raw"] else "(" * depth + ")" * depth
    if kind == "huge":
        return '"' + "x" * value["size"] + '"'
    return f'"{escape(value["text"])}"'


@functools.cache
def _fixture_graph() -> Graph:
    return Graph().parse(FIXTURE, format="turtle")


def fixture_as(fmt: str, slug: str) -> str:
    """The conforming fixture agreement under another slug, in ``fmt`` (so hostile values reach a 201)."""
    if fmt == "turtle":
        return FIXTURE.read_text(encoding="utf-8").replace("agr:example-widgets", f"agr:{slug}")
    text = _fixture_graph().serialize(format=fmt)
    return text.replace(AGR + "example-widgets", AGR + slug)


def as_turtle(slug: str, value: dict, fmt: str) -> bytes:
    base = fixture_as(fmt, slug)
    line = f"<{AGR}{slug}> <{COMMENT}> {turtle_object(value)} .\n"
    if fmt == "nt" and value["kind"] == "nested":  # N-Triples cannot nest: the syntax error is the case
        return (base + line).encode("utf-8", "surrogatepass")
    text = base + line
    if (
        value["kind"] == "plain" and value["raw"]
    ):  # raw (unescaped) odd text: lone surrogates become bad UTF-8
        text = base + f'<{AGR}{slug}> <{COMMENT}> "{value["text"].replace(chr(34), "")}" .\n'
    return text.encode("utf-8", "surrogatepass")


def json_value(value: dict) -> object:
    kind = value["kind"]
    if kind == "lang":
        return {"@value": value["text"], "@language": value["lang"]}
    if kind == "typed":
        return {"@value": value["text"], "@type": XSD + value["datatype"]}
    if kind == "iri":
        return {"@id": value["iri"]}
    if kind == "nested":
        node: object = "x"
        for _ in range(value["depth"]):
            node = {COMMENT: node} if value["raw"] else [node]
        return node
    if kind == "huge":
        return "x" * value["size"]
    return value["text"]


def as_json_ld(slug: str, value: dict) -> bytes:
    document = json.loads(fixture_as("json-ld", slug))
    nodes = document if isinstance(document, list) else document.get("@graph", [document])
    nodes.append({"@id": AGR + slug, COMMENT: json_value(value)})
    try:
        return json.dumps(nodes).encode()  # ensure_ascii: lone surrogates become \\udXXX escapes
    except RecursionError:
        return b'{"@id": "x", "p": ' + b"[" * value["depth"] + b"]" * value["depth"] + b"}"


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def as_rdf_xml(slug: str, value: dict) -> bytes:
    kind, text = value["kind"], xml_escape(value["text"])
    if kind == "lang":
        inner = f'<rdfs:comment xml:lang="{xml_escape(value["lang"])}">{text}</rdfs:comment>'
    elif kind == "typed":
        inner = f'<rdfs:comment rdf:datatype="{XSD}{value["datatype"]}">{text}</rdfs:comment>'
    elif kind == "iri":
        inner = f'<rdfs:comment rdf:resource="{xml_escape(value["iri"])}"/>'
    elif kind == "nested":
        depth = value["depth"]
        inner = "<rdfs:comment><rdf:Description>" * depth + "</rdf:Description></rdfs:comment>" * depth
    elif kind == "huge":
        inner = "<rdfs:comment>" + "x" * value["size"] + "</rdfs:comment>"
    else:
        inner = f"<rdfs:comment>{text}</rdfs:comment>"
    document = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        f'<rdf:Description rdf:about="{AGR}{slug}">\n{inner}\n</rdf:Description>\n</rdf:RDF>\n'
    )
    fixture = fixture_as("xml", slug)  # the hostile description goes inside the fixture's rdf:RDF
    cut = fixture.rindex("</rdf:RDF>")
    hostile = document[document.index("<rdf:Description") : document.rindex("</rdf:RDF>")]
    document = (
        fixture[:cut]
        + hostile.replace("<rdfs:comment", '<rdfs:comment xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"')
        + fixture[cut:]
    )
    return document.encode("utf-8", "surrogatepass")


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, bytes]:
    """(media type, body): a hostile value in one syntax, sometimes with its bytes corrupted."""
    slug = draw(st.from_regex(r"fuzz-[a-z0-9]{1,10}", fullmatch=True))
    fmt = draw(st.sampled_from(sorted(MEDIA)))
    value = draw(hostile_values())
    if fmt in ("turtle", "nt"):
        body = as_turtle(slug, value, fmt)
    elif fmt == "json-ld":
        body = as_json_ld(slug, value)
    else:
        body = as_rdf_xml(slug, value)
    if draw(st.integers(0, 4)) == 0 and body:  # corrupt: cut, or overwrite a byte
        at = draw(st.integers(0, len(body) - 1))
        body = (
            body[:at]
            if draw(st.booleans())
            else body[:at] + bytes([draw(st.integers(0, 255))]) + body[at + 1 :]
        )
    return MEDIA[fmt], body


def assert_clean(response: httpx.Response, where: str) -> None:
    """No 5xx; a refusal is the documented JSON shape; nothing internal leaks."""
    assert response.status_code < 500, (where, response.status_code, response.text[:300])
    for needle in LEAKS:
        assert needle not in response.text, (where, needle, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("error"), str) and isinstance(body.get("detail"), str), body


# --------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http(server) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def fuzz_env(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    live, environment = start_writable_env(store_path, tmp_path_factory.mktemp("fuzz"))
    yield environment
    live.stop()


@pytest.mark.slow  # hypothesis: hundreds of documents over HTTP
@given(document=documents(), lang=st.sampled_from([None, "en", "nl", "xx", "\u0000"]))
@FUZZ
def test_validate_never_5xx(http: httpx.Client, document: tuple[str, bytes], lang: str | None) -> None:
    media, body = document
    params = {"lang": lang} if lang is not None else {}
    response = http.post("/api/v1/validate", content=body, headers={"Content-Type": media}, params=params)
    assert_clean(response, f"validate {media}")
    event(f"validated: {response.status_code}")
    assert response.status_code in (200, 400, 413, 415, 422), response.text[:300]


@pytest.mark.slow  # hypothesis: submissions validated, stored and approved
@given(document=documents())
@FUZZ
def test_an_accepted_submission_can_be_approved(fuzz_env: Env, document: tuple[str, bytes]) -> None:
    media, body = document
    with fuzz_env.client("alice") as http:
        created = http.post("/api/v1/submissions", content=body, headers={"Content-Type": media})
    assert_clean(created, f"submit {media}")
    event(f"submitted: {created.status_code}")  # --hypothesis-show-statistics shows how many got this far
    if created.status_code != 201:
        return
    with fuzz_env.client("bob") as http:
        decided = http.post(
            f"/api/v1/submissions/{created.json()['id']}/approve",
            json={"valid_from": "2026-01-01", "issued": "2025-12-20"},
        )
    assert_clean(decided, "approve")
    event(f"approved: {decided.status_code}")
    assert decided.status_code in (200, 409), decided.text[:300]  # 409: that agreement was published before


sparql_text = st.one_of(
    any_text,
    st.builds(lambda d: "SELECT * WHERE { " + "{ " * d + "?s ?p ?o" + " }" * d + " }", st.integers(0, 300)),
    st.builds(lambda d: "SELECT * WHERE { ?s ?p " + "(" * d + ")" * d + " }", st.integers(0, 300)),
    st.builds(lambda t: f'SELECT * WHERE {{ ?s ?p "{t}" }}', any_text),
    st.builds(lambda t: f"SELECT * WHERE {{ ?s ?p <{t}> }}", any_text),
    st.builds(lambda t: f'ASK {{ ?s ?p "x"@{t} }}', lang_tags),
)
accepts = st.sampled_from(
    [
        "application/sparql-results+json",
        "text/csv",
        "application/sparql-results+xml",
        "text/turtle",
        "image/png",
        "*/*;q=abc",
        "",
        ",,,;;;",
    ]
)


def latin1(text: str) -> bytes:
    """A header value the client will send: visible bytes (any above 0x7f too), spaces only inside."""
    kept = bytes(b for b in text.encode("utf-8", "surrogatepass")[:200] if b == 0x20 or 0x21 <= b != 0x7F)
    return kept.strip()


@given(query=sparql_text, accept=accepts, how=st.sampled_from(["get", "form", "direct"]))
@FUZZ
def test_sparql_never_5xx(http: httpx.Client, query: str, accept: str, how: str) -> None:
    headers = {"Accept": accept}
    raw = query.encode("utf-8", "surrogatepass")
    if how == "get":
        response = http.get("/sparql", params={"query": raw.decode("latin-1")}, headers=headers)
    elif how == "form":
        response = http.post(
            "/sparql",
            content=b"query=" + raw,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
    else:
        response = http.post(
            "/sparql", content=raw, headers={**headers, "Content-Type": "application/sparql-query"}
        )
    assert_clean(response, f"sparql {how}")


ROUTES = [
    "/",
    "/sparql",
    "/api/v1/validate",
    "/api/v1/agreements",
    "/api/v1/coverage",
    "/api/v1/submissions",
    "/id/agreement/nl-gold",
    "/queries/agreements",
    "/healthz",
    "/static/",
    "/doc/",
]
path_parts = st.one_of(
    st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=30),
    st.sampled_from(["..", "../../etc/passwd", "%2e%2e/", "a/./b", "\\x", "%00", "%ff%fe", "~", "x" * 5000]),
)


@given(
    route=st.sampled_from(ROUTES),
    tail=path_parts,
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]),
    accept=any_text,
    language=any_text,
    content_type=any_text,
    authorization=any_text,
)
@FUZZ
def test_odd_paths_and_headers_never_5xx(
    http: httpx.Client,
    route: str,
    tail: str,
    method: str,
    accept: str,
    language: str,
    content_type: str,
    authorization: str,
) -> None:
    path = route + quote(tail.encode("utf-8", "surrogatepass"), safe="/;=@:!$&'()*+,")
    headers = {
        "Accept": latin1(accept),
        "Accept-Language": latin1(language),
        "Content-Type": latin1(content_type),
        "Authorization": latin1(authorization),
    }
    response = http.request(
        method, path, headers=headers, content=b"x" if method in ("POST", "PUT") else None
    )
    assert response.status_code < 500, (method, path, headers, response.status_code, response.text[:300])
    for needle in LEAKS:
        assert needle not in response.text, (path, needle)


# --------------------------------------------------------------------------
# errors name where: line, column and the value
# --------------------------------------------------------------------------

WHERE = re.compile(r"line (\d+), column (\d+)")
ill_typed = st.one_of(
    st.tuples(
        st.just("date"),
        st.one_of(
            st.builds(
                "{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(13, 99), st.integers(1, 28)
            ),
            st.builds(
                "{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(1, 12), st.integers(32, 99)
            ),
            st.sampled_from(
                ["2021-02-29", "2027-04-31", "20270101", "2027-1-01", "27-01-01", "2027-01-01T00:00"]
            ),
        ),
    ),
    st.tuples(
        st.sampled_from(["integer", "int", "nonNegativeInteger", "byte"]),
        st.one_of(
            st.builds("{}.{}".format, st.integers(), st.integers(0, 99)),
            st.builds("{}e{}".format, st.integers(0, 99), st.integers(0, 9)),
            st.sampled_from(["", "+-1", "12a", "0x10", "١٢", "1 000"]),
        ),
    ),
    st.tuples(st.just("byte"), st.builds(str, st.integers(128, 10**6))),
    st.tuples(st.just("nonNegativeInteger"), st.builds(str, st.integers(max_value=-1))),
    st.tuples(st.just("gYear"), st.sampled_from(["27", "2027-01", "+2027", "2027Z1", "year"])),
    st.tuples(st.just("time"), st.sampled_from(["25:00:00", "12:60:00", "12:00", "24:00:01", "noon"])),
    st.tuples(st.just("boolean"), st.sampled_from(["yes", "TRUE", "2", "", "true "])),
    st.tuples(st.just("decimal"), st.sampled_from(["1e5", "1,5", "NaN", "", "--1"])),
    st.tuples(
        st.just("dateTime"), st.sampled_from(["2027-01-01", "2027-01-01T25:00:00", "2027-02-30T10:00:00Z"])
    ),
)
bad_tags = st.one_of(
    st.sampled_from(["en-", "1en", "en_GB", "toolongtag1", "-x", "en--gb", "e n", "en-toolongsubtag"]),
    st.from_regex(r"[a-z]{9,12}", fullmatch=True),
)
bad_iris = st.sampled_from(
    ["http://e.org/a b", "http://e.org/{x}", "http://e.org/a\\b", "http://e.org/<>", "http://e.org/a|b"]
)


@st.composite
def misplaced_values(draw: st.DrawFn) -> tuple[str, str, bytes, str]:
    """(media type, offending text, body, kind): one value the store or a reader refuses, any syntax."""
    kind = draw(st.sampled_from(["typed", "lang", "iri"]))
    fmt = draw(st.sampled_from(sorted(MEDIA)))
    if kind == "iri" and fmt != "json-ld":
        fmt = "json-ld"  # the other syntaxes are read by the store's parser, which names the place itself
    value = {"kind": kind, "text": "x", "lang": "en", "datatype": "string", "iri": "", "raw": False}
    if kind == "typed":
        value["datatype"], value["text"] = draw(ill_typed)
        offending = value["text"]
    elif kind == "lang":
        value["lang"] = offending = draw(bad_tags)
    else:
        value["iri"] = offending = draw(bad_iris)
    slug = draw(st.from_regex(r"where-[a-z0-9]{1,8}", fullmatch=True))
    if fmt in ("turtle", "nt"):
        body = as_turtle(slug, value, fmt)
    elif fmt == "json-ld":
        body = json.dumps(json.loads(as_json_ld(slug, value)), indent=1).encode()  # one value a line
    else:
        body = as_rdf_xml(slug, value)
    return MEDIA[fmt], offending, body, kind


@given(case=misplaced_values())
@FUZZ
def test_a_refused_value_is_named_with_its_line_and_column(http: httpx.Client, case: tuple) -> None:
    """Ill-typed XSD literals, malformed language tags and bad IRIs, in every syntax: 400 naming the
    line and column where the value is written (the line holds it), and the value (a syntax error of
    the store's own parser names the place, in its own words)."""
    media, offending, body, kind = case
    response = http.post("/api/v1/validate", content=body, headers={"Content-Type": media})
    assert response.status_code == 400, (media, offending, response.text[:300])
    detail = response.json()["detail"]
    where = WHERE.search(detail)
    assert where, (media, offending, detail)
    if response.json()["error"] != "unreadable_input":  # the store's parser words its own errors
        assert repr(offending)[1:-1][:40] in detail, (offending, detail)
    line = body.decode("utf-8").splitlines()[int(where.group(1)) - 1]
    spelled = {offending, xml_escape(offending), escape(offending), json.dumps(offending)[1:-1]}
    assert any(s in line for s in spelled), (media, offending, where.group(0), line[:200])
    event(f"{media} {kind}")


@given(document=documents())
@FUZZ
def test_every_parse_error_names_line_and_column(http: httpx.Client, document: tuple[str, bytes]) -> None:
    """Whatever the syntax and the damage: a document that does not parse is refused with its place."""
    media, body = document
    response = http.post("/api/v1/validate", content=body, headers={"Content-Type": media})
    if response.status_code == 400 and response.json()["error"] == "unreadable_input":
        assert WHERE.search(response.json()["detail"]), (media, response.json()["detail"])
        event(f"unreadable {media}")


def test_a_graph_no_approval_could_sign_is_refused_at_submission(fuzz_env: Env) -> None:
    """Found by the property above: 63 nested lists pass every check, but an approval cannot
    canonicalize their look-alike blank nodes to sign them; the submission is refused instead."""
    nested = "(" * 63 + ")" * 63
    body = fixture_as("turtle", "fuzz-entangled") + f"<{AGR}fuzz-entangled> <{COMMENT}> {nested} .\n"
    with fuzz_env.client("alice") as http:
        before = http.get("/api/v1/submissions").json()
        created = http.post(
            "/api/v1/submissions", content=body.encode(), headers={"Content-Type": MEDIA["turtle"]}
        )
        after = http.get("/api/v1/submissions").json()
    assert created.status_code == 400, created.text[:300]
    assert "blank nodes" in created.json()["detail"]
    assert after == before
