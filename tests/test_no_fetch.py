"""No outbound fetch, ever: a local listener must see zero connections.

Every way a query or a document could make a library fetch something points
at a socket server on 127.0.0.1; each request must be refused with a 400 that
names the cause, and the listener must not be contacted.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from imvokg.errors import InputError
from imvokg.rdfio import parse_untrusted

pytestmark = pytest.mark.slow  # one CLI process per case


class Listener:
    """Counts every TCP connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def quiet(self) -> bool:
        """True when nothing connected (after a moment for a late fetch to arrive)."""
        time.sleep(0.2)
        return self.connections == 0

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    live = Listener()
    yield live
    live.close()


def test_the_listener_counts_connections(listener: Listener) -> None:
    """The instrument works: a real connection is seen (so zero below means zero)."""
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass
    deadline = time.monotonic() + 2
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert listener.connections == 1


QUERIES = {
    "SERVICE": "SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }",
    "SERVICE SILENT": "SELECT * WHERE { SERVICE SILENT <{url}/> { ?s ?p ?o } }",
    "FROM": "SELECT * FROM <{url}/x> WHERE { ?s ?p ?o }",
    "FROM NAMED": "SELECT * FROM NAMED <{url}/x> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "FROM via prefix": "PREFIX r: <{url}/> SELECT * FROM r:x WHERE { ?s ?p ?o }",
    "DESCRIBE FROM": "DESCRIBE <{url}/x> FROM <{url}/x>",
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparql_never_fetches(client: httpx.Client, listener: Listener, name: str) -> None:
    query = QUERIES[name].replace("{url}", listener.url)
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    keyword = name.split(" via")[0].replace("DESCRIBE ", "").split(" SILENT")[0]
    assert keyword in response.json()["detail"]
    assert listener.quiet()


def test_load_and_update_never_fetch(client: httpx.Client, listener: Listener) -> None:
    load = f"LOAD <{listener.url}/data.ttl>"
    for response in (
        client.post("/sparql", content=load, headers={"Content-Type": "application/sparql-query"}),
        client.post("/sparql", content=load, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", data={"update": load}),
        client.get("/sparql", params={"update": load}),
        client.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} ; {load}"}),
    ):
        assert response.status_code == 400
        assert "read-only" in response.json()["detail"] or "LOAD" in response.json()["detail"]
    assert listener.quiet()


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_protocol_graph_parameters_never_fetch(client: httpx.Client, listener: Listener, param: str) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    response = client.get("/sparql", params={"query": query, param: f"{listener.url}/g"})
    assert response.status_code == 400
    assert param in response.json()["detail"]
    assert listener.quiet()


def test_own_graphs_are_allowed_in_from(client: httpx.Client) -> None:
    query = "SELECT * FROM <https://w3id.org/imvokg/graph/core> WHERE { ?s ?p ?o } LIMIT 1"
    assert client.get("/sparql", params={"query": query}).status_code == 200


def documents(url: str) -> dict[str, tuple[str, bytes, str]]:
    """name -> (content type, body, words the refusal must contain)."""
    return {
        "jsonld-remote-context": (
            "application/ld+json",
            f'{{"@context": "{url}/ctx", "@id": "http://e/x", "name": "x"}}'.encode(),
            "@context",
        ),
        "jsonld-context-list": (
            "application/ld+json",
            f'{{"@context": [{{"@vocab": "http://e/"}}, "{url}/ctx"], "@id": "http://e/x"}}'.encode(),
            "@context",
        ),
        "jsonld-import": (
            "application/ld+json",
            f'{{"@context": {{"@import": "{url}/ctx"}}, "@id": "http://e/x"}}'.encode(),
            "@import",
        ),
        "rdfxml-external-entity": (
            "application/rdf+xml",
            (
                f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{url}/e">]>'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                '<rdf:Description rdf:about="http://e/x"><rdf:value>&e;</rdf:value></rdf:Description>'
                "</rdf:RDF>"
            ).encode(),
            "DOCTYPE",
        ),
        "turtle-owl-imports": (
            "text/turtle",
            f"<http://e/o> a <http://www.w3.org/2002/07/owl#Ontology> ; "
            f"<http://www.w3.org/2002/07/owl#imports> <{url}/onto.ttl> .".encode(),
            "owl:imports",
        ),
    }


FORMAT = {"application/ld+json": "json-ld", "application/rdf+xml": "xml", "text/turtle": "turtle"}
SUFFIX = {"application/ld+json": ".jsonld", "application/rdf+xml": ".rdf", "text/turtle": ".ttl"}
NAMES = sorted(documents("http://x"))


@pytest.mark.parametrize("name", NAMES)
def test_parse_untrusted_never_fetches(listener: Listener, name: str) -> None:
    media, body, cause = documents(listener.url)[name]
    with pytest.raises(InputError, match=cause):
        parse_untrusted(body, FORMAT[media])
    assert listener.quiet()


@pytest.mark.parametrize("name", NAMES)
def test_validate_endpoint_never_fetches(client: httpx.Client, listener: Listener, name: str) -> None:
    media, body, cause = documents(listener.url)[name]
    response = client.post("/api/v1/validate", content=body, headers={"Content-Type": media})
    assert response.status_code == 400, response.text[:300]
    assert cause in response.json()["detail"]
    assert listener.quiet()


@pytest.mark.parametrize("name", ["jsonld-remote-context", "rdfxml-external-entity", "turtle-owl-imports"])
def test_validate_command_never_fetches(listener: Listener, tmp_path: Path, name: str) -> None:
    media, body, cause = documents(listener.url)[name]
    path = tmp_path / f"agreement{SUFFIX[media]}"
    path.write_bytes(body)
    done = subprocess.run(
        [sys.executable, "-m", "imvokg", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert cause in done.stderr
    assert "Traceback" not in done.stderr
    assert listener.quiet()
