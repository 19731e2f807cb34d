"""The public endpoint stays up: deadlines, crashes, caps, limits, paths, CORS, headers, no leaks.

Everything runs against real servers on 127.0.0.1 with real worker processes;
request loops are bounded in count and in time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer, settings_for_tests, start_server

from imvokg.errors import QueryTimeout
from imvokg.store.sandbox import QueryCrashed, ResultTooLarge, SparqlPool, count_answers

pytestmark = pytest.mark.slow  # worker pools under load, deadlines, crashes

# ~0.3 s of CPU on the built graph: heavy, but it finishes.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?c . ?d a ?c }"
# Minutes of CPU on the built graph: only a deadline stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# pyoxigraph overflows its stack on this and the process dies (SIGSEGV).
TOO_DEEP = "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000
SMALL = "SELECT ?s WHERE { ?s a ?c } LIMIT 3"
JSON_RESULTS = "application/sparql-results+json"
SPARQL_QUERY = "application/sparql-query"
RDF_XML = "application/rdf+xml"
# Words and paths that would show an answer leaks internals: the checkout's own path among them.
LEAKS = (
    "Traceback", "pyoxigraph", "site-packages", str(Path(__file__).resolve().parents[1]),
    'File "', "rdflib", "starlette",
)  # fmt: skip


def run_coroutine(coroutine):  # type: ignore[no-untyped-def]
    """asyncio.run in a thread of its own: a browser test may leave a loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def hard(store_path: Path) -> Iterator[LiveServer]:
    """A server with tight limits so each one can be hit quickly; no rate limit here."""
    live = start_server(
        settings_for_tests(
            store_path=store_path,
            query_timeout_s=1.5,
            result_limit=50,
            max_body_bytes=10_000,
            max_query_chars=5_000,
            read_only=True,  # the session server may hold the store read-write
        )
    )
    yield live
    live.stop()


@pytest.fixture()
def http(hard: LiveServer) -> Iterator[httpx.Client]:
    """A client of the tight server, once its query workers are all back.

    A test before may have had workers killed (timeouts, crashes); their replacements start in
    the background and, on a busy machine, may still be starting when the next test begins, and
    a query would then wait for a worker longer than the 1.5 s deadline allows.
    """
    wait_for_workers(pool_of(hard), pool_of(hard).size)
    with httpx.Client(base_url=hard.url, timeout=30) as client:
        yield client


def pool_of(live: LiveServer) -> SparqlPool:
    return live.server.config.app.state.services.sparql.pool  # type: ignore[no-any-return,union-attr]


def wait_for_workers(pool: SparqlPool, count: int, within_s: float = 30) -> None:
    deadline = time.monotonic() + within_s
    while len(pool.pids()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pool.pids()) == count, "the pool did not get back to full strength"


def answered_after_busy(http: httpx.Client, query: str, within_s: float = 60) -> httpx.Response:
    """The answer to a query, retried while the pool says it is busy (503 server_busy)."""
    deadline = time.monotonic() + within_s
    while True:
        response = http.get("/sparql", params={"query": query})
        busy = response.status_code == 503 and response.json()["error"] == "server_busy"
        if not busy or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def assert_clean(response: httpx.Response) -> None:
    for needle in LEAKS:
        assert needle not in response.text, f"{needle!r} leaked in {response.status_code} answer"


# -- the pool itself ---------------------------------------------------------


def run_pool(pool: SparqlPool, query: str, media: str = JSON_RESULTS) -> tuple[bytes, str]:
    async def go() -> tuple[bytes, str]:
        if pool._idle is None:
            await pool.start()
        return await pool.run(query, result_media_type=media, graph_media_type="text/turtle")

    return run_coroutine(go())


