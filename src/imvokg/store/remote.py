"""A remote SPARQL 1.1 store: the same Store contract over the SPARQL Protocol and the GSP.

Queries go through SPARQLWrapper (POST, form-encoded, so long queries fit)
with a socket timeout; updates and Graph Store Protocol requests go through
httpx. Parameters are bound with ``base.with_values``, the same text the
embedded store runs, so answers are the same on every back end (the contract
tests check it on Oxigraph server and Virtuoso).

Union default graph: every named query assumes the default graph is the union
of the named graphs. Oxigraph server needs the ``union-default-graph`` query
parameter (detected from its ``Server`` header, or forced with
``union_param=True``); Virtuoso's default graph already is the union; Fuseki
needs ``tdb2:unionDefaultGraph true`` in its dataset configuration; GraphDB's
default graph is the union of all graphs by default.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
)

from imvokg.errors import QuerySyntaxError, QueryTimeout, StoreError, UnreadableInput
from imvokg.formats import DATASET_MEDIA_TYPES, GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES
from imvokg.messages import N_
from imvokg.namespaces import META_GRAPH, VERSION_PREDICATE
from imvokg.store._formats import rdf_format, results_format
from imvokg.store.base import RDF_LANG_STRING, XSD_STRING, SelectResult, Term, with_values

# Graphs a store keeps for itself (Virtuoso's schema and LDP graphs): not part of our dataset.
SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "urn:activitystreams-owl:map",
)

# One SPARQL update above this size is split into GSP PUTs: stores cap request sizes
# and compile big INSERT templates slowly.
MAX_UPDATE_BYTES = 8 * 1024 * 1024


def term_from_json(binding: Mapping[str, str]) -> Term:
    """A SPARQL JSON results term as our plain term, normalised like the embedded store's."""
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return Term("iri", value)
    if kind == "bnode":
        return Term("bnode", value.removeprefix("nodeID://").removeprefix("_:"))
    lang = binding.get("xml:lang")
    if lang:
        return Term("literal", value, lang=lang.lower(), datatype=RDF_LANG_STRING)
    return Term("literal", value, datatype=binding.get("datatype") or XSD_STRING)


def _base_media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


