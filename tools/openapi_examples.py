"""Write src/imvokg/api/openapi-examples.json: what the service answers to each operation of /openapi.json.

    python tools/openapi_examples.py [--store var/store]

A server of its own runs on a copy of the built store (writes never reach the
store given) with a submitter's and a supervisor's key, and is asked every
operation once per media type the document lists for its success answer: the
readers' operations with values found in the curated data, the workflow in
its order (validate, submit, approve by two supervisors, reject, withdraw). Long answers are
shortened, never made up: a JSON list keeps its first items, an RDF answer the
descriptions of its first subjects (parsed and written again in its syntax),
an HTML page its head up to the title; other text comes whole. The one answer not asked for is the
adoption of another registry's decision (the curated data has none harvested):
it is the model's fields with the IRIs a real adoption writes.

Run it again after an answer changes shape; tests/test_openapi.py checks every
example against its schema and syntax.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from rdflib import Dataset, Graph, URIRef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from imvokg.api import create_app  # noqa: E402
from imvokg.api.docs import EXAMPLES_FILE  # noqa: E402
from imvokg.config import Settings  # noqa: E402
from imvokg.formats import FORMATS  # noqa: E402
from imvokg.services.credentials import Credentials  # noqa: E402

FIXTURE = ROOT / "tests" / "shapes" / "valid" / "agreement-complete.ttl"
LIST_ITEMS = 2
"""Items a JSON list keeps."""
RDF_TRIPLES = 12
"""Statements an RDF answer keeps: those of its first subjects (the one asked about first)."""
LONG = 2500
"""RDF answers longer than this many characters are shortened."""

SELECT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "SELECT ?sector ?label WHERE { ?sector skos:inScheme <https://w3id.org/imvokg/scheme/sector> ;"
    ' skos:prefLabel ?label FILTER(lang(?label) = "en") } ORDER BY ?sector LIMIT 2'
)
CONSTRUCT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "CONSTRUCT { ?sector skos:prefLabel ?label } WHERE { ?sector skos:inScheme"
    ' <https://w3id.org/imvokg/scheme/sector> ; skos:prefLabel ?label FILTER(lang(?label) = "en") }'
    " ORDER BY ?sector LIMIT 2"
)
PUBLIC_HOST = re.search(r"https://([^/]+)/ontology", (ROOT / "w3id" / ".htaccess").read_text()).group(1)  # type: ignore[union-attr]
"""The host the w3id.org rules send readers to: the links in the examples name it, not this run's port."""
RESULT_TYPES = {f.media_type for f in FORMATS if f.kind == "result"}
RDF_TYPES = {f.media_type: f.rdflib for f in FORMATS if f.kind != "result"}
DATASETS = {f.media_type for f in FORMATS if f.kind == "dataset"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def shorten_json(value: Any) -> Any:
    """Every list (at any depth) cut to its first :data:`LIST_ITEMS` items."""
    if isinstance(value, list):
        return [shorten_json(v) for v in value[:LIST_ITEMS]]
    if isinstance(value, dict):
        return {k: shorten_json(v) for k, v in value.items()}
    return value


def shorten_rdf(text: str, media_type: str, about: str | None) -> tuple[str, str | None]:
    """The descriptions of the first subjects (``about`` first), written again in ``media_type``."""
    syntax = RDF_TYPES[media_type]
    dataset = media_type in DATASETS
    source: Graph | Dataset = Dataset() if dataset else Graph()
    source.parse(data=text, format=syntax)
    if len(source) <= RDF_TRIPLES:
        return text, None
    kept: Graph | Dataset = Dataset() if dataset else Graph()
    for prefix, namespace in source.namespaces():
        kept.bind(prefix, namespace, override=True)
    rows = sorted(source.quads() if dataset else ((s, p, o, None) for s, p, o in source))  # type: ignore[arg-type]
    subjects = sorted({row[0] for row in rows}, key=lambda s: (s != URIRef(about or ""), str(s)))
    first = [row for subject in subjects for row in rows if row[0] == subject][:RDF_TRIPLES]
    for row in first:
        kept.add(row if dataset else row[:3])  # type: ignore[arg-type]
    out = kept.serialize(format=syntax)
    return out, f"the first {len(kept)} of {len(source)} statements"


def example(response: httpx.Response, media_type: str, about: str | None) -> dict[str, Any]:
    """An OpenAPI Example Object of ``response``, shortened where it is long."""
    request = response.request
    summary = f"{request.method} {request.url.raw_path.decode()}"
    if media_type == "application/gzip":  # a file of its own, named by the version: the listing names it
        name = request.url.path.rsplit("/", 1)[1]
        return {"summary": summary, "description": f"a gzip file such as {name}", "externalValue": "/dumps/"}
    text = response.text
    note = None
    if media_type.endswith("json"):
        value: Any = response.json()
        short = shorten_json(value)
        if short != value:
            note = f"lists cut to their first {LIST_ITEMS} items"
        value = short
    elif media_type in RDF_TYPES and len(text) > LONG:
        value, note = shorten_rdf(text, media_type, about)
    elif media_type == "text/html":
        end = text.index("</title>") + len("</title>")
        value, note = text[:end] + "\n…", "the beginning of the page"
    else:  # SPARQL results (the queries asked for are short), feeds, sitemaps: as they came
        value = text
    out: dict[str, Any] = {"summary": summary, "value": value}
    if note:
        out["description"] = f"The service's answer, shortened: {note}."
    return out


class Run:
    """A server on a store copy, and the examples collected from it."""

    def __init__(self, store: Path, root: Path) -> None:
        copy = root / "store"
        shutil.copytree(store.resolve(), copy)
        credentials = Credentials(root / "keys.json")
        self.keys = {
            "submitter": credentials.create("alice", "submitter")[0],
            "supervisor": credentials.create("bob", "supervisor", member_state="NL")[0],
            "second supervisor": credentials.create("carol", "supervisor", member_state="NL")[0],
        }
        settings = Settings(
            store_path=copy,
            api_keys_file=root / "keys.json",
            sparql_rate_per_s=0.0,
            key_rate_per_s=0.0,
            four_eyes=True,  # an approval answers 202 first, then 200: both answers get their example
        )
        self.port = free_port()
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            proxy_headers=True,  # as behind the proxy: links are https://PUBLIC_HOST/...
            forwarded_allow_ips="127.0.0.1",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}",
            headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"},
            timeout=120,
        )
        self.found: dict[str, dict[str, dict[str, Any]]] = {}
        self.document: dict[str, Any] = {}

    def __enter__(self) -> Run:
        self.thread.start()
        for _ in range(600):
            try:
                if self.http.get("/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        self.document = self.http.get("/openapi.json").json()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def media_types(self, operation_id: str, status: str | None = None) -> tuple[str, dict[str, Any]]:
        """The success status (the first documented, unless given) and its media types."""
        for operations in self.document["paths"].values():
            for operation in operations.values():
                if operation["operationId"] == operation_id:
                    status = status or next(s for s in operation["responses"] if s.startswith("2"))
                    return status, operation["responses"][status]["content"]
        raise KeyError(operation_id)

    def ask(
        self,
        operation_id: str,
        method: str,
        path: str,
        *,
        who: str | None = None,
        about: str | None = None,
        per_type: Callable[[str], dict[str, Any]] | None = None,
        status: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Each media type of the operation's success answer; the last answer."""
        status, content = self.media_types(operation_id, status)
        response = None
        given = kwargs.pop("headers", {})
        for media_type in content:
            headers = {"Accept": media_type, **given}
            if who:
                headers["Authorization"] = f"Bearer {self.keys[who]}"
            extra = per_type(media_type) if per_type else {}
            response = self.http.request(method, path, headers=headers, **kwargs, **extra)
            if response.status_code != int(status):
                raise RuntimeError(
                    f"{operation_id} {media_type}: {response.status_code} {response.text[:300]}"
                )
            got = response.headers["content-type"].split(";")[0]
            if got != media_type:
                raise RuntimeError(f"{operation_id}: asked {media_type}, got {got}")
            self.found.setdefault(operation_id, {}).setdefault(status, {})[media_type] = example(
                response, media_type, about
            )
        assert response is not None
        return response


def collect(run: Run) -> None:
    """Every operation of the document, in an order where each finds what it needs."""
    get = run.http.get
    agreements = get("/api/v1/agreements").json()
    dutch = next(a for a in agreements if a["kind"] == "irbc-agreement")
    foreign = next(a for a in agreements if a["kind"] == "foreign-initiative")
    risk = get("/api/v1/risks").json()[0]
    fixture = FIXTURE.read_bytes()
    turtle = {"content": fixture, "headers": {"Content-Type": "text/turtle"}}

    def query_for(media_type: str) -> dict[str, Any]:
        return {"params": {"query": SELECT if media_type in RESULT_TYPES | {"text/html"} else CONSTRUCT}}

    def form_for(media_type: str) -> dict[str, Any]:
        return {"data": {"query": SELECT if media_type in RESULT_TYPES else CONSTRUCT}}

    def named_for(media_type: str) -> dict[str, Any]:
        if media_type == "application/sparql-query":
            return {"url": "/queries/agreement-summary.rq"}  # the text of the query
        if media_type in RESULT_TYPES:
            return {"url": f"/queries/agreement-summary?agreement={dutch['iri']}&lang=en"}
        return {"url": f"/queries/agreement-neighbourhood?agreement={dutch['iri']}"}

    run.ask("getHealth", "GET", "/healthz")
    run.ask("sparqlQuery", "GET", "/sparql", per_type=query_for)
    run.ask("sparqlQueryPost", "POST", "/sparql", per_type=form_for)
    run.ask("listNamedQueries", "GET", "/queries")
    run.found.pop("runNamedQuery", None)
    status, content = run.media_types("runNamedQuery")
    for media_type in content:
        response = get(named_for(media_type)["url"], headers={"Accept": media_type})
        response.raise_for_status()
        run.found.setdefault("runNamedQuery", {}).setdefault(status, {})[media_type] = example(
            response, media_type, None
        )
    run.ask("listAgreements", "GET", "/api/v1/agreements", params={"sector": dutch["sectors"][0]})
    run.ask("getAgreement", "GET", f"/api/v1/agreements/{dutch['slug']}")
    run.ask("getCoverage", "GET", "/api/v1/coverage", params={"sector": dutch["sectors"][0]})
    run.ask("getGaps", "GET", "/api/v1/gaps", params={"sector": dutch["sectors"][0]})
    run.ask("listRisks", "GET", "/api/v1/risks")
    run.ask("listSectors", "GET", "/api/v1/sectors")
    run.ask("listInstruments", "GET", "/api/v1/instruments")
    run.ask("getProvision", "GET", "/api/v1/provisions/ungp-2011/principle-31")
    second = next(a for a in agreements if a["kind"] == "irbc-agreement" and a is not dutch)
    run.ask("compareInitiatives", "GET", "/api/v1/compare", params={"a": dutch["slug"], "b": second["slug"]})
    profile = get("/api/v1/profiles").json()[0]
    run.ask("listProfiles", "GET", "/api/v1/profiles")
    run.ask("getProfile", "GET", f"/api/v1/profiles/{profile['id']}")
    run.ask(
        "compareProfiles", "GET", "/api/v1/profiles/compare", params={"a": profile["id"], "b": profile["id"]}
    )
    run.ask("getCatalog", "GET", "/catalog", about="https://w3id.org/imvokg/catalog")
    run.ask("getVoid", "GET", "/.well-known/void")
    run.ask("getSparqlExamples", "GET", "/.well-known/sparql-examples")
    files = get("/dumps/").json()
    run.ask("listDumps", "GET", "/dumps/")
    status, content = run.media_types("getDump")
    for media_type in content:
        wanted = next(
            f
            for f in files
            if (f["compressed"] and media_type == "application/gzip")
            or (not f["compressed"] and f["media_type"] == media_type)
        )
        response = get(wanted["url"])
        response.raise_for_status()
        run.found.setdefault("getDump", {}).setdefault(status, {})[media_type] = example(
            response, media_type, None
        )
    run.ask("getFeed", "GET", "/feed")
    run.ask("getRobots", "GET", "/robots.txt")
    run.ask("getSitemap", "GET", "/sitemap.xml")
    run.ask("listInitiativeRecognitions", "GET", f"/api/v1/initiatives/{foreign['slug']}/recognitions")
    run.ask(
        "listRecognisedElsewhere",
        "GET",
        "/api/v1/network/recognised-elsewhere",
        params={"member_state": "NL"},
    )
    run.ask("getEventStream", "GET", "/ldes")
    run.ask("getEventStreamPage", "GET", "/ldes/0")
    agreement_iri = dutch["iri"]
    run.ask("getResource", "GET", f"/id/agreement/{dutch['slug']}", about=agreement_iri)
    run.ask("getConcept", "GET", risk["iri"].replace("https://w3id.org/imvokg", ""), about=risk["iri"])
    graph = f"https://w3id.org/imvokg/graph/agreements-{dutch['slug']}"
    run.ask("getNamedGraph", "GET", graph.replace("https://w3id.org/imvokg", ""), about=graph)
    run.ask("getOntology", "GET", "/ontology", about="https://w3id.org/imvokg/ont")
    run.ask("getShapes", "GET", "/shapes")
    run.ask("getJsonLdContext", "GET", "/context.jsonld")

    # the workflow, as a submitter and a supervisor of NL would go through it
    run.ask("validateAgreement", "POST", "/api/v1/validate", **turtle)
    created = run.ask("createSubmission", "POST", "/api/v1/submissions", who="submitter", **turtle).json()
    submission = created["id"] if "id" in created else created["submission"]
    run.ask("listSubmissions", "GET", "/api/v1/submissions", who="supervisor")
    run.ask("getSubmission", "GET", f"/api/v1/submissions/{submission}", who="supervisor")
    approve = f"/api/v1/submissions/{submission}/approve"
    run.ask("approveSubmission", "POST", approve, who="supervisor", status="202")  # the first of two
    approved = run.ask("approveSubmission", "POST", approve, who="second supervisor", status="200")
    decision = str(approved.json()["decision"]).rsplit("/decision/", 1)[1]
    run.ask("verifyDecision", "GET", f"/api/v1/decisions/{decision}/verification")
    run.ask("getAuthorityKeys", "GET", "/authority")  # the key that signed it
    run.ask("listRecognitions", "GET", "/api/v1/recognitions", params={"member_state": "NL"})
    slug = "example-widgets"
    run.ask("agreementHistory", "GET", f"/api/v1/agreements/{slug}/history")
    run.ask("timemap", "GET", f"/timemap/agreement/{slug}")
    run.ask("releases", "GET", "/api/v1/releases")
    other = FIXTURE.read_text(encoding="utf-8").replace("agr:example-widgets", "agr:example-gadgets").encode()
    second_submission = run.http.post(
        "/api/v1/submissions",
        content=other,
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {run.keys['submitter']}"},
    ).json()
    rejected = second_submission["id"] if "id" in second_submission else second_submission["submission"]
    run.ask(
        "rejectSubmission",
        "POST",
        f"/api/v1/submissions/{rejected}/reject",
        who="supervisor",
        json={"reason": "the mechanisms are not described"},
    )
    ends = (datetime.now(UTC).date() + timedelta(days=365)).isoformat()  # after the approval took effect
    run.ask(
        "withdrawAgreement",
        "POST",
        f"/api/v1/agreements/{slug}/withdraw",
        who="supervisor",
        json={"valid_from": ends, "reason": "the monitoring stopped"},
    )
    base = "https://w3id.org/imvokg/id/"
    run.found["adoptDecision"] = {
        "200": {
            "application/json": {
                "summary": "POST /api/v1/network/adoptions",
                "description": "NL adopts a decision of DE harvested from its registry.",
                "value": {
                    "decision": base + "decision/nl-2026-0002",
                    "agreement": base + "agreement/de-partnership-sustainable-textiles",
                    "adopts": "https://registry.example.de/id/decision/de-2026-0001",
                },
            }
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Run(args.store, Path(tmp)) as run:
        collect(run)
        operations = {o["operationId"] for ops in run.document["paths"].values() for o in ops.values()}
        missing = sorted(operations - set(run.found))
        if missing:
            raise SystemExit(f"no example for {', '.join(missing)}")
        text = json.dumps(dict(sorted(run.found.items())), ensure_ascii=False, indent=1)
        EXAMPLES_FILE.write_text(text + "\n", encoding="utf-8")
        print(f"{EXAMPLES_FILE}: {len(run.found)} operations, {len(text) // 1024} KiB")


if __name__ == "__main__":
    main()
