"""Three member states' registries and a hostile one, on loopback, harvesting each other as they serve.

NL approves an initiative; DE, which follows NL, sees the decision within
seconds, verifies it and its supervisor adopts it; FR, which follows NL and DE,
sees both decisions and the adoption, each verified. A fourth registry (BE)
serves a tampered decision and an unsigned one: FR refuses both and stores
nothing of them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer, free_port, http_client, settings_for_tests
from tests.test_workflow import agreement_ttl, copy_store

from imvokg.services.credentials import Credentials
from imvokg.services.signing import proof_graph_iri

pytestmark = pytest.mark.slow  # three registries as server processes, harvesting each other

GRAPH = "https://w3id.org/imvokg/graph/"
PROFILES = Path(__file__).parent / "profiles"
EU_PROFILE = "https://w3id.org/imvokg/id/profile/eu-minimum/1.0"
DE_PROFILE = "https://de.registry.example/profile/de-example/2"


@dataclass
class Node:
    state: str
    live: LiveServer
    root: Path
    supervisor: str
    submitter: str

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return http_client(self.live.url, headers=headers, timeout=60)

    def store(self):  # type: ignore[no-untyped-def]
        return self.live.server.config.app.state.services.store  # type: ignore[union-attr]


def wait_for(what: str, check: Callable[[], bool], within_s: float = 90) -> float:
    """Seconds until ``check`` holds; the deadline only ends a broken run."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < within_s, f"{what} did not happen within {within_s} s"
        time.sleep(0.2)
    return time.monotonic() - started


def start_node(state: str, follows: list[str], ports: dict[str, int], store: Path, **extra: object) -> Node:
    """One member state's registry on its port, with keys, following ``follows``, harvesting as it serves.

    DE decides under its own (example) national profile, the others under the EU minimum.
    """
    from imvokg.api import create_app

    root = store.parent
    credentials = Credentials(root / "keys.json")
    supervisor = credentials.create(f"supervisor-{state.lower()}", "supervisor", member_state=state)[0]
    submitter = credentials.create(f"secretariat-{state.lower()}", "submitter")[0]
    peers = [{"member_state": p, "base": f"http://127.0.0.1:{ports[p]}/"} for p in follows]
    (root / "peers.json").write_text(json.dumps(peers))
    profile = {"profiles_dir": PROFILES, "requirement_profile": "de-example"} if state == "DE" else {}
    settings = settings_for_tests(
        store_path=store, api_keys_file=root / "keys.json", registry_base=f"http://127.0.0.1:{ports[state]}/",
        member_state=state, peers_file=root / "peers.json", harvest_allow_private=True,
        harvest_interval_s=0.5, sparql_workers=0, **{**profile, **extra},
    )  # fmt: skip
    live = LiveServer(create_app(settings), ports[state])
    live.start()
    return Node(state, live, root, supervisor, submitter)


@pytest.fixture(scope="module")
def network(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Node]]:
    # BE starts before FR and turns hostile before FR starts following it
    states = {"NL": [], "DE": ["NL"], "BE": [], "FR": ["NL", "DE", "BE"]}
    ports = {state: free_port() for state in states}
    nodes: dict[str, Node] = {}
    try:
        for state, follows in states.items():
            root = tmp_path_factory.mktemp(f"registry-{state.lower()}")
            nodes[state] = start_node(state, follows, ports, copy_store(store_path, root), ldes_page_size=2)
            if state == "BE":
                turn_hostile(nodes["BE"])
        yield nodes
    finally:
        for node in nodes.values():
            node.live.stop()


def approve(node: Node, slug: str) -> str:
    with node.client(node.submitter) as http:
        created = http.post(
            "/api/v1/submissions", params={"member_state": node.state},
            content=agreement_ttl(slug), headers={"Content-Type": "text/turtle"},
        )  # fmt: skip
    assert created.status_code == 201, created.text
    with node.client(node.supervisor) as http:
        approved = http.post(f"/api/v1/submissions/{created.json()['id']}/approve")
    assert approved.status_code == 200, approved.text
    return str(approved.json()["decision"])


def recognitions(node: Node, slug: str) -> list[dict]:
    with node.client() as http:
        return http.get(f"/api/v1/initiatives/{slug}/recognitions").json()  # type: ignore[no-any-return]