def test_pool_survives_crash_timeout_and_memory(store_path: Path) -> None:
    """One event loop, one pool: a segfault, a runaway and a memory hog each lose only their worker."""

    async def scenario() -> dict[str, object]:
        pool = SparqlPool(store_path, size=1, timeout_s=1.0, memory_mb=1024, result_rows=100)
        await pool.start()
        seen: dict[str, object] = {}
        try:
            first = pool.pids()
            for name, query in (("deep", TOO_DEEP), ("runaway", RUNAWAY)):
                started = time.monotonic()
                try:
                    await pool.run(query, result_media_type=JSON_RESULTS, graph_media_type="text/turtle")
                except Exception as exc:
                    seen[name] = (type(exc), time.monotonic() - started)
                body, _ = await pool.run(
                    SMALL, result_media_type=JSON_RESULTS, graph_media_type="text/turtle"
                )
                seen[name + "-after"] = body
            hog = "SELECT (GROUP_CONCAT(STR(?a)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f }"
            try:
                await pool.run(hog, result_media_type=JSON_RESULTS, graph_media_type="text/turtle")
            except Exception as exc:
                seen["hog"] = (type(exc), 0.0)
            body, _ = await pool.run(SMALL, result_media_type=JSON_RESULTS, graph_media_type="text/turtle")
            seen["hog-after"] = body
            seen["replaced"] = pool.replaced
            seen["first"], seen["last"] = first, pool.pids()
        finally:
            pool.close()
        return seen

    seen = run_coroutine(scenario())
    assert seen["deep"][0] is QueryCrashed  # type: ignore[index]
    assert seen["runaway"][0] is QueryTimeout  # type: ignore[index]
    assert seen["runaway"][1] < 3.0, "the deadline did not stop the runaway query"  # type: ignore[index]
    assert seen["hog"][0] in (QueryCrashed, QueryTimeout)  # type: ignore[index]
    for name in ("deep-after", "runaway-after", "hog-after"):
        assert b'"bindings":[{' in seen[name]  # type: ignore[operator]
    assert seen["replaced"] == 3
    assert seen["first"] != seen["last"]


@pytest.mark.parametrize(
    "media",
    [JSON_RESULTS, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
def test_row_count_is_exact_in_every_format(media: str, store_path: Path) -> None:
    from imvokg.store.embedded import EmbeddedStore

    store = EmbeddedStore(store_path, read_only=True)
    try:
        query = 'SELECT ?s ?l WHERE { ?s ?p ?l FILTER(CONTAINS(STR(?l), "\\n")) } LIMIT 37'
        body, produced = store.query_serialized(
            query, result_media_type=media, graph_media_type="text/turtle"
        )
        plain = store.select(query)
    finally:
        store.close()
    assert count_answers(body, produced) == len(plain)


# -- deadlines, crashes and caps over HTTP -------------------------------------


def test_runaway_query_gets_503_json_within_the_deadline(http: httpx.Client) -> None:
    started = time.monotonic()
    response = http.post("/sparql", data={"query": RUNAWAY}, headers={"Accept": "text/csv"})
    took = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["error"] == "query_timeout"
    assert int(response.headers["retry-after"]) >= 1
    assert took < 5
    assert_clean(response)
    assert http.get("/sparql", params={"query": SMALL}).status_code == 200


def test_killed_worker_gives_a_clear_error_and_is_replaced(hard: LiveServer, http: httpx.Client) -> None:
    pool = pool_of(hard)
    wait_for_workers(pool, pool.size)
    before = set(pool.pids())
    result: dict[str, httpx.Response] = {}
    thread = threading.Thread(
        target=lambda: result.setdefault("r", http.get("/sparql", params={"query": RUNAWAY}))
    )
    thread.start()
    time.sleep(0.5)
    # the busy worker is the one burning CPU; kill every worker to be sure to hit it
    for pid in before:
        os.kill(pid, signal.SIGKILL)
    thread.join(timeout=10)
    response = result["r"]
    assert response.status_code in (400, 503)
    assert response.json()["error"] in ("query_failed", "query_timeout")
    assert_clean(response)
    # a worker killed while idle is noticed when next picked and never handed a query: each
    # query answers (a different query each time: a repeated one would come from the answer
    # cache). While every replacement is still starting (seconds on a busy machine) the pool
    # may say "busy, retry" (503 server_busy); that is the documented answer, so retry it.
    for limit in range(pool.size + 1):
        assert answered_after_busy(http, f"{SMALL} OFFSET {limit}").status_code == 200
    wait_for_workers(pool, pool.size)
    assert not before & set(pool.pids())


@pytest.fixture(scope="module")
def capped(store_path: Path) -> Iterator[httpx.Client]:
    """A server with the small result caps of the tight one but a deadline no machine misses.

    What a cap refuses must not depend on how busy the machine is: on the tight server's 1.5 s
    deadline a full scan may be stopped as a timeout (503) before the cap refuses it (400).
    """
    live = start_server(
        settings_for_tests(store_path=store_path, result_limit=50, query_timeout_s=60, read_only=True)
    )
    with httpx.Client(base_url=live.url, timeout=120) as client:
        yield client
    live.stop()


def test_too_many_rows_is_refused_not_truncated(capped: httpx.Client) -> None:
    http = capped
    response = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "csv"})
    assert response.status_code == 400
    assert response.json()["error"] == "result_too_large"
    assert "50 rows" in response.json()["detail"]
    ok = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 50", "format": "csv"})
    assert ok.status_code == 200
    assert ok.text.count("\n") == 51


