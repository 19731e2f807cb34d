"""Real SPARQL servers for the tests: an Oxigraph server and Virtuoso, each in a temp directory.

They are started as child processes on free loopback ports and stopped by the
fixture that started them. A missing binary skips (locally) with the reason;
CI installs both, so there the remote cases always run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str | None:
    """The `oxigraph` CLI of this virtualenv (pip package `oxigraph`), else the one on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def isql_binary() -> str | None:
    return shutil.which("isql-vt") or shutil.which("isql")


@dataclass
class ServerProcess:
    """A running store: its endpoints and the process to stop."""

    name: str
    query: str
    update: str
    gsp: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            response = httpx.post(
                url,
                data={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=2,
            )
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not start: {log.read_text(errors='replace')[-2000:]}")


def start_oxigraph(directory: Path, *, binary: str | None = None) -> ServerProcess:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT` on a free port."""
    binary = binary or oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("oxigraph")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = directory.parent / f"{directory.name}.log"
    process = subprocess.Popen(
        [binary, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    _wait_for(base + "/query", process, log)
    return ServerProcess("oxigraph", base + "/query", base + "/update", base + "/store", process, log)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = {isql_port}
DisableUnixSocket = 1
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {d}
CheckpointInterval = 60
[HTTPServer]
ServerPort = {http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


def start_virtuoso(directory: Path) -> ServerProcess:
    """`virtuoso-t` with a config of our own in ``directory``; SPARQL_UPDATE granted to the SPARQL user."""
    binary, isql = virtuoso_binary(), isql_binary()
    if binary is None or isql is None:
        raise FileNotFoundError("virtuoso-t")
    directory.mkdir(parents=True, exist_ok=True)
    isql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=directory, isql_port=isql_port, http_port=http_port))
    log = directory / "server.out"
    process = subprocess.Popen(
        [binary, "+configfile", str(ini), "+foreground"],
        cwd=directory,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{http_port}"
    _wait_for(base + "/sparql", process, log)
    grant = subprocess.run(
        [isql, str(isql_port), "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
        capture_output=True,
        timeout=60,
        check=False,
    )
    if grant.returncode != 0:
        process.kill()
        raise RuntimeError(f"could not grant SPARQL_UPDATE: {grant.stdout!r} {grant.stderr!r}")
    return ServerProcess(
        "virtuoso", base + "/sparql", base + "/sparql", base + "/sparql-graph-crud", process, log
    )


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One Oxigraph server for the session (imported by the test modules that use it)."""
    if oxigraph_binary() is None:
        pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "data")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    if virtuoso_binary() is None:
        pytest.skip("`virtuoso-t` is not installed (apt-get install virtuoso-opensource; CI installs it)")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()
