"""schema.org JSON-LD embedded in the pages, read from real pages over HTTP as a crawler reads it."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import httpx
import pytest

ID = "https://w3id.org/imvokg/"


class StructuredData(HTMLParser):
    """The text of every <script type="application/ld+json"> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def structured(client: httpx.Client, path: str, lang: str = "en") -> list[dict]:
    response = client.get(path, params={"lang": lang}, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text[:300]
    parser = StructuredData()
    parser.feed(response.text)
    for block in parser.blocks:
        assert "<" not in block  # the JSON cannot end the script element early
    return [json.loads(block) for block in parser.blocks]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/id/agreement/nl-garment-textile", "CreativeWork"),
        ("/id/agreement/fair-wear-foundation", "CreativeWork"),
        ("/id/instrument/csddd-2024", "Legislation"),
        ("/id/instrument/ungp-2011", "CreativeWork"),
        ("/id/party/essent", "Organization"),
        ("/scheme/risk-topic/child-labour", "DefinedTerm"),
        ("/scheme/sector/gold", "DefinedTerm"),
        ("/scheme/sector", "DefinedTermSet"),
    ],
)
def test_a_resource_page_says_what_it_is_and_names_its_canonical_iri(
    client: httpx.Client, path: str, kind: str
) -> None:
    [data] = structured(client, path)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == kind
    assert data["@id"] == data["url"] == ID + path.lstrip("/")
    assert data["name"]
    assert data["isBasedOn"]  # every curated resource carries its sources


def test_an_agreement_names_its_parties_sectors_and_risks_in_the_reader_language(
    client: httpx.Client,
) -> None:
    [english] = structured(client, "/id/agreement/nl-garment-textile")
    [german] = structured(client, "/id/agreement/nl-garment-textile", lang="de")
    parties = {p["@id"] for p in english["contributor"]}
    assert all(p.startswith(ID + "id/party/") for p in parties) and len(parties) > 3
    assert {p["@type"] for p in english["contributor"]} == {"Organization"}
    about = {a["@id"]: a["name"] for a in english["about"]}
    assert ID + "scheme/sector/garment-textile" in about
    assert any(a.startswith(ID + "scheme/risk-topic/") for a in about)
    assert english["temporalCoverage"].startswith("2016-")
    german_about = {a["@id"]: a["name"] for a in german["about"]}
    assert german_about.keys() == about.keys() and german_about != about


def test_a_binding_instrument_is_legislation_with_its_identifier_and_date(client: httpx.Client) -> None:
    [data] = structured(client, "/id/instrument/csddd-2024")
    assert data["legislationIdentifier"] == "Directive (EU) 2024/1760"
    assert data["legislationDate"] == "2024-06-13"


def test_a_concept_is_a_term_of_its_scheme(client: httpx.Client) -> None:
    [data] = structured(client, "/scheme/risk-topic/child-labour")
    assert data["inDefinedTermSet"]["@id"] == ID + "scheme/risk-topic"
    assert data["inDefinedTermSet"]["@type"] == "DefinedTermSet"


def test_the_catalogue_page_is_a_dataset_with_its_downloads_and_licence(client: httpx.Client) -> None:
    [data] = structured(client, "/catalog")
    assert data["@type"] == "Dataset" and data["@id"] == ID + "catalog#dataset"
    assert "https://creativecommons.org/licenses/by/4.0/" in data["license"]
    assert "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0" in data["license"]
    listed = {f["url"].rsplit("/", 1)[1] for f in client.get("/dumps/").json()}
    downloads = {d["contentUrl"].rsplit("/", 1)[1]: d["encodingFormat"] for d in data["distribution"]}
    assert set(downloads) == listed
    assert "text/turtle" in downloads.values()


def test_pages_without_a_fitting_type_embed_nothing(client: httpx.Client) -> None:
    mechanism = client.get(
        "/sparql",
        params={"query": "SELECT ?m WHERE { ?a <https://w3id.org/imvokg/ont#hasMechanism> ?m } LIMIT 1"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"][0]["m"]["value"]
    assert structured(client, mechanism.removeprefix(ID[:-1])) == []
    assert structured(client, "/") == []
