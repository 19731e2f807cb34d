"""A full-text index over every name in the graph, for search by people at any size.

SPARQL has no text index: `CONTAINS(LCASE(?label), ...)` reads every label of
the store, which takes seconds at a million triples, and it knows neither
accents nor near spellings. The index keeps every name (``rdfs:label``,
``skos:prefLabel`` and the alternative names, ``skos:altLabel``) in SQLite
(standard library) with an FTS5 *trigram* index over a folded form: lower
case, accents removed (``sécurité`` -> ``securite``, ``Ö`` -> ``o``), ``ß`` ->
``ss``. A search finds every name containing the folded text; when that finds
few, it tries the text without its last letters, so a compound or an inflected
form finds its relatives (``kinderarbeit`` finds ``kinderarbeid`` and
``Kinderarbeit``, ``child labor`` finds ``child labour``).

Writes are rare and of two kinds. A build replaces everything (it writes a new
build stamp into ``graph/meta``); the workflow adds or replaces the
``graph/submission-*`` and ``graph/decision-*`` graphs. So the index has two
segments: the *built* one, read again only when the build stamp changes, and
the *published* one, read again (a few names in a few small graphs) whenever
the store version moves, so no approval leaves a stale hit. A store without a
build stamp (loaded by other tools) is read again whole after any write.

Reading every name through SPARQL takes minutes at ten million triples, so
`imvokg build` saves the built segment in the store directory
(:data:`SAVED_FILE`, an SQLite database holding the build stamp) and a server
on that store loads it instead; a file with another stamp is ignored.

Results: resources under the project's base IRI (not the named queries, whose titles are the
query pages' interface text); names that start with the
text first (``best`` 0), then names that contain it (1), then near matches
(2); shorter names first; at most 50; each with the name that matched (its
language tag says which language the hit is in) and the name in the asked
language (English, then the matched name, when there is none).
``queries/pages/label-search.rq`` is the plain-substring form of the same
search, for stores without the index.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from imvokg.messages import N_, Deferred
from imvokg.namespaces import GRAPH
from imvokg.queries import default_registry
from imvokg.store.base import SelectResult, Store, Term, with_rows

LIVE_GRAPH_PREFIXES = (str(GRAPH["submission-"]), str(GRAPH["decision-"]))
"""Graphs the workflow writes between builds."""

SAVED_FILE = "imvokg-labels.sqlite"
"""The built segment, saved by the build inside the store directory."""

SEPARATOR = "\x00"
MAX_RESULTS = 50
VARIABLES = ("resource", "matched", "best", "label")
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
NEAR_MIN = 4
"""A near match drops letters from the end of the text but keeps at least this many."""
MAX_ROWS = 2000
"""Names read per search and kind of match: a three-letter text may be in most names of a big graph."""
_LAST = chr(0x10FFFF)

QUERIES = ("build-stamp", "index-names")
"""The named queries the index reads the store with (queries/pages/)."""

_SCHEMA = """
CREATE TABLE names (
  id INTEGER PRIMARY KEY, resource TEXT NOT NULL, name TEXT NOT NULL, lang TEXT NOT NULL,
  alt INTEGER NOT NULL, folded TEXT NOT NULL
);
CREATE INDEX names_resource ON names (resource);
CREATE INDEX names_folded ON names (folded);
CREATE VIRTUAL TABLE names_fts USING fts5 (folded, content='names', content_rowid='id', tokenize='trigram');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

Row = tuple[str, str, str, int, str]
"""(resource, name, language, 1 for an alternative name, folded name)."""


