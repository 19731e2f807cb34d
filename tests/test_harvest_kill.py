"""The harvester killed with SIGKILL in the middle of a page resumes exactly: no loss, no duplicates.

A real `imvokg harvest --follow` process follows NL's registry through a relay on loopback. The
relay sends half of the second page and holds the rest back; when half has gone out (an event, not
a clock) the harvester is killed with SIGKILL. A new `imvokg harvest` then completes the stream:
every member is stored once, under the names and with the triples a harvest that was never
interrupted stores.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer, free_port, settings_for_tests
from tests.test_harvest import GRAPH, Registry
from tests.test_workflow import Env, copy_store, make_keys

from imvokg.services.harvest import Harvester, Peer
from imvokg.store.embedded import EmbeddedStore

pytestmark = pytest.mark.slow
MEMBERS = 5  # pages of 2: two full pages and an open one


class Relay(ThreadingHTTPServer):
    """Passes requests to the registry; the first request for ``held`` gets half its body only."""

    daemon_threads = True

    def __init__(self, port: int, upstream: str, held: str) -> None:
        super().__init__(("127.0.0.1", port), _RelayHandler)
        self.upstream, self.held = upstream, held
        self.half_sent, self.release = threading.Event(), threading.Event()
        self.stalled_once = False
        self.asked: list[str] = []


class _RelayHandler(BaseHTTPRequestHandler):
    server: Relay

    def do_GET(self) -> None:
        self.server.asked.append(self.path)
        answer = httpx.get(
            self.server.upstream + self.path,
            headers={"Accept": self.headers.get("Accept", "*/*"), "Host": self.headers.get("Host", "")},
            timeout=60,
        )
        body = answer.content
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("content-type", "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == self.server.held and not self.server.stalled_once:
            self.server.stalled_once = True
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.server.half_sent.set()
            self.server.release.wait(120)  # the harvester is killed meanwhile: the rest never goes out
            return
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def relayed_nl(store_path: Path, tmp_path: Path) -> Iterator[tuple[Registry, Relay]]:
    """NL's registry, reachable (and naming its keys) only through the relay."""
    from imvokg.api import create_app

    root = tmp_path / "nl"
    store = copy_store(store_path, root)
    keys = make_keys(root / "keys.json")
    port, relay_port = free_port(), free_port()
    settings = settings_for_tests(
        store_path=store,
        api_keys_file=root / "keys.json",
        registry_base=f"http://127.0.0.1:{relay_port}/",
        ldes_page_size=2,
        sparql_workers=0,
    )
    live = LiveServer(create_app(settings), port)
    live.start()
    relay = Relay(relay_port, live.url, held="/ldes/1")
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    yield Registry(live, Env(live.url, root, keys), settings), relay
    relay.release.set()
    relay.shutdown()
    live.stop()


def _harvest_process(store: Path, peers: Path, *extra: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "IMVOKG_STORE_PATH": str(store),
        "IMVOKG_PEERS_FILE": str(peers),
        "IMVOKG_HARVEST_ALLOW_PRIVATE": "true",
        "IMVOKG_HARVEST_TIMEOUT_S": "120",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "imvokg", "harvest", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _peer_graphs(store_dir: Path) -> tuple[set[str], int]:
    store = EmbeddedStore(store_dir)
    try:
        names = {n for n in store.graph_names() if n.startswith(f"{GRAPH}peer/nld/")}
        triples = 0
        for name in names:
            graph = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
            triples += len(graph.splitlines())
        return names, triples
    finally:
        store.close()


def test_sigkill_in_the_middle_of_a_page_resumes_without_loss_or_duplicates(
    relayed_nl: tuple[Registry, Relay], store_path: Path, tmp_path: Path
) -> None:
    nl, relay = relayed_nl
    decisions = [nl.approve(f"example-killed-{i}") for i in range(MEMBERS)]
    base = nl.settings.registry_base or ""
    peers = tmp_path / "peers.json"
    peers.write_text(json.dumps([{"member_state": "NL", "base": base}]))
    store = copy_store(store_path, tmp_path / "de")
    state_file = store.parent / "harvest" / "nld.json"

    follower = _harvest_process(store, peers, "--follow", "--interval", "0.2")
    try:
        if not relay.half_sent.wait(120):
            follower.kill()
            output = follower.communicate()[0]
            pytest.fail(f"the harvester never asked for the second page ({relay.asked}): {output}")
        # killed while the second page is half received: the first page is stored and its position saved
        follower.send_signal(signal.SIGKILL)
        assert follower.wait(30) == -signal.SIGKILL
    finally:
        if follower.poll() is None:
            follower.kill()
        relay.release.set()
    position = json.loads(state_file.read_text())
    assert position["next_page"].endswith("/ldes/1") and position["stored"] == 2
    partial, _ = _peer_graphs(store)
    assert len(partial) == 2 * 2  # two members, each with its proof graph

    rerun = _harvest_process(store, peers)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output
    resumed, triples = _peer_graphs(store)

    # the same stream harvested in one go, never interrupted, into a store of its own
    reference_dir = copy_store(store_path, tmp_path / "reference")
    reference = EmbeddedStore(reference_dir)
    harvester = Harvester(settings_for_tests(store_path=reference_dir, harvest_allow_private=True), reference)
    try:
        assert harvester.harvest(Peer("NLD", base)).error is None
    finally:
        harvester.close()
        reference.close()
    expected, expected_triples = _peer_graphs(reference_dir)

    assert resumed == expected and triples == expected_triples
    assert {d.rsplit("/", 1)[1] for d in decisions} == {
        n.rsplit("/", 1)[1].removeprefix("decision-") for n in resumed if not n.endswith("-proof")
    }
    final = json.loads(state_file.read_text())
    assert (final["stored"], final["refused"]) == (MEMBERS, 0)  # each member stored once, none again
