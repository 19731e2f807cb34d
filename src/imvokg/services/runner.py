"""Running named queries and writes for services, with answers cached (``imvokg.cache``).

Domain answers are tracked: each knows what it depends on, and a write made
through :meth:`QueryRunner.write` drops only the answers it touches and
computes them again before it returns (in a background thread, which the write
waits for up to :data:`REFRESH_WAIT_S`), so the reader after the write meets
warm answers while the registry changes; a reader during the refresh waits
for an answer being computed, or computes one not reached yet itself. A write this runner was not
told about (another process, a build) still changes the store version, and
then nothing carries over.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from imvokg.cache import (
    ANY,
    Answer,
    Key,
    Part,
    Question,
    Stale,
    TrackedCache,
    VersionedCache,
    named_iris,
    resource_tags,
    touched_by,
)
from imvokg.languages import choose
from imvokg.namespaces import ID
from imvokg.queries import QueryRegistry
from imvokg.store.base import Row, SelectResult, Store, Term, with_rows
from imvokg.store.results import serialize_select

Accelerator = Callable[[Mapping[str, Term]], SelectResult]
"""Answers a named SELECT query from an index instead of the store, with the same rows."""

T = TypeVar("T")

log = logging.getLogger("imvokg.runner")

REFRESH_WAIT_S = 2.0
"""How long a write waits for the answers it dropped to be computed again before it returns.