def fold(text: str) -> str:
    """Lower case without accents: what names and search texts are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(SEPARATOR, " ")


def _names_query(graphs: Iterable[str]) -> str:
    """``index-names.rq`` for `graphs` (one VALUES row each)."""
    # Term.iri, not the header's http(s) check: a store loaded by other tools may name graphs urn:...
    return with_rows(default_registry().get("index-names").text, "g", [Term.iri(g) for g in graphs])


class Segment:
    """The names of a set of graphs in an in-memory SQLite database with a trigram index."""

    def __init__(self, connection: sqlite3.Connection | None = None) -> None:
        self._lock = threading.Lock()
        if connection is None:
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            connection.executescript(_SCHEMA)
        self._db = connection
        self._size = connection.execute("SELECT COUNT(*) FROM names").fetchone()[0]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, int]]) -> Segment:
        """Build from (resource, name, language, alt) in any order."""
        segment = cls()
        ordered = sorted(set(rows))
        with segment._db:
            segment._db.executemany(
                "INSERT INTO names (resource, name, lang, alt, folded) VALUES (?, ?, ?, ?, ?)",
                ((r, n, lang, alt, fold(n)) for r, n, lang, alt in ordered),
            )
            segment._db.execute("INSERT INTO names_fts (names_fts) VALUES ('rebuild')")
        segment._size = len(ordered)
        return segment

    def __len__(self) -> int:
        return self._size

    def find(self, needle: str) -> list[Row]:
        """Names whose folded form starts with `needle` (already folded), then names that contain it.

        The trigram index answers substrings of three letters and more; a shorter text finds
        the names that start with it (through the ordinary index on the folded names).
        """
        if not self._size:
            return []
        columns = "SELECT resource, name, lang, alt, folded FROM names"
        with self._lock:
            found = self._db.execute(
                f"{columns} WHERE folded >= ? AND folded < ? LIMIT {MAX_ROWS}", (needle, needle + _LAST)
            ).fetchall()
            if len(needle) >= 3:
                phrase = '"' + needle.replace('"', '""') + '"'
                found += self._db.execute(
                    f"{columns} WHERE id IN "
                    f"(SELECT rowid FROM names_fts WHERE names_fts MATCH ? LIMIT {MAX_ROWS})",
                    (phrase,),
                ).fetchall()
        return found

    def names(self, resources: Iterable[str]) -> dict[str, list[tuple[str, str, int]]]:
        """Every (name, language, alt) of the given resources in this segment."""
        wanted = sorted(set(resources))
        found: dict[str, list[tuple[str, str, int]]] = {}
        if not wanted or not self._size:
            return found
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for resource, name, lang, alt in self._db.execute(
                    f"SELECT resource, name, lang, alt FROM names WHERE resource IN ({marks})", chunk
                ):
                    found.setdefault(resource, []).append((name, lang, alt))
        return found

    def save(self, path: Path, stamp: str) -> None:
        """Write this segment, with the build stamp it belongs to, to an SQLite file."""
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stamp', ?)", (stamp,))
        path.unlink(missing_ok=True)
        target = sqlite3.connect(path)
        try:
            with self._lock:
                self._db.backup(target)
        finally:
            target.close()

    @classmethod
    def load(cls, path: Path, stamp: str) -> Segment | None:
        """The saved segment when it belongs to build `stamp`, copied into memory; else None."""
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error:
            return None
        try:
            saved = source.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
            if saved is None or saved[0] != stamp:
                return None
            memory = sqlite3.connect(":memory:", check_same_thread=False)
            source.backup(memory)
            return cls(memory)
        except sqlite3.Error:
            return None  # damaged or from another version of this code: read the store instead
        finally:
            source.close()


def _lang_matches(tag: str, wanted: str) -> bool:
    """SPARQL LANGMATCHES for a plain language range."""
    tag = tag.lower()
    return bool(tag) and (tag == wanted or tag.startswith(wanted + "-"))


class LabelIndex:
    """The names of one store, kept in step with its version (thread-safe)."""

    def __init__(
        self, store: Store, *, saved: Path | None = None, progress: Callable[[str], None] | None = None
    ) -> None:
        self.store = store
        self.saved = saved
        self._lock = threading.Lock()
        self._version: str | None = None
        self._stamp: str | None = None
        self._built = Segment()
        self._published = Segment()
        self._progress = progress or (lambda _: None)
        self.last_refresh_s = 0.0

    @property
    def version(self) -> str | None:
        """The store version the index holds the names of (None before its first reading)."""
        return self._version

    # -- keeping up with the store ------------------------------------------
    def refresh(self) -> None:
        """Read again what changed since the version this index was made for."""
        version = self.store.version()
        if version == self._version:
            return
        with self._lock:
            version = self.store.version()
            if version == self._version:
                return
            began = time.perf_counter()
            stamp = self._build_stamp()
            if stamp is None:  # not built by us: no way to tell what changed, read everything
                self._built = self._read(_names_query(self.store.graph_names()))
                self._published = Segment()
            else:
                if stamp != self._stamp:
                    self._built = self._load(stamp) or self._read_built()
                live = [g for g in self.store.graph_names() if g.startswith(LIVE_GRAPH_PREFIXES)]
                self._published = self._read(_names_query(live)) if live else Segment()
            self._stamp, self._version = stamp, version
            self.last_refresh_s = time.perf_counter() - began

    def _read_built(self) -> Segment:
        self._progress(Deferred(N_("indexing the names of the built graphs")))
        built = [g for g in self.store.graph_names() if not g.startswith(LIVE_GRAPH_PREFIXES)]
        return self._read(_names_query(built))

    def _load(self, stamp: str) -> Segment | None:
        if self.saved is None or not self.saved.is_file():
            return None
        return Segment.load(self.saved, stamp)

    def save(self, path: Path) -> int:
        """Write the built segment for servers on this store; returns the number of names."""
        self.refresh()
        if self._stamp is None:
            raise ValueError("the store has no build stamp; a saved index could not be matched to it")
        self._built.save(path, self._stamp)
        return len(self._built)

    def _build_stamp(self) -> str | None:
        rows = self.store.select(default_registry().get("build-stamp").text).rows
        return rows[0]["stamp"].value if rows else None

    def _read(self, query: str) -> Segment:
        result = self.store.select(query)
        return Segment.from_rows(
            (
                row["resource"].value,
                row["label"].value,
                (row["label"].lang or "").lower(),
                1 if "alt" in row and row["alt"].value == "1" else 0,
            )
            for row in result
            if "resource" in row and "label" in row
        )

    def __len__(self) -> int:
        return len(self._built) + len(self._published)

    # -- searching ------------------------------------------------------------
    def search(self, text: str, lang: str | None = None) -> SelectResult:
        """The rows of a search: resource, matched (with its language), best (0, 1, 2), label."""
        self.refresh()
        needle = fold(text).strip()
        language = (lang or "en").lower()
        if not needle or SEPARATOR in text:
            return SelectResult(VARIABLES, ())
        segments = (self._built, self._published)
        hits: dict[str, tuple[int, tuple[str, str]]] = {}
        best: dict[str, tuple[int, bool, str]] = {}
        for segment in segments:
            for resource, name, tag, _, folded in segment.find(needle):
                # a name that starts with the text first, then one in the asked language
                key = (0 if folded.startswith(needle) else 1, not _lang_matches(tag, language), name)
                if resource not in best or key < best[resource]:
                    best[resource] = key
                    hits[resource] = (key[0], (name, tag))
        shorter = needle
        while len(hits) < MAX_RESULTS and len(shorter) > max(NEAR_MIN, (len(needle) * 3 + 3) // 4):
            shorter = shorter[:-1].rstrip()
            for segment in segments:
                for resource, name, tag, _, _ in segment.find(shorter):
                    if resource not in hits:
                        hits[resource] = (2, (name, tag))
        names = self._built.names(hits)
        for resource, more in self._published.names(hits).items():
            names.setdefault(resource, []).extend(more)
        ranked: list[tuple[int, int, tuple[str, str], str, tuple[str, str]]] = []
        for resource, (rank, matched) in hits.items():
            shown = _shown(names.get(resource, []), language) or matched
            ranked.append((rank, len(shown[0]), shown, resource, matched))
        ranked.sort()
        rows = tuple(
            {
                "resource": Term.iri(resource),
                "matched": _literal(matched),
                "best": Term.literal(str(rank), datatype=INTEGER),
                "label": _literal(shown),
            }
            for rank, _, shown, resource, matched in ranked[:MAX_RESULTS]
        )
        return SelectResult(VARIABLES, rows)

    def search_bindings(self, bindings: Mapping[str, Term]) -> SelectResult:
        """The named query's parameters (`text`, optional `lang`) as bound terms."""
        lang = bindings.get("lang")
        return self.search(bindings["text"].value, lang.value if lang is not None else None)


def _shown(names: list[tuple[str, str, int]], language: str) -> tuple[str, str] | None:
    """The name to show: a preferred (not alternative) name in `language`, else in English."""
    for wanted in (language, "en"):
        matching = sorted((name, tag) for name, tag, alt in names if not alt and _lang_matches(tag, wanted))
        if matching:
            return matching[0]
    return None


def _literal(name: tuple[str, str]) -> Term:
    value, tag = name
    return Term.literal(value, lang=tag or None)
