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
