"""A registry follows another one's event stream: verified members kept apart, the rest refused.

Real processes on loopback: each peer registry is a server of its own on a copy
of the built store, with its own authority key; the harvesting registry's
store is opened by the harvester in this process, as `imvokg harvest` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from tests.conftest import LiveServer, free_port, settings_for_tests
from tests.test_workflow import Env, copy_store, make_keys, submit

from imvokg.api import models
from imvokg.config import Settings
from imvokg.services.harvest import Harvester, Peer
from imvokg.services.signing import proof_graph_iri
from imvokg.store.embedded import EmbeddedStore

pytestmark = pytest.mark.slow  # peer registries as server processes of their own

GRAPH = "https://w3id.org/imvokg/graph/"


@dataclass
class Registry:
    live: LiveServer
    env: Env
    settings: Settings

    @property
    def base(self) -> str:
        return self.live.url + "/"

    def store(self):  # type: ignore[no-untyped-def]
        return self.live.server.config.app.state.services.store  # type: ignore[union-attr]

    def approve(self, slug: str) -> str:
        sid = submit(self.env, slug).json()["id"]
        with self.env.client("bob") as http:
            answer = http.post(f"/api/v1/submissions/{sid}/approve")
        assert answer.status_code == 200, answer.text
        return str(answer.json()["decision"])

    def restart(self) -> None:
        from imvokg.api import create_app

        self.live = LiveServer(create_app(self.settings), self.live.port)
        self.live.start()


def start_registry(store_path: Path, root: Path, port: int | None = None) -> Registry:
    """A member state's registry on loopback whose base IRI is its own address (as init-registry sets)."""
    from imvokg.api import create_app

    store = copy_store(store_path, root)
    keys = make_keys(root / "keys.json")
    port = port or free_port()
    settings = settings_for_tests(
        store_path=store,
        api_keys_file=root / "keys.json",
        registry_base=f"http://127.0.0.1:{port}/",
        ldes_page_size=2,
    )
    live = LiveServer(create_app(settings), port)
    live.start()
    return Registry(live, Env(live.url, root, keys), settings)


@pytest.fixture()
def nl(store_path: Path, tmp_path: Path) -> Iterator[Registry]:
    registry = start_registry(store_path, tmp_path / "nl")
    yield registry
    registry.live.stop()


@pytest.fixture()
def de(store_path: Path, tmp_path: Path) -> Iterator[tuple[Settings, EmbeddedStore]]:
    """The harvesting registry: its own store, written by the harvester."""
    store_dir = copy_store(store_path, tmp_path / "de")
    # user SPARQL in-process: the tests ask /sparql once and are not about its worker pool
    settings = settings_for_tests(
        store_path=store_dir, harvest_allow_private=True, harvest_timeout_s=30, sparql_workers=0
    )
    store = EmbeddedStore(store_dir)
    yield settings, store
    store.close()


def peer_graphs(store: EmbeddedStore, state: str = "nld") -> set[str]:
    return {name for name in store.graph_names() if name.startswith(f"{GRAPH}peer/{state}/")}


def harvest(de: tuple[Settings, EmbeddedStore], peer: Peer):  # type: ignore[no-untyped-def]
    settings, store = de
    harvester = Harvester(settings, store)
    try:
        return harvester.harvest(peer)
    finally:
        harvester.close()


def test_a_peers_decisions_are_harvested_verified_and_kept_apart(
    nl: Registry, de: tuple[Settings, EmbeddedStore]
) -> None:
    decisions = [nl.approve(f"example-harvest-{i}") for i in range(3)]
    peer = Peer("NLD", nl.base)
    first = harvest(de, peer)
    assert (first.stored, first.refused, first.error) == (3, [], None)
    assert first.pages == 2  # pages of two decisions
    _, store = de
    stored = peer_graphs(store)
    assert len(stored) == 6  # three decision graphs and their proof graphs
    rows = store.select(
        "SELECT ?d WHERE { GRAPH ?g { ?d a <https://w3id.org/imvokg/ont#RecognitionDecision> } "
        f'FILTER(STRSTARTS(STR(?g), "{GRAPH}peer/nld/")) }}'
    ).rows
    assert {row["d"].value for row in rows} == set(decisions)
    assert not [g for g in store.graph_names() if g.startswith(GRAPH + "decision-")], "mixed with our own"
    again = harvest(de, peer)
    assert (again.stored, again.error) == (0, None)
    later = nl.approve("example-harvest-later")
    third = harvest(de, peer)
    assert third.stored == 1 and len(peer_graphs(store)) == 8
    assert later in {
        r["d"].value
        for r in store.select(
            "SELECT ?d WHERE { GRAPH ?g { ?d a <https://w3id.org/imvokg/ont#RecognitionDecision> } }"
        ).rows
    }