class RemoteStore:
    """Any SPARQL 1.1 Protocol + Graph Store Protocol store, behind the Store protocol."""

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        timeout_s: float = 10.0,
        union_param: bool | None = None,
        version_ttl_s: float = 1.0,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.gsp_endpoint = gsp_endpoint
        self.timeout_s = timeout_s
        self.version_ttl_s = version_ttl_s
        self._union_param = union_param
        self._http = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)))
        self._lock = threading.Lock()
        self._version: tuple[float, str] | None = None

    # -- transport ---------------------------------------------------------
    def _needs_union_param(self) -> bool:
        """Ask the server once who it is: only Oxigraph needs the union parameter."""
        if self._union_param is None:
            try:
                response = self._http.post(
                    self.endpoint,
                    data={"query": "ASK {}"},
                    headers={"Accept": "application/sparql-results+json"},
                )
            except httpx.HTTPError as exc:
                raise StoreError(
                    N_("the SPARQL endpoint %(endpoint)s does not answer"), endpoint=self.endpoint
                ) from exc
            self._union_param = response.headers.get("server", "").lower().startswith("oxigraph")
        return self._union_param

    def _request(
        self,
        query: str,
        accept: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, str, str]:
        """Run a read query; returns (body, content type, query type)."""
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setTimeout(max(1, round(self.timeout_s)))
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: Virtuoso obeys them over Accept
        wrapper.setQuery(query)
        # SPARQLWrapper guesses the type from the text and can take a word in a comment
        # for an update form (then it sends update=); our own reading decides.
        wrapper.queryType = _query_type(query)
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        if not default_graphs and not named_graphs and self._needs_union_param():
            wrapper.addParameter("union-default-graph", "true")
        wrapper.addCustomHttpHeader("Accept", accept)
        try:
            response = wrapper.query().response
            body = response.read()
            content_type = response.headers.get("Content-Type", accept)
        except QueryBadFormed as exc:
            raise QuerySyntaxError(N_("the query does not parse: %(exc)s"), exc=_first_line(exc)) from None
        except (Unauthorized, EndPointNotFound) as exc:
            raise StoreError(
                N_("the SPARQL endpoint refused the query: %(exc)s"), exc=_first_line(exc)
            ) from exc
        except EndPointInternalError as exc:
            if "timeout" in str(exc).lower() or "timed out" in str(exc).lower():
                raise QueryTimeout(N_("the store did not answer in time")) from exc
            raise StoreError(N_("the store could not answer the query")) from exc
        except TimeoutError as exc:
            raise QueryTimeout(
                N_("the store did not answer within %(timeout_s)s s"), timeout_s=format(self.timeout_s, "g")
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryTimeout(
                    N_("the store did not answer within %(timeout_s)s s"),
                    timeout_s=format(self.timeout_s, "g"),
                ) from exc
            raise StoreError(
                N_("the SPARQL endpoint %(endpoint)s does not answer"), endpoint=self.endpoint
            ) from exc
        except (SPARQLWrapperException, OSError) as exc:
            raise StoreError(N_("the store could not answer the query")) from exc
        return body, content_type, str(wrapper.queryType).upper()

    def _results_json(self, query: str, bindings: Mapping[str, Term] | None) -> dict[str, Any]:
        body, content_type, _ = self._request(with_values(query, bindings), "application/sparql-results+json")
        try:
            return _standard_json(json.loads(body))
        except ValueError as exc:
            raise StoreError(
                N_("the store answered %(content_type)s, not SPARQL JSON results"),
                content_type=repr(content_type),
            ) from exc

    def _update(self, update: str) -> None:
        try:
            response = self._http.post(
                self.update_endpoint,
                data={"update": update},
                headers={"Accept": "*/*"},
            )
        except httpx.TimeoutException as exc:
            raise QueryTimeout(N_("the store did not finish the update in time")) from exc
        except httpx.HTTPError as exc:
            raise StoreError(
                N_("the update endpoint %(update_endpoint)s does not answer"),
                update_endpoint=self.update_endpoint,
            ) from exc
        if response.status_code == 400:
            raise UnreadableInput(
                N_("the store refused the update: %(text)s"), text=_first_line(response.text)
            )
        if response.status_code >= 300:
            raise StoreError(
                N_("the store refused the update (HTTP %(status_code)s)"), status_code=response.status_code
            )

    # -- reading -------------------------------------------------------------
    def select(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        answer = self._results_json(query, bindings)
        if "results" not in answer:
            raise QuerySyntaxError(N_("expected a SELECT query"))
        variables = tuple(answer.get("head", {}).get("vars", []))
        rows = tuple(
            {name: term_from_json(value) for name, value in row.items()}
            for row in answer["results"]["bindings"]
        )
        return SelectResult(variables, rows)

    def ask(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> bool:
        answer = self._results_json(query, bindings)
        if "boolean" not in answer:
            raise QuerySyntaxError(N_("expected an ASK query"))
        return bool(answer["boolean"])

    def construct(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> bytes:
        body, content_type, query_type = self._request(with_values(query, bindings), "application/n-triples")
        if query_type not in {"CONSTRUCT", "DESCRIBE"}:
            raise QuerySyntaxError(N_("expected a CONSTRUCT or DESCRIBE query"))
        return _convert_graph(body, content_type, "application/n-triples")

    def query_serialized(
        self,
        query: str,
        *,
        result_media_type: str,
        graph_media_type: str,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, str]:
        """Pass the Accept through; convert only when the store answered another format."""
        text = with_values(query, bindings)
        is_graph = _query_type(text) in {"CONSTRUCT", "DESCRIBE"}
        # Results are always fetched as SPARQL JSON (the one format every store writes to the
        # letter; Virtuoso's TSV quotes its header) and converted here when another is asked.
        accept = graph_media_type if is_graph else "application/sparql-results+json"
        body, content_type, _ = self._request(
            text, accept, default_graphs=default_graphs, named_graphs=named_graphs
        )
        if is_graph:
            return _convert_graph(body, content_type, graph_media_type), graph_media_type
        if b"__ASK_RETVAL" in body[:200]:
            body = json.dumps(_standard_json(json.loads(body))).encode()
        return _convert_results(body, content_type, result_media_type), result_media_type

    def graph_names(self) -> list[str]:
        found = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        if not any("g" in row for row in found):
            # Virtuoso does not answer the empty graph pattern; ask for graphs with triples.
            # Grouped, not DISTINCT: Virtuoso answers the grouped count from its graph index
            # (0.02 s on the built registry) and scans every quad for DISTINCT (33 s), which
            # made a snapshot of the registry (Store.dump) outlast the query timeout.
            found = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        names = {row["g"].value for row in found if "g" in row and row["g"].kind == "iri"}
        return sorted(n for n in names if not n.startswith(SYSTEM_GRAPH_PREFIXES))

    def triple_count(self) -> int:
        excluded = " && ".join(f'!STRSTARTS(STR(?g), "{p}")' for p in SYSTEM_GRAPH_PREFIXES)
        rows = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({excluded}) }}"
        ).rows
        return int(rows[0]["n"].value) if rows else 0

    def version(self) -> str:
        """The meta version triple, re-read at most every ``version_ttl_s`` (one round trip saved per answer).

        Writes through this object forget the cached value at once; writes by
        another process become visible within the TTL.
        """
        cached = self._version
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.version_ttl_s:
            return cached[1]
        rows = self.select(
            f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PREDICATE}> ?v }} }}"
        ).rows
        value = rows[0]["v"].value if rows else "empty"
        self._version = (now, value)
        return value

    def known_version(self) -> str | None:
        """The version read less than ``version_ttl_s`` ago, or None: never a round trip."""
        cached = self._version
        if cached is not None and time.monotonic() - cached[0] < self.version_ttl_s:
            return cached[1]
        return None

    def dump(self, media_type: str, *, exclude_graphs: Sequence[str] = ()) -> bytes:
        if media_type not in GRAPH_MEDIA_TYPES and media_type not in DATASET_MEDIA_TYPES:
            raise ValueError(f"cannot dump as {media_type}")
        skip = set(exclude_graphs)
        scratch = ox.Store()
        as_dataset = media_type in DATASET_MEDIA_TYPES
        for graph in self.graph_names():
            if graph in skip:
                continue
            triples = self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            target = ox.NamedNode(graph) if as_dataset else ox.DefaultGraph()
            scratch.load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        if as_dataset:
            return scratch.dump(format=rdf_format(media_type)) or b""
        return scratch.dump(format=rdf_format(media_type), from_graph=ox.DefaultGraph()) or b""

    # -- writing ---------------------------------------------------------------
    def replace_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """One SPARQL update (atomic where the store makes updates atomic, as Oxigraph does).

        ``INSERT {…} WHERE {}`` rather than ``INSERT DATA`` because Virtuoso
        refuses blank nodes in INSERT DATA. Large changes, or a store without
        an update endpoint that accepts them, go through GSP PUT per graph and
        bump the version last, so readers never see a new version with old data.
        """
        size = sum(len(body) for body in graphs.values())
        with self._lock:
            try:
                if size > MAX_UPDATE_BYTES and self.gsp_endpoint:
                    raise _UseGsp
                parts = []
                for iri, ntriples in graphs.items():
                    _check_iri(iri)
                    parts.append(f"DROP SILENT GRAPH <{iri}> ;")
                    if ntriples.strip():
                        parts.append(f"INSERT {{ GRAPH <{iri}> {{\n{ntriples.decode()}\n}} }} WHERE {{}} ;")
                parts.append(self._version_update())
                self._update("\n".join(parts))
            except (_UseGsp, StoreError) as exc:
                if not self.gsp_endpoint or isinstance(exc, QueryTimeout):
                    raise
                for iri, ntriples in graphs.items():
                    self.put_graph(iri, ntriples)
                self._update(self._version_update())
            finally:
                self._version = None

    def put_graph(self, graph: str, ntriples: bytes, media_type: str = "application/n-triples") -> None:
        """Replace one named graph with a GSP PUT (the bulk path for builds)."""
        _check_iri(graph)
        if not self.gsp_endpoint:
            body = ntriples.decode()
            insert = f"INSERT {{ GRAPH <{graph}> {{\n{body}\n}} }} WHERE {{}}"
            self._update(f"DROP SILENT GRAPH <{graph}> ;\n{insert}")
            return
        # Oxigraph and the GSP spec call it ?graph=; Virtuoso's sparql-graph-crud calls it ?graph-uri=.
        key = "graph-uri" if "sparql-graph-crud" in self.gsp_endpoint else "graph"
        try:
            response = self._http.put(
                self.gsp_endpoint,
                params={key: graph},
                content=ntriples,
                headers={"Content-Type": media_type},
                timeout=max(self.timeout_s, 600.0),
            )
        except httpx.HTTPError as exc:
            raise StoreError(
                N_("the graph store %(gsp_endpoint)s does not answer"), gsp_endpoint=self.gsp_endpoint
            ) from exc
        if response.status_code == 400:
            raise UnreadableInput(
                N_("the store refused the data for %(graph)s: %(text)s"),
                graph=graph,
                text=_first_line(response.text),
            )
        if response.status_code >= 300:
            raise StoreError(
                N_("the graph store refused %(graph)s (HTTP %(status_code)s)"),
                graph=graph,
                status_code=response.status_code,
            )
        self._version = None

    def set_version(self, version: str | None = None) -> str:
        """Record a new data version (builds call this once, after every graph is loaded)."""
        new = version or uuid.uuid4().hex
        with self._lock:
            self._update(self._version_update(new))
            self._version = None
        return new

    @staticmethod
    def _version_update(new: str | None = None) -> str:
        value = (new or uuid.uuid4().hex).replace('"', "").replace("\\", "")
        return (
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PREDICATE}> ?v }} }} ;\n"
            f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PREDICATE}> "{value}" }} }}'
        )

    def close(self) -> None:
        self._http.close()