def test_too_many_triples_is_refused(capped: httpx.Client) -> None:
    http = capped
    response = http.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "result_too_large"


def test_result_byte_cap(store_path: Path) -> None:
    async def go() -> None:
        pool = SparqlPool(store_path, size=1, result_bytes=1_000, result_rows=10**9)
        await pool.start()
        try:
            with pytest.raises(ResultTooLarge, match="1000 bytes"):
                await pool.run(
                    "SELECT * WHERE { ?s ?p ?o } LIMIT 100",
                    result_media_type=JSON_RESULTS,
                    graph_media_type="text/turtle",
                )
        finally:
            pool.close()

    run_coroutine(go())


# -- bounded before any parser ------------------------------------------------


def test_query_size_and_nesting_are_refused_before_parsing(hard: LiveServer, http: httpx.Client) -> None:
    pool = pool_of(hard)
    wait_for_workers(pool, pool.size)
    replaced = pool.replaced
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5_000
    response = http.post("/sparql", content=long, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "longer than 5000 characters" in response.json()["detail"]
    deep = "SELECT * WHERE " + "{" * 49 + " ?s ?p ?o " + "}" * 49
    response = http.get("/sparql", params={"query": deep})
    assert response.status_code == 400
    assert "nests deeper than 48" in response.json()["detail"]
    too_deep = http.get("/sparql", params={"query": "SELECT * WHERE " + "{" * 5000 + "}" * 5000})
    assert too_deep.status_code == 400
    assert pool.replaced == replaced, "a refused query reached a worker"
    shallow = "SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40 + " LIMIT 1"
    assert http.get("/sparql", params={"query": shallow}).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("POST", "/sparql", "application/sparql-query"),
        ("POST", "/sparql", "application/x-www-form-urlencoded"),
        ("POST", "/api/v1/validate", "text/turtle"),
        ("POST", "/api/v1/submissions", "text/turtle"),
    ],
)
@pytest.mark.parametrize("chunked", [False, True])
def test_body_limit_on_every_endpoint(
    http: httpx.Client, method: str, path: str, content_type: str, chunked: bool
) -> None:
    big = b"#" * 30_000
    content: bytes | Iterator[bytes] = big
    if chunked:  # no Content-Length: the limit must hold while the body streams
        content = iter([big[i : i + 4096] for i in range(0, len(big), 4096)])
    response = http.request(method, path, content=content, headers={"Content-Type": content_type})
    if chunked and path == "/api/v1/submissions":
        # without a key the route refuses before it reads the body: it never reaches a parser
        assert response.status_code in (401, 413)
        return
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_body_limit_holds_before_routing(http: httpx.Client) -> None:
    """A declared length over the limit is refused even where no route would read it."""
    response = http.put("/queries/anything", content=b"#" * 30_000, headers={"Content-Type": "text/plain"})
    assert response.status_code == 413


