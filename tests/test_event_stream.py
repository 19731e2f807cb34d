"""The registry's decisions as a Linked Data Event Stream, read over HTTP and by the npm ldes-client."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from tests.conftest import LiveServer, free_port, settings_for_tests, start_server
from tests.test_workflow import Env, copy_store, make_keys, submit

from imvokg.services.authority import AuthorityKeys
from imvokg.services.verification import local_resolver, verify_dataset

CLIENTS = Path(__file__).resolve().parent / "clients"
TREE = "https://w3id.org/tree#"
LDES = "https://w3id.org/ldes#"
PROV_TIME = "http://www.w3.org/ns/prov#generatedAtTime"
IMVO = "https://w3id.org/imvokg/ont#"


@pytest.fixture(scope="module")
def stream_env(
    store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Env]]:
    """A registry of the module's own with pages of two decisions, three approvals published."""
    root = tmp_path_factory.mktemp("stream")
    store = copy_store(store_path, root)
    keys = make_keys(root / "keys.json")
    live = start_server(
        settings_for_tests(store_path=store, api_keys_file=root / "keys.json", ldes_page_size=2)
    )
    env = Env(live.url, root, keys)
    for slug in ("example-stream-a", "example-stream-b", "example-stream-c"):
        sid = submit(env, slug).json()["id"]
        with env.client("bob") as http:
            assert http.post(f"/api/v1/submissions/{sid}/approve").status_code == 200
    yield live, env
    live.stop()


def turtle(response: httpx.Response) -> list[ox.Triple]:
    assert response.status_code == 200, response.text
    return list(ox.parse(response.content, format=ox.RdfFormat.TURTLE, base_iri=str(response.url)))


def objects(triples: list[ox.Triple], subject: str, predicate: str) -> list[str]:
    return [t.object.value for t in triples if t.subject.value == subject and t.predicate.value == predicate]


