"""HTTP conventions every operation follows, over real HTTP: problem+json errors, 405 with Allow,
unknown query parameters refused by name, and Vary naming what an answer depends on."""

from __future__ import annotations

import re

import httpx
import pytest
from tests.conftest import LiveServer
from tests.test_connections import exchange, status_and_json

PROBLEM_KEYS = {"type", "title", "status", "detail", "error"}
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    document = response.json()
    assert set(document) >= PROBLEM_KEYS, document
    assert document["status"] == status and document["type"] == "about:blank"
    assert document["title"] and document["detail"]
    if code is not None:
        assert document["error"] == code, document
    return document


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/sparql", {"params": {"query": "SELECT ?x WHERE { ?x"}}, 400, "query_syntax_error"),
        ("GET", "/sparql", {"params": {"update": "CLEAR ALL"}}, 400, "query_refused"),
        ("GET", "/api/v1/coverage", {"params": {"sector": "Bad Slug!"}}, 400, "bad_request"),
        ("GET", "/api/v1/coverage", {}, 400, "bad_request"),  # a required parameter missing
        ("GET", "/api/v1/submissions", {}, 401, "unauthorized"),
        ("GET", "/api/v1/agreements/no-such-agreement", {}, 404, "not_found"),
        ("GET", "/no/such/path", {}, 404, "not_found"),
        ("GET", "/id/agreement/No_Such", {}, 404, "not_found"),
        ("GET", "/id/a/../b", {}, 404, "not_found"),  # refused by the path guard, before routing
        ("DELETE", "/sparql", {}, 405, "method_not_allowed"),
        ("GET", "/sparql", {"params": {"query": SELECT}, "headers": {"Accept": "image/png"}}, 406, None),
        ("POST", "/sparql", {"content": b"x" * (6 * 1024 * 1024)}, 413, "payload_too_large"),
        ("POST", "/sparql", {"content": SELECT, "headers": {"Content-Type": "text/plain"}}, 415, None),
    ],
)
def test_every_error_path_is_problem_json(
    client: httpx.Client, method: str, path: str, kwargs: dict, status: int, code: str | None
) -> None:
    assert_problem(client.request(method, path, **kwargs), status, code)


def test_the_validation_report_rides_in_the_problem(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/submissions",
        content=b"<x:a> <x:b> <x:c> .",
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer wrong"},
    )
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_errors_the_http_server_writes_itself_are_problem_json(server: LiveServer) -> None:
    status, document, _ = status_and_json(exchange(server.port, b"GARBAGE / HTTP/9\r\n\r\n"))
    assert status == 400 and document["error"] == "bad_request"
    assert document["title"] == "Bad Request"


def test_problem_detail_is_in_the_language_asked_for(client: httpx.Client) -> None:
    english = assert_problem(client.get("/api/v1/agreements/no-such-agreement"), 404)
    dutch = client.get("/api/v1/agreements/no-such-agreement", headers={"Accept-Language": "nl"})
    assert assert_problem(dutch, 404)["detail"] != english["detail"]
    assert "Accept-Language" in dutch.headers["vary"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/sparql", {"GET", "HEAD", "POST"}),  # two routes, one Allow
        ("PUT", "/api/v1/agreements", {"GET", "HEAD"}),
        ("POST", "/api/v1/agreements/nl-gold", {"GET", "HEAD"}),
        ("GET", "/api/v1/validate", {"POST"}),
        ("DELETE", "/id/agreement/nl-gold", {"GET", "HEAD"}),
    ],
)
def test_405_names_every_method_of_the_path(
    client: httpx.Client, method: str, path: str, allowed: set
) -> None:
    response = client.request(method, path)
    assert_problem(response, 405, "method_not_allowed")
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


