"""The dataset as portals see it: DCAT-AP 3 conformance, the Atom feed, and a crawl of every local link."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from imvokg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
DCAT_AP_SHAPES = ROOT.parent / "shared" / "vendor" / "dcat-ap-3.0.0" / "dcat-ap-SHACL.ttl"
BASE = "https://w3id.org/imvokg/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
IMVO = Namespace(BASE + "ont#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# paths of the linked-data side; the site's own pages (/coverage, /compare, /docs...) are tested elsewhere
CRAWLED = (
    "/id/",
    "/scheme/",
    "/graph/",
    "/ontology",
    "/shapes",
    "/catalog",
    "/dumps",
    "/.well-known/",
    "/context.jsonld",
    "/feed",
    "/queries/",
)
MAX_PAGES = 400


def catalogue(client: httpx.Client) -> Graph:
    response = client.get("/catalog")  # Turtle is the default
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.content, format="turtle")


@pytest.mark.skipif(
    not DCAT_AP_SHAPES.is_file(), reason=f"the DCAT-AP 3.0.0 shapes are not at {DCAT_AP_SHAPES}"
)
@pytest.mark.slow  # pySHACL with the DCAT-AP 3 shapes
def test_catalogue_conforms_to_dcat_ap_3(client: httpx.Client) -> None:
    data = catalogue(client)
    shapes = Graph().parse(DCAT_AP_SHAPES, format="turtle")
    conforms, _, report = validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    assert conforms, report


def test_catalogue_has_what_a_portal_needs(client: httpx.Client) -> None:
    g = catalogue(client)
    catalog = URIRef(BASE + "catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in g
    dataset = g.value(catalog, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in g
    service = g.value(catalog, DCAT.service)
    assert g.value(service, DCAT.endpointURL) == URIRef(BASE + "sparql")
    assert g.value(dataset, DCTERMS.publisher) is not None and g.value(dataset, DCAT.contactPoint) is not None
    licence = g.value(catalog, DCTERMS.license)
    assert licence == URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert (licence, OWL.sameAs, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    dataset = g.value(catalog, DCAT.dataset)
    assert g.value(dataset, DCTERMS.accessRights) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    )
    releases = [d for d in g.objects(dataset, DCAT.distribution) if "/dumps/" in str(d)]
    assert releases and all(g.value(d, DCTERMS.issued) is not None for d in releases)
    themes = set(g.objects(dataset, DCAT.theme))
    assert all(
        str(t).startswith("http://publications.europa.eu/resource/authority/data-theme/") for t in themes
    )
    assert URIRef("http://publications.europa.eu/resource/authority/language/NLD") in set(
        g.objects(dataset, DCTERMS.language)
    )
    period = g.value(dataset, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate).datatype == XSD.date
    assert str(g.value(dataset, Namespace(str(DCAT))["version"]))
    downloads = {}
    for dist in g.objects(dataset, DCAT.distribution):
        url = g.value(dist, DCAT.downloadURL)
        if url is None:
            assert g.value(dist, DCAT.accessService) == service
            continue
        checksum = g.value(dist, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        downloads[str(url)] = (int(g.value(dist, DCAT.byteSize)), str(g.value(checksum, SPDX.checksumValue)))
        assert g.value(dist, DCAT.mediaType) is not None
    assert {u.rsplit(".", 1)[-1] for u in downloads} == {"ttl", "gz", "jsonld", "trig"}
    for url, (size, digest) in downloads.items():
        assert url.startswith(BASE + "dumps/imvokg-")
        body = client.get(url[len(BASE) - 1 :]).content
        assert len(body) == size and hashlib.sha256(body).hexdigest() == digest


def test_catalogue_in_json_ld_and_html(client: httpx.Client) -> None:
    assert client.get("/catalog", headers={"Accept": "application/ld+json"}).status_code == 200
    html = client.get("/catalog", headers={"Accept": "text/html"})
    assert html.status_code == 200 and 'href="/id/agreement/nl-gold"' in html.text


def test_feed_is_valid_atom_without_decisions(client: httpx.Client) -> None:
    response = client.get("/feed")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.id == BASE + "feed" and parsed.feed.updated


def _decision(name: str, agreement: str, outcome: str, issued: str) -> list[tuple]:
    node = URIRef(f"{BASE}id/decision/{name}")
    return [
        (node, RDF.type, IMVO.RecognitionDecision),
        (node, IMVO.recognises, URIRef(f"{BASE}id/agreement/{agreement}")),
        (node, IMVO.memberState, URIRef("http://publications.europa.eu/resource/authority/country/NLD")),
        (node, DCTERMS.issued, Literal(issued, datatype=XSD.date)),
        (node, IMVO.decisionOutcome, URIRef(f"{BASE}scheme/decision-outcome/{outcome}")),
    ]


@pytest.fixture()
def decisions_server() -> Iterator[str]:
    """An app on a scratch in-memory store holding three decisions, served over loopback."""
    from tests.conftest import LiveServer, free_port, settings_for_tests

    from imvokg.api import create_app

    g = Graph()
    for triple in (
        _decision("gold-2024", "nl-gold", "recognised", "2024-03-01")
        + _decision("gold-2025", "nl-gold", "withdrawn", "2025-06-30")
        + _decision("metals-2024", "nl-metals", "conditionally-recognised", "2024-09-15")
    ):
        g.add(triple)
    labels = {
        "id/agreement/nl-gold": "Gold agreement",
        "id/agreement/nl-metals": "Metals agreement",
        "scheme/decision-outcome/recognised": "recognised",
        "scheme/decision-outcome/withdrawn": "withdrawn",
        "scheme/decision-outcome/conditionally-recognised": "conditionally recognised",
    }
    for path, label in labels.items():
        g.add(
            (
                URIRef(BASE + path),
                SKOS.prefLabel if "scheme" in path else RDFS.label,
                Literal(label, lang="en"),
            )
        )
    store = EmbeddedStore(None)
    store.replace_graphs({BASE + "graph/decisions": g.serialize(format="nt", encoding="utf-8")})
    live = LiveServer(create_app(settings_for_tests(sparql_workers=0), store=store), free_port())
    live.start()
    yield live.url
    live.stop()


def test_feed_lists_decisions_newest_first(decisions_server: str) -> None:
    response = httpx.get(decisions_server + "/feed", timeout=30)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    ids = [entry.id for entry in parsed.entries]
    assert ids == [
        BASE + "id/decision/gold-2025",
        BASE + "id/decision/metals-2024",
        BASE + "id/decision/gold-2024",
    ]
    first = parsed.entries[0]
    assert first.title == "Gold agreement: withdrawn (NLD)"
    assert first.link == BASE + "id/decision/gold-2025"
    assert first.updated.startswith("2025-06-30")
    assert parsed.feed.updated.startswith("2025-06-30")
    assert parsed.entries[1].title.startswith("Metals agreement: conditionally recognised")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _local(href: str, page: str) -> str | None:
    """The path (with query) of a link on this server, or None for other sites and other pages."""
    if href.startswith(BASE):
        href = "/" + href[len(BASE) :]
    url = urlsplit(urljoin(f"http://local{page}", href))
    if url.netloc != "local" or not url.path.startswith(CRAWLED):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


@pytest.mark.slow  # every link of the catalogue
def test_crawl_from_the_catalogue_finds_no_broken_link(client: httpx.Client) -> None:
    rdf_links = {
        _local(str(o), "/catalog")
        for o in catalogue(client).objects()
        if isinstance(o, URIRef) and str(o).startswith(BASE)
    }
    queue = deque(["/catalog", *sorted(link for link in rdf_links if link)])
    seen = set(queue)
    failures = []
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path, headers={"Accept": BROWSER})
        visited += 1
        if response.status_code >= 400:
            failures.append((path, response.status_code))
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.text)
        for href in parser.links:
            target = _local(href, path.split("?")[0])
            if target and target.split("#")[0] not in seen:
                seen.add(target.split("#")[0])
                queue.append(target.split("#")[0])
    assert not failures, failures
    assert visited >= 100, visited  # the crawl reached far beyond the catalogue
