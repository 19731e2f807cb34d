"""Generated input never gets a 5xx and never changes a query's shape.

- schemathesis drives every operation of /openapi.json against the live
  server (bounded examples per operation) with all of its checks (no 5xx,
  documented status codes and headers, the response schema, schema-valid
  requests accepted, schema-invalid requests refused, ...) and ours: no leaked
  internals. Write operations are included: without a key they must refuse
  cleanly (401), which is exactly what a stranger would see. The document
  names the syntax of text bodies by ``format`` (``Turtle``, ``SPARQL_Query``,
  ...); the strategies registered below generate documents in that syntax.
- hypothesis feeds random text to named-query parameters: a value is either
  refused (400) or bound as exactly one RDF term, so the query keeps its
  variables whatever the text says.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import positive_data_acceptance
from schemathesis.transport.requests import REQUESTS_TRANSPORT
from tests.test_fuzz import fixture_as

from imvokg.errors import InputError
from imvokg.formats import JSON_LD
from imvokg.queries import default_registry

pytestmark = pytest.mark.slow  # generated requests against every operation

LEAKS = ("Traceback", "pyoxigraph", "site-packages", 'File "')
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))  # `make fuzz` raises it
slugs = st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True)
for _format, _syntax in (("Turtle", "turtle"), ("N-Triples", "nt"), ("RDF_XML", "xml")):
    # a document in that syntax: the conforming fixture agreement under a generated slug
    schemathesis.openapi.format(_format, st.builds(functools.partial(fixture_as, _syntax), slugs))
schemathesis.openapi.format(
    "SPARQL_Query",
    st.builds(
        lambda form, var, limit: form.format(v=var, n=limit),
        st.sampled_from(
            [
                "SELECT ?{v} WHERE {{ ?{v} ?p ?o }} LIMIT {n}",
                "ASK {{ ?{v} a ?type }}",
                "CONSTRUCT {{ ?{v} ?p ?o }} WHERE {{ ?{v} ?p ?o }} LIMIT {n}",
                "SELECT (COUNT(*) AS ?{v}) WHERE {{ ?s ?p ?o }}",
            ]
        ),
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
        st.integers(0, 50),
    ),
)


TEXT_BODIES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/sparql-query")


@schemathesis.serializer(*TEXT_BODIES)
def _text_body(ctx, value):  # type: ignore[no-untyped-def]
    """A text body as it is: the generated document (or, for negative cases, whatever was generated)."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else str(value).encode()


# schemathesis takes the first registered serializer of the same family: its own XML one (which wraps
# a string in <data>) would serialise application/rdf+xml, so ours go first.
_serializers = REQUESTS_TRANSPORT._serializers
_ordered = {m: _serializers[m] for m in TEXT_BODIES} | {
    m: f for m, f in _serializers.items() if m not in TEXT_BODIES
}
_serializers.clear()
_serializers.update(_ordered)


def excluded_checks(case) -> list:  # type: ignore[no-untyped-def]
    """A JSON-LD body is documented as a JSON object, and no JSON Schema says "an agreement in JSON-LD":
    a generated object is schema-valid and rightly refused (400), so for that one media type the check
    that schema-valid requests are accepted does not apply."""
    return [positive_data_acceptance] if case.media_type == JSON_LD else []


def test_no_operation_answers_5xx(server) -> None:  # type: ignore[no-untyped-def]
    """Each operation of the OpenAPI document, up to 20 generated requests each.

    The loop drives schemathesis directly (its pytest plugin does not load on
    the pytest we use); hypothesis shrinks a failure to the smallest request.
    """
    api = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def no_5xx(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(base_url=server.url, timeout=30)
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, (where, response.status_code, response.text[:300])
            case.validate_response(response, excluded_checks=excluded_checks(case))
            for needle in LEAKS:
                assert needle not in response.text, (where, needle)

        no_5xx()


# -- named-query parameters ---------------------------------------------------

REGISTRY = default_registry()
PARAMETERS = sorted((query.name, param.name, param.type) for query in REGISTRY for param in query.parameters)
HOSTILE = [
    "x> } ; DROP ALL ; {",
    '" } ; DROP ALL ; SELECT * WHERE { "',
    "https://w3id.org/imvokg/id/agreement/x> ?p ?o } UNION { ?s ?p ?o",
    "https://e.org/a>\n<https://e.org/b",
    'en" } ; DELETE WHERE { ?s ?p ?o } #',
    "'; LOAD <http://127.0.0.1:9/> ; '",
    "\\u003e } SERVICE <http://127.0.0.1:9/> {",
    '2020-01-01"^^<http://x> } ; DROP ALL ; #',
]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))