@pytest.mark.slow  # three signed approvals published first
def test_the_stream_names_its_view_and_paths(stream_env: tuple[LiveServer, Env]) -> None:
    live, _ = stream_env
    answer = httpx.get(live.url + "/ldes")
    triples = turtle(answer)
    stream = live.url + "/ldes"
    assert objects(triples, stream, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [
        LDES + "EventStream"
    ]
    assert objects(triples, stream, LDES + "timestampPath") == [PROV_TIME]
    assert objects(triples, stream, LDES + "versionOfPath") == ["http://purl.org/dc/terms/isVersionOf"]
    assert objects(triples, stream, TREE + "view") == [live.url + "/ldes/0"]
    assert "no retention policy" in " ".join(objects(triples, stream, "http://purl.org/dc/terms/description"))
    as_json = httpx.get(live.url + "/ldes", headers={"Accept": "application/ld+json"})
    assert as_json.headers["content-type"].startswith("application/ld+json")
    json.loads(as_json.text)
    refused = httpx.get(live.url + "/ldes", headers={"Accept": "image/png"})
    assert refused.status_code == 406


@pytest.mark.slow  # three signed approvals published first
def test_pages_chain_by_time_and_full_pages_are_immutable(stream_env: tuple[LiveServer, Env]) -> None:
    live, _ = stream_env
    first = httpx.get(live.url + "/ldes/0")
    assert "immutable" in first.headers["cache-control"]
    triples = turtle(first)
    members = objects(triples, live.url + "/ldes", TREE + "member")
    assert len(members) == 2
    [relation] = objects(triples, live.url + "/ldes/0", TREE + "relation")
    kinds = [
        t.object.value for t in triples if t.subject.value == relation and t.predicate.value.endswith("type")
    ]
    assert kinds == [TREE + "GreaterThanOrEqualToRelation"]
    [following] = [
        t.object.value for t in triples if t.subject.value == relation and t.predicate.value == TREE + "node"
    ]
    [value] = [
        t.object.value for t in triples if t.subject.value == relation and t.predicate.value == TREE + "value"
    ]
    assert following == live.url + "/ldes/1"
    times = sorted(
        t.object.value for t in triples if t.predicate.value == PROV_TIME and t.subject.value in members
    )
    assert len(times) == 2 and times[-1] < value  # strictly later: the next page starts after this one
    second = httpx.get(following)
    assert "immutable" not in second.headers["cache-control"]
    later = turtle(second)
    [third] = objects(later, live.url + "/ldes", TREE + "member")
    assert objects(later, third, PROV_TIME) == [value]
    assert objects(later, live.url + "/ldes/1", TREE + "relation") == []  # the open page ends the chain
    assert objects(later, third, IMVO + "recognises") == [
        "https://w3id.org/imvokg/id/agreement/example-stream-c"
    ]
    assert httpx.get(live.url + "/ldes/2").status_code == 404


@pytest.mark.slow  # three signed approvals published first
def test_the_trig_form_carries_each_members_graph_and_proof(
    stream_env: tuple[LiveServer, Env], tmp_path: Path
) -> None:
    live, env = stream_env
    answer = httpx.get(live.url + "/ldes/0", headers={"Accept": "application/trig"})
    assert answer.headers["content-type"].startswith("application/trig")
    page = tmp_path / "page.trig"
    page.write_bytes(answer.content)
    keys = AuthorityKeys(env.root / "authority-keys.json")
    checks = verify_dataset(
        answer.content, ".trig", local_resolver(keys, "https://w3id.org/imvokg/authority")
    )
    assert len(checks) == 2 and {c.state for c in checks} == {"valid"}, [c.to_dict() for c in checks]


# -- the reference client -----------------------------------------------------------------

EVENTS = 10_000


def synthetic_decisions(start: int, count: int) -> dict[str, bytes]:
    """``count`` decisions, one graph each, one second apart (strictly increasing times)."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    graphs = {}
    for i in range(start, start + count):
        moment = (base + timedelta(seconds=i)).isoformat().replace("+00:00", "Z")
        iri = f"https://w3id.org/imvokg/id/decision/synthetic-{i}"
        graphs[f"https://w3id.org/imvokg/graph/decision-synthetic-{i}"] = (
            f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{IMVO}RecognitionDecision> .\n"
            f'<{iri}> <{PROV_TIME}> "{moment}"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n'
            f"<{iri}> <{IMVO}recognises> <https://w3id.org/imvokg/id/agreement/synthetic-{i % 97}> .\n"
            f"<{iri}> <{IMVO}memberState> <http://publications.europa.eu/resource/authority/country/NLD> .\n"
        ).encode()
    return graphs


@pytest.fixture()
def busy_stream() -> Iterator[tuple[str, object]]:
    """A registry holding 10,000 decisions in an in-memory store, pages of 100."""
    from imvokg.api import create_app
    from imvokg.store.embedded import EmbeddedStore

    store = EmbeddedStore(None)
    store.replace_graphs(synthetic_decisions(0, EVENTS))
    live = LiveServer(
        create_app(settings_for_tests(sparql_workers=0, ldes_page_size=100), store=store), free_port()
    )
    live.start()
    yield live.url, store
    live.stop()


def test_the_npm_ldes_client_replays_every_event_once_then_follows_live(
    busy_stream: tuple[str, object],
) -> None:
    if shutil.which("node") is None or not (CLIENTS / "node_modules" / "ldes-client").exists():
        pytest.skip("needs node and `npm ci` in tests/clients (.ci/run does both)")
    url, store = busy_stream
    live_events = 25
    follower = subprocess.Popen(
        ["node", str(CLIENTS / "follow-ldes.mjs"), url + "/ldes", str(EVENTS + live_events), "300"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    replayed = threading.Event()

    def read() -> None:
        assert follower.stdout is not None
        for line in follower.stdout:
            seen.append(json.loads(line)["id"])
            if len(seen) == EVENTS:
                replayed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert replayed.wait(240), f"the client emitted {len(seen)} of {EVENTS} members"
        store.replace_graphs(synthetic_decisions(EVENTS, live_events))  # type: ignore[attr-defined]
        follower.wait(timeout=120)
    finally:
        if follower.poll() is None:
            follower.kill()
    reader.join(timeout=10)
    expected = {f"https://w3id.org/imvokg/id/decision/synthetic-{i}" for i in range(EVENTS + live_events)}
    assert len(seen) == len(set(seen)), f"{len(seen) - len(set(seen))} members emitted twice"
    assert set(seen) == expected, f"{len(expected - set(seen))} members missed"
