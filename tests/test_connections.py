"""What the HTTP server itself does with malformed, slow, oversized and too many connections.

Raw sockets on loopback against a real server (imvokg.api.server): every
answer the server writes on its own is the JSON error shape, deadlines close
slow clients, and one address cannot hold more than its share of connections.
Deadlines in these tests only end a hung run; nothing asserts a latency.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer, start_server

from imvokg.config import Settings


def exchange(port: int, data: bytes, *, wait_s: float = 30, host: str = "127.0.0.1") -> bytes:
    """Send ``data`` and read until the server closes (or ``wait_s`` passes: then b'<open>' is appended)."""
    with socket.create_connection(("127.0.0.1", port), source_address=(host, 0)) as sock:
        sock.settimeout(wait_s)
        sock.sendall(data)
        out = b""
        try:
            while chunk := sock.recv(65536):
                out += chunk
        except TimeoutError:
            out += b"<open>"
        except ConnectionResetError:
            out += b"<reset>"
        return out


def status_and_json(answer: bytes) -> tuple[int, dict, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/problem+json" in head.lower(), head
    document = json.loads(body)
    assert set(document) == {"type", "title", "status", "error", "detail"}, document
    assert document["status"] == status and document["type"] == "about:blank", document
    return status, document, head.lower()


@pytest.fixture(scope="module")
def tight(store_path: Path) -> Iterator[LiveServer]:
    live = start_server(
        Settings(
            store_path=store_path,
            read_only=True,
            sparql_workers=0,
            header_timeout_s=1.0,
            body_timeout_s=1.0,
            max_header_bytes=8_192,
            max_headers=20,
            max_connections_per_client=4,
            max_query_chars=1_000,
        )
    )
    yield live
    live.stop()


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"GET / HTTP/1.1\r\nHo st: x\r\n\r\n",
    b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello on the plain port
]


@pytest.mark.parametrize("request_bytes", MALFORMED)
def test_malformed_http_gets_the_json_error_shape(tight: LiveServer, request_bytes: bytes) -> None:
    status, document, head = status_and_json(exchange(tight.port, request_bytes))
    assert status == 400 and document["error"] == "bad_request"
    assert b"connection: close" in head


def test_oversized_headers_and_targets_are_refused(tight: LiveServer) -> None:
    big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"
    many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(30)) + b"\r\n"
    target = b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert status_and_json(exchange(tight.port, big))[0] == 431
    assert status_and_json(exchange(tight.port, many))[0] == 431
    assert status_and_json(exchange(tight.port, target))[0] == 414
    # at the limits, not over them: answered
    fine = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + b"X-A: b\r\n" * 15 + b"\r\n"
    assert exchange(tight.port, fine).startswith(b"HTTP/1.1 200")


@pytest.mark.slow  # waits out the one-second header and body deadlines, three times
def test_slow_headers_and_slow_bodies_get_408(tight: LiveServer) -> None:
    headers = exchange(tight.port, b"GET /healthz HTTP/1.1\r\nHo")
    body = exchange(
        tight.port,
        b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
        b"Content-Length: 100\r\n\r\nab",
    )
    silent = exchange(tight.port, b"")
    for answer in (headers, body, silent):
        status, document, _ = status_and_json(answer)
        assert status == 408 and document["error"] == "request_timeout"


def test_one_address_holds_a_bounded_number_of_connections(tight: LiveServer) -> None:
    held = [socket.create_connection(("127.0.0.1", tight.port)) for _ in range(4)]
    try:
        time.sleep(0.2)  # let the server accept them (an order, not a timing assumption: it only helps)
        refused = exchange(tight.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, head = status_and_json(refused)
        assert status == 429 and b"retry-after: 1" in head
        # another address is not affected
        other = exchange(
            tight.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", host="127.0.0.2"
        )
        assert other.startswith(b"HTTP/1.1 200"), other[:200]
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the count goes down as the server sees the closes
        answer = exchange(tight.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        if answer.startswith(b"HTTP/1.1 200"):
            break
        time.sleep(0.1)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


@pytest.mark.slow  # waits out the one-second header deadline
def test_a_kept_alive_connection_gets_the_deadline_too(tight: LiveServer) -> None:
    """After a full answer on the connection, a second request that stalls still gets its 408."""
    first = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = exchange(tight.port, first + b"GET /healthz HTTP/1.1\r\nHo")
    assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
    second = answer[answer.index(b"HTTP/1.1 408") :]
    assert status_and_json(second)[1]["error"] == "request_timeout"


def test_an_upgrade_request_is_answered_as_plain_http(tight: LiveServer) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n"
    assert exchange(tight.port, request).startswith(b"HTTP/1.1 200")


def test_the_trusted_proxy_is_not_capped(store_path: Path) -> None:
    live = start_server(
        Settings(
            store_path=store_path,
            read_only=True,
            sparql_workers=0,
            max_connections_per_client=2,
            forwarded_allow_ips="127.0.0.1",
        )
    )
    held = [socket.create_connection(("127.0.0.1", live.port)) for _ in range(4)]
    try:
        time.sleep(0.2)  # let the server accept them (an order only)
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        assert exchange(live.port, request).startswith(b"HTTP/1.1 200")  # 4 held, cap 2: not capped
    finally:
        for sock in held:
            sock.close()
        live.stop()


def test_406_varies_on_accept(tight: LiveServer) -> None:
    response = httpx.get(tight.url + "/id/agreement/nl-gold", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "accept" in response.headers["vary"].lower()
    assert set(response.json()) == {"type", "title", "status", "error", "detail"}


SLOW_CLIENTS = 200


@pytest.mark.slow  # 200 clients held open to their deadline
def test_200_slow_header_clients_are_closed_and_others_are_served(store_path: Path) -> None:
    """Slowloris: 200 connections trickle header bytes; all are closed, a normal client is served.

    The server runs with its default limits but a 5 s header deadline; every
    slow connection must be closed by the server within 15 s (a deadline
    that only ends a hung run). Meanwhile a client from another address asks
    /healthz in a loop and must get 200 every time; its latencies are
    printed (docs/RELIABILITY.md), never asserted.
    """
    live = start_server(
        Settings(
            store_path=store_path,
            read_only=True,
            sparql_workers=0,
            header_timeout_s=5.0,
            max_connections_per_client=SLOW_CLIENTS + 10,  # the deadline closes them, not the cap
        )
    )
    closed_after: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()

    def slow_client() -> None:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", live.port)) as sock:
            sock.settimeout(0.5)
            for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                try:
                    sock.sendall(bytes([byte]))
                    if sock.recv(65536) == b"":
                        break
                except TimeoutError:
                    continue
                except OSError:
                    break
                if time.monotonic() - started > 20:
                    return  # never closed: counted as open below
        with lock:
            closed_after.append(time.monotonic() - started)

    latencies: list[float] = []
    statuses: list[int] = []

    def normal_client() -> None:
        transport = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=live.url, transport=transport, timeout=30) as http:
            while not stop.is_set():
                started = time.monotonic()
                statuses.append(http.get("/healthz").status_code)
                latencies.append(time.monotonic() - started)
                time.sleep(0.05)

    try:
        threads = [threading.Thread(target=slow_client) for _ in range(SLOW_CLIENTS)]
        normal = threading.Thread(target=normal_client)
        normal.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        stop.set()
        normal.join(timeout=60)
    finally:
        live.stop()
    assert len(closed_after) == SLOW_CLIENTS, f"{SLOW_CLIENTS - len(closed_after)} slow clients still open"
    assert max(closed_after) < 15, max(closed_after)
    assert statuses and set(statuses) == {200}, set(statuses)
    latencies.sort()
    print(
        f"slow clients closed after at most {max(closed_after):.1f} s; "
        f"normal client: {len(latencies)} requests, "
        f"p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
    )