def _operations(document: dict) -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document as (method, a path with its parameters filled in)."""
    found = []
    for template, operations in document["paths"].items():
        for method in operations:
            path = template.replace("{name}", "sector-coverage")
            path = re.sub(r"\{[^}]+\}", "x", path)
            found.append((method.upper(), path))
    return found


def test_unknown_query_parameters_are_refused_by_name_on_every_operation(client: httpx.Client) -> None:
    operations = _operations(client.get("/openapi.json").json())
    assert len(operations) > 30
    for method, path in operations:
        response = client.request(method, path, params={"sectr": "gold"})
        document = assert_problem(response, 400)
        assert "sectr" in document["detail"], (method, path, document)


def test_a_refusal_names_what_the_operation_takes(client: httpx.Client) -> None:
    response = client.get("/api/v1/agreements", params={"sectr": "gold", "lang": "en"})
    detail = assert_problem(response, 400, "bad_request")["detail"]
    assert "sectr" in detail and "sector" in detail and "recognised_by" in detail


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/agreements", {"sector": "gold", "lang": "nl"}),
        ("/api/v1/sectors", {"lang": "de"}),
        ("/queries", {"lang": "fr"}),  # lang is taken everywhere: errors are said in it
        (
            "/sparql",
            {"query": SELECT, "format": "json", "output": "json", "results": "json"},
        ),  # SPARQLWrapper
        ("/sparql", {"query": SELECT, "default-graph-uri": "https://w3id.org/imvokg/graph/agreements"}),
        ("/queries/sector-coverage", {"sector": "https://w3id.org/imvokg/scheme/sector/gold"}),
        ("/id/agreement/nl-gold", {"format": "ttl"}),
        ("/catalog", {"format": "jsonld"}),
    ],
)
def test_parameters_an_operation_takes_are_accepted(client: httpx.Client, path: str, params: dict) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, response.text[:300])


def test_a_named_query_names_the_parameter_it_does_not_take(client: httpx.Client) -> None:
    response = client.get("/queries/sector-coverage", params={"sectr": "x"})
    assert "sectr" in assert_problem(response, 400)["detail"]


def test_pages_for_people_are_not_refused_for_extra_parameters(client: httpx.Client) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    assert client.get("/", params={"utm_source": "newsletter"}, headers=browser).status_code == 200
    page = client.get("/id/agreement/nl-gold", params={"utm_source": "x"}, headers=browser)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


VARIANTS = {
    "Accept": ["text/turtle", "application/ld+json", "text/html", "application/sparql-results+xml", "*/*"],
    "Accept-Language": ["nl", "de", "en"],
}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agreements/nl-gold",
        "/api/v1/sectors",
        "/id/agreement/nl-gold",
        "/ontology",
        "/catalog",
        "/.well-known/void",
        f"/sparql?query={SELECT}",
        "/queries/sector-coverage?sector=https://w3id.org/imvokg/scheme/sector/gold",
        "/ldes",
        "/api/v1/agreements/no-such-agreement",
    ],
)
def test_vary_names_every_request_header_the_answer_depends_on(client: httpx.Client, path: str) -> None:
    """Fetch each variant; whenever the answer differs from the plain one, Vary must name the header."""
    plain = client.get(path)
    for header, values in VARIANTS.items():
        for value in values:
            variant = client.get(path, headers={header: value})
            differs = (
                variant.status_code != plain.status_code
                or variant.headers.get("content-type") != plain.headers.get("content-type")
                or variant.headers.get("content-language") != plain.headers.get("content-language")
                or variant.content != plain.content
            )
            if differs:
                for answer in (plain, variant):
                    vary = {v.strip().lower() for v in answer.headers.get("vary", "").split(",")}
                    assert header.lower() in vary, (path, header, value, answer.headers.get("vary"))


def _get_operations(client: httpx.Client) -> list[str]:
    document = client.get("/openapi.json").json()
    paths = []
    for template, operations in document["paths"].items():
        if "get" in operations and "{" not in template:
            paths.append(template)
    return paths


def test_every_get_says_how_long_it_may_be_cached_and_has_a_validator(client: httpx.Client) -> None:
    paths = _get_operations(client)
    paths += ["/id/agreement/nl-gold", "/api/v1/agreements/nl-gold", "/queries/sector-coverage.rq", "/docs"]
    checked = 0
    for path in paths:
        response = client.get(
            path, params={"sector": "gold"} if path in ("/api/v1/coverage", "/api/v1/gaps") else {}
        )
        if response.status_code != 200:
            assert response.headers["cache-control"] == "no-store", path  # a refusal is never kept
            continue
        checked += 1
        cache = response.headers["cache-control"]
        assert cache.startswith("public, max-age="), (path, cache)
        etag = response.headers["etag"]
        again = client.get(path, headers={"If-None-Match": etag}, params=response.request.url.params)
        assert again.status_code == 304, (path, again.status_code)
        assert again.content == b"" and again.headers["etag"] == etag
        assert again.headers["cache-control"] == cache
    assert checked > 20


def test_each_representation_has_its_own_etag(client: httpx.Client) -> None:
    query = {"query": SELECT}
    as_json = client.get("/sparql", params=query)
    as_csv = client.get("/sparql", params=query, headers={"Accept": "text/csv"})
    assert as_json.headers["etag"] != as_csv.headers["etag"]
    stale = client.get(
        "/sparql", params=query, headers={"Accept": "text/csv", "If-None-Match": as_json.headers["etag"]}
    )
    assert stale.status_code == 200 and stale.text == as_csv.text


def test_head_answers_every_get_without_a_body(client: httpx.Client) -> None:
    for path in ("/api/v1/agreements", "/sparql", "/queries", "/id/agreement/nl-gold"):
        full = client.get(path)
        head = client.head(path)
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["etag"] == full.headers["etag"], path
        assert int(head.headers["content-length"]) == len(full.content), path


def test_versioned_and_static_files_are_kept_long(client: httpx.Client) -> None:
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).json()
    release = client.get(listing[0]["url"])
    assert release.status_code == 200
    assert "immutable" in release.headers["cache-control"]
    asset = client.get("/static/css/site.css")
    assert asset.status_code == 200 and asset.headers["cache-control"] == "public, max-age=86400"


def test_answers_to_a_credential_are_private(client: httpx.Client) -> None:
    refused = client.get("/api/v1/submissions", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"
    for headers in ({"Authorization": "Bearer anything"}, {"X-API-Key": "anything"}):
        answered = client.get("/api/v1/agreements", headers=headers)
        assert answered.status_code == 200 and answered.headers["cache-control"] == "private, no-cache"


def _links(response: httpx.Response) -> dict[str, str]:
    found = {}
    for part in response.headers.get("link", "").split(","):
        match = re.match(r'\s*<([^>]+)>;\s*rel="([^"]+)"', part)
        if match:
            found[match.group(2)] = match.group(1)
    return found


@pytest.mark.parametrize("path", ["/api/v1/agreements", "/api/v1/sectors", "/api/v1/risks", "/queries"])
def test_every_list_pages_with_limit_offset_and_link_next(client: httpx.Client, path: str) -> None:
    everything = client.get(path).json()
    assert len(everything) > 4
    pages, url = [], f"{client.base_url}{path}?limit=3"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response.json())
        assert len(pages[-1]) <= 3
        url = _links(response).get("next")
        assert len(pages) <= len(everything), "the next links never end"
    assert [item for page in pages for item in page] == everything
    middle = client.get(path, params={"limit": 2, "offset": 2})
    assert middle.json() == everything[2:4]
    assert {"next", "prev", "first"} <= set(_links(middle))


def test_a_list_keeps_its_other_links_and_filters_on_the_next_page(client: httpx.Client) -> None:
    response = client.get("/api/v1/agreements", params={"sector": "gold", "limit": 1, "lang": "nl"})
    links = _links(response)
    assert "describedby" in links
    if len(client.get("/api/v1/agreements", params={"sector": "gold"}).json()) > 1:
        assert "sector=gold" in links["next"] and "lang=nl" in links["next"]


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "100000"}, {"offset": "-1"}, {"limit": "ten"}])
def test_bad_paging_is_400(client: httpx.Client, params: dict) -> None:
    detail = assert_problem(client.get("/api/v1/agreements", params=params), 400, "bad_request")["detail"]
    assert next(iter(params)) in detail


def test_paging_is_not_offered_where_the_answer_is_not_a_list(client: httpx.Client) -> None:
    assert_problem(client.get("/api/v1/agreements/nl-gold", params={"limit": 1}), 400)
