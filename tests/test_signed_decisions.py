"""Decisions signed by the registry's authority, checked over HTTP and from the command line.

A server of the module's own on a copy of the built store approves and
withdraws; its authority key file lives beside that copy. Tampering is done
the way an attacker with write access to a store would: by replacing a graph.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.conftest import LiveServer
from tests.test_workflow import Env, start_writable_env, submit

from imvokg.api import models
from imvokg.integrity import parse_statement, public_key_multibase, sign
from imvokg.services.signing import proof_graph_iri, proof_triples

GRAPH = "https://w3id.org/imvokg/graph/"


@pytest.fixture(scope="module")
def signed(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Env]]:
    live, environment = start_writable_env(store_path, tmp_path_factory.mktemp("signed"))
    yield live, environment
    live.stop()


def store_of(live: LiveServer):  # type: ignore[no-untyped-def]
    return live.server.config.app.state.services.store  # type: ignore[union-attr]


def approve(env: Env, slug: str) -> str:
    created = submit(env, slug)
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    with env.client("bob") as http:
        approved = http.post(f"/api/v1/submissions/{sid}/approve", json={"valid_from": "2026-01-01"})
    assert approved.status_code == 200, approved.text
    return str(approved.json()["decision"]).rsplit("/decision/", 1)[1]


def verification(env: Env, decision: str) -> dict:
    with env.client() as http:
        answer = http.get(f"/api/v1/decisions/{decision}/verification")
    assert answer.status_code == 200, answer.text
    models.DecisionVerification.model_validate(answer.json())  # the shape the OpenAPI document gives
    return answer.json()  # type: ignore[no-any-return]


def imvokg(env: Env, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line on the module's registry (its key file sits beside the store copy)."""
    environment = {**os.environ, "IMVOKG_STORE_PATH": str(env.root / "store")}
    return subprocess.run(
        [sys.executable, "-m", "imvokg", *args], env=environment, capture_output=True, text=True, timeout=120
    )


def test_an_approval_is_signed_and_verifies(signed: tuple[LiveServer, Env]) -> None:
    _, env = signed
    decision = approve(env, "example-signed")
    answer = verification(env, decision)
    assert answer["state"] == "valid", answer
    graphs = {row["graph"]: row for row in answer["graphs"]}
    assert set(graphs) == {GRAPH + f"decision-{decision}", GRAPH + f"submission-{decision.split('-', 1)[1]}"}
    assert all(row["state"] == "valid" for row in graphs.values())
    method = next(iter(graphs.values()))["verification_method"]
    assert method == "https://w3id.org/imvokg/authority#key-1"
    with env.client() as http:
        document = http.get("/authority")
    assert document.headers["content-type"].startswith("application/ld+json")
    body = document.json()
    assert body["id"] == "https://w3id.org/imvokg/authority"
    [key] = body["verificationMethod"]
    assert key["id"] == method and key["type"] == "Multikey" and key["publicKeyMultibase"].startswith("z6Mk")
    assert body["assertionMethod"] == [method]
    assert "secretKeyMultibase" not in document.text


def test_one_changed_triple_fails_the_verification(signed: tuple[LiveServer, Env]) -> None:
    live, env = signed
    decision = approve(env, "example-tampered")
    graph = GRAPH + f"decision-{decision}"
    store = store_of(live)
    triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    changed = triples.replace(b'"2026-01-01"', b'"2025-01-01"')
    assert changed != triples
    store.replace_graphs({graph: changed})
    answer = verification(env, decision)
    assert answer["state"] == "invalid"
    assert "changed after signing" in answer["reason"]
    dropped = b"\n".join(
        line for line in triples.splitlines() if b"validUntil" not in line and b"comment" not in line
    )
    store.replace_graphs({graph: dropped[: dropped.rfind(b"\n")] + b"\n"})  # one statement fewer
    assert verification(env, decision)["state"] == "invalid"


