"""Rate limits per API key, and admission control for user SPARQL (503 + Retry-After at once).

No test here measures time: the pool's state is read directly (a query holds
the only worker), so each outcome follows from the order of events alone.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import httpx
import pytest
from tests.conftest import start_server
from tests.test_hardening import JSON_RESULTS, RUNAWAY, SMALL, pool_of, run_coroutine
from tests.test_workflow import make_keys

from imvokg.config import Settings
from imvokg.store.sandbox import PoolBusy, SparqlPool


def test_rate_limit_per_api_key_across_addresses(store_path: Path, tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys.json")
    live = start_server(
        Settings(
            store_path=store_path,
            read_only=True,
            api_keys_file=tmp_path / "keys.json",
            key_rate_per_s=0.01,  # a burst of 3 per key, then (practically) no refill during the test
            key_burst=3,
            sparql_workers=0,
        )
    )

    def client(who: str, address: str) -> httpx.Client:
        return httpx.Client(
            base_url=live.url,
            timeout=30,
            headers={"Authorization": f"Bearer {keys[who]}"},
            transport=httpx.HTTPTransport(local_address=address),
        )

    try:
        with client("alice", "127.0.0.1") as first, client("alice", "127.0.0.2") as second:
            statuses = [first.get("/api/v1/submissions").status_code for _ in range(2)]
            statuses.append(second.get("/api/v1/submissions").status_code)
            limited = second.get("/api/v1/submissions")  # the same key from another address: same bucket
        assert statuses == [200, 200, 200], statuses
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        body = limited.json()
        assert limited.headers["content-type"].startswith("application/problem+json")
        assert (body["status"], body["error"]) == (429, "too_many_requests") and body["detail"]
        assert "API key" in limited.json()["detail"]
        with client("erin", "127.0.0.1") as other:  # another key is not affected
            assert other.get("/api/v1/submissions").status_code == 200
        no_key = httpx.get(live.url + "/api/v1/agreements", timeout=30)
        assert no_key.status_code == 200  # a request without a key is not counted
    finally:
        live.stop()


async def _wait_until(condition, within_s: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within_s  # only ends a hung run
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.01)


@pytest.mark.slow  # starts a worker process and waits out a runaway's two-second deadline
def test_a_full_line_is_refused_at_once_not_queued(store_path: Path) -> None:
    """One worker, a line of one: a runaway holds the worker, one query waits, the next is refused."""

    async def scenario() -> tuple[type, type, int]:
        pool = SparqlPool(store_path, size=1, queue=1, timeout_s=2.0)
        await pool.start()
        try:
            run = {"result_media_type": JSON_RESULTS, "graph_media_type": "text/turtle"}
            holding = asyncio.ensure_future(pool.run(RUNAWAY, **run))
            await _wait_until(lambda: pool._idle is not None and pool._idle.empty())
            waiting = asyncio.ensure_future(pool.run(SMALL, **run))
            await _wait_until(lambda: pool._waiting == 1)
            with pytest.raises(PoolBusy) as refused:
                await pool.run(SMALL, **run)
            outcomes = await asyncio.gather(holding, waiting, return_exceptions=True)
            return refused.type, type(outcomes[0]), pool.refused
        finally:
            pool.close()

    refused, runaway, count = run_coroutine(scenario())
    assert refused is PoolBusy and count == 1
    assert runaway.__name__ == "QueryTimeout"


@pytest.mark.slow  # fills the worker pool with long queries
def test_busy_sparql_over_http_is_503_with_retry_after(store_path: Path) -> None:
    live = start_server(
        Settings(
            store_path=store_path,
            read_only=True,
            sparql_workers=1,
            sparql_queue=0,
            query_timeout_s=3.0,
            sparql_rate_per_s=0,
        )
    )
    try:
        pool = pool_of(live)
        holder = threading.Thread(
            target=lambda: httpx.get(live.url + "/sparql", params={"query": RUNAWAY}, timeout=30)
        )
        holder.start()
        deadline = time.monotonic() + 30
        while not pool._idle.empty() and time.monotonic() < deadline:  # type: ignore[union-attr]
            time.sleep(0.01)
        busy = httpx.get(live.url + "/sparql", params={"query": SMALL + " # busy"}, timeout=30)
        holder.join(timeout=30)
        assert busy.status_code == 503, busy.text
        assert busy.json()["error"] == "server_busy"
        assert int(busy.headers["retry-after"]) >= 1
        # nothing in the way of the other routes meanwhile
        assert httpx.get(live.url + "/healthz", timeout=30).status_code == 200
    finally:
        live.stop()


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="SCHED_BATCH is Linux's")
def test_workers_run_below_the_api_process(store_path: Path) -> None:
    """Every query worker runs at nice 10 above the API process and under SCHED_BATCH."""

    async def scenario() -> list[tuple[int, int]]:
        pool = SparqlPool(store_path, size=2, queue=0, timeout_s=10.0)
        await pool.start()
        try:
            run = {"result_media_type": JSON_RESULTS, "graph_media_type": "text/turtle"}
            await asyncio.gather(pool.run(SMALL, **run), pool.run(SMALL, **run))  # both past their start
            return [(os.sched_getscheduler(pid), os.getpriority(os.PRIO_PROCESS, pid)) for pid in pool.pids()]
        finally:
            pool.close()

    workers = run_coroutine(scenario())
    assert len(workers) == 2
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert all(policy == os.SCHED_BATCH and nice >= min(own + 10, 19) for policy, nice in workers), workers
