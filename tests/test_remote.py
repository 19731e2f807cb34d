"""The whole service against a real Oxigraph server: built through GSP, and two stateless API processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer, free_port, settings_for_tests, start_server
from tests.store.servers import ServerProcess, oxigraph_binary, start_oxigraph

from imvokg.build import BuildReport, publish_to_remote
from imvokg.store.remote import RemoteStore

pytestmark = [pytest.mark.remote, pytest.mark.slow]


def oxigraph_holding_the_build(built: tuple[Path, BuildReport], folder: Path) -> ServerProcess:
    """An Oxigraph server holding the session's build, loaded through the Graph Store Protocol."""
    if oxigraph_binary() is None:
        pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")
    server = start_oxigraph(folder / "data")
    remote = RemoteStore(server.query, update_endpoint=server.update, gsp_endpoint=server.gsp, timeout_s=60)
    try:
        version = publish_to_remote(built[0], remote)
        assert remote.version() == version == built[1].version
    finally:
        remote.close()
    return server


@pytest.fixture(scope="module")
def loaded_oxigraph(
    built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """Shared by the tests of this module that only read: none of them may write to it."""
    server = oxigraph_holding_the_build(built, tmp_path_factory.mktemp("oxigraph-api"))
    yield server
    server.stop()


@pytest.fixture()
def writable_oxigraph(built: tuple[Path, BuildReport], tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of the test's own, for a test that writes: what it writes no other test sees."""
    server = oxigraph_holding_the_build(built, tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote_server(loaded_oxigraph: ServerProcess) -> Iterator[LiveServer]:
    live = start_server(
        settings_for_tests(endpoint=loaded_oxigraph.query, update_endpoint=loaded_oxigraph.update,
                           gsp_endpoint=loaded_oxigraph.gsp)
    )  # fmt: skip
    yield live
    live.stop()


PATHS = [
    "/api/v1/coverage?sector=garment-textile",
    "/api/v1/gaps?sector=garment-textile&basis=any",
    "/api/v1/agreements?sector=gold&lang=nl",
    "/api/v1/agreements/nl-garment-textile",
    "/api/v1/agreements?risk=child-labour",
]


@pytest.mark.parametrize("path", PATHS)
def test_the_api_answers_the_same_on_an_oxigraph_server(
    path: str, remote_server: LiveServer, server: LiveServer
) -> None:
    remote = httpx.get(remote_server.url + path, timeout=60)
    embedded = httpx.get(server.url + path, timeout=60)
    assert remote.status_code == embedded.status_code == 200
    assert remote.json() == embedded.json()
    assert remote.json(), "the answer is not empty"


def test_the_remote_graph_holds_every_built_graph(
    loaded_oxigraph: ServerProcess, built: tuple[Path, BuildReport]
) -> None:
    remote = RemoteStore(loaded_oxigraph.query, update_endpoint=loaded_oxigraph.update)
    try:
        assert remote.triple_count() == built[1].triples
        assert len(remote.graph_names()) == built[1].graphs
    finally:
        remote.close()


def test_two_api_processes_share_one_store(writable_oxigraph: ServerProcess) -> None:
    """Stateless API: two separate processes on one store answer alike, and both see a write."""
    env = {
        **os.environ,
        "IMVOKG_ENDPOINT": writable_oxigraph.query,
        "IMVOKG_UPDATE_ENDPOINT": writable_oxigraph.update,
        "IMVOKG_SPARQL_RATE_PER_S": "0",  # the test polls /sparql; the limiter has tests of its own
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "imvokg",
                "serve",
                "--port",
                str(port),
                "--endpoint",
                writable_oxigraph.query,
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "an API process did not start"
                time.sleep(0.2)
        answers = [httpx.get(url + PATHS[0], timeout=60).json() for url in urls]
        assert answers[0] == answers[1] and answers[0]
        probe = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/shared#seen> ?o }"

        def count(url: str) -> int:
            accept = {"Accept": "application/sparql-results+json"}
            body = httpx.post(url + "/sparql", data={"query": probe}, headers=accept, timeout=60).json()
            return int(body["results"]["bindings"][0]["n"]["value"])

        assert [count(url) for url in urls] == [0, 0]
        writer = RemoteStore(writable_oxigraph.query, update_endpoint=writable_oxigraph.update)
        try:
            writer.replace_graphs(
                {"http://example.org/shared": b"<http://a> <http://example.org/shared#seen> 1 .\n"}
            )
        finally:
            writer.close()
        # each process re-reads the store version at most once a second (answers are cached
        # per version), so another process's write is seen after that second. The deadline is
        # only there to end a broken run: a busy machine may take longer than the second itself.
        written = time.monotonic()
        deadline = written + 60
        while [count(url) for url in urls] != [1, 1]:
            assert time.monotonic() < deadline, "a write by another process was not seen"
            time.sleep(0.25)
        print(f"a write by another process was seen by both after {time.monotonic() - written:.2f} s")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def test_a_decision_through_one_worker_is_in_every_workers_next_answer(
    writable_oxigraph: ServerProcess, tmp_path: Path
) -> None:
    """Three API workers on one Oxigraph server, the version read on every request: no waiting.

    A submission through one worker, its approval through a second and the withdrawal through
    the third; right after each write every worker gives the same answers, which show it.
    """
    from tests.test_workflow import agreement_ttl, make_keys

    keys = make_keys(tmp_path / "keys.json")
    settings = settings_for_tests(
        store_path=tmp_path / "store",  # not opened: only where the shared journal and keys live
        endpoint=writable_oxigraph.query,
        update_endpoint=writable_oxigraph.update,
        gsp_endpoint=writable_oxigraph.gsp,
        api_keys_file=tmp_path / "keys.json",
        remote_version_ttl_s=0.0,
    )
    workers = [start_server(settings) for _ in range(3)]
    slug = "example-workers"
    paths = [*PATHS, "/api/v1/agreements", "/api/v1/recognitions", f"/api/v1/agreements/{slug}"]

    def answers() -> list[dict[str, object]]:
        """Each path's answer (status and body), asked of every worker; all must agree."""
        seen = []
        for path in paths:
            replies = [httpx.get(worker.url + path, timeout=120) for worker in workers]
            bodies = [(reply.status_code, reply.json()) for reply in replies]
            assert all(body == bodies[0] for body in bodies), path
            seen.append({"path": path, "status": bodies[0][0], "body": bodies[0][1]})
        return seen

    def by_path(seen: list[dict[str, object]], path: str) -> dict[str, object]:
        return next(s for s in seen if s["path"] == path)

    def post(worker: LiveServer, who: str, path: str, **kwargs: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {keys[who]}", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return httpx.post(worker.url + path, headers=headers, timeout=120, **kwargs)  # type: ignore[arg-type]

    try:
        before = answers()
        assert by_path(before, f"/api/v1/agreements/{slug}")["status"] == 404
        submitted = post(
            workers[0], "alice", "/api/v1/submissions",
            content=agreement_ttl(slug), headers={"Content-Type": "text/turtle"},
        )  # fmt: skip
        assert submitted.status_code == 201, submitted.text
        approved = post(
            workers[1], "bob", f"/api/v1/submissions/{submitted.json()['id']}/approve",
            json={"valid_from": "2026-01-01", "issued": "2025-12-20"},
        )  # fmt: skip
        assert approved.status_code == 200, approved.text
        after = answers()  # at once: every worker reads the new version on this request
        assert by_path(after, f"/api/v1/agreements/{slug}")["status"] == 200
        assert slug in {a["slug"] for a in by_path(after, "/api/v1/agreements")["body"]}  # type: ignore[union-attr]
        recognitions = by_path(after, "/api/v1/recognitions")["body"]
        assert any(r["agreement"] == slug and r["outcome"] == "recognised" for r in recognitions)  # type: ignore[union-attr]
        withdrawn = post(
            workers[2], "bob", f"/api/v1/agreements/{slug}/withdraw", json={"valid_from": "2026-06-01"}
        )
        assert withdrawn.status_code == 200, withdrawn.text
        last = answers()
        recognitions = by_path(last, "/api/v1/recognitions")["body"]
        assert any(r["agreement"] == slug and r["outcome"] == "withdrawn" for r in recognitions)  # type: ignore[union-attr]
    finally:
        for worker in workers:
            worker.stop()