def test_tampered_and_unsigned_members_are_refused_and_the_rest_goes_on(
    nl: Registry, de: tuple[Settings, EmbeddedStore]
) -> None:
    decisions = [nl.approve(f"example-hostile-{i}") for i in range(3)]
    store = nl.store()
    changed = GRAPH + "decision-" + decisions[0].rsplit("/", 1)[1]
    triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{changed}> {{ ?s ?p ?o }} }}")
    store.replace_graphs({changed: triples.replace(b"lighter-supervision", b"safe-harbour")})
    unsigned = GRAPH + "decision-" + decisions[1].rsplit("/", 1)[1]
    store.replace_graphs({proof_graph_iri(unsigned): b""})
    report = harvest(de, Peer("NLD", nl.base))
    assert report.stored == 1 and report.error is None
    reasons = dict(report.refused)
    assert reasons[decisions[0]].startswith("invalid") and "changed after signing" in reasons[decisions[0]]
    assert reasons[decisions[1]].startswith("unsigned")
    _, mine = de
    assert {g.rsplit("/", 1)[1] for g in peer_graphs(mine)} == {
        "decision-" + decisions[2].rsplit("/", 1)[1],
        "decision-" + decisions[2].rsplit("/", 1)[1] + "-proof",
    }


def test_a_registry_may_publish_only_its_own_member_states_decisions(
    nl: Registry, de: tuple[Settings, EmbeddedStore]
) -> None:
    nl.approve("example-not-french")
    report = harvest(de, Peer("FRA", nl.base))  # NL's registry configured as if it were France's
    assert report.stored == 0
    assert all("only its own member state" in why for _, why in report.refused)
    assert not peer_graphs(de[1], "fra")


def test_a_peer_that_is_down_is_caught_up_after_it_returns(
    nl: Registry, de: tuple[Settings, EmbeddedStore]
) -> None:
    nl.approve("example-before-outage")
    peer = Peer("NLD", nl.base)
    assert harvest(de, peer).stored == 1
    nl.live.stop()
    down = harvest(de, peer)
    assert down.error and down.stored == 0
    nl.restart()
    nl.approve("example-after-outage")
    back = harvest(de, peer)
    assert (back.stored, back.error) == (1, None)
    assert len(peer_graphs(de[1])) == 4


def test_a_restart_from_an_earlier_position_stores_nothing_twice(
    nl: Registry, de: tuple[Settings, EmbeddedStore]
) -> None:
    for i in range(3):
        nl.approve(f"example-resume-{i}")
    settings, store = de
    peer = Peer("NLD", nl.base)
    state_file = settings.store_path.absolute().parent / "harvest" / "nld.json"
    harvest(de, peer)
    kept = peer_graphs(store)
    triples = store.triple_count()
    state = json.loads(state_file.read_text())
    state.update(next_page=None, done_on_page=[])  # as if killed before any position was saved
    state_file.write_text(json.dumps(state))
    replay = harvest(de, peer)
    assert replay.error is None and peer_graphs(store) == kept
    assert store.triple_count() == triples


def test_private_addresses_are_refused_unless_allowed(
    nl: Registry, de: tuple[Settings, EmbeddedStore]
) -> None:
    nl.approve("example-private")
    settings, store = de
    strict = Harvester(settings.model_copy(update={"harvest_allow_private": False}), store)
    try:
        report = strict.harvest(Peer("NLD", nl.base))
    finally:
        strict.close()
    assert report.stored == 0 and "private or local address" in (report.error or "")
    assert not peer_graphs(store)


def test_other_key_material_for_a_pinned_key_stops_the_harvest(
    nl: Registry, de: tuple[Settings, EmbeddedStore]
) -> None:
    nl.approve("example-pinned")
    peer = Peer("NLD", nl.base)
    assert harvest(de, peer).stored == 1
    keys_file = nl.env.root / "authority-keys.json"
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from imvokg.integrity import public_key_multibase, secret_key_multibase

    impostor = Ed25519PrivateKey.generate()
    data = json.loads(keys_file.read_text())
    data["keys"][0].update(
        public_key_multibase=public_key_multibase(impostor.public_key()),
        secret_key_multibase=secret_key_multibase(impostor),
    )
    keys_file.write_text(json.dumps(data))
    nl.approve("example-impostor")  # signed by the swapped key
    report = harvest(de, peer)
    assert report.stored == 0 and "other key material" in (report.error or "")
    assert len(peer_graphs(de[1])) == 2