def test_three_registries_publish_harvest_verify_and_adopt(network: dict[str, Node]) -> None:
    nl, de, fr = network["NL"], network["DE"], network["FR"]
    decision = approve(nl, "example-network")
    delay = wait_for("DE harvesting NL's decision", lambda: bool(recognitions(de, "example-network")))
    [seen] = recognitions(de, "example-network")
    assert (
        seen["decision"],
        seen["member_state"],
        seen["registry"],
        seen["verification"],
        seen["profile"],
    ) == (
        decision,
        "NLD",
        "peer",
        "valid",
        EU_PROFILE,
    )
    with de.client(de.supervisor) as http:
        adopted = http.post(
            "/api/v1/network/adoptions",
            json={"decision": decision, "outcome": "adopt", "reason": "as NL found"},
        )
    assert adopted.status_code == 200, adopted.text
    adoption = adopted.json()["decision"]

    def fr_sees_both() -> bool:
        return {r["decision"] for r in recognitions(fr, "example-network")} == {decision, adoption}

    wait_for("FR harvesting NL's decision and DE's adoption", fr_sees_both)
    rows = {r["decision"]: r for r in recognitions(fr, "example-network")}
    assert {(r["member_state"], r["registry"], r["verification"], r["profile"]) for r in rows.values()} == {
        ("NLD", "peer", "valid", EU_PROFILE),
        ("DEU", "peer", "valid", DE_PROFILE),
    }
    assert rows[adoption]["adopts"] == decision
    with fr.client() as http:
        adopts = http.post(
            "/sparql",
            data={"query": f"ASK {{ <{adoption}> <https://w3id.org/imvokg/ont#adopts> <{decision}> }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert adopts.json()["boolean"] is True
    print(f"\nharvest delay NL -> DE: {delay:.2f} s (rounds every 0.5 s)")


def turn_hostile(be: Node) -> None:
    """BE publishes two decisions, then serves one changed after signing and one without its proof."""
    tampered, unsigned = approve(be, "example-hostile-a"), approve(be, "example-hostile-b")
    store = be.store()
    graph_a = GRAPH + "decision-" + tampered.rsplit("/", 1)[1]
    triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_a}> {{ ?s ?p ?o }} }}")
    changed = triples.replace(b"risk-based-lighter", b"regular")
    assert changed != triples
    store.replace_graphs({graph_a: changed})
    store.replace_graphs({proof_graph_iri(GRAPH + "decision-" + unsigned.rsplit("/", 1)[1]): b""})


def test_a_hostile_registry_is_refused_member_by_member(network: dict[str, Node]) -> None:
    fr = network["FR"]
    state_file = fr.root / "harvest" / "bel.json"

    def refused_both() -> bool:
        return state_file.exists() and json.loads(state_file.read_text())["refused"] >= 2

    wait_for("FR refusing BE's two decisions", refused_both)
    with fr.client() as http:
        stored = http.post(
            "/sparql",
            data={
                "query": f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH}peer/bel/")) }}'
            },
            headers={"Accept": "application/sparql-results+json"},
        )
    assert stored.json()["boolean"] is False
    assert json.loads(state_file.read_text())["stored"] == 0
    assert recognitions(fr, "example-hostile-a") == [] and recognitions(fr, "example-hostile-b") == []


CLIENTS = Path(__file__).parent / "clients"


def test_the_npm_ldes_client_follows_each_registry_of_the_network(network: dict[str, Node]) -> None:
    """The reference client (npm ldes-client) reads every decision each of NL, DE and FR publishes."""
    if shutil.which("node") is None or not (CLIENTS / "node_modules" / "ldes-client").exists():
        pytest.skip("needs node and `npm ci` in tests/clients (.ci/run does both)")
    from tests.test_profiles import german_agreement

    for state in ("NL", "DE", "FR"):
        node = network[state]
        body = german_agreement(f"example-client-{state.lower()}")  # DE requires a German name
        with node.client(node.submitter) as http:
            created = http.post(
                "/api/v1/submissions",
                params={"member_state": state},
                content=body,
                headers={"Content-Type": "text/turtle"},
            )
        assert created.status_code == 201, created.text
        with node.client(node.supervisor) as http:
            assert http.post(f"/api/v1/submissions/{created.json()['id']}/approve").status_code == 200
        with node.client() as http:
            rows = http.post(
                "/sparql",
                data={
                    "query": "SELECT DISTINCT ?d WHERE { GRAPH ?g { ?d a <https://w3id.org/imvokg/ont#"
                    f'RecognitionDecision> }} FILTER(STRSTARTS(STR(?g), "{GRAPH}decision-")) }}'
                },
                headers={"Accept": "application/sparql-results+json"},
            ).json()["results"]["bindings"]
        published = {row["d"]["value"] for row in rows}
        followed = subprocess.run(
            ["node", str(CLIENTS / "follow-ldes.mjs"), node.live.url + "/ldes", str(len(published)), "120"],
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
        members = [json.loads(line)["id"] for line in followed.stdout.splitlines() if line.strip()]
        assert sorted(members) == sorted(published), (state, followed.stderr[-500:])
