"""Caching, the one place: answers that stay valid across the writes that do not concern them.

Two kinds of entries share this module.

*Versioned* entries (:class:`VersionedCache`) put the store version first in
their key: any write changes the version, so the first request after it
misses. Generic caches use them (SPARQL answers, pages, dumps).

*Tracked* entries (:class:`TrackedCache`) are the domain answers. Each one
carries the tags of what it depends on, and every write is described by the
tags of what it touches (:func:`touched_by`, read off the triples written and
the triples they replace, whatever kind of write it is), so a write drops only
the answers whose tags it touches; the runner recomputes those right after the
write. The tags:

``about:X``
    a statement with X as subject was written or removed (X's own facts);
``linked:X``
    a statement pointing at X was (a decision about an agreement, a
    membership of a party, an agreement covering a sector);
``typed``
    a resource was typed (something new to list);
``any``
    every write: an answer built from an untracked part carries it.

An answer depends on ``about:`` of every IRI it names or reads (a resource's
facts change only when it is written to), on ``linked:`` of the hubs among them
(agreements: decisions, memberships and commitments point at them), and on
what its question declares (:attr:`Question.scope`: ``linked:`` of a sector's
family for its coverage, ``typed`` for a list).

One answer is one entry. A service states a question as a :class:`Question`
(a key built without I/O, and how to compute the value); the cache holds its
:class:`Answer`, the value together with its JSON bytes, encoded once on first
use. The JSON API sends ``Answer.body``, the pages read ``Answer.value``, and the
start-up warm-up fills exactly the entries HTTP reads.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pyoxigraph as ox

T = TypeVar("T")

Key = tuple[object, ...]


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, as FastAPI's JSONResponse would send the same value."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


@dataclass
class Answer(Generic[T]):
    """A computed answer and, once asked for, its JSON encoding."""

    value: T
    queries: tuple[str, ...] = ()
    """The named queries computing it ran (those of the answers it was built from included)."""
    depends: frozenset[str] = frozenset()
    """What it depends on (tags, see the module text), those of the answers it was built from included."""
    _body: bytes | None = field(default=None, repr=False)

    @property
    def encoded(self) -> bool:
        """Whether :attr:`body` costs nothing (the web edge sends it without a thread hop)."""
        return self._body is not None

    @property
    def body(self) -> bytes:
        # Two threads may encode at once; both get equal bytes and one is kept.
        if self._body is None:
            self._body = encode_json(self.value)
        return self._body


@dataclass(frozen=True)
class Part(Generic[T]):
    """A cached piece of answers (an existence check, conformance rows) and the queries it ran."""

    value: T
    queries: tuple[str, ...] = ()
    depends: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Question(Generic[T]):
    """What to ask: a key (no I/O needed to build it) and how to compute the value.

    With a `scope` (tags beyond the resources the answer names, see the module
    text) the answer is tracked and survives unrelated writes; without one,
    every write replaces it.
    """

    key: Key
    compute: Callable[[], T]
    scope: frozenset[str] | None = None
    update: Callable[[T, frozenset[str]], T | None] | None = None
    """The answer after a write, from the answer before it and the tags the write touched,
    reading only what the write changed (None: compute it whole). Held to equal ``compute``."""


@dataclass(frozen=True)
class Stale:
    """An answer a write dropped: its question, and the answer as it was before the write."""

    question: Question[Any]
    before: object


ANY = "any"
TYPED = "typed"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def about(iri: str) -> str:
    return f"about:{iri}"


def linked(iri: str) -> str:
    return f"linked:{iri}"


def resource_tags(iris: Iterable[str], hubs: str) -> frozenset[str]:
    """The tags of an answer naming these IRIs (all: about; those starting with `hubs`: linked too)."""
    tags = set()
    for iri in iris:
        tags.add(about(iri))
        if iri.startswith(hubs):
            tags.add(linked(iri))
    return frozenset(tags)


def named_iris(value: object) -> Iterator[str]:
    """Every IRI a JSON-like answer names (strings that are absolute http(s) IRIs)."""
    if isinstance(value, str):
        if value.startswith(("https://", "http://")) and " " not in value:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from named_iris(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from named_iris(item)


def touched_by(changes: Iterable[tuple[bytes, bytes]]) -> frozenset[str]:
    """The tags a write touches, from each graph's N-Triples before and after it.

    Only what differs counts: an amendment that changes one name touches that
    resource, not everything its graph mentions. (Blank nodes never compare
    equal across two readings, so statements on them always count: too much,
    never too little.)
    """
    tags = {ANY}
    for before, after in changes:
        for triple in _triples(before) ^ _triples(after):
            if isinstance(triple.subject, ox.NamedNode):
                tags.add(about(triple.subject.value))
            if triple.predicate.value == _RDF_TYPE:
                tags.add(TYPED)
            elif isinstance(triple.object, ox.NamedNode):
                tags.add(linked(triple.object.value))
    return frozenset(tags)


def _triples(ntriples: bytes) -> set[ox.Quad]:
    if not ntriples.strip():
        return set()
    return set(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))


class VersionedCache:
    """A small thread-safe LRU; callers put the store version first in every key."""

    def __init__(self, size: int = 2048) -> None:
        self._items: OrderedDict[Key, object] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get_or_compute(self, key: Key, compute: Callable[[], T]) -> T:
        """The cached value, or `compute()` stored under `key` (errors are raised, never cached)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self.misses += 1
        self.put(key, value)
        return value

    def put(self, key: Key, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def peek(self, key: Key) -> object | None:
        """The cached value or None, without computing anything."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        return None


@dataclass
class _Tracked:
    value: object
    depends: frozenset[str]
    question: Question[Any] | None


class TrackedCache:
    """Answers with the tags they depend on, valid for one store version at a time.

    :meth:`invalidate` drops what a write touched and says which questions
    to ask again; the rest carries over to the write's new version. A value
    computed while a write was being applied is handed to its caller but not
    kept (it may have read the data before the write). Two threads asking the
    same missing key compute it once: the second waits for the first.
    """

    def __init__(self, size: int = 4096) -> None:
        self._items: OrderedDict[Key, _Tracked] = OrderedDict()
        self._by_tag: dict[str, set[Key]] = {}
        self._size = size
        self._lock = threading.Lock()
        self._computing: dict[Key, threading.Event] = {}
        self.version: str | None = None
        """The store version the entries are valid for."""
        self.generation = 0
        """Counts invalidations: a computation that saw it change keeps nothing."""
        self._writing = False
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def peek(self, version: str, key: Key) -> object | None:
        with self._lock:
            if version != self.version:
                return None
            entry = self._items.get(key)
            if entry is None:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry.value

    def get_or_compute(
        self,
        version: str,
        key: Key,
        compute: Callable[[], tuple[T, frozenset[str]]],
        question: Question[Any] | None = None,
    ) -> T:
        """The entry for `key` at `version`, or `compute()` (value, tags) kept under it."""
        running: threading.Event | None = None
        while running is None:
            with self._lock:
                if version != self.version:
                    if self._writing:  # the write is being applied: its version is not ours yet
                        break
                    if self._items:
                        self._drop_all()  # a write this cache was not told about: nothing carries over
                    self.version = version
                entry = self._items.get(key)
                if entry is not None:
                    self._items.move_to_end(key)
                    self.hits += 1
                    return entry.value  # type: ignore[return-value]
                waiting = self._computing.get(key)
                if waiting is None:
                    running = self._computing[key] = threading.Event()
                    generation = self.generation
            if waiting is not None:
                waiting.wait()  # the same answer is being computed: wait for it, then look again
        if running is None:
            return compute()[0]  # handed out, never kept (and computed outside the lock)
        try:
            value, depends = compute()
        finally:
            with self._lock:
                self._computing.pop(key, None)
            running.set()
        with self._lock:
            self.misses += 1
            if generation == self.generation and version == self.version:
                self._keep(key, _Tracked(value, depends, question))
        return value

    def _keep(self, key: Key, entry: _Tracked) -> None:
        self._forget(key)
        self._items[key] = entry
        for tag in entry.depends:
            self._by_tag.setdefault(tag, set()).add(key)
        while len(self._items) > self._size:
            self._forget(next(iter(self._items)))

    def _forget(self, key: Key) -> _Tracked | None:
        entry = self._items.pop(key, None)
        if entry is not None:
            for tag in entry.depends:
                keys = self._by_tag.get(tag)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self._by_tag[tag]
        return entry

    def _drop_all(self) -> None:
        self._items.clear()
        self._by_tag.clear()
        self.generation += 1

    def begin_write(self) -> None:
        """A write is being applied: what is computed from now on is not kept.

        Until :meth:`invalidate` (or :meth:`clear`, when the write failed) a
        reader that already sees the write's version computes its answer
        without keeping it, rather than taking the version for a stranger's
        write and dropping everything.
        """
        with self._lock:
            self.generation += 1
            self._writing = True

    def invalidate(self, touched: frozenset[str], before: str, after: str) -> list[Stale]:
        """Drop the entries `touched` concerns, carry the rest from version `before` over to `after`.

        Returns the dropped answers with their questions, to be asked again. Entries
        of another version than `before` cannot be carried over: all go.
        """
        with self._lock:
            self.generation += 1
            self._writing = False
            if self.version != before:
                self._drop_all()
                self.version = after
                return []
            keys = set().union(*(self._by_tag.get(tag, ()) for tag in touched))
            dropped = [self._forget(key) for key in keys]
            self.version = after
            return [Stale(e.question, e.value) for e in dropped if e is not None and e.question is not None]

    def clear(self) -> None:
        with self._lock:
            self._drop_all()
            self.version = None
            self._writing = False
