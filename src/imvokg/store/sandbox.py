"""Untrusted SPARQL runs in worker processes, never in the API process.

pyoxigraph has no query timeout, no cancellation and no memory bound, and a
deeply nested query overflows its stack and kills the process (segfault). So
user SPARQL from ``/sparql`` goes to a small pool of worker processes:

- each worker opens the embedded store with ``Store.read_only`` (RocksDB
  allows this while the API process holds the store read-write; a read-only
  instance sees the store as it was when it opened, so a worker reopens it
  when the main process reports a new data version);
- each job has a hard deadline: a worker that has not answered by then is
  killed with SIGKILL and replaced, and the caller gets ``QueryTimeout``;
- a worker that dies (segfault, abort on an allocation over its
  ``RLIMIT_AS`` cap) is replaced, and the caller gets ``QueryCrashed``;
- answers over the row or byte cap are refused (``ResultTooLarge``), never
  truncated.

Workers start from a ``forkserver`` that has already imported pyoxigraph, so
replacing a killed worker takes milliseconds, and no worker inherits the API
process's threads or open store handles. The waiting for a worker happens on
a dedicated thread per job in flight (at most ``size``), so the server's
general thread pool, which serves named queries and pages, is never held by
a heavy query.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from imvokg.config import Settings
from imvokg.errors import (
    ImvokgError,
    InputError,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    UnreadableInput,
)
from imvokg.messages import N_

log = logging.getLogger("imvokg.sandbox")

_START_TIMEOUT_S = 60.0
_NICENESS = 10
"""Workers run at nice 10 and, on Linux, under SCHED_BATCH: the scheduler treats them as CPU-bound
and a worker that wakes up does not preempt a running API thread (a page, a named query,
/healthz), so heavy queries take the CPU the API process leaves rather than cutting into its answers."""


class ResultTooLarge(InputError):
    """The answer is over the row or byte cap: refused whole, never cut short."""

    code = "result_too_large"


class QueryCrashed(InputError):
    """The query killed its worker (too deep, or over the memory cap); a 400 because the query caused it."""

    code = "query_failed"


class PoolBusy(StoreError):
    """No worker became free before the deadline (503, the client may retry)."""

    code = "server_busy"


@dataclass(frozen=True)
class Job:
    """One query for a worker; plain data so it pickles small."""

    query: str
    result_media_type: str
    graph_media_type: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    version: str = ""
    snapshot: str = ""
    """A snapshot of the registry to answer from (``/sparql?release=``) instead of the store."""


@dataclass(frozen=True)
class Limits:
    """What a worker may use, and how big an answer may be."""

    memory_bytes: int
    result_rows: int
    result_bytes: int


# Errors a worker may report, rebuilt in the API process from their class name and
# the project's own detail text (never a library's message or traceback).
_ERRORS: dict[str, type[ImvokgError]] = {
    cls.__name__: cls
    for cls in (InputError, QuerySyntaxError, UnreadableInput, StoreError, ResultTooLarge, QueryCrashed)
}


# -- inside the worker -------------------------------------------------------


def count_answers(body: bytes, media_type: str) -> int:
    """Rows of a serialised result (or triples of a graph); used only when the body could be over the cap."""
    import pyoxigraph as ox

    if media_type == "text/tab-separated-values":
        return max(body.count(b"\n") - 1, 0)  # TSV escapes newlines inside terms
    if media_type == "application/n-triples":
        return body.count(b"\n")
    if media_type == "text/csv":  # pyoxigraph cannot parse CSV results; quoted fields may hold newlines
        return max(sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1, 0)
    results = ox.QueryResultsFormat.from_media_type(media_type)
    if results is not None:
        parsed = ox.parse_query_results(body, format=results)
        if isinstance(parsed, ox.QueryBoolean):
            return 1
        return sum(1 for _ in parsed)
    graph = ox.RdfFormat.from_media_type(media_type)
    if graph is None:
        raise ValueError(f"cannot count answers in {media_type}")
    return sum(1 for _ in ox.parse(body, format=graph))


def answer(store: Any, job: Job, limits: Limits) -> tuple[bytes, str]:
    """Run one job on a store and enforce the result caps."""
    body, produced = store.query_serialized(
        job.query,
        result_media_type=job.result_media_type,
        graph_media_type=job.graph_media_type,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
    )
    if len(body) > limits.result_bytes:
        raise ResultTooLarge(
            N_("the answer is larger than %(result_bytes)s bytes; add a LIMIT or narrow the query"),
            result_bytes=limits.result_bytes,
        )
    # Every row takes at least one byte in every format, so a short body needs no count.
    if len(body) > limits.result_rows and count_answers(body, produced) > limits.result_rows:
        raise ResultTooLarge(
            N_("the answer has more than %(result_rows)s rows; add a LIMIT (and OFFSET to page)"),
            result_rows=limits.result_rows,
        )
    return body, produced


def _worker_main(conn: Connection, store_path: str, limits: Limits) -> None:
    """A worker's whole life: cap itself, open the store read-only, answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the API process decides when workers stop
    with contextlib.suppress(OSError):
        os.nice(_NICENESS)  # the API process (pages, named queries, health) gets the CPU first
    if hasattr(os, "SCHED_BATCH"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    from imvokg.store.embedded import EmbeddedStore

    def open_store() -> tuple[EmbeddedStore, str]:
        opened = EmbeddedStore(Path(store_path), read_only=True)
        return opened, opened.version()

    try:
        store, version = open_store()
    except ImvokgError as exc:
        conn.send(("error", type(exc).__name__, exc.msgid, _plain(exc.context)))
        return
    conn.send(("ready", version))
    release: tuple[str, Any] | None = None  # the snapshot last asked for, kept open for the next job
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            if job.snapshot:
                if release is None or release[0] != job.snapshot:
                    from imvokg.store import open_snapshot

                    if release is not None:
                        release[1].close()
                    release = (job.snapshot, open_snapshot(Path(job.snapshot)))
                body, produced = answer(release[1], job, limits)
                conn.send(("ok", body, produced))
                continue
            if job.version and job.version != version:
                store.close()
                store, version = open_store()
            try:
                body, produced = answer(store, job, limits)
            except StoreError as exc:
                if isinstance(exc, QueryTimeout):
                    raise
                # A read-only view can lose a file the writer compacted away (right after a write
                # and its snapshot): open the store afresh and ask once more.
                store.close()
                store, version = open_store()
                body, produced = answer(store, job, limits)
            conn.send(("ok", body, produced))
        except ImvokgError as exc:
            name = type(exc).__name__ if type(exc).__name__ in _ERRORS else "StoreError"
            conn.send(("error", name, exc.msgid, _plain(exc.context)))
        except MemoryError:
            conn.send(("error", "QueryCrashed", _MEMORY_DETAIL, {}))
        except Exception:  # a library error we did not foresee: the detail stays in our log
            log.exception("query worker error")
            conn.send(("error", "StoreError", N_("the store could not answer the query"), {}))


_MEMORY_DETAIL = N_("the query needs more memory than a query may use here; narrow it or add a LIMIT")
_CRASH_DETAIL = N_(
    "the query stopped the query engine (it nests too deep or needs too much memory); "
    "simplify it or add a LIMIT"
)


def _plain(context: dict[str, object]) -> dict[str, str]:
    """An error's placeholder values as text, so they cross the pipe to the parent."""
    return {key: str(value) for key, value in context.items()}


# -- in the API process -----------------------------------------------------


class _Worker:
    """One worker process and the API process's end of its pipe."""

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    @property
    def pid(self) -> int | None:
        return self.process.pid  # type: ignore[no-any-return]

    def kill(self) -> None:
        """SIGKILL and reap: a stuck worker cannot be asked nicely."""
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(OSError):
            self.conn.close()


class SparqlPool:
    """A fixed number of worker processes for untrusted SPARQL, each job with a hard deadline."""

    def __init__(
        self,
        store_path: Path,
        *,
        size: int = 2,
        timeout_s: float = 10.0,
        memory_mb: int = 2048,
        result_rows: int = 10_000,
        result_bytes: int = 32 * 1024 * 1024,
        queue: int = 4,
    ) -> None:
        self.store_path = Path(store_path)
        self.size = max(1, size)
        self.queue = max(0, queue)
        self._waiting = 0
        self.refused = 0
        """Requests answered 503 at once because ``queue`` others were already waiting."""
        self.timeout_s = timeout_s
        self.limits = Limits(memory_mb * 1024 * 1024, result_rows, result_bytes)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["imvokg.store.sandbox", "imvokg.store.embedded"])
        self._executor = ThreadPoolExecutor(max_workers=self.size + 1, thread_name_prefix="sparql-pool")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0
        """Workers killed and replaced (timeouts and crashes), for tests and figures."""

    # -- life cycle --
    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(
            *(self._loop.run_in_executor(self._executor, self._spawn) for _ in range(self.size))
        )
        for worker in workers:
            self._idle.put_nowait(worker)

    def close(self) -> None:
        """Stop every worker (jobs in flight are abandoned) and the waiting threads."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
            worker.process.join(timeout=1)
            if worker.process.is_alive():
                worker.kill()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._lock:
            return [w.pid for w in self._workers if w.pid is not None]

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker_main,
            args=(child, str(self.store_path), self.limits),
            name="imvokg-sparql-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        if not parent.poll(_START_TIMEOUT_S):
            worker.kill()
            raise StoreError(N_("a query worker did not start"))
        try:
            message = parent.recv()
        except (EOFError, OSError):
            worker.kill()
            log.error("a query worker died while opening the store (exit code %s)", process.exitcode)
            raise StoreError(N_("a query worker could not open the store")) from None
        if message[0] != "ready":
            worker.kill()
            log.error("a query worker could not open the store at %s: %s", self.store_path, message[-1])
            raise StoreError(N_("a query worker could not open the store"))
        with self._lock:
            self._workers.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        """Hand a healthy worker back (from any thread)."""
        if self._loop is not None and self._idle is not None and not self._closed:
            self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)

    def _retire(self, worker: _Worker, why: str) -> None:
        """Kill a worker and start its replacement, off the request's path."""
        log.warning("query worker %s %s; replacing it", worker.pid, why)
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        log.warning("query worker %s exit code %s", worker.pid, worker.process.exitcode)
        self.replaced += 1
        if self._closed:
            return
        threading.Thread(target=self._replace, name="sparql-pool-replace", daemon=True).start()

    def _replace(self) -> None:
        for attempt in range(5):
            if self._closed:
                return
            try:
                self._release(self._spawn())
                return
            except StoreError:
                log.error("could not start a replacement query worker (attempt %d)", attempt + 1)
                time.sleep(0.5 * (attempt + 1))

    # -- running --
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
    ) -> tuple[bytes, str]:
        """Run a query in a worker within the deadline; raise a project error for every failure.

        ``snapshot`` names a snapshot directory (or N-Quads file) to answer from instead of the store.
        """
        if self._idle is None or self._loop is None:
            raise StoreError(N_("the query workers are not running"))
        deadline = time.monotonic() + self.timeout_s
        job = Job(
            query,
            result_media_type,
            graph_media_type,
            tuple(default_graphs),
            tuple(named_graphs),
            version,
            snapshot,
        )
        while True:
            worker = await self._admit(deadline)
            # The thread owns the worker from here on: even if this request is cancelled,
            # the thread returns the worker to the pool or kills it.
            message = await asyncio.wrap_future(self._executor.submit(self._serve, worker, job, deadline))
            if message[0] != "dead":
                break  # "dead": it died while idle, before it saw this job; try the next one
        kind = message[0]
        if kind == "ok":
            return message[1], message[2]
        if kind == "timeout":
            raise QueryTimeout(
                N_(
                    "the query did not finish within %(timeout_s)s s and "
                    "was stopped; narrow it or add a LIMIT"
                ),
                timeout_s=format(self.timeout_s, "g"),
            )
        if kind == "crashed":
            raise QueryCrashed(_CRASH_DETAIL)
        raise _ERRORS.get(message[1], StoreError)(message[2], **message[3])

    async def _admit(self, deadline: float) -> _Worker:
        """A worker now if one is idle; else wait in a bounded line, or 503 at once when it is full."""
        assert self._idle is not None
        if self._idle.empty() and self._waiting >= self.queue:
            self.refused += 1
            raise PoolBusy("every query worker is busy and others are waiting; try again shortly")
        self._waiting += 1
        try:
            return await self._acquire(deadline)
        finally:
            self._waiting -= 1

    async def _acquire(self, deadline: float) -> _Worker:
        """An idle, live worker; a worker that died while idle is replaced, not handed out."""
        assert self._idle is not None
        while True:
            try:
                worker = await asyncio.wait_for(self._idle.get(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise PoolBusy(
                    N_("every query worker stayed busy for %(timeout_s)s s; try again shortly"),
                    timeout_s=format(self.timeout_s, "g"),
                ) from None
            if worker.process.is_alive():
                return worker
            self._retire(worker, "died while idle")

    def _serve(self, worker: _Worker, job: Job, deadline: float) -> tuple[Any, ...]:
        """Send one job and wait for the answer until the deadline (runs on a pool thread)."""
        try:
            worker.conn.send(job)
        except OSError:
            self._retire(worker, "died while idle")
            return ("dead",)
        try:
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker, "ran past the deadline")
                return ("timeout",)
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._retire(worker, "died")
            return ("crashed",)
        except BaseException:
            self._retire(worker, "failed")
            raise
        self._release(worker)
        return message  # type: ignore[no-any-return]


def pool_for(settings: Settings, store: object) -> SparqlPool | None:
    """The pool for an embedded on-disk store, or None (remote store, in-memory store, or turned off)."""
    path = getattr(store, "path", None)
    if settings.endpoint or settings.sparql_workers <= 0 or path is None:
        return None
    return SparqlPool(
        Path(path),
        size=settings.sparql_workers,
        timeout_s=settings.query_timeout_s,
        memory_mb=settings.worker_memory_mb,
        result_rows=settings.result_limit,
        result_bytes=settings.result_max_bytes,
        queue=settings.sparql_queue,
    )