class _UseGsp(Exception):
    """Internal signal: the change is too large for one update."""


def _check_iri(iri: str) -> None:
    Term.iri(iri)


def _first_line(error: object) -> str:
    text = str(error).strip()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.lower().startswith(("queryBadFormed".lower(), "response:")):
            return line[:300]
    return text[:300]


def _standard_json(answer: dict[str, Any]) -> dict[str, Any]:
    """Virtuoso 7 answers ASK in JSON as a one-cell SELECT (``__ASK_RETVAL``): make it a boolean."""
    head = answer.get("head")
    if isinstance(head, dict) and head.get("vars") == ["__ASK_RETVAL"]:
        bindings = answer.get("results", {}).get("bindings", [])
        value = bindings[0]["__ASK_RETVAL"]["value"] if bindings else "0"
        return {"head": {}, "boolean": value in {"1", "true"}}
    return answer


_COMMENT_LINE = re.compile(r"^\s*#.*$", re.MULTILINE)
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", re.IGNORECASE)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def _query_type(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after comments and the prologue."""
    text = _COMMENT_LINE.sub("", query)
    text = text[_PROLOGUE.match(text).end() :]  # type: ignore[union-attr]
    match = _FORM.match(text.lstrip())
    return match.group(1).upper() if match else "SELECT"


def _convert_graph(body: bytes, content_type: str, wanted: str) -> bytes:
    got = _base_media_type(content_type)
    if got == wanted or (got not in GRAPH_MEDIA_TYPES and got not in DATASET_MEDIA_TYPES):
        return body
    try:
        triples = ox.parse(body, format=rdf_format(got))
        return ox.serialize(triples, format=rdf_format(wanted)) or b""
    except (SyntaxError, ValueError) as exc:
        raise StoreError(N_("the store answered a graph that does not parse")) from exc


def _convert_results(body: bytes, content_type: str, wanted: str) -> bytes:
    got = _base_media_type(content_type)
    if got == wanted or got not in RESULT_MEDIA_TYPES or wanted not in RESULT_MEDIA_TYPES:
        return body
    try:
        results = ox.parse_query_results(body, format=results_format(got))
        return results.serialize(format=results_format(wanted)) or b""
    except (SyntaxError, ValueError) as exc:
        raise StoreError(N_("the store answered results that do not parse")) from exc