def test_a_withdrawal_is_signed_too(signed: tuple[LiveServer, Env]) -> None:
    _, env = signed
    approve(env, "example-signed-withdrawn")
    with env.client("bob") as http:
        answer = http.post(
            "/api/v1/agreements/example-signed-withdrawn/withdraw",
            json={"valid_from": "2027-01-01", "reason": "no longer meets MR-05"},
        )
    assert answer.status_code == 200, answer.text
    decision = answer.json()["decision"].rsplit("/decision/", 1)[1]
    result = verification(env, decision)
    assert result["state"] == "valid" and len(result["graphs"]) == 1


def test_a_decision_without_a_proof_is_reported_unsigned(signed: tuple[LiveServer, Env]) -> None:
    live, env = signed
    decision = approve(env, "example-unsigned")
    store_of(live).replace_graphs({proof_graph_iri(GRAPH + f"decision-{decision}"): b""})
    answer = verification(env, decision)
    assert answer["state"] == "unsigned"
    assert verification(env, decision)["graphs"][1]["state"] == "valid"  # the agreement's proof is intact


def test_a_foreign_key_is_unknown_here(signed: tuple[LiveServer, Env]) -> None:
    live, env = signed
    decision = approve(env, "example-foreign-key")
    graph = GRAPH + f"decision-{decision}"
    store = store_of(live)
    triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    foreign = Ed25519PrivateKey.generate()
    proof = sign(parse_statement(triples), foreign, "https://registry.example.de/authority#key-1")
    store.replace_graphs({proof_graph_iri(graph): proof_triples(graph, proof)})
    answer = verification(env, decision)
    assert answer["state"] == "unknown_key"
    assert "https://registry.example.de/authority#key-1" in answer["reason"]


def test_unknown_decisions_are_404(signed: tuple[LiveServer, Env]) -> None:
    _, env = signed
    with env.client() as http:
        assert http.get("/api/v1/decisions/recognition-nothing/verification").status_code == 404
        assert http.get("/api/v1/decisions/..%2fetc/verification").status_code == 404


@pytest.fixture()
def rotating(store_path: Path, tmp_path: Path) -> Iterator[Env]:
    """A registry of the test's own: rotating and revoking keys changes what every decision shows."""
    live, environment = start_writable_env(store_path, tmp_path)
    yield environment
    live.stop()


