"""Caching, the one place: an LRU whose keys start with the store version, and the answer it holds.

Writes are rare (builds, approvals) and every write changes the store's
version, so anything keyed on (version, question) is always fresh: the first
request after a write misses, every later one is a dictionary lookup, and
old versions fall out of the LRU by themselves.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

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


@dataclass(frozen=True)
class Question(Generic[T]):
    """What to ask: a key (no I/O needed to build it) and how to compute the value."""

    key: Key
    compute: Callable[[], T]


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
