"""A substring index over every name in the graph, for label search at any size.

SPARQL has no text index: `CONTAINS(LCASE(?label), ...)` reads every label of
the store, which takes seconds at a million triples and more than a minute at
ten million, and every search text is new, so an answer cache does not help.
The index keeps each name lowercased in one long string per segment (names
separated by NUL) and finds a text with ``str.find``, which scans memory at
C speed: a few milliseconds for the quarter of a million names of a
million-triple graph.

Writes are rare and of two kinds. A build replaces everything (it writes a new
build stamp into ``graph/meta``); the workflow adds or replaces the
``graph/submission-*`` and ``graph/decision-*`` graphs. So the index has two
segments: the *built* one, read again only when the build stamp changes, and
the *published* one, read again (a few names in a few small graphs) whenever
the store version moves. A store without a build stamp (loaded by other
tools) is read again whole after any write.

Reading every name through SPARQL takes minutes at ten million triples, so
`imvokg build` saves the built segment in the store directory
(:data:`SAVED_FILE`, JSON, with the build stamp) and a server on that store
loads it instead; a file with another stamp is ignored.

Search follows ``queries/pages/label-search.rq`` exactly (the tests compare
the two): resources under the project's base IRI whose ``rdfs:label`` or
``skos:prefLabel`` contains the text, case-insensitively; names starting with
the text first, then shorter names, at most 50, each with the name in the
asked language (English, then the matched name, when there is none).
"""

from __future__ import annotations

import json
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from imvokg.languages import LANGUAGES
from imvokg.namespaces import BASE, GRAPH
from imvokg.store.base import SelectResult, Store, Term

LIVE_GRAPH_PREFIXES = (str(GRAPH["submission-"]), str(GRAPH["decision-"]))
"""Graphs the workflow writes between builds."""

SAVED_FILE = "imvokg-labels.json"
"""The built segment, saved by the build inside the store directory."""

SEPARATOR = "\x00"
COMMON_LANGUAGES = LANGUAGES
MAX_RESULTS = 50
VARIABLES = ("resource", "matched", "best", "label")
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

BUILD_STAMP_QUERY = f"""
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?stamp WHERE {{ GRAPH <{GRAPH["meta"]}> {{ <{GRAPH["meta"]}> dcterms:modified ?stamp }} }}
"""

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?resource ?label WHERE {{
  {values}
  GRAPH ?g {{ {{ ?resource rdfs:label ?label }} UNION {{ ?resource skos:prefLabel ?label }} }}
  FILTER(ISIRI(?resource) && STRSTARTS(STR(?resource), "{base}"))
  {graph_filter}
}}
"""


def _labels_query(*, graphs: Iterable[str] | None = None, exclude_live: bool = False) -> str:
    values = ""
    if graphs is not None:
        values = "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " }"
    graph_filter = ""
    if exclude_live:
        tests = " || ".join(f'STRSTARTS(STR(?g), "{prefix}")' for prefix in LIVE_GRAPH_PREFIXES)
        graph_filter = f"FILTER(!({tests}))"
    return _LABELS.format(values=values, base=BASE, graph_filter=graph_filter)


@dataclass
class Segment:
    """Names of a set of graphs, sorted by resource, searchable as one string.

    Row i is the name ``labels[i]`` in language ``langs[i]`` of resource
    ``resources[owner[i]]``; its lowercased form starts at ``starts[i]`` in
    ``text``. Rows of one resource are adjacent, so all names of a hit are at
    hand without a dictionary of every resource.
    """

    text: str = ""
    starts: list[int] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    first_row: list[int] = field(default_factory=list)
    preferred: dict[str, list[int]] = field(default_factory=dict)
    """Per common language, the row of each resource's name shown in it (-1: none)."""

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str]]) -> Segment:
        """Build from (resource, name, language) triples in any order."""
        ordered = sorted(set(rows))
        segment = cls()
        pieces: list[str] = []
        offset = 0
        for resource, label, lang in ordered:
            if not segment.resources or segment.resources[-1] != resource:
                segment.resources.append(resource)
                segment.first_row.append(len(segment.labels))
            low = label.lower().replace(SEPARATOR, " ")
            segment.starts.append(offset)
            segment.owner.append(len(segment.resources) - 1)
            segment.labels.append(label)
            segment.langs.append(lang)
            pieces.append(low)
            offset += len(low) + 1
        segment.text = SEPARATOR.join(pieces)
        segment.preferred = {lang: segment._preferred_rows(lang) for lang in COMMON_LANGUAGES}
        return segment

    def _preferred_rows(self, language: str) -> list[int]:
        """Rows are sorted by (resource, name), so the first match per resource is the least name."""
        chosen = [-1] * len(self.resources)
        for row, (owner, tag) in enumerate(zip(self.owner, self.langs, strict=True)):
            if chosen[owner] < 0 and _lang_matches(tag, language):
                chosen[owner] = row
        return chosen

    def __len__(self) -> int:
        return len(self.labels)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Segment:
        segment = cls(**data)  # type: ignore[arg-type]
        rows = len(segment.labels)
        consistent = len(segment.starts) == len(segment.owner) == len(segment.langs) == rows and len(
            segment.first_row
        ) == len(segment.resources)
        if not consistent or set(segment.preferred) != set(COMMON_LANGUAGES):
            raise ValueError("the saved label index is not consistent")
        return segment

    def find(self, needle: str) -> Iterable[tuple[int, int]]:
        """(row, rank) for every name containing the needle; rank 0 when the name starts with it."""
        text, starts = self.text, self.starts
        position = text.find(needle)
        while position >= 0:
            row = bisect_right(starts, position) - 1
            yield row, 0 if position == starts[row] else 1
            following = row + 1
            if following >= len(starts):
                return
            position = text.find(needle, starts[following])

    def shown(self, owner: int, language: str) -> tuple[str, str] | None:
        """The name of a resource to show in a language, else in English, from this segment alone."""
        for lang in (language, "en"):
            rows = self.preferred.get(lang)
            row = rows[owner] if rows is not None else _first_row(self, owner, lang)
            if row >= 0:
                return self.labels[row], self.langs[row]
        return None

    def names(self, resource: str) -> list[tuple[str, str]]:
        """Every (name, language) of a resource in this segment."""
        index = _position(self.resources, resource)
        if index < 0:
            return []
        rows = self.rows_of(index)
        return list(zip(self.labels[rows.start : rows.stop], self.langs[rows.start : rows.stop], strict=True))

    def rows_of(self, owner: int) -> range:
        """The rows of one resource (they are adjacent)."""
        end = self.first_row[owner + 1] if owner + 1 < len(self.first_row) else len(self.labels)
        return range(self.first_row[owner], end)