At a million triples an approval's refresh takes about 0.1 s; a refresh that takes longer
(a much larger store) goes on in the background after the write returns."""

_recording = threading.local()


class _Frame:
    """What one answer being computed has used so far: named queries, dependency tags."""

    def __init__(self) -> None:
        self.queries: dict[str, None] = {}
        self.tags: set[str] = set()


def _record(names: tuple[str, ...], tags: Iterable[str] = ()) -> None:
    """Note named queries (and what they depend on) for every answer being computed on this thread."""
    tags = tuple(tags)
    for frame in getattr(_recording, "stack", ()):
        frame.queries.update(dict.fromkeys(names))
        frame.tags.update(tags)


def tags_of(iris: Iterable[str]) -> frozenset[str]:
    """What an answer naming these IRIs depends on (``imvokg.cache``; the hubs are the agreements)."""
    return resource_tags(iris, str(ID["agreement/"]))


def note(tags: Iterable[str]) -> None:
    """Say that the answers being computed on this thread depend on `tags` (see ``imvokg.cache``)."""
    _record((), tags)


def _recorded(compute: Callable[[], T]) -> tuple[T, tuple[str, ...], frozenset[str]]:
    """`compute()`, the named queries it ran (in the order they first ran) and the tags it noted."""
    stack: list[_Frame] = _recording.__dict__.setdefault("stack", [])
    stack.append(_Frame())
    try:
        value = compute()
    finally:
        frame = stack.pop()
    return value, tuple(frame.queries), frozenset(frame.tags)


def _note_rows(result: SelectResult) -> None:
    """An answer depends on every resource its rows name, shown or not (as a slug, by its label)."""
    if getattr(_recording, "stack", None):
        note(tags_of(term.value for row in result.rows for term in row.values() if term.kind == "iri"))


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

    def __init__(
        self,
        store: Store,
        registry: QueryRegistry,
        cache: VersionedCache | None = None,
        *,
        refresh_wait_s: float | None = REFRESH_WAIT_S,
    ) -> None:
        self.store = store
        self.refresh_wait_s = refresh_wait_s
        """How long a write waits for its refresh (None: until it is done)."""
        self.registry = registry
        self.cache = cache or VersionedCache()
        self.tracked = TrackedCache()
        self.accelerators: dict[str, Accelerator] = {}
        self._write_lock = threading.RLock()
        self._stale: queue.SimpleQueue[tuple[list[Stale], frozenset[str], threading.Event] | None] = (
            queue.SimpleQueue()
        )
        self._after_write: list[Callable[[], None]] = []
        self._refresher: threading.Thread | None = None
        self._pending = 0
        self._settled = threading.Condition()

    def version(self) -> str:
        return self.store.version()

    def accelerate(self, name: str, answer: Accelerator) -> None:
        """Answer the named SELECT query `name` with `answer` (tests hold it to the query's rows)."""
        if self.registry.get(name).kind != "SELECT":
            raise ValueError(f"only SELECT queries can be answered from an index, not '{name}'")
        self.accelerators[name] = answer

    def after_write(self, refresh: Callable[[], None]) -> None:
        """Run `refresh` (an index keeping up with the store) as part of every write's refresh."""
        self._after_write.append(refresh)

    def select(self, name: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        query = self.registry.get(name)
        _record((name,))
        bound = dict(bindings or {})
        accelerator = self.accelerators.get(name)
        if accelerator is not None:
            result = accelerator(bound)
        else:
            result = self.store.select(query.text, bindings=bound)
        _note_rows(result)
        return result

    def select_rows(
        self, name: str, variable: str, terms: Sequence[Term], bindings: Mapping[str, Term] | None = None
    ) -> SelectResult:
        """The named SELECT query `name` asked of many values of `variable` at once (one VALUES row each)."""
        query = self.registry.get(name)
        _record((name,))
        result = self.store.select(with_rows(query.text, variable, terms), bindings=dict(bindings or {}))
        _note_rows(result)
        return result

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
        """A value cached for this store version (page rows, query texts: any write replaces it)."""
        part: Part[T] = self.cache.get_or_compute(
            (self.version(), *key), lambda: Part(*_recorded(compute)[:2])
        )
        _record(part.queries, (ANY,))  # a hit still counts for the answer being computed
        return part.value

    def tracked_part(self, key: Key, compute: Callable[[], T], scope: Iterable[str] = ()) -> T:
        """A piece of answers (an existence check, conformance rows) that survives unrelated writes.

        It depends on `scope`, on what its computation noted and on the resources its value names.
        """

        def run() -> tuple[Part[T], frozenset[str]]:
            value, queries, tags = _recorded(compute)
            depends = tags | frozenset(scope) | tags_of(named_iris(value))
            return Part(value, queries, depends), depends

        part: Part[T] = self.tracked.get_or_compute(self.version(), ("part", *key), run)
        _record(part.queries, part.depends)
        return part.value

    def answer(self, question: Question[T], *, depend: bool = True) -> Answer[T]:
        """The answer to `question`: one cache entry, value and JSON bytes.

        Inside another answer's computation, that answer depends on this one,
        unless `depend` is false: the caller notes for itself what of it it uses.
        """
        if question.scope is None:
            answer: Answer[T] = self.cache.get_or_compute(
                (self.version(), *question.key), lambda: Answer(*_recorded(question.compute)[:2])
            )
            _record(answer.queries, (ANY,))
            return answer
        answer = self._tracked_answer(question, question.compute)
        _record(answer.queries, answer.depends if depend else ())
        return answer

    def _tracked_answer(self, question: Question[T], compute: Callable[[], T]) -> Answer[T]:
        scope = question.scope or frozenset()

        def run() -> tuple[Answer[T], frozenset[str]]:
            value, queries, tags = _recorded(compute)
            depends = tags | scope | tags_of(named_iris(value))
            return Answer(value, queries, depends), depends

        answer: Answer[T] = self.tracked.get_or_compute(
            self.version(), ("answer", *question.key), run, question
        )
        return answer

    def _refreshed(self, stale: Stale, touched: frozenset[str]) -> Answer[Any]:
        """A dropped answer computed again: updated from the one before the write when its question can."""
        question, before = stale.question, stale.before
        if question.update is None or not isinstance(before, Answer):
            return self.answer(question)
        update = question.update

        def compute() -> Any:
            value = update(before.value, touched)
            if value is None:
                return question.compute()
            _record(before.queries, before.depends)  # what the rows it kept were read from
            return value

        return self._tracked_answer(question, compute)

    # -- writes ------------------------------------------------------------
    def write(self, graphs: Mapping[str, bytes]) -> None:
        """Replace named graphs (as ``Store.replace_graphs``) and keep the answers it does not touch.

        What the write touches is read off the triples it writes and those it
        replaces (every kind of write alike); the answers it touches are
        dropped at once and computed again (with the indexes registered by
        :meth:`after_write`) before this returns, or in the background once
        :data:`REFRESH_WAIT_S` has passed.
        """
        with self._write_lock:
            before = self.version()
            replaced = [
                self.store.construct(self.registry.get("graph-statements").text, bindings={"g": Term.iri(g)})
                for g in graphs
            ]
            self.tracked.begin_write()
            try:
                self.store.replace_graphs(graphs)
                touched = touched_by(zip(replaced, graphs.values(), strict=True))
                stale = self.tracked.invalidate(touched, before, self.version())
            except BaseException:
                self.tracked.clear()  # whatever the store holds now, nothing is assumed about it
                raise
        log.debug("a write touched %d tags; %d answers to compute again", len(touched), len(stale))
        if stale or self._after_write:
            self._refresh(stale, touched).wait(self.refresh_wait_s)

    def _refresh(self, stale: list[Stale], touched: frozenset[str]) -> threading.Event:
        done = threading.Event()
        with self._settled:
            self._pending += 1
            if self._refresher is None or not self._refresher.is_alive():
                self._refresher = threading.Thread(
                    target=self._refresh_loop, name="imvokg-refresh", daemon=True
                )
                self._refresher.start()
        self._stale.put((stale, touched, done))
        return done

    def _refresh_loop(self) -> None:
        while True:
            batch = self._stale.get()
            if batch is None:
                return
            stale, touched, done = batch
            try:
                for refresh in self._after_write:
                    try:
                        refresh()
                    except Exception:  # the index reads again on its next search
                        log.warning("refreshing an index after a write failed", exc_info=True)
                for item in dict((s.question.key, s) for s in stale).values():
                    try:
                        self._refreshed(item, touched).body  # noqa: B018  (encoding is part of being ready)
                    except Exception:  # an answer that fails now (404, a timeout) is asked again on demand
                        log.debug("refreshing %s failed", item.question.key, exc_info=True)
            finally:
                done.set()
                with self._settled:
                    self._pending -= 1
                    self._settled.notify_all()

    def settle(self) -> None:
        """Wait until the answers the writes so far dropped are computed again (tests, benchmarks)."""
        with self._settled:
            self._settled.wait_for(lambda: self._pending == 0)

    def ask(self, question: Question[T], *, depend: bool = True) -> T:
        """The value of :meth:`answer` (what services hand to each other and to pages)."""
        return self.answer(question, depend=depend).value

    def peek_answer(self, question: Question[T]) -> Answer[T] | None:
        """The cached answer when it is at hand without I/O (see :meth:`peek`)."""
        if question.scope is None:
            found = self.peek(question.key)
        else:
            version = self.store.known_version()
            found = None if version is None else self.tracked.peek(version, ("answer", *question.key))
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
