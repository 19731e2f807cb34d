"""Linked data over real HTTP: every format says the same, 304 works, bad paths never reach the store."""

from __future__ import annotations

import gzip
import hashlib
import html
import http.client
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SH

from imvokg import messages
from imvokg.queries import default_registry

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/imvokg/"
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
PATHS = [
    "/id/agreement/nl-garment-textile",
    "/id/instrument/ungp-2011/principle-14",
    "/scheme/risk-topic/child-labour",
    "/scheme/sector",
    "/graph/agreements-nl-gold",
    "/ontology",
    "/shapes",
    "/catalog",
    "/.well-known/void",
]


def fetch_graph(client: httpx.Client, path: str, media_type: str) -> Graph:
    response = client.get(path, headers={"Accept": media_type})
    assert response.status_code == 200, (path, media_type, response.text[:300])
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers.get("vary", "")
    return Graph().parse(data=response.content, format=FORMATS.get(media_type, "json-ld"))


def expand_with_pyld(client: httpx.Client, body: bytes, context_url: str) -> Graph:
    """Expand the JSON-LD with pyld; the only document it may load is our published context."""
    loaded: list[str] = []

    def loader(url: str, options: dict | None = None) -> dict:
        if url != context_url:
            raise jsonld.JsonLdError(f"refusing to load {url}", "loading document failed")
        loaded.append(url)
        answer = client.get(urlsplit(url).path)
        assert answer.status_code == 200
        return {"contextUrl": None, "documentUrl": url, "document": answer.json()}

    nquads = jsonld.to_rdf(json.loads(body), {"format": "application/n-quads", "documentLoader": loader})
    assert loaded == [context_url] or loaded == [context_url] * len(loaded)
    return Graph().parse(data=nquads, format="nt")