def single_term(term) -> bool:  # type: ignore[no-untyped-def]
    """The term's SPARQL form (what a remote store gets in VALUES) parses as exactly one value."""
    store = ox.Store()
    rows = list(store.query(f"SELECT ?x WHERE {{ VALUES ?x {{ {term.n3()} }} }}"))
    return len(rows) == 1 and rows[0]["x"] is not None and rows[0]["x"].value == term.value


@given(case=st.sampled_from(PARAMETERS), value=text)
@settings(max_examples=300, deadline=None)
def test_a_parameter_is_refused_or_bound_as_one_term(case: tuple[str, str, str], value: str) -> None:
    name, param, kind = case
    query = REGISTRY.get(name)
    raw = {**query.example_bindings(), param: value}
    try:
        bound_query, bindings = REGISTRY.bind(name, raw)
    except InputError as exc:
        assert exc.detail and "Traceback" not in exc.detail
        return
    assert bound_query.text == query.text, "parameters never touch the query text"
    if param in bindings:
        term = bindings[param]
        assert term.kind == ("iri" if kind == "iri" else "literal")
        assert single_term(term)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_iri_parameters_are_400(client: httpx.Client, value: str) -> None:
    response = client.get("/queries/agreement-summary", params={"agreement": value})
    assert response.status_code == 400
    assert "agreement" in response.json()["detail"]


@pytest.fixture(scope="module")
def http(server) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@given(value=text)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_text_parameters_over_http_keep_the_shape(http: httpx.Client, value: str) -> None:
    """label-search binds free text: any text gives 200 with the same variables, or 400."""
    baseline = http.get("/queries/label-search", params={"text": "child"}).json()["head"]["vars"]
    response = http.get("/queries/label-search", params={"text": value})
    assert response.status_code in (200, 400), response.text[:200]
    if response.status_code == 200:
        assert response.json()["head"]["vars"] == baseline


@given(sector=text, lang=text)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_rest_parameters_never_5xx(http: httpx.Client, sector: str, lang: str) -> None:
    for path in ("/api/v1/coverage", "/api/v1/agreements", "/api/v1/gaps"):
        response = http.get(path, params={"sector": sector, "lang": lang})
        assert response.status_code < 500, (path, response.status_code, response.text[:200])
        for needle in LEAKS:
            assert needle not in response.text


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/v1/coverage", {"sector": "GARMENT-textile"}, 200),  # any case, as the pattern says
        ("/api/v1/coverage", {"sector": " garment-textile"}, 400),  # outside the pattern: refused
        ("/api/v1/coverage", {"sector": "garment-textile\n"}, 400),
        ("/api/v1/recognitions", {"member_state": "nl"}, 200),
        ("/api/v1/recognitions", {"member_state": "\u0131t"}, 400),  # "ıt".upper() == "IT"
        ("/api/v1/recognitions", {"valid_on": "2027-01-01"}, 200),
        ("/api/v1/recognitions", {"valid_on": "20270101"}, 400),  # date.fromisoformat takes it
        ("/api/v1/recognitions", {"valid_on": "2027-W01-1"}, 400),
    ],
)
def test_parameters_are_accepted_exactly_as_documented(
    client: httpx.Client, path: str, params: dict[str, str], status: int
) -> None:
    """The edges of the patterns /openapi.json states (schemathesis generates inside and outside them)."""
    response = client.get(path, params=params)
    assert response.status_code == status, response.text[:200]
    name = next(iter(params))
    schema = next(
        p["schema"]
        for p in client.get("/openapi.json").json()["paths"][path]["get"]["parameters"]
        if p["name"] == name
    )
    assert "pattern" in schema
