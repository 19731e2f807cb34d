"""The public, read-only SPARQL endpoint: what is allowed, and running it.

:class:`SparqlEndpoint` is what ``/sparql`` hands a query to: it checks the
query, finds the store (or the release) to ask, answers from its cache or from
a worker process (or a thread, for a remote store), and remembers small
answers. The route only reads the protocol's parameters and picks the format.

User SPARQL is untrusted. Before any parser sees it we check its size and
nesting, find its form (SELECT/ASK/CONSTRUCT/DESCRIBE) and refuse updates,
LOAD and SERVICE, with a message that names the cause. We look at the query
with strings, IRIs and comments blanked out, so a keyword inside a literal
or an IRI is not mistaken for one in the query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, cast

import anyio.to_thread

from imvokg.cache import VersionedCache
from imvokg.errors import InputError, QueryRefused
from imvokg.messages import N_
from imvokg.snapshots import Snapshot, Snapshots
from imvokg.store.base import Store

_LEXICAL = re.compile(
    r"""
    (?P<long1>'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<long2>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<short1>'(?:[^'\\\n]|\\.)*')
  | (?P<short2>"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n]*)
    """,
    re.VERBOSE,
)
_KEYWORD = r"(?<![\w?$:]){}(?![\w:])"
_UPDATE = re.compile(_KEYWORD.format("(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)"), re.I)
_SERVICE = re.compile(_KEYWORD.format("SERVICE"), re.I)
_FORM_KW = re.compile(_KEYWORD.format("(SELECT|CONSTRUCT|ASK|DESCRIBE)"), re.I)

MAX_DEPTH = 48

OWN_GRAPHS = "https://w3id.org/imvokg/graph/"
"""Every graph of ours is named under this; FROM, FROM NAMED and the protocol's graph
parameters may name nothing else (pyoxigraph does not fetch for FROM, but other
engines do, and a dataset outside ours can only ever be empty here)."""

_FROM = re.compile(_KEYWORD.format(r"FROM(\s+NAMED)?"), re.I)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.I)
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:([\w./%#-]*)")


@dataclass(frozen=True)
class InspectedQuery:
    """A query that passed the checks, and its form."""

    text: str
    form: str

    @property
    def returns_graph(self) -> bool:
        return self.form in {"CONSTRUCT", "DESCRIBE"}


def blank_out(query: str) -> str:
    """The query with literals, IRIs and comments replaced by spaces of equal length."""
    return _LEXICAL.sub(lambda m: " " * len(m.group(0)), query)


def inspect_query(query: str, *, max_chars: int) -> InspectedQuery:
    """Check a user query before anything parses or runs it."""
    if not query or not query.strip():
        raise InputError(N_("no query given: send it as query=... or as an application/sparql-query body"))
    if len(query) > max_chars:
        raise InputError(N_("the query is longer than %(max_chars)s characters"), max_chars=max_chars)
    if "\x00" in query:
        raise InputError(N_("the query contains a NUL character"))
    code = blank_out(query)
    if _SERVICE.search(code):
        raise QueryRefused(N_("SERVICE is not allowed: this endpoint never contacts other endpoints"))
    form = _FORM_KW.search(code)
    update = _UPDATE.search(code)
    if update:
        raise QueryRefused(
            N_("%(value)s is not allowed: this endpoint is read-only (SPARQL Update and LOAD are refused)"),
            value=update.group(1).upper(),
        )
    if form is None:
        raise InputError(N_("the query needs a SELECT, ASK, CONSTRUCT or DESCRIBE form"))
    for clause in _FROM.finditer(code):
        where = "FROM NAMED" if clause.group(1) else "FROM"
        check_graph_names([_dataset_iri(query, clause.end())], where)
    depth = 0
    deepest = 0
    for char in code:
        if char in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise InputError(N_("the query nests deeper than %(max_depth)s levels"), max_depth=MAX_DEPTH)
    return InspectedQuery(query, form.group(1).upper())


def check_graph_names(names: Sequence[str], where: str) -> None:
    """Refuse any dataset graph that is not one of ours (FROM, FROM NAMED, default-graph-uri...)."""
    for name in names:
        if not name.startswith(OWN_GRAPHS):
            shown = name if len(name) <= 80 else name[:77] + "..."
            raise QueryRefused(
                N_(
                    "%(where)s <%(shown)s> is not allowed: this endpoint never fetches data; name one "
                    "of its own graphs (under %(own_graphs)s) or leave the dataset out"
                ),
                where=where,
                shown=shown,
                own_graphs=OWN_GRAPHS,
            )


def _dataset_iri(query: str, start: int) -> str:
    """The IRI after FROM / FROM NAMED, written as <...> or a prefixed name."""
    pos = start
    while pos < len(query) and (query[pos].isspace() or query[pos] == "#"):
        if query[pos] == "#":  # a comment runs to the end of the line
            newline = query.find("\n", pos)
            pos = len(query) if newline < 0 else newline + 1
        else:
            pos += 1
    if query.startswith("<", pos):
        end = query.find(">", pos)
        return query[pos + 1 : end] if end > pos else ""
    name = _PREFIXED.match(query, pos)
    if not name:
        return ""
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(query)}
    base = prefixes.get(name.group(1) or "")
    return base + name.group(2) if base is not None else ""


def result_media_type(query: InspectedQuery, media_type: str) -> str:
    """The results format to ask the store for (a graph query still needs one)."""
    return media_type if not query.returns_graph else "application/sparql-results+json"


def graph_media_type(query: InspectedQuery, media_type: str) -> str:
    """The graph format to ask the store for (a results query still needs one)."""
    return media_type if query.returns_graph else "text/turtle"


def run_query(
    store: Store,
    query: InspectedQuery,
    *,
    media_type: str,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> tuple[bytes, str]:
    """Run an inspected query on the store and serialise the answer."""
    return store.query_serialized(
        query.text,
        result_media_type=result_media_type(query, media_type),
        graph_media_type=graph_media_type(query, media_type),
        default_graphs=default_graphs,
        named_graphs=named_graphs,
    )


class QueryPool(Protocol):
    """Worker processes that run user SPARQL with a hard deadline (``store/sandbox.py``)."""

    async def start(self) -> None: ...

    def close(self) -> None: ...

    async def run(
        self,
        query: str,
        *,
        result_media_type: str,
        graph_media_type: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        version: str = "",
        snapshot: str = "",
    ) -> tuple[bytes, str]: ...


@dataclass(frozen=True)
class SparqlAnswer:
    """A serialised answer, whether it came from memory, and which release of the registry it is."""

    body: bytes
    media_type: str
    cached: bool
    release: str | None


class SparqlEndpoint:
    """User SPARQL over the store or one of its releases, with a cache keyed on the store version.

    ``pool`` runs queries in worker processes (an embedded store); without one a
    query runs in a thread and the store enforces its own timeout (a remote store).
    """

    def __init__(
        self,
        store: Store,
        snapshots: Snapshots,
        *,
        max_query_chars: int,
        cache_max_bytes: int,
        pool: QueryPool | None = None,
    ) -> None:
        self.store = store
        self.snapshots = snapshots
        self.max_query_chars = max_query_chars
        self.cache_max_bytes = cache_max_bytes
        self.pool = pool
        self.answers = VersionedCache(size=256)
        """Small answers by (version, query, media type, dataset): at most 256 x the size limit.

        The same class as the answer cache, a separate instance: user queries are
        unbounded in number and size, so they get their own, smaller budget and
        cannot push the domain answers out."""

    def inspect(
        self, query: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> InspectedQuery:
        """The query and the protocol's dataset checked, before anything parses or runs them."""
        inspected = inspect_query(query, max_chars=self.max_query_chars)
        check_graph_names(default_graphs, "default-graph-uri")
        check_graph_names(named_graphs, "named-graph-uri")
        return inspected

    async def answer(
        self,
        query: InspectedQuery,
        *,
        media_type: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        release: str | None = None,
    ) -> SparqlAnswer:
        """Answer on the current store, or on an earlier release (``release``, a store version)."""
        # Same query, same store version, same answer: repeated questions (dashboards, shared links,
        # the examples) are answered from memory, keyed on the version so a write makes them miss.
        key = ("sparql", query.text, media_type, tuple(default_graphs), tuple(named_graphs))
        snapshot: Snapshot | None = None
        if release:  # a release is immutable: its version keys the cache like the store's own does
            snapshot = await anyio.to_thread.run_sync(self.snapshots.release, release)
            version = snapshot.version
        else:
            version = self.store.known_version() or ""
            if not version:  # not known without I/O: read it off the event loop
                version = await anyio.to_thread.run_sync(self.store.version)
        hit = self.answers.peek((version, *key))
        if hit is not None:
            body, produced = cast(tuple[bytes, str], hit)
            return SparqlAnswer(body, produced, cached=True, release=version)
        if self.pool is not None:  # embedded store: a worker process with a hard deadline
            body, produced = await self.pool.run(
                query.text,
                result_media_type=result_media_type(query, media_type),
                graph_media_type=graph_media_type(query, media_type),
                default_graphs=default_graphs,
                named_graphs=named_graphs,
                version=version,
                snapshot=str(snapshot.path) if snapshot is not None else "",
            )
        else:  # remote store: it enforces its own timeout (a release is answered from its snapshot)
            store = self.store
            if snapshot is not None:
                store = await anyio.to_thread.run_sync(self.snapshots.open, snapshot)

            def run() -> tuple[bytes, str]:
                return run_query(
                    store,
                    query,
                    media_type=media_type,
                    default_graphs=default_graphs,
                    named_graphs=named_graphs,
                )

            body, produced = await anyio.to_thread.run_sync(run)
        if 0 < len(body) <= self.cache_max_bytes:
            self.answers.put((version, *key), (body, produced))
        return SparqlAnswer(body, produced, cached=False, release=version)