@pytest.mark.parametrize("path", PATHS)
def test_every_format_gives_the_same_triples(client: httpx.Client, path: str) -> None:
    turtle = fetch_graph(client, path, "text/turtle")
    assert len(turtle) > 0
    for media_type in ("application/n-triples", "application/rdf+xml"):
        other = fetch_graph(client, path, media_type)
        assert isomorphic(turtle, other), f"{path}: {media_type} differs from Turtle"
    response = client.get(path, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    document = response.json()
    context_url = document["@context"]
    assert isinstance(context_url, str) and context_url.endswith("/context.jsonld")
    assert isomorphic(turtle, expand_with_pyld(client, response.content, context_url)), path


def test_resource_is_its_description_plus_labels(client: httpx.Client) -> None:
    graph = fetch_graph(client, "/id/agreement/nl-garment-textile", "text/turtle")
    agreement = URIRef(BASE + "id/agreement/nl-garment-textile")
    assert (agreement, RDFS.label, Literal("Convenant Duurzame Kleding en Textiel", lang="nl")) in graph
    sector = URIRef(BASE + "scheme/sector/garment-textile")
    assert (agreement, URIRef(BASE + "ont#coversSector"), sector) in graph
    assert any(True for _ in graph.objects(sector, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    # nothing about the sector beyond its labels: a description, not a crawl
    assert {p for p in graph.predicates(sector, None)} <= {
        RDFS.label,
        URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
        URIRef("http://purl.org/dc/terms/title"),
        SH.name,
    }
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert all(s == agreement or any(graph.predicates(s, None)) for s in subjects)


def test_rdf_keeps_canonical_iris_and_html_links_locally(client: httpx.Client) -> None:
    turtle = client.get("/id/agreement/nl-gold", headers={"Accept": "text/turtle"}).text
    assert "127.0.0.1" not in turtle
    subjects = set(Graph().parse(data=turtle, format="turtle").subjects())
    assert URIRef(BASE + "id/agreement/nl-gold") in subjects
    html = client.get("/id/agreement/nl-gold", headers={"Accept": "text/html"}).text
    assert 'href="/scheme/sector/gold"' in html
    assert 'href="/ontology#coversRiskTopic"' in html
    assert "/sparql?query=DESCRIBE+%3Chttps%3A%2F%2Fw3id.org%2Fimvokg%2Fid%2Fagreement%2Fnl-gold%3E" in html
    assert 'href="/graph/agreements-nl-gold"' in html and "data/agreements/nl-gold.ttl" in html
    assert 'href="/id/source/' in html  # cited sources, with titles
    assert 'href="https://www.imvoconvenanten.nl/' in html  # external IRIs stay as they are


def test_html_labels_follow_the_language(client: httpx.Client) -> None:
    dutch = client.get("/scheme/sector/gold?lang=nl", headers={"Accept": "text/html"})
    english = client.get("/scheme/sector/gold", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert '<html lang="nl">' in dutch.text and '<html lang="en">' in english.text
    title = re.compile(r"<h1>(.*?)</h1>")
    assert title.search(dutch.text).group(1) != title.search(english.text).group(1)
    german = client.get("/id/agreement/nl-gold", headers={"Accept": "text/html", "Accept-Language": "de"})
    assert german.status_code == 200 and "<h1>" in german.text  # falls back to English labels


@pytest.mark.parametrize("lang", ["de", "nl", "el"])
def test_an_agreement_page_opens_with_its_summary_in_the_readers_language(
    client: httpx.Client, lang: str
) -> None:
    page = client.get("/id/agreement/nl-gold", params={"lang": lang}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    summary = page.text.split('<dl class="ld-summary">', 1)[1].split("</dl>", 1)[0]
    assert page.text.index('<dl class="ld-summary">') < page.text.index("<table")  # before the statements
    for heading in ("Status", "Period", "Sectors", "Parties by kind", "Risks"):
        assert f"<dt>{messages.say(lang, heading)}</dt>" in summary, heading
    detail = client.get("/api/v1/agreements/nl-gold", params={"lang": lang}).json()  # the same facts
    assert detail["parties"] and detail["risks"] and detail["sectors"]
    for party in detail["parties"]:
        assert f">{html.escape(str(party['label']))}</a>" in summary, party["label"]
        assert html.escape(str(party["role_label"])) in summary
    for risk in detail["risks"]:
        assert (
            f'<a href="/scheme/risk-topic/{risk["risk"]}">{html.escape(str(risk["risk_label"]))}</a>'
            in summary
        )
    sectors = client.get("/api/v1/sectors", params={"lang": lang}).json()
    gold = next(s for s in sectors if s["slug"] == "gold")
    assert f'<a href="/scheme/sector/gold">{html.escape(str(gold["label"]))}</a>' in summary


def test_other_resources_have_no_agreement_summary(client: httpx.Client) -> None:
    page = client.get("/scheme/sector/gold", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "ld-summary" not in page.text


def test_revalidation_answers_304(client: httpx.Client) -> None:
    first = client.get("/id/agreement/nl-gold", headers={"Accept": "text/turtle"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get("/id/agreement/nl-gold", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = client.get(
        "/id/agreement/nl-gold", headers={"Accept": "text/turtle", "If-Modified-Since": modified}
    )
    assert since.status_code == 304
    stale = client.get("/id/agreement/nl-gold", headers={"Accept": "text/turtle", "If-None-Match": '"other"'})
    assert stale.status_code == 200
    other_format = client.get("/id/agreement/nl-gold", headers={"Accept": "application/n-triples"})
    assert other_format.headers["etag"] != etag
    old = client.get(
        "/id/agreement/nl-gold",
        headers={"Accept": "text/turtle", "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )
    assert old.status_code == 200


def test_unsupported_media_type_is_406(client: httpx.Client) -> None:
    for path in ("/id/agreement/nl-gold", "/ontology", "/catalog", "/.well-known/void"):
        response = client.get(path, headers={"Accept": "image/png"})
        assert response.status_code == 406, path
        assert response.json()["error"] == "not_acceptable"


def test_unknown_resource_is_404(client: httpx.Client) -> None:
    for path in ("/id/agreement/no-such-agreement", "/scheme/sector/no-such-sector", "/graph/nothing"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    "raw_path",
    [
        "/id/agreement/..",
        "/id/agreement/../party/fnv",
        "/id/agreement/nl%2fgold",
        "/id/agreement%2Fnl-gold",
        "/id/Agreement/nl-gold",
        "/id/agreement/NL-GOLD",
        "/id/agreement/nl_gold",
        "/id/agreement/nl-gold/",
        "/id/agreement//nl-gold",
        "/id/agreement",
        "/scheme/sector/gold/extra/more",
        "/scheme/sector/%67old",
    ],
)
def test_irregular_segments_are_404(server, raw_path: str) -> None:  # type: ignore[no-untyped-def]
    """Sent byte for byte (http.client does not normalise paths, unlike browsers and httpx)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", raw_path, headers={"Accept": "text/turtle"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 404, (raw_path, body[:200])


def test_head_gives_headers_without_body(client: httpx.Client) -> None:
    response = client.head("/id/agreement/nl-gold", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.content == b"" and "etag" in response.headers


@pytest.mark.parametrize(
    ("path", "accept", "must_name"),
    [
        ("/id/agreement/nl-gold", "application/ld+json", {"resource-exists", "resource-description"}),
        ("/id/agreement/nl-gold", "text/html", {"resource-incoming", "resource-editorial", "labels-of"}),
        ("/ontology", "text/turtle", {"ontology-document"}),
        ("/catalog", "application/ld+json", {"date-span", "last-modified"}),
        ("/.well-known/void", "text/turtle", {"published-size", "published-classes"}),
        ("/feed", "application/atom+xml", {"recognition-feed"}),
    ],
)
def test_documents_name_the_queries_they_are_made_from(
    client: httpx.Client, path: str, accept: str, must_name: set[str]
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.text[:300]
    links = [part.strip() for part in response.headers.get("link", "").split(",") if part.strip()]
    named = {link.split(">")[0].removeprefix("</queries/").removesuffix(".rq") for link in links}
    assert must_name <= named, links
    for name in named:  # each a named query whose text is served
        assert client.get(f"/queries/{name}.rq").status_code == 200, name


def test_context_is_published_and_names_our_prefixes(client: httpx.Client) -> None:
    response = client.get("/context.jsonld")
    assert response.status_code == 200
    context = response.json()["@context"]
    assert context["imvo"] == BASE + "ont#" and context["skos"].startswith("http://www.w3.org/2004/02/skos")


def test_ontology_page_documents_every_class_and_property(client: httpx.Client) -> None:
    ontology = fetch_graph(client, "/ontology", "text/turtle")
    owl = Namespace("http://www.w3.org/2002/07/owl#")
    terms = {
        str(s)
        for kind in (owl.Class, owl.ObjectProperty, owl.DatatypeProperty)
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }
    assert len(terms) > 50
    html = client.get("/ontology?lang=nl", headers={"Accept": "text/html"}).text
    for iri in terms:
        assert f'id="{iri.rsplit("#", 1)[-1]}"' in html, iri
    assert "Sector Agreement" in html and "Erkenningsbesluit" in html  # labels in both languages
    # the page's own words in the page language (Domein, Bereik, Bovenklassen)
    for word in ("Domain", "Range", "Super-classes"):
        assert messages.say("nl", word) in html and messages.say("nl", word) != word


def test_shapes_as_turtle_and_html(client: httpx.Client) -> None:
    shapes = fetch_graph(client, "/shapes", "text/turtle")
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) > 5
    html = client.get("/shapes", headers={"Accept": "text/html"}).text
    messages = [str(m) for m in shapes.objects(None, SH.message) if getattr(m, "language", None) == "en"]
    assert messages and sum(1 for m in messages if m.replace("'", "&#39;") in html) > len(messages) // 2
    assert 'href="/id/requirement/mr-01"' in html


def test_void_counts_and_links(client: httpx.Client) -> None:
    void = fetch_graph(client, "/.well-known/void", "text/turtle")
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    triples = int(void.value(dataset, VOID.triples))
    assert triples > 1000
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert str(void.value(dataset, VOID.uriSpace)) == BASE
    dumps = list(void.objects(dataset, VOID.dataDump))
    assert {str(d).rsplit(".", 1)[-1] for d in dumps} >= {"ttl", "gz", "jsonld"}
    partitions = list(void.objects(dataset, VOID.propertyPartition))
    assert sum(int(void.value(p, VOID.triples)) for p in partitions) == triples
    classes = {void.value(p, VOID["class"]) for p in void.objects(dataset, VOID.classPartition)}
    assert URIRef(BASE + "ont#SectorAgreement") in classes
    assert URIRef(BASE + "ont") in set(void.objects(dataset, VOID.vocabulary))


def test_sparql_examples_cover_every_named_query(client: httpx.Client) -> None:
    examples = fetch_graph(client, "/.well-known/sparql-examples", "text/turtle")
    schema = Namespace("https://schema.org/")
    for query in default_registry():
        node = URIRef(f"{BASE}query/{query.name}")
        assert (node, RDF.type, SH.SPARQLExecutable) in examples, query.name
        text = (
            examples.value(node, SH.select)
            or examples.value(node, SH.construct)
            or examples.value(node, SH.ask)
        )
        assert str(text) == query.text
        assert examples.value(node, RDFS.label) is not None and examples.value(node, RDFS.comment) is not None
        assert {str(k) for k in examples.objects(node, schema.keywords)} == set(query.keywords)


@pytest.mark.slow  # writes and reads every release file
def test_dumps_are_listed_downloadable_and_match_the_checksums(client: httpx.Client) -> None:
    listing = client.get("/dumps/", headers={"Accept": "application/json"})
    assert listing.status_code == 200
    files = listing.json()
    assert files and all(f["name"].startswith("imvokg-") for f in files)
    by_kind = {}
    for item in files:
        response = client.get(item["url"])
        assert response.status_code == 200, item
        assert hashlib.sha256(response.content).hexdigest() == item["sha256"]
        assert len(response.content) == item["byte_size"]
        for kind in ("ttl", "nt.gz", "jsonld"):
            if item["name"].endswith("." + kind):
                by_kind.setdefault(kind, response.content)
    assert set(by_kind) == {"ttl", "nt.gz", "jsonld"}
    turtle = Graph().parse(data=by_kind["ttl"], format="turtle")
    ntriples = Graph().parse(data=gzip.decompress(by_kind["nt.gz"]), format="nt")
    assert len(turtle) > 1000 and isomorphic(turtle, ntriples)
    assert (URIRef(BASE + "id/agreement/nl-gold"), RDF.type, URIRef(BASE + "ont#SectorAgreement")) in turtle
    assert not any(str(s).endswith("graph/meta") for s in turtle.subjects())
    html = client.get("/dumps/", headers={"Accept": "text/html"})
    assert html.status_code == 200 and files[0]["name"] in html.text


@pytest.mark.parametrize(
    "name",
    ["..%2Fbuild.json", "imvokg-..ttl", "imvokg-x.exe", "build.json", "imvokg-0.0.0.ttl", "%2e%2e%2fstore"],
)
def test_dump_names_are_checked(client: httpx.Client, name: str) -> None:
    assert client.get(f"/dumps/{name}").status_code == 404


@pytest.mark.slow  # a CLI process
def test_export_writes_the_same_content_as_the_dump(
    client: httpx.Client, store_path: Path, tmp_path: Path
) -> None:
    from imvokg.cli import main

    files = client.get("/dumps/", headers={"Accept": "application/json"}).json()
    turtle_dump = next(f for f in files if f["name"].endswith(".ttl"))
    out = tmp_path / "graph.ttl"
    assert main(["export", "--format", "ttl", "--store", str(store_path), "-o", str(out)]) == 0
    served = client.get(turtle_dump["url"]).content
    assert isomorphic(Graph().parse(data=served, format="turtle"), Graph().parse(out, format="turtle"))


def _readme_examples() -> list[str]:
    """curl lines of the linked-data section of README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Linked data", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.strip().startswith("curl ")]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_readme_curl_examples_work_as_written(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    commands = _readme_examples()
    assert len(commands) >= 5
    assert sum("Accept: text/turtle" in c for c in commands) >= 3
    for command in commands:
        args = shlex.split(command.replace("http://127.0.0.1:8000", server.url))
        out = tmp_path / "body"
        done = subprocess.run(
            [*args, "-s", "-o", str(out), "-w", "%{http_code}"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and done.stdout == "200", (command, done.stdout, done.stderr)
        if "Accept: text/turtle" in command:
            assert len(Graph().parse(out, format="turtle")) > 0, command
        if "Accept: application/ld+json" in command:
            assert json.loads(out.read_text())["@context"].endswith("/context.jsonld")