def test_a_supervisor_sees_where_an_initiative_is_recognised_across_registries(
    nl: Registry, de: tuple[Settings, EmbeddedStore], store_path: Path, tmp_path: Path
) -> None:
    """DE harvests NL's recognition; DE's registry then answers across both, each row verified."""
    decision = nl.approve("example-across")
    settings, store = de
    assert harvest(de, Peer("NLD", nl.base)).stored == 1
    store.close()  # the registry's server opens it now (closing twice is harmless)
    from imvokg.api import create_app

    port = free_port()
    de_settings = settings.model_copy(update={"registry_base": f"http://127.0.0.1:{port}/"})
    de_server = LiveServer(create_app(de_settings), port)
    de_server.start()
    try:
        import httpx

        rows = httpx.get(de_server.url + "/api/v1/initiatives/example-across/recognitions", timeout=60).json()
        TypeAdapter(list[models.InitiativeRecognition]).validate_python(rows)
        assert [
            (r["decision"], r["member_state"], r["outcome"], r["registry"], r["verification"]) for r in rows
        ] == [(decision, "NLD", "recognised", "peer", "valid")]
        elsewhere = httpx.get(
            de_server.url + "/api/v1/network/recognised-elsewhere", params={"member_state": "NL"}, timeout=60
        ).json()
        TypeAdapter(list[models.RecognisedElsewhere]).validate_python(elsewhere)
        assert {"agreement": "https://w3id.org/imvokg/id/agreement/example-across", "decision": decision,
                "outcome": "recognised"} in elsewhere  # fmt: skip
        assert (
            httpx.get(
                de_server.url + "/api/v1/network/recognised-elsewhere", params={"member_state": "XX"}
            ).status_code
            == 400
        )
    finally:
        de_server.stop()


def test_a_supervisor_adopts_a_verified_decision_of_another_state_and_it_is_signed(
    nl: Registry, de: tuple[Settings, EmbeddedStore]
) -> None:
    import httpx

    from imvokg.services.credentials import Credentials

    decision = nl.approve("example-adopted")
    settings, store = de
    assert harvest(de, Peer("NLD", nl.base)).stored == 1
    store.close()
    from imvokg.api import create_app

    keys = Credentials(settings.store_path.parent / "keys.json")
    anna = keys.create("anna", "supervisor", member_state="DE")[0]
    port = free_port()
    de_settings = settings.model_copy(
        update={
            "registry_base": f"http://127.0.0.1:{port}/",
            "api_keys_file": settings.store_path.parent / "keys.json",
        }
    )
    de_server = LiveServer(create_app(de_settings), port)
    de_server.start()
    try:
        with httpx.Client(
            base_url=de_server.url, headers={"Authorization": f"Bearer {anna}"}, timeout=60
        ) as http:
            bad = http.post("/api/v1/network/adoptions", json={"decision": decision, "outcome": "maybe"})
            assert bad.status_code == 400
            missing = http.post(
                "/api/v1/network/adoptions", json={"decision": decision + "-nothing", "outcome": "adopt"}
            )
            assert missing.status_code == 404
            adopted = http.post(
                "/api/v1/network/adoptions",
                json={"decision": decision, "outcome": "adopt", "reason": "NL's assessment holds here"},
            )
            assert adopted.status_code == 200, adopted.text
            models.Adoption.model_validate(adopted.json())
            ours = adopted.json()["decision"]
            assert adopted.json()["adopts"] == decision
            check = http.get(f"/api/v1/decisions/{ours.rsplit('/', 1)[1]}/verification").json()
            assert check["state"] == "valid", check
            rows = http.get("/api/v1/initiatives/example-adopted/recognitions").json()
            assert {(r["member_state"], r["registry"], r["verification"]) for r in rows} == {
                ("NLD", "peer", "valid"),
                ("DEU", "own", "valid"),
            }
            described = http.post(
                "/sparql",
                data={"query": f"ASK {{ <{ours}> <https://w3id.org/imvokg/ont#adopts> <{decision}> ; "
                               "<https://w3id.org/imvokg/ont#checkedProof> ?proof }"},
                headers={"Accept": "application/sparql-results+json"},
            )  # fmt: skip
            assert described.json()["boolean"] is True
            elsewhere = http.get("/api/v1/network/recognised-elsewhere", params={"member_state": "NL"}).json()
            assert elsewhere == []  # decided here now
    finally:
        de_server.stop()
