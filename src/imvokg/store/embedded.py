"""The default back end: an embedded pyoxigraph store in one directory.

pyoxigraph substitutes bound variables itself (SEP-0007), so parameters never
touch the query text. Its errors are translated here into the project's own.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from imvokg.errors import QuerySyntaxError, StoreError, UnreadableInput
from imvokg.formats import DATASET_MEDIA_TYPES
from imvokg.messages import N_
from imvokg.namespaces import META_GRAPH, VERSION_PREDICATE
from imvokg.store._formats import rdf_format, results_format
from imvokg.store.base import SelectResult, Term, with_values


def from_ox(term: object) -> Term:
    """A pyoxigraph term as our plain term."""
    if isinstance(term, ox.NamedNode):
        return Term("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Term("literal", term.value, lang=term.language, datatype=term.datatype.value)
    return Term("literal", str(term))


class EmbeddedStore:
    """A pyoxigraph store on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(
                N_(
                    "cannot open the store at %(path)s: run `imvokg build` "
                    "first, or close the other process that holds it"
                ),
                path=path,
            ) from exc
        self.path = path
        self.read_only = read_only
        self._write_lock = threading.Lock()
        self._version: str | None = None
        self._writes = 0
        """Writes begun by this object: a version read while one ran is answered, not remembered."""

    # -- reading ---------------------------------------------------------
    def _run(self, query: str, bindings: Mapping[str, Term] | None, **kwargs: Any) -> Any:
        try:
            return self._store.query(
                with_values(query, bindings),
                use_default_graph_as_union=not kwargs.get("default_graph"),
                **kwargs,
            )
        except SyntaxError as exc:
            raise QuerySyntaxError(N_("the query does not parse: %(exc)s"), exc=exc) from None
        except OSError as exc:
            raise StoreError(N_("the store could not answer the query")) from exc

    def select(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        solutions = self._run(query, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QuerySyntaxError(N_("expected a SELECT query"))
        variables = tuple(v.value for v in solutions.variables)
        rows = []
        for solution in solutions:
            row = {}
            for name in variables:
                value = solution[name]
                if value is not None:
                    row[name] = from_ox(value)
            rows.append(row)
        return SelectResult(variables, tuple(rows))

    def ask(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> bool:
        answer = self._run(query, bindings)
        if not isinstance(answer, ox.QueryBoolean):
            raise QuerySyntaxError(N_("expected an ASK query"))
        return bool(answer)

    def construct(self, query: str, *, bindings: Mapping[str, Term] | None = None) -> bytes:
        triples = self._run(query, bindings)
        if not isinstance(triples, ox.QueryTriples):
            raise QuerySyntaxError(N_("expected a CONSTRUCT or DESCRIBE query"))
        return triples.serialize(format=ox.RdfFormat.N_TRIPLES) or b""

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
        kwargs: dict[str, object] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        answer = self._run(query, bindings, **kwargs)
        if isinstance(answer, ox.QueryTriples):
            return answer.serialize(format=rdf_format(graph_media_type)) or b"", graph_media_type
        return answer.serialize(format=results_format(result_media_type)) or b"", result_media_type

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        return len(self._store)

    def version(self) -> str:
        """The data version, remembered until this object writes (every request asks for it).

        Only this object can write to the store while it holds it open (RocksDB
        takes a lock), and a read-only instance sees the store as it was when it
        opened, so a remembered version cannot go stale.

        A read that overlaps a write (another thread's approval) may see the old
        version; it is remembered only when no write began or ended meanwhile, else
        every later request would keep the old version and its cached answers.
        """
        cached = self._version
        if cached is not None:
            return cached
        writes = self._writes
        quads = self._store.quads_for_pattern(
            ox.NamedNode(META_GRAPH), ox.NamedNode(VERSION_PREDICATE), None, ox.NamedNode(META_GRAPH)
        )
        found = next(
            (str(quad.object.value) for quad in quads if not isinstance(quad.object, ox.Triple)), "empty"
        )
        if writes == self._writes:
            self._version = found
        return found

    def known_version(self) -> str | None:
        """The version if it is known without reading the store (None after a write)."""
        return self._version

    def dump(self, media_type: str, *, exclude_graphs: Sequence[str] = ()) -> bytes:
        fmt = rdf_format(media_type)
        skip = set(exclude_graphs)
        graphs = [g for g in self._store.named_graphs() if g.value not in skip]
        if media_type in DATASET_MEDIA_TYPES:
            scratch = ox.Store()
            for g in graphs:
                scratch.extend(self._store.quads_for_pattern(None, None, None, g))
            return scratch.dump(format=fmt) or b""
        union = ox.Store()
        for g in graphs:
            union.extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                for q in self._store.quads_for_pattern(None, None, None, g)
            )
        return union.dump(format=fmt, from_graph=ox.DefaultGraph()) or b""

    # -- writing ---------------------------------------------------------
    def bulk_load(self, data: bytes, *, graph: str, media_type: str = "application/n-triples") -> None:
        """Fast load for builds (not transactional: builds write into a fresh store)."""
        fmt = rdf_format(media_type)
        self._writes += 1
        self._version = None
        try:
            self._store.bulk_load(input=data, format=fmt, to_graph=ox.NamedNode(graph))
        except SyntaxError as exc:
            raise UnreadableInput(
                N_("data for %(graph)s does not parse: %(exc)s"), graph=graph, exc=exc
            ) from None

    def bulk_load_graphs(self, graphs: Mapping[str, tuple[bytes, str]]) -> None:
        """Fast load of many named graphs at once: ``{graph: (data, media type)}``.

        The bulk loader has a fixed cost per call (about a tenth of a second), so a build
        hands it all its source files as one N-Quads document instead of one call per file.
        """
        quads: list[ox.Quad] = []
        for graph, (data, media_type) in graphs.items():
            target = ox.NamedNode(graph)
            fmt = rdf_format(media_type)
            try:
                quads.extend(
                    ox.Quad(q.subject, q.predicate, q.object, target) for q in ox.parse(data, format=fmt)
                )
            except SyntaxError as exc:
                raise UnreadableInput(
                    N_("data for %(graph)s does not parse: %(exc)s"), graph=graph, exc=exc
                ) from None
        if quads:
            self.bulk_load_dataset(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

    def bulk_load_dataset(self, nquads: bytes) -> None:
        self._writes += 1
        self._version = None
        self._store.bulk_load(input=nquads, format=ox.RdfFormat.N_QUADS)

    def replace_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """DROP and INSERT every graph and bump the version in one SPARQL update (atomic)."""
        parts = []
        for iri, ntriples in graphs.items():
            parts.append(f"DROP SILENT GRAPH <{iri}> ;")
            if ntriples.strip():
                parts.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{ntriples.decode()}\n}} }} ;")
        parts.append(self._version_update())
        with self._write_lock:
            self._writes += 1
            self._version = None
            try:
                self._store.update("\n".join(parts))
            except SyntaxError as exc:
                raise UnreadableInput(N_("the data does not parse: %(exc)s"), exc=exc) from None
            except OSError as exc:
                raise StoreError(N_("the store could not write the change")) from exc
            finally:
                self._writes += 1
                self._version = None
            self._store.flush()

    def set_version(self, version: str | None = None) -> str:
        """Record a new data version (builds call this once at the end)."""
        new = version or uuid.uuid4().hex
        with self._write_lock:
            self._writes += 1
            self._version = None
            self._store.update(self._version_update(new))
            self._writes += 1
            self._version = None
        return new

    @staticmethod
    def _version_update(new: str | None = None) -> str:
        value = (new or uuid.uuid4().hex).replace('"', "")
        return (
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PREDICATE}> ?v }} }} ;\n"
            f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PREDICATE}> "{value}" }} }}'
        )

    def backup(self, target: Path) -> bool:
        """A checkpoint of the store in ``target`` (hard links on the same file system); False when
        this store cannot make one (in memory, or opened read-only)."""
        if self.path is None or self.read_only:
            return False
        with self._write_lock:
            self._store.flush()
            self._store.backup(str(target))
        return True

    def optimize(self) -> None:
        self._store.optimize()

    def close(self) -> None:
        """Flush and release the store; closing a closed store does nothing (as with files)."""
        if not hasattr(self, "_store"):
            return
        self._store.flush() if not self.read_only else None
        del self._store