@pytest.mark.slow  # a registry of its own, approvals under three keys
def test_rotation_keeps_old_decisions_valid_and_revocation_ends_them(rotating: Env) -> None:
    env = rotating
    before = approve(env, "example-before-rotation")
    rotated = imvokg(env, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert "key-2 signs from now on" in rotated.stdout
    after = approve(env, "example-after-rotation")
    assert verification(env, before)["state"] == "valid"
    fresh = verification(env, after)
    assert fresh["state"] == "valid"
    assert fresh["graphs"][0]["verification_method"].endswith("#key-2")
    with env.client() as http:
        methods = {m["id"].rsplit("#", 1)[1]: m for m in http.get("/authority").json()["verificationMethod"]}
    assert set(methods) == {"key-1", "key-2"} and "expires" in methods["key-1"]
    assert "expires" not in methods["key-2"]
    revoked = imvokg(env, "keys", "revoke", "key-1")
    assert revoked.returncode == 0, revoked.stderr
    old = verification(env, before)
    assert old["state"] == "invalid" and "revoked" in old["reason"]
    assert verification(env, after)["state"] == "valid"


@pytest.mark.slow  # CLI processes
def test_the_command_line_verifies_a_dump_and_finds_a_change(
    signed: tuple[LiveServer, Env], tmp_path: Path
) -> None:
    live, env = signed
    decision = approve(env, "example-dumped")
    # the decision's and its agreement's graphs with their proofs, as a registry's dump holds them
    # (other tests of this module tamper with their own decisions in the same store)
    ours = [GRAPH + f"decision-{decision}", GRAPH + f"submission-{decision.split('-', 1)[1]}"]
    names = {f"<{g}>".encode() for g in ours} | {f"<{proof_graph_iri(g)}>".encode() for g in ours}
    every = store_of(live).dump("application/n-quads").splitlines()
    dump = tmp_path / "registry.nq"
    dump.write_bytes(b"\n".join(line for line in every if line.rsplit(b" ", 2)[-2] in names) + b"\n")
    checked = imvokg(env, "verify", str(dump), "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    rows = json.loads(checked.stdout)
    assert GRAPH + f"decision-{decision}" in {row["graph"] for row in rows}
    graph = f"<{GRAPH}decision-{decision}>".encode()
    lines = dump.read_bytes().splitlines()
    index = next(i for i, line in enumerate(lines) if line.endswith(graph + b" .") and b"validFrom" in line)
    lines[index] = lines[index].replace(b"2026-01-01", b"2026-02-01")
    dump.write_bytes(b"\n".join(lines) + b"\n")
    changed = imvokg(env, "verify", str(dump))
    assert changed.returncode == 1
    assert "invalid" in changed.stdout and "changed after signing" in changed.stdout
    by_id = imvokg(env, "verify", decision)
    assert by_id.returncode == 0 and by_id.stdout.startswith("valid"), by_id.stdout + by_id.stderr


def test_a_peers_authority_document_lets_its_proofs_verify(
    tmp_path: Path, signed: tuple[LiveServer, Env]
) -> None:
    _, env = signed
    peer = Ed25519PrivateKey.generate()
    controller = "https://registry.example.de/authority"
    statement = (
        b'<https://registry.example.de/id/decision/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    )
    graph = "https://registry.example.de/graph/decision-x"
    proof = sign(parse_statement(statement), peer, controller + "#key-1")
    dataset = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(statement, format=ox.RdfFormat.N_TRIPLES)
    ]
    dataset += [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(proof_graph_iri(graph)))
        for t in ox.parse(proof_triples(graph, proof), format=ox.RdfFormat.N_TRIPLES)
    ]
    file = tmp_path / "peer.trig"
    file.write_bytes(ox.serialize(dataset, format=ox.RdfFormat.TRIG))
    unknown = imvokg(env, "verify", str(file))
    assert unknown.returncode == 1 and "unknown_key" in unknown.stdout
    document = {
        "@context": "https://www.w3.org/ns/cid/v1",
        "id": controller,
        "verificationMethod": [
            {"id": controller + "#key-1", "type": "Multikey", "controller": controller,
             "publicKeyMultibase": public_key_multibase(peer.public_key())}
        ],
        "assertionMethod": [controller + "#key-1"],
    }  # fmt: skip
    (tmp_path / "de.json").write_text(json.dumps(document))
    known = imvokg(env, "verify", str(file), "--authority", str(tmp_path / "de.json"))
    assert known.returncode == 0, known.stdout + known.stderr
    assert known.stdout.startswith("valid")


@pytest.mark.slow  # CLI processes
def test_init_registry_writes_settings_and_a_key_and_never_overwrites(
    tmp_path: Path, signed: tuple[LiveServer, Env]
) -> None:
    _, env = signed
    folder = tmp_path / "de"
    args = [
        "init-registry", "--member-state", "DE", "--authority-iri", "https://example.de/authority",
        "--authority-name", "Bundesamt (example)", "--base-url", "https://de.registry.example/",
        "--dir", str(folder),
    ]  # fmt: skip
    made = imvokg(env, *args)
    assert made.returncode == 0, made.stderr
    settings = (folder / "registry.env").read_text()
    assert 'IMVOKG_MEMBER_STATE="DE"' in settings and "IMVOKG_REGISTRY_BASE" in settings
    keys = folder / "authority-keys.json"
    assert oct(keys.stat().st_mode & 0o777) == "0o600"
    assert json.loads(keys.read_text())["keys"][0]["id"] == "key-1"
    listed = imvokg(env, "--settings", str(folder / "registry.env"), "keys", "list")
    assert listed.returncode == 0 and "https://de.registry.example/authority#key-1  signs" in listed.stdout
    again = imvokg(env, *args)
    assert again.returncode == 2 and "never overwritten" in again.stderr
    wrong = imvokg(env, *[a if a != "DE" else "XX" for a in args[:-1]], str(tmp_path / "xx"))
    assert wrong.returncode == 2 and "member state" in wrong.stderr
    assert not (tmp_path / "xx").exists()
