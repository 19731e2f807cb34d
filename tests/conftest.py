"""Shared fixtures: one real build per test session, and a real server on loopback.

Tests talk HTTP to a uvicorn server bound to a free port on 127.0.0.1, as a
client would; nothing is mocked.
"""

from __future__ import annotations

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

    def __init__(self, app: object, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the test server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(settings: Settings) -> LiveServer:
    from imvokg.api import create_app

    server = LiveServer(create_app(settings), free_port())
    server.start()
    return server


@pytest.fixture(scope="session")
def settings(store_path: Path) -> Settings:
    """Read-only: the shared store is only read; several servers in this process may open it."""
    return Settings(store_path=store_path, read_only=True)


@pytest.fixture(scope="session")
def server(settings: Settings) -> Iterator[LiveServer]:
    live = start_server(settings)
    yield live
    live.stop()


@pytest.fixture()
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http
