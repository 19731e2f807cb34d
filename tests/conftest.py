"""Shared fixtures: one real build per test session, and a real server on loopback.

Tests talk HTTP to a uvicorn server bound to a free port on 127.0.0.1, as a
client would; nothing is mocked.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from imvokg.build import BuildReport, build
from imvokg.config import Settings

# Settings read IMVOKG_* from the environment: a developer's shell (or CI's) must not change what
# the tests' servers do, so the suite starts from the defaults and each test says what it needs.
for _name in [name for name in os.environ if name.startswith("IMVOKG_")]:
    del os.environ[_name]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--shuffle",
        metavar="SEED",
        type=int,
        default=None,
        help="run the modules, and the tests within each module, in an order shuffled with SEED "
        "(to find tests that depend on what another test left behind); `make test-shuffled`",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --shuffle SEED: a random order that keeps each module's tests together.

    Keeping modules together keeps module-scoped servers started once; within a module and
    across modules the order is random, which is where order dependence hides.
    """
    seed = config.getoption("--shuffle")
    if seed is None:
        return
    chance = random.Random(seed)
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    groups = list(modules.values())
    chance.shuffle(groups)
    for group in groups:
        chance.shuffle(group)
    items[:] = [item for group in groups for item in group]


def pytest_report_header(config: pytest.Config) -> str | None:
    seed = config.getoption("--shuffle")
    return None if seed is None else f"test order shuffled with seed {seed} (--shuffle {seed} repeats it)"


TLS = httpx.create_ssl_context()
"""One TLS context (the default verification) for every test client: httpx builds a new one per
client otherwise, loading the CA bundle each time (about 20 ms of CPU), and the suite makes
hundreds of clients. The servers are plain HTTP on loopback; the context is there for the rest."""


def http_client(base_url: str, **options: object) -> httpx.Client:
    """An HTTP client for a test server (a fresh one per test: no cookies or connections shared)."""
    return httpx.Client(base_url=base_url, verify=TLS, **{"timeout": 30, **options})  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The real knowledge base built once (with HermiT) into a temporary store."""
    store = tmp_path_factory.mktemp("store") / "store"
    report = build(store)
    return store, report


@pytest.fixture(scope="session")
def store_path(built: tuple[Path, BuildReport]) -> Path:
    return built[0]


class LiveServer:
    """A uvicorn server in a background thread; stopped at the end of the session."""

    def __init__(self, app: object, port: int, settings: Settings | None = None) -> None:
        from imvokg.api.server import server_options

        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        options = server_options(settings or Settings())  # the limits `imvokg serve` runs with
        config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        with http_client(self.url, timeout=1) as http:
            while time.monotonic() < deadline:
                try:
                    if http.get("/healthz").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        raise RuntimeError("the test server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def settings_for_tests(**overrides: object) -> Settings:
    """Settings of a test server: the /sparql and API-key rate limits off unless the test asks for them.

    The limiter's token buckets refill with wall-clock time, so a server shared by many tests
    would admit or refuse requests depending on how fast the machine runs them. The limiter's
    own tests start a server of their own with settings they control.
    """
    return Settings(**{"sparql_rate_per_s": 0.0, "key_rate_per_s": 0.0, **overrides})  # type: ignore[arg-type]


def start_server(settings: Settings) -> LiveServer:
    from imvokg.api import create_app

    server = LiveServer(create_app(settings), free_port(), settings)
    server.start()
    return server


@pytest.fixture(scope="session")
def settings(store_path: Path) -> Settings:
    """Read-only: the shared store is only read; several servers in this process may open it."""
    return settings_for_tests(store_path=store_path, read_only=True)


@pytest.fixture(scope="session")
def server(settings: Settings) -> Iterator[LiveServer]:
    live = start_server(settings)
    yield live
    live.stop()


@pytest.fixture()
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with http_client(server.url) as http:
        yield http