def test_a_body_under_the_limit_passes(http: httpx.Client) -> None:
    response = http.post("/sparql", content=SMALL, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200


# -- isolation: trivial requests keep their latency -----------------------------


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def sample_latency(client: httpx.Client, path: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return times


def test_trivial_requests_keep_their_latency_under_heavy_queries(hard: LiveServer) -> None:
    named = "/queries/agreements?lang=en"
    with httpx.Client(base_url=hard.url, timeout=30) as client:
        if client.get(named).status_code != 200:
            named = "/healthz"
        sample_latency(client, "/healthz", 20)  # warm up
        quiet_health = sample_latency(client, "/healthz", 200)
        quiet_named = sample_latency(client, named, 100)
        stop = threading.Event()
        heavy_done: list[int] = []

        def loop_heavy() -> None:
            with httpx.Client(base_url=hard.url, timeout=30) as heavy:
                until = time.monotonic() + 60
                while not stop.is_set() and time.monotonic() < until:
                    status = heavy.get("/sparql", params={"query": HEAVY}).status_code
                    heavy_done.append(status)

        loopers = [threading.Thread(target=loop_heavy) for _ in range(2)]
        for thread in loopers:
            thread.start()
        try:
            time.sleep(0.5)
            busy_health = sample_latency(client, "/healthz", 200)
            busy_named = sample_latency(client, named, 100)
        finally:
            stop.set()
            for thread in loopers:
                thread.join(timeout=30)
    ratio_health = p99(busy_health) / p99(quiet_health)
    ratio_named = p99(busy_named) / p99(quiet_named)
    print(
        f"\nisolation: /healthz p99 {p99(quiet_health) * 1000:.2f} -> {p99(busy_health) * 1000:.2f} ms "
        f"(x{ratio_health:.2f}); {named} p99 {p99(quiet_named) * 1000:.2f} -> "
        f"{p99(busy_named) * 1000:.2f} ms (x{ratio_named:.2f}); heavy queries answered: {len(heavy_done)}, "
        f"median quiet /healthz {statistics.median(quiet_health) * 1000:.2f} ms"
    )
    # heavy queries ran (some may hit the 1.5 s deadline on a loaded machine) and every trivial
    # request was answered (sample_latency checks each status). How long they took depends on
    # what else the machine runs, so it is printed here and measured by `make loadtest`
    # (docs/RELIABILITY.md), not asserted.
    assert heavy_done and set(heavy_done) <= {200, 503}
    assert len(busy_health) == 200 and len(busy_named) == 100


# -- rate limit -----------------------------------------------------------------


def test_sparql_rate_limit_per_client(store_path: Path) -> None:
    """The burst is served, the next request is refused with Retry-After, other paths are free.

    The rate is one token per 100 s, so no token comes back while the test runs, however slow the
    machine: what it sees depends only on the number of requests. Refilling is tested below with
    the bucket's clock given explicitly.
    """
    live = start_server(
        settings_for_tests(store_path=store_path, sparql_rate_per_s=0.01, sparql_burst=3, read_only=True)
    )
    try:
        with httpx.Client(base_url=live.url, timeout=30) as client:
            statuses = [client.get("/sparql", params={"query": SMALL}).status_code for _ in range(6)]
            assert statuses == [200, 200, 200, 429, 429, 429]
            limited = client.get("/sparql", params={"query": SMALL})
            assert limited.status_code == 429
            assert 1 <= int(limited.headers["retry-after"]) <= 100
            assert limited.json()["error"] == "too_many_requests"
            # other paths are not limited
            assert all(client.get("/healthz").status_code == 200 for _ in range(10))
    finally:
        live.stop()


def test_token_bucket_refills_at_the_rate() -> None:
    from imvokg.api.security import TokenBuckets

    buckets = TokenBuckets(rate_per_s=2.0, burst=2, max_keys=3)
    assert buckets.take("a", now=0.0) == 0.0
    assert buckets.take("a", now=0.0) == 0.0
    assert buckets.take("a", now=0.0) == pytest.approx(0.5)
    assert buckets.take("a", now=0.5) == 0.0
    assert buckets.take("a", now=0.5) == pytest.approx(0.5)
    assert buckets.take("a", now=10.0) == 0.0  # a long pause refills up to the burst, no further
    assert buckets.take("a", now=10.0) == 0.0
    assert buckets.take("a", now=10.0) == pytest.approx(0.5)
    for key in "bcde":
        buckets.take(key, now=11.0)
    assert len(buckets._buckets) == 3  # memory stays bounded


# -- paths, CORS, headers, leaks ---------------------------------------------------


def raw_get(url: str, path: str) -> tuple[int, bytes, bytes]:
    """Send the path byte for byte (HTTP clients normalise ``..`` away)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


@pytest.mark.parametrize(
    "path",
    [
        "/queries/..%2f..%2fetc%2fpasswd",
        "/queries/..%2F..%2Fetc",
        "/queries/%2e%2e/%2e%2e/etc/passwd",
        "/queries/../../etc/passwd",
        "/id/agreement/x%00y",
        "/queries/a%5cb",
        "/queries/a\\b",
        "/id/a/./b",
        "/api/v1/agreements/nl%2Fgarment-textile",
    ],
)
def test_bad_paths_are_404_json(hard: LiveServer, path: str) -> None:
    status, head, body = raw_get(hard.url, path)
    assert status == 404, (path, status)
    assert b"application/problem+json" in head.lower()
    assert b'"not_found"' in body


def test_good_paths_still_pass(hard: LiveServer) -> None:
    assert raw_get(hard.url, "/healthz")[0] == 200
    assert raw_get(hard.url, "/queries")[0] == 200


def test_cors_open_for_reads_never_with_credentials(http: httpx.Client) -> None:
    origin = {"Origin": "https://example.org", "Cookie": "session=1"}
    for path in ("/healthz", "/queries", f"/sparql?query={SMALL}"):
        response = http.get(path, headers=origin)
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
    preflight = http.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "authorization" not in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    assert "access-control-allow-origin" not in http.get("/healthz").headers  # no Origin, no CORS


def test_security_headers_on_html(http: httpx.Client) -> None:
    for path in ("/", "/sparql"):
        response = http.get(path, headers={"Accept": "text/html"})
        assert response.headers["content-type"].startswith("text/html"), path
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "http:" not in csp and "https:" not in csp, "no remote sources"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"]
    assert http.get("/healthz").headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/sparql", {"params": {"query": "SELECT * WHERE { ?s ?p"}}),
        ("GET", "/sparql", {"params": {"query": "SELECT * WHERE { ?s <http://x\x01> ?o }"}}),
        ("POST", "/sparql", {"content": b"\xff\xfe", "headers": {"Content-Type": SPARQL_QUERY}}),
        ("GET", "/sparql", {"params": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT -1"}}),
        ("GET", "/sparql", {"params": {"query": SMALL, "format": "nonsense"}}),
        ("GET", "/queries/no-such-query", {}),
        ("GET", "/queries/agreements", {"params": {"lang": "x" * 300}}),
        ("GET", "/api/v1/agreements/no-such", {}),
        ("POST", "/api/v1/validate", {"content": b"@prefix x <", "headers": {"Content-Type": "text/turtle"}}),
        ("POST", "/api/v1/validate", {"content": b"{", "headers": {"Content-Type": "application/ld+json"}}),
        ("POST", "/api/v1/validate", {"content": b"<rdf:RDF", "headers": {"Content-Type": RDF_XML}}),
        ("GET", "/no/such/page", {}),
    ],
)
def test_errors_leak_nothing(http: httpx.Client, method: str, path: str, kwargs: dict[str, object]) -> None:
    response = http.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
    assert_clean(response)
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        assert set(response.json()) >= {"type", "title", "status", "error", "detail"}