def _first_row(segment: Segment, owner: int, language: str) -> int:
    for row in segment.rows_of(owner):
        if _lang_matches(segment.langs[row], language):
            return row
    return -1


def _position(items: list[str], value: str) -> int:
    index = bisect_right(items, value) - 1
    return index if index >= 0 and items[index] == value else -1


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
                self._built = self._read(_labels_query())
                self._published = Segment()
            else:
                if stamp != self._stamp:
                    self._built = self._load(stamp) or self._read_built()
                live = [g for g in self.store.graph_names() if g.startswith(LIVE_GRAPH_PREFIXES)]
                self._published = self._read(_labels_query(graphs=live)) if live else Segment()
            self._stamp, self._version = stamp, version
            self.last_refresh_s = time.perf_counter() - began

    def _read_built(self) -> Segment:
        self._progress("indexing the names of the built graphs")
        return self._read(_labels_query(exclude_live=True))

    def _load(self, stamp: str) -> Segment | None:
        """The saved built segment when it belongs to this build, else None (then it is read)."""
        if self.saved is None or not self.saved.is_file():
            return None
        try:
            data = json.loads(self.saved.read_text(encoding="utf-8"))
            if data.get("stamp") != stamp:
                return None
            return Segment.from_json(data["segment"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # unreadable or from another version of this code: read the store instead

    def save(self, path: Path) -> int:
        """Write the built segment for servers on this store; returns the number of names."""
        self.refresh()
        if self._stamp is None:
            raise ValueError("the store has no build stamp; a saved index could not be matched to it")
        data = {"stamp": self._stamp, "segment": self._built.to_json()}
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        return len(self._built)

    def _build_stamp(self) -> str | None:
        rows = self.store.select(BUILD_STAMP_QUERY).rows
        return rows[0]["stamp"].value if rows else None

    def _read(self, query: str) -> Segment:
        result = self.store.select(query)
        return Segment.from_rows(
            (row["resource"].value, row["label"].value, (row["label"].lang or "").lower())
            for row in result
            if "resource" in row and "label" in row
        )

    def __len__(self) -> int:
        return len(self._built) + len(self._published)

    # -- searching ------------------------------------------------------------
    def search(self, text: str, lang: str | None = None) -> SelectResult:
        """The rows `label-search` would answer: resource, matched, best, label."""
        self.refresh()
        needle = text.lower()
        language = (lang or "en").lower()
        segments = (self._built, self._published)
        hits: dict[str, tuple[int, tuple[str, str], Segment, int]] = {}
        if needle and SEPARATOR not in needle:
            for segment in segments:
                for row, rank in segment.find(needle):
                    owner = segment.owner[row]
                    resource = segment.resources[owner]
                    seen = hits.get(resource)
                    if seen is None or rank < seen[0]:
                        hits[resource] = (rank, (segment.labels[row], segment.langs[row]), segment, owner)
        ranked: list[tuple[Any, ...]] = []
        for best in (0, 1):  # names that start with the text first: the rest may not be needed
            if len(ranked) >= MAX_RESULTS:
                break
            for resource, (rank, matched, segment, owner) in hits.items():
                if rank == best:
                    shown = self._shown(resource, segment, owner, language) or matched
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

    def _shown(self, resource: str, segment: Segment, owner: int, language: str) -> tuple[str, str] | None:
        other = self._published if segment is self._built else self._built
        if not len(other) or _position(other.resources, resource) < 0:
            return segment.shown(owner, language)
        # named in both segments (a published graph names a built resource): merge the two
        names = self._built.names(resource) + self._published.names(resource)
        return _first_in(names, language) or _first_in(names, "en")

    def search_bindings(self, bindings: Mapping[str, Term]) -> SelectResult:
        """The named query's parameters (`text`, optional `lang`) as bound terms."""
        lang = bindings.get("lang")
        return self.search(bindings["text"].value, lang.value if lang is not None else None)


def _first_in(names: list[tuple[str, str]], language: str) -> tuple[str, str] | None:
    matching = sorted(name for name in names if _lang_matches(name[1], language))
    return matching[0] if matching else None


def _literal(name: tuple[str, str]) -> Term:
    value, tag = name
    return Term.literal(value, lang=tag or None)
