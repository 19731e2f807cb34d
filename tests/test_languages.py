"""One choice of language for the JSON API, the pages, the linked-data pages, the CLI and validation.

Each row of the table is one case of issue 15's order (``lang=``, the cookie for
pages, Accept-Language with q-values and RFC 4647 lookup, English), asked of
the JSON API and of a page over HTTP: both must answer in the same language,
except that the remembered choice (the cookie) counts for pages only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from imvokg import languages
from imvokg.languages import COOKIE

INVALID = (
    Path(__file__).parent
    / "shapes"
    / "invalid"
    / "SectorAgreement-tradeUnionSignatory--union-only-supporter.ttl"
)

# (lang=, cookie, Accept-Language, the API's language, the pages' language)
TABLE = [
    pytest.param("fr", "de", "nl", "fr", "fr", id="lang-param-wins"),
    pytest.param(None, "de", "nl", "nl", "de", id="cookie-counts-for-pages-only"),
    pytest.param(None, None, "nl;q=0.1, en;q=0.9", "en", "en", id="q-values-rank"),
    pytest.param(None, None, "de-AT", "de", "de", id="rfc4647-lookup"),
    pytest.param(None, None, "ja, nl;q=0.8, en;q=0.9", "en", "en", id="unsupported-skipped"),
    pytest.param(None, None, "fr;q=0, nl;q=0.1", "nl", "nl", id="q-zero-excluded"),
    pytest.param("xx", "zz", "de-CH-1996", "de", "de", id="unknown-param-and-cookie-passed-over"),
    pytest.param("NL-be", None, "fr", "nl", "nl", id="lang-param-is-looked-up-too"),
    pytest.param(None, None, None, "en", "en", id="english-by-default"),
]


def _ask(
    client: httpx.Client, path: str, lang: str | None, cookie: str | None, accept_language: str | None
) -> httpx.Response:
    headers = {"Accept": "text/html"}
    if accept_language:
        headers["Accept-Language"] = accept_language
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    return client.get(path, params={"lang": lang} if lang else {}, headers=headers)


@pytest.mark.parametrize(("lang", "cookie", "accept", "api", "page"), TABLE)
def test_the_order_of_the_language_choice(
    lang: str | None, cookie: str | None, accept: str | None, api: str, page: str
) -> None:
    assert languages.choose(lang, accept_language=accept) == api
    assert languages.choose(lang, cookie=cookie, accept_language=accept) == page


@pytest.mark.parametrize(("lang", "cookie", "accept", "api", "page"), TABLE)
def test_the_api_and_the_pages_choose_the_same_language(
    client: httpx.Client, lang: str | None, cookie: str | None, accept: str | None, api: str, page: str
) -> None:
    risks = _ask(client, "/api/v1/risks", lang, cookie, accept)
    assert risks.status_code == 200
    assert risks.headers["content-language"] == api
    assert risks.headers["vary"] == "Accept-Language"
    labelled = [r for r in risks.json() if api in r["labels"]]
    assert labelled and all(r["label"] == r["labels"][api] for r in labelled)

    home = _ask(client, "/", lang, cookie, accept)
    assert home.status_code == 200
    assert home.headers["content-language"] == page
    assert home.headers["vary"] == "Accept-Language, Cookie"
    assert f'<html lang="{page}">' in home.text

    resource = _ask(client, "/id/agreement/nl-gold", lang, cookie, accept)
    assert resource.headers["content-type"].startswith("text/html")
    assert resource.headers["content-language"] == page
    assert resource.headers["vary"] == "Accept, Accept-Language, Cookie"


def test_rdf_representations_do_not_claim_a_language(client: httpx.Client) -> None:
    turtle = client.get("/id/agreement/nl-gold", headers={"Accept": "text/turtle", "Accept-Language": "nl"})
    assert turtle.status_code == 200
    assert "content-language" not in turtle.headers
    assert turtle.headers["vary"] == "Accept, Accept-Language, Cookie"


@pytest.mark.parametrize("accept", ["application/json", "application/problem+json", "*/*", None])
def test_validation_answers_json_to_the_json_clients_send(client: httpx.Client, accept: str | None) -> None:
    headers = {"Content-Type": "text/turtle", "Accept-Language": "nl;q=0.1, en;q=0.9"}
    if accept:
        headers["Accept"] = accept
    response = client.post("/api/v1/validate", content=INVALID.read_bytes(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    report = response.json()
    assert report["conforms"] is False and report["lang"] == "en"
    assert response.headers["content-language"] == "en"
    assert "vakbond" not in " ".join(r["message"] for r in report["results"]).lower()


def test_validation_in_a_language_without_messages_falls_back_to_english_and_says_so(
    client: httpx.Client,
) -> None:
    response = client.post(
        "/api/v1/validate",
        content=INVALID.read_bytes(),
        headers={"Content-Type": "text/turtle", "Accept-Language": "ja"},
    )
    assert response.status_code == 200
    assert response.json()["lang"] == "en" and response.headers["content-language"] == "en"


def test_validation_still_refuses_what_it_cannot_give(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/validate",
        content=INVALID.read_bytes(),
        headers={"Content-Type": "text/turtle", "Accept": "image/png"},
    )
    assert response.status_code == 406
    assert response.json()["error"] == "not_acceptable"


@pytest.mark.parametrize("path", ["/id/agreement/nl-gold", "/scheme/sector/gold", "/catalog", "/ontology"])
def test_linked_data_answers_plain_json_clients_with_json_ld(client: httpx.Client, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.json()  # parses, and is not empty


def test_sparql_still_answers_plain_json_clients_with_sparql_results(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["boolean"] is True


@pytest.mark.slow  # CLI processes
def test_cli_validate_looks_the_language_up_like_the_web(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "imvokg", "validate"]
    dutch = subprocess.run([*cli, "--lang", "nl-BE", str(INVALID)], capture_output=True, text=True)
    assert dutch.returncode == 1 and "vakbond" in dutch.stdout.lower()
    german = subprocess.run([*cli, "--lang", "de-AT", str(INVALID)], capture_output=True, text=True)
    assert german.returncode == 1 and "MR-03" in german.stdout and "vakbond" not in german.stdout.lower()
    unknown = subprocess.run([*cli, "--lang", "xx", str(INVALID)], capture_output=True, text=True)
    assert unknown.returncode == 2 and "'xx' is not one of en, bg, cs" in unknown.stderr
