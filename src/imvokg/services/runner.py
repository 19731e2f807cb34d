"""Running named queries for services, with answers cached per store version.

Writes are rare (builds, approvals) and every write changes the store's
version, so caching on (query, bindings, version) is always fresh: the first
request after a write misses, every later one is a dictionary lookup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TypeVar

from imvokg.languages import choose
from imvokg.queries import QueryRegistry
from imvokg.store.base import Row, SelectResult, Store, Term
from imvokg.store.results import serialize_select

Accelerator = Callable[[Mapping[str, Term]], SelectResult]
"""Answers a named SELECT query from an index instead of the store, with the same rows."""

T = TypeVar("T")


def lang_term(lang: str | None) -> Term:
    """The `lang` parameter of the named queries, as a literal; unknown languages become English."""
    return Term.literal(choose(lang))


def row_value(row: Row, name: str) -> object:
    """One cell of a result row as a Python value (None when unbound)."""
    term = row.get(name)
    return None if term is None else term.python()


class VersionedCache:
    """A small LRU cache whose keys include the store version."""

    def __init__(self, size: int = 2048) -> None:
        self._items: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
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

    def put(self, key: tuple[object, ...], value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            if len(self._items) > self._size:
                self._items.popitem(last=False)

    def peek(self, key: tuple[object, ...]) -> object | None:
        """The cached value or None, without computing anything."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        return None


class QueryRunner:
    """Named queries against one store, by name, with typed bindings."""

    def __init__(self, store: Store, registry: QueryRegistry, cache: VersionedCache | None = None) -> None:
        self.store = store
        self.registry = registry
        self.cache = cache or VersionedCache()
        self.accelerators: dict[str, Accelerator] = {}

    def version(self) -> str:
        return self.store.version()

    def accelerate(self, name: str, answer: Accelerator) -> None:
        """Answer the named SELECT query `name` with `answer` (tests hold it to the query's rows)."""
        if self.registry.get(name).kind != "SELECT":
            raise ValueError(f"only SELECT queries can be answered from an index, not '{name}'")
        self.accelerators[name] = answer

    def select(self, name: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        query = self.registry.get(name)
        bound = dict(bindings or {})
        accelerator = self.accelerators.get(name)
        if accelerator is not None:
            return accelerator(bound)
        return self.store.select(query.text, bindings=bound)

    def serialized(
        self, name: str, bindings: Mapping[str, Term], *, result_media_type: str, graph_media_type: str
    ) -> tuple[bytes, str]:
        """The answer of a named query as bytes in the media type asked for."""
        query = self.registry.get(name)
        if name in self.accelerators:
            return serialize_select(self.select(name, bindings), result_media_type), result_media_type
        return self.store.query_serialized(
            query.text,
            result_media_type=result_media_type,
            graph_media_type=graph_media_type,
            bindings=bindings,
        )

    def cached(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        return self.cache.get_or_compute((self.version(), *key), compute)

    def peek(self, key: tuple[object, ...]) -> object | None:
        """The cached answer when both the version and the answer are at hand without I/O.

        The web layer calls this on the event loop: a hit is a dictionary lookup,
        a miss (None) sends the work to a thread as before.
        """
        version = self.store.known_version()
        if version is None:
            return None
        return self.cache.peek((version, *key))
