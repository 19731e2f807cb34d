"""Running named queries for services, with answers cached per store version (``imvokg.cache``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from imvokg.cache import Answer, Key, Part, Question, VersionedCache
from imvokg.languages import choose
from imvokg.queries import QueryRegistry
from imvokg.store.base import Row, SelectResult, Store, Term, with_rows
from imvokg.store.results import serialize_select

Accelerator = Callable[[Mapping[str, Term]], SelectResult]
"""Answers a named SELECT query from an index instead of the store, with the same rows."""

T = TypeVar("T")

_recording = threading.local()


def _record(names: tuple[str, ...]) -> None:
    """Note named queries for every answer being computed on this thread."""
    for ran in getattr(_recording, "stack", ()):
        ran.update(dict.fromkeys(names))


def _recorded(compute: Callable[[], T]) -> tuple[T, tuple[str, ...]]:
    """`compute()` and the named queries it ran, in the order they first ran."""
    stack: list[dict[str, None]] = _recording.__dict__.setdefault("stack", [])
    stack.append({})
    try:
        value = compute()
    finally:
        ran = stack.pop()
    return value, tuple(ran)


def lang_term(lang: str | None) -> Term:
    """The `lang` parameter of the named queries, as a literal; unknown languages become English."""
    return Term.literal(choose(lang))


def row_value(row: Row, name: str) -> str | int | float | bool | None:
    """One cell of a result row as a Python value for JSON (numbers typed; None when unbound)."""
    term = row.get(name)
    return None if term is None else term.python()


def row_text(row: Row, name: str) -> str | None:
    """One cell as text (IRIs, labels, space-separated lists); None when unbound."""
    term = row.get(name)
    return None if term is None else term.value


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
        _record((name,))
        bound = dict(bindings or {})
        accelerator = self.accelerators.get(name)
        if accelerator is not None:
            return accelerator(bound)
        return self.store.select(query.text, bindings=bound)

    def select_rows(
        self, name: str, variable: str, terms: Sequence[Term], bindings: Mapping[str, Term] | None = None
    ) -> SelectResult:
        """The named SELECT query `name` asked of many values of `variable` at once (one VALUES row each)."""
        query = self.registry.get(name)
        _record((name,))
        return self.store.select(with_rows(query.text, variable, terms), bindings=dict(bindings or {}))

    def ask_named(self, name: str, bindings: Mapping[str, Term] | None = None) -> bool:
        """Run the named ASK query `name`."""
        query = self.registry.get(name)
        if query.kind != "ASK":
            raise ValueError(f"'{name}' is not an ASK query")
        _record((name,))
        return self.store.ask(query.text, bindings=dict(bindings or {}))

    def construct_named(self, name: str, bindings: Mapping[str, Term] | None = None) -> bytes:
        """Run the named CONSTRUCT or DESCRIBE query `name`; N-Triples."""
        query = self.registry.get(name)
        if query.kind not in {"CONSTRUCT", "DESCRIBE"}:
            raise ValueError(f"'{name}' is not a CONSTRUCT or DESCRIBE query")
        _record((name,))
        return self.store.construct(query.text, bindings=dict(bindings or {}))

    def serialized(
        self, name: str, bindings: Mapping[str, Term], *, result_media_type: str, graph_media_type: str
    ) -> tuple[bytes, str]:
        """The answer of a named query as bytes in the media type asked for."""
        query = self.registry.get(name)
        _record((name,))
        if name in self.accelerators:
            return serialize_select(self.select(name, bindings), result_media_type), result_media_type
        return self.store.query_serialized(
            query.text,
            result_media_type=result_media_type,
            graph_media_type=graph_media_type,
            bindings=bindings,
        )

    def cached(self, key: Key, compute: Callable[[], T]) -> T:
        """A value cached for this store version (parts of answers: existence checks, page rows)."""
        part: Part[T] = self.cache.get_or_compute((self.version(), *key), lambda: Part(*_recorded(compute)))
        _record(part.queries)  # a hit still counts for the answer being computed
        return part.value

    def answer(self, question: Question[T]) -> Answer[T]:
        """The answer to `question` for this store version: one cache entry, value and JSON bytes."""
        answer: Answer[T] = self.cache.get_or_compute(
            (self.version(), *question.key), lambda: Answer(*_recorded(question.compute))
        )
        _record(answer.queries)
        return answer

    def ask(self, question: Question[T]) -> T:
        """The value of :meth:`answer` (what services hand to each other and to pages)."""
        return self.answer(question).value

    def peek_answer(self, question: Question[T]) -> Answer[T] | None:
        """The cached answer when it is at hand without I/O (see :meth:`peek`)."""
        found = self.peek(question.key)
        return found if isinstance(found, Answer) else None

    def peek(self, key: Key) -> object | None:
        """The cached answer when both the version and the answer are at hand without I/O.

        The web layer calls this on the event loop: a hit is a dictionary lookup,
        a miss (None) sends the work to a thread as before.
        """
        version = self.store.known_version()
        if version is None:
            return None
        found = self.cache.peek((version, *key))
        return found.value if isinstance(found, Part) else found
