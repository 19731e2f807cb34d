"""What search engines read: robots.txt and sitemap.xml, over real HTTP."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree import ElementTree

import httpx

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_robots_names_the_sitemap_and_keeps_crawlers_off_queries(client: httpx.Client) -> None:
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
    lines = robots.text.splitlines()
    assert "User-agent: *" in lines and "Disallow: /sparql?" in lines and "Disallow: /api/" in lines
    sitemap = next(line.split(": ", 1)[1] for line in lines if line.startswith("Sitemap: "))
    assert urlsplit(sitemap).path == "/sitemap.xml"


def test_the_sitemap_lists_pages_and_resources_that_answer(client: httpx.Client) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    locations = [e.text or "" for e in ElementTree.fromstring(response.content).iter(SITEMAP + "loc")]
    paths = [urlsplit(u).path for u in locations]
    assert {"/", "/sparql", "/catalog", "/ontology"} <= set(paths)
    assert "/id/agreement/nl-garment-textile" in paths and len(paths) == len(set(paths)) > 20
    for path in [p for p in paths if p.startswith(("/id/", "/scheme/"))][:15]:
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path


def test_the_sitemap_lists_every_agreement_party_risk_sector_and_the_query_page(client: httpx.Client) -> None:
    """What the API publishes is what the sitemap lists: read from the API, not from the same query."""
    body = client.get("/sitemap.xml").content
    paths = {urlsplit(e.text or "").path for e in ElementTree.fromstring(body).iter(SITEMAP + "loc")}
    base = "https://w3id.org/imvokg"
    agreements = client.get("/api/v1/agreements").json()
    wanted = {a["iri"] for a in agreements}
    for agreement in agreements:
        detail = client.get(f"/api/v1/agreements/{agreement['slug']}").json()
        wanted |= {p["iri"] for p in detail["parties"]}
    wanted |= {r["iri"] for r in client.get("/api/v1/risks").json()}
    wanted |= {s["iri"] for s in client.get("/api/v1/sectors").json()}
    wanted |= {i["iri"] for i in client.get("/api/v1/instruments").json()}
    missing = sorted(iri for iri in wanted if iri.removeprefix(base) not in paths)
    assert not missing, missing
    assert {"/sparql", "/scheme/sector", "/scheme/risk-topic"} <= paths
    assert len([p for p in paths if p.startswith("/id/party/")]) > 50
