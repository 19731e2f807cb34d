"""Running named queries for services, with answers cached per store version (``imvokg.cache``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from imvokg.cache import Answer, Key, Question, VersionedCache
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

    def ask_named(self, name: str, bindings: Mapping[str, Term] | None = None) -> bool:
        """Run the named ASK query `name`."""
        query = self.registry.get(name)
        if query.kind != "ASK":
            raise ValueError(f"'{name}' is not an ASK query")
        return self.store.ask(query.text, bindings=dict(bindings or {}))

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

    def cached(self, key: Key, compute: Callable[[], T]) -> T:
        """A value cached for this store version (parts of answers: existence checks, page rows)."""
        return self.cache.get_or_compute((self.version(), *key), compute)

    def answer(self, question: Question[T]) -> Answer[T]:
        """The answer to `question` for this store version: one cache entry, value and JSON bytes."""
        return self.cache.get_or_compute((self.version(), *question.key), lambda: Answer(question.compute()))

    def ask(self, question: Question[T]) -> T:
        """The value of :meth:`answer` (what services hand to each other and to pages)."""
        return self.answer(question).value

    def peek_answer(self, question: Question[T]) -> Answer[T] | None:
        """The cached answer when it is at hand without I/O (see :meth:`peek`)."""
        found = self.peek(question.key)
        return found if isinstance(found, Answer) else None

    def peek(self, key: tuple[object, ...]) -> object | None:
        """The cached answer when both the version and the answer are at hand without I/O.

        The web layer calls this on the event loop: a hit is a dictionary lookup,
        a miss (None) sends the work to a thread as before.
        """
        version = self.store.known_version()
        if version is None:
            return None
        return self.cache.peek((version, *key))
